"""Notifications, preferences and outgoing webhooks.

A Notification is one line in a person's bell: a kind (see `kinds.py`), what it is about (the
community and, when there is one, the thread, answer or comment), who did it, and how many events it
gathers ("5 new answers on …": while unread, events with the same `group_key` add to one row).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from practica.communities.models import Community


class Notification(models.Model):
    class Email(models.TextChoices):
        NONE = "", "not emailed"
        PENDING = "pending", "to send"
        HELD = "held", "held for quiet hours"
        SENT = "sent", "sent"
        SKIPPED = "skipped", "not sent (no longer visible)"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=60)
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # What the notification is about, by id (content apps are not imported by the model: a later
    # kind may point at a live session). `target_type` names the policy object ("thread", ...).
    target_type = models.CharField(max_length=30, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    thread_id = models.BigIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=300, help_text="What it is about: a thread's title…")
    url = models.CharField(max_length=500)
    group_key = models.CharField(max_length=120)
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(max_length=10, choices=Email.choices, blank=True, default="")

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            # The bell's count and the unread filter: one index range per person.
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread"),
            models.Index(fields=["recipient", "updated_at", "id"], name="notif_recipient_recent"),
            models.Index(
                fields=["email_state"], name="notif_email_held", condition=Q(email_state="held")
            ),
        ]
        constraints = [
            # One unread row per person and group: the next event of the group adds to it.
            models.UniqueConstraint(
                fields=["recipient", "group_key"],
                condition=Q(read_at__isnull=True),
                name="notif_one_unread_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.title}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Digest(models.TextChoices):
    OFF = "off", "No digest"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class Preference(models.Model):
    """One person's choices; made with the defaults the first time they are needed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    # {kind: ["in_app", "email"]} for the kinds a person changed; the rest follow kinds.py.
    channels = models.JSONField(default=dict, blank=True)
    digest = models.CharField(max_length=10, choices=Digest.choices, default=Digest.WEEKLY)
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    timezone = models.CharField(max_length=60, default="UTC")
    # The last digest period sent ("daily:2026-11-28"): claimed by a conditional update so a
    # retried or doubled run never sends a person the same digest twice.
    last_digest_key = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Preferences of {self.user_id}"


class Level(models.TextChoices):
    WATCH = "watch", "Watch: every new question and discussion"
    NORMAL = "normal", "Normal: what I wrote, follow or am asked"
    MUTE = "mute", "Mute: only what is addressed to me"


class CommunityLevel(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_levels"
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.NORMAL)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="notif_level_unique"),
        ]
        indexes = [models.Index(fields=["community", "level"], name="notif_level_watchers")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.level}s {self.community_id}"


class Webhook(models.Model):
    class Format(models.TextChoices):
        JSON = "json", "JSON (signed)"
        SLACK = "slack", "Slack / Teams compatible"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.JSON)
    # Kept as is so it can sign (see docs/decisions.md); shown once, when made, never again.
    secret = models.CharField(max_length=100, editable=False)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Webhook {self.pk} of {self.community_id} to {self.url}"


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Sending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=60)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)
    redelivery_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["webhook", "created_at", "id"], name="notif_delivery_recent"),
            models.Index(fields=["state", "next_attempt_at"], name="notif_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to webhook {self.webhook_id} ({self.state})"
