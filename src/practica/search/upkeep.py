"""Keeping the index current: domain events in, an indexing task out (after commit).

`core.events` delivers after the transaction commits; each subscriber here only enqueues
`tasks.index_documents` with the refs the event names, so the work happens in the worker when one
runs (and at once with the immediate backend the tests use). Visibility and membership changes need
no reindexing: permissions are applied when searching (docs/search.md). A new source adds its
events to EVENTS.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from practica.core import events

log = logging.getLogger(__name__)
Refs = Callable[[dict[str, Any]], list[tuple[str, int]]]


def _one(source: str, key: str) -> Refs:
    return lambda p: [(source, p[key])] if p.get(key) else []


def _tag_threads(p: dict[str, Any]) -> list[tuple[str, int]]:
    """A renamed or merged tag: every thread that carries it now."""
    from practica.discussions.models import Thread

    ids = Thread.objects.filter(tags=p["tag_id"]).values_list("pk", flat=True)
    return [("thread", pk) for pk in ids]


def _answer_and_thread(p: dict[str, Any]) -> list[tuple[str, int]]:
    refs = [("answer", p["answer_id"])] if p.get("answer_id") else []
    return refs + ([("thread", p["thread_id"])] if p.get("thread_id") else [])


def _live_session(p: dict[str, Any]) -> list[tuple[str, int]]:
    """A retitled session: every question and note shows its title."""
    from practica.search.sources.live import session_refs

    return session_refs(p["session_id"]) if p.get("session_id") else []


_LIVE_QUESTION = (
    "submitted", "upvoted", "unvoted", "edited", "withdrawn", "approved", "dismissed", "hidden",
    "restored", "pinned", "unpinned", "answered", "archived", "merged", "updated", "moved",
)  # fmt: skip

EVENTS: dict[str, Refs] = {
    "question.asked": _one("thread", "thread_id"),
    "discussion.started": _one("thread", "thread_id"),
    "thread.edited": _one("thread", "thread_id"),
    "thread.deleted": _one("thread", "thread_id"),
    "thread.moved": _one("thread", "thread_id"),
    "thread.voted": _one("thread", "thread_id"),
    "answer.posted": _answer_and_thread,
    "answer.edited": _answer_and_thread,
    "answer.deleted": _answer_and_thread,
    "answer.accepted": _answer_and_thread,
    "answer.unaccepted": _answer_and_thread,
    "answer.voted": _answer_and_thread,
    "comment.posted": _one("comment", "comment_id"),
    "comment.edited": _one("comment", "comment_id"),
    "comment.deleted": _one("comment", "comment_id"),
    "tag.updated": _tag_threads,
    "tag.merged": _tag_threads,
    "user.created": _one("person", "user_id"),
    "user.updated": _one("person", "user_id"),
    "community.created": _one("community", "community_id"),
    "community.updated": _one("community", "community_id"),
    **{f"live.question.{a}": _one("live_question", "question_id") for a in _LIVE_QUESTION},
    "live.note.posted": _one("live_note", "note_id"),
    "live.note.edited": _one("live_note", "note_id"),
    "live.session.updated": _live_session,
}


def on_event(name: str, payload: dict[str, Any]) -> None:
    from practica.search.tasks import index_documents

    refs = EVENTS[name](payload)
    if refs:
        index_documents.enqueue([[source, int(pk)] for source, pk in refs])


def subscribe_all() -> None:
    for name in EVENTS:
        events.subscribe(name, on_event)
