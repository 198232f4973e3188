"""Rows to the JSON shapes that stream events carry: what every participant may see.

An anonymous question never carries its author; bodies are the stored, sanitised HTML."""

from __future__ import annotations

from typing import Any

from practica.live.models import LiveNote, LiveQuestion, LiveSession


def person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.name, "handle": user.handle, "url": user.get_absolute_url()}


def question_public(q: LiveQuestion) -> dict[str, Any]:
    """A question as every participant may see it (no author when it is anonymous)."""
    return {
        "id": q.pk,
        "url": q.get_absolute_url(),
        "body": q.body,
        "body_html": q.body_html,
        "anonymous": q.is_anonymous,
        "author": None if q.is_anonymous else person(q.author),
        "state": q.state,
        "pinned": q.is_pinned,
        "votes": q.votes,
        "answer_html": q.answer_html,
        "created_at": q.created_at.isoformat(),
        "answered_at": q.answered_at.isoformat() if q.answered_at else None,
        "edited": q.edited_at is not None,
        "thread_url": q.thread.get_absolute_url() if q.thread is not None else None,
    }


def note_public(n: LiveNote) -> dict[str, Any]:
    return {
        "id": n.pk,
        "url": n.get_absolute_url(),
        "body_html": n.body_html,
        "author": person(n.author),
        "quoted": n.quoted_id,
        "created_at": n.created_at.isoformat(),
        "edited": n.edited_at is not None,
    }


def session_public(s: LiveSession) -> dict[str, Any]:
    return {
        "id": s.pk,
        "url": s.get_absolute_url(),
        "title": s.title,
        "status": s.state,
        "starts_at": s.starts_at.isoformat(),
        "ends_at": s.ends_at.isoformat(),
        "synthesis_url": s.synthesis_thread.get_absolute_url() if s.synthesis_thread else None,
    }
