"""What the discussions app contributes to pages that gather from several apps."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from practica.communities import policy
from practica.core.sections import register
from practica.discussions import selectors


@register("home.main", order=10)
def home_feed(request: HttpRequest, **_: Any):
    feed = selectors.thread_list(user=request.user, limit=10).items
    has_communities = any(m.is_active for m in policy.memberships_of(request.user).values())
    return "discussions/sections/home_feed.html", {
        "feed": feed,
        "has_communities": has_communities,
    }


@register("home.side", order=10)
def home_asked(request: HttpRequest, **_: Any):
    waiting = [r for r in selectors.asked_of(user=request.user) if not getattr(r, "answered", 0)]
    return "discussions/sections/home_asked.html", {
        "asked": waiting[:5],
        "asked_more": len(waiting) > 5,
    }


@register("community.activity", order=10)
def community_activity(request: HttpRequest, *, community: Any, **_: Any):
    if not policy.can(request.user, "community.read", community):
        return None
    return "discussions/sections/community_activity.html", {
        "threads": selectors.thread_list(user=request.user, community=community, limit=6).items,
        "can_contribute": policy.can(request.user, "community.contribute", community),
    }


@register("profile.head", order=10)
def profile_reputation_total(request: HttpRequest, *, person: Any, **_: Any):
    total = selectors.reputation(user=person, viewer=request.user)
    return "discussions/sections/profile_reputation_head.html", {"reputation": total}


@register("profile.side", order=10)
def profile_reputation_by_community(request: HttpRequest, *, person: Any, **_: Any):
    by_community = selectors.reputation_by_community(user=person, viewer=request.user)
    return "discussions/sections/profile_reputation.html", {"by_community": by_community}
