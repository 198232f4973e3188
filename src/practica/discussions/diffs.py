"""Readable differences between two revisions, as HTML with <ins> and <del>.

Revision text is untrusted: every piece is escaped before it is wrapped in markup."""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> SafeString:
    """`new` with the words it adds in <ins> and the words it drops from `old` in <del>."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(b[j1:j2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 -- every piece above is escaped


def tag_changes(old: list[str], new: list[str]) -> tuple[list[str], list[str]]:
    """(added, removed) tag names."""
    return [t for t in new if t not in old], [t for t in old if t not in new]
