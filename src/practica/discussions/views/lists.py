"""Thread lists, asking (with the markdown preview), tags and "asked of me"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from practica.accounts.http import AuthedHttpRequest
from practica.communities import policy
from practica.communities import selectors as community_selectors
from practica.communities.models import Community
from practica.core.forms import add_service_errors
from practica.core.htmx import render_page
from practica.core.pagination import InvalidCursor
from practica.discussions import selectors, services
from practica.discussions.forms import (
    TagForm,
    TagMergeForm,
    ThreadForm,
)
from practica.discussions.models import Kind
from practica.discussions.views.common import (
    community_context,
    readable_community,
)

# The list tabs: what each one asks the selector for.
LIST_TABS = {
    "latest": {"sort": "latest", "status": "all"},
    "unanswered": {"sort": "new", "status": "unanswered"},
    "top": {"sort": "top", "status": "all"},
    "newest": {"sort": "new", "status": "all"},
    "solved": {"sort": "latest", "status": "solved"},
}
PERIODS = [("week", "This week"), ("month", "This month"), ("all", "All time")]


# --- Lists --------------------------------------------------------------------------------------


def _thread_list(request: AuthedHttpRequest, slug: str, kind: str) -> HttpResponse:
    community = readable_community(request, slug)
    show = request.GET.get("show", "latest")
    tabs = (
        ["latest", "unanswered", "top", "solved"] if kind == Kind.QUESTION else ["latest", "newest"]
    )
    show = show if show in tabs else "latest"
    period = request.GET.get("period", "all")
    period = period if period in dict(PERIODS) else "all"
    tag = request.GET.get("tag", "").strip()[:50]
    try:
        page = selectors.thread_list(
            user=request.user,
            community=community,
            kind=kind,
            tag=tag,
            period=period,
            cursor=request.GET.get("cursor"),
            sort=LIST_TABS[show]["sort"],
            status=LIST_TABS[show]["status"],
        )
    except InvalidCursor as exc:
        return HttpResponseBadRequest(str(exc))
    context = community_context(
        request, community, "questions" if kind == Kind.QUESTION else "discussions"
    )
    context.update(
        {
            "page": page,
            "kind": kind,
            "show": show,
            "tabs": tabs,
            "period": period,
            "periods": PERIODS,
            "tag": tag,
            "tags": selectors.active_tags(user=request.user, community=community),
            "list_url": request.path,
        }
    )
    return render_page(request, "discussions/list.html", context, partial="thread_rows")


@login_required
def questions(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    return _thread_list(request, slug, Kind.QUESTION)


@login_required
def discussions(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    return _thread_list(request, slug, Kind.DISCUSSION)


@login_required
def asked(request: AuthedHttpRequest) -> HttpResponse:
    return render_page(
        request, "discussions/asked.html", {"requests": selectors.asked_of(user=request.user)}
    )


# --- Asking and previewing ------------------------------------------------------------------------


@login_required
def ask(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """Ask a question, or (`?kind=discussion`) start a discussion. Members only; others are told
    how to join."""
    community = community_selectors.community_get(user=request.user, slug=slug)
    kind = request.GET.get("kind", Kind.QUESTION)
    form = ThreadForm(
        request.POST or None,
        initial={"kind": kind if kind in Kind.values else Kind.QUESTION},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thread = services.thread_create(
                author=request.user,
                community=community,
                title=data["title"],
                body=data["body"],
                kind=data["kind"],
                tags=form.tag_list(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Your question is up. You follow it: answers will reach you."
                if thread.is_question
                else "Your discussion is up.",
            )
            return redirect(thread)
    context = community_context(request, community, "ask")
    context["form"] = form
    return render_page(request, "discussions/ask.html", context, status=400 if form.errors else 200)


@login_required
def ask_any(request: AuthedHttpRequest) -> HttpResponse:
    """The header's "Ask": straight to the one community someone is in, or a choice of theirs."""
    mine = community_selectors.community_directory(user=request.user, mine=True, limit=50).items
    if len(mine) == 1:
        return redirect("discussions:ask", slug=mine[0].slug)
    return render_page(request, "discussions/ask_any.html", {"mine": mine})


@login_required
@require_POST
def preview(request: AuthedHttpRequest) -> HttpResponse:
    """The markdown of `body` rendered and sanitised, for the live preview under an editor."""
    text = request.POST.get("body", "")
    if len(text) > services.BODY_MAX:
        return HttpResponseBadRequest(
            format_html('<p class="error">Too long to preview ({} characters).</p>', len(text))
        )
    if not text.strip():
        return HttpResponse('<p class="muted">Nothing to preview yet.</p>')
    return HttpResponse(services.render_body(text))


# --- Tags ---------------------------------------------------------------------------------------


@login_required
def tags(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    community = readable_community(request, slug)
    context = community_context(request, community, "tags")
    context["tag_rows"] = selectors.tag_list(user=request.user, community=community)
    return render_page(request, "discussions/tags.html", context)


def _tag_page(
    request: AuthedHttpRequest,
    community: Community,
    tag: Any,
    *,
    form: TagForm | None = None,
    merge_form: TagMergeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        page = selectors.thread_list(
            user=request.user, community=community, tag=tag.name, cursor=request.GET.get("cursor")
        )
    except InvalidCursor as exc:
        return HttpResponseBadRequest(str(exc))
    context = community_context(request, community, "tags")
    context.update(
        {
            "tag": tag,
            "page": page,
            "can_manage_tag": policy.can(request.user, "tag.manage", tag),
            "form": form or TagForm(initial={"name": tag.name, "description": tag.description}),
            "merge_form": merge_form or TagMergeForm(),
        }
    )
    return render_page(
        request, "discussions/tag.html", context, partial="thread_rows", status=status
    )


@login_required
def tag_detail(request: AuthedHttpRequest, slug: str, tag: str) -> HttpResponse:
    community = readable_community(request, slug)
    return _tag_page(
        request, community, selectors.tag_get(user=request.user, community=community, name=tag)
    )


@login_required
@require_POST
def tag_edit(request: AuthedHttpRequest, slug: str, tag: str) -> HttpResponse:
    community = readable_community(request, slug)
    found = selectors.tag_get(user=request.user, community=community, name=tag)
    form = TagForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            found = services.tag_update(
                actor=request.user,
                tag=found,
                name=data["name"] or None,
                description=data["description"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved the tag “{found.name}”.")
            return redirect(found)
    found.refresh_from_db()
    return _tag_page(request, community, found, form=form, status=400)


@login_required
@require_POST
def tag_merge(request: AuthedHttpRequest, slug: str, tag: str) -> HttpResponse:
    community = readable_community(request, slug)
    source = selectors.tag_get(user=request.user, community=community, name=tag)
    form = TagMergeForm(request.POST)
    if form.is_valid():
        name = form.cleaned_data["target"].strip().lower()
        try:
            target = selectors.tag_get(user=request.user, community=community, name=name)
            target = services.tag_merge(actor=request.user, source=source, target=target)
        except Http404:
            form.add_error("target", f"There is no tag “{name}” here.")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Merged “{tag}” into “{target.name}”.")
            return redirect(target)
    return _tag_page(request, community, source, merge_form=form, status=400)
