"""The persisted side of event streams: seq numbers, the retained log, catch-up reads.

Seqs come from one `StreamCounter` row per stream, moved with an `F()` update inside the
publishing transaction. The update locks the row until the transaction ends (PostgreSQL row lock;
SQLite's one writer at a time), so concurrent publishers get consecutive seqs and commit in seq
order: once seq n is committed, every seq below n on that stream is committed too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from practica.core.models import StreamCounter, StreamEvent

# "<prefix>:<key>": the prefix names the authorizer; the key (which may hold colons) is its own.
STREAM_RE = re.compile(
    r"^(?P<prefix>[a-z][a-z0-9_-]{0,31}):(?P<key>[A-Za-z0-9_-][A-Za-z0-9_:-]{0,63})$"
)
RETAIN_EVENTS = 10_000  # per stream: a client further behind than this gets a reset
RETAIN_FOR = timedelta(hours=24)  # ... and so does one whose last event is older than this
PRUNE_EVERY = 200  # seqs between two prunes of a stream
BACKLOG_LIMIT = RETAIN_EVENTS
COALESCED = frozenset({"question.votes"})  # only the latest per data["id"] matters


@dataclass(frozen=True)
class Event:
    seq: int
    event: str
    data: dict[str, Any]

    def message(self) -> dict[str, Any]:
        return {"seq": self.seq, "event": self.event, "data": self.data}


def split(stream: str) -> tuple[str, str]:
    """(prefix, key) of a well-formed stream name; ValueError otherwise."""
    match = STREAM_RE.match(stream)
    if match is None:
        raise ValueError(f"not a stream name: {stream!r}")
    return match["prefix"], match["key"]


def append(stream: str, event: str, data: dict[str, Any]) -> Event:
    """Give `event` the stream's next seq and store it, in the caller's transaction (or its own)."""
    split(stream)
    with transaction.atomic(savepoint=False):  # inside the service's transaction: no savepoint
        if not StreamCounter.objects.filter(stream=stream).update(seq=F("seq") + 1):
            try:
                with transaction.atomic():  # a savepoint: another publisher may create it first
                    StreamCounter.objects.create(stream=stream, seq=1)
            except IntegrityError:
                StreamCounter.objects.filter(stream=stream).update(seq=F("seq") + 1)
        seq = StreamCounter.objects.values_list("seq", flat=True).get(stream=stream)
        StreamEvent.objects.create(stream=stream, seq=seq, event=event, data=data)
        if seq % PRUNE_EVERY == 0:
            prune(stream, seq)
    return Event(seq, event, data)


def prune(stream: str, seq: int) -> int:
    """Forget the stream's events more than RETAIN_EVENTS behind `seq`, and every stream's events
    older than RETAIN_FOR (so a stream nobody publishes on any more does not keep its log)."""
    deleted, _ = StreamEvent.objects.filter(stream=stream, seq__lte=seq - RETAIN_EVENTS).delete()
    more, _ = StreamEvent.objects.filter(created_at__lt=timezone.now() - RETAIN_FOR).delete()
    return deleted + more


def current_seq(stream: str) -> int:
    """The seq of the stream's latest event (0 before the first)."""
    seq = StreamCounter.objects.filter(stream=stream).values_list("seq", flat=True).first()
    return int(seq or 0)


@dataclass(frozen=True)
class Backlog:
    current: int  # the stream's seq when it was read
    events: list[Event]  # every event after `after`, in seq order, votes coalesced
    reset: bool  # `after` is older than the retained log (or ahead of it): reload instead


def backlog(stream: str, after: int | None) -> Backlog:
    """What a client that has seen up to `after` missed (None: nothing, it starts from now)."""
    current = current_seq(stream)
    if after is None:
        return Backlog(current, [], reset=False)
    if after > current:
        return Backlog(current, [], reset=True)
    if after == current:
        return Backlog(current, [], reset=False)
    rows = list(
        StreamEvent.objects.filter(stream=stream, seq__gt=after, seq__lte=current)
        .order_by("seq")
        .values_list("seq", "event", "data")[:BACKLOG_LIMIT]
    )
    if not rows or rows[0][0] != after + 1 or len(rows) != current - after:
        return Backlog(current, [], reset=True)
    return Backlog(current, coalesce([Event(*row) for row in rows]), reset=False)


def between(stream: str, after: int, upto: int) -> list[Event]:
    """Stored events with after < seq <= upto, in order (to fill a gap in live delivery)."""
    rows = (
        StreamEvent.objects.filter(stream=stream, seq__gt=after, seq__lte=upto)
        .order_by("seq")
        .values_list("seq", "event", "data")
    )
    return [Event(*row) for row in rows]


def coalesce(events: list[Event]) -> list[Event]:
    """`events` without the vote counts that a later event in the list replaces."""
    latest: dict[tuple[str, Any], int] = {}
    for e in events:
        if e.event in COALESCED:
            latest[(e.event, e.data.get("id"))] = e.seq
    return [
        e
        for e in events
        if e.event not in COALESCED or latest[(e.event, e.data.get("id"))] == e.seq
    ]
