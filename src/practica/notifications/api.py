"""Notifications, preferences and webhooks over HTTP (the same services and selectors as the pages)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any, Literal

from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import model_validator

from practica.accounts.http import AuthedHttpRequest
from practica.api.schemas import ErrorOut, absolute
from practica.communities import selectors as community_selectors
from practica.communities.models import Community
from practica.notifications import preferences, registry, selectors, services
from practica.notifications.models import Delivery, Notification, Webhook

router = Router(tags=["notifications"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
Channel = Literal["in_app", "email"]
LevelLit = Literal["watch", "normal", "mute"]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
RowId = Annotated[int, Field(ge=1, le=2**31 - 1)]


class ObjectIn(Schema):
    """A request body: a JSON object (ninja would otherwise take `[null, null]` for no fields)."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        raw = getattr(data, "_obj", data)  # ninja wraps the request data in a DjangoGetter
        if not isinstance(raw, dict):
            raise ValueError("Send a JSON object.")
        return data


class NotificationOut(Schema):
    id: int
    url: str = Field(description="The page of the thing it is about.")
    kind: str
    text: str = Field(description="What happened, in words (“3 new answers on …”).")
    title: str
    count: int
    actor: str | None
    community: str | None = Field(description="The community's slug, when there is one.")
    unread: bool
    created_at: datetime
    updated_at: datetime


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    unread_count: int


class ReadIn(ObjectIn):
    ids: list[RowId] | None = Field(None, description="Mark these read; omit to mark all.")
    kind: str = Field("", max_length=60, description="With no ids: only this kind.")


class ReadOut(Schema):
    marked: int
    unread_count: int


class LevelOut(Schema):
    id: int = Field(description="The community's id.")
    url: str
    slug: str = Field(max_length=50)
    level: LevelLit


class LevelIn(ObjectIn):
    slug: str = Field(max_length=50)
    level: LevelLit


class PreferencesOut(Schema):
    id: int = Field(description="The person's user id.")
    url: str
    channels: dict[str, list[Channel]] = Field(description="For every kind, its channels.")
    emailable: list[str] = Field(description="The kinds that may be sent by email.")
    digest: Literal["off", "daily", "weekly"]
    quiet_start: str | None = Field(description="HH:MM in the person's time zone, or null.")
    quiet_end: str | None = Field(description="HH:MM in the person's time zone, or null.")
    timezone: str
    communities: list[LevelOut]


class PreferencesIn(ObjectIn):
    channels: dict[str, list[Channel]] | None = None
    digest: Literal["off", "daily", "weekly"] | None = None
    quiet_start: time | None = None
    quiet_end: time | None = None
    clear_quiet_hours: bool = False
    timezone: str | None = Field(None, max_length=60)
    communities: list[LevelIn] | None = None


class WebhookOut(Schema):
    id: int
    url: str = Field(description="The webhook's page.")
    target: str = Field(description="The address deliveries are posted to.")
    community: str
    events: list[str]
    format: Literal["json", "slack"]
    active: bool
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="Signs deliveries (X-Practica-Signature). Shown only now.")


class WebhookIn(ObjectIn):
    target: str = Field(max_length=500, description="http:// or https:// address to post to.")
    events: list[str]
    format: Literal["json", "slack"] = "json"


class WebhookPatch(ObjectIn):
    target: str | None = Field(None, max_length=500)
    events: list[str] | None = None
    format: Literal["json", "slack"] | None = None
    active: bool | None = None


class DeliveryOut(Schema):
    id: int
    url: str
    webhook_id: int
    event: str
    state: Literal["pending", "sending", "succeeded", "failed"]
    attempts: int
    response_status: int | None
    error: str
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    payload: dict[str, Any]


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


def _notification_out(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.pk,
        url=absolute(n.url),
        kind=n.kind,
        text=getattr(n, "text", "") or selectors.text_of(n),
        title=n.title,
        count=n.count,
        actor=n.actor.name if n.actor else None,
        community=n.community.slug if n.community else None,
        unread=n.read_at is None,
        created_at=n.created_at,
        updated_at=n.updated_at,
    )


def _webhook_url(h: Webhook) -> str:
    return absolute(reverse("notifications:webhook", kwargs={"slug": h.community.slug, "pk": h.pk}))


def _webhook_out(h: Webhook, cls: Any = WebhookOut, **extra: Any) -> Any:
    return cls(
        id=h.pk,
        url=_webhook_url(h),
        target=h.url,
        community=h.community.slug,
        events=h.events,
        format=h.format,
        active=h.active,
        created_at=h.created_at,
        **extra,
    )


def _delivery_out(d: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=d.pk,
        url=_webhook_url(d.webhook) + f"#delivery-{d.pk}",
        webhook_id=d.webhook_id,
        event=d.event,
        state=d.state,  # type: ignore[arg-type]
        attempts=d.attempts,
        response_status=d.response_status,
        error=d.error,
        next_attempt_at=d.next_attempt_at,
        created_at=d.created_at,
        delivered_at=d.delivered_at,
        payload=d.payload,
    )


def _preferences_out(request: AuthedHttpRequest) -> PreferencesOut:
    user = request.user
    pref = preferences.preference_for(user.pk)
    return PreferencesOut(
        id=user.pk,
        url=absolute(reverse("notifications:preferences")),
        channels={k: list(preferences.channels(pref, k)) for k in registry.kinds},  # type: ignore[misc,arg-type]
        emailable=[k for k, v in registry.kinds.items() if v.email],
        digest=pref.digest,  # type: ignore[arg-type]
        quiet_start=pref.quiet_start.strftime("%H:%M") if pref.quiet_start else None,
        quiet_end=pref.quiet_end.strftime("%H:%M") if pref.quiet_end else None,
        timezone=pref.timezone,
        communities=[
            LevelOut(
                id=row.community.pk,
                url=absolute(row.community.get_absolute_url()),
                slug=row.community.slug,
                level=row.level,  # type: ignore[arg-type]
            )
            for row in selectors.community_levels(user=user)
        ],
    )


@router.get("/notifications", response={200: NotificationPage, **ERRORS},
            summary="Your notifications, latest activity first")  # fmt: skip
def notification_list(
    request: AuthedHttpRequest,
    unread: bool = False,
    kind: str = "",
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),
):
    page = selectors.notification_list(
        user=request.user, unread=unread, kind=kind[:60], cursor=cursor, limit=limit
    )
    return NotificationPage(
        items=[_notification_out(n) for n in page.items],
        next_cursor=page.next_cursor,
        unread_count=selectors.unread_count(user=request.user),
    )


@router.post("/notifications/read", response={200: ReadOut, **ERRORS},
             summary="Mark notifications read: these ids, or all (of a kind)")  # fmt: skip
def notification_read(request: AuthedHttpRequest, payload: ReadIn):
    marked = services.notifications_mark_read(
        user=request.user, ids=payload.ids, kind=payload.kind[:60]
    )
    return ReadOut(marked=marked, unread_count=selectors.unread_count(user=request.user))


@router.get("/me/preferences", response={200: PreferencesOut, **ERRORS},
            summary="Your notification preferences")  # fmt: skip
def preferences_get(request: AuthedHttpRequest):
    return _preferences_out(request)


@router.put("/me/preferences", response={200: PreferencesOut, **ERRORS},
            summary="Change your notification preferences (what is given changes)")  # fmt: skip
def preferences_put(request: AuthedHttpRequest, payload: PreferencesIn):
    levels: list[tuple[Community, str]] = []
    for item in payload.communities or []:
        c = community_selectors.community_get(user=request.user, slug=item.slug)
        levels.append((c, item.level))
    services.preference_update(
        user=request.user,
        channels=payload.channels,  # type: ignore[arg-type]
        digest=payload.digest,
        quiet_start=payload.quiet_start,
        quiet_end=payload.quiet_end,
        clear_quiet_hours=payload.clear_quiet_hours,
        timezone_name=payload.timezone,
        levels=levels,
    )
    return _preferences_out(request)


@router.get("/communities/{slug}/webhooks", response={200: list[WebhookOut], **ERRORS},
            summary="A community's webhooks (facilitators and owners)")  # fmt: skip
def webhook_list(request: AuthedHttpRequest, slug: str):
    c = community_selectors.community_get(user=request.user, slug=slug)
    return [_webhook_out(h) for h in selectors.webhooks_of(user=request.user, community=c)]


@router.post("/communities/{slug}/webhooks", response={201: WebhookCreated, **ERRORS},
             summary="Add a webhook; its signing secret is in this answer only")  # fmt: skip
def webhook_create(request: AuthedHttpRequest, slug: str, payload: WebhookIn):
    c = community_selectors.community_get(user=request.user, slug=slug)
    hook, secret = services.webhook_create(
        actor=request.user, community=c, url=payload.target, events=payload.events,
        format=payload.format,
    )  # fmt: skip
    return Status(201, _webhook_out(hook, WebhookCreated, secret=secret))


@router.patch("/webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS},
              summary="Change a webhook: address, events, format, paused or not")  # fmt: skip
def webhook_update(request: AuthedHttpRequest, webhook_id: Id, payload: WebhookPatch):
    hook = selectors.webhook_get(user=request.user, pk=webhook_id)
    hook = services.webhook_update(
        actor=request.user, webhook=hook, url=payload.target, events=payload.events,
        format=payload.format, active=payload.active,
    )  # fmt: skip
    return _webhook_out(hook)


@router.delete("/webhooks/{webhook_id}", response={204: None, **ERRORS},
               summary="Remove a webhook and its delivery log")  # fmt: skip
def webhook_delete(request: AuthedHttpRequest, webhook_id: Id):
    hook = selectors.webhook_get(user=request.user, pk=webhook_id)
    services.webhook_delete(actor=request.user, webhook=hook)
    return Status(204, None)


@router.get("/webhooks/{webhook_id}/deliveries", response={200: DeliveryPage, **ERRORS},
            summary="A webhook's deliveries, newest first, with their response status")  # fmt: skip
def delivery_list(
    request: AuthedHttpRequest,
    webhook_id: Id,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),
):
    hook = selectors.webhook_get(user=request.user, pk=webhook_id)
    page = selectors.deliveries_of(user=request.user, webhook=hook, cursor=cursor, limit=limit)
    return DeliveryPage(items=[_delivery_out(d) for d in page.items], next_cursor=page.next_cursor)


@router.post("/webhook-deliveries/{delivery_id}/redeliver", response={201: DeliveryOut, **ERRORS},
             summary="Send a delivery's payload again, as a new delivery")  # fmt: skip
def delivery_redeliver(request: AuthedHttpRequest, delivery_id: Id):
    delivery = selectors.delivery_get(user=request.user, pk=delivery_id)
    again = services.delivery_redeliver(actor=request.user, delivery=delivery)
    return Status(201, _delivery_out(again))
