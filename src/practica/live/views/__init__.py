"""Live pages: lists, scheduling, the session page and its actions, the presenter view, notes,
the synthesis and calendars. Each view parses input, calls a selector or a service, and renders.
Without JavaScript every form posts and redirects with a message; with htmx the questions and
notes swap as fragments of the same page, and `static/practica/live.js` applies stream events."""

from practica.live.views.afterwards import move_to_qa, note_create, note_edit, synthesis
from practica.live.views.lists import (
    community_list,
    edit,
    feed,
    index,
    join,
    schedule,
    session_ics,
)
from practica.live.views.questions import ask, merge, moderate, vote, withdraw
from practica.live.views.questions import edit as question_edit
from practica.live.views.session import detail, end, present, start

__all__ = [
    "ask",
    "community_list",
    "detail",
    "edit",
    "end",
    "feed",
    "index",
    "join",
    "merge",
    "moderate",
    "move_to_qa",
    "note_create",
    "note_edit",
    "present",
    "question_edit",
    "schedule",
    "session_ics",
    "start",
    "synthesis",
    "vote",
    "withdraw",
]
