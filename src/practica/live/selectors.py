"""Reads about live sessions. Each selector owns its query shape and asks `policy` for
visibility; the session page is a fixed number of queries however many questions and notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from practica.accounts.models import User
from practica.communities import policy
from practica.communities.models import Community
from practica.live.models import (
    LiveModeration,
    LiveNote,
    LiveQuestion,
    LiveRole,
    LiveSession,
    LiveVote,
    QState,
    Status,
)

WHEN = ("upcoming", "live", "past")
SORTS = ("votes", "recent")


def _when_q(when: str, now: datetime) -> Q:
    past = Q(status=Status.ENDED) | Q(ends_at__lte=now)
    if when == "past":
        return past
    if when == "live":
        return ~past & (Q(status=Status.LIVE) | Q(starts_at__lte=now))
    return ~past & Q(status=Status.SCHEDULED, starts_at__gt=now)


def sessions(user: Any) -> QuerySet[LiveSession]:
    return policy.visible_to(user, LiveSession.objects.select_related("community"))


def session_list(
    *, user: Any, when: str = "upcoming", community: Community | None = None, limit: int = 50
) -> list[LiveSession]:
    """Sessions `user` may see: upcoming (soonest first), live now, or past (latest first)."""
    qs = sessions(user).filter(_when_q(when, timezone.now()))
    if community is not None:
        qs = qs.filter(community=community)
    order = ("-starts_at", "-id") if when == "past" else ("starts_at", "id")
    return list(qs.order_by(*order)[:limit])


def session_get(*, user: Any, pk: int) -> LiveSession:
    session = (
        LiveSession.objects.select_related("community", "synthesis_thread").filter(pk=pk).first()
    )
    if session is None or not policy.can(user, "live.view", session):
        raise Http404("No such session.")
    return session


def question_get(*, user: Any, pk: int) -> LiveQuestion:
    q = (
        LiveQuestion.objects.select_related("session__community", "author", "thread")
        .filter(pk=pk)
        .first()
    )
    if q is None or not policy.can(user, "live.question_view", q):
        raise Http404("No such question.")
    return q


def note_get(*, user: Any, pk: int) -> LiveNote:
    note = LiveNote.objects.select_related("session__community", "author").filter(pk=pk).first()
    if note is None or not policy.can(user, "live.view", note.session):
        raise Http404("No such note.")
    return note


def load_roles(session: LiveSession) -> dict[str, list[User]]:
    """The session's hosts, moderators and curators (one query); fills the policy's cache."""
    by_role: dict[str, list[User]] = {"host": [], "moderator": [], "curator": []}
    cache: dict[int, set[str]] = {}
    for r in LiveRole.objects.filter(session=session).select_related("user").order_by("user__name"):
        by_role[r.role].append(r.user)
        cache.setdefault(r.user_id, set()).add(r.role)
    session._roles_cache = cache  # type: ignore[attr-defined]
    return by_role


def sort_queue(questions: list[LiveQuestion], sort: str) -> list[LiveQuestion]:
    if sort == "recent":
        return sorted(questions, key=lambda q: (q.created_at, q.pk), reverse=True)
    return sorted(questions, key=lambda q: (-q.votes, q.created_at, q.pk))


@dataclass
class SessionPage:
    pinned: LiveQuestion | None = None
    queue: list[LiveQuestion] = field(default_factory=list)
    answered: list[LiveQuestion] = field(default_factory=list)
    pending: list[LiveQuestion] = field(default_factory=list)
    closed: list[LiveQuestion] = field(default_factory=list)
    mine_waiting: list[LiveQuestion] = field(default_factory=list)
    my_votes: set[int] = field(default_factory=set)
    notes: list[LiveNote] = field(default_factory=list)
    roles: dict[str, list[User]] = field(default_factory=dict)
    log: list[LiveModeration] = field(default_factory=list)


def session_page(*, user: Any, session: LiveSession, sort: str = "votes") -> SessionPage:
    """Everything the session page shows `user`, in five queries: the roles, the questions, the
    user's votes, the notes and (for moderators) the moderation log."""
    page = SessionPage(roles=load_roles(session))
    moderator = policy.can(user, "live.moderate", session)
    rows = list(
        LiveQuestion.objects.filter(session=session)
        .exclude(state__in=[QState.WITHDRAWN, QState.MERGED])
        .select_related("author", "thread")
    )
    for q in rows:
        q.session = session
        if q.state == QState.APPROVED:
            if q.is_pinned:
                page.pinned = q
            else:
                page.queue.append(q)
        elif q.state == QState.ANSWERED:
            if q.is_pinned:
                page.pinned = q
            page.answered.append(q)
        elif moderator and q.state == QState.PENDING:
            page.pending.append(q)
        elif moderator:
            page.closed.append(q)
        elif q.state == QState.PENDING and q.author_id == getattr(user, "pk", None):
            page.mine_waiting.append(q)
    page.queue = sort_queue(page.queue, sort)
    page.answered.sort(key=lambda q: (q.answered_at or q.created_at, q.pk), reverse=True)
    page.pending.sort(key=lambda q: (q.created_at, q.pk))
    if getattr(user, "is_authenticated", False):
        page.my_votes = set(
            LiveVote.objects.filter(question__session=session, user=user).values_list(
                "question_id", flat=True
            )
        )
    page.notes = list(LiveNote.objects.filter(session=session).select_related("author"))
    for n in page.notes:
        n.session = session
    if moderator:
        page.log = list(
            LiveModeration.objects.filter(session=session).select_related("actor", "question")[:30]
        )
    return page


def public_questions(*, session: LiveSession, sort: str = "votes") -> list[LiveQuestion]:
    """The questions every participant sees (queue and answered), for the API and feeds."""
    rows = list(
        LiveQuestion.objects.filter(
            session=session, state__in=[QState.APPROVED, QState.ANSWERED]
        ).select_related("author", "thread")
    )
    for q in rows:
        q.session = session
    return sort_queue(rows, sort)
