"""Turning stored text into what the index holds: plain text, no markup, no control characters."""

from __future__ import annotations

import html
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")
# Stored HTML is sanitised (nh3) and well formed, so dropping tags with a pattern is enough for
# index text, and many times faster than an HTML parser; what is shown is escaped again anyway.
_BLOCK = re.compile(r"</?(?:p|div|li|ul|ol|br|hr|h[1-6]|pre|blockquote|table|tr|td|th)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")
BODY_LIMIT = 20_000


def plain(text: str, *, from_html: bool = False, limit: int = BODY_LIMIT) -> str:
    """`text` (or rendered HTML) as one line of plain text, at most `limit` characters."""
    if from_html:
        text = html.unescape(_TAG.sub("", _BLOCK.sub(" ", text)))
    text = _CONTROL.sub(" ", text)
    return _SPACE.sub(" ", text).strip()[:limit]
