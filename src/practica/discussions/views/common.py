"""Helpers shared by the thread pages: loading what the URL names, and refusing a small action."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.urls import reverse

from practica.communities import policy
from practica.communities import selectors as community_selectors
from practica.communities.models import Community
from practica.discussions import selectors
from practica.discussions.models import Answer, Comment, Thread

# --- Helpers ------------------------------------------------------------------------------------


def community_context(request: HttpRequest, community: Community, tab: str) -> dict:
    """What communities/_header.html needs."""
    user = request.user
    can_manage = policy.can(user, "community.manage_members", community)
    return {
        "community": community,
        "tab": tab,
        "membership": policy.membership(user, community),
        "can_read": policy.can(user, "community.read", community),
        "can_join": policy.can(user, "community.join", community),
        "can_request": policy.can(user, "community.request", community),
        "can_manage": can_manage,
        "can_edit": policy.can(user, "community.edit", community),
        "can_contribute": policy.can(user, "community.contribute", community),
        "requests": community_selectors.join_requests(user=user, community=community)
        if can_manage
        else [],
    }


def readable_community(request: HttpRequest, slug: str) -> Community:
    community = community_selectors.community_get(user=request.user, slug=slug)
    if not policy.can(request.user, "community.read", community):
        raise Http404("No such page.")
    return community


def get_thread(request: HttpRequest, slug: str, pk: int) -> Thread:
    thread = selectors.thread_get(user=request.user, pk=pk)
    if thread.community.slug != slug:
        raise Http404("No such thread.")
    return thread


def get_answer(request: HttpRequest, slug: str, pk: int) -> Answer:
    answer = selectors.answer_get(user=request.user, pk=pk)
    if answer.thread.community.slug != slug:
        raise Http404("No such answer.")
    return answer


def get_comment(request: HttpRequest, slug: str, pk: int) -> Comment:
    comment = selectors.comment_get(user=request.user, pk=pk)
    if comment.thread.community.slug != slug:
        raise Http404("No such comment.")
    return comment


def list_url(thread: Thread) -> str:
    name = "discussions:questions" if thread.is_question else "discussions:discussions"
    return reverse(name, kwargs={"slug": thread.community.slug})
