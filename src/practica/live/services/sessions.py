"""Scheduling, editing, starting and ending live sessions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from practica.accounts.models import User
from practica.communities import policy
from practica.communities.models import Community, Membership, MembershipState
from practica.live.models import (
    LiveRole,
    LiveSession,
    QuestionsOpen,
    RoleKind,
    Status,
)
from practica.live.payloads import session_public
from practica.live.services._common import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    TITLE_MIN,
    emit,
    render_text,
    require,
)

MAX_LENGTH = timedelta(hours=12)
ROLE_FIELDS = {
    "hosts": RoleKind.HOST,
    "moderators": RoleKind.MODERATOR,
    "curators": RoleKind.CURATOR,
}


def _aware(value: datetime, tz: str) -> datetime:
    """A naive time is read in the session's time zone (what the person typed); stored in UTC."""
    if timezone.is_naive(value):
        return value.replace(tzinfo=ZoneInfo(tz))
    return value


def _clean(data: dict[str, Any], community: Community, errors: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "title" in data:
        title = " ".join((data["title"] or "").split())
        if len(title) < TITLE_MIN:
            errors["title"] = "Give the session a title people will recognise."
        elif len(title) > TITLE_MAX:
            errors["title"] = f"Keep the title under {TITLE_MAX} characters."
        out["title"] = title
    if "description" in data:
        description = (data["description"] or "").strip()
        if len(description) > DESCRIPTION_MAX:
            errors["description"] = f"Keep the description under {DESCRIPTION_MAX:,} characters."
        out["description"] = description
    if "time_zone" in data:
        tz = (data["time_zone"] or "").strip()
        if tz not in available_timezones():
            errors["time_zone"] = "Choose a time zone from the list, such as Europe/Paris."
            tz = "UTC"
        out["time_zone"] = tz
    if "meeting_url" in data:
        url = (data["meeting_url"] or "").strip()
        parts = urlsplit(url)
        if url and (parts.scheme not in ("http", "https") or not parts.netloc):
            errors["meeting_url"] = "Give the meeting's full address, starting with https://."
        out["meeting_url"] = url[:500]
    if "questions_open" in data:
        if data["questions_open"] not in QuestionsOpen.values:
            errors["questions_open"] = "Choose when questions open."
        out["questions_open"] = data["questions_open"]
    for flag in ("allow_anonymous", "premoderate"):
        if flag in data:
            out[flag] = bool(data[flag])
    for field, role in ROLE_FIELDS.items():
        if field in data and data[field] is not None:
            people = list(data[field])
            active = set(
                Membership.objects.filter(
                    community=community, user__in=people, state=MembershipState.ACTIVE
                ).values_list("user_id", flat=True)
            )
            outside = [p.name for p in people if p.pk not in active]
            if outside:
                errors[field] = f"Only members can be {role.label.lower()}s: {', '.join(outside)}."
            out[field] = people
    return out


def _check_times(starts_at: datetime, ends_at: datetime, errors: dict[str, str]) -> None:
    if ends_at <= starts_at:
        errors["ends_at"] = "The session must end after it starts."
    elif ends_at - starts_at > MAX_LENGTH:
        errors["ends_at"] = "A session lasts at most 12 hours."


def _set_roles(session: LiveSession, roles: dict[str, list[User]]) -> None:
    for field, people in roles.items():
        kind = ROLE_FIELDS[field]
        LiveRole.objects.filter(session=session, role=kind).exclude(user__in=people).delete()
        LiveRole.objects.bulk_create(
            [LiveRole(session=session, user=p, role=kind) for p in people], ignore_conflicts=True
        )
    session.forget_roles()


@transaction.atomic
def live_session_schedule(
    *,
    actor: User,
    community: Community,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str = "UTC",
    description: str = "",
    meeting_url: str = "",
    hosts: Iterable[User] | None = None,
    moderators: Iterable[User] | None = None,
    curators: Iterable[User] | None = None,
    questions_open: str = QuestionsOpen.SCHEDULED,
    allow_anonymous: bool = False,
    premoderate: bool = False,
) -> LiveSession:
    """Schedule a session (facilitators, owners, site admins). Without hosts or curators, the
    person scheduling is both (when a member)."""
    if not policy.can(actor, "community.read", community):
        raise Http404("No such community.")
    if not policy.can(actor, "live.schedule", community):
        raise PermissionDenied("Only the community's facilitators schedule live sessions.")
    errors: dict[str, str] = {}
    me = [actor] if policy.role_in(actor, community) else []
    data = _clean(
        {
            "title": title,
            "description": description,
            "time_zone": time_zone,
            "meeting_url": meeting_url,
            "questions_open": questions_open,
            "allow_anonymous": allow_anonymous,
            "premoderate": premoderate,
            "hosts": list(hosts) if hosts else me,
            "moderators": list(moderators or []),
            "curators": list(curators) if curators else me,
        },
        community,
        errors,
    )
    if starts_at is None:
        errors["starts_at"] = "Say when the session starts."
    if ends_at is None:
        errors["ends_at"] = "Say when the session ends."
    if not errors:
        starts_at, ends_at = (
            _aware(starts_at, data["time_zone"]),
            _aware(ends_at, data["time_zone"]),
        )
        _check_times(starts_at, ends_at, errors)
        if ends_at <= timezone.now():
            errors["ends_at"] = "That time has passed: schedule a session that is still to come."
    if errors:
        raise ValidationError(errors)
    roles = {f: data.pop(f) for f in ROLE_FIELDS}
    session = LiveSession.objects.create(
        community=community,
        created_by=actor,
        starts_at=starts_at,
        ends_at=ends_at,
        description_html=render_text(data["description"]),
        **data,
    )
    _set_roles(session, roles)
    emit("live.session.scheduled", session, actor, ("session.updated", session_public(session)))
    return session


@transaction.atomic
def live_session_update(*, actor: User, session: LiveSession, **changes: Any) -> LiveSession:
    """Change any of the fields `live_session_schedule` takes (hosts and the session's
    facilitators). Only the fields given change."""
    require(actor, "live.edit", session)
    allowed = {
        "title", "description", "time_zone", "meeting_url", "questions_open", "allow_anonymous",
        "premoderate", "starts_at", "ends_at", *ROLE_FIELDS,
    }  # fmt: skip
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({f: "This cannot be changed." for f in unknown})
    errors: dict[str, str] = {}
    data = _clean(changes, session.community, errors)
    tz = data.get("time_zone", session.time_zone)
    starts_at = changes.get("starts_at") or session.starts_at
    ends_at = changes.get("ends_at") or session.ends_at
    if "time_zone" not in errors:
        starts_at, ends_at = _aware(starts_at, tz), _aware(ends_at, tz)
        if "starts_at" in changes or "ends_at" in changes:
            _check_times(starts_at, ends_at, errors)
    if errors:
        raise ValidationError(errors)
    roles = {f: data.pop(f) for f in list(data) if f in ROLE_FIELDS}
    for field, value in data.items():
        setattr(session, field, value)
    if "description" in data:
        session.description_html = render_text(session.description)
    session.starts_at, session.ends_at = starts_at, ends_at
    fields = [*data, "starts_at", "ends_at"] + (
        ["description_html"] if "description" in data else []
    )
    session.save(update_fields=fields)
    _set_roles(session, roles)
    emit("live.session.updated", session, actor, ("session.updated", session_public(session)))
    return session


def _lock(session: LiveSession) -> LiveSession:
    return (
        LiveSession.objects.select_for_update(of=("self",))
        .select_related("community", "synthesis_thread")
        .get(pk=session.pk)
    )


@transaction.atomic
def live_session_start(*, actor: User, session: LiveSession) -> bool:
    """Start the session now (hosts). False when it was already live."""
    require(actor, "live.start", session)
    current = _lock(session)
    if current.status == Status.ENDED or current.is_ended:
        raise ValidationError("This session has ended; schedule a new one.")
    if current.status == Status.LIVE:
        return False
    now = timezone.now()
    current.status, current.started_at = Status.LIVE, now
    fields = ["status", "started_at"]
    if current.starts_at > now:
        current.starts_at = now
        fields.append("starts_at")
    current.save(update_fields=fields)
    session.status, session.started_at, session.starts_at = Status.LIVE, now, current.starts_at
    emit("live.session.started", current, actor, ("session.updated", session_public(current)))
    return True


@transaction.atomic
def live_session_end(*, actor: User, session: LiveSession) -> bool:
    """End the session now (hosts). False when it had already ended."""
    require(actor, "live.end", session)
    current = _lock(session)
    if current.status == Status.ENDED:
        return False
    now = timezone.now()
    current.status, current.ended_at = Status.ENDED, now
    fields = ["status", "ended_at"]
    if current.ends_at > now:
        current.ends_at = now
        fields.append("ends_at")
    if current.starts_at > now:  # ended before its time: it took place, briefly, now
        current.starts_at = now
        fields.append("starts_at")
    current.save(update_fields=fields)
    current.questions.filter(is_pinned=True).update(is_pinned=False)
    session.status, session.ended_at = Status.ENDED, now
    session.starts_at, session.ends_at = current.starts_at, current.ends_at
    emit("live.session.ended", current, actor, ("session.updated", session_public(current)))
    return True
