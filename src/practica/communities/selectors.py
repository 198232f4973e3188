"""Reads about communities. Each selector owns its query shape and asks `policy` for visibility."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from practica.accounts.models import User
from practica.communities import policy
from practica.communities.models import (
    Community,
    Invitation,
    Membership,
    MembershipState,
    Role,
)
from practica.core.pagination import Page, paginate

FACILITATOR_ROLES = (Role.FACILITATOR, Role.OWNER)


def _with_counts(qs: QuerySet[Community]) -> QuerySet[Community]:
    """Annotate `member_count` with a correlated subquery, so only the rows of the page are
    counted (a JOIN + GROUP BY would count every membership on the site before paging)."""
    active = (
        Membership.objects.filter(community=OuterRef("pk"), state=MembershipState.ACTIVE)
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(member_count=Coalesce(Subquery(active, output_field=IntegerField()), 0))


def community_get(*, user: Any, slug: str) -> Community:
    """The community at `slug` if `user` may know it exists, with `member_count` and
    `owner_count`; Http404 otherwise."""
    owners = (
        Membership.objects.filter(
            community=OuterRef("pk"), state=MembershipState.ACTIVE, role=Role.OWNER
        )
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    community = (
        _with_counts(policy.visible_to(user, Community.objects.all()))
        .annotate(owner_count=Coalesce(Subquery(owners, output_field=IntegerField()), 0))
        .filter(slug=slug)
        .first()
    )
    if community is None:
        raise Http404("No such community.")
    return community


def community_directory(
    *,
    user: Any,
    q: str = "",
    visibility: str = "",
    mine: bool = False,
    join_policy: str = "",
    cursor: str | None = None,
    limit: int = 20,
) -> Page[Community]:
    """Communities `user` may know exist, by name; filtered by text, visibility, policy and
    membership. Each comes with `member_count` and `facilitator_list`; three queries a page."""
    qs = policy.visible_to(user, Community.objects.all())
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(purpose__icontains=q) | Q(slug__icontains=q))
    if visibility:
        qs = qs.filter(visibility=visibility)
    if join_policy:
        qs = qs.filter(join_policy=join_policy)
    if mine:
        qs = qs.filter(
            pk__in=[cid for cid, m in policy.memberships_of(user).items() if m.is_active]
        )
    qs = _with_counts(qs).prefetch_related(_facilitators_prefetch())
    page = paginate(qs, order=("name", "id"), cursor=cursor, limit=limit)
    mine_by_id = policy.memberships_of(user)
    for community in page.items:
        community.my_membership = mine_by_id.get(community.pk)  # type: ignore[attr-defined]
        community.can_read = policy.can(user, "community.read", community)  # type: ignore[attr-defined]
    return page


def _facilitators_prefetch() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(state=MembershipState.ACTIVE, role__in=FACILITATOR_ROLES)
        .select_related("user")
        .order_by("-role", "user__name", "id"),
        to_attr="facilitator_list",
    )


def facilitators(*, community: Community) -> list[Membership]:
    return list(
        Membership.objects.filter(
            community=community, state=MembershipState.ACTIVE, role__in=FACILITATOR_ROLES
        )
        .select_related("user")
        .order_by("-role", "user__name", "id")
    )


def member_list(
    *,
    user: Any,
    community: Community,
    q: str = "",
    role: str = "",
    cursor: str | None = None,
    limit: int = 30,
) -> Page[Membership]:
    """Active members, by name; Http404 when `user` may not see the members."""
    if not policy.can(user, "community.read", community):
        raise Http404("No such community.")
    qs = policy.visible_to(user, Membership.objects.filter(community=community)).select_related(
        "user"
    )
    if q:
        qs = qs.filter(
            Q(user__name__icontains=q) | Q(user__team__icontains=q) | Q(user__handle__icontains=q)
        )
    if role:
        qs = qs.filter(role=role)
    return paginate(qs, order=("user__name", "id"), cursor=cursor, limit=limit)


def recent_members(*, user: Any, community: Community, limit: int = 12) -> list[Membership]:
    """The people who joined most recently (an index keeps this cheap in big communities)."""
    if not policy.can(user, "community.read", community):
        return []
    return list(
        Membership.objects.filter(community=community, state=MembershipState.ACTIVE)
        .select_related("user")
        .order_by("-joined_at", "-id")[:limit]
    )


def member_get(*, user: Any, community: Community, user_id: int) -> Membership:
    """One person's membership (active or requested) for someone who may manage members, or an
    active one for someone who may read the community; Http404 otherwise."""
    qs = Membership.objects.select_related("user", "community").filter(
        community=community, user_id=user_id
    )
    if not policy.can(user, "community.manage_members", community):
        if not policy.can(user, "community.read", community):
            raise Http404("No such member.")
        qs = qs.filter(state=MembershipState.ACTIVE)
    membership = qs.first()
    if membership is None:
        raise Http404("No such member.")
    return membership


def join_requests(*, user: Any, community: Community) -> list[Membership]:
    """Pending requests to join, oldest first, for those who may manage members."""
    if not policy.can(user, "community.manage_members", community):
        return []
    return list(
        Membership.objects.filter(community=community, state=MembershipState.REQUESTED)
        .select_related("user")
        .order_by("created_at", "id")
    )


def open_invitations(*, user: Any, community: Community) -> list[Invitation]:
    if not policy.can(user, "community.invite", community):
        return []
    from django.utils import timezone

    return list(
        Invitation.objects.filter(
            community=community,
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).select_related("created_by")
    )


def invitation_get(*, user: Any, community: Community, invitation_id: int) -> Invitation:
    if not policy.can(user, "community.invite", community):
        raise Http404("No such invitation.")
    invitation = Invitation.objects.filter(community=community, pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation.")
    invitation.community = community
    return invitation


def communities_of(*, viewer: Any, person: User) -> list[Community]:
    """The communities `person` belongs to that `viewer` may know exist."""
    ids = Membership.objects.filter(user=person, state=MembershipState.ACTIVE).values(
        "community_id"
    )
    return list(policy.visible_to(viewer, Community.objects.filter(pk__in=ids)).order_by("name"))


def pending_requests_of(*, user: Any) -> list[Membership]:
    if policy.is_anonymous(user):
        return []
    return list(
        Membership.objects.filter(user=user, state=MembershipState.REQUESTED).select_related(
            "community"
        )
    )
