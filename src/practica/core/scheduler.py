"""Scheduled jobs: digests, reminders, clean-ups. Each runs once per period however many workers run.

Apps register jobs when they start (`AppConfig.ready`), so later apps (live sessions' "starting in
15 minutes") add theirs without this module knowing them:

    scheduler.register("digests.daily", every="day", at=(7, 0), task=send_daily_digests)

Every worker calls `run_due()` about once a minute (`practica worker`, and the worker thread of
`practica serve`). For each job whose period has started, it inserts a `ScheduledRun(job,
period_key)` row and enqueues the job's task in the same transaction; the unique constraint makes
the insert fail for every other worker, and for this one after a restart, so each period runs once.
The task itself runs through the task queue: a failure is recorded there (and retried, see
`core.retry`) and is visible to administrators.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from practica.core.models import ScheduledRun

log = logging.getLogger(__name__)

PERIODS = ("minute", "quarter-hour", "hour", "day", "week")


@dataclass(frozen=True)
class Job:
    name: str
    every: str
    task: Any  # a django_tasks Task taking `period_key: str`
    at: tuple[int, int] = (0, 0)  # (hour, minute) UTC, for "day" and "week" (Mondays)

    def period_key(self, now: datetime) -> str | None:
        """The key of the period `now` falls in, or None when its start time has not come yet."""
        now = now.astimezone(UTC)
        if self.every == "minute":
            return now.strftime("%Y-%m-%dT%H:%M")
        if self.every == "quarter-hour":
            return now.strftime("%Y-%m-%dT%H:") + f"{now.minute // 15 * 15:02d}"
        if self.every == "hour":
            return now.strftime("%Y-%m-%dT%H")
        hour, minute = self.at
        start = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if self.every == "day":
            return now.strftime("%Y-%m-%d") if now >= start else None
        monday = start - timedelta(days=now.weekday())
        if now < monday:
            return None
        year, week, _ = now.isocalendar()
        return f"{year}-W{week:02d}"


_jobs: dict[str, Job] = {}


def register(name: str, *, every: str, task: Any, at: tuple[int, int] = (0, 0)) -> Job:
    if every not in PERIODS:
        raise ValueError(f"every must be one of {PERIODS}")
    job = Job(name=name, every=every, task=task, at=at)
    _jobs[name] = job
    return job


def jobs() -> dict[str, Job]:
    return dict(_jobs)


def claim(job: Job, period_key: str, *, worker_id: str = "") -> bool:
    """Claim `job` for `period_key` and enqueue its task; False when it was claimed already."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=job.name, period_key=period_key, claimed_by=worker_id)
            job.task.enqueue(period_key=period_key)
    except IntegrityError:
        return False
    return True


def run_due(now: datetime | None = None, *, worker_id: str = "") -> list[str]:
    """Claim and enqueue every job whose current period has not run yet. Returns what it claimed."""
    now = now or timezone.now()
    claimed = []
    for job in list(_jobs.values()):
        key = job.period_key(now)
        if key is not None and claim(job, key, worker_id=worker_id):
            claimed.append(f"{job.name}@{key}")
    return claimed


def start_ticker(*, worker_id: str, interval: float = 30.0) -> threading.Thread:
    """A daemon thread calling `run_due()` every `interval` seconds (a failure is logged and the
    ticker carries on)."""
    from django.db import close_old_connections

    stop = threading.Event()

    def tick() -> None:
        while not stop.is_set():
            close_old_connections()
            try:
                run_due(worker_id=worker_id)
            except Exception:
                log.exception("scheduler tick failed")
            close_old_connections()
            stop.wait(interval)

    thread = threading.Thread(target=tick, name="practica-scheduler", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread
