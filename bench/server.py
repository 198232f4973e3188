"""The real server under test, and a client that times sequential requests to it over loopback."""

from __future__ import annotations

import http.client
import math
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"


class BenchError(RuntimeError):
    """Something is broken (a page did not answer 200, the server did not start): not a figure."""


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    per_second: float
    timed: int = 0  # requests timed
    sent: int = 0  # requests sent, warm-up included

    @classmethod
    def of(cls, seconds: list[float], sent: int = 0) -> Timing:
        ordered = sorted(seconds)
        p95 = ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank
        return cls(
            median_ms=statistics.median(ordered) * 1000,
            p95_ms=p95 * 1000,
            per_second=len(ordered) / sum(ordered),
            timed=len(ordered),
            sent=sent,
        )


def practica_command() -> list[str]:
    """`practica`, as installed next to this Python (or `python -m practica` when it is not)."""
    script = Path(sys.executable).with_name("practica")
    return [str(script)] if script.exists() else [sys.executable, "-m", "practica"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def serving(log_path: Path, timeout: float = 30.0) -> Iterator[int]:
    """Run `practica serve --no-worker` on a free loopback port until the block ends; yields the
    port once /healthz answers. The server is stopped however the block ends."""
    port = free_port()
    command = [*practica_command(), "serve", "--no-worker", "--host", HOST, "--port", str(port)]
    with log_path.open("wb") as log:
        proc = subprocess.Popen([*command, "--log-level", "warning"], stdout=log, stderr=log)
    try:
        _wait_until_up(proc, port, log_path, timeout)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_until_up(proc: subprocess.Popen, port: int, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"the server exited with {proc.returncode}:\n{log_path.read_text()}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise BenchError(f"the server did not answer within {timeout:.0f} s:\n{log_path.read_text()}")


@dataclass
class Probe:
    """One request to time each round: a GET of `path` with the signed-in cookies, or, with
    `post`, a POST whose headers (its own cookies) and form body `post(round)` makes afresh."""

    path: str
    post: Callable[[int], tuple[dict[str, str], bytes]] | None = None


MIN_TIMED = 20  # a slow page is still timed this many times, whatever the budget


def time_requests(
    port: int,
    probes: dict[str, Probe],
    *,
    cookies: str,
    warmup: int,
    requests: int,
    budget: float = 0.0,
) -> dict[str, Timing]:
    """Send each probe `warmup` untimed then `requests` timed times, one request at a time over
    one keep-alive connection, taking the probes in turn so that a change in the machine's load
    during the run falls on all of them alike. Raises BenchError unless every answer is a 200.

    With a `budget` (seconds), a slow probe is sent less: it stops warming up after budget / 4
    seconds (3 requests at least), and is timed as many times as fit in `budget` seconds at its
    warm-up pace (MIN_TIMED at least, `requests` at most), spread evenly over the rounds. This
    keeps the run to minutes when a page takes a second."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    sent = dict.fromkeys(probes, 0)

    def send(key: str) -> float:
        probe = probes[key]
        if probe.post is None:
            method, headers, body = "GET", {"Cookie": cookies}, None
        else:
            method, (headers, body) = "POST", probe.post(sent[key])
        sent[key] += 1
        started = time.perf_counter()
        conn.request(method, probe.path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            where = response.getheader("Location", "")
            raise BenchError(
                f"{method} {probe.path} answered {response.status} {where}".rstrip()
                + f"\n{content[:500].decode(errors='replace')}"
            )
        return elapsed

    warm_seconds = dict.fromkeys(probes, 0.0)
    seconds: dict[str, list[float]] = {key: [] for key in probes}
    try:
        for _ in range(warmup):
            for key in probes:
                if budget and sent[key] >= 3 and warm_seconds[key] >= budget / 4:
                    continue
                warm_seconds[key] += send(key)
        quota = {
            key: requests
            if not budget or not sent[key]
            else max(MIN_TIMED, min(requests, int(budget * sent[key] / warm_seconds[key])))
            for key in probes
        }
        for round_ in range(requests):
            for key in probes:
                q = quota[key]
                if (round_ + 1) * q // requests > round_ * q // requests:  # q evenly spread
                    seconds[key].append(send(key))
    finally:
        conn.close()
    return {key: Timing.of(s, sent[key]) for key, s in seconds.items()}


@dataclass
class Burst:
    statuses: Counter[int]  # answers by status; 0 for a request that got no answer
    failures: list[str]  # what each non-200 answer or lost request said, shortened
    locked: int  # answers that mention "database is locked"
    seconds: float  # from the first request sent to the last answer read
    slowest_ms: float


def burst(
    port: int, path: str, requests: list[tuple[dict[str, str], bytes]], *, timeout: float = 60.0
) -> Burst:
    """Send every (headers, body) POST of `requests` to `path` at once, each from its own thread
    over its own connection (all opened first, then released together), to 127.0.0.1 only. Every
    thread gives up after `timeout` seconds, so the burst is bounded."""
    barrier = threading.Barrier(len(requests), timeout=timeout)
    results: list[tuple[int, bytes, float]] = [(0, b"not sent", 0.0)] * len(requests)
    started = [0.0] * len(requests)

    def one(i: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        try:
            conn.connect()
            barrier.wait()
            started[i] = time.perf_counter()
            headers, body = requests[i]
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            results[i] = (response.status, content, time.perf_counter() - started[i])
        except (OSError, threading.BrokenBarrierError, http.client.HTTPException) as exc:
            results[i] = (0, repr(exc).encode(), time.perf_counter() - (started[i] or 0))
        finally:
            conn.close()

    workers = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(len(requests))]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout + 5)
    ended = time.perf_counter()
    first = min((s for s in started if s), default=ended)
    failures = [
        f"{status or 'no answer'}: {' '.join(content[:200].decode(errors='replace').split())}"
        for status, content, _ in results
        if status != 200
    ]
    return Burst(
        statuses=Counter(status for status, _, _ in results),
        failures=failures,
        locked=sum(b"database is locked" in content for _, content, _ in results),
        seconds=ended - first,
        slowest_ms=max(elapsed for _, _, elapsed in results) * 1000,
    )
