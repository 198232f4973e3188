"""What the learning services share: limits and validation."""

from __future__ import annotations

from practica.core.markdown import render

PROMPT_MAX = 300
POINT_MAX = 2000
QUOTE_MAX = 600
TRIED_MAX = 300
HAPPENED_MAX = 3000
JOURNAL_MAX = 10_000
REPLY_MAX = 3000
SET_MAX_CARDS = 50


class AlreadyReviewed(Exception):
    """A review of a card that was already recorded (a retried or doubled submission)."""

    def __init__(self, message: str = "That review was already recorded.") -> None:
        super().__init__(message)


def clean_text(
    value: str | None, errors: dict[str, str], *, field: str, limit: int, what: str, required=True
) -> str:
    text = (value or "").strip()
    if not text and required:
        errors[field] = f"Write {what}."
    elif len(text) > limit:
        errors[field] = f"Keep {what} under {limit:,} characters (it has {len(text):,})."
    return text


def clean_line(
    value: str | None, errors: dict[str, str], *, field: str, limit: int, what: str
) -> str:
    return clean_text(" ".join((value or "").split()), errors, field=field, limit=limit, what=what)


def html(text: str) -> str:
    return str(render(text))
