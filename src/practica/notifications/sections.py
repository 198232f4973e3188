"""What notifications contribute to pages of other apps (core/sections.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from practica.communities import policy
from practica.core.sections import register


@register("community.manage", order=50)
def manage_webhooks(request: HttpRequest, *, community: Any, **_: Any):
    if not policy.can(request.user, "community.manage_webhooks", community):
        return None
    return "notifications/sections/manage_webhooks.html", {}
