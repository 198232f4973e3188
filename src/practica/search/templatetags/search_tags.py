from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
_TICKS = re.compile(r"`([^`]+)`")


@register.filter(name="ticks")
def ticks(text: str) -> SafeString:
    """Escape `text`, then show `quoted` parts as code (for reasons like "on `kubernetes`")."""
    return mark_safe(_TICKS.sub(r"<code>\1</code>", escape(text)))  # noqa: S308  (escaped first)


KIND_LABELS = {
    "question": "Question",
    "discussion": "Discussion",
    "answer": "Answer",
    "comment": "Comment",
    "person": "Person",
    "community": "Community",
    "live_question": "Live question",
    "live_note": "Live note",
}


@register.filter(name="kind_label")
def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())
