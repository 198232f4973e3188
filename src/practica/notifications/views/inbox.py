"""A person's notifications, the bell, preferences and the no-log-in unsubscribe page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from practica.accounts.http import AuthedHttpRequest
from practica.communities.models import Community
from practica.core.forms import add_service_errors
from practica.core.htmx import render_page
from practica.core.pagination import InvalidCursor
from practica.notifications import emails, registry, selectors, services
from practica.notifications import preferences as prefs
from practica.notifications.forms import LEVEL_CHOICES, PreferencesForm


@login_required
def bell(request: AuthedHttpRequest) -> HttpResponse:
    """The header's bell with the unread count (htmx polls it; one count query)."""
    response = render(
        request, "notifications/_bell.html", {"unread": selectors.unread_count(user=request.user)}
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
def notification_list(request: AuthedHttpRequest) -> HttpResponse:
    unread = request.GET.get("filter") == "unread"
    kind = request.GET.get("kind", "")
    kind = kind if kind in registry.kinds else ""
    try:
        page = selectors.notification_list(
            user=request.user, unread=unread, kind=kind, cursor=request.GET.get("cursor")
        )
    except InvalidCursor as exc:
        return HttpResponseBadRequest(str(exc))
    context = {
        "page": page,
        "unread_filter": unread,
        "kind": kind,
        "kinds": registry.kinds.values(),
        "unread": selectors.unread_count(user=request.user),
    }
    return render_page(request, "notifications/list.html", context, partial="list")


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_POST
def notification_read(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Mark one read; then open what it is about (or go back, with `next`)."""
    n = selectors.notification_get(user=request.user, pk=pk)
    services.notifications_mark_read(user=request.user, ids=[n.pk])
    if request.POST.get("stay"):
        if getattr(request, "htmx", False):
            n = selectors.notification_get(user=request.user, pk=pk)
            n.text = selectors.text_of(n)  # type: ignore[attr-defined]
            return render(request, "notifications/_item.html", {"n": n})
        return redirect(_safe_next(request, reverse("notifications:list")))
    return redirect(n.url)


@login_required
@require_POST
def notifications_read_all(request: AuthedHttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    marked = services.notifications_mark_read(
        user=request.user, kind=kind if kind in registry.kinds else ""
    )
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    return redirect(_safe_next(request, reverse("notifications:list")))


def _initial(request: AuthedHttpRequest) -> dict:
    pref = prefs.preference_for(request.user.pk)
    initial: dict[str, object] = {
        "digest": pref.digest,
        "quiet_start": pref.quiet_start,
        "quiet_end": pref.quiet_end,
        "timezone": pref.timezone,
    }
    for key in registry.kinds:
        for channel in prefs.channels(pref, key):
            initial[f"{key}__{channel}"] = True
    return initial


def _preferences_page(request: AuthedHttpRequest, form: PreferencesForm, status: int = 200):
    context = {
        "form": form,
        "levels": selectors.community_levels(user=request.user),
        "level_choices": LEVEL_CHOICES,
    }
    return render(request, "notifications/preferences.html", context, status=status)


@login_required
def preferences(request: AuthedHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _preferences_page(request, PreferencesForm(initial=_initial(request)))
    form = PreferencesForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.preference_update(
                user=request.user,
                channels=form.channels(),
                digest=data["digest"],
                quiet_start=data["quiet_start"],
                quiet_end=data["quiet_end"],
                clear_quiet_hours=data["quiet_start"] is None,
                timezone_name=data["timezone"].strip() or "UTC",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your notification settings are saved.")
            return redirect("notifications:preferences")
    return _preferences_page(request, form, status=400)


@login_required
@require_POST
def community_levels(request: AuthedHttpRequest) -> HttpResponse:
    """Watch / normal / mute, for each community on the preferences page."""
    rows = {
        row.community.pk: row.community for row in selectors.community_levels(user=request.user)
    }
    levels: list[tuple[Community, str]] = []
    for key in request.POST:
        if key.startswith("level-") and key[6:].isdigit() and int(key[6:]) in rows:
            levels.append((rows[int(key[6:])], str(request.POST.get(key, ""))))
    try:
        services.preference_update(user=request.user, levels=levels)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, "Your community settings are saved.")
    return redirect(reverse("notifications:preferences") + "#communities")


@csrf_exempt  # RFC 8058 one-click: the mail provider posts without cookies; the token is the key
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link stops and a button; POST stops it. No log-in needed."""
    found = emails.read_unsubscribe_token(token)
    if found is None:
        raise Http404("This unsubscribe link is not valid.")
    user_id, list_name = found
    context = {"list_label": emails.list_label(list_name), "done": False}
    if request.method == "POST":
        try:
            services.unsubscribe(user_id=user_id, list_name=list_name)
        except ValidationError as exc:
            raise Http404("This unsubscribe link is not valid.") from exc
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)
