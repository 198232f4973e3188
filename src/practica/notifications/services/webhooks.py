"""Outgoing webhooks: facilitators' subscriptions, signed deliveries, retries and re-sending.

A delivery is a row first (what, to whom, its payload), then attempts: each one is claimed by a
conditional update (pending -> sending), so two workers never send it twice, goes through
`core.netguard` (no private addresses, checked on every redirect), and records the response status.
A failure is tried again with back-off (`core.retry.backoff`) up to MAX_ATTEMPTS, then marked
failed; a facilitator can re-send any delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from practica.accounts.models import User
from practica.communities import policy
from practica.communities.models import Community
from practica.core import netguard
from practica.core.retry import backoff
from practica.notifications import registry
from practica.notifications.models import Delivery, Webhook

MAX_ATTEMPTS = 6
USER_AGENT = "Practica-Webhooks/1"


def _clean(url: str | None, events: list[str] | None, fmt: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if url is not None:
        try:
            URLValidator(schemes=["http", "https"])(url)
            if len(url) > 500:
                raise ValidationError("too long")
            netguard.check_url(url)
        except netguard.BlockedAddress as exc:
            errors["url"] = str(exc)
        except ValidationError:
            errors["url"] = "Enter a full http:// or https:// address (at most 500 characters)."
    if events is not None:
        unknown = [e for e in events if e not in registry.webhook_events]
        if unknown:
            errors["events"] = f"Unknown events: {', '.join(unknown)}."
        elif not events:
            errors["events"] = "Pick at least one event."
    if fmt is not None and fmt not in Webhook.Format.values:
        errors["format"] = "Choose json or slack."
    return errors


def webhook_create(
    *, actor: User, community: Community, url: str, events: list[str], format: str = "json"
) -> tuple[Webhook, str]:
    """Add a webhook; returns it and its signing secret, which is never shown again."""
    policy.authorize(actor, "community.manage_webhooks", community)
    url = url.strip()
    errors = _clean(url, events, format)
    if errors:
        raise ValidationError(errors)
    secret = "whsec_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        hook = Webhook.objects.create(
            community=community,
            url=url,
            events=sorted(set(events)),
            format=format,
            secret=secret,
            created_by=actor,
        )
    return hook, secret


def webhook_update(
    *,
    actor: User,
    webhook: Webhook,
    url: str | None = None,
    events: list[str] | None = None,
    format: str | None = None,
    active: bool | None = None,
) -> Webhook:
    policy.authorize(actor, "community.manage_webhooks", webhook.community)
    url = url.strip() if url is not None else None
    errors = _clean(url, events, format)
    if errors:
        raise ValidationError(errors)
    fields = []
    for name, value in (("url", url), ("format", format), ("active", active)):
        if value is not None:
            setattr(webhook, name, value)
            fields.append(name)
    if events is not None:
        webhook.events = sorted(set(events))
        fields.append("events")
    if fields:
        with transaction.atomic():
            webhook.save(update_fields=fields)
    return webhook


def webhook_delete(*, actor: User, webhook: Webhook) -> None:
    policy.authorize(actor, "community.manage_webhooks", webhook.community)
    with transaction.atomic():
        webhook.delete()


def _enqueue(delivery_ids: list[int]) -> None:
    from practica.notifications.tasks import deliver_webhook

    for pk in delivery_ids:
        deliver_webhook.enqueue(delivery_id=pk)


def webhooks_dispatch(*, event: str, payload: dict[str, Any]) -> list[Delivery]:
    """A delivery for every active webhook of the event's community that picked `event`."""
    spec = registry.webhook_events.get(event)
    community_id = payload.get("community_id")
    if spec is None or community_id is None:
        return []
    hooks = [
        h
        for h in Webhook.objects.filter(community_id=community_id, active=True)
        if event in h.events
    ]
    if not hooks:
        return []
    body = spec.build(payload)
    if body is None:
        return []
    community = Community.objects.get(pk=body.community_id)
    envelope = {
        "event": event,
        "created_at": timezone.now().isoformat(),
        "community": {
            "id": community.pk,
            "slug": community.slug,
            "name": community.name,
            "url": _site(community.get_absolute_url()),
        },
        "data": body.data,
        "text": body.text,
    }
    with transaction.atomic():
        made = Delivery.objects.bulk_create(
            [Delivery(webhook=h, event=event, payload=envelope) for h in hooks]
        )
        ids = [d.pk for d in made]
        transaction.on_commit(lambda: _enqueue(ids))
    return made


def _site(path: str) -> str:
    from django.conf import settings

    return settings.SITE_URL + path


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value: HMAC-SHA256 of "<timestamp>.<body>" with the secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def request_for(delivery: Delivery) -> tuple[bytes, dict[str, str]]:
    hook = delivery.webhook
    if hook.format == Webhook.Format.SLACK:
        document: dict[str, Any] = {"text": delivery.payload.get("text", "")}
    else:
        document = {"id": delivery.pk, **delivery.payload}
    body = json.dumps(document, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Practica-Event": delivery.event,
        "X-Practica-Delivery": str(delivery.pk),
        "X-Practica-Timestamp": timestamp,
        "X-Practica-Signature": sign(hook.secret, timestamp, body),
    }
    return body, headers


def _still_there(delivery: Delivery) -> bool:
    """False when the post a delivery is about was deleted since."""
    from practica.discussions.models import Thread

    thread = (delivery.payload.get("data") or {}).get("thread") or {}
    if "id" not in thread:
        return True
    return Thread.objects.filter(pk=thread["id"], deleted_at__isnull=True).exists()


def delivery_attempt(*, delivery_id: int) -> Delivery | None:
    """Send a pending delivery once (None when another worker has it, or it is not pending)."""
    claimed = Delivery.objects.filter(pk=delivery_id, state=Delivery.State.PENDING).update(
        state=Delivery.State.SENDING, next_attempt_at=None
    )
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("webhook").get(pk=delivery_id)
    delivery.attempts += 1
    retry = True
    if not delivery.webhook.active:
        delivery.state, delivery.error, retry = (
            Delivery.State.FAILED,
            "The webhook is paused.",
            False,
        )
    elif not _still_there(delivery):
        delivery.state, delivery.error, retry = (
            Delivery.State.FAILED,
            "The post was deleted.",
            False,
        )
    else:
        body, headers = request_for(delivery)
        try:
            response = netguard.fetch(
                delivery.webhook.url, method="POST", body=body, headers=headers
            )
        except netguard.BlockedAddress as exc:
            delivery.response_status, delivery.error, retry = None, str(exc)[:300], False
        except Exception as exc:  # network failures of every kind: recorded, tried again
            delivery.response_status, delivery.error = None, f"{type(exc).__name__}: {exc}"[:300]
        else:
            delivery.response_status = response.status
            delivery.response_body = response.body[:2000].decode("utf-8", "replace")
            delivery.error = "" if 200 <= response.status < 300 else f"HTTP {response.status}"
        if not delivery.error:
            delivery.state, delivery.delivered_at = Delivery.State.SUCCEEDED, timezone.now()
    if delivery.state == Delivery.State.SENDING:
        if retry and delivery.attempts < MAX_ATTEMPTS:
            delivery.state = Delivery.State.PENDING
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        else:
            delivery.state = Delivery.State.FAILED
    with transaction.atomic():
        delivery.save(
            update_fields=[
                "state", "attempts", "next_attempt_at", "response_status", "response_body",
                "error", "delivered_at",
            ]
        )  # fmt: skip
    return delivery


def deliveries_due() -> list[int]:
    """Deliveries waiting for their next attempt whose time has come; each is queued."""
    ids = list(
        Delivery.objects.filter(
            state=Delivery.State.PENDING, next_attempt_at__lte=timezone.now()
        ).values_list("pk", flat=True)[:500]
    )
    _enqueue(ids)
    return ids


def delivery_redeliver(*, actor: User, delivery: Delivery) -> Delivery:
    """Send a delivery's payload again, as a new delivery (the old one stays in the log)."""
    policy.authorize(actor, "community.manage_webhooks", delivery.webhook.community)
    with transaction.atomic():
        again = Delivery.objects.create(
            webhook=delivery.webhook,
            event=delivery.event,
            payload=delivery.payload,
            redelivery_of=delivery,
        )
        transaction.on_commit(lambda: _enqueue([again.pk]))
    return again
