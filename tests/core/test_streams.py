"""Event streams over WebSocket (core/streams, core/consumers), in-process: the full ASGI
application with Channels' test communicator, on the in-memory layer. Across processes with
Redis: tests/core/test_streams_redis.py."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection, transaction

from practica.accounts.services import token_create
from practica.communities import policy
from practica.communities.models import Community, Role
from practica.communities.services import community_leave, membership_remove
from practica.config.asgi import application
from practica.core import streams
from practica.core.models import StreamEvent
from practica.core.streams import authz, store

pytestmark = pytest.mark.django_db(transaction=True)

STREAM = "t:room"


@pytest.fixture(autouse=True)
def authorizers():
    """`t:<key>`: any signed-in person, except on `t:closed`; `tc:<community id>`: its readers."""
    streams.register_authorizer("t", lambda user, key: user.is_authenticated and key != "closed")
    streams.register_authorizer(
        "tc",
        lambda user, key: policy.can(user, "community.read", Community.objects.get(pk=int(key))),
    )
    yield
    authz._authorizers.pop("t", None)
    authz._authorizers.pop("tc", None)


def run(scenario: Callable[[], Awaitable[Any]]) -> Any:
    """Run one async scenario on one event loop (the streams' hub belongs to the loop)."""
    return async_to_sync(scenario)()


def bearer(user) -> list[tuple[bytes, bytes]]:
    _, secret = token_create(user=user, name="stream tests")
    return [(b"authorization", f"Bearer {secret}".encode())]


async def connect(headers, stream: str = STREAM, after: int | None = None) -> WebsocketCommunicator:
    path = f"/ws/streams/{stream}/" + ("" if after is None else f"?after={after}")
    ws = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await ws.connect()
    assert connected
    return ws


async def hello(ws: WebsocketCommunicator) -> dict:
    message = await ws.receive_json_from(timeout=3)
    assert message["event"] == "hello"
    return message


async def until_seq(ws: WebsocketCommunicator, seq: int) -> list[dict]:
    """Every event up to and including seq `seq`, batches unpacked, presence left out."""
    got: list[dict] = []
    while not got or got[-1]["seq"] < seq:
        message = await ws.receive_json_from(timeout=3)
        if message["event"] == "batch":
            assert message["seq"] == message["data"]["events"][-1]["seq"]
            got += message["data"]["events"]
        elif message["event"] != "presence":
            got.append(message)
    return got


publish = database_sync_to_async(streams.publish)


def test_a_published_event_reaches_a_connected_client(user_factory):
    headers = bearer(user_factory())

    async def scenario():
        ws = await connect(headers, after=0)
        assert await hello(ws) == {"event": "hello", "seq": 0, "presence": 1}
        await publish(STREAM, "note.posted", {"id": 7, "text": "Welcome"})
        assert await ws.receive_json_from(timeout=3) == {
            "seq": 1,
            "event": "note.posted",
            "data": {"id": 7, "text": "Welcome"},
        }
        await ws.disconnect()

    run(scenario)
    assert streams.current_seq(STREAM) == 1
    assert StreamEvent.objects.filter(stream=STREAM).count() == 1


def test_an_event_is_sent_only_after_its_transaction_commits(user_factory):
    headers = bearer(user_factory())

    def publish_then_roll_back() -> None:
        with transaction.atomic():
            streams.publish(STREAM, "note.posted", {"id": 1})
            transaction.set_rollback(True)

    async def scenario():
        ws = await connect(headers, after=0)
        await hello(ws)
        await database_sync_to_async(publish_then_roll_back)()
        assert await ws.receive_nothing(timeout=0.3)
        await publish(STREAM, "note.posted", {"id": 2})
        assert await ws.receive_json_from(timeout=3) == {
            "seq": 1,
            "event": "note.posted",
            "data": {"id": 2},
        }
        await ws.disconnect()

    run(scenario)


def test_a_client_that_reconnects_with_after_gets_what_it_missed_once_and_in_order(
    user_factory,
):
    headers = bearer(user_factory())

    async def scenario():
        ws = await connect(headers, after=0)
        await hello(ws)
        for n in range(3):
            await publish(STREAM, "note.posted", {"n": n})
        seen = await until_seq(ws, 3)
        await ws.disconnect()
        for n in range(3, 5):
            await publish(STREAM, "note.posted", {"n": n})

        ws = await connect(headers, after=seen[-1]["seq"])
        assert (await hello(ws))["seq"] == 5
        await publish(STREAM, "note.posted", {"n": 5})
        seen += await until_seq(ws, 6)
        assert await ws.receive_nothing(timeout=0.3)
        await ws.disconnect()
        return seen

    seen = run(scenario)
    assert [m["seq"] for m in seen] == [1, 2, 3, 4, 5, 6]
    assert [m["data"]["n"] for m in seen] == [0, 1, 2, 3, 4, 5]


def test_clients_joining_while_events_pour_in_miss_none_and_see_none_twice(user_factory):
    """Publishers in another thread while clients connect at different moments: each client gets
    exactly the seqs after the one it asked for, in order (subscribe first, then the backlog,
    then the buffered live events, deduplicated)."""
    headers = bearer(user_factory())
    total = 40

    def publisher() -> None:
        try:
            for n in range(total):
                streams.publish(STREAM, "note.posted", {"n": n})
                time.sleep(0.005)
        finally:
            connection.close()

    async def published() -> int:
        return await database_sync_to_async(streams.current_seq)(STREAM)

    async def scenario():
        thread = threading.Thread(target=publisher)
        thread.start()
        clients = []
        for after in (0, None, 3, None, 10, 12):
            while after is not None and await published() < after:
                await asyncio.sleep(0.001)
            ws = await connect(headers, after=after)
            first = await hello(ws)
            clients.append((ws, first["seq"] if after is None else after))
        await database_sync_to_async(thread.join)()
        results = []
        for ws, after in clients:
            got = await until_seq(ws, total) if after < total else []
            assert await ws.receive_nothing(timeout=0.2)
            await ws.disconnect()
            results.append((after, [m["seq"] for m in got]))
        return results

    for after, seqs in run(scenario):
        assert seqs == list(range(after + 1, total + 1))


def test_backlog_catches_up_from_after(user_factory):
    headers = bearer(user_factory())
    for n in range(5):
        streams.publish(STREAM, "note.posted", {"n": n})

    async def scenario():
        ws = await connect(headers, after=2)
        assert (await hello(ws))["seq"] == 5
        got = await until_seq(ws, 5)
        await ws.disconnect()
        return got

    assert [(m["seq"], m["data"]["n"]) for m in run(scenario)] == [(3, 2), (4, 3), (5, 4)]


def test_a_client_behind_the_kept_log_is_told_to_reset(user_factory, monkeypatch):
    monkeypatch.setattr(store, "RETAIN_EVENTS", 4)
    monkeypatch.setattr(store, "PRUNE_EVERY", 1)
    headers = bearer(user_factory())
    for n in range(10):
        streams.publish(STREAM, "note.posted", {"n": n})
    assert sorted(StreamEvent.objects.values_list("seq", flat=True)) == [7, 8, 9, 10]

    async def scenario():
        messages = []
        for after in (2, 99, 6):  # pruned; ahead of the stream; just inside the log
            ws = await connect(headers, after=after)
            messages.append([await hello(ws), await ws.receive_json_from(timeout=3)])
            await ws.disconnect()
        return messages

    behind, ahead, inside = run(scenario)
    assert behind[1] == {"event": "reset", "seq": 10}
    assert ahead[1] == {"event": "reset", "seq": 10}
    assert [e["seq"] for e in inside[1]["data"]["events"]] == [7, 8, 9, 10]


def test_vote_counts_are_coalesced_and_the_latest_count_wins(user_factory):
    headers = bearer(user_factory())

    def burst_of_votes() -> None:
        with transaction.atomic():  # all delivered together when it commits
            for votes in range(1, 21):
                streams.publish(STREAM, "question.votes", {"id": 1, "votes": votes})
            streams.publish(STREAM, "question.votes", {"id": 2, "votes": 1})

    async def scenario():
        ws = await connect(headers, after=0)
        await hello(ws)
        await database_sync_to_async(burst_of_votes)()
        live = await until_seq(ws, 21)
        await ws.disconnect()
        late = await connect(headers, after=0)
        await hello(late)
        backlog = await until_seq(late, 21)
        await late.disconnect()
        return live, backlog

    live, backlog = run(scenario)
    for got in (live, backlog):
        latest = {m["data"]["id"]: m["data"]["votes"] for m in got}
        assert latest == {1: 20, 2: 1}
        assert len(got) < 21
        assert [m["seq"] for m in got] == sorted({m["seq"] for m in got})
    assert [m["seq"] for m in backlog] == [20, 21]


def test_anonymous_or_unauthorised_clients_are_refused_with_4403(user_factory):
    member = bearer(user_factory())

    async def refused(headers, stream: str) -> dict:
        ws = WebsocketCommunicator(application, f"/ws/streams/{stream}/", headers=headers)
        await ws.connect()
        message = await ws.receive_output(timeout=3)
        await ws.wait()
        return message

    async def scenario():
        return [
            await refused([], STREAM),  # not signed in
            await refused([(b"authorization", b"Bearer pat_not-a-token")], STREAM),
            await refused(member, "t:closed"),  # the authorizer says no
            await refused(member, "nobody:1"),  # no authorizer for the prefix
        ]

    for message in run(scenario):
        assert (message["type"], message["code"]) == ("websocket.close", 4403)


def test_a_session_cookie_signs_in_from_the_sites_own_origin_only(user_factory, client):
    client.force_login(user_factory())
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

    async def scenario():
        own = WebsocketCommunicator(
            application,
            f"/ws/streams/{STREAM}/",
            headers=[(b"cookie", cookie), (b"origin", b"http://testserver")],
        )
        assert (await own.connect())[0]
        assert (await hello(own))["presence"] == 1
        await own.disconnect()
        foreign = WebsocketCommunicator(
            application,
            f"/ws/streams/{STREAM}/",
            headers=[(b"cookie", cookie), (b"origin", b"https://evil.example")],
        )
        connected, _ = await foreign.connect()
        return connected

    assert run(scenario) is False


def test_ending_a_membership_closes_that_members_connections(
    cast_factory, user_factory, add_member
):
    cast = cast_factory(visibility="private")
    stayer = user_factory("Stay Member")
    add_member(cast.community, stayer)
    stream = f"tc:{cast.community.pk}"
    leaver = user_factory("Leave Member")
    add_member(cast.community, leaver)
    removed, staying, leaving = bearer(cast.member), bearer(stayer), bearer(leaver)
    membership = cast.community.memberships.get(user=cast.member)
    owner = cast.owner

    async def scenario():
        gone = await connect(removed, stream, after=0)
        kept = await connect(staying, stream, after=0)
        left = await connect(leaving, stream, after=0)
        for ws in (gone, kept, left):
            await hello(ws)
        await database_sync_to_async(membership_remove)(actor=owner, membership=membership)
        await database_sync_to_async(community_leave)(user=leaver, community=cast.community)
        closed = [await _closing(gone), await _closing(left)]
        await publish(stream, "note.posted", {"id": 1})
        still = await until_seq(kept, 1)
        await kept.disconnect()
        return closed, still

    closed, still = run(scenario)
    assert closed == [4403, 4403]
    assert still[-1]["data"] == {"id": 1}


def test_making_a_community_secret_closes_outsiders_connections(cast_factory):
    """`community.updated` re-checks everyone's connections (a visibility change)."""
    cast = cast_factory(visibility="public")
    stream = f"tc:{cast.community.pk}"
    outsider, member = bearer(cast.outsider), bearer(cast.member)

    def make_private() -> None:
        from practica.communities.services import community_update

        community_update(
            actor=cast.owner,
            community=cast.community,
            visibility="private",
            join_policy="request",
        )

    async def scenario():
        out = await connect(outsider, stream, after=0)
        inside = await connect(member, stream, after=0)
        await hello(out)
        await hello(inside)
        await database_sync_to_async(make_private)()
        code = await _closing(out)
        # The member stays connected: whatever else arrives (a presence count may) is no close.
        while not await inside.receive_nothing(timeout=0.3):
            assert (await inside.receive_output(timeout=1))["type"] != "websocket.close"
        await inside.disconnect()
        return code

    assert run(scenario) == 4403


async def _closing(ws: WebsocketCommunicator) -> int:
    """The close code the server sends next (skipping any presence message)."""
    while True:
        message = await ws.receive_output(timeout=3)
        if message["type"] == "websocket.close":
            return message["code"]


def test_presence_counts_people_and_is_pushed_when_it_changes(user_factory, monkeypatch):
    from practica.core.streams import hub

    monkeypatch.setattr(hub, "PRESENCE_INTERVAL", 0.05)
    alice, bob = bearer(user_factory()), bearer(user_factory())

    async def scenario():
        a = await connect(alice, after=0)
        assert (await hello(a))["presence"] == 1
        b = await connect(bob, after=0)
        assert (await hello(b))["presence"] == 2
        second_tab = await connect(bob, after=0)
        assert (await hello(second_tab))["presence"] == 2  # people, not tabs
        assert await a.receive_json_from(timeout=3) == {"event": "presence", "data": {"count": 2}}
        await b.disconnect()
        await second_tab.disconnect()
        assert await a.receive_json_from(timeout=3) == {"event": "presence", "data": {"count": 1}}
        await a.disconnect()

    run(scenario)


def test_publish_numbers_each_stream_on_its_own():
    streams.publish("t:a", "x", {})
    streams.publish("t:b", "x", {})
    streams.publish("t:a", "x", {})
    assert (streams.current_seq("t:a"), streams.current_seq("t:b"), streams.current_seq("t:c")) == (
        2,
        1,
        0,
    )
    with pytest.raises(ValueError):
        streams.publish("no colon", "x", {})


def test_role_of_a_membership_is_irrelevant_to_a_plain_member_stream(cast_factory):
    """Demoting a facilitator keeps them reading: a re-check must not close what is still allowed."""
    from practica.communities.services import membership_set_role

    cast = cast_factory(visibility="private")
    stream = f"tc:{cast.community.pk}"
    headers = bearer(cast.facilitator)
    membership = cast.community.memberships.get(user=cast.facilitator)

    async def scenario():
        ws = await connect(headers, stream, after=0)
        await hello(ws)
        await database_sync_to_async(membership_set_role)(
            actor=cast.owner, membership=membership, role=Role.MEMBER
        )
        await publish(stream, "note.posted", {"id": 1})
        got = await until_seq(ws, 1)
        await ws.disconnect()
        return got

    assert run(scenario)[-1]["seq"] == 1


def test_events_older_than_a_day_are_pruned_from_every_stream(monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    monkeypatch.setattr(store, "PRUNE_EVERY", 1)
    streams.publish("t:quiet", "note.posted", {})
    StreamEvent.objects.filter(stream="t:quiet").update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    streams.publish("t:busy", "note.posted", {})
    assert not StreamEvent.objects.filter(stream="t:quiet").exists()
    assert store.backlog("t:quiet", 0).reset  # a client that missed it reloads
    assert not store.backlog("t:busy", 0).reset


def test_concurrent_publishers_get_consecutive_seqs_without_gaps_or_repeats():
    """The counter row is moved with F() in each publisher's transaction: 8 threads, 25 events
    each, one stream (and a new stream, whose counter row two threads may race to create)."""
    barrier = threading.Barrier(8)

    def publisher(n: int) -> None:
        try:
            barrier.wait()
            for i in range(25):
                with transaction.atomic():
                    streams.publish("t:race", "note.posted", {"by": n, "i": i})
        finally:
            connection.close()

    threads = [threading.Thread(target=publisher, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seqs = sorted(StreamEvent.objects.filter(stream="t:race").values_list("seq", flat=True))
    assert seqs == list(range(1, 201))
    assert streams.current_seq("t:race") == 200
