"""The daily review: one card at a time, its prompt, then its point, then Again/Hard/Good/Easy.
Without JavaScript "Show the point" is a link and the ratings are a form; with htmx both swap the
review panel; review.js adds the keys (space to show, 1-4 to rate)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from practica.accounts.http import AuthedHttpRequest
from practica.core.htmx import go, render_page
from practica.learning import scheduling, selectors, services
from practica.learning.forms import ReviewForm
from practica.learning.services import AlreadyReviewed


def _panel(
    request: AuthedHttpRequest, *, status: int = 200, error: str = "", reveal_asked: bool = True
) -> HttpResponse:
    card, left = selectors.next_card(user=request.user)
    reveal = reveal_asked and card is not None and request.GET.get("reveal") == str(card.pk)
    context = {
        "card": card,
        "left": left,
        "reveal": reveal,
        "ratings": scheduling.RATINGS.items(),
        "error": error,
        "progress": selectors.progress(user=request.user) if card is None else None,
    }
    return render_page(request, "learning/review.html", context, partial="panel", status=status)


@login_required
def review(request: AuthedHttpRequest) -> HttpResponse:
    return _panel(request)


@login_required
@require_POST
def review_submit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    card = selectors.card_get(user=request.user, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _panel(request, status=400, error="Choose Again, Hard, Good or Easy.")
    try:
        services.card_review(
            actor=request.user,
            card=card,
            rating=form.cleaned_data["rating"],
            number=form.cleaned_data["n"],
        )
    except AlreadyReviewed as exc:
        messages.info(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if getattr(request, "htmx", False):
        return _panel(request, reveal_asked=False)
    return go(request, reverse("learning:review"))
