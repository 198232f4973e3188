"""{% thread_row t %}: a row of a thread list, from the fragments cache when unchanged."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from practica.discussions.views import fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def thread_row(
    context: Any, t: Any, show_kind: bool | None = None, show_community: bool | None = None
) -> SafeString:
    """The row for thread `t`; `show_kind` and `show_community` default to the context's."""
    return fragments.thread_row(
        t,
        show_kind=bool(context.get("show_kind") if show_kind is None else show_kind),
        show_community=bool(
            context.get("show_community") if show_community is None else show_community
        ),
    )
