"""Request and response shapes of the live sessions API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Path, Schema

from practica.accounts.api import PersonRef
from practica.api.schemas import ErrorOut
from practica.discussions.api.schemas import Patch
from practica.live import services

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
WhenLit = Literal["upcoming", "live", "past"]
SortLit = Literal["votes", "recent"]
StatusLit = Literal["scheduled", "live", "ended"]
OpenLit = Literal["scheduled", "live"]
StateLit = Literal[
    "pending", "approved", "answered", "dismissed", "hidden", "archived", "withdrawn", "merged"
]
ActionLit = Literal["approve", "dismiss", "hide", "restore", "pin", "unpin", "answer", "archive"]

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {**ERRORS, 429: ErrorOut}


class Link(Schema):
    id: int
    url: str
    title: str


class SessionOut(Schema):
    id: int
    url: str
    community: str = Field(description="The community's slug.")
    title: str
    description: str = Field(description="Markdown, as written.")
    description_html: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str = Field(description="The IANA time zone the session was planned in.")
    status: StatusLit = Field(
        description="By the host's Start and End and by the clock: past its end a session has "
        "ended even if nobody pressed End."
    )
    meeting_url: str
    questions_open: OpenLit = Field(
        description="scheduled: from scheduling until the end; live: only while live."
    )
    allow_anonymous: bool
    premoderate: bool
    hosts: list[PersonRef]
    moderators: list[PersonRef]
    curators: list[PersonRef]
    question_count: int
    synthesis: Link | None = Field(description="The published synthesis discussion.")
    ics_url: str
    stream: str = Field(description="The name of the session's real-time event stream.")


class SessionPage(Schema):
    items: list[SessionOut]
    next_cursor: str | None


PEOPLE = "Members of the community, by user id."


class SessionIn(Schema):
    title: str = Field(max_length=300)
    description: str = Field("", max_length=12_000, description="Markdown.")
    starts_at: datetime = Field(description="With an offset; without one, read in time_zone.")
    ends_at: datetime
    time_zone: str = Field("UTC", max_length=64, description="IANA name, e.g. Europe/Paris.")
    meeting_url: str = Field("", max_length=600)
    hosts: list[int] = Field(default_factory=list, description=PEOPLE + " Default: you.")
    moderators: list[int] = Field(default_factory=list, description=PEOPLE)
    curators: list[int] = Field(default_factory=list, description=PEOPLE + " Default: you.")
    questions_open: OpenLit = "scheduled"
    allow_anonymous: bool = False
    premoderate: bool = False


class SessionPatch(Patch):
    title: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=12_000)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    time_zone: str | None = Field(None, max_length=64)
    meeting_url: str | None = Field(None, max_length=600)
    hosts: list[int] | None = None
    moderators: list[int] | None = None
    curators: list[int] | None = None
    questions_open: OpenLit | None = None
    allow_anonymous: bool | None = None
    premoderate: bool | None = None


class QuestionOut(Schema):
    id: int
    url: str
    session_id: int
    body: str
    body_html: str
    anonymous: bool
    author: PersonRef | None = Field(
        description="Null for an anonymous question: its author is never shown, to anyone."
    )
    mine: bool = Field(description="Whether you asked it.")
    state: StateLit
    pinned: bool = Field(description="The question being answered now.")
    votes: int
    my_vote: bool
    answer: str
    answer_html: str
    answered_at: datetime | None
    created_at: datetime
    edited_at: datetime | None
    thread_url: str | None = Field(description="The community question it became (move to Q&A).")


class QuestionPage(Schema):
    items: list[QuestionOut]
    next_cursor: str | None


class QuestionIn(Schema):
    body: str = Field(max_length=2_000, description=f"At most {services.QUESTION_MAX} characters.")
    anonymous: bool = Field(False, description="Only where the session allows it.")


class QuestionPatch(Patch):
    body: str | None = Field(
        None, max_length=2_000, description="A new text (author or moderator)."
    )
    action: ActionLit | None = Field(None, description="A moderation action (moderators).")
    answer: str = Field("", max_length=5_000, description="With action=answer: a short answer.")


class VoteOut(Schema):
    id: int = Field(description="The question's id.")
    url: str
    votes: int
    my_vote: bool


class MergeIn(Schema):
    target: int = Field(ge=1, le=2**31 - 1, description="The question that stays.")
    sources: list[int] = Field(min_length=1, description="Duplicates merged into it.")


class NoteOut(Schema):
    id: int
    url: str
    session_id: int
    body: str
    body_html: str
    author: PersonRef | None
    quoted_question_id: int | None
    created_at: datetime
    edited_at: datetime | None


class NotePage(Schema):
    items: list[NoteOut]
    next_cursor: str | None


class NoteIn(Schema):
    body: str = Field(max_length=12_000, description="Markdown.")
    quoted_question_id: int | None = Field(None, ge=1, le=2**31 - 1)


class PublishIn(Schema):
    title: str = Field("", max_length=200, description="Default: “Synthesis: <session title>”.")
    body: str | None = Field(
        None,
        max_length=40_000,
        description="Markdown. Default: the saved draft, or one made from "
        "the notes, the answered questions and the participation figures.",
    )


class MovedOut(Schema):
    moved: int = Field(description="How many questions became community questions.")
    questions: list[QuestionOut]
