"""Writes of the notifications app (every one in `transaction.atomic`)."""

from practica.notifications.services.fanout import event_fan_out, notifications_forget
from practica.notifications.services.inbox import (
    community_level_set,
    notifications_mark_read,
    preference_update,
    unsubscribe,
)
from practica.notifications.services.webhooks import (
    delivery_attempt,
    delivery_redeliver,
    webhook_create,
    webhook_delete,
    webhook_update,
    webhooks_dispatch,
)

__all__ = [
    "community_level_set",
    "delivery_attempt",
    "delivery_redeliver",
    "event_fan_out",
    "notifications_forget",
    "notifications_mark_read",
    "preference_update",
    "unsubscribe",
    "webhook_create",
    "webhook_delete",
    "webhook_update",
    "webhooks_dispatch",
]
