"""Reads of the notifications app. A person sees only their own notifications, and of those only
what comes from communities they may still read; webhooks only where they manage webhooks (for
anyone else a webhook or delivery does not exist: 404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from practica.accounts.models import User
from practica.communities import policy
from practica.communities.models import Community
from practica.core.pagination import Page, paginate
from practica.notifications import registry
from practica.notifications.models import CommunityLevel, Delivery, Notification, Webhook


def unread_count(*, user: User) -> int:
    """The bell's number: one count on the (recipient, read_at) index."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def _visible(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).filter(
        Q(community__isnull=True) | policy.readable_communities_q(user, "community__")
    )


def notification_list(
    *, user: User, unread: bool = False, kind: str = "", cursor: str | None = None, limit: int = 20
) -> Page[Notification]:
    """The person's notifications, latest activity first (two queries whatever the page size)."""
    qs = _visible(user).select_related("actor", "community")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    page = paginate(qs, order=("-updated_at", "-id"), cursor=cursor, limit=limit)
    for n in page.items:
        n.text = text_of(n)  # type: ignore[attr-defined]
    return page


def text_of(n: Notification) -> str:
    kind = registry.kinds.get(n.kind)
    if kind is None:
        return n.title
    return kind.text(
        count=n.count,
        actor=n.actor.name if n.actor else "",
        title=n.title,
        community=n.community.name if n.community else n.title,
    )


def notification_get(*, user: User, pk: int) -> Notification:
    found = _visible(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such notification.")
    return found


@dataclass
class LevelRow:
    community: Community
    level: str


def community_levels(*, user: User) -> list[LevelRow]:
    """The person's active communities, each with their watch / normal / mute level."""
    memberships = [m for m in policy.memberships_of(user).values() if m.is_active]
    communities = Community.objects.filter(pk__in=[m.community_id for m in memberships]).order_by(
        "name"
    )
    levels = dict(CommunityLevel.objects.filter(user=user).values_list("community_id", "level"))
    return [LevelRow(c, levels.get(c.pk, "normal")) for c in communities]


def _manageable(user: User, community: Community) -> bool:
    return policy.can(user, "community.manage_webhooks", community)


def webhooks_of(*, user: User, community: Community) -> list[Webhook]:
    """A community's webhooks (PermissionDenied for those who may not manage them)."""
    policy.authorize(user, "community.manage_webhooks", community)
    return list(Webhook.objects.filter(community=community).select_related("community"))


def webhook_get(*, user: User, pk: int, community: Community | None = None) -> Webhook:
    hook = Webhook.objects.select_related("community").filter(pk=pk).first()
    if hook is None or (community is not None and hook.community_id != community.pk):
        raise Http404("No such webhook.")
    if not _manageable(user, hook.community):
        raise Http404("No such webhook.")
    return hook


def deliveries_of(
    *, user: User, webhook: Webhook, cursor: str | None = None, limit: int = 20
) -> Page[Delivery]:
    if not _manageable(user, webhook.community):
        raise Http404("No such webhook.")
    qs = Delivery.objects.filter(webhook=webhook).select_related("webhook__community")
    return paginate(qs, order=("-created_at", "-id"), cursor=cursor, limit=limit)


def delivery_get(*, user: User, pk: int) -> Delivery:
    found = Delivery.objects.select_related("webhook__community").filter(pk=pk).first()
    if found is None or not _manageable(user, found.webhook.community):
        raise Http404("No such delivery.")
    return found
