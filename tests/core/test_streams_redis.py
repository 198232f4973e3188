"""Event streams across processes: two real `practica serve` processes sharing one SQLite file
and Redis, a third process publishing. Runs when Redis answers at PRACTICA_TEST_REDIS_URL
(default redis://127.0.0.1:6379/13, a database of its own, flushed first); with
PRACTICA_REQUIRE_ALL=1 a missing Redis fails instead of skipping."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from practica.core.streams import hub
from tests.conftest import REQUIRE_ALL

REDIS_URL = os.environ.get("PRACTICA_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
SERVER = Path(__file__).with_name("streams_server.py")
PRACTICA = [sys.executable, "-m", "practica"]


@pytest.fixture(scope="module")
def redis_url() -> str:
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.flushdb()
    except redis.RedisError as exc:
        message = f"Redis at {REDIS_URL} does not answer ({exc}): cross-process tests skipped."
        if REQUIRE_ALL:
            pytest.fail(message + " (PRACTICA_REQUIRE_ALL=1)")
        pytest.skip(message)
    return REDIS_URL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(redis_url, tmp_path_factory) -> Iterator[dict]:
    """A migrated SQLite database with two people and their API tokens, served by two
    processes on their own ports."""
    var = tmp_path_factory.mktemp("streams-var")
    env = {**os.environ, "PRACTICA_VAR_DIR": str(var), "REDIS_URL": redis_url}
    for name in ("DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)

    def practica(*args: str) -> str:
        done = subprocess.run([*PRACTICA, *args], env=env, capture_output=True, text=True)  # noqa: S603
        assert done.returncode == 0, done.stderr
        return done.stdout

    practica("migrate", "--quiet")
    tokens = []
    for name in ("alice", "bob"):
        practica("createuser", "--email", f"{name}@example.test", "--password", "x-Long-pass-9")
        tokens.append(practica("token", "create", "--email", f"{name}@example.test").strip())
    ports, servers = [free_port(), free_port()], []
    for port in ports:
        log = (var / f"server-{port}.log").open("wb")
        command = [sys.executable, str(SERVER), "serve", "--no-worker", "--port", str(port)]
        servers.append(subprocess.Popen(command, env=env, stdout=log, stderr=log))  # noqa: S603
    try:
        for port in ports:
            _wait_for(port)
        yield {"ports": ports, "tokens": tokens, "practica": practica, "var": var}
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"the server on port {port} did not start")


def open_stream(port: int, token: str, stream: str, after: int | None = 0) -> ClientConnection:
    query = "" if after is None else f"?after={after}"
    return connect(
        f"ws://127.0.0.1:{port}/ws/streams/{stream}/{query}",
        additional_headers={"Authorization": f"Bearer {token}"},
        open_timeout=10,
    )


def receive(ws: ClientConnection, *, event: str | None = None, timeout: float = 5.0) -> dict:
    """The next message (of kind `event`, when given), or TimeoutError after `timeout`. The
    latest presence count seen on the way is kept in `presence[ws]`."""
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(ws.recv(timeout=max(0.01, deadline - time.monotonic())))
        if message.get("event") == "presence":
            presence[id(ws)] = message["data"]["count"]
        elif message.get("event") == "hello":
            presence[id(ws)] = message["presence"]
        if event is None or message.get("event") == event:
            return message


presence: dict[int, int] = {}


def test_an_event_published_in_one_process_reaches_clients_of_every_process(site):
    (a, b), (alice, bob) = site["ports"], site["tokens"]
    publish = (
        "from practica.core import streams; "
        "streams.publish('t:room', 'note.posted', {'text': 'from a third process'})"
    )
    with open_stream(a, alice, "t:room") as on_a, open_stream(b, bob, "t:room") as on_b:
        assert receive(on_a)["event"] == "hello"
        assert receive(on_b)["event"] == "hello"
        site["practica"]("manage", "shell", "-c", publish)
        expected = {"seq": 1, "event": "note.posted", "data": {"text": "from a third process"}}
        assert receive(on_a, event="note.posted") == expected
        assert receive(on_b, event="note.posted") == expected
        # Presence is summed over the processes: one person on each.
        while presence[id(on_a)] != 2:
            # A missed announcement is made good by the next heartbeat (hub.HEARTBEAT, 10 s).
            receive(on_a, event="presence", timeout=hub.HEARTBEAT + 5)

    # A client that missed events on one process catches up on the other.
    site["practica"]("manage", "shell", "-c", publish.replace("third", "later"))
    with open_stream(b, alice, "t:room", after=1) as again:
        assert receive(again)["seq"] == 2
        assert receive(again, event="note.posted")["seq"] == 2


def test_a_client_without_a_valid_token_is_refused_by_a_server_process(site):
    with (
        open_stream(site["ports"][0], "pat_wrong", "t:room") as ws,
        pytest.raises(ConnectionClosed),
    ):
        ws.recv(timeout=5)
    assert ws.close_code == 4403


def test_a_membership_ended_in_another_process_closes_the_socket_in_every_process(site):
    """The removal happens in a third process; both servers hear of it through Redis."""
    (a, b), alice = site["ports"], site["tokens"][0]
    made = site["practica"](
        "manage",
        "shell",
        "-c",
        "from practica.accounts.models import User; "
        "from practica.communities.services import community_create, membership_add; "
        "bob = User.objects.get(email='bob@example.test'); "
        "alice = User.objects.get(email='alice@example.test'); "
        "c = community_create(creator=bob, name='Private circle', purpose='Tests', "
        "visibility='private', join_policy='invite'); "
        "membership_add(actor=bob, community=c, user=alice); print(c.pk)",
    )
    stream = f"tc:{made.split()[-1]}"
    with open_stream(a, alice, stream) as on_a, open_stream(b, alice, stream) as on_b:
        assert receive(on_a)["event"] == "hello"
        assert receive(on_b)["event"] == "hello"
        site["practica"](
            "manage",
            "shell",
            "-c",
            "from practica.accounts.models import User; "
            "from practica.communities.models import Membership; "
            "from practica.communities.services import membership_remove; "
            "m = Membership.objects.get(user__email='alice@example.test', "
            "community__name='Private circle'); "
            "membership_remove(actor=User.objects.get(email='bob@example.test'), membership=m)",
        )
        for ws in (on_a, on_b):
            with pytest.raises(ConnectionClosed):
                while True:
                    receive(ws, timeout=10)
            assert ws.close_code == 4403
