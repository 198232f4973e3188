"""The practice log: the form (also reached from a card, `?card=<id>`) and one's entries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse

from practica.accounts.http import AuthedHttpRequest
from practica.communities import policy
from practica.communities.models import Community
from practica.core.forms import add_service_errors
from practica.core.htmx import go, render_page
from practica.learning import selectors, services
from practica.learning.forms import PracticeForm


def _my_communities(request: AuthedHttpRequest) -> list[Community]:
    ids = [cid for cid, m in policy.memberships_of(request.user).items() if m.is_active]
    return list(Community.objects.filter(pk__in=ids).order_by("name"))


@login_required
def practice(request: AuthedHttpRequest) -> HttpResponse:
    communities = _my_communities(request)
    by_slug = {c.slug: c for c in communities}
    card = None
    raw_card = request.POST.get("card") or request.GET.get("card") or ""
    if raw_card.isdigit() and int(raw_card) < 2**31:
        card = selectors.card_get(user=request.user, pk=int(raw_card))
    if request.method == "POST":
        form = PracticeForm(request.POST, communities=communities)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.practice_log(
                    user=request.user,
                    tried=data["tried"],
                    happened=data["happened"],
                    visibility=data["visibility"],
                    community=by_slug.get(data["community"]),
                    card=card,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    "Logged, and posted as a discussion."
                    if entry.thread_id
                    else "Logged in your practice log.",
                )
                return go(request, reverse("learning:practice"))
    else:
        initial: dict[str, object] = {"card": card.pk if card else None}
        if card is not None:
            initial["tried"] = card.prompt
        form = PracticeForm(initial=initial, communities=communities)
    context = {
        "form": form,
        "card": card,
        "entries": selectors.practice_entries(user=request.user),
        "has_manager": request.user.manager_id is not None,
    }
    status = 400 if form.errors else 200
    return render_page(
        request, "learning/practice.html", context, partial="practice_form", status=status
    )
