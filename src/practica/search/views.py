"""The search page, the header's instant results, similar questions on the ask page, and "who
knows about this?". Each view parses, calls a selector, renders (a fragment when htmx asks)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from practica.accounts.http import AuthedHttpRequest
from practica.communities import policy
from practica.communities.models import Community
from practica.core.htmx import render_page
from practica.core.pagination import InvalidCursor
from practica.search import people, selectors
from practica.search.forms import ExpertsForm, SearchForm
from practica.search.selectors import Results

INSTANT_LIMIT = 6


def _communities(request: AuthedHttpRequest) -> list[Community]:
    """The communities to choose from in the filters: those the searcher may read."""
    return list(
        Community.objects.filter(policy.readable_communities_q(request.user))
        .order_by("name")
        .only("pk", "name", "slug")
    )


@login_required
def search(request: AuthedHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results = Results()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            results = selectors.search(
                user=request.user,
                q=data["q"],
                kind=data["kind"],
                community=data["community"].strip(),
                tag=data["tag"].strip(),
                author=data["author"].strip(),
                solved=data["solved"],
                after=data["after"],
                before=data["before"],
                cursor=request.GET.get("cursor"),
            )
        except InvalidCursor as exc:
            return HttpResponseBadRequest(str(exc))
    params = request.GET.copy()
    params.pop("cursor", None)
    context = {
        "form": form,
        "results": results,
        "searched": form.is_bound and not results.query.is_empty,
        "communities": _communities(request),
        "more_params": params.urlencode(),
        "q": request.GET.get("q", "")[:200],
    }
    return render_page(request, "search/search.html", context, partial="results")


@login_required
def instant(request: AuthedHttpRequest) -> HttpResponse:
    """The header's drop-down: the first few results as you type (a fragment)."""
    q = request.GET.get("q", "")[:1000]
    results = selectors.search(
        user=request.user, q=q, limit=INSTANT_LIMIT, instant=True, count=False
    )
    response = render(request, "search/_instant.html", {"results": results, "q": q})
    response.headers["Vary"] = "HX-Request"
    return response


@login_required
def similar(request: AuthedHttpRequest) -> HttpResponse:
    """Questions like the title being written on the ask page (a fragment)."""
    slug = request.GET.get("community", "")[:50]
    community = selectors.readable_community(user=request.user, slug=slug) if slug else None
    found = selectors.similar(
        user=request.user, title=request.GET.get("title", "")[:1000], community=community
    )
    return render(request, "search/_similar.html", {"similar": found, "community": community})


@login_required
def experts(request: AuthedHttpRequest) -> HttpResponse:
    form = ExpertsForm(request.GET or None)
    found: list[people.Expert] = []
    community = None
    topic = ""
    if form.is_bound and form.is_valid():
        topic = people.topic_of(form.cleaned_data["topic"])
        slug = form.cleaned_data["community"].strip()
        if slug:
            community = selectors.readable_community(user=request.user, slug=slug)
        found = people.experts(user=request.user, topic=topic, community=community)
    context = {
        "form": form,
        "experts": found,
        "topic": topic,
        "community": community,
        "communities": _communities(request),
    }
    return render_page(request, "search/experts.html", context, partial="results")
