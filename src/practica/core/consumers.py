"""The WebSocket end of the event streams: `/ws/streams/<stream>/?after=<seq>`.

On connect: check permission (session cookie, or `Authorization: Bearer <api token>`), send
{"event": "hello", "seq": <current>, "presence": <n>}, then every stored event after `after` in
order (or {"event": "reset"} when `after` is older than the kept log), then live events, each
{"seq", "event", "data"} exactly once; events that go out together come as one
{"seq", "event": "batch", "data": {"events": [...]}} message. A refused or no-longer-allowed
client is closed with 4403. See docs/streams.md.
"""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs

from channels.auth import UserLazyObject
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.middleware import BaseMiddleware
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http.cookie import parse_cookie
from django.urls import re_path
from django.utils.functional import LazyObject

from practica.core.streams import authz, store
from practica.core.streams.fanout import Subscriber, batch, encode
from practica.core.streams.hub import get_hub

REFUSED = 4403  # not allowed to follow the stream (or no longer)
BACKLOG_BATCH = 200  # missed events sent in one frame


class StreamConsumer(AsyncWebsocketConsumer):
    # No channel-layer channel per socket: the process's hub subscribes once per stream and writes
    # to the sockets itself (an alias that is not configured makes Channels skip the channel).
    channel_layer_alias = None  # type: ignore[assignment]

    stream = ""
    sub: Subscriber | None = None

    async def connect(self) -> None:
        self.stream = self.scope["url_route"]["kwargs"]["stream"]
        user = self.scope.get("user") or AnonymousUser()
        allowed = await database_sync_to_async(authz.authorized)(user, self.stream)
        await self.accept()
        if not allowed:
            await self.close(code=REFUSED)
            return
        user_id = user.pk if user.is_authenticated else None
        _travel_light(self.scope)
        self.sub = Subscriber(self.base_send, user_id, self._close_soon)
        hub = get_hub()
        await hub.join(self.stream, self.sub)
        backlog = await database_sync_to_async(store.backlog)(self.stream, _after(self.scope))
        hello = {"event": "hello", "seq": backlog.current, "presence": hub.presence(self.stream)}
        await self.send(encode(hello))
        if backlog.reset:
            await self.send(encode({"event": "reset", "seq": backlog.current}))
        for start in range(0, len(backlog.events), BACKLOG_BATCH):
            await self.send(batch(backlog.events[start : start + BACKLOG_BATCH]))
        self.sub.last = backlog.current
        for text in self.sub.drain():
            await self.send(text)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Clients have nothing to say on a stream; what they send is ignored."""

    async def disconnect(self, code: int) -> None:
        if self.sub is not None:
            get_hub().leave(self.stream, self.sub)
            self.sub = None

    def _close_soon(self, code: int) -> None:
        """Called by the hub (permission lost, or too slow to keep up): stop following, close."""
        if self.sub is not None:
            get_hub().leave(self.stream, self.sub)
            self.sub = None
            get_hub().spawn(self.close(code=code))


def _travel_light(scope: dict[str, Any]) -> None:
    """Let go of the user object once the socket is authorised (the id is kept): every copy of
    the scope holds it for as long as the socket is open, a few KB times thousands of sockets."""
    holder = scope.get("user")
    if isinstance(holder, LazyObject):
        holder._wrapped = _NOBODY  # the same holder in every copy of the scope


_NOBODY = AnonymousUser()


def _after(scope: dict[str, Any]) -> int | None:
    raw = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("after", [""])[0]
    return int(raw) if raw.isdigit() else None


class StreamAuthMiddleware(BaseMiddleware):
    """Signs the socket in: `Authorization: Bearer <personal access token>` (API clients, as in
    /api/v1/), else the session cookie (browsers). Unlike Channels' AuthMiddlewareStack it does
    not wrap `send`: that wrapper looks at the session on every message sent, which a fan-out to
    thousands of sockets cannot afford, and a stream never writes to the session."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        holder = UserLazyObject()
        holder._wrapped = await database_sync_to_async(_authenticate)(scope.get("headers") or [])
        return await super().__call__(dict(scope, user=holder), receive, send)


def _authenticate(headers: list[tuple[bytes, bytes]]) -> Any:
    from django.contrib.auth import get_user

    from practica.accounts.services import token_authenticate

    found = dict(headers)
    scheme, _, secret = found.get(b"authorization", b"").decode("latin-1").partition(" ")
    if scheme.lower() == "bearer":
        return token_authenticate(secret.strip()) or AnonymousUser()
    cookies = parse_cookie(found.get(b"cookie", b"").decode("latin-1"))
    key = cookies.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return AnonymousUser()
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    return get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]


class BrowserOriginValidator(OriginValidator):
    """Channels' AllowedHostsOriginValidator, except that a handshake without an Origin header
    passes. Browsers always send Origin on a WebSocket handshake, so a foreign page still cannot
    ride on a visitor's session cookie (cross-site WebSocket hijacking); a client that sends no
    Origin is not a browser (an API client with a token), and refusing it would protect nothing."""

    def __init__(self, application: Any) -> None:
        super().__init__(application, settings.ALLOWED_HOSTS)

    def valid_origin(self, parsed_origin: Any) -> bool:
        self.allowed_origins = settings.ALLOWED_HOSTS  # read now: tests change the setting
        return parsed_origin is None or bool(super().valid_origin(parsed_origin))


websocket_urlpatterns = [
    re_path(
        r"^ws/streams/(?P<stream>[a-z][a-z0-9_-]{0,31}:[A-Za-z0-9_-][A-Za-z0-9_:-]{0,63})/$",
        StreamConsumer.as_asgi(),
    ),
]
