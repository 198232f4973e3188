"""Model rows to API shapes."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from practica.accounts.api import PersonRef
from practica.api.schemas import absolute
from practica.live import selectors, streaming
from practica.live.api.schemas import Link, NoteOut, QuestionOut, SessionOut
from practica.live.models import LiveNote, LiveQuestion, LiveSession


def session_out(s: LiveSession) -> SessionOut:
    roles = selectors.load_roles(s)
    thread = s.synthesis_thread
    return SessionOut(
        id=s.pk,
        url=absolute(s.get_absolute_url()),
        community=s.community.slug,
        title=s.title,
        description=s.description,
        description_html=s.description_html,
        starts_at=s.starts_at,
        ends_at=s.ends_at,
        time_zone=s.time_zone,
        status=s.state,  # type: ignore[arg-type]
        meeting_url=s.meeting_url,
        questions_open=s.questions_open,  # type: ignore[arg-type]
        allow_anonymous=s.allow_anonymous,
        premoderate=s.premoderate,
        hosts=[PersonRef.of(u) for u in roles["host"]],
        moderators=[PersonRef.of(u) for u in roles["moderator"]],
        curators=[PersonRef.of(u) for u in roles["curator"]],
        question_count=s.question_count,
        synthesis=Link(id=thread.pk, url=absolute(thread.get_absolute_url()), title=thread.title)
        if thread
        else None,
        ics_url=absolute(reverse("live:ics", kwargs={"slug": s.community.slug, "pk": s.pk})),
        stream=streaming.stream_name(s.pk),
    )


def question_out(q: LiveQuestion, user: Any, my_votes: set[int]) -> QuestionOut:
    return QuestionOut(
        id=q.pk,
        url=absolute(q.get_absolute_url()),
        session_id=q.session_id,
        body=q.body,
        body_html=q.body_html,
        anonymous=q.is_anonymous,
        author=None if q.is_anonymous or q.author is None else PersonRef.of(q.author),
        mine=q.author_id is not None and q.author_id == user.pk,
        state=q.state,  # type: ignore[arg-type]
        pinned=q.is_pinned,
        votes=q.votes,
        my_vote=q.pk in my_votes,
        answer=q.answer,
        answer_html=q.answer_html,
        answered_at=q.answered_at,
        created_at=q.created_at,
        edited_at=q.edited_at,
        thread_url=absolute(q.thread.get_absolute_url()) if q.thread_id and q.thread else None,
    )


def note_out(n: LiveNote) -> NoteOut:
    return NoteOut(
        id=n.pk,
        url=absolute(n.get_absolute_url()),
        session_id=n.session_id,
        body=n.body,
        body_html=n.body_html,
        author=PersonRef.of(n.author) if n.author else None,
        quoted_question_id=n.quoted_id,
        created_at=n.created_at,
        edited_at=n.edited_at,
    )
