"""Sending one stream's events to this process's connections.

A `Fanout` receives the stream's events (from the process's one subscription to the stream),
puts them back in seq order (filling a gap from the database), coalesces vote counts over a short
window, encodes what it flushes once (several events in one "batch" frame) and hands the frame to
every local `Subscriber`. A subscriber
writes straight into its connection's ASGI `send` and never lets one slow client hold up the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from channels.db import database_sync_to_async

from practica.core.streams import store
from practica.core.streams.store import COALESCED, Event

log = logging.getLogger(__name__)

COALESCE_WINDOW = 0.1  # seconds: vote counts go out at most this often per stream ...
FLUSH_SHARE = 3  # ... and at most every 3 times as long as the last flush took, so that writing to
# thousands of sockets never takes more than a third of the event loop (pages, pings, new sockets)
GAP_WAIT = 0.25  # seconds to wait for a missing seq before reading it from the database
SLOW_QUEUE = 500  # frames waiting for a slow client before it is disconnected


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def batch(events: list[Event]) -> str:
    """One frame for `events`: the event itself when alone, else a "batch" message (its seq is
    the last one's) whose data.events are the messages in seq order."""
    if len(events) == 1:
        return encode(events[0].message())
    messages = [e.message() for e in events]
    return encode({"seq": events[-1].seq, "event": "batch", "data": {"events": messages}})


class Frame:
    """Events flushed together, encoded once for every subscriber."""

    __slots__ = ("events", "first", "last", "text")

    def __init__(self, events: list[Event]) -> None:
        self.events = events
        self.first, self.last = events[0].seq, events[-1].seq
        self.text = batch(events)

    def after(self, seq: int) -> str | None:
        """The text for a subscriber that has seen up to `seq` (None: nothing new for it)."""
        if seq < self.first:
            return self.text
        if seq >= self.last:
            return None
        return batch([e for e in self.events if e.seq > seq])  # rare: a socket just joining


class Subscriber:
    """One WebSocket connection following one stream.

    Until `live` it buffers what the fan-out gives it, while its consumer sends the hello and the
    backlog; after that the fan-out writes to it directly. `last` is the highest seq sent, so no
    seq goes out twice."""

    __slots__ = ("_queue", "_slow", "buffer", "close", "last", "send", "user_id")

    def __init__(
        self,
        send: Callable[[dict[str, Any]], Awaitable[None]],
        user_id: int | None,
        close: Callable[[int], None],
    ) -> None:
        self.send = send
        self.user_id = user_id
        self.close = close
        self.last = 0
        self.buffer: list[Frame] | None = []
        self._slow: asyncio.Task[None] | None = None
        self._queue: deque[dict[str, Any]] = deque()

    def push(self, frame: Frame) -> None:
        if self.buffer is not None:
            self.buffer.append(frame)
            return
        text = frame.after(self.last)
        if text is not None:
            self.last = frame.last
            self.write(text)

    def write(self, text: str) -> None:
        """Send `text` now if the connection takes it without waiting (nearly always), else queue
        it behind a task that waits for this connection alone."""
        message = {"type": "websocket.send", "text": text}
        if self._slow is not None:
            if len(self._queue) >= SLOW_QUEUE:
                self.close(4408)
                return
            self._queue.append(message)
            return
        coro = self.send(message)
        try:
            waiting = coro.send(None)  # type: ignore[attr-defined]
        except StopIteration:
            return
        except Exception:  # the connection is gone; its consumer cleans up on disconnect
            coro.close()  # type: ignore[attr-defined]
            return
        self._slow = asyncio.ensure_future(self._finish(coro, waiting))

    async def _finish(self, coro: Any, waiting: Any) -> None:
        try:
            while True:
                if waiting is None:  # a bare `yield` (asyncio.sleep(0))
                    await asyncio.sleep(0)
                else:
                    with contextlib.suppress(Exception):  # the coroutine sees it below
                        await waiting
                try:
                    waiting = coro.send(None)
                except StopIteration:
                    break
            while self._queue:
                await self.send(self._queue.popleft())
        except Exception:
            self._queue.clear()
        finally:
            self._slow = None

    def drain(self) -> Iterator[str]:
        """The buffered frames not yet sent, then live: the consumer sends what this yields."""
        while self.buffer:
            frames, self.buffer = self.buffer, []
            for frame in frames:
                text = frame.after(self.last)
                if text is not None:
                    self.last = frame.last
                    yield text
        self.buffer = None


class Fanout:
    """One stream's events and presence for this process's subscribers."""

    def __init__(self, stream: str, on_presence: Callable[[Fanout], None]) -> None:
        self.stream = stream
        self.subscribers: set[Subscriber] = set()
        self.people: Counter[int | None] = Counter()
        self.last_seq: int | None = None  # highest seq released in order; None until started
        self.presence = 0  # people following the stream in every process, as last pushed
        self.others = 0  # people following it through other processes (Redis), as last read
        self._early: list[Event] = []
        self._waiting: dict[int, Event] = {}
        self._pending: list[Event] = []
        self._flush_at: asyncio.TimerHandle | None = None
        self._last_flush = 0.0
        self._window = COALESCE_WINDOW
        self._gap: asyncio.Task[None] | None = None
        self._on_presence = on_presence
        self.started = asyncio.get_running_loop().create_future()

    @property
    def local_people(self) -> int:
        return len(self.people)

    def start(self, current: int) -> None:
        """Start releasing events after `current`, the stream's seq read once subscribed."""
        self.last_seq = current
        early, self._early = self._early, []
        for event in early:
            self.receive(event)
        if not self.started.done():
            self.started.set_result(None)

    def add(self, sub: Subscriber) -> None:
        self.subscribers.add(sub)
        self.people[sub.user_id] += 1
        if self.people[sub.user_id] == 1:
            self._on_presence(self)

    def remove(self, sub: Subscriber) -> None:
        if sub not in self.subscribers:
            return
        self.subscribers.discard(sub)
        self.people[sub.user_id] -= 1
        if self.people[sub.user_id] <= 0:
            del self.people[sub.user_id]
            self._on_presence(self)

    def receive(self, event: Event) -> None:
        """An event from the stream's subscription, in any order, maybe twice."""
        if self.last_seq is None:
            self._early.append(event)
            return
        if event.seq <= self.last_seq:
            return
        self._waiting[event.seq] = event
        released = []
        while self.last_seq + 1 in self._waiting:
            self.last_seq += 1
            released.append(self._waiting.pop(self.last_seq))
        if released:
            self._queue(released)
        if self._waiting and self._gap is None:
            self._gap = asyncio.ensure_future(self._fill_gap())

    async def _fill_gap(self) -> None:
        """A seq is missing: commits finished out of order, or a message was dropped. Wait a
        little for it, then read it from the database (it is committed: see store)."""
        try:
            await asyncio.sleep(GAP_WAIT)
            if not self._waiting or self.last_seq is None:
                return
            top = max(self._waiting)
            found = await database_sync_to_async(store.between)(self.stream, self.last_seq, top)
            for event in found:
                self._waiting.setdefault(event.seq, event)
            if self._waiting and self.last_seq + 1 not in self._waiting:
                log.warning("stream %s: seqs after %s are lost", self.stream, self.last_seq)
                self.last_seq = min(self._waiting) - 1
        except Exception:
            log.exception("stream %s: filling a gap failed", self.stream)
        finally:
            self._gap = None
        if self._waiting:
            event = self._waiting.pop(min(self._waiting))
            self.receive(event)

    def _queue(self, events: list[Event]) -> None:
        self._pending.extend(events)
        loop = asyncio.get_running_loop()
        urgent = any(e.event not in COALESCED for e in events)
        due = self._last_flush + self._window
        if urgent or loop.time() >= due:
            if self._flush_at is not None:
                self._flush_at.cancel()
                self._flush_at = None
            self.flush()
        elif self._flush_at is None:
            self._flush_at = loop.call_at(due, self.flush)

    def flush(self) -> None:
        self._flush_at = None
        loop = asyncio.get_running_loop()
        self._last_flush = began = loop.time()
        events, self._pending = store.coalesce(self._pending), []
        if not events:
            return
        frame = Frame(events)
        for sub in list(self.subscribers):
            sub.push(frame)
        self._window = max(COALESCE_WINDOW, FLUSH_SHARE * (loop.time() - began))

    def push_presence(self, count: int) -> None:
        """Tell the live subscribers how many people follow the stream, if that changed."""
        if count == self.presence:
            return
        self.presence = count
        text = encode({"event": "presence", "data": {"count": count}})
        for sub in list(self.subscribers):
            if sub.buffer is None:
                sub.write(text)
