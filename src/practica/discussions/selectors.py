"""Reads about threads. Each selector owns its query shape and asks `policy` for visibility; the
thread page is a fixed number of queries however many answers and comments it has."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from practica.accounts.models import User
from practica.communities import policy
from practica.communities.models import Community
from practica.core import providers
from practica.core.pagination import Page, paginate
from practica.discussions.models import (
    Answer,
    AskRequest,
    Comment,
    Follow,
    Kind,
    Reaction,
    Revision,
    Tag,
    Thread,
    Vote,
)

SORTS = {
    "latest": ("-last_activity_at", "-id"),
    "new": ("-created_at", "-id"),
    "top": ("-score", "-id"),
}
PERIODS = {"week": 7, "month": 30, "all": None}
STATUSES = ("all", "unanswered", "solved", "open")


def _threads(user: Any) -> QuerySet[Thread]:
    return policy.visible_to(user, Thread.objects.filter(deleted_at__isnull=True))


def thread_list(
    *,
    user: Any,
    community: Community | None = None,
    kind: str = "",
    tag: str = "",
    status: str = "all",
    sort: str = "latest",
    period: str = "all",
    author: User | None = None,
    cursor: str | None = None,
    limit: int = 20,
) -> Page[Thread]:
    """Threads `user` may read, in one community or (community=None) in all of theirs.

    status: all, unanswered (a question with no answer, or none accepted after
    PRACTICA_UNANSWERED_AFTER_HOURS), solved, open (a question with no accepted answer).
    sort: latest (activity), new (asked), top (score; `period` week/month/all).
    """
    qs = _threads(user)
    if community is not None:
        qs = qs.filter(community=community)
    else:
        mine = [cid for cid, m in policy.memberships_of(user).items() if m.is_active]
        qs = qs.filter(community_id__in=mine)
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if tag:
        qs = qs.filter(tags__name=tag)
    if status == "unanswered":
        stale = timezone.now() - timedelta(hours=settings.PRACTICA_UNANSWERED_AFTER_HOURS)
        qs = qs.filter(kind=Kind.QUESTION, accepted_answer__isnull=True).filter(
            Q(answer_count=0) | Q(created_at__lt=stale)
        )
    elif status == "solved":
        qs = qs.filter(accepted_answer__isnull=False)
    elif status == "open":
        qs = qs.filter(kind=Kind.QUESTION, accepted_answer__isnull=True)
    if author is not None:
        qs = qs.filter(author=author)
    if sort == "top" and PERIODS.get(period):
        qs = qs.filter(created_at__gte=timezone.now() - timedelta(days=PERIODS[period] or 0))
    qs = qs.select_related("author", "community").prefetch_related("tags")
    return paginate(qs, order=SORTS.get(sort, SORTS["latest"]), cursor=cursor, limit=limit)


def thread_get(*, user: Any, pk: int, community: Community | None = None) -> Thread:
    """A thread `user` may see (a deleted one only for facilitators); Http404 otherwise."""
    qs = policy.visible_to(user, Thread.objects.all()).select_related("community", "author")
    if community is not None:
        qs = qs.filter(community=community)
    thread = qs.filter(pk=pk).first()
    if thread is None or not policy.can(user, "thread.view", thread):
        raise Http404("No such thread.")
    return thread


def answer_get(*, user: Any, pk: int) -> Answer:
    answer = (
        policy.visible_to(user, Answer.objects.all())
        .select_related("thread__community", "author")
        .filter(pk=pk)
        .first()
    )
    if (
        answer is None
        or not policy.can(user, "answer.view", answer)
        or not policy.can(user, "thread.view", answer.thread)
    ):
        raise Http404("No such answer.")
    return answer


def comment_get(*, user: Any, pk: int) -> Comment:
    comment = (
        policy.visible_to(user, Comment.objects.all())
        .select_related("thread__community", "author", "answer")
        .filter(pk=pk)
        .first()
    )
    if comment is None or not policy.can(user, "comment.view", comment):
        raise Http404("No such comment.")
    return comment


@dataclass
class ThreadPage:
    """Everything the thread page shows, loaded in a fixed number of queries."""

    thread: Thread
    answers: list[Answer]
    comments: dict[tuple[str, int], list[Comment]]  # ("thread"|"answer", id) -> top-level
    my_votes: dict[tuple[str, int], int] = field(default_factory=dict)
    reactions: dict[tuple[str, int], list[dict]] = field(default_factory=dict)
    following: bool = False
    asked: list[AskRequest] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)


def _moderates(user: Any, thread: Thread) -> bool:
    """Facilitators (and admins) also see deleted answers and comments."""
    return policy.can(user, "thread.rollback", thread) if not thread.deleted_at else True


def thread_answers(*, user: Any, thread: Thread) -> list[Answer]:
    """A thread's answers: the accepted one first, then by score, then oldest first (one query).
    Deleted ones only for those who moderate."""
    qs = Answer.objects.filter(thread=thread).select_related("author")
    if not _moderates(user, thread):
        qs = qs.filter(deleted_at__isnull=True)
    return sorted(
        qs, key=lambda a: (a.pk != thread.accepted_answer_id, -a.score, a.created_at, a.pk)
    )


def thread_comments(*, user: Any, thread: Thread) -> list[Comment]:
    """Every comment of a thread and its answers, oldest first (one query). Deleted ones only for
    those who moderate."""
    qs = Comment.objects.filter(thread=thread).select_related("author")
    if not _moderates(user, thread):
        qs = qs.filter(deleted_at__isnull=True)
    return list(qs)


def my_votes(
    *, user: Any, thread: Thread | None = None, threads: Iterable[Thread] = ()
) -> dict[tuple[str, int], int]:
    """`user`'s votes, in one query, keyed ("thread", id) or ("answer", id): on `threads`, and on
    `thread` and all its answers."""
    if policy.is_anonymous(user):
        return {}
    where = Q(thread__in=[t.pk for t in threads])
    if thread is not None:
        where |= Q(thread=thread) | Q(answer__thread=thread)
    votes: dict[tuple[str, int], int] = {}
    for v in Vote.objects.filter(user=user).filter(where):
        key = ("thread", v.thread_id) if v.thread_id else ("answer", v.answer_id or 0)
        votes[key] = v.value
    return votes


def thread_viewer_key(*, user: Any, thread: Thread) -> tuple:
    """What the thread page shows differently to `user`, in one query: their standing in the
    community (what the policy decides on), the answers and comments they wrote there, their
    votes and reactions, and whether they follow it. Two people with equal keys see the same page
    of the same version of a thread."""
    standing = policy.content_viewer_key(user, thread.community)
    if policy.is_anonymous(user):
        return (standing,)
    with connection.cursor() as cursor:
        cursor.execute(_VIEWER_SQL, {"thread": thread.pk, "user": user.pk})
        mine = tuple(cursor.fetchall())
    return (standing, thread.author_id == user.pk, mine)


def _viewer_sql() -> str:
    """One UNION ALL over the five tables; plain SQL that SQLite and PostgreSQL both take (the
    ORM spent more time compiling this than the database spent running it)."""
    t = {m.__name__: m._meta.db_table for m in (Answer, Comment, Vote, Reaction, Follow)}
    none = "CAST(NULL AS BIGINT)"
    return f"""
    SELECT 'answer' AS k, id AS x, {none} AS y, '' AS z FROM {t["Answer"]}
     WHERE thread_id = %(thread)s AND author_id = %(user)s
    UNION ALL SELECT 'comment', id, {none}, '' FROM {t["Comment"]}
     WHERE thread_id = %(thread)s AND author_id = %(user)s
    UNION ALL SELECT 'vote', v.id, v.answer_id, CAST(v.value AS VARCHAR(4)) FROM {t["Vote"]} v
     WHERE v.user_id = %(user)s AND (v.thread_id = %(thread)s OR v.answer_id IN
           (SELECT id FROM {t["Answer"]} WHERE thread_id = %(thread)s))
    UNION ALL SELECT 'reaction', r.id, r.comment_id, r.emoji FROM {t["Reaction"]} r
     WHERE r.user_id = %(user)s AND (r.thread_id = %(thread)s OR r.comment_id IN
           (SELECT id FROM {t["Comment"]} WHERE thread_id = %(thread)s))
    UNION ALL SELECT 'follow', id, {none}, '' FROM {t["Follow"]}
     WHERE thread_id = %(thread)s AND user_id = %(user)s
    ORDER BY 1, 2
    """  # noqa: S608  (table names from the models' _meta, values as parameters)


_VIEWER_SQL = _viewer_sql()


def thread_page(*, user: Any, thread: Thread) -> ThreadPage:
    answers = thread_answers(user=user, thread=thread)
    all_comments = thread_comments(user=user, thread=thread)
    replies: dict[int, list[Comment]] = defaultdict(list)
    top: dict[tuple[str, int], list[Comment]] = defaultdict(list)
    for c in all_comments:
        if c.parent_id:
            replies[c.parent_id].append(c)
    for c in all_comments:
        c.reply_list = replies.get(c.pk, [])  # type: ignore[attr-defined]
        if not c.parent_id:
            key = ("answer", c.answer_id) if c.answer_id else ("thread", thread.pk)
            top[key].append(c)
    page = ThreadPage(
        thread=thread, answers=answers, comments=dict(top), tags=list(thread.tags.all())
    )
    page.my_votes = my_votes(user=user, thread=thread)
    if not policy.is_anonymous(user):
        page.following = Follow.objects.filter(user=user, thread=thread).exists()
    counts = (
        Reaction.objects.filter(Q(thread=thread) | Q(comment__thread=thread))
        .values("thread_id", "comment_id", "emoji")
        .annotate(n=Count("id"), mine=Count("id", filter=Q(user_id=getattr(user, "pk", None))))
    )
    for row in counts:
        key = ("thread", row["thread_id"]) if row["thread_id"] else ("comment", row["comment_id"])
        page.reactions.setdefault(key, []).append(
            {
                "emoji": row["emoji"],
                "symbol": Reaction.EMOJI[row["emoji"]],
                "count": row["n"],
                "mine": bool(row["mine"]),
            }
        )
    if thread.kind == Kind.QUESTION:
        page.asked = list(AskRequest.objects.filter(thread=thread).select_related("user"))
    return page


def revisions(
    *, user: Any, thread: Thread | None = None, answer: Answer | None = None
) -> list[Revision]:
    """Every revision, newest first, each with `previous` (the revision before it)."""
    target = thread if thread is not None else answer
    action = "thread.view" if thread is not None else "answer.view"
    if target is None or not policy.can(user, action, target):
        raise Http404("No such thread.")
    rows = list(Revision.objects.filter(thread=thread, answer=answer).select_related("author"))
    for newer, older in zip(rows, [*rows[1:], None], strict=True):
        newer.previous = older  # type: ignore[attr-defined]
    return rows


def tag_list(*, user: Any, community: Community) -> list[Tag]:
    """Tags of a community with the number of visible threads, most used first."""
    if not policy.can(user, "community.read", community):
        raise Http404("No such community.")
    return list(
        Tag.objects.filter(community=community)
        .annotate(thread_count=Count("threads", filter=Q(threads__deleted_at__isnull=True)))
        .order_by("-thread_count", "name")
    )


def active_tags(
    *, user: Any, community: Community, limit: int = 20, window: int = 1000
) -> list[Tag]:
    """The tags most used on the `window` most recently active threads, with `recent_count`.

    Bounded work however many threads the community has (the full counts are on the tags page).
    """
    if not policy.can(user, "community.read", community):
        raise Http404("No such community.")
    recent = list(
        Thread.objects.filter(community=community, deleted_at__isnull=True)
        .order_by("-last_activity_at", "-id")
        .values_list("pk", flat=True)[:window]
    )
    through = Thread.tags.through
    counts = list(
        through.objects.filter(thread_id__in=recent)
        .values("tag_id")
        .annotate(n=Count("thread_id"))
        .order_by("-n", "tag_id")[:limit]
    )
    tags = Tag.objects.in_bulk([row["tag_id"] for row in counts])
    out = []
    for row in counts:
        tag = tags[row["tag_id"]]
        tag.recent_count = row["n"]  # type: ignore[attr-defined]
        out.append(tag)
    return out


def tag_get(*, user: Any, community: Community, name: str) -> Tag:
    if not policy.can(user, "community.read", community):
        raise Http404("No such tag.")
    tag = Tag.objects.filter(community=community, name=name).select_related("community").first()
    if tag is None:
        raise Http404("No such tag.")
    return tag


def asked_of(*, user: Any) -> list[AskRequest]:
    """Questions people asked `user` to answer, in communities they can still read."""
    if policy.is_anonymous(user):
        return []
    return list(
        AskRequest.objects.filter(user=user, thread__deleted_at__isnull=True)
        .filter(policy.readable_communities_q(user, "thread__community__"))
        .select_related("thread__community", "asked_by")
        .annotate(
            answered=Exists(
                Answer.objects.filter(
                    thread=OuterRef("thread"), author=user, deleted_at__isnull=True
                )
            )
        )
    )


# --- Reputation and experts ------------------------------------------------------------------

REPUTATION_RULES = {
    "question_upvote": 5,
    "answer_upvote": 10,
    "downvote": -2,
    "accepted_answer": 15,
}


def reputation(*, user: User, community: Community | None = None, viewer: Any = None) -> int:
    """Points from votes on a person's questions and answers and from accepted answers, in
    `community` or (None) in every community `viewer` may read. Rules: REPUTATION_RULES."""
    votes = Vote.objects.filter(
        Q(thread__author=user, thread__deleted_at__isnull=True)
        | Q(
            answer__author=user,
            answer__deleted_at__isnull=True,
            answer__thread__deleted_at__isnull=True,
        )
    )
    accepted = Thread.objects.filter(accepted_answer__author=user, deleted_at__isnull=True)
    if community is not None:
        votes = votes.filter(
            Q(thread__community=community) | Q(answer__thread__community=community)
        )
        accepted = accepted.filter(community=community)
    else:
        votes = votes.filter(
            policy.readable_communities_q(viewer, "thread__community__")
            | policy.readable_communities_q(viewer, "answer__thread__community__")
        )
        accepted = accepted.filter(policy.readable_communities_q(viewer, "community__"))
    totals = votes.aggregate(
        q_up=Count("id", filter=Q(thread__isnull=False, value=1)),
        a_up=Count("id", filter=Q(answer__isnull=False, value=1)),
        down=Count("id", filter=Q(value=-1)),
    )
    return (
        totals["q_up"] * REPUTATION_RULES["question_upvote"]
        + totals["a_up"] * REPUTATION_RULES["answer_upvote"]
        + totals["down"] * REPUTATION_RULES["downvote"]
        + accepted.count() * REPUTATION_RULES["accepted_answer"]
    )


def reputation_by_community(*, user: User, viewer: Any) -> list[tuple[Community, int]]:
    """(community, points) for each community `viewer` may read where `user` has points, most
    first. Same rules as `reputation`; three queries however many communities."""
    votes = (
        policy.visible_to(viewer, Vote.objects.all().filter(thread__isnull=False))
        .filter(thread__author=user, thread__deleted_at__isnull=True)
        .values("thread__community_id")
        .annotate(up=Count("id", filter=Q(value=1)), down=Count("id", filter=Q(value=-1)))
    )
    answer_votes = (
        Vote.objects.filter(
            answer__author=user,
            answer__deleted_at__isnull=True,
            answer__thread__deleted_at__isnull=True,
        )
        .filter(policy.readable_communities_q(viewer, "answer__thread__community__"))
        .values("answer__thread__community_id")
        .annotate(up=Count("id", filter=Q(value=1)), down=Count("id", filter=Q(value=-1)))
    )
    accepted = (
        policy.visible_to(
            viewer, Thread.objects.filter(accepted_answer__author=user, deleted_at__isnull=True)
        )
        .values("community_id")
        .annotate(n=Count("id"))
    )
    rules = REPUTATION_RULES
    points: dict[int, int] = defaultdict(int)
    for row in votes:
        points[row["thread__community_id"]] += (
            row["up"] * rules["question_upvote"] + row["down"] * rules["downvote"]
        )
    for arow in answer_votes:
        points[arow["answer__thread__community_id"]] += (
            arow["up"] * rules["answer_upvote"] + arow["down"] * rules["downvote"]
        )
    for crow in accepted:
        points[crow["community_id"]] += crow["n"] * rules["accepted_answer"]
    communities = Community.objects.in_bulk([cid for cid, p in points.items() if p])
    ranked = [(communities[cid], p) for cid, p in points.items() if p and cid in communities]
    ranked.sort(key=lambda item: (-item[1], item[0].name))
    return ranked


class Expert(Protocol):
    """What a suggested expert offers the page and the API (search.people.Expert has more)."""

    user: User
    score: int
    reasons: list[str]


def experts_for(*, user: Any, thread: Thread, limit: int = 5) -> list[Expert]:
    """Up to `limit` members of the thread's community who know its tags, the asker left out and
    the question's own accepted answer no evidence. The ranking (and its reasons) is the people
    search's, given through core.providers as "people.experts"; without it, nobody is suggested."""
    if not policy.can(user, "thread.view", thread):
        raise Http404("No such thread.")
    names = [t.name for t in thread.tags.all()]
    rank = providers.get("people.experts")
    if not names or rank is None:
        return []
    found: list[Expert] = rank(
        user=user,
        topic=names,
        community=thread.community,
        limit=limit,
        exclude={thread.author_id},
        exclude_thread=thread.pk,
    )
    return found
