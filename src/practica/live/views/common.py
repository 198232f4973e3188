"""Helpers shared by the live pages: loading what the URL names, per-viewer decoration, refusing."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from practica.communities import policy
from practica.communities.models import Community
from practica.discussions.views.common import community_context, readable_community
from practica.live import selectors
from practica.live.models import LiveNote, LiveQuestion, LiveSession

__all__ = ["community_context", "readable_community"]


def get_session(request: HttpRequest, slug: str, pk: int) -> LiveSession:
    session = selectors.session_get(user=request.user, pk=pk)
    if session.community.slug != slug:
        raise Http404("No such session.")
    return session


def get_question(request: HttpRequest, slug: str, pk: int) -> LiveQuestion:
    q = selectors.question_get(user=request.user, pk=pk)
    if q.session.community.slug != slug:
        raise Http404("No such question.")
    return q


def get_note(request: HttpRequest, slug: str, pk: int) -> LiveNote:
    note = selectors.note_get(user=request.user, pk=pk)
    if note.session.community.slug != slug:
        raise Http404("No such note.")
    return note


def decorate(
    request: HttpRequest, session: LiveSession, q: LiveQuestion, my_votes: set[int]
) -> None:
    """What this viewer may do with `q`, and whom they may see as its author."""
    user = request.user
    ended = session.is_ended
    q.voted = q.pk in my_votes  # type: ignore[attr-defined]
    q.is_mine = q.author_id is not None and q.author_id == user.pk  # type: ignore[attr-defined]
    q.can_vote = (  # type: ignore[attr-defined]
        not ended and q.is_public and not q.is_mine and policy.can(user, "live.vote", q)  # type: ignore[attr-defined]
    )
    q.can_edit = not ended and policy.can(user, "live.question_edit", q)  # type: ignore[attr-defined]
    q.can_withdraw = not ended and policy.can(user, "live.question_withdraw", q)  # type: ignore[attr-defined]
    q.shown_author = None if q.is_anonymous else q.author  # type: ignore[attr-defined]
    q.admin_author = (  # type: ignore[attr-defined]
        q.author if q.is_anonymous and policy.can(user, "live.see_author", q) else None
    )


def session_flags(request: HttpRequest, session: LiveSession) -> dict[str, Any]:
    user = request.user
    return {
        "can_edit": policy.can(user, "live.edit", session),
        "can_start": policy.can(user, "live.start", session),
        "can_ask": policy.can(user, "live.ask", session),
        "can_vote": policy.can(user, "live.vote", session) and not session.is_ended,
        "can_moderate": policy.can(user, "live.moderate", session),
        "can_note": policy.can(user, "live.note", session),
        "can_publish": policy.can(user, "live.publish", session),
        "can_move": policy.can(user, "live.move_to_qa", session),
        "can_schedule": policy.can(user, "live.schedule", session.community),
    }


def community_live_context(request: HttpRequest, community: Community) -> dict[str, Any]:
    context = community_context(request, community, "live")
    context["can_schedule"] = policy.can(request.user, "live.schedule", community)
    return context
