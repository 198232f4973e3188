"""core/asgi.py: HTTP through ASGI on a fixed pool of threads that keep their connections."""

from __future__ import annotations

from pathlib import Path

from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.db.backends.signals import connection_created

import practica
from practica.accounts.services import TOKEN_PREFIX
from practica.core.asgi import PooledASGIHandler


def _call(app, method: str, path: str, body: bytes = b"", headers=()) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }

    async def run() -> tuple[int, bytes]:
        app_call = ApplicationCommunicator(app, scope)
        await app_call.send_input({"type": "http.request", "body": body, "more_body": False})
        start = await app_call.receive_output(10)
        chunks = []
        while True:
            message = await app_call.receive_output(10)
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        await app_call.wait(10)
        return start["status"], b"".join(chunks)

    return async_to_sync(run)()


def test_pooled_handler_serves_pages_and_reads_request_bodies(transactional_db):
    app = PooledASGIHandler(threads=2)
    try:
        _serves(app)
    finally:
        app.close_connections()


def _serves(app: PooledASGIHandler) -> None:
    status, body = _call(app, "GET", "/healthz")
    assert (status, body) == (200, b"ok")
    status, body = _call(app, "GET", "/no/such/page/")
    assert status == 404
    form = b"login=nobody%40example.test&password=wrong-password-123"
    status, body = _call(
        app,
        "POST",
        "/accounts/login/",
        form,
        [(b"content-type", b"application/x-www-form-urlencoded")],
    )
    assert status == 403  # CSRF: the body was read and the form refused without a token


def test_a_pool_thread_keeps_its_database_connection(transactional_db):
    app = PooledASGIHandler(threads=1)
    opened = []
    bearer = f"Bearer {TOKEN_PREFIX}not-a-real-token".encode()

    def count(sender, connection, **kwargs):
        opened.append(connection)

    connection_created.connect(count)
    try:
        for _ in range(3):  # each looks the token up in the database
            status, _ = _call(app, "GET", "/api/v1/me", headers=[(b"authorization", bearer)])
            assert status == 401
    finally:
        connection_created.disconnect(count)
        app.close_connections()
    assert len(opened) == 1, f"{len(opened)} connections opened for three requests on one thread"


def test_files_stream_from_the_pool_without_being_read_whole(transactional_db, recwarn):
    app = PooledASGIHandler(threads=1)
    try:
        status, body = _call(app, "GET", "/static/practica/practica.css")
    finally:
        app.close_connections()
    assert status == 200
    assert body == (Path(practica.__file__).parent / "static/practica/practica.css").read_bytes()
    assert not [w for w in recwarn if "synchronous iterators" in str(w.message)]
