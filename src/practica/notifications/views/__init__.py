from practica.notifications.views.inbox import (
    bell,
    community_levels,
    notification_list,
    notification_read,
    notifications_read_all,
    preferences,
    unsubscribe,
)
from practica.notifications.views.webhooks import (
    delivery_redeliver,
    webhook_delete,
    webhook_detail,
    webhook_list,
)

__all__ = [
    "bell",
    "community_levels",
    "delivery_redeliver",
    "notification_list",
    "notification_read",
    "notifications_read_all",
    "preferences",
    "unsubscribe",
    "webhook_delete",
    "webhook_detail",
    "webhook_list",
]
