"""Per-person rate limits on writes (posting, voting, editing), kept in the Django cache (Redis
when REDIS_URL is set, so every process shares them). A refusal raises RateLimited, which pages
and the API answer with 429 and Retry-After."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache

_suspended: ContextVar[bool] = ContextVar("practica_ratelimit_suspended", default=False)


@contextmanager
def suspended() -> Iterator[None]:
    """No limits inside this block: for loaders that write on people's behalf (the demo), never
    for anything a request triggers."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


class RateLimited(Exception):
    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def hit(action: str, who: int | str) -> None:
    """Count one `action` by `who`; raise RateLimited once the limit is reached.

    Limits come from settings.PRACTICA_RATE_LIMITS: {action: (how many, per seconds)}. The window
    slides: the count is this window's hits plus the last window's, weighted by how much of it
    still falls within the last `per seconds`. A fixed window would let twice the limit through
    across a boundary. A refused hit is taken back, so hammering does not extend the wait.
    """
    if _suspended.get():
        return
    limit, window = settings.PRACTICA_RATE_LIMITS[action]
    now = time.time()
    bucket, into = divmod(now, window)
    key = f"rl:{action}:{who}:{int(bucket)}"
    cache.add(key, 0, timeout=2 * window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=2 * window + 5)
        count = 1
    before = cache.get(f"rl:{action}:{who}:{int(bucket) - 1}", 0)
    overlap = 1 - into / window
    if before * overlap + count <= limit:
        return
    with suppress(ValueError):
        cache.decr(key)
    retry_after = _wait(limit, window, into, before, count - 1)
    raise RateLimited(
        f"You are doing that too often; try again in {retry_after} seconds.", retry_after
    )


def _wait(limit: int, window: int, into: float, before: int, count: int) -> int:
    """Seconds until one more hit fits: `count` hits so far in this window, `into` seconds in,
    `before` in the last one."""
    if count < limit:
        # The last window's share has to fade below what this one leaves room for.
        fade_until = 1 - (limit - count - 1) / before if before else 0
        seconds = fade_until * window - into
    else:
        # Wait for this window to end, then for its own share to fade enough.
        seconds = window - into + (1 - (limit - 1) / count) * window
    return max(1, math.ceil(seconds))
