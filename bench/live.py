"""Live sessions under load (`bench/run.py --live`, or `.venv/bin/python bench/live.py`).

1. Fan-out: N clients (default 5,000, each a different member with an API token) follow one live
   session's event stream over WebSocket while upvotes arrive through the API
   (`PUT /api/v1/live-questions/{id}/vote`) at R a second (default 20). Reports the delay from an
   upvote being sent to each client seeing its count (and to the last client seeing it), the
   server's memory per connection (RSS growth / connections) and its CPU. Once with one
   `practica serve` process (in-memory channel layer), then with two processes and Redis
   (clients and votes split between them), when Redis answers.
2. Upvotes: 500 members each upvote 20 questions as fast as they can; reports accepted votes a
   second and checks that every question's count equals the votes cast (in the database and in
   what a connected client saw last).

The clients are raw WebSocket clients (asyncio protocols, several processes) that note the seq
and arrival time of each frame without decoding it; the seqs are matched to votes afterwards
through the stored stream log. Targets (p99 < 250 ms, < 30 KB a connection) are reported, never
enforced; a lost event, a failed vote or counts that disagree make the run exit 1.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import bisect
import math
import multiprocessing as mp
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server import HOST, BenchError, _wait_until_up, free_port, practica_command

P99_TARGET_MS = 250
KB_TARGET = 30
QUESTIONS = 20


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=5000, help="connected clients")
    parser.add_argument("--rate", type=float, default=20.0, help="upvotes a second")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of upvotes")
    parser.add_argument("--client-procs", type=int, default=2, help="client processes")
    parser.add_argument(
        "--redis",
        default=os.environ.get("PRACTICA_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        help="Redis for the two-process run (a database of its own: it is flushed); '' skips",
    )
    parser.add_argument("--voters", type=int, default=500, help="upvote test: members voting")
    parser.add_argument("--no-upvotes", action="store_true", help="skip the upvote test")
    parser.add_argument("--keep", action="store_true", help="keep the database directory")
    return parser.parse_args(argv)


# --- Data -------------------------------------------------------------------------------------------


@dataclass
class Site:
    session_id: int
    stream: str
    questions: list[int]
    tokens: list[str]  # one per member, none of them a question's author


def make_site(members: int) -> Site:
    """A community of `members` (+ an owner and 20 askers) with API tokens, and a live session
    with 20 questions. People, memberships and tokens are bulk-inserted; the session and its
    questions go through the services."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from practica.accounts.models import ApiToken, User
    from practica.accounts.services import TOKEN_PREFIX, _hash, user_create
    from practica.communities.models import Membership, MembershipState, Role
    from practica.communities.services import community_create
    from practica.core import ratelimit
    from practica.live.services import (
        live_question_submit,
        live_session_schedule,
        live_session_start,
    )

    owner = user_create(email="host@bench.example", password=None, name="Bench Host")
    community = community_create(creator=owner, name="Live bench", purpose="Load")
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(
            email=f"live{i}@bench.example",
            name=f"Live {i}",
            handle=f"live-{i}",
            password=unusable,
        )
        for i in range(members + QUESTIONS)
    )
    now = timezone.now()
    Membership.objects.bulk_create(
        Membership(
            community=community,
            user=u,
            role=Role.MEMBER,
            state=MembershipState.ACTIVE,
            joined_at=now,
        )
        for u in users
    )
    tokens = [TOKEN_PREFIX + secrets.token_urlsafe(32) for _ in users]
    ApiToken.objects.bulk_create(
        ApiToken(user=u, name="bench", prefix=t[:10], key_hash=_hash(t))
        for u, t in zip(users, tokens, strict=True)
    )
    session = live_session_schedule(
        actor=owner,
        community=community,
        title="Ask the bench anything",
        starts_at=now + timedelta(minutes=1),
        ends_at=now + timedelta(hours=6),
    )
    live_session_start(actor=owner, session=session)
    with ratelimit.suspended():
        questions = [
            live_question_submit(author=users[members + i], session=session, body=f"Question {i}?")
            for i in range(QUESTIONS)
        ]
    return Site(
        session_id=session.pk,
        stream=f"live:{session.pk}",
        questions=[q.pk for q in questions],
        tokens=tokens[:members],
    )


# --- Servers ----------------------------------------------------------------------------------------


@dataclass
class Server:
    port: int
    proc: subprocess.Popen

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def servers(count: int, var_dir: Path, redis_url: str = ""):
    env = dict(os.environ)
    if redis_url:
        env["REDIS_URL"] = redis_url
    started: list[Server] = []
    try:
        for n in range(count):
            port = free_port()
            log_path = var_dir / f"live-server-{n}.log"
            with log_path.open("wb") as log:
                command = [*practica_command(), "serve", "--no-worker", "--host", HOST]
                proc = subprocess.Popen(
                    [*command, "--port", str(port), "--log-level", "warning"],
                    stdout=log,
                    stderr=log,
                    env=env,
                )
            started.append(Server(port, proc))
            _wait_until_up(proc, port, log_path, 30)
        yield started
    finally:
        for s in started:
            s.proc.terminate()
        for s in started:
            try:
                s.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                s.proc.kill()
                s.proc.wait()


# --- WebSocket clients (in worker processes) --------------------------------------------------------


class StreamClient(asyncio.Protocol):
    """A WebSocket client that records (seq, arrival time) of each event frame, undecoded."""

    def __init__(self, request: bytes, ready: asyncio.Future) -> None:
        self.request = request
        self.ready = ready
        self.buffer = bytearray()
        self.upgraded = False
        self.seqs = array("q")
        self.times = array("d")
        self.presence = 0
        self.resets = 0
        self.frames = 0  # event frames (a batch is one)
        self.close_code: int | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.close_code is None:
            self.close_code = 1006
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"closed before hello ({exc})"))

    def data_received(self, data: bytes) -> None:
        now = time.time()
        buf = self.buffer
        buf += data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            if b" 101 " not in bytes(buf[:16]):
                status = bytes(buf[:end]).decode(errors="replace").splitlines()[0]
                if not self.ready.done():
                    self.ready.set_exception(ConnectionError(status))
                return
            del buf[: end + 4]
            self.upgraded = True
        pos, size = 0, len(buf)
        while size - pos >= 2:
            opcode, length, head = buf[pos] & 0x0F, buf[pos + 1] & 0x7F, 2
            if length == 126:
                if size - pos < 4:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 4], "big"), 4
            elif length == 127:
                if size - pos < 10:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 10], "big"), 10
            if size - pos < head + length:
                break
            start = pos + head
            pos = start + length
            if opcode == 1:
                self._text(buf, start, pos, now)
            elif opcode == 9:  # ping: answer with a masked pong
                self._send(0xA, bytes(buf[start:pos]))
            elif opcode == 8:
                self.close_code = int.from_bytes(buf[start : start + 2], "big") if length else 1005
        del buf[:pos]

    def _text(self, buf: bytearray, start: int, end: int, now: float) -> None:
        if buf.startswith(b'{"seq":', start):
            self.frames += 1
            comma = buf.index(b",", start + 7)
            if buf.startswith(b'"event":"batch"', comma + 1):  # the events inside, in order
                at = buf.find(b'{"seq":', comma)
                while 0 <= at < end:
                    comma = buf.index(b",", at + 7)
                    self.seqs.append(int(buf[at + 7 : comma]))
                    self.times.append(now)
                    at = buf.find(b'{"seq":', comma, end)
            else:
                self.seqs.append(int(buf[start + 7 : comma]))
                self.times.append(now)
        elif buf.startswith(b'{"event":"hello"', start):
            if not self.ready.done():
                self.ready.set_result(None)
        elif buf.startswith(b'{"event":"presence"', start):
            self.presence += 1
        elif buf.startswith(b'{"event":"reset"', start):
            self.resets += 1

    def _send(self, opcode: int, payload: bytes) -> None:
        mask = secrets.token_bytes(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        if self.transport is not None:
            self.transport.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)


def handshake(port: int, path: str, token: str) -> bytes:
    key = base64.b64encode(secrets.token_bytes(16)).decode()
    return (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Authorization: Bearer {token}\r\n\r\n"
    ).encode()


def client_worker(targets: list[tuple[int, str]], path: str, pipe: Any) -> None:
    """Connect each (port, token) to `path`, report, wait for "stop", send back the records."""
    asyncio.run(_client_worker(targets, path, pipe))


async def _client_worker(targets: list[tuple[int, str]], path: str, pipe: Any) -> None:
    loop = asyncio.get_running_loop()
    clients: list[StreamClient] = []
    failures: list[str] = []
    gate = asyncio.Semaphore(64)

    async def one(port: int, token: str) -> None:
        async with gate:
            ready = loop.create_future()
            client = StreamClient(handshake(port, path, token), ready)
            try:
                await loop.create_connection(lambda: client, HOST, port)
                await asyncio.wait_for(ready, 60)
                clients.append(client)
            except (OSError, ConnectionError, TimeoutError) as exc:
                failures.append(repr(exc)[:200])

    await asyncio.gather(*(one(port, token) for port, token in targets))
    pipe.send(("connected", len(clients), failures[:5], len(failures)))
    await loop.run_in_executor(None, pipe.recv)  # "stop"
    pipe.send(
        (
            "records",
            [
                (c.seqs.tobytes(), c.times.tobytes(), c.presence, c.resets, c.close_code, c.frames)
                for c in clients
            ],
        )
    )
    for c in clients:
        if c.transport is not None:
            c.transport.close()


@dataclass
class Clients:
    procs: list[Any] = field(default_factory=list)
    pipes: list[Any] = field(default_factory=list)
    connected: int = 0
    failures: list[str] = field(default_factory=list)

    def stop(self) -> list[tuple[array, array, int, int, int | None, int]]:
        records = []
        for pipe in self.pipes:
            pipe.send("stop")
        for pipe in self.pipes:
            _, rows = pipe.recv()
            for seqs, times, presence, resets, code, frames in rows:
                s, t = array("q"), array("d")
                s.frombytes(seqs)
                t.frombytes(times)
                records.append((s, t, presence, resets, code, frames))
        for proc in self.procs:
            proc.join(10)
        return records


def start_clients(ports: list[int], tokens: list[str], path: str, procs: int) -> Clients:
    """Clients spread over `procs` processes and over the server `ports` (round robin)."""
    ctx = mp.get_context("fork")
    targets = [(ports[i % len(ports)], token) for i, token in enumerate(tokens)]
    out = Clients()
    for n in range(procs):
        mine, theirs = ctx.Pipe()
        proc = ctx.Process(target=client_worker, args=(targets[n::procs], path, theirs))
        proc.start()
        out.procs.append(proc)
        out.pipes.append(mine)
    for pipe in out.pipes:
        if not pipe.poll(600):
            raise BenchError("the clients did not connect within 10 minutes")
        _, connected, failures, failed = pipe.recv()
        out.connected += connected
        out.failures += failures
        if failed:
            out.failures.append(f"{failed} failed in one client process")
    return out


# --- Voting over HTTP -------------------------------------------------------------------------------


class Http:
    """A keep-alive HTTP/1.1 connection for PUT requests without a body."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def put(self, path: str, token: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None
        self.writer.write(
            f"PUT {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\nContent-Length: 0\r\n"
            f"Authorization: Bearer {token}\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


@dataclass
class Vote:
    question: int
    sent: float
    done: float = 0.0
    status: int = 0
    votes: int = 0  # the count the answer gave


async def paced_votes(
    ports: list[int], site: Site, rate: float, duration: float, offset: int
) -> list[Vote]:
    """Upvote at `rate` a second for `duration` seconds: vote k by member offset + k on question
    k % 20, sent at its time from a pool of connections (spread over `ports`)."""
    import json

    total = int(rate * duration)
    if offset + total > len(site.tokens):
        raise BenchError(f"{total} votes need as many members; there are {len(site.tokens)}")
    pool: asyncio.Queue[Http] = asyncio.Queue()
    for n in range(16):
        pool.put_nowait(Http(ports[n % len(ports)]))
    start = time.time() + 0.5
    votes: list[Vote] = []

    async def one(k: int) -> None:
        await asyncio.sleep(max(0.0, start + k / rate - time.time()))
        question = site.questions[k % len(site.questions)]
        conn = await pool.get()
        vote = Vote(question, time.time())
        votes.append(vote)
        try:
            vote.status, body = await conn.put(
                f"/api/v1/live-questions/{question}/vote", site.tokens[offset + k]
            )
            vote.done = time.time()
            if vote.status == 200:
                vote.votes = json.loads(body)["votes"]
        finally:
            pool.put_nowait(conn)

    await asyncio.gather(*(one(k) for k in range(total)))
    while not pool.empty():
        pool.get_nowait().close()
    return votes


# --- Figures ----------------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")


@dataclass
class FanoutResult:
    label: str
    clients: int
    votes: int
    per_delivery_ms: list[float]
    per_vote_last_ms: list[float]
    request_ms: list[float]
    missed: int
    kb_per_connection: float
    rss_mb: list[float]
    cpu_percent: list[float]
    frames_written: int
    cpu_us_per_frame: float  # server CPU time while voting / event frames written to sockets
    load: str  # the machine's load average when the votes ended
    frames_per_client: float
    presence_frames: float
    resets: int
    closed: int


def stream_log(stream: str) -> dict[int, tuple[str, dict]]:
    from practica.core.models import StreamEvent

    rows = StreamEvent.objects.filter(stream=stream).values_list("seq", "event", "data")
    return {seq: (event, data) for seq, event, data in rows}


def measure(
    label: str,
    site: Site,
    votes: list[Vote],
    records: list[tuple[array, array, int, int, int | None, int]],
) -> tuple[list[float], list[float], int]:
    """(delay of each delivery, delay until the last client for each vote, misses), from each
    vote's sending: a client has seen vote (q, n) when it got a count of q at or after it."""
    log = stream_log(site.stream)
    seq_of = {
        (data["id"], data["votes"]): seq
        for seq, (event, data) in log.items()
        if event == "question.votes"
    }
    question_of = {
        seq: data["id"] for seq, (event, data) in log.items() if event == "question.votes"
    }
    accepted = [(v, seq_of[(v.question, v.votes)]) for v in votes if v.status == 200]
    per_delivery: list[float] = []
    last = [0.0] * len(accepted)
    missed = 0
    for seqs, times, *_ in records:
        by_question: dict[int, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
        for s, t in zip(seqs, times, strict=True):
            q = question_of.get(s)
            if q is not None:
                by_question[q][0].append(s)
                by_question[q][1].append(t)
        for i, (vote, seq) in enumerate(accepted):
            got = by_question.get(vote.question)
            j = bisect.bisect_left(got[0], seq) if got else 0
            if not got or j == len(got[0]):
                missed += 1
                continue
            delay = (got[1][j] - vote.sent) * 1000
            per_delivery.append(delay)
            last[i] = max(last[i], delay)
    return per_delivery, last, missed


def fanout_run(
    label: str,
    args: argparse.Namespace,
    site: Site,
    var_dir: Path,
    processes: int,
    redis_url: str = "",
    offset: int = 0,
) -> FanoutResult:
    path = f"/ws/streams/{site.stream}/"
    with servers(processes, var_dir, redis_url) as running:
        ports = [s.port for s in running]
        warm = start_clients(ports, site.tokens[:20], path, 1)  # imports, first queries
        warm.stop()
        time.sleep(6)  # past the stream's linger: the measured run subscribes afresh
        before = [s.rss_kb() for s in running]
        clients = start_clients(ports, site.tokens[: args.clients], path, args.client_procs)
        if clients.connected != args.clients:
            raise BenchError(
                f"{label}: {clients.connected} of {args.clients} clients connected: "
                + "; ".join(clients.failures)
            )
        time.sleep(2)  # presence settles
        after = [s.rss_kb() for s in running]
        cpu0, t0 = [s.cpu_seconds() for s in running], time.time()
        votes = asyncio.run(paced_votes(ports, site, args.rate, args.duration, offset))
        time.sleep(2)  # the last events reach everyone
        cpu_seconds = sum(s.cpu_seconds() - c for s, c in zip(running, cpu0, strict=True))
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        cpu = [
            (s.cpu_seconds() - c) / (time.time() - t0) * 100
            for s, c in zip(running, cpu0, strict=True)
        ]
        records = clients.stop()
    failed = [v for v in votes if v.status != 200]
    if failed:
        raise BenchError(f"{label}: {len(failed)} of {len(votes)} upvotes failed: {failed[:3]}")
    per_delivery, last, missed = measure(label, site, votes, records)
    growth = sum(a - b for a, b in zip(after, before, strict=True))
    return FanoutResult(
        label=label,
        clients=clients.connected,
        votes=len(votes),
        per_delivery_ms=per_delivery,
        per_vote_last_ms=last,
        request_ms=[(v.done - v.sent) * 1000 for v in votes],
        missed=missed,
        kb_per_connection=growth / clients.connected,
        rss_mb=[a / 1024 for a in after],
        cpu_percent=cpu,
        frames_written=sum(r[5] for r in records),
        cpu_us_per_frame=cpu_seconds / max(1, sum(r[5] for r in records)) * 1e6,
        load=load,
        frames_per_client=statistics.mean(len(r[0]) for r in records),
        presence_frames=statistics.mean(r[2] for r in records),
        resets=sum(r[3] for r in records),
        closed=sum(1 for r in records if r[4] is not None),
    )


def fanout_report(r: FanoutResult) -> None:
    p50, p99 = pct(r.per_delivery_ms, 50), pct(r.per_delivery_ms, 99)
    l50, l99 = pct(r.per_vote_last_ms, 50), pct(r.per_vote_last_ms, 99)
    print(
        f"\nFan-out, {r.label}: {r.clients:,} clients on one session, {r.votes} upvotes through "
        f"the API\n"
        f"  delay from sending an upvote to a client seeing its count: p50 {p50:.0f} ms, "
        f"p99 {pct(r.per_delivery_ms, 99):.0f} ms, max {max(r.per_delivery_ms):.0f} ms "
        f"({len(r.per_delivery_ms):,} deliveries)\n"
        f"  ... to the last of the {r.clients:,} clients seeing it: p50 {l50:.0f} ms, "
        f"p99 {l99:.0f} ms\n"
        f"  the upvote request itself: p50 {pct(r.request_ms, 50):.0f} ms, "
        f"p99 {pct(r.request_ms, 99):.0f} ms\n"
        f"  server memory: {r.kb_per_connection:.1f} KB per connection (RSS growth / "
        f"connections); RSS {', '.join(f'{m:.0f} MB' for m in r.rss_mb)}\n"
        f"  server CPU while voting: {', '.join(f'{c:.0f}%' for c in r.cpu_percent)} "
        f"(of one core, per process); {r.cpu_us_per_frame:.1f} us of server CPU per event frame "
        f"written (votes and their requests included)\n"
        f"  machine load average (1, 5, 15 min) as the votes ended: {r.load} on "
        f"{os.cpu_count()} cores\n"
        f"  per client: {r.frames_per_client:.0f} vote counts (coalesced) in "
        f"{r.frames_written / r.clients:.0f} frames (batched), "
        f"{r.presence_frames:.1f} presence; resets {r.resets}; closed early {r.closed}; "
        f"votes a client never saw: {r.missed}"
    )
    for name, value, target, unit in (
        ("p99 delay, every delivery", p99, P99_TARGET_MS, "ms"),
        ("p99 delay, last client", l99, P99_TARGET_MS, "ms"),
        ("memory per connection", r.kb_per_connection, KB_TARGET, "KB"),
    ):
        verdict = "meets" if value < target else "MISSES"
        print(f"  {name:<28} {value:>7.1f} {unit} (target < {target} {unit}): {verdict}")
    if r.missed or r.resets or r.closed:
        raise BenchError(f"{r.label}: clients missed events, were reset or closed")


def upvote_run(args: argparse.Namespace, site: Site, var_dir: Path) -> None:
    """`args.voters` members each upvote every question as fast as they can (one connection
    each), with one client following the stream; counts must equal votes cast."""
    from django.db.models import Count

    from practica.live.models import LiveQuestion, LiveVote

    before = dict(
        LiveQuestion.objects.filter(session_id=site.session_id).values_list("pk", "votes")
    )
    # Members who have not voted in the fan-out runs (their votes are all new).
    used = 2 * int(args.rate * args.duration)
    voters = site.tokens[used : used + args.voters]
    if len(voters) < args.voters:
        raise BenchError(f"the upvote test needs {args.voters} members who have not voted")
    with servers(1, var_dir) as running:
        port = running[0].port
        watcher = start_clients([port], site.tokens[-1:], f"/ws/streams/{site.stream}/", 1)

        async def voter(token: str) -> list[tuple[int, int]]:
            conn, answers = Http(port), []
            try:
                for q in site.questions:
                    status, _ = await conn.put(f"/api/v1/live-questions/{q}/vote", token)
                    answers.append((q, status))
            finally:
                conn.close()
            return answers

        async def everyone() -> list[tuple[int, int]]:
            results = await asyncio.gather(*(voter(t) for t in voters))
            return [a for r in results for a in r]

        started = time.perf_counter()
        answers = asyncio.run(everyone())
        statuses = [status for _, status in answers]
        seconds = time.perf_counter() - started
        time.sleep(1.5)
        ((seqs, _times, *_),) = watcher.stop()
    ok = statuses.count(200)
    counts = dict(
        LiveQuestion.objects.filter(session_id=site.session_id).values_list("pk", "votes")
    )
    rows = dict(
        LiveVote.objects.filter(question__session_id=site.session_id)
        .values_list("question_id")
        .annotate(n=Count("id"))
    )
    log = stream_log(site.stream)
    seen: dict[int, int] = {}
    for s in seqs:
        event, data = log[s]
        if event == "question.votes":
            seen[data["id"]] = data["votes"]
    # Votes cast: the accepted ones (a refused vote must change nothing).
    cast = {
        q: before[q] + sum(1 for a, s in answers if a == q and s == 200) for q in site.questions
    }
    other = {s: statuses.count(s) for s in set(statuses) if s != 200}
    print(
        f"\nUpvotes: {len(voters)} members each upvote {len(site.questions)} questions as fast "
        f"as they can (a connection each, one process)\n"
        f"  {ok:,} of {len(statuses):,} accepted in {seconds:.1f} s: {ok / seconds:.0f} accepted "
        f"votes a second; other answers: {other or 'none'}"
    )
    consistent = counts == rows == cast and all(seen.get(q) == cast[q] for q in site.questions)
    print(
        f"  final counts: database {'=' if counts == cast else '!='} votes cast, vote rows "
        f"{'=' if rows == cast else '!='} votes cast, a connected client's last counts "
        f"{'=' if all(seen.get(q) == cast[q] for q in site.questions) else '!='} votes cast"
    )
    if not consistent or ok != len(statuses):
        log = (var_dir / "live-server-0.log").read_text(errors="replace")
        errors = [line for line in log.splitlines() if "Error" in line or "locked" in line]
        print(f"  server log: {len(errors)} error lines; the last: {errors[-3:]}")
        raise BenchError("upvotes: failed votes or counts that disagree")


def redis_answers(url: str) -> bool:
    if not url:
        return False
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.RedisError:
        return False
    return True


def bench(args: argparse.Namespace, var_dir: Path) -> None:
    os.environ["PRACTICA_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "practica.config.settings"
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG"):
        os.environ.pop(name, None)
    subprocess.run([*practica_command(), "migrate", "--quiet"], check=True)
    import django

    django.setup()
    from django.apps import apps
    from django.db import connection

    if not apps.is_installed("practica.live"):
        raise BenchError("the live sessions app (practica.live) is not installed")
    started = time.perf_counter()
    members = max(args.clients, 2 * int(args.rate * args.duration) + args.voters + 1)
    site = make_site(members)
    connection.close()
    print(
        f"Live bench data: {members:,} members with API tokens, session {site.session_id} with "
        f"{len(site.questions)} questions ({time.perf_counter() - started:.1f} s), at {var_dir}"
    )
    fanout_report(fanout_run("one process, in-memory channel layer", args, site, var_dir, 1))
    if redis_answers(args.redis):
        label, offset = f"two processes, Redis ({args.redis})", int(args.rate * args.duration)
        result = fanout_run(label, args, site, var_dir, 2, args.redis, offset)
        fanout_report(result)
    else:
        print(f"\nFan-out with two processes and Redis: not run (no Redis at {args.redis!r})")
    if not args.no_upvotes:
        upvote_run(args, site, var_dir)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    var_dir = Path(tempfile.mkdtemp(prefix="practica-bench-live-"))
    try:
        bench(args, var_dir)
    except (BenchError, subprocess.CalledProcessError) as exc:
        print(f"bench live: broken: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"The database is kept at {var_dir}.")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
