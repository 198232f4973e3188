"""What the live services share: limits, validation, locking, the moderation log and the stream."""

from __future__ import annotations

from typing import Any

from practica.communities import policy
from practica.core import events
from practica.core.markdown import render
from practica.live import streaming
from practica.live.models import LiveModeration, LiveQuestion, LiveSession

QUESTION_MAX = 500
ANSWER_MAX = 2_000
NOTE_MAX = 5_000
TITLE_MIN, TITLE_MAX = 4, 200
DESCRIPTION_MAX = 10_000


def render_text(text: str) -> str:
    return str(render(text))


def require(user: Any, action: str, obj: Any) -> None:
    policy.authorize(user, action, obj)


def lock_question(question: LiveQuestion) -> LiveQuestion:
    """The question as stored now, its row locked until the transaction ends."""
    return (
        LiveQuestion.objects.select_for_update(of=("self",))
        .select_related("session__community", "author", "thread")
        .get(pk=question.pk)
    )


def log(
    session: LiveSession,
    actor: Any,
    action: str,
    question: LiveQuestion | None = None,
    detail: str = "",
) -> None:
    LiveModeration.objects.create(
        session=session, actor=actor, action=action, question=question, detail=detail[:300]
    )


def emit(
    name: str,
    session: LiveSession,
    actor: Any,
    stream: tuple[str, dict[str, Any]] | None = None,
    *,
    moderators_only: bool = False,
    **ids: Any,
) -> None:
    """Publish the domain event `name` (after commit) and, with `stream`, the real-time event."""
    events.publish(
        name,
        session_id=session.pk,
        community_id=session.community_id,
        user_id=getattr(actor, "pk", None),
        **ids,
    )
    if stream is not None:
        event, data = stream
        streaming.publish(session.pk, event, data, moderators=moderators_only)
