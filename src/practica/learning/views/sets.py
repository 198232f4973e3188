"""Card sets: a community's list (and the facilitators' form), one set, adopting it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.views.decorators.http import require_POST

from practica.accounts.http import AuthedHttpRequest
from practica.communities import policy
from practica.communities import selectors as community_selectors
from practica.core.forms import add_service_errors
from practica.core.htmx import go, render_page
from practica.learning import selectors, services
from practica.learning.forms import CardSetForm
from practica.learning.services.sets import parse_cards


@login_required
def card_sets(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    community = community_selectors.community_get(user=request.user, slug=slug)
    found = selectors.card_sets(user=request.user, community=community)  # 404 unless readable
    can_publish = policy.can(request.user, "card_set.create", community)
    form = CardSetForm(request.POST or None)
    if request.method == "POST":
        policy.authorize(request.user, "card_set.create", community)
        if form.is_valid():
            try:
                card_set = services.card_set_create(
                    author=request.user,
                    community=community,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    cards=parse_cards(form.cleaned_data["cards"]),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"“{card_set.title}” is published for members.")
                return go(request, card_set.get_absolute_url())
    context = {
        "community": community,
        "sets": found,
        "form": form if can_publish else None,
    }
    status = 400 if form.errors else 200
    return render_page(request, "learning/card_sets.html", context, status=status)


@login_required
def card_set(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    found = selectors.card_set_get(user=request.user, pk=pk)
    return render_page(
        request,
        "learning/card_set.html",
        {"set": found, "community": found.community},
        partial="adopt",
    )


@login_required
@require_POST
def card_set_adopt(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    found = selectors.card_set_get(user=request.user, pk=pk)
    added = services.card_set_adopt(user=request.user, card_set=found)
    if added:
        messages.success(request, f"{added} card{'s' if added != 1 else ''} added to your review.")
    else:
        messages.info(request, "You already have every card of this set.")
    if getattr(request, "htmx", False):
        return card_set(request, pk)
    return go(request, found.get_absolute_url())
