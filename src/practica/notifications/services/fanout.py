"""Turning one domain event into notifications, in the worker (never in the request).

`event_fan_out(event=..., payload=...)` asks the sources who should hear about it, keeps one intent
per person (the first: sources list the most personal first), and for each person loaded afresh
asks, *now*: may they see the thing (`policy.can`, through the target registry), does the community
level let it through (mute keeps only what is addressed to them), and by which channels. Rows are
written in bulk; events of one group add to the person's unread row ("5 new answers on …").
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from practica.accounts.models import User
from practica.communities import policy
from practica.notifications import preferences, registry
from practica.notifications.models import CommunityLevel, Level, Notification
from practica.notifications.registry import EMAIL, IN_APP, Intent

BATCH = 1000


def _resolve(intents: list[Intent]) -> list[tuple[Intent, tuple[str, ...]]]:
    """The intents that get through, with their channels, checked for each person now."""
    first: dict[int, Intent] = {}
    for intent in intents:
        if intent.recipient_id != intent.actor_id and intent.recipient_id not in first:
            first[intent.recipient_id] = intent
    ids = list(first)
    users = User.objects.filter(pk__in=ids, is_active=True).in_bulk() if ids else {}
    policy.prime_memberships(users.values())
    prefs = preferences.preferences_for(list(users))
    community_ids = {i.community_id for i in first.values() if i.community_id}
    levels: dict[tuple[int, int | None], str] = {
        (lv.user_id, lv.community_id): lv.level
        for lv in CommunityLevel.objects.filter(user_id__in=ids, community_id__in=community_ids)
    }
    accepted = []
    for pk, intent in first.items():
        user, kind = users.get(pk), registry.kinds[intent.kind]
        target = registry.targets[intent.target_type]
        if user is None or not target.visible(user, intent.target):
            continue
        if levels.get((pk, intent.community_id)) == Level.MUTE and not kind.addressed:
            continue
        chosen = preferences.channels(prefs[pk], intent.kind)
        if chosen:
            accepted.append((intent, chosen))
    return accepted


def _row(intent: Intent, *, now: Any, read: bool, email: bool) -> Notification:
    return Notification(
        recipient_id=intent.recipient_id,
        kind=intent.kind,
        community_id=intent.community_id,
        target_type=intent.target_type,
        target_id=intent.target.pk,
        thread_id=getattr(intent.target, "thread_id", None)
        or (intent.target.pk if intent.target_type == "thread" else None),
        actor_id=intent.actor_id,
        title=intent.title[:300],
        url=intent.url,
        group_key=intent.group_key,
        updated_at=now,
        read_at=now if read else None,
        email_state=Notification.Email.PENDING if email else "",
    )


def _add_to_unread(intent: Intent, recipient_ids: list[int], now: Any) -> set[int]:
    """Add one event to the unread rows of its group; the recipients whose row it joined."""
    rows = Notification.objects.filter(
        recipient_id__in=recipient_ids, group_key=intent.group_key, read_at__isnull=True
    )
    joined = set(rows.values_list("recipient_id", flat=True))
    if joined:
        rows.filter(recipient_id__in=joined).update(
            count=F("count") + 1,
            updated_at=now,
            actor_id=intent.actor_id,
            target_type=intent.target_type,
            target_id=intent.target.pk,
            url=intent.group_url or intent.url,
        )
    return joined


def _write_in_app(batch: list[Intent], now: Any) -> int:
    """Bulk path: in-app only. Groups join unread rows; the rest are inserted together."""
    by_group: dict[str, list[Intent]] = defaultdict(list)
    for intent in batch:
        by_group[intent.group_key].append(intent)
    written = 0
    for group in by_group.values():
        joined = _add_to_unread(group[0], [i.recipient_id for i in group], now)
        new = [
            _row(i, now=now, read=False, email=False) for i in group if i.recipient_id not in joined
        ]
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        written += len(group)
    return written


def _write_one(intent: Intent, chosen: tuple[str, ...], now: Any) -> Notification:
    """A row for one person, as the email it comes with needs its id."""
    email = EMAIL in chosen
    kind = registry.kinds[intent.kind]
    if IN_APP in chosen and kind.group and _add_to_unread(intent, [intent.recipient_id], now):
        row = Notification.objects.get(
            recipient_id=intent.recipient_id, group_key=intent.group_key, read_at__isnull=True
        )
        if email:
            Notification.objects.filter(pk=row.pk).update(email_state=Notification.Email.PENDING)
        return row
    row = _row(intent, now=now, read=IN_APP not in chosen, email=email)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # a concurrent event made the unread row first: join it
        _add_to_unread(intent, [intent.recipient_id], now)
        row = Notification.objects.get(
            recipient_id=intent.recipient_id, group_key=intent.group_key, read_at__isnull=True
        )
    return row


def event_fan_out(*, event: str, payload: dict[str, Any]) -> int:
    """Write the notifications for `event`; returns how many people got one. Emails are queued
    after commit, one task per email."""
    from practica.notifications.tasks import send_notification_email

    intents = [i for source in registry.sources.get(event, []) for i in source(payload)]
    accepted = _resolve(intents)
    now = timezone.now()
    count = 0
    with transaction.atomic():
        bulk = [i for i, chosen in accepted if chosen == (IN_APP,)]
        for start in range(0, len(bulk), BATCH):
            count += _write_in_app(bulk[start : start + BATCH], now)
        for intent, chosen in accepted:
            if chosen == (IN_APP,):
                continue
            row = _write_one(intent, chosen, now)
            count += 1
            if EMAIL in chosen:
                transaction.on_commit(
                    partial(send_notification_email.enqueue, notification_id=row.pk)
                )
    return count


def notifications_forget(
    *, user_id: int | None = None, community_id: int | None = None, **target: Any
) -> int:
    """Delete notifications that must no longer show: a person's from a community they left, or
    everyone's about a deleted thread or answer (`thread_id=`, or `target_type=` and `target_id=`)."""
    rows = Notification.objects.all()
    if user_id is not None:
        rows = rows.filter(recipient_id=user_id)
    if community_id is not None:
        rows = rows.filter(community_id=community_id)
    if target:
        rows = rows.filter(**target)
    if user_id is None and community_id is None and not target:
        return 0
    with transaction.atomic():
        deleted, _ = rows.delete()
    return deleted
