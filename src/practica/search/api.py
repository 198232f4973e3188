"""Search, similar questions and "who knows about this?" over HTTP (/api/v1/)."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from practica.accounts.http import AuthedHttpRequest
from practica.api.schemas import absolute
from practica.search import people, selectors
from practica.search.selectors import Result

router = Router(tags=["search"])
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ERRORS = {400: dict, 401: dict, 404: dict, 422: dict}
# The kinds of search.query.KINDS (a new source adds its kind here too).
KindLit = Literal[
    "",
    "question",
    "discussion",
    "answer",
    "comment",
    "person",
    "community",
    "live_question",
    "live_note",
]


class CommunityRef(Schema):
    id: int
    slug: str
    name: str
    url: str


class ResultOut(Schema):
    id: int = Field(description="The object's id (a question's, an answer's, a person's...).")
    url: str
    kind: str
    title: str = Field(description="For answers and comments, their question's title.")
    snippet: str = Field(description="HTML: the text escaped, matched words in <mark>.")
    community: CommunityRef | None
    score: int
    solved: bool = Field(description="A question with an accepted answer; an accepted answer.")
    answer_count: int
    date: str = Field(description="Last activity, ISO 8601.")
    by_meaning: bool = Field(
        False,
        description="Found by meaning alone, not by its words (the semantic extra; docs/search.md).",
    )


class SearchPage(Schema):
    items: list[ResultOut]
    count: int = Field(description="How many results (at most 500; see `count_is_lower_bound`).")
    count_is_lower_bound: bool
    next_cursor: str | None
    notices: list[str] = Field(description="What was ignored or changed in the query, in words.")


class SimilarPage(Schema):
    items: list[ResultOut]


class ExpertOut(Schema):
    id: int = Field(description="The person's user id.")
    url: str
    name: str
    handle: str
    team: str
    score: int = Field(
        description="3 per accepted answer, 1 per upvote (at most 10 per answer), 2 for the "
        "expertise tag, 2 per live session hosted on the topic."
    )
    accepted_answers: int
    upvotes: int
    lists_expertise: bool
    live_sessions_hosted: int
    reasons: list[str]


class ExpertPage(Schema):
    topic: str
    items: list[ExpertOut]


def result_out(r: Result) -> ResultOut:
    c = r.community
    return ResultOut(
        id=r.id,
        url=absolute(r.url),
        kind=r.kind,
        title=r.title,
        snippet=str(r.snippet),
        community=(
            CommunityRef(id=c.pk, slug=c.slug, name=c.name, url=absolute(c.get_absolute_url()))
            if c is not None
            else None
        ),
        score=r.score,
        solved=r.solved,
        answer_count=r.answer_count,
        date=r.date.isoformat(),
        by_meaning=r.by_meaning,
    )


class SearchParams(Schema):
    q: str = Field("", max_length=10_000, description="Words and the syntax in docs/search.md.")
    kind: KindLit = ""
    community: str = Field("", max_length=50, description="A community's slug.")
    tag: str = Field("", max_length=50)
    author: str = Field("", max_length=60, description="A handle, with or without @.")
    solved: bool = False
    after: date | None = Field(None, description="Created on or after this day.")
    before: date | None = Field(None, description="Created on or before this day.")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=50)

    @field_validator("after", "before", mode="before")
    @classmethod
    def _iso_day(cls, value: object) -> object:
        # pydantic would also take a number of seconds ("0") for a date; the schema says a day.
        if value is not None and not (isinstance(value, str) and _DAY.fullmatch(value)):
            raise ValueError("Give a day as YYYY-MM-DD.")
        return value


@router.get(
    "/search",
    response={200: SearchPage, **ERRORS},
    summary="Search what you may see: questions, answers, discussions, comments, people...",
)
def search(request: AuthedHttpRequest, params: Query[SearchParams]):
    if params.community:
        selectors.readable_community(user=request.user, slug=params.community)
    results = selectors.search(user=request.user, **params.dict())
    return SearchPage(
        items=[result_out(r) for r in results],
        count=results.total,
        count_is_lower_bound=results.more_than,
        next_cursor=results.next_cursor,
        notices=results.notices,
    )


@router.get(
    "/search/similar",
    response={200: SimilarPage, **ERRORS},
    summary="Up to 5 questions like a title being written (with their solved status)",
)
def search_similar(
    request: AuthedHttpRequest,
    title: str = Query("", max_length=10_000),  # type: ignore[type-arg]
    community: str = Query("", max_length=50),  # type: ignore[type-arg]
):
    where = selectors.readable_community(user=request.user, slug=community) if community else None
    found = selectors.similar(user=request.user, title=title, community=where)
    return SimilarPage(items=[result_out(r) for r in found])


@router.get(
    "/people/experts",
    response={200: ExpertPage, **ERRORS},
    summary="Who knows about a topic (a tag): people ranked by evidence, with the reasons",
)
def people_experts(
    request: AuthedHttpRequest,
    topic: str = Query(..., max_length=100),  # type: ignore[type-arg]
    community: str = Query("", max_length=50),  # type: ignore[type-arg]
):
    where = selectors.readable_community(user=request.user, slug=community) if community else None
    found = people.experts(user=request.user, topic=topic, community=where)
    return ExpertPage(
        topic=people.topic_of(topic),
        items=[
            ExpertOut(
                id=e.user.pk,
                url=absolute(e.user.get_absolute_url()),
                name=e.user.name,
                handle=e.user.handle,
                team=e.user.team,
                score=e.score,
                accepted_answers=e.accepted,
                upvotes=e.upvotes,
                lists_expertise=bool(e.claims),
                live_sessions_hosted=e.hosted,
                reasons=e.reasons,
            )
            for e in found
        ],
    )
