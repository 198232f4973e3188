"""Domain events: services publish named events with ids; consumers subscribe when their app starts.

Delivery happens after the surrounding transaction commits (never from signals), so a subscriber never
sees a row that is rolled back. The list of events and their payloads is in docs/events.md.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

Subscriber = Callable[[str, dict[str, Any]], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)


def subscribe(name: str, subscriber: Subscriber) -> None:
    """Register `subscriber(name, payload)` for event `name` ("*" receives every event)."""
    if subscriber not in _subscribers[name]:
        _subscribers[name].append(subscriber)


def unsubscribe(name: str, subscriber: Subscriber) -> None:
    if subscriber in _subscribers[name]:
        _subscribers[name].remove(subscriber)


def publish(name: str, **payload: Any) -> None:
    """Deliver `name` with `payload` (ids and plain values only) once the transaction commits."""
    transaction.on_commit(lambda: _deliver(name, payload))


def _deliver(name: str, payload: dict[str, Any]) -> None:
    for subscriber in [*_subscribers[name], *_subscribers["*"]]:
        try:
            subscriber(name, payload)
        except Exception:  # one broken consumer must not stop the others
            log.exception("event subscriber %r failed on %s", subscriber, name)
