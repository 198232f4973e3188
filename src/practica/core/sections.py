"""Pages that gather from several apps (home, a person's profile, a community's overview) ask the
apps that know, without importing them: each app registers the sections it contributes when it
starts (`AppConfig.ready`), and the page renders them in order. This keeps apps depending
downward (DESIGN.md rule 7) while later features (live sessions, reviews) add their own sections.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

# A section returns (template name, context) to render, or None to show nothing.
Section = Callable[..., tuple[str, dict[str, Any]] | None]
_sections: dict[str, list[tuple[int, Section]]] = defaultdict(list)


def register(slot: str, *, order: int = 50) -> Callable[[Section], Section]:
    """Decorator: contribute `fn(request, **context)` to `slot` (e.g. "home.main")."""

    def decorator(fn: Section) -> Section:
        if all(existing is not fn for _, existing in _sections[slot]):
            _sections[slot].append((order, fn))
            _sections[slot].sort(key=lambda item: item[0])
        return fn

    return decorator


def render_slot(slot: str, request: HttpRequest | None, **context: Any) -> SafeString:
    """The HTML of every section registered for `slot`, in order."""
    parts = []
    for _, fn in _sections[slot]:
        result = fn(request, **context)
        if result is not None:
            template, extra = result
            parts.append(render_to_string(template, {**context, **extra}, request=request))
    return mark_safe("".join(parts))  # noqa: S308  (rendered by our own autoescaping templates)
