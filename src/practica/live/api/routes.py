"""Live sessions, their question queue and notes over HTTP (/api/v1/)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from ninja import Query, Router, Status

from practica.accounts.http import AuthedHttpRequest
from practica.accounts.models import User
from practica.communities import policy
from practica.communities import selectors as community_selectors
from practica.discussions.api.serializers import _readable_community
from practica.live import selectors, services
from practica.live.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    Id,
    MergeIn,
    MovedOut,
    NoteIn,
    NoteOut,
    NotePage,
    PublishIn,
    QuestionIn,
    QuestionOut,
    QuestionPage,
    QuestionPatch,
    SessionIn,
    SessionOut,
    SessionPage,
    SessionPatch,
    SortLit,
    VoteOut,
    WhenLit,
)
from practica.live.api.serializers import note_out, question_out, session_out
from practica.live.models import LiveQuestion, LiveVote, QState

router = Router(tags=["live"])


def _people(data: dict[str, Any]) -> dict[str, Any]:
    """Role fields arrive as user ids; the services take people."""
    for field in ("hosts", "moderators", "curators"):
        if data.get(field) is None:
            continue
        ids = list(dict.fromkeys(data[field]))
        found = list(User.objects.filter(pk__in=ids, is_active=True))
        if len(found) != len(ids):
            raise ValidationError({field: "Some of these people do not exist."})
        data[field] = found
    return data


def _session(request: AuthedHttpRequest, session_id: int):
    return selectors.session_get(user=request.user, pk=session_id)


def _my_votes(user: Any, questions: list[LiveQuestion]) -> set[int]:
    return set(
        LiveVote.objects.filter(user=user, question__in=[q.pk for q in questions]).values_list(
            "question_id", flat=True
        )
    )


def _question(request: AuthedHttpRequest, pk: int) -> QuestionOut:
    q = selectors.question_get(user=request.user, pk=pk)
    return question_out(q, request.user, _my_votes(request.user, [q]))


@router.get(
    "/communities/{slug}/live-sessions",
    response={200: SessionPage, **ERRORS},
    summary="A community's live sessions: upcoming (soonest first), live, or past (latest first)",
)
def session_list(
    request: AuthedHttpRequest,
    slug: str,
    when: WhenLit = "upcoming",
    limit: int = Query(50, ge=1, le=100),
):
    community = _readable_community(request, slug)
    items = selectors.session_list(user=request.user, when=when, community=community, limit=limit)
    return SessionPage(items=[session_out(s) for s in items], next_cursor=None)


@router.post(
    "/communities/{slug}/live-sessions",
    response={201: SessionOut, **WRITE_ERRORS},
    summary="Schedule a live session (facilitators)",
)
def session_create(request: AuthedHttpRequest, slug: str, payload: SessionIn):
    community = community_selectors.community_get(user=request.user, slug=slug)
    data = payload.dict()
    if not (data["hosts"] and data["curators"]):  # the services default them to the caller
        data["hosts"], data["curators"] = data["hosts"] or None, data["curators"] or None
    session = services.live_session_schedule(
        actor=request.user, community=community, **_people(data)
    )
    return Status(201, session_out(_session(request, session.pk)))


@router.get(
    "/live-sessions/{session_id}", response={200: SessionOut, **ERRORS}, summary="One session"
)
def session_detail(request: AuthedHttpRequest, session_id: Id):
    return session_out(_session(request, session_id))


@router.patch(
    "/live-sessions/{session_id}",
    response={200: SessionOut, **WRITE_ERRORS},
    summary="Change a session (hosts, facilitators)",
)
def session_update(request: AuthedHttpRequest, session_id: Id, payload: SessionPatch):
    session = _session(request, session_id)
    services.live_session_update(
        actor=request.user, session=session, **_people(payload.dict(exclude_unset=True))
    )
    return session_out(_session(request, session_id))


@router.post(
    "/live-sessions/{session_id}/start",
    response={200: SessionOut, **WRITE_ERRORS},
    summary="Start the session now (hosts)",
)
def session_start(request: AuthedHttpRequest, session_id: Id):
    services.live_session_start(actor=request.user, session=_session(request, session_id))
    return session_out(_session(request, session_id))


@router.post(
    "/live-sessions/{session_id}/end",
    response={200: SessionOut, **WRITE_ERRORS},
    summary="End the session now (hosts)",
)
def session_end(request: AuthedHttpRequest, session_id: Id):
    services.live_session_end(actor=request.user, session=_session(request, session_id))
    return session_out(_session(request, session_id))


@router.get(
    "/live-sessions/{session_id}/questions",
    response={200: QuestionPage, **ERRORS},
    summary="The question queue: by votes (ties: older first) or most recent first",
)
def question_list(request: AuthedHttpRequest, session_id: Id, sort: SortLit = "votes"):
    """Everyone sees the questions in the queue and the answered ones; moderators also see
    those waiting for approval, hidden, dismissed and archived. Anonymous questions never carry
    their author."""
    session = _session(request, session_id)
    page = selectors.session_page(user=request.user, session=session, sort=sort)
    rows = [*([page.pinned] if page.pinned and page.pinned not in page.answered else [])]
    rows += [*page.queue, *page.answered, *page.mine_waiting, *page.pending, *page.closed]
    return QuestionPage(
        items=[question_out(q, request.user, page.my_votes) for q in rows], next_cursor=None
    )


@router.post(
    "/live-sessions/{session_id}/questions",
    response={201: QuestionOut, **WRITE_ERRORS},
    summary="Ask a question (members, while questions are open)",
)
def question_create(request: AuthedHttpRequest, session_id: Id, payload: QuestionIn):
    session = _session(request, session_id)
    q = services.live_question_submit(author=request.user, session=session, **payload.dict())
    return Status(201, _question(request, q.pk))


# Registered before /live-questions/{question_id}, whose pattern would take "merge" too.
@router.post(
    "/live-questions/merge",
    response={200: QuestionOut, **WRITE_ERRORS},
    summary="Merge duplicates into one question (moderators): votes combine, nobody twice",
)
def question_merge(request: AuthedHttpRequest, payload: MergeIn):
    target = selectors.question_get(user=request.user, pk=payload.target)
    sources = [selectors.question_get(user=request.user, pk=i) for i in payload.sources]
    services.live_questions_merge(actor=request.user, target=target, sources=sources)
    return _question(request, target.pk)


@router.patch(
    "/live-questions/{question_id}",
    response={200: QuestionOut, **WRITE_ERRORS},
    summary="Edit a question (its author until answered; moderators) or moderate it",
)
def question_update(request: AuthedHttpRequest, question_id: Id, payload: QuestionPatch):
    """`action`: approve, dismiss (pre-approval), hide, restore, pin, unpin, answer (with an
    optional `answer`), archive: moderators. `body`: the author, until it is answered, or a
    moderator fixing a typo."""
    q = selectors.question_get(user=request.user, pk=question_id)
    data = payload.dict(exclude_unset=True)
    if not data.get("body") and not data.get("action"):
        raise ValidationError("Send a new `body`, or a moderation `action`.")
    if data.get("body") is not None:
        services.live_question_edit(actor=request.user, question=q, body=data["body"])
    if data.get("action"):
        services.live_question_moderate(
            actor=request.user, question=q, action=data["action"], answer=data.get("answer", "")
        )
    return _question(request, question_id)


def _vote_out(request: AuthedHttpRequest, q: LiveQuestion, votes: int) -> VoteOut:
    from practica.api.schemas import absolute

    mine = LiveVote.objects.filter(question=q, user=request.user).exists()
    return VoteOut(id=q.pk, url=absolute(q.get_absolute_url()), votes=votes, my_vote=mine)


@router.put(
    "/live-questions/{question_id}/vote",
    response={200: VoteOut, **WRITE_ERRORS},
    summary="Upvote a question (members; once; not your own)",
)
def vote_put(request: AuthedHttpRequest, question_id: Id):
    q = selectors.question_get(user=request.user, pk=question_id)
    votes = services.live_question_upvote(user=request.user, question=q)
    return _vote_out(request, q, votes)


@router.delete(
    "/live-questions/{question_id}/vote",
    response={200: VoteOut, **WRITE_ERRORS},
    summary="Take your upvote back",
)
def vote_delete(request: AuthedHttpRequest, question_id: Id):
    q = selectors.question_get(user=request.user, pk=question_id)
    votes = services.live_question_unvote(user=request.user, question=q)
    return _vote_out(request, q, votes)


@router.get(
    "/live-sessions/{session_id}/notes",
    response={200: NotePage, **ERRORS},
    summary="The session's live notes, oldest first",
)
def note_list(request: AuthedHttpRequest, session_id: Id):
    session = _session(request, session_id)
    notes = session.notes.select_related("author").order_by("created_at", "id")
    return NotePage(items=[note_out(n) for n in notes], next_cursor=None)


@router.post(
    "/live-sessions/{session_id}/notes",
    response={201: NoteOut, **WRITE_ERRORS},
    summary="Post a live note (curators)",
)
def note_create(request: AuthedHttpRequest, session_id: Id, payload: NoteIn):
    session = _session(request, session_id)
    quoted = None
    if payload.quoted_question_id:
        quoted = LiveQuestion.objects.filter(pk=payload.quoted_question_id).first()
        if quoted is None:
            raise ValidationError({"quoted_question_id": "Quote a question of this session."})
    note = services.live_note_post(
        author=request.user, session=session, body=payload.body, quoted=quoted
    )
    return Status(201, note_out(note))


@router.post(
    "/live-sessions/{session_id}/publish",
    response={200: SessionOut, **WRITE_ERRORS},
    summary="Publish the synthesis as a discussion, linked both ways (curators, after the end)",
)
def session_publish(request: AuthedHttpRequest, session_id: Id, payload: PublishIn):
    session = _session(request, session_id)
    services.live_session_publish(actor=request.user, session=session, **payload.dict())
    return session_out(_session(request, session_id))


@router.post(
    "/live-sessions/{session_id}/move-to-qa",
    response={200: MovedOut, **WRITE_ERRORS},
    summary="Make the unanswered questions community questions (moderators, after the end)",
)
def session_move_to_qa(request: AuthedHttpRequest, session_id: Id):
    """Each keeps its text and asker (an anonymous one stays anonymous); everyone who upvoted
    it follows it."""
    session = _session(request, session_id)
    moved = services.live_session_move_to_qa(actor=request.user, session=session)
    rows = list(
        LiveQuestion.objects.filter(
            session=session, thread__isnull=False, state=QState.APPROVED
        ).select_related("author", "thread", "session__community")
    )
    return MovedOut(
        moved=moved,
        questions=[question_out(q, request.user, _my_votes(request.user, rows)) for q in rows],
    )


__all__ = ["policy", "router"]
