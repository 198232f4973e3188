"""The bridge to the `fsrs` package: a card's scheduling fields to and from `fsrs.Card`, and the
person's scheduler. Fuzzing is off, so a review history always gives the same schedule (the test
replays one through the service and through fsrs directly and compares)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def scheduler(*, desired_retention: float = 0.9) -> Scheduler:
    return Scheduler(desired_retention=desired_retention, enable_fuzzing=False)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def to_fsrs(card: Any) -> FsrsCard:
    return FsrsCard(
        card_id=card.pk or 1,
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=utc(card.due),
        last_review=utc(card.last_review) if card.last_review else None,
    )


def review(
    card: Any, *, rating: int, at: datetime, desired_retention: float
) -> tuple[FsrsCard, Any]:
    """The card after `rating` at `at` (UTC), and fsrs's ReviewLog."""
    return scheduler(desired_retention=desired_retention).review_card(
        to_fsrs(card), Rating(rating), review_datetime=utc(at)
    )


def day_bounds(*, time_zone: str, now: datetime) -> tuple[date, datetime, datetime]:
    """Today in `time_zone`, and when it starts and ends (aware datetimes)."""
    zone = ZoneInfo(time_zone)
    today = now.astimezone(zone).date()
    start = datetime.combine(today, time.min, tzinfo=zone)
    return today, start, datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone)
