"""Retries with back-off for background tasks.

A task that fails calls `again(task, attempt=n, **kwargs)` before re-raising: the failed run stays
recorded as failed in the task queue (administrators see it, with its traceback, in the admin under
"Django Tasks Database"), and a new run is queued `backoff(n)` later, until MAX_ATTEMPTS.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.utils import timezone

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def backoff(attempt: int) -> timedelta:
    """1, 4, 16, 64 minutes… after the first, second, third… failure (at most six hours)."""
    return timedelta(minutes=min(4 ** (attempt - 1), 360))


def again(task: Any, *, attempt: int, max_attempts: int = MAX_ATTEMPTS, **kwargs: Any) -> bool:
    """Queue `task(**kwargs, attempt=attempt + 1)` after the back-off. False when no attempt is
    left, or when the task backend cannot run a task later (the immediate backend in tests)."""
    if attempt >= max_attempts:
        log.error("%s failed %d times; giving up", task.name, attempt)
        return False
    if not task.get_backend().supports_defer:
        return False
    task.using(run_after=timezone.now() + backoff(attempt)).enqueue(**kwargs, attempt=attempt + 1)
    return True
