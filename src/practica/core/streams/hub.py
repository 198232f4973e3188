"""This process's side of the event streams: one subscription per stream, however many sockets.

Each event loop (one per `practica serve` process) has one `Hub`. With the in-memory channel layer
(one process) publishers hand events straight to the hubs of this process. With Redis, the hub
holds one channel-layer channel; it joins the group of each stream that has local subscribers and
the control group, so an event crosses Redis once per process, not once per socket. Presence is a
count of people per process, kept in a Redis hash with a heartbeat, summed on change.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings

from practica.core.streams import authz, store
from practica.core.streams.fanout import Fanout, Subscriber
from practica.core.streams.store import Event

log = logging.getLogger(__name__)

PROCESS = uuid.uuid4().hex[:16]
CONTROL_GROUP = "streams.control"
PRESENCE_INTERVAL = 1.0  # seconds: presence goes out at most this often per stream
HEARTBEAT = 10.0  # seconds between presence refreshes in Redis
PRESENCE_TTL = 30.0  # a process that has not refreshed for this long no longer counts
GROUP_REFRESH = 3600.0  # re-join groups well within channels-redis' group expiry (a day)
LINGER = 5.0  # seconds a stream stays subscribed after its last local socket leaves

_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}
_hubs_lock = threading.Lock()


def distributed() -> bool:
    """Whether events travel through a shared channel layer (Redis) rather than in-process."""
    layer = get_channel_layer()
    return layer is not None and not isinstance(layer, InMemoryChannelLayer)


def group_name(stream: str) -> str:
    """The channel-layer group of `stream` (group names allow no colons; keys hold no dots)."""
    return "streams." + stream.replace(":", ".")


def presence_key(stream: str) -> str:
    return f"practica:presence:{stream}"


def get_hub() -> Hub:
    """The running event loop's hub."""
    loop = asyncio.get_running_loop()
    with _hubs_lock:
        hub = _hubs.get(loop)
        if hub is None:
            for old in [lp for lp in _hubs if lp.is_closed()]:
                del _hubs[old]
            hub = _hubs[loop] = Hub(loop)
        return hub


# --- Called from synchronous code (services, after commit) -----------------------------------------


def broadcast(stream: str, event: Event) -> None:
    """Hand a committed event to every process following `stream`."""
    if distributed():
        message = {
            "type": "streams.event",
            "stream": stream,
            "seq": event.seq,
            "event": event.event,
            "data": event.data,
        }
        async_to_sync(get_channel_layer().group_send)(group_name(stream), message)
    else:
        _local(lambda hub: hub.deliver(stream, event))


def request_recheck(user_id: int | None) -> None:
    """Ask every process to re-check the permission of `user_id`'s sockets (None: everyone's)."""
    if distributed():
        message = {"type": "streams.recheck", "user_id": user_id}
        async_to_sync(get_channel_layer().group_send)(CONTROL_GROUP, message)
    else:
        _local(lambda hub: hub.recheck(user_id))


def _local(call: Any) -> None:
    with _hubs_lock:
        hubs = list(_hubs.values())
    for hub in hubs:
        if not hub.loop.is_closed():
            hub.loop.call_soon_threadsafe(call, hub)


# --- The hub --------------------------------------------------------------------------------------


class Hub:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.fanouts: dict[str, Fanout] = {}
        self.layer = get_channel_layer() if distributed() else None
        self.channel: str | None = None
        self._channel_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._presence_at: dict[str, asyncio.TimerHandle] = {}
        self._presence_last: dict[str, float] = {}
        self._redis: Any = None

    def spawn(self, coro: Any) -> None:
        task = self.loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # Subscribing sockets

    async def join(self, stream: str, sub: Subscriber) -> Fanout:
        """Add `sub` to the stream's fan-out, subscribing this process to the stream first if it
        is the first local socket; from now on `sub` buffers every event after the stream's
        current seq (read after subscribing, so nothing falls between)."""
        while True:
            fan = self.fanouts.get(stream)
            if fan is None:
                fan = self.fanouts[stream] = Fanout(stream, self._presence_changed)
                try:
                    await self._subscribe(stream)
                    fan.start(await database_sync_to_async(store.current_seq)(stream))
                except BaseException as exc:
                    self.fanouts.pop(stream, None)
                    fan.started.set_exception(exc)
                    fan.started.exception()  # retrieved: the waiters see it through shield
                    raise
            else:
                await asyncio.shield(fan.started)
            if self.fanouts.get(stream) is fan:
                fan.add(sub)
                return fan

    def leave(self, stream: str, sub: Subscriber) -> None:
        fan = self.fanouts.get(stream)
        if fan is None:
            return
        fan.remove(sub)
        if not fan.subscribers:
            self.loop.call_later(LINGER, self._drop_if_unused, stream, fan)

    def _drop_if_unused(self, stream: str, fan: Fanout) -> None:
        if fan.subscribers or self.fanouts.get(stream) is not fan:
            return
        del self.fanouts[stream]
        handle = self._presence_at.pop(stream, None)
        if handle is not None:
            handle.cancel()
        if self.layer is not None:
            self.spawn(self._unsubscribe(stream))

    async def _subscribe(self, stream: str) -> None:
        if self.layer is None:
            return
        channel = await self._ensure_channel()
        await self.layer.group_add(group_name(stream), channel)

    async def _unsubscribe(self, stream: str) -> None:
        assert self.layer is not None and self.channel is not None
        try:
            await self.layer.group_discard(group_name(stream), self.channel)
            await self._redis_client().hdel(presence_key(stream), PROCESS)
        except Exception:
            log.exception("stream %s: unsubscribing failed", stream)

    async def _ensure_channel(self) -> str:
        assert self.layer is not None
        async with self._channel_lock:
            if self.channel is None:
                channel = await self.layer.new_channel(prefix="streams")
                await self.layer.group_add(CONTROL_GROUP, channel)
                self.channel = channel
                self.spawn(self._read())
                self.spawn(self._heartbeat())
            return self.channel

    # Messages from publishers

    def deliver(self, stream: str, event: Event) -> None:
        fan = self.fanouts.get(stream)
        if fan is not None:
            fan.receive(event)

    async def _read(self) -> None:
        """The process's one reader of its channel-layer channel."""
        assert self.layer is not None and self.channel is not None
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("streams: reading the channel layer failed; retrying")
                await asyncio.sleep(1)
                continue
            try:
                self._dispatch(message)
            except Exception:
                log.exception("streams: bad message %r", message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "streams.event":
            event = Event(message["seq"], message["event"], message["data"])
            self.deliver(message["stream"], event)
        elif kind == "streams.presence":
            if message["stream"] in self.fanouts and message.get("process") != PROCESS:
                self.spawn(self._presence_sum(message["stream"]))
        elif kind == "streams.recheck":
            self.recheck(message.get("user_id"))

    async def _heartbeat(self) -> None:
        refreshed = time.monotonic()
        while True:
            await asyncio.sleep(HEARTBEAT)
            regroup = time.monotonic() - refreshed > GROUP_REFRESH
            for stream in list(self.fanouts):
                try:
                    if regroup and self.layer is not None and self.channel is not None:
                        await self.layer.group_add(group_name(stream), self.channel)
                    await self._presence_write(stream)
                    await self._presence_sum(stream)
                except Exception:
                    log.exception("stream %s: heartbeat failed", stream)
            if regroup and self.layer is not None and self.channel is not None:
                await self.layer.group_add(CONTROL_GROUP, self.channel)
                refreshed = time.monotonic()

    # Permission re-checks

    def recheck(self, user_id: int | None) -> None:
        self.spawn(self._recheck(user_id))

    async def _recheck(self, user_id: int | None) -> None:
        pairs = {
            (sub.user_id, stream)
            for stream, fan in self.fanouts.items()
            for sub in fan.subscribers
            if user_id is None or sub.user_id == user_id
        }
        if not pairs:
            return
        refused = await database_sync_to_async(authz.refused)(pairs)
        for stream, fan in list(self.fanouts.items()):
            for sub in list(fan.subscribers):
                if (sub.user_id, stream) in refused:
                    sub.close(4403)

    # Presence

    def presence(self, stream: str) -> int:
        fan = self.fanouts.get(stream)
        return 0 if fan is None else fan.others + fan.local_people

    def _presence_changed(self, fan: Fanout) -> None:
        """Throttled: at once if the last update is PRESENCE_INTERVAL old, else at that time."""
        stream = fan.stream
        if stream in self._presence_at:
            return
        due = self._presence_last.get(stream, 0.0) + PRESENCE_INTERVAL
        delay = max(0.0, due - self.loop.time())
        self._presence_at[stream] = self.loop.call_later(delay, self._presence_update, stream)

    def _presence_update(self, stream: str) -> None:
        self._presence_at.pop(stream, None)
        self._presence_last[stream] = self.loop.time()
        fan = self.fanouts.get(stream)
        if fan is None:
            return
        if self.layer is None:
            fan.push_presence(fan.local_people)
        else:
            fan.push_presence(fan.others + fan.local_people)
            self.spawn(self._presence_announce(stream))

    def _redis_client(self) -> Any:
        if self._redis is None:
            import redis.asyncio

            self._redis = redis.asyncio.Redis.from_url(settings.REDIS_URL)
        return self._redis

    async def _presence_write(self, stream: str) -> None:
        fan = self.fanouts.get(stream)
        if fan is None:
            return
        key = presence_key(stream)
        redis = self._redis_client()
        await redis.hset(key, PROCESS, f"{fan.local_people}:{time.time():.0f}")
        await redis.expire(key, int(PRESENCE_TTL * 2))

    async def _presence_announce(self, stream: str) -> None:
        try:
            await self._presence_write(stream)
            assert self.layer is not None
            message = {"type": "streams.presence", "stream": stream, "process": PROCESS}
            await self.layer.group_send(group_name(stream), message)
        except Exception:
            log.exception("stream %s: presence update failed", stream)

    async def _presence_sum(self, stream: str) -> None:
        """Re-read the other processes' counts (forgetting those that stopped refreshing)."""
        try:
            entries = await self._redis_client().hgetall(presence_key(stream))
        except Exception:
            log.exception("stream %s: reading presence failed", stream)
            return
        fan = self.fanouts.get(stream)
        if fan is None:
            return
        others, now = 0, time.time()
        for process, value in entries.items():
            if process.decode() == PROCESS:
                continue
            count, _, stamp = value.decode().partition(":")
            if now - float(stamp or 0) <= PRESENCE_TTL:
                others += int(count)
        fan.others = others
        fan.push_presence(others + fan.local_people)
