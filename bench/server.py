"""The real server under test, and a client that times sequential requests to it over loopback."""

from __future__ import annotations

import http.client
import math
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
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

    @classmethod
    def of(cls, seconds: list[float]) -> Timing:
        ordered = sorted(seconds)
        p95 = ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank
        return cls(
            median_ms=statistics.median(ordered) * 1000,
            p95_ms=p95 * 1000,
            per_second=len(ordered) / sum(ordered),
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


def time_requests(
    port: int, paths: list[str], *, cookies: str, warmup: int, requests: int
) -> dict[str, Timing]:
    """GET each path `warmup` + `requests` times, one request at a time over one keep-alive
    connection, taking the paths in turn so that a change in the machine's load during the run
    falls on all of them alike. Times only the last `requests` rounds; raises BenchError unless
    every answer is a 200."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    seconds: dict[str, list[float]] = {path: [] for path in paths}
    try:
        for round_ in range(warmup + requests):
            for path in paths:
                started = time.perf_counter()
                conn.request("GET", path, headers={"Cookie": cookies})
                response = conn.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                if response.status != 200:
                    where = response.getheader("Location", "")
                    raise BenchError(f"GET {path} answered {response.status} {where}".rstrip())
                if round_ >= warmup:
                    seconds[path].append(elapsed)
    finally:
        conn.close()
    return {path: Timing.of(s) for path, s in seconds.items()}
