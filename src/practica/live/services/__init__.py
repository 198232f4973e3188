"""Writes about live sessions. Every service checks permission through `policy`, validates before
writing, runs in one transaction, publishes its domain event after commit (`core.events`) and its
real-time event on the session's stream (`live.streaming`)."""

from practica.live.services._common import ANSWER_MAX, NOTE_MAX, QUESTION_MAX
from practica.live.services.afterwards import (
    live_session_move_to_qa,
    live_session_publish,
    live_session_synthesis_save,
    participation,
    synthesis_default,
)
from practica.live.services.notes import live_note_edit, live_note_post, quote_of
from practica.live.services.questions import (
    MODERATION,
    live_question_edit,
    live_question_moderate,
    live_question_submit,
    live_question_unvote,
    live_question_upvote,
    live_question_withdraw,
    live_questions_merge,
)
from practica.live.services.sessions import (
    live_session_end,
    live_session_schedule,
    live_session_start,
    live_session_update,
)

__all__ = [
    "ANSWER_MAX",
    "MODERATION",
    "NOTE_MAX",
    "QUESTION_MAX",
    "live_note_edit",
    "live_note_post",
    "live_question_edit",
    "live_question_moderate",
    "live_question_submit",
    "live_question_unvote",
    "live_question_upvote",
    "live_question_withdraw",
    "live_questions_merge",
    "live_session_end",
    "live_session_move_to_qa",
    "live_session_publish",
    "live_session_schedule",
    "live_session_start",
    "live_session_synthesis_save",
    "live_session_update",
    "participation",
    "quote_of",
    "synthesis_default",
]
