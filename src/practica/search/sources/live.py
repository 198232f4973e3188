"""Live-session questions and notes in the index.

A question is found only while participants can see it (approved or answered, as
`policy.live.question_view` allows everyone who may view the session): any other state (pending,
dismissed, hidden, merged, withdrawn, archived) marks its document deleted, so searches skip it.
An anonymous question is indexed without an author, so neither a result nor `author:` reveals
who asked it. Both kinds carry their session's community, so permissions apply as for threads.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from practica.live.models import PUBLIC_STATES, LiveNote, LiveQuestion
from practica.search.sources import Doc, Source, register
from practica.search.sources.text import plain


def _questions(ids: list[int]) -> dict[int, Doc]:
    rows = LiveQuestion.objects.filter(pk__in=ids).select_related("session")
    docs = {}
    for q in rows:
        body = plain(q.body_html or q.body, from_html=bool(q.body_html))
        if q.answer:
            body += "\n" + plain(q.answer_html or q.answer, from_html=bool(q.answer_html))
        docs[q.pk] = Doc(
            kind="live_question",
            title="",
            heading=q.session.title,
            body=body,
            community_id=q.session.community_id,
            author_id=None if q.is_anonymous else q.author_id,
            score=q.votes,
            created_at=q.created_at,
            last_activity_at=max(t for t in (q.created_at, q.edited_at, q.answered_at) if t),
            deleted=q.state not in PUBLIC_STATES,
        )
    return docs


def _notes(ids: list[int]) -> dict[int, Doc]:
    rows = LiveNote.objects.filter(pk__in=ids).select_related("session")
    return {
        n.pk: Doc(
            kind="live_note",
            title="",
            heading=n.session.title,
            body=plain(n.body_html or n.body, from_html=bool(n.body_html)),
            community_id=n.session.community_id,
            author_id=n.author_id,
            created_at=n.created_at,
            last_activity_at=n.edited_at or n.created_at,
        )
        for n in rows
    }


def _ids(model: Any) -> Iterator[int]:
    return model.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5000)


def _urls(model: Any, anchor: str) -> Any:
    """The session page, at the question's or note's anchor (one query for the session ids)."""

    def urls(docs: list[Any], slugs: dict[int, str]) -> dict[int, str]:
        sessions = dict(
            model.objects.filter(pk__in=[d.object_id for d in docs]).values_list("pk", "session_id")
        )
        out = {}
        for d in docs:
            session_id = sessions.get(d.object_id)
            if session_id is None:
                continue
            slug = slugs.get(d.community_id, "")
            url = reverse("live:session", kwargs={"slug": slug, "pk": session_id})
            out[d.pk] = f"{url}#{anchor}-{d.object_id}"
        return out

    return urls


def session_refs(session_id: int) -> list[tuple[str, int]]:
    """Every question and note of a session: their heading (the session's title) follows it."""
    questions = LiveQuestion.objects.filter(session_id=session_id).values_list("pk", flat=True)
    notes = LiveNote.objects.filter(session_id=session_id).values_list("pk", flat=True)
    return [("live_question", q) for q in questions] + [("live_note", n) for n in notes]


register(
    Source(
        name="live_question",
        kinds=("live_question",),
        scope="content",
        build=_questions,
        all_ids=lambda: _ids(LiveQuestion),
        urls=_urls(LiveQuestion, "q"),
    )
)
register(
    Source(
        name="live_note",
        kinds=("live_note",),
        scope="content",
        build=_notes,
        all_ids=lambda: _ids(LiveNote),
        urls=_urls(LiveNote, "note"),
    )
)
