"""Slow learning: takeaway cards under spaced review (FSRS), card sets that facilitators publish,
review logs, the practice log, and the weekly learning journal a person sends to their manager.

A card belongs to one person. Its scheduling fields mirror `fsrs.Card` (state, step, stability,
difficulty, due, last_review); `reps` counts its reviews and is the idempotency key of the next one
(ReviewLog is unique per card and number, so a retried review cannot be recorded twice).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from practica.communities.models import Community

User = settings.AUTH_USER_MODEL


class LearnerSettings(models.Model):
    """A person's review preferences (one row, made when first needed)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="learner_settings")
    time_zone = models.CharField(max_length=64, default="UTC")
    desired_retention = models.FloatField(default=0.9)
    daily_new_limit = models.PositiveSmallIntegerField(default=10)

    def __str__(self) -> str:
        return f"Learning settings of {self.user_id}"


class CardSet(models.Model):
    """Cards a facilitator publishes for their community; members adopt them into their review."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="card_sets")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=120)
    description = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:card_set", kwargs={"pk": self.pk})


class SetCard(models.Model):
    card_set = models.ForeignKey(CardSet, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    prompt = models.CharField(max_length=300)
    point = models.TextField(max_length=2000)
    point_html = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.prompt


class CardState(models.IntegerChoices):  # fsrs.State
    LEARNING = 1, "Learning"
    REVIEW = 2, "Review"
    RELEARNING = 3, "Relearning"


class Card(models.Model):
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="cards")
    prompt = models.CharField(max_length=300)
    point = models.TextField(max_length=2000)
    point_html = models.TextField(blank=True)
    # The source, looked up through learning.sources by kind ("answer", "thread", "comment", ...).
    source_kind = models.CharField(max_length=20, blank=True)
    source_id = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField(
        max_length=2000, blank=True, help_text="The text quoted from the source."
    )
    to_try = models.BooleanField(default=False, help_text="Something to try in one's work.")
    try_prompt_done_at = models.DateTimeField(null=True, blank=True)
    set_card = models.ForeignKey(
        SetCard, null=True, blank=True, on_delete=models.SET_NULL, related_name="adoptions"
    )
    # Scheduling (fsrs.Card).
    state = models.PositiveSmallIntegerField(choices=CardState.choices, default=CardState.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True, default=0)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    suspended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "suspended_at", "due"])]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "set_card"],
                condition=Q(set_card__isnull=False),
                name="learning_card_adopted_once",
            ),
        ]

    def __str__(self) -> str:
        return self.prompt

    def get_absolute_url(self) -> str:
        return reverse("learning:card_edit", kwargs={"pk": self.pk})

    @property
    def is_new(self) -> bool:
        return self.reps == 0


class ReviewLog(models.Model):
    """One review, as fsrs.ReviewLog records it, plus what it left (for later optimising)."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(help_text="The card's review count before this review.")
    rating = models.PositiveSmallIntegerField()
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    state = models.PositiveSmallIntegerField(choices=CardState.choices)
    stability = models.FloatField(null=True)
    difficulty = models.FloatField(null=True)
    due = models.DateTimeField()

    class Meta:
        ordering = ["reviewed_at", "id"]
        indexes = [models.Index(fields=["user", "reviewed_at"])]
        constraints = [
            models.UniqueConstraint(fields=["card", "number"], name="learning_review_once"),
        ]

    def __str__(self) -> str:
        return f"Review {self.number} of card {self.card_id}: {self.rating}"


class Visibility(models.TextChoices):
    PRIVATE = "private", "Only me"
    MANAGER = "manager", "Me and my manager"
    COMMUNITY = "community", "A community (as a discussion)"


class PracticeEntry(models.Model):
    """What someone tried in their work, and what happened."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="practice_entries")
    tried = models.CharField(max_length=300)
    happened = models.TextField(max_length=3000, blank=True)
    happened_html = models.TextField(blank=True)
    card = models.ForeignKey(
        Card, null=True, blank=True, on_delete=models.SET_NULL, related_name="practice"
    )
    visibility = models.CharField(max_length=12, choices=Visibility.choices)
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    thread_id = models.PositiveIntegerField(null=True, blank=True, help_text="The discussion post.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "practice entries"

    def __str__(self) -> str:
        return self.tried


class JournalWeek(models.Model):
    """A person's learning journal for one ISO week ("2026-48"), sent to their manager or not."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="journal_weeks")
    week = models.CharField(max_length=7)
    body = models.TextField(max_length=10_000)
    body_html = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="learning_journal_week_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.week}"

    def get_absolute_url(self) -> str:
        return reverse("learning:journal_week", kwargs={"week": self.week})

    def get_report_url(self) -> str:
        return reverse("learning:report", kwargs={"pk": self.pk})


class JournalReply(models.Model):
    journal = models.ForeignKey(JournalWeek, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=3000)
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "journal replies"

    def __str__(self) -> str:
        return f"Reply to {self.journal_id}"
