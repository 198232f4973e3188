"""Live sessions: "starting in 15 minutes" and "live now" notifications, the webhook events
"live session starting" and "synthesis published", and the digest's "Upcoming live sessions".

Who follows a session: its hosts, moderators and curators, the person who scheduled it, everyone
who asked a question in it (anonymous askers too: the notification goes to them alone and says
nothing about the question) or upvoted one, and the members who watch its community. Whether each
may still see the session is asked at send time (`live.view`, through the target registry), and a
muted community silences these kinds like every other kind not addressed to the person.

The reminder comes from the `live.reminders` job (every minute): it claims each session starting
within 15 minutes once, with a `core.ScheduledRun("live.starting", "<id>@<starts_at>")` row (a
session moved to another time is announced again for the new time), then fans out and offers the
webhooks "live.session.starting". "Live now" comes from the `live.session.started` event.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from practica.accounts.models import User
from practica.communities import policy
from practica.core.models import ScheduledRun
from practica.live.models import LiveQuestion, LiveRole, LiveSession, LiveVote, QState, Status
from practica.notifications import digests
from practica.notifications.models import CommunityLevel, Level
from practica.notifications.registry import (
    Intent,
    Kind,
    WebhookBody,
    kind,
    source,
    target,
    webhook_event,
)

STARTING = "live.session.starting"  # published by nobody: the reminder job fans it out itself
REMINDER_JOB = "live.starting"
AHEAD = timedelta(minutes=15)

kind(Kind("live.starting", "Live sessions I follow starting soon",
          "“{title}” starts within 15 minutes in {community}", "", email=True,
          group=False))  # fmt: skip
kind(Kind("live.now", "Live sessions I follow going live", "“{title}” is live now in {community}",
          "", email=True, group=False))  # fmt: skip


def _load(pk: int) -> LiveSession | None:
    return LiveSession.objects.select_related("community").filter(pk=pk).first()


target("live_session", load=_load,
       visible=lambda user, obj: policy.can(user, "live.view", obj))  # fmt: skip


def followers(session: LiveSession) -> list[int]:
    """The people who follow `session`, most involved first (see the module docstring)."""
    found: dict[int, None] = {}
    for pk in LiveRole.objects.filter(session=session).values_list("user_id", flat=True):
        found[pk] = None
    if session.created_by_id:
        found[session.created_by_id] = None
    asked = (
        LiveQuestion.objects.filter(session=session, author__isnull=False)
        .exclude(state=QState.WITHDRAWN)
        .values_list("author_id", flat=True)
    )
    for pk in asked:
        found[pk] = None
    for pk in LiveVote.objects.filter(question__session=session).values_list("user_id", flat=True):
        found[pk] = None
    watchers = CommunityLevel.objects.filter(
        community_id=session.community_id, level=Level.WATCH
    ).values_list("user_id", flat=True)
    for pk in watchers.iterator(chunk_size=2000):
        found[pk] = None
    return list(found)


def _intents(session: LiveSession, key: str, group_key: str, actor_id: int | None) -> list[Intent]:
    url = session.get_absolute_url()
    return [
        Intent(pk, key, "live_session", session, session.community_id, session.title, url,
               group_key, actor_id=actor_id)
        for pk in followers(session)
    ]  # fmt: skip


@source(STARTING)
def session_starting(payload: dict[str, Any]) -> list[Intent]:
    session = _load(payload["session_id"])
    if session is None or session.status != Status.SCHEDULED or session.is_ended:
        return []
    return _intents(session, "live.starting", f"live.starting:{payload['period_key']}", None)


@source("live.session.started")
def session_started(payload: dict[str, Any]) -> list[Intent]:
    session = _load(payload["session_id"])
    if session is None or session.status != Status.LIVE:
        return []
    return _intents(session, "live.now", f"live.now:{session.pk}", payload.get("user_id"))


def reminder_key(session: LiveSession) -> str:
    return f"{session.pk}@{session.starts_at.astimezone(UTC).strftime('%Y%m%dT%H%M%S')}"


def reminders_send(now: datetime | None = None) -> list[int]:
    """Announce every scheduled session starting within 15 minutes that was not announced for its
    current start time; each is claimed by a unique row, so two workers or two runs announce it
    once. Returns the sessions this run announced."""
    from practica.notifications.tasks import dispatch_webhooks, fan_out_event

    now = now or timezone.now()
    due = LiveSession.objects.filter(
        status=Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + AHEAD, ends_at__gt=now
    ).order_by("starts_at", "pk")
    announced = []
    for session in due:
        key = reminder_key(session)
        payload = {
            "session_id": session.pk,
            "community_id": session.community_id,
            "user_id": None,
            "period_key": key,
        }
        try:  # the claim and the tasks together: a failed enqueue leaves it for the next run
            with transaction.atomic():
                ScheduledRun.objects.create(job=REMINDER_JOB, period_key=key)
                fan_out_event.enqueue(event=STARTING, payload=payload)
                dispatch_webhooks.enqueue(event=STARTING, payload=payload)
        except IntegrityError:
            continue
        announced.append(session.pk)
    return announced


# --- Webhooks --------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _session_data(session: LiveSession) -> dict[str, Any]:
    """What a receiver needs about a session: never who asked what (anonymous askers stay so)."""
    return {
        "id": session.pk,
        "url": _absolute(session.get_absolute_url()),
        "title": session.title,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "status": session.effective_status(),
        "hosts": sorted(
            User.objects.filter(
                pk__in=LiveRole.objects.filter(session=session, role="host").values("user_id")
            ).values_list("name", flat=True)
        ),
    }


@webhook_event(STARTING, "A live session starting (15 minutes before)")
def _starting(payload: dict[str, Any]) -> WebhookBody | None:
    session = _load(payload["session_id"])
    if session is None or session.status != Status.SCHEDULED or session.is_ended:
        return None
    data = _session_data(session)
    minutes = max(1, round((session.starts_at - timezone.now()).total_seconds() / 60))
    return WebhookBody(
        session.community_id,
        {"session": data, "minutes": minutes},
        f"Live session starting in {minutes} minutes in {session.community.name}: "
        f"<{data['url']}|{session.title}>",
    )


@webhook_event("live.session.published", "A live session's synthesis published")
def _published(payload: dict[str, Any]) -> WebhookBody | None:
    session = (
        LiveSession.objects.select_related("community", "synthesis_thread")
        .filter(pk=payload["session_id"])
        .first()
    )
    thread = session.synthesis_thread if session else None
    if session is None or thread is None or thread.deleted_at is not None:
        return None
    data = {
        "session": _session_data(session),
        "thread": {
            "id": thread.pk,
            "url": _absolute(thread.get_absolute_url()),
            "title": thread.title,
            "kind": thread.kind,
        },
    }
    return WebhookBody(
        session.community_id,
        data,
        f"Synthesis published in {session.community.name}: "
        f"<{data['thread']['url']}|{thread.title}>",
    )


# --- Digest ----------------------------------------------------------------------------------------


@digests.section(40, "Upcoming live sessions")
def upcoming_live_sessions(
    user: User, since: datetime, cache: dict[str, Any]
) -> list[digests.Item]:
    """Sessions of the next seven days in the person's communities (worked out once per community
    and run), that the person may view."""
    found: list[LiveSession] = []
    now = timezone.now()
    for cid in sorted(c for c, m in policy.memberships_of(user).items() if m.is_active):
        key = f"live:{cid}"
        if key not in cache:
            cache[key] = list(
                LiveSession.objects.select_related("community")
                .filter(
                    community_id=cid,
                    status=Status.SCHEDULED,
                    starts_at__gt=now,
                    starts_at__lte=now + timedelta(days=7),
                )
                .order_by("starts_at", "pk")[: digests.PER_SECTION]
            )
        found += cache[key]
    found.sort(key=lambda s: (s.starts_at, s.pk))
    return [
        digests.Item(
            s.title,
            _absolute(s.get_absolute_url()),
            f"{s.community.name} · {s.starts_at.astimezone(UTC):%a %d %b, %H:%M} UTC",
        )
        for s in found
        if policy.can(user, "live.view", s)
    ][: digests.PER_SECTION]
