"""Per-person rate limits on writes (posting, voting, editing), kept in the Django cache (Redis
when REDIS_URL is set, so every process shares them). A refusal raises RateLimited, which pages
and the API answer with 429 and Retry-After."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
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
    """Count one `action` by `who`; raise RateLimited once the limit for the window is reached.

    Limits come from settings.PRACTICA_RATE_LIMITS: {action: (how many, per seconds)}.
    """
    if _suspended.get():
        return
    limit, window = settings.PRACTICA_RATE_LIMITS[action]
    bucket = int(time.time() // window)
    key = f"rl:{action}:{who}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        retry_after = window - int(time.time()) % window
        raise RateLimited(
            f"You are doing that too often; try again in {retry_after} seconds.", retry_after
        )
