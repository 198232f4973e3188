"""A person's own notifications and choices: reading, preferences, community levels, unsubscribing."""

from __future__ import annotations

from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from practica.accounts.models import User
from practica.communities import policy
from practica.communities.models import Community
from practica.notifications import registry
from practica.notifications.models import CommunityLevel, Digest, Level, Notification, Preference


def notifications_mark_read(*, user: User, ids: list[int] | None = None, kind: str = "") -> int:
    """Mark the person's unread notifications read: those in `ids`, or all (of `kind`, if given).
    Returns how many changed; another person's ids change nothing."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    if kind:
        rows = rows.filter(kind=kind)
    with transaction.atomic():
        return rows.update(read_at=timezone.now())


def _clean_channels(raw: Any) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        raise ValidationError({"channels": "Give a channel list for each kind of notification."})
    clean: dict[str, list[str]] = {}
    for key, chosen in raw.items():
        kind = registry.kinds.get(key)
        if kind is None:
            raise ValidationError({"channels": f"There is no kind of notification “{key}”."})
        if not isinstance(chosen, list) or any(c not in registry.CHANNELS for c in chosen):
            raise ValidationError(
                {"channels": f"“{key}”: choose among in_app and email (or nothing)."}
            )
        if registry.EMAIL in chosen and not kind.email:
            raise ValidationError({"channels": f"“{kind.label}” is not sent by email."})
        clean[key] = [c for c in registry.CHANNELS if c in chosen]
    return clean


def preference_update(
    *,
    user: User,
    channels: dict[str, list[str]] | None = None,
    digest: str | None = None,
    quiet_start: time | None = None,
    quiet_end: time | None = None,
    timezone_name: str | None = None,
    clear_quiet_hours: bool = False,
    levels: list[tuple[Community, str]] | None = None,
) -> Preference:
    """Change the person's choices; only what is given changes. Channels given for some kinds
    leave the others as they were; `levels` sets watch / normal / mute per community. Everything
    is checked before anything is written."""
    errors: dict[str, str] = {}
    # Quiet hours are wall-clock times in the person's time zone: an offset sent with them is dropped.
    quiet_start = quiet_start.replace(tzinfo=None) if quiet_start else quiet_start
    quiet_end = quiet_end.replace(tzinfo=None) if quiet_end else quiet_end
    for community, level in levels or []:
        if level not in Level.values:
            errors["communities"] = "Choose watch, normal or mute."
        elif not policy.can(user, "community.read", community):
            errors["communities"] = f"You cannot follow {community.name}."
    if digest is not None and digest not in Digest.values:
        errors["digest"] = "Choose off, daily or weekly."
    if timezone_name is not None:
        try:
            ZoneInfo(timezone_name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            errors["timezone"] = f"“{timezone_name}” is not a time zone (e.g. Europe/Paris)."
    if (quiet_start is None) != (quiet_end is None) and not clear_quiet_hours:
        errors["quiet_end"] = "Give both the start and the end of quiet hours."
    clean = _clean_channels(channels) if channels is not None else None
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pref, _ = Preference.objects.select_for_update().get_or_create(user=user)
        if clean is not None:
            pref.channels = {**(pref.channels or {}), **clean}
        if digest is not None:
            pref.digest = digest
        if timezone_name is not None:
            pref.timezone = timezone_name
        if clear_quiet_hours:
            pref.quiet_start = pref.quiet_end = None
        elif quiet_start is not None and quiet_end is not None:
            pref.quiet_start, pref.quiet_end = quiet_start, quiet_end
        pref.save()
        for community, level in levels or []:
            CommunityLevel.objects.update_or_create(
                user=user, community=community, defaults={"level": level}
            )
    return pref


def community_level_set(*, user: User, community: Community, level: str) -> CommunityLevel:
    """Watch, normal or mute a community the person may read."""
    if level not in Level.values:
        raise ValidationError({"level": "Choose watch, normal or mute."})
    policy.authorize(user, "community.read", community)
    with transaction.atomic():
        found, _ = CommunityLevel.objects.update_or_create(
            user=user, community=community, defaults={"level": level}
        )
    return found


def unsubscribe(*, user_id: int, list_name: str) -> bool:
    """Stop the email list `list_name` ("digest", or "kind:<kind>") for the person. True when
    something changed."""
    with transaction.atomic():
        pref, _ = Preference.objects.select_for_update().get_or_create(user_id=user_id)
        if list_name == "digest":
            changed = pref.digest != Digest.OFF
            pref.digest = Digest.OFF
        elif list_name.startswith("kind:") and list_name[5:] in registry.kinds:
            key = list_name[5:]
            now = [c for c in (pref.channels or {}).get(key, registry.default_channels(key))]
            changed = registry.EMAIL in now
            pref.channels = {**(pref.channels or {}), key: [c for c in now if c != registry.EMAIL]}
        else:
            raise ValidationError("This unsubscribe link is not valid.")
        pref.save()
    return changed
