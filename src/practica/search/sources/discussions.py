"""Questions, discussions, answers and comments in the index."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Max
from django.urls import reverse

from practica.discussions.models import Answer, Comment, Kind, Thread
from practica.search.sources import Doc, Source, register
from practica.search.sources.text import plain


def _boost(*, solved: bool, best_answer: int, score: int) -> float:
    """0..1: an accepted answer lifts a question most, well-voted answers and votes a little."""
    return (
        (0.5 if solved else 0.0)
        + 0.3 * min(max(best_answer, 0), 10) / 10
        + 0.2 * min(max(score, 0), 10) / 10
    )


def _threads(ids: list[int]) -> dict[int, Doc]:
    rows = Thread.objects.filter(pk__in=ids).prefetch_related("tags")
    best = dict(
        Answer.objects.filter(thread_id__in=ids, deleted_at__isnull=True)
        .values("thread_id")
        .annotate(m=Max("score"))
        .values_list("thread_id", "m")
    )
    docs = {}
    for t in rows:
        solved = t.accepted_answer_id is not None
        docs[t.pk] = Doc(
            kind=t.kind,
            title=t.title,
            body=plain(t.body_html or t.body, from_html=bool(t.body_html)),
            tags=[tag.name for tag in t.tags.all()],
            community_id=t.community_id,
            thread_id=t.pk,
            author_id=t.author_id,
            solved=solved,
            score=t.score,
            answer_count=t.answer_count,
            boost=_boost(solved=solved, best_answer=best.get(t.pk) or 0, score=t.score),
            created_at=t.created_at,
            last_activity_at=t.last_activity_at,
            deleted=t.deleted_at is not None,
        )
    return docs


def _answers(ids: list[int]) -> dict[int, Doc]:
    rows = Answer.objects.filter(pk__in=ids).select_related("thread")
    return {
        a.pk: Doc(
            kind="answer",
            title="",
            heading=a.thread.title,
            body=plain(a.body_html or a.body, from_html=bool(a.body_html)),
            community_id=a.thread.community_id,
            thread_id=a.thread_id,
            author_id=a.author_id,
            solved=a.thread.accepted_answer_id == a.pk,
            score=a.score,
            created_at=a.created_at,
            last_activity_at=a.edited_at or a.created_at,
            deleted=a.deleted_at is not None or a.thread.deleted_at is not None,
        )
        for a in rows
    }


def _comments(ids: list[int]) -> dict[int, Doc]:
    rows = Comment.objects.filter(pk__in=ids).select_related("thread", "answer")
    return {
        c.pk: Doc(
            kind="comment",
            title="",
            heading=c.thread.title,
            body=plain(c.body_html or c.body, from_html=bool(c.body_html)),
            community_id=c.thread.community_id,
            thread_id=c.thread_id,
            author_id=c.author_id,
            created_at=c.created_at,
            last_activity_at=c.edited_at or c.created_at,
            deleted=(
                c.deleted_at is not None
                or c.thread.deleted_at is not None
                or (c.answer is not None and c.answer.deleted_at is not None)
            ),
        )
        for c in rows
    }


def _ids(model: Any) -> Iterator[int]:
    return model.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5000)


def _thread_url(doc: Any, slugs: dict[int, str]) -> str:
    slug = slugs.get(doc.community_id, "")
    return reverse("discussions:thread", kwargs={"slug": slug, "pk": doc.thread_id})


def _urls(anchor: str) -> Any:
    def urls(docs: list[Any], slugs: dict[int, str]) -> dict[int, str]:
        out = {}
        for d in docs:
            url = _thread_url(d, slugs)
            out[d.pk] = f"{url}#{anchor}-{d.object_id}" if anchor else url
        return out

    return urls


def _thread_family(pk: int) -> list[tuple[str, int]]:
    """A thread's answers and comments: their titles, deletion and community follow it."""
    answers = Answer.objects.filter(thread_id=pk).values_list("pk", flat=True)
    comments = Comment.objects.filter(thread_id=pk).values_list("pk", flat=True)
    return [("answer", a) for a in answers] + [("comment", c) for c in comments]


def _answer_family(pk: int) -> list[tuple[str, int]]:
    """An answer's question (its solved mark and boost) and the comments under it."""
    thread_id = Answer.objects.filter(pk=pk).values_list("thread_id", flat=True).first()
    comments = Comment.objects.filter(answer_id=pk).values_list("pk", flat=True)
    refs = [("comment", c) for c in comments]
    return ([("thread", thread_id)] if thread_id else []) + refs


register(
    Source(
        name="thread",
        kinds=(Kind.QUESTION.value, Kind.DISCUSSION.value),
        scope="content",
        build=_threads,
        all_ids=lambda: _ids(Thread),
        urls=_urls(""),
        related=_thread_family,
    )
)
register(
    Source(
        name="answer",
        kinds=("answer",),
        scope="content",
        build=_answers,
        all_ids=lambda: _ids(Answer),
        urls=_urls("answer"),
        related=_answer_family,
    )
)
register(
    Source(
        name="comment",
        kinds=("comment",),
        scope="content",
        build=_comments,
        all_ids=lambda: _ids(Comment),
        urls=_urls("comment"),
    )
)
