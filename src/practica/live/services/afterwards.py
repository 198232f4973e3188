"""After the session: the synthesis (a discussion thread made from the notes, the answered
questions and the participation figures) and moving the unanswered questions to Q&A."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from practica.accounts.models import User
from practica.api.schemas import absolute
from practica.discussions import services as discussions
from practica.discussions.models import Kind
from practica.live.models import (
    LiveNote,
    LiveQuestion,
    LiveSession,
    LiveVote,
    QState,
)
from practica.live.payloads import question_public, session_public
from practica.live.services._common import emit, require

SYNTHESIS_MAX = 30_000


def participation(session: LiveSession) -> dict[str, int]:
    """The session's figures: questions asked, upvotes, people who asked or voted, notes."""
    questions = LiveQuestion.objects.filter(session=session).exclude(state=QState.WITHDRAWN)
    askers = set(questions.exclude(author=None).values_list("author_id", flat=True))
    voters = set(
        LiveVote.objects.filter(question__session=session).values_list("user_id", flat=True)
    )
    counts = questions.aggregate(n=Count("pk"))
    return {
        "questions": counts["n"],
        "answered": questions.filter(state=QState.ANSWERED).count(),
        "votes": LiveVote.objects.filter(question__session=session).count(),
        "people": len(askers | voters),
        "notes": LiveNote.objects.filter(session=session).count(),
    }


def synthesis_default(session: LiveSession) -> str:
    """The draft a curator starts from: notes, answered questions with their answers, figures."""
    lines = [
        f"Synthesis of the live session [{session.title}]({absolute(session.get_absolute_url())}).",
        "",
    ]
    notes = list(LiveNote.objects.filter(session=session).order_by("created_at", "id"))
    if notes:
        lines += ["## Notes", ""]
        for n in notes:
            lines += [n.body.strip(), ""]
    answered = LiveQuestion.objects.filter(session=session, state=QState.ANSWERED).order_by(
        "-votes", "created_at", "id"
    )
    if answered:
        lines += ["## Questions answered", ""]
        for q in answered:
            quoted = " ".join(q.body.split())
            lines.append(f"- **{quoted}** ({q.votes} vote{'s' if q.votes != 1 else ''})")
            if q.answer:
                lines += ["", "  " + "\n  ".join(q.answer.strip().splitlines()), ""]
        lines.append("")
    f = participation(session)
    lines += [
        "## Participation",
        "",
        f"{f['people']} people asked {f['questions']} questions and cast {f['votes']} upvotes; "
        f"{f['answered']} questions were answered; {f['notes']} notes were taken.",
    ]
    return "\n".join(lines).strip() + "\n"


@transaction.atomic
def live_session_synthesis_save(*, actor: User, session: LiveSession, draft: str) -> LiveSession:
    """Keep the curator's draft of the synthesis, to publish later."""
    require(actor, "live.publish", session)
    draft = (draft or "").strip()
    if len(draft) > SYNTHESIS_MAX:
        raise ValidationError({"body": f"Keep the synthesis under {SYNTHESIS_MAX:,} characters."})
    session.synthesis_draft = draft
    session.save(update_fields=["synthesis_draft"])
    return session


@transaction.atomic
def live_session_publish(
    *, actor: User, session: LiveSession, body: str | None = None, title: str = ""
) -> LiveSession:
    """Publish the synthesis as a discussion in the community, linked both ways (the thread
    links to the session; the session to the thread). Once, after the session ends."""
    require(actor, "live.publish", session)
    current = LiveSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    if not session.is_ended:
        raise ValidationError("Publish the synthesis once the session has ended.")
    if current.synthesis_thread_id:
        raise ValidationError("The synthesis is already published.")
    text = (body if body is not None else current.synthesis_draft) or synthesis_default(session)
    title = " ".join((title or "").split()) or f"Synthesis: {session.title}"[:200]
    thread = discussions.thread_create(
        author=actor, community=session.community, title=title, body=text, kind=Kind.DISCUSSION
    )
    session.synthesis_thread, session.synthesis_draft = thread, text.strip()
    session.save(update_fields=["synthesis_thread", "synthesis_draft"])
    emit(
        "live.session.published",
        session,
        actor,
        ("session.updated", session_public(session)),
        thread_id=thread.pk,
    )
    return session


def _title_of(body: str) -> str:
    first = " ".join(body.split())
    if len(first) > 200:
        first = first[:199].rstrip() + "…"
    return first if len(first) >= 8 else f"From a live session: {first}"


@transaction.atomic
def live_session_move_to_qa(*, actor: User, session: LiveSession) -> int:
    """Make every unanswered question of an ended session a community question: its text, its
    asker (an anonymous one stays anonymous), and everyone who upvoted it follows it. Returns how
    many moved; a question moves once."""
    require(actor, "live.move_to_qa", session)
    LiveSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    if not session.is_ended:
        raise ValidationError("Move the questions once the session has ended.")
    waiting = list(
        LiveQuestion.objects.select_for_update(of=("self",))
        .filter(session=session, state=QState.APPROVED, thread__isnull=True)
        .select_related("author")
        .order_by("-votes", "created_at", "id")
    )
    voters: dict[int, list[User]] = {}
    for v in LiveVote.objects.filter(question__in=waiting).select_related("user"):
        voters.setdefault(v.question_id, []).append(v.user)
    link = absolute(session.get_absolute_url())
    for q in waiting:
        thread = discussions.thread_create_for(
            actor=actor,
            community=session.community,
            author=None if q.is_anonymous else q.author,
            title=_title_of(q.body),
            body=f"{q.body}\n\n*Asked during the live session [{session.title}]({link}).*",
            followers=voters.get(q.pk, []),
        )
        q.thread = thread
        q.save(update_fields=["thread"])
        q.session = session
        emit(
            "live.question.moved",
            session,
            actor,
            ("question.updated", question_public(q)),
            question_id=q.pk,
            thread_id=thread.pk,
        )
    session.moved_to_qa_at = timezone.now()
    session.save(update_fields=["moved_to_qa_at"])
    emit("live.session.moved_to_qa", session, actor, None, count=len(waiting))
    return len(waiting)
