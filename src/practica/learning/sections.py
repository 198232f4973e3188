"""What the learning app contributes to pages that gather from several apps: the review box and
"did you try it?" on the home page, card sets on a community's overview, and "Keep this" on
threads, answers, comments and live notes (the "post.tools" slot, rendered into cached fragments:
it depends on nothing about the viewer)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from practica.communities import policy
from practica.core.sections import register
from practica.learning import selectors, sources


@register("home.side", order=5)
def home_review(request: HttpRequest, **_: Any):
    return "learning/sections/home_review.html", {
        "due": selectors.due(user=request.user),
        "progress": selectors.progress(user=request.user),
        "has_reports": selectors.has_reports(user=request.user),
    }


@register("home.main", order=5)
def home_try(request: HttpRequest, **_: Any):
    prompts = selectors.try_prompts(user=request.user)
    if not prompts:
        return None
    return "learning/sections/home_try.html", {"prompts": prompts}


@register("community.activity", order=30)
def community_card_sets(request: HttpRequest, *, community: Any, **_: Any):
    if not policy.can(request.user, "community.read", community):
        return None
    found = selectors.card_sets(user=request.user, community=community)[:3]
    can_publish = policy.can(request.user, "card_set.create", community)
    if not found and not can_publish:
        return None
    return "learning/sections/community_card_sets.html", {
        "sets": found,
        "can_publish": can_publish,
    }


@register("post.tools", order=10)
def keep_this(request: HttpRequest | None, *, kind: str = "", pk: int = 0, **_: Any):
    if kind not in sources.kinds() or not pk:
        return None
    return "learning/sections/keep_link.html", {"kind": kind, "pk": pk}
