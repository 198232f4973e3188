"""Request and response shapes of the discussions API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Path, Schema
from pydantic import model_validator

from practica.accounts.api import PersonRef
from practica.api.schemas import ErrorOut
from practica.discussions import services

KindLit = Literal["question", "discussion"]
StatusLit = Literal["all", "unanswered", "solved", "open"]
SortLit = Literal["latest", "new", "top"]
PeriodLit = Literal["week", "month", "all"]
EmojiLit = Literal["thumbsup", "heart", "tada", "bulb", "eyes", "thinking"]  # Reaction.EMOJI
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {**ERRORS, 429: ErrorOut}

REASON = "Why it changed; shown in the revisions."
BODY = f"Markdown, at most {services.BODY_MAX:,} characters."


class Patch(Schema):
    """A partial update: only the fields sent change. The body must be a JSON object."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        raw = getattr(data, "_obj", data)  # ninja wraps the request data in a DjangoGetter
        if not isinstance(raw, dict):
            raise ValueError("Send a JSON object with the fields to change.")
        return data


class ThreadOut(Schema):
    id: int
    url: str
    community: str = Field(description="The community's slug.")
    kind: KindLit
    title: str
    body: str = Field(description="Markdown, as written.")
    body_html: str = Field(description="The body rendered and sanitised, as the page shows it.")
    tags: list[str]
    author: PersonRef | None
    score: int = Field(description="Upvotes minus downvotes (questions; discussions have 0).")
    my_vote: Literal[1, -1] | None
    answer_count: int
    comment_count: int
    is_solved: bool
    accepted_answer_id: int | None
    is_wiki: bool
    created_at: datetime
    last_activity_at: datetime
    edited_at: datetime | None


class ThreadPage(Schema):
    items: list[ThreadOut]
    next_cursor: str | None


class ThreadIn(Schema):
    kind: KindLit = "question"
    title: str = Field(max_length=500, description="The question or topic in one line.")
    body: str = Field(description=BODY)
    tags: list[str] = Field(default_factory=list, description="At most 5; normalised.")


class ThreadPatch(Patch):
    title: str | None = Field(None, max_length=500)
    body: str | None = Field(None, description=BODY)
    tags: list[str] | None = None
    reason: str = Field("", description=REASON)


class AnswerOut(Schema):
    id: int
    url: str
    thread_id: int
    body: str
    body_html: str
    author: PersonRef | None
    score: int
    my_vote: Literal[1, -1] | None
    is_accepted: bool
    created_at: datetime
    edited_at: datetime | None


class AnswerPage(Schema):
    items: list[AnswerOut]
    next_cursor: str | None = Field(description="Always null: every answer is on one page.")


class AnswerIn(Schema):
    body: str = Field(description=BODY)


class AnswerPatch(Patch):
    body: str | None = Field(None, description=BODY)
    reason: str = Field("", description=REASON)


class CommentOut(Schema):
    id: int
    url: str
    thread_id: int
    answer_id: int | None
    parent_id: int | None = Field(description="Set on a reply: the comment it answers.")
    body: str
    body_html: str
    author: PersonRef | None
    created_at: datetime


class CommentPage(Schema):
    items: list[CommentOut]
    next_cursor: str | None = Field(description="Always null: every comment is on one page.")


class CommentIn(Schema):
    body: str = Field(description=f"Markdown, at most {services.COMMENT_MAX:,} characters.")
    parent_id: int | None = Field(None, description="Reply to this comment (one level deep).")


class VoteIn(Schema):
    value: Literal[1, -1]


class VoteOut(Schema):
    id: int = Field(description="The question's or answer's id.")
    url: str
    score: int
    my_vote: Literal[1, -1] | None


class RevisionOut(Schema):
    id: int
    url: str = Field(description="The revisions page.")
    number: int
    author: PersonRef | None
    title: str
    body: str
    tags: list[str]
    reason: str
    created_at: datetime


class RevisionPage(Schema):
    items: list[RevisionOut]
    next_cursor: str | None = Field(description="Always null: newest first, all on one page.")


class TagOut(Schema):
    id: int
    url: str
    name: str
    description: str
    thread_count: int


class TagPage(Schema):
    items: list[TagOut]
    next_cursor: str | None = Field(description="Always null.")


class ExpertOut(Schema):
    id: int = Field(description="The person's user id.")
    url: str
    name: str
    handle: str
    score: int = Field(description="Evidence: 3 per accepted answer, 1 per upvote, 2 if claimed.")
    reasons: list[str]


class ExpertPage(Schema):
    items: list[ExpertOut]
    next_cursor: str | None = Field(description="Always null.")


class AskIn(Schema):
    user_ids: list[int] = Field(min_length=1, max_length=services.MAX_ASKED)


class AskOut(Schema):
    id: int
    url: str = Field(description="The question's page.")
    user: PersonRef
    asked_by: PersonRef
    created_at: datetime


class AskPage(Schema):
    items: list[AskOut] = Field(description="The people newly asked (already asked: left out).")
    next_cursor: str | None = Field(description="Always null.")


class ReactionIn(Schema):
    emoji: EmojiLit


class ReactionOut(Schema):
    id: int = Field(description="The thread's id.")
    url: str
    emoji: str
    reacted: bool = Field(description="True when the reaction is now there.")


class FollowOut(Schema):
    id: int = Field(description="The thread's id.")
    url: str
    following: bool


class ImageOut(Schema):
    id: int
    url: str = Field(description="Where the re-encoded image is served (signed-in viewers).")
    markdown: str = Field(description="Paste this into a post's body.")
