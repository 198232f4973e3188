"""The question queue: submitting, voting, editing, withdrawing, moderating and merging.

A question's row is locked (select_for_update) before its votes change, so votes, merges and
moderation on one question happen one after another; the vote rows are unique per person and
question, and `votes` moves by F() with them (a merge recounts the rows it combined).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from practica.accounts.models import User
from practica.communities import policy
from practica.core import ratelimit
from practica.core.forms import clean_body as clean_text
from practica.live.models import (
    PUBLIC_STATES,
    LiveQuestion,
    LiveSession,
    LiveVote,
    QState,
)
from practica.live.payloads import question_public
from practica.live.services._common import (
    ANSWER_MAX,
    QUESTION_MAX,
    emit,
    lock_question,
    log,
    render_text,
    require,
)

MODERATION = ("approve", "dismiss", "hide", "restore", "pin", "unpin", "answer", "archive")
_FROM = {  # which states each moderation action applies to
    "approve": (QState.PENDING, QState.DISMISSED),
    "dismiss": (QState.PENDING,),
    "hide": (QState.APPROVED, QState.ANSWERED, QState.PENDING),
    "restore": (QState.HIDDEN, QState.ARCHIVED, QState.DISMISSED),
    "pin": (QState.APPROVED, QState.ANSWERED),
    "unpin": (QState.APPROVED, QState.ANSWERED),
    "answer": (QState.APPROVED, QState.PENDING, QState.ANSWERED),
    "archive": (QState.APPROVED, QState.ANSWERED),
}


def _announce(name: str, q: LiveQuestion, actor: User, was_public: bool) -> None:
    """The domain event, and the stream event that makes every open page agree: a question that
    became public appears, one that stopped being public disappears, the rest update."""
    session = q.session
    author_id = None if q.is_anonymous else q.author_id
    if q.is_public:
        kind = "question.updated" if was_public else "question.submitted"
        stream = (kind, question_public(q))
    elif was_public:
        stream = ("question.removed", {"id": q.pk})
    else:
        stream = None
    # An anonymous author acting on their own question stays anonymous in the event too.
    who = None if q.is_anonymous and actor is not None and actor.pk == q.author_id else actor
    emit(name, session, who, stream, question_id=q.pk, author_id=author_id)
    if not q.is_public:  # moderators see the queue behind the queue on their own stream
        emit_mod(q)


def emit_mod(q: LiveQuestion) -> None:
    from practica.live import streaming

    data = question_public(q)
    streaming.publish(q.session_id, "question.updated", data, moderators=True)


@transaction.atomic
def live_question_submit(
    *, author: User, session: LiveSession, body: str, anonymous: bool = False
) -> LiveQuestion:
    """Put a question in the queue (members, while questions are open). With pre-approval it
    waits for a moderator. Anonymous only where the session allows it."""
    require(author, "live.ask", session)
    errors: dict[str, str] = {}
    body = clean_text(body, errors, field="body", limit=QUESTION_MAX, what="question")
    if anonymous and not session.allow_anonymous:
        errors["anonymous"] = "This session does not take anonymous questions."
    if not session.accepts_questions():
        raise ValidationError(
            "Questions are closed: this session has ended."
            if session.is_ended
            else "Questions open when the session goes live."
        )
    if errors:
        raise ValidationError(errors)
    ratelimit.hit("post", author.pk)
    q = LiveQuestion.objects.create(
        session=session,
        author=author,
        is_anonymous=bool(anonymous),
        body=body,
        body_html=render_text(body),
        state=QState.PENDING if session.premoderate else QState.APPROVED,
    )
    LiveSession.objects.filter(pk=session.pk).update(question_count=F("question_count") + 1)
    q.session = session
    _announce("live.question.submitted", q, author, was_public=False)
    return q


@transaction.atomic
def live_question_upvote(*, user: User, question: LiveQuestion) -> int:
    """One upvote per person per question (a second one changes nothing). Returns the count."""
    require(user, "live.vote", question)
    q = lock_question(question)
    if q.author_id == user.pk:
        raise ValidationError("You cannot upvote your own question.")
    if q.state not in PUBLIC_STATES:
        raise ValidationError("This question is no longer in the queue.")
    if q.session.is_ended:
        raise ValidationError("This session has ended; its queue is a record now.")
    ratelimit.hit("vote", user.pk)
    try:
        with transaction.atomic():
            LiveVote.objects.create(question=q, user=user)
    except IntegrityError:  # already upvoted
        return q.votes
    LiveQuestion.objects.filter(pk=q.pk).update(votes=F("votes") + 1)
    q.refresh_from_db(fields=["votes"])
    question.votes = q.votes
    emit(
        "live.question.upvoted",
        q.session,
        user,
        ("question.votes", {"id": q.pk, "votes": q.votes}),
        question_id=q.pk,
    )
    return q.votes


@transaction.atomic
def live_question_unvote(*, user: User, question: LiveQuestion) -> int:
    """Take an upvote back. Returns the count."""
    require(user, "live.vote", question)
    q = lock_question(question)
    if q.session.is_ended:
        raise ValidationError("This session has ended; its queue is a record now.")
    ratelimit.hit("vote", user.pk)
    deleted, _ = LiveVote.objects.filter(question=q, user=user).delete()
    if deleted:
        LiveQuestion.objects.filter(pk=q.pk).update(votes=F("votes") - 1)
        q.refresh_from_db(fields=["votes"])
        emit(
            "live.question.unvoted",
            q.session,
            user,
            ("question.votes", {"id": q.pk, "votes": q.votes}),
            question_id=q.pk,
        )
    question.votes = q.votes
    return q.votes


@transaction.atomic
def live_question_edit(*, actor: User, question: LiveQuestion, body: str) -> LiveQuestion:
    """Fix a question's text: its author until it is answered, or a moderator (typos)."""
    require(actor, "live.question_edit", question)
    q = lock_question(question)
    if not policy.can(actor, "live.question_edit", q):
        raise ValidationError("This question has been answered or closed; it can no longer change.")
    errors: dict[str, str] = {}
    body = clean_text(body, errors, field="body", limit=QUESTION_MAX, what="question")
    if errors:
        raise ValidationError(errors)
    if body == q.body:
        return q
    ratelimit.hit("edit", actor.pk)
    q.body, q.body_html, q.edited_at = body, render_text(body), timezone.now()
    q.save(update_fields=["body", "body_html", "edited_at"])
    if q.author_id != actor.pk:
        log(q.session, actor, "edit", q)
    _announce("live.question.edited", q, actor, was_public=q.is_public)
    return q


@transaction.atomic
def live_question_withdraw(*, actor: User, question: LiveQuestion) -> bool:
    """The author takes their question out of the queue (not once it is answered)."""
    require(actor, "live.question_withdraw", question)
    q = lock_question(question)
    if not policy.can(actor, "live.question_withdraw", q):
        raise ValidationError("This question has been answered or closed; it stays.")
    was_public = q.is_public
    q.state, q.is_pinned = QState.WITHDRAWN, False
    q.save(update_fields=["state", "is_pinned"])
    question.state = q.state
    _announce("live.question.withdrawn", q, actor, was_public=was_public)
    return True


@transaction.atomic
def live_question_moderate(
    *, actor: User, question: LiveQuestion, action: str, answer: str = ""
) -> LiveQuestion:
    """approve, dismiss (pre-approval), hide, restore, pin (the question being answered now;
    one at a time), unpin, answer (optionally with a short written answer), archive. Each action
    is recorded in the moderation log."""
    require(actor, "live.moderate", question)
    if action not in MODERATION:
        raise ValidationError({"action": f"Choose one of: {', '.join(MODERATION)}."})
    q = lock_question(question)
    if q.state not in _FROM[action]:
        raise ValidationError(
            {"action": f"A question that is {q.get_state_display().lower()} cannot be {action}ed."}
        )
    errors: dict[str, str] = {}
    answer = (answer or "").strip()
    if len(answer) > ANSWER_MAX:
        errors["answer"] = f"Keep the written answer under {ANSWER_MAX:,} characters."
    if errors:
        raise ValidationError(errors)
    was_public = q.is_public
    fields = ["state", "is_pinned"]
    if action in ("approve", "restore"):
        q.state = QState.APPROVED if not q.answered_at else QState.ANSWERED
    elif action == "dismiss":
        q.state, q.is_pinned = QState.DISMISSED, False
    elif action == "hide":
        q.state, q.is_pinned = QState.HIDDEN, False
    elif action == "archive":
        q.state, q.is_pinned = QState.ARCHIVED, False
    elif action == "pin":
        others = LiveQuestion.objects.filter(session=q.session, is_pinned=True).exclude(pk=q.pk)
        for other in others.select_related("session__community", "author"):
            other.is_pinned = False
            other.save(update_fields=["is_pinned"])
            _announce("live.question.unpinned", other, actor, was_public=other.is_public)
        q.is_pinned = True
    elif action == "unpin":
        q.is_pinned = False
    elif action == "answer":
        q.state, q.is_pinned = QState.ANSWERED, False
        q.answered_at = q.answered_at or timezone.now()
        if answer or q.answer:
            q.answer, q.answer_html = answer, render_text(answer) if answer else ""
        fields += ["answered_at", "answer", "answer_html"]
    q.save(update_fields=fields)
    log(q.session, actor, action, q, answer[:300] if action == "answer" else "")
    question.state, question.is_pinned = q.state, q.is_pinned
    _announce(f"live.question.{_past(action)}", q, actor, was_public=was_public)
    return q


def _past(action: str) -> str:
    return {
        "approve": "approved",
        "dismiss": "dismissed",
        "hide": "hidden",
        "restore": "restored",
        "pin": "pinned",
        "unpin": "unpinned",
        "answer": "answered",
        "archive": "archived",
    }[action]


@transaction.atomic
def live_questions_merge(
    *, actor: User, target: LiveQuestion, sources: Iterable[LiveQuestion]
) -> LiveQuestion:
    """Merge duplicates into `target` (moderators). Their votes combine and no one is counted
    twice: each person who upvoted a duplicate, or wrote one, now upvotes the target, unless they
    already did or wrote the target. The duplicates leave the queue, marked merged."""
    require(actor, "live.moderate", target)
    ids = sorted({s.pk for s in sources} - {target.pk})
    if not ids:
        raise ValidationError({"sources": "Choose at least one other question to merge."})
    # Lock every question involved in one order (by id), so two merges cannot deadlock.
    locked = {
        q.pk: q
        for q in LiveQuestion.objects.select_for_update(of=("self",))
        .select_related("session__community", "author")
        .filter(pk__in=[target.pk, *ids])
        .order_by("pk")
    }
    tgt = locked.get(target.pk)
    dupes = [locked[i] for i in ids if i in locked]
    if tgt is None or len(dupes) != len(ids):
        raise ValidationError({"sources": "Some of these questions no longer exist."})
    if any(d.session_id != tgt.session_id for d in dupes):
        raise ValidationError({"sources": "Merge only questions of the same session."})
    if tgt.state not in PUBLIC_STATES and tgt.state != QState.PENDING:
        raise ValidationError({"target": "Merge into a question that is still in the queue."})
    closed = [d for d in dupes if d.state in (QState.MERGED, QState.WITHDRAWN)]
    if closed:
        raise ValidationError({"sources": "A question that was merged or withdrawn cannot be."})
    voters = set(LiveVote.objects.filter(question__in=dupes).values_list("user_id", flat=True))
    voters |= {d.author_id for d in dupes if d.author_id is not None}
    voters -= set(LiveVote.objects.filter(question=tgt).values_list("user_id", flat=True))
    voters.discard(tgt.author_id)
    LiveVote.objects.bulk_create(
        [LiveVote(question=tgt, user_id=uid) for uid in voters], ignore_conflicts=True
    )
    LiveVote.objects.filter(question__in=dupes).delete()
    tgt.votes = LiveVote.objects.filter(question=tgt).count()
    pinned = any(d.is_pinned for d in dupes)
    tgt.is_pinned = tgt.is_pinned or pinned
    for d in dupes:
        was_public = d.is_public
        d.state, d.is_pinned, d.merged_into, d.votes = QState.MERGED, False, tgt, 0
        d.save(update_fields=["state", "is_pinned", "merged_into", "votes"])
        log(d.session, actor, "merge", d, f"into question {tgt.pk}")
        _announce("live.question.merged", d, actor, was_public=was_public)
    tgt.save(update_fields=["votes", "is_pinned"])
    target.votes, target.is_pinned = tgt.votes, tgt.is_pinned
    _announce("live.question.updated", tgt, actor, was_public=tgt.is_public)
    return tgt
