"""A community's outgoing webhooks, for its facilitators: add, change, pause, remove, and the
delivery log with re-sending."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from practica.accounts.http import AuthedHttpRequest
from practica.communities import policy
from practica.communities import selectors as community_selectors
from practica.core.forms import add_service_errors
from practica.core.pagination import InvalidCursor
from practica.notifications import registry, selectors, services
from practica.notifications.forms import WebhookForm


def _community(request: AuthedHttpRequest, slug: str):
    community = community_selectors.community_get(user=request.user, slug=slug)
    policy.authorize(request.user, "community.manage_webhooks", community)
    return community


def _context(request: AuthedHttpRequest, community) -> dict:
    return {
        "community": community,
        "tab": "manage",
        "membership": policy.membership(request.user, community),
        "can_read": policy.can(request.user, "community.read", community),
        "can_edit": policy.can(request.user, "community.edit", community),
    }


def _hooks(request: AuthedHttpRequest, community) -> list:
    labels = {e.name: e.label for e in registry.webhook_events.values()}
    hooks = selectors.webhooks_of(user=request.user, community=community)
    for h in hooks:
        h.labels = [labels.get(e, e) for e in h.events]  # type: ignore[attr-defined]
    return hooks


@login_required
def webhook_list(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    form = WebhookForm(request.POST or None, initial={"active": True, "format": "json"})
    secret, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                hook, secret = services.webhook_create(
                    actor=request.user, community=community, url=data["url"],
                    events=data["events"], format=data["format"],
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                # The secret is shown on this one answer and never again (no redirect to lose it).
                messages.success(
                    request, "Webhook added. Copy its secret now: it is not shown again."
                )
                form = WebhookForm(initial={"active": True, "format": "json"})
                return render(request, "notifications/webhooks.html", {
                    **_context(request, community), "form": form, "secret": secret, "new": hook,
                    "hooks": _hooks(request, community),
                }, status=201)  # fmt: skip
        status = 400
    context = {
        **_context(request, community),
        "form": form,
        "hooks": _hooks(request, community),
    }
    return render(request, "notifications/webhooks.html", context, status=status)


@login_required
def webhook_detail(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    community = _community(request, slug)
    hook = selectors.webhook_get(user=request.user, pk=pk, community=community)
    initial = {"url": hook.url, "events": hook.events, "format": hook.format, "active": hook.active}
    form = WebhookForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.webhook_update(
                    actor=request.user, webhook=hook, url=data["url"], events=data["events"],
                    format=data["format"], active=data["active"],
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Webhook saved.")
                return redirect("notifications:webhook", slug=community.slug, pk=hook.pk)
        status = 400
    try:
        page = selectors.deliveries_of(
            user=request.user, webhook=hook, cursor=request.GET.get("cursor")
        )
    except InvalidCursor as exc:
        return HttpResponseBadRequest(str(exc))
    context = {**_context(request, community), "hook": hook, "form": form, "page": page}
    return render(request, "notifications/webhook.html", context, status=status)


@login_required
@require_POST
def webhook_delete(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    community = _community(request, slug)
    hook = selectors.webhook_get(user=request.user, pk=pk, community=community)
    services.webhook_delete(actor=request.user, webhook=hook)
    messages.success(request, "Webhook removed.")
    return redirect("notifications:webhooks", slug=community.slug)


@login_required
@require_POST
def delivery_redeliver(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    community = _community(request, slug)
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    if delivery.webhook.community_id != community.pk:
        return redirect("notifications:webhooks", slug=community.slug)
    services.delivery_redeliver(actor=request.user, delivery=delivery)
    messages.success(request, "Queued to be sent again.")
    return redirect("notifications:webhook", slug=community.slug, pk=delivery.webhook_id)
