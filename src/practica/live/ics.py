"""iCalendar (RFC 5545) for sessions: one event per session, and a community's feed.

Written by hand: text values escape backslash, semicolon, comma and newlines; lines longer than
75 octets fold onto continuation lines that start with a space; times are UTC; CRLF line ends."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone

from practica.api.schemas import absolute
from practica.core.markdown import to_text
from practica.live.models import LiveSession


def escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += ch
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "practica"


def _event(s: LiveSession, stamp: datetime) -> list[str]:
    url = absolute(s.get_absolute_url())
    description = to_text(s.description, limit=1_000)
    if s.meeting_url:
        description = f"{description}\n\nJoin the video: {s.meeting_url}".strip()
    description = f"{description}\n\nQuestions and notes: {url}".strip()
    lines = [
        "BEGIN:VEVENT",
        f"UID:live-session-{s.pk}@{_host()}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(s.starts_at)}",
        f"DTEND:{_utc(s.ends_at)}",
        f"SUMMARY:{escape(s.title)}",
        f"DESCRIPTION:{escape(description)}",
        f"URL:{url}",
        f"LOCATION:{escape(s.meeting_url or url)}",
        "STATUS:CONFIRMED",
        "END:VEVENT",
    ]
    return lines


def calendar(sessions: Iterable[LiveSession], *, name: str) -> str:
    """A VCALENDAR with one VEVENT per session."""
    stamp = timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Practica//Live sessions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for s in sessions:
        lines += _event(s, stamp)
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
