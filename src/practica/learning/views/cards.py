"""Keeping a takeaway, the list of one's cards, editing, suspending, deleting, and settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from practica.accounts.http import AuthedHttpRequest
from practica.core.forms import add_service_errors
from practica.core.htmx import fail, go, render_page
from practica.learning import selectors, services, sources
from practica.learning.forms import CardForm, KeepForm, SettingsForm


@login_required
def cards(request: AuthedHttpRequest) -> HttpResponse:
    """The person's cards, with streak-free progress."""
    state = request.GET.get("state", "all")
    state = state if state in ("all", "suspended", "to_try") else "all"
    context = {
        "cards": selectors.card_list(user=request.user, state=state),
        "state": state,
        "progress": selectors.progress(user=request.user),
        "due": selectors.due(user=request.user),
    }
    return render_page(request, "learning/cards.html", context, partial="card_list")


@login_required
def keep(request: AuthedHttpRequest) -> HttpResponse:
    """ "Keep this": a card from a thread, an answer or a comment (`?kind=answer&id=12`), or from
    nothing. The prompt starts as the source's title; the point is the person's own words."""
    data = request.POST if request.method == "POST" else request.GET
    kind, raw_id = data.get("kind", ""), data.get("id", "")
    found = None
    if kind or raw_id:
        if not raw_id.isdigit() or int(raw_id) > 2**31 - 1:
            raise Http404("No such content.")
        found = sources.get(user=request.user, kind=kind, pk=int(raw_id))
        if found is None:
            raise Http404("No such content.")
    source = sources.describe(*found) if found else None
    quote = data.get("quote", "")
    if request.method == "POST":
        form = KeepForm(request.POST)
        if form.is_valid():
            try:
                services.card_create(
                    owner=request.user,
                    prompt=form.cleaned_data["prompt"],
                    point=form.cleaned_data["point"],
                    source_kind=kind if found else "",
                    source_id=int(raw_id) if found else None,
                    quote=form.cleaned_data["quote"],
                    to_try=form.cleaned_data["to_try"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Kept. It will come up in your review.")
                return go(request, source.url if source else reverse("learning:cards"))
    else:
        initial = {"kind": kind, "id": raw_id, "quote": quote}
        if found:
            initial["prompt"] = found[0].title(found[1])[:300]
        form = KeepForm(initial=initial)
    shown_quote = ""
    if found:
        text = found[0].text(found[1])
        shown_quote = quote if quote and quote in text else text
    context = {"form": form, "source": source, "quote": shown_quote}
    status = 400 if form.errors else 200
    return render_page(request, "learning/keep.html", context, partial="keep_form", status=status)


@login_required
def card_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    card = selectors.card_get(user=request.user, pk=pk)
    if request.method == "POST":
        form = CardForm(request.POST)
        if form.is_valid():
            try:
                services.card_update(
                    actor=request.user,
                    card=card,
                    prompt=form.cleaned_data["prompt"],
                    point=form.cleaned_data["point"],
                    to_try=form.cleaned_data["to_try"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Card saved.")
                return go(request, reverse("learning:cards"))
    else:
        form = CardForm(initial={"prompt": card.prompt, "point": card.point, "to_try": card.to_try})
    status = 400 if form.errors else 200
    return render_page(
        request, "learning/card_edit.html", {"card": card, "form": form}, status=status
    )


@login_required
@require_POST
def card_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    card = selectors.card_get(user=request.user, pk=pk)
    services.card_delete(actor=request.user, card=card)
    messages.success(request, "Card deleted, with its review history.")
    return go(request, reverse("learning:cards"))


@login_required
@require_POST
def card_suspend(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    card = selectors.card_get(user=request.user, pk=pk)
    suspended = request.POST.get("suspended", "1") == "1"
    services.card_suspend(actor=request.user, card=card, suspended=suspended)
    messages.success(
        request, "Card suspended: it stays, out of review." if suspended else "Back in review."
    )
    return go(
        request,
        (request.POST.get("next") == "edit" and card.get_absolute_url())
        or reverse("learning:cards"),
    )


@login_required
@require_POST
def try_dismiss(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    card = selectors.card_get(user=request.user, pk=pk)
    try:
        services.try_prompt_dismiss(user=request.user, card=card)
    except PermissionDenied as exc:
        return fail(request, exc, reverse("home"))
    messages.success(request, "Noted. We will not ask about it again.")
    return go(request, reverse("home"))


@login_required
def learner_settings(request: AuthedHttpRequest) -> HttpResponse:
    prefs = selectors.learner_settings(user=request.user)
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.learner_settings_update(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Review settings saved.")
                return go(request, reverse("learning:settings"))
    else:
        form = SettingsForm(
            initial={
                "time_zone": prefs.time_zone,
                "desired_retention": prefs.desired_retention,
                "daily_new_limit": prefs.daily_new_limit,
            }
        )
    status = 400 if form.errors else 200
    return render_page(request, "learning/settings.html", {"form": form}, status=status)
