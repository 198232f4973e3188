"""Django's HTTP side under ASGI, served the way a threaded WSGI server serves it.

Django's own ASGIHandler runs each request's synchronous work on a thread made for that request
(asgiref's ThreadSensitiveContext), and hops between the event loop and a thread at every switch
between sync and async middleware. A thread that lives for one request cannot keep a database
connection, so every request opens one: on SQLite that is a new connection with its pragmas and
functions (about a millisecond), on PostgreSQL a new session (several). All of Practica's views
and middleware are synchronous, so this handler runs each request whole (signals, middleware,
view) in one call on a fixed pool of threads, and each thread keeps its connection
(CONN_MAX_AGE, with health checks) as under gunicorn's threaded workers. The event loop only
reads the body and writes the answer; WebSockets go to Channels as before (config/asgi.py).
An async view would still work (Django runs it with async_to_sync on the pool thread), but a
response streamed from an async iterator would not: long-lived streams belong to Channels.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.db import connections
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import set_script_prefix


class PooledASGIHandler(ASGIHandler):
    """ASGI for HTTP, with each request's Django work on one thread of a fixed pool."""

    def __init__(self, threads: int | None = None) -> None:
        base.BaseHandler.__init__(self)  # not ASGIHandler's: it builds the async middleware chain
        self.load_middleware(is_async=False)
        self.threads = threads or settings.PRACTICA_HTTP_THREADS
        self.pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="http")

    def close_connections(self) -> None:
        """Close every pool thread's database connections (the threads reopen them when they next
        serve a request): before a test database is dropped, or at shutdown."""
        barrier = threading.Barrier(self.threads)  # one job per thread: each waits for the others

        def close_here() -> None:
            barrier.wait(timeout=30)
            connections.close_all()

        for job in [self.pool.submit(close_here) for _ in range(self.threads)]:
            job.result()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"PooledASGIHandler serves HTTP, not {scope['type']}.")
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        loop = asyncio.get_running_loop()
        try:
            response = await loop.run_in_executor(self.pool, self._respond, scope, body_file)
            if isinstance(response, StreamingHttpResponse) and not response.is_async:  # a file
                parts = cast(Iterator[bytes], response.streaming_content)  # is_async is False
                response.streaming_content = self._pooled(iter(parts))
            try:
                await self.send_response(response, send)
            except asyncio.CancelledError:
                pass  # the client went away while we answered
            finally:
                await loop.run_in_executor(self.pool, response.close)  # sends request_finished
        finally:
            body_file.close()

    def _pooled(self, parts: Iterator[bytes]) -> AsyncIterator[bytes]:
        """Pull each part of a synchronous stream (a file) on the pool, as it is sent, rather
        than reading it whole into memory the way Django does for sync iterators under ASGI."""
        loop = asyncio.get_running_loop()
        done = object()

        async def pull() -> AsyncIterator[bytes]:
            while (part := await loop.run_in_executor(self.pool, next, parts, done)) is not done:
                yield part  # type: ignore[misc]

        return pull()

    def _respond(self, scope: dict, body_file: Any) -> HttpResponseBase:
        """Everything Django does for one request, on one pool thread."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            assert error_response is not None  # create_request gives one or the other
            return error_response
        response = self.get_response(request)
        response._handler_class = self.__class__  # type: ignore[attr-defined]
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size  # the server does the small chunks
        return response
