"""Event streams: ordered, resumable, permission-checked real-time events for clients.

A service publishes `publish("live:12", "question.asked", {...})` inside its transaction. The event
gets the stream's next `seq` and is stored; once the transaction commits it goes to every process
following the stream (in-process, or through the Redis channel layer) and from there to each
WebSocket connected at `/ws/streams/<stream>/` (core/consumers.py). A client that reconnects with
`?after=<seq>` gets what it missed from the stored log, in order, without duplicates. The wire
format is documented for API clients in docs/streams.md.

Stream names are "<prefix>:<key>"; the app that owns a prefix registers who may follow its
streams with `register_authorizer(prefix, fn)`. Permission is checked when a client connects and
again when a membership ends or a community changes (see `_recheck_on` below).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from practica.core import events
from practica.core.streams import hub, store
from practica.core.streams.authz import authorized, register_authorizer
from practica.core.streams.store import COALESCED, STREAM_RE, Event, split

__all__ = [
    "COALESCED",
    "STREAM_RE",
    "Event",
    "authorized",
    "current_seq",
    "publish",
    "register_authorizer",
    "split",
]

log = logging.getLogger(__name__)


def publish(stream: str, event: str, data: dict[str, Any]) -> None:
    """Append `event` with `data` (plain JSON values) to `stream` and, once the surrounding
    transaction commits (at once outside one), send it to everyone following the stream.

    Seqs on a stream are consecutive and follow commit order, on SQLite and PostgreSQL alike.
    `question.votes` events ({"id", "votes"}) may be coalesced: a client may skip an older count
    of a question but always ends with its latest."""
    appended = store.append(stream, event, data)
    transaction.on_commit(lambda: _broadcast(stream, appended))


def current_seq(stream: str) -> int:
    """The seq of the stream's latest event (0 before the first): render it in the page, and the
    client asks for what comes after it."""
    return store.current_seq(stream)


def _broadcast(stream: str, event: Event) -> None:
    try:
        hub.broadcast(stream, event)
    except Exception:  # the event is stored: clients catch up on their next event or reconnect
        log.exception("stream %s: sending seq %s failed", stream, event.seq)


def _recheck_on(name: str, payload: dict[str, Any]) -> None:
    """A membership ended or changed role, or a community changed (its visibility, say): close the sockets whose
    user may no longer follow their stream. A member's event re-checks that person's sockets; a
    community's, everyone's."""
    user_id = payload.get("user_id") if name.startswith("member.") else None
    try:
        hub.request_recheck(user_id)
    except Exception:
        log.exception("streams: asking for a permission re-check failed")


for _name in ("member.removed", "member.left", "member.role_changed", "community.updated"):
    events.subscribe(_name, _recheck_on)
