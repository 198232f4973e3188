"""What the live app contributes to pages that gather from several apps: "live now" and upcoming
sessions on the home page and on a community's overview."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from practica.communities import policy
from practica.core.sections import register
from practica.live import selectors


@register("home.side", order=5)
def home_live(request: HttpRequest, **_: Any):
    live = selectors.session_list(user=request.user, when="live", limit=5)
    upcoming = selectors.session_list(user=request.user, when="upcoming", limit=3)
    if not live and not upcoming:
        return None
    return "live/sections/home_live.html", {"live": live, "upcoming": upcoming}


@register("community.activity", order=5)
def community_live(request: HttpRequest, *, community: Any, **_: Any):
    if not policy.can(request.user, "community.read", community):
        return None
    live = selectors.session_list(user=request.user, when="live", community=community, limit=3)
    upcoming = selectors.session_list(
        user=request.user, when="upcoming", community=community, limit=3
    )
    if not live and not upcoming:
        return None
    return "live/sections/community_live.html", {
        "live": live,
        "upcoming": upcoming,
        "community": community,
    }
