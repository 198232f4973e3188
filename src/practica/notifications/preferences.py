"""Reading a person's notification choices: channels per kind, digest, quiet hours, community level."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from practica.notifications import registry
from practica.notifications.models import CommunityLevel, Level, Preference


def preference_for(user_id: int) -> Preference:
    """The person's Preference row (unsaved defaults when they never chose anything)."""
    return Preference.objects.filter(user_id=user_id).first() or Preference(user_id=user_id)


def preferences_for(user_ids: list[int]) -> dict[int, Preference]:
    found = {p.user_id: p for p in Preference.objects.filter(user_id__in=user_ids)}
    return {pk: found.get(pk) or Preference(user_id=pk) for pk in user_ids}


def channels(pref: Preference, kind: str) -> tuple[str, ...]:
    """The channels `kind` reaches the person by (email only for kinds that may be emailed)."""
    chosen = pref.channels.get(kind) if isinstance(pref.channels, dict) else None
    found = tuple(chosen) if isinstance(chosen, list) else registry.default_channels(kind)
    k = registry.kinds.get(kind)
    return tuple(
        c for c in found if c in registry.CHANNELS and (c != registry.EMAIL or (k and k.email))
    )


def level_of(user_id: int, community_id: int | None) -> str:
    if community_id is None:
        return Level.NORMAL
    found = CommunityLevel.objects.filter(user_id=user_id, community_id=community_id).first()
    return found.level if found else Level.NORMAL


def _zone(pref: Preference) -> ZoneInfo:
    try:
        return ZoneInfo(pref.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("UTC")


def in_quiet_hours(pref: Preference, now: datetime | None = None) -> bool:
    """Whether `now` falls in the person's quiet hours (in their time zone; may span midnight)."""
    start, end = pref.quiet_start, pref.quiet_end
    if start is None or end is None or start == end:
        return False
    local: time = (now or timezone.now()).astimezone(_zone(pref)).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end
