"""What the communities app contributes to pages that gather from several apps."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from practica.communities import selectors
from practica.core.sections import register


@register("home.top", order=10)
def home_pending(request: HttpRequest, **_: Any):
    pending = selectors.pending_requests_of(user=request.user)
    return ("communities/sections/home_pending.html", {"pending": pending}) if pending else None


@register("home.below", order=10)
def home_communities(request: HttpRequest, **_: Any):
    mine = selectors.community_directory(user=request.user, mine=True, limit=50).items
    discover = selectors.community_directory(user=request.user, limit=8).items
    mine_ids = {c.pk for c in mine}
    return "communities/sections/home_communities.html", {
        "mine": mine,
        "discover": [c for c in discover if c.pk not in mine_ids][:6],
    }


@register("profile.main", order=10)
def profile_communities(request: HttpRequest, *, person: Any, **_: Any):
    return "communities/sections/profile_communities.html", {
        "communities": selectors.communities_of(viewer=request.user, person=person),
    }
