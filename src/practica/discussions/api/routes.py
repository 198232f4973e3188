"""Threads, answers, comments, votes, tags and experts over HTTP (/api/v1/)."""

from __future__ import annotations

from django.urls import reverse
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from practica.accounts.api import PersonRef
from practica.accounts.http import AuthedHttpRequest
from practica.accounts.models import User
from practica.accounts.services import normalise_tag
from practica.api.schemas import absolute
from practica.communities import policy
from practica.communities import selectors as community_selectors
from practica.discussions import selectors, services
from practica.discussions.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    AnswerIn,
    AnswerOut,
    AnswerPage,
    AnswerPatch,
    AskIn,
    AskOut,
    AskPage,
    CommentIn,
    CommentOut,
    CommentPage,
    ExpertOut,
    ExpertPage,
    FollowOut,
    Id,
    ImageOut,
    KindLit,
    PeriodLit,
    ReactionIn,
    ReactionOut,
    RevisionPage,
    SortLit,
    StatusLit,
    TagOut,
    TagPage,
    ThreadIn,
    ThreadOut,
    ThreadPage,
    ThreadPatch,
    VoteIn,
    VoteOut,
)
from practica.discussions.api.serializers import (
    _answer_detail,
    _answer_out,
    _comment_out,
    _comment_parent,
    _readable_community,
    _revision_out,
    _thread_detail,
    _thread_out,
    _vote,
)
from practica.discussions.models import Answer, Tag, Thread

router = Router(tags=["discussions"])


@router.get(
    "/communities/{slug}/threads",
    response={200: ThreadPage, **ERRORS},
    summary="Threads of a community, newest activity first by default",
)
def thread_list(
    request: AuthedHttpRequest,
    slug: str,
    kind: KindLit | None = None,
    tag: str = Query("", max_length=100),
    status: StatusLit = "all",
    sort: SortLit = "latest",
    period: PeriodLit = "all",
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),
):
    """`status`: unanswered (a question with no answer, or with none accepted 48 hours after it
    was asked, by default), solved, open (a question with no accepted answer). `sort`: latest (activity), new (asked), top
    (score, of threads asked in `period`). `tag` matches a tag's name. Follow `next_cursor`."""
    community = _readable_community(request, slug)
    tag_name = normalise_tag(tag) if tag else ""
    if tag and not tag_name:
        return ThreadPage(items=[], next_cursor=None)
    page = selectors.thread_list(
        user=request.user,
        community=community,
        kind=kind or "",
        tag=tag_name,
        status=status,
        sort=sort,
        period=period,
        cursor=cursor,
        limit=limit,
    )
    votes = selectors.my_votes(user=request.user, threads=page.items)
    return ThreadPage(
        items=[_thread_out(t, votes.get(("thread", t.pk))) for t in page.items],
        next_cursor=page.next_cursor,
    )


@router.post(
    "/communities/{slug}/threads",
    response={201: ThreadOut, **WRITE_ERRORS},
    summary="Ask a question or start a discussion (members)",
)
def thread_create(request: AuthedHttpRequest, slug: str, payload: ThreadIn):
    community = community_selectors.community_get(user=request.user, slug=slug)
    thread = services.thread_create(author=request.user, community=community, **payload.dict())
    return Status(201, _thread_detail(request, thread.pk))


@router.get("/threads/{thread_id}", response={200: ThreadOut, **ERRORS}, summary="One thread")
def thread_detail(request: AuthedHttpRequest, thread_id: Id):
    return _thread_detail(request, thread_id)


@router.patch(
    "/threads/{thread_id}",
    response={200: ThreadOut, **WRITE_ERRORS},
    summary="Edit a thread; the change is kept as a revision with its reason",
)
def thread_update(request: AuthedHttpRequest, thread_id: Id, payload: ThreadPatch):
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    services.thread_update(actor=request.user, thread=thread, **payload.dict(exclude_unset=True))
    return _thread_detail(request, thread_id)


@router.delete(
    "/threads/{thread_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete a thread (hidden from members, kept for facilitators)",
)
def thread_delete(request: AuthedHttpRequest, thread_id: Id):
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    services.thread_delete(actor=request.user, thread=thread)
    return Status(204, None)


@router.get(
    "/threads/{thread_id}/revisions",
    response={200: RevisionPage, **ERRORS},
    summary="Every version of a thread: who, when and why",
)
def thread_revisions(request: AuthedHttpRequest, thread_id: Id):
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    page = reverse(
        "discussions:thread_revisions", kwargs={"slug": thread.community.slug, "pk": thread.pk}
    )
    url = absolute(page)
    rows = selectors.revisions(user=request.user, thread=thread)
    return RevisionPage(items=[_revision_out(r, url) for r in rows], next_cursor=None)


# --- Answers ---------------------------------------------------------------------------------


@router.get(
    "/threads/{thread_id}/answers",
    response={200: AnswerPage, **ERRORS},
    summary="A question's answers, in the order of its page",
)
def answer_list(request: AuthedHttpRequest, thread_id: Id):
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    votes = selectors.my_votes(user=request.user, thread=thread)
    url = absolute(thread.get_absolute_url())
    items = [
        _answer_out(a, thread, url, votes.get(("answer", a.pk)))
        for a in selectors.thread_answers(user=request.user, thread=thread)
        if a.deleted_at is None
    ]
    return AnswerPage(items=items, next_cursor=None)


@router.post(
    "/threads/{thread_id}/answers",
    response={201: AnswerOut, **WRITE_ERRORS},
    summary="Answer a question (members)",
)
def answer_create(request: AuthedHttpRequest, thread_id: Id, payload: AnswerIn):
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    answer = services.answer_create(author=request.user, thread=thread, body=payload.body)
    return Status(201, _answer_detail(request, answer.pk))


@router.get("/answers/{answer_id}", response={200: AnswerOut, **ERRORS}, summary="One answer")
def answer_detail(request: AuthedHttpRequest, answer_id: Id):
    return _answer_detail(request, answer_id)


@router.patch(
    "/answers/{answer_id}",
    response={200: AnswerOut, **WRITE_ERRORS},
    summary="Edit an answer; the change is kept as a revision with its reason",
)
def answer_update(request: AuthedHttpRequest, answer_id: Id, payload: AnswerPatch):
    answer = selectors.answer_get(user=request.user, pk=answer_id)
    body = answer.body if payload.body is None else payload.body
    services.answer_update(actor=request.user, answer=answer, body=body, reason=payload.reason)
    return _answer_detail(request, answer_id)


@router.delete(
    "/answers/{answer_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete an answer (hidden from members, kept for facilitators)",
)
def answer_delete(request: AuthedHttpRequest, answer_id: Id):
    answer = selectors.answer_get(user=request.user, pk=answer_id)
    services.answer_delete(actor=request.user, answer=answer)
    return Status(204, None)


@router.post(
    "/answers/{answer_id}/accept",
    response={200: ThreadOut, **WRITE_ERRORS},
    summary="Mark the answer that solved the question (its asker or a facilitator)",
)
def answer_accept(request: AuthedHttpRequest, answer_id: Id):
    answer = selectors.answer_get(user=request.user, pk=answer_id)
    services.answer_accept(actor=request.user, answer=answer)
    return _thread_detail(request, answer.thread_id)


@router.delete(
    "/answers/{answer_id}/accept",
    response={200: ThreadOut, **WRITE_ERRORS},
    summary="Take back the mark from the accepted answer (its asker or a facilitator)",
)
def answer_unaccept(request: AuthedHttpRequest, answer_id: Id):
    answer = selectors.answer_get(user=request.user, pk=answer_id)
    if answer.thread.accepted_answer_id == answer.pk:
        services.answer_unaccept(actor=request.user, thread=answer.thread)
    else:
        policy.authorize(request.user, "thread.accept", answer.thread)
    return _thread_detail(request, answer.thread_id)


# --- Comments ---------------------------------------------------------------------------------


@router.get(
    "/threads/{thread_id}/comments",
    response={200: CommentPage, **ERRORS},
    summary="Comments on a thread and on its answers, oldest first",
)
def comment_list(request: AuthedHttpRequest, thread_id: Id):
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    url = absolute(thread.get_absolute_url())
    answers = {
        a.pk for a in selectors.thread_answers(user=request.user, thread=thread) if not a.deleted_at
    }
    shown = [
        c
        for c in selectors.thread_comments(user=request.user, thread=thread)
        if c.deleted_at is None and (c.answer_id is None or c.answer_id in answers)
    ]
    return CommentPage(items=[_comment_out(c, url) for c in shown], next_cursor=None)


@router.post(
    "/threads/{thread_id}/comments",
    response={201: CommentOut, **WRITE_ERRORS},
    summary="Comment on a thread, or reply to one of its comments (members)",
)
def thread_comment_create(request: AuthedHttpRequest, thread_id: Id, payload: CommentIn):
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    parent = _comment_parent(request, payload.parent_id, thread_id=thread.pk)
    comment = services.comment_create(
        author=request.user, thread=thread, body=payload.body, parent=parent
    )
    return Status(201, _comment_out(comment, absolute(thread.get_absolute_url())))


@router.post(
    "/answers/{answer_id}/comments",
    response={201: CommentOut, **WRITE_ERRORS},
    summary="Comment on an answer, or reply to one of its comments (members)",
)
def answer_comment_create(request: AuthedHttpRequest, answer_id: Id, payload: CommentIn):
    answer = selectors.answer_get(user=request.user, pk=answer_id)
    parent = _comment_parent(request, payload.parent_id, answer_id=answer.pk)
    comment = services.comment_create(
        author=request.user, thread=answer.thread, answer=answer, body=payload.body, parent=parent
    )
    return Status(201, _comment_out(comment, absolute(answer.thread.get_absolute_url())))


# --- Votes, reactions, follows ----------------------------------------------------------------


def _vote_out(target: Thread | Answer, url: str, score: int, value: int | None) -> VoteOut:
    return VoteOut(id=target.pk, url=url, score=score, my_vote=_vote(value))


@router.put(
    "/threads/{thread_id}/vote",
    response={200: VoteOut, **WRITE_ERRORS},
    summary="Vote a question up (1) or down (-1), replacing an earlier vote",
)
def thread_vote(request: AuthedHttpRequest, thread_id: Id, payload: VoteIn):
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    score = services.vote_set(user=request.user, target=thread, value=payload.value)
    return _vote_out(thread, absolute(thread.get_absolute_url()), score, payload.value)


@router.delete(
    "/threads/{thread_id}/vote",
    response={200: VoteOut, **WRITE_ERRORS},
    summary="Take back a vote on a question",
)
def thread_unvote(request: AuthedHttpRequest, thread_id: Id):
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    score = services.vote_clear(user=request.user, target=thread)
    return _vote_out(thread, absolute(thread.get_absolute_url()), score, None)


@router.put(
    "/answers/{answer_id}/vote",
    response={200: VoteOut, **WRITE_ERRORS},
    summary="Vote an answer up (1) or down (-1), replacing an earlier vote",
)
def answer_vote(request: AuthedHttpRequest, answer_id: Id, payload: VoteIn):
    answer = selectors.answer_get(user=request.user, pk=answer_id)
    score = services.vote_set(user=request.user, target=answer, value=payload.value)
    url = f"{absolute(answer.thread.get_absolute_url())}#answer-{answer.pk}"
    return _vote_out(answer, url, score, payload.value)


@router.delete(
    "/answers/{answer_id}/vote",
    response={200: VoteOut, **WRITE_ERRORS},
    summary="Take back a vote on an answer",
)
def answer_unvote(request: AuthedHttpRequest, answer_id: Id):
    answer = selectors.answer_get(user=request.user, pk=answer_id)
    score = services.vote_clear(user=request.user, target=answer)
    url = f"{absolute(answer.thread.get_absolute_url())}#answer-{answer.pk}"
    return _vote_out(answer, url, score, None)


@router.post(
    "/threads/{thread_id}/reactions",
    response={200: ReactionOut, **WRITE_ERRORS},
    summary="Add a reaction to a thread, or take it back if it is there (members)",
)
def thread_react(request: AuthedHttpRequest, thread_id: Id, payload: ReactionIn):
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    reacted = services.reaction_toggle(user=request.user, target=thread, emoji=payload.emoji)
    return ReactionOut(
        id=thread.pk, url=absolute(thread.get_absolute_url()), emoji=payload.emoji, reacted=reacted
    )


def _follow(request: AuthedHttpRequest, thread_id: int, following: bool) -> FollowOut:
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    services.follow_set(user=request.user, thread=thread, following=following)
    return FollowOut(id=thread.pk, url=absolute(thread.get_absolute_url()), following=following)


@router.post(
    "/threads/{thread_id}/follow",
    response={200: FollowOut, **ERRORS},
    summary="Follow a thread: hear about its answers and comments (members)",
)
def thread_follow(request: AuthedHttpRequest, thread_id: Id):
    return _follow(request, thread_id, True)


@router.delete(
    "/threads/{thread_id}/follow", response={200: FollowOut, **ERRORS}, summary="Stop following"
)
def thread_unfollow(request: AuthedHttpRequest, thread_id: Id):
    return _follow(request, thread_id, False)


# --- Tags and experts ------------------------------------------------------------------------


@router.get(
    "/communities/{slug}/tags",
    response={200: TagPage, **ERRORS},
    summary="A community's tags with their number of threads, most used first",
)
def tag_list(request: AuthedHttpRequest, slug: str):
    community = community_selectors.community_get(user=request.user, slug=slug)
    tags = selectors.tag_list(user=request.user, community=community)
    for tag in tags:
        tag.community = community
    return TagPage(items=[_tag_out(t) for t in tags], next_cursor=None)


def _tag_out(t: Tag) -> TagOut:
    return TagOut(
        id=t.pk,
        url=absolute(t.get_absolute_url()),
        name=t.name,
        description=t.description,
        thread_count=getattr(t, "thread_count", 0),
    )


@router.get(
    "/threads/{thread_id}/experts",
    response={200: ExpertPage, **ERRORS},
    summary="Members who know a question's tags, with the reasons",
)
def thread_experts(request: AuthedHttpRequest, thread_id: Id, limit: int = Query(5, ge=1, le=20)):
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    experts = selectors.experts_for(user=request.user, thread=thread, limit=limit)
    items = [
        ExpertOut(
            id=e.user.pk,
            url=absolute(e.user.get_absolute_url()),
            name=e.user.name,
            handle=e.user.handle,
            score=e.score,
            reasons=e.reasons,
        )
        for e in experts
    ]
    return ExpertPage(items=items, next_cursor=None)


@router.post(
    "/threads/{thread_id}/ask",
    response={200: AskPage, **ERRORS},
    summary="Ask members to answer a question (its asker or a facilitator)",
)
def thread_ask(request: AuthedHttpRequest, thread_id: Id, payload: AskIn):
    thread = selectors.thread_get(user=request.user, pk=thread_id)
    made = services.experts_ask(actor=request.user, thread=thread, user_ids=payload.user_ids)
    people = User.objects.in_bulk([r.user_id for r in made])
    url = absolute(thread.get_absolute_url())
    items = [
        AskOut(
            id=r.pk,
            url=url,
            user=PersonRef.of(people[r.user_id]),
            asked_by=PersonRef.of(request.user),
            created_at=r.created_at,
        )
        for r in made
    ]
    return AskPage(items=items, next_cursor=None)


@router.post(
    "/communities/{slug}/images",
    response={201: ImageOut, **WRITE_ERRORS},
    summary="Upload an image for a post (multipart field `image`); returns the markdown to use",
)
def image_upload(request: AuthedHttpRequest, slug: str, image: File[UploadedFile]):
    community = community_selectors.community_get(user=request.user, slug=slug)
    upload = services.image_upload(user=request.user, community=community, image=image)
    url = absolute(upload.image.url)
    return Status(201, ImageOut(id=upload.pk, url=url, markdown=f"![image]({url})"))
