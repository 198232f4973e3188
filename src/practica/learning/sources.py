"""Where a takeaway card comes from: a registry of source kinds, so that content apps are looked up
by a kind and an id (`"answer", 42`) without the card knowing their models. The discussions kinds
and live session notes (`live_note`) are registered here; a later app (live notes, articles, resources) registers its own with
`register(SourceKind(...))` from its `AppConfig.ready`.

`attach(user, cards)` loads every card's source in one query per kind and sets `card.source` to a
`Source` the person may see now, or None: a card made from content they may no longer see keeps
their own words (prompt and point) but shows neither the quote nor the link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from practica.communities import policy
from practica.core.markdown import to_text


@dataclass(frozen=True)
class SourceKind:
    name: str  # "answer"
    label: str  # "an answer"
    load: Callable[[list[int]], dict[int, Any]]  # ids -> objects, in one query
    visible: Callable[[Any, Any], bool]  # (user, obj): may the person see it now?
    title: Callable[[Any], str]  # what the prompt is pre-filled with
    text: Callable[[Any], str]  # the markdown quoted on the card
    url: Callable[[Any], str]


@dataclass(frozen=True)
class Source:
    kind: str
    id: int
    label: str
    title: str
    url: str


_kinds: dict[str, SourceKind] = {}


def register(kind: SourceKind) -> None:
    _kinds[kind.name] = kind


def kinds() -> dict[str, SourceKind]:
    return dict(_kinds)


def get(*, user: Any, kind: str, pk: int) -> tuple[SourceKind, Any] | None:
    """The source `kind`/`pk` when it exists and `user` may see it, else None."""
    found = _kinds.get(kind)
    if found is None:
        return None
    obj = found.load([pk]).get(pk)
    if obj is None or not found.visible(user, obj):
        return None
    return found, obj


def describe(kind: SourceKind, obj: Any) -> Source:
    return Source(kind.name, obj.pk, kind.label, kind.title(obj), kind.url(obj))


def attach(user: Any, cards: Iterable[Any]) -> None:
    """Set `card.source` (a Source or None) on each card, one query per kind of source."""
    cards = list(cards)
    wanted: dict[str, set[int]] = defaultdict(set)
    for card in cards:
        card.source = None
        if card.source_kind in _kinds and card.source_id:
            wanted[card.source_kind].add(card.source_id)
    loaded = {name: _kinds[name].load(sorted(ids)) for name, ids in wanted.items()}
    for card in cards:
        obj = loaded.get(card.source_kind, {}).get(card.source_id)
        if obj is not None and _kinds[card.source_kind].visible(user, obj):
            card.source = describe(_kinds[card.source_kind], obj)


# --- The discussions kinds ------------------------------------------------------------------------


def _threads(ids: list[int]) -> dict[int, Any]:
    from practica.discussions.models import Thread

    return Thread.objects.select_related("community").in_bulk(ids)


def _answers(ids: list[int]) -> dict[int, Any]:
    from practica.discussions.models import Answer

    return Answer.objects.select_related("thread__community").in_bulk(ids)


def _comments(ids: list[int]) -> dict[int, Any]:
    from practica.discussions.models import Comment

    return Comment.objects.select_related("thread__community").in_bulk(ids)


def _shorten(text: str, limit: int = 300) -> str:
    return to_text(text, limit)


register(
    SourceKind(
        name="thread",
        label="a thread",
        load=_threads,
        visible=lambda user, t: policy.can(user, "thread.view", t) and t.deleted_at is None,
        title=lambda t: t.title,
        text=lambda t: t.body,
        url=lambda t: t.get_absolute_url(),
    )
)
register(
    SourceKind(
        name="answer",
        label="an answer",
        load=_answers,
        visible=lambda user, a: policy.can(user, "answer.view", a) and a.deleted_at is None,
        title=lambda a: a.thread.title,
        text=lambda a: a.body,
        url=lambda a: a.get_absolute_url(),
    )
)
register(
    SourceKind(
        name="comment",
        label="a comment",
        load=_comments,
        visible=lambda user, c: policy.can(user, "comment.view", c) and c.deleted_at is None,
        title=lambda c: _shorten(c.body, 200),
        text=lambda c: c.body,
        url=lambda c: c.get_absolute_url(),
    )
)


# --- The live sessions kind -----------------------------------------------------------------------


def _live_notes(ids: list[int]) -> dict[int, Any]:
    from practica.live.models import LiveNote

    return LiveNote.objects.select_related("session__community").in_bulk(ids)


register(
    SourceKind(
        name="live_note",
        label="a live session note",
        load=_live_notes,
        visible=lambda user, n: policy.can(user, "live.view", n.session),
        title=lambda n: _shorten(n.body, 200),
        text=lambda n: n.body,
        url=lambda n: n.get_absolute_url(),
    )
)
