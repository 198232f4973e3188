"""Request and response shapes of the learning API, and how a model becomes one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.urls import reverse
from ninja import Field, Path, Schema
from pydantic import model_validator

from practica.accounts.api import PersonRef
from practica.api.schemas import ErrorOut, absolute
from practica.learning.models import Card, CardSet, JournalWeek, PracticeEntry

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Week = Annotated[str, Path(pattern=r"^\d{4}-\d{2}$", description="An ISO week, yyyy-ww.")]
VisibilityLit = Literal["private", "manager", "community"]
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {**ERRORS, 429: ErrorOut}


class SourceOut(Schema):
    kind: str
    id: int
    title: str
    url: str


class CardOut(Schema):
    id: int
    url: str
    prompt: str
    point: str
    point_html: str
    quote: str = Field(description="The quoted source text; empty when you can no longer see it.")
    source: SourceOut | None = Field(description="Null when there is none or you may not see it.")
    to_try: bool
    suspended: bool
    state: Literal["new", "learning", "review", "relearning"]
    reps: int = Field(description="Reviews so far: send it as `review_number` with the next one.")
    due: datetime
    stability: float | None
    difficulty: float | None
    last_review: datetime | None
    created_at: datetime


def card_out(card: Card) -> CardOut:
    source = getattr(card, "source", None)
    state = "new" if card.reps == 0 else {1: "learning", 2: "review", 3: "relearning"}[card.state]
    return CardOut(
        id=card.pk,
        url=absolute(card.get_absolute_url()),
        prompt=card.prompt,
        point=card.point,
        point_html=card.point_html,
        quote=card.quote if source else "",
        source=SourceOut(
            kind=source.kind, id=source.id, title=source.title, url=absolute(source.url)
        )
        if source
        else None,
        to_try=card.to_try,
        suspended=card.suspended_at is not None,
        state=state,  # type: ignore[arg-type]
        reps=card.reps,
        due=card.due,
        stability=card.stability,
        difficulty=card.difficulty,
        last_review=card.last_review,
        created_at=card.created_at,
    )


class CardPage(Schema):
    items: list[CardOut]


class CardIn(Schema):
    prompt: str = Field(max_length=1000)
    point: str = Field(max_length=10_000)
    source_kind: str = Field("", max_length=20, description="thread, answer or comment")
    source_id: int | None = Field(None, ge=1, le=2**31 - 1)
    quote: str = Field("", max_length=10_000)
    to_try: bool = False


class CardPatch(Schema):
    prompt: str | None = Field(None, max_length=1000)
    point: str | None = Field(None, max_length=10_000)
    to_try: bool | None = None
    suspended: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        raw = getattr(data, "_obj", data)
        if not isinstance(raw, dict):
            raise ValueError("Send a JSON object with the fields to change.")
        return data


class DueOut(Schema):
    count: int
    reviews: int = Field(description="Cards seen before and due by the end of your day.")
    new: int = Field(description="New cards you may start today (your daily limit applied).")
    day_ends_at: datetime
    cards: list[CardOut]


class ReviewIn(Schema):
    rating: int = Field(ge=1, le=4, description="1 Again, 2 Hard, 3 Good, 4 Easy.")
    review_number: int | None = Field(
        None,
        ge=0,
        le=2**31 - 1,
        description="The card's `reps` you saw: a retried review is refused (409), not counted twice.",
    )
    duration_ms: int | None = Field(None, ge=0, le=3_600_000)


class SetCardIn(Schema):
    prompt: str = Field(max_length=1000)
    point: str = Field(max_length=10_000)


class SetCardOut(Schema):
    prompt: str
    point: str
    point_html: str


class CardSetIn(Schema):
    title: str = Field(max_length=400)
    description: str = Field("", max_length=2000)
    cards: list[SetCardIn] = Field(max_length=200)


class CardSetOut(Schema):
    id: int
    url: str
    community: str
    title: str
    description: str
    author: PersonRef | None
    cards: list[SetCardOut]
    created_at: datetime


def card_set_out(card_set: CardSet, items: list | None = None) -> CardSetOut:
    items = items if items is not None else list(card_set.items.all())
    return CardSetOut(
        id=card_set.pk,
        url=absolute(card_set.get_absolute_url()),
        community=card_set.community.slug,
        title=card_set.title,
        description=card_set.description,
        author=PersonRef.of(card_set.author) if card_set.author else None,
        cards=[SetCardOut(prompt=i.prompt, point=i.point, point_html=i.point_html) for i in items],
        created_at=card_set.created_at,
    )


class CardSetPage(Schema):
    items: list[CardSetOut]


class AdoptOut(Schema):
    added: int
    card_set: CardSetOut


class PracticeIn(Schema):
    tried: str = Field(max_length=1000)
    happened: str = Field("", max_length=10_000)
    visibility: VisibilityLit = "private"
    community: str | None = Field(None, max_length=50, description="Slug, to share with it.")
    card_id: int | None = Field(None, ge=1, le=2**31 - 1)


class PracticeOut(Schema):
    id: int
    url: str
    tried: str
    happened: str
    happened_html: str
    visibility: VisibilityLit
    community: str | None
    thread_url: str | None
    card_id: int | None
    created_at: datetime


def practice_out(entry: PracticeEntry) -> PracticeOut:
    thread_url = None
    if entry.thread_id and entry.community:
        thread_url = absolute(
            reverse(
                "discussions:thread", kwargs={"slug": entry.community.slug, "pk": entry.thread_id}
            )
        )
    return PracticeOut(
        id=entry.pk,
        url=absolute(reverse("learning:practice")) + f"#practice-{entry.pk}",
        tried=entry.tried,
        happened=entry.happened,
        happened_html=entry.happened_html,
        visibility=entry.visibility,  # type: ignore[arg-type]
        community=entry.community.slug if entry.community else None,
        thread_url=thread_url,
        card_id=entry.card_id,
        created_at=entry.created_at,
    )


class PracticePage(Schema):
    items: list[PracticeOut]


class JournalIn(Schema):
    body: str = Field(max_length=50_000)


class ReplyOut(Schema):
    id: int
    author: PersonRef | None
    body: str
    body_html: str
    created_at: datetime


class JournalOut(Schema):
    id: int | None = Field(description="Null until the journal of that week is saved.")
    url: str
    week: str
    body: str = Field(description="The saved text, or a first draft from the week.")
    body_html: str
    saved: bool
    sent_at: datetime | None
    sent_to: PersonRef | None
    person: PersonRef
    replies: list[ReplyOut]


def journal_out(journal: JournalWeek, *, report: bool = False) -> JournalOut:
    return JournalOut(
        id=journal.pk,
        url=absolute(journal.get_report_url() if report else journal.get_absolute_url()),
        week=journal.week,
        body=journal.body,
        body_html=journal.body_html,
        saved=True,
        sent_at=journal.sent_at,
        sent_to=PersonRef.of(journal.sent_to) if journal.sent_to else None,
        person=PersonRef.of(journal.user),
        replies=[
            ReplyOut(
                id=r.pk,
                author=PersonRef.of(r.author) if r.author else None,
                body=r.body,
                body_html=r.body_html,
                created_at=r.created_at,
            )
            for r in journal.replies.all()
        ],
    )


class JournalPage(Schema):
    items: list[JournalOut]
