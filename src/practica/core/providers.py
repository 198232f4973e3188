"""One answer an app lower down asks for and an app higher up gives, without the lower importing
the higher (DESIGN.md rule 7). The giver registers a function under a name when it starts
(`AppConfig.ready`); the asker looks it up when it needs it and does without when nobody gives it.

Names in use: "people.experts" (search.people.experts), asked by discussions for the members who
know a question's tags.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_given: dict[str, Callable[..., Any]] = {}


def give(name: str, fn: Callable[..., Any]) -> None:
    """Register `fn` as the answer to `name`; a second registration replaces the first."""
    _given[name] = fn


def get(name: str) -> Callable[..., Any] | None:
    return _given.get(name)
