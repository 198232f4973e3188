"""What each kind of searchable thing looks like in the index: a registry of sources.

Search is a consumer (DESIGN.md rule 7): it imports the content apps, never the other way round. A
source names the model it reads, the kinds of document it makes, who may see them (`scope`), how to
build documents for a batch of ids, and how to link to a document. A new content app's kind is one
`register(Source(...))` in a module here (e.g. `sources/live.py`, loaded by `load_builtin`) plus the
events that change it in `upkeep.EVENTS`.

Scopes (decided by `communities.policy`, see `search.selectors`):
  content    readable by who may read the document's community (`policy.readable_community_ids`)
  community  the community itself: by who may know it exists (`policy.viewable_community_ids`)
  site       any signed-in person (people)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

SCOPES = ("content", "community", "site")


@dataclass
class Doc:
    """The fields of one SearchDocument, as a source builds them."""

    kind: str
    title: str
    body: str
    created_at: datetime
    last_activity_at: datetime
    community_id: int | None = None
    thread_id: int | None = None
    author_id: int | None = None
    heading: str = ""
    tags: Iterable[str] = ()
    solved: bool = False
    score: int = 0
    answer_count: int = 0
    boost: float = 0.0
    deleted: bool = False


@dataclass(frozen=True)
class Source:
    name: str  # the `source` column; refs are (name, object id)
    kinds: tuple[str, ...]  # the `kind`s of its documents
    scope: str  # content | community | site
    build: Callable[[list[int]], dict[int, Doc]]  # ids -> documents (missing: no longer exists)
    all_ids: Callable[[], Iterator[int]]  # every id, for a full reindex
    urls: Callable[[list[Any], dict[int, str]], dict[int, str]]  # (docs, slugs) -> {doc pk: url}
    related: Callable[[int], list[tuple[str, int]]] = lambda pk: []  # refs to reindex with it


_sources: dict[str, Source] = {}


def register(source: Source) -> None:
    if source.scope not in SCOPES:
        raise ValueError(f"unknown scope {source.scope!r}")
    _sources[source.name] = source


def get(name: str) -> Source:
    return _sources[name]


def all_sources() -> list[Source]:
    return list(_sources.values())


def kinds() -> dict[str, Source]:
    """Every document kind -> the source that makes it."""
    return {kind: s for s in _sources.values() for kind in s.kinds}


def kinds_in_scope(scope: str) -> list[str]:
    return [k for s in _sources.values() if s.scope == scope for k in s.kinds]


BUILTIN = ("discussions", "people", "communities", "live")


def load_builtin() -> None:
    for module in BUILTIN:
        importlib.import_module(f"practica.search.sources.{module}")
