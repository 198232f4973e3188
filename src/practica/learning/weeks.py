"""ISO weeks written "yyyy-ww" ("2026-48"): the journal's pages and API paths."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

WEEK = re.compile(r"^(\d{4})-(\d{2})$")


def parse(week: str) -> date:
    """The Monday of `week`; ValueError when it is not a real ISO week."""
    match = WEEK.match(week or "")
    if not match:
        raise ValueError("Write the week as yyyy-ww, for example 2026-48.")
    year, number = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError as exc:
        raise ValueError(f"{year} has no week {number}.") from exc
    return monday


def of(day: date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-{number:02d}"


def current(*, time_zone: str, now: datetime) -> str:
    return of(now.astimezone(ZoneInfo(time_zone)).date())


def bounds(week: str, *, time_zone: str) -> tuple[datetime, datetime]:
    """When `week` starts and ends in `time_zone`."""
    monday = parse(week)
    zone = ZoneInfo(time_zone)
    start = datetime(monday.year, monday.month, monday.day, tzinfo=zone)
    return start, start + timedelta(days=7)


def step(week: str, days: int) -> str:
    return of(parse(week) + timedelta(days=days))


def label(week: str) -> str:
    monday = parse(week)
    sunday = monday + timedelta(days=6)
    return f"Week {monday.isocalendar()[1]}, {monday:%-d %b} to {sunday:%-d %b %Y}"
