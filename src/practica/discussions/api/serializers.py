"""Model rows to API shapes, and small lookups the routes share."""

from __future__ import annotations

from typing import Literal, cast

from django.core.exceptions import ValidationError
from django.http import Http404

from practica.accounts.api import PersonRef
from practica.accounts.http import AuthedHttpRequest
from practica.accounts.models import User
from practica.api.schemas import absolute
from practica.communities import policy
from practica.communities import selectors as community_selectors
from practica.discussions import selectors
from practica.discussions.api.schemas import (
    AnswerOut,
    CommentOut,
    KindLit,
    RevisionOut,
    ThreadOut,
)
from practica.discussions.models import Answer, Comment, Revision, Thread


def _person(user: User | None) -> PersonRef | None:
    return PersonRef.of(user) if user is not None else None


def _vote(value: int | None) -> Literal[1, -1] | None:
    return cast(Literal[1, -1], value) if value in (1, -1) else None


def _thread_out(t: Thread, my_vote: int | None) -> ThreadOut:
    return ThreadOut(
        id=t.pk,
        url=absolute(t.get_absolute_url()),
        community=t.community.slug,
        kind=cast(KindLit, t.kind),
        title=t.title,
        body=t.body,
        body_html=t.body_html,
        tags=[tag.name for tag in t.tags.all()],
        author=_person(t.author),
        score=t.score,
        my_vote=_vote(my_vote),
        answer_count=t.answer_count,
        comment_count=t.comment_count,
        is_solved=t.is_solved,
        accepted_answer_id=t.accepted_answer_id,
        is_wiki=t.is_wiki,
        created_at=t.created_at,
        last_activity_at=t.last_activity_at,
        edited_at=t.edited_at,
    )


def _thread_detail(request: AuthedHttpRequest, pk: int) -> ThreadOut:
    """One thread as stored now (after a write, the counters a service moved with F())."""
    thread = selectors.thread_get(user=request.user, pk=pk)
    mine = selectors.my_votes(user=request.user, threads=[thread]).get(("thread", thread.pk))
    return _thread_out(thread, mine)


def _answer_out(a: Answer, thread: Thread, thread_url: str, my_vote: int | None) -> AnswerOut:
    return AnswerOut(
        id=a.pk,
        url=f"{thread_url}#answer-{a.pk}",
        thread_id=a.thread_id,
        body=a.body,
        body_html=a.body_html,
        author=_person(a.author),
        score=a.score,
        my_vote=_vote(my_vote),
        is_accepted=thread.accepted_answer_id == a.pk,
        created_at=a.created_at,
        edited_at=a.edited_at,
    )


def _answer_detail(request: AuthedHttpRequest, pk: int) -> AnswerOut:
    answer = selectors.answer_get(user=request.user, pk=pk)
    thread = answer.thread
    mine = selectors.my_votes(user=request.user, thread=thread).get(("answer", answer.pk))
    return _answer_out(answer, thread, absolute(thread.get_absolute_url()), mine)


def _comment_out(c: Comment, thread_url: str) -> CommentOut:
    return CommentOut(
        id=c.pk,
        url=f"{thread_url}#comment-{c.pk}",
        thread_id=c.thread_id,
        answer_id=c.answer_id,
        parent_id=c.parent_id,
        body=c.body,
        body_html=c.body_html,
        author=_person(c.author),
        created_at=c.created_at,
    )


def _revision_out(r: Revision, revisions_url: str) -> RevisionOut:
    return RevisionOut(
        id=r.pk,
        url=revisions_url,
        number=r.number,
        author=_person(r.author),
        title=r.title,
        body=r.body,
        tags=[str(name) for name in r.tags or []],
        reason=r.reason,
        created_at=r.created_at,
    )


def _readable_community(request: AuthedHttpRequest, slug: str):
    """The community at `slug` if the caller may read its content; Http404 otherwise (a private
    community's threads are as absent to an outsider as a missing community's)."""
    community = community_selectors.community_get(user=request.user, slug=slug)
    if not policy.can(request.user, "community.read", community):
        raise Http404("No such community.")
    return community


def _comment_parent(request: AuthedHttpRequest, parent_id: int | None, **where: int):
    """The comment to reply to, which must sit where the new comment goes; None without one."""
    if parent_id is None:
        return None
    try:
        parent = selectors.comment_get(user=request.user, pk=parent_id)
    except Http404:
        parent = None
    if parent is None or any(getattr(parent, f) != v for f, v in where.items()):
        raise ValidationError({"parent_id": "Reply to a comment on this same post."})
    return parent


# --- Threads ---------------------------------------------------------------------------------
