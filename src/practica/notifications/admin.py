"""Administrators see notifications, webhooks and every delivery (failures first to find), and the
record of scheduled runs. Failed background tasks, with tracebacks, are under "Django Tasks
Database" (django_tasks_db's own admin)."""

from django.contrib import admin

from practica.core.models import ScheduledRun
from practica.notifications.models import Delivery, Notification, Preference, Webhook


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "title", "count", "updated_at", "read_at", "email_state")
    list_filter = ("kind", "email_state")
    raw_id_fields = ("recipient", "actor", "community")
    search_fields = ("title", "recipient__email")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "digest", "quiet_start", "quiet_end", "timezone", "last_digest_key")
    raw_id_fields = ("user",)


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ("community", "url", "format", "active", "created_at")
    list_filter = ("active", "format")
    exclude = ("secret",)
    raw_id_fields = ("community", "created_by")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "webhook",
        "event",
        "state",
        "attempts",
        "response_status",
        "error",
        "created_at",
    )
    list_filter = ("state", "event")
    raw_id_fields = ("webhook", "redelivery_of")
    readonly_fields = ("payload",)


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ("job", "period_key", "claimed_by", "claimed_at")
    list_filter = ("job",)
