"""Live sessions: a community meets at a set time; members submit and upvote questions, moderators
keep the queue, curators write notes, and afterwards the notes and answers become a discussion.

Vote counts on questions move by F() in the same transaction as the vote row, which is unique per
person and question, so the stored count always equals the number of vote rows. Roles inside a
session (host, moderator, curator) are rows of `LiveRole`, read in one query per session.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from practica.communities.models import Community


class Status(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live now"
    ENDED = "ended", "Ended"


class QuestionsOpen(models.TextChoices):
    SCHEDULED = "scheduled", "From now until the session ends"
    LIVE = "live", "Only while the session is live"


class LiveSession(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="live_sessions")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=10_000, blank=True)
    description_html = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="UTC")
    meeting_url = models.URLField(max_length=500, blank=True)
    questions_open = models.CharField(
        max_length=12, choices=QuestionsOpen.choices, default=QuestionsOpen.SCHEDULED
    )
    allow_anonymous = models.BooleanField(default=False)
    premoderate = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    synthesis_draft = models.TextField(max_length=30_000, blank=True)
    synthesis_thread = models.OneToOneField(
        "discussions.Thread",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="live_session",
    )
    moved_to_qa_at = models.DateTimeField(null=True, blank=True)
    question_count = models.PositiveIntegerField(default=0)
    vote_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["community", "starts_at"]),
            models.Index(fields=["starts_at", "id"]),
            models.Index(fields=["ends_at", "id"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("live:session", kwargs={"slug": self.community.slug, "pk": self.pk})

    def effective_status(self, now: datetime | None = None) -> str:
        """The status by the host's buttons and by the clock: past its end a session is over even
        if nobody pressed End; from its start it is live even if nobody pressed Start."""
        now = now or timezone.now()
        if self.status == Status.ENDED or now >= self.ends_at:
            return Status.ENDED
        if self.status == Status.LIVE or now >= self.starts_at:
            return Status.LIVE
        return Status.SCHEDULED

    @property
    def state(self) -> str:
        return self.effective_status()

    @property
    def is_live(self) -> bool:
        return self.state == Status.LIVE

    @property
    def is_ended(self) -> bool:
        return self.state == Status.ENDED

    def accepts_questions(self) -> bool:
        state = self.state
        if state == Status.ENDED:
            return False
        return state == Status.LIVE or self.questions_open == QuestionsOpen.SCHEDULED

    def roles_of(self, user_id: int | None) -> frozenset[str]:
        """The user's roles in this session (host, moderator, curator); one query per session
        object, however often it is asked."""
        cache = getattr(self, "_roles_cache", None)
        if cache is None:
            cache = {}
            for uid, role in LiveRole.objects.filter(session=self).values_list("user_id", "role"):
                cache.setdefault(uid, set()).add(role)
            self._roles_cache = cache
        return frozenset(cache.get(user_id, ()))

    def forget_roles(self) -> None:
        self.__dict__.pop("_roles_cache", None)


class RoleKind(models.TextChoices):
    HOST = "host", "Host"
    MODERATOR = "moderator", "Moderator"
    CURATOR = "curator", "Curator"


class LiveRole(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=12, choices=RoleKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user", "role"], name="live_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} of {self.session_id}"


class QState(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "In the queue"
    ANSWERED = "answered", "Answered"
    DISMISSED = "dismissed", "Dismissed"
    HIDDEN = "hidden", "Hidden"
    ARCHIVED = "archived", "Archived"
    WITHDRAWN = "withdrawn", "Withdrawn"
    MERGED = "merged", "Merged"


PUBLIC_STATES = (QState.APPROVED, QState.ANSWERED)


class LiveQuestion(models.Model):
    """A question in a session's queue. With `is_anonymous`, `author` is kept only for site
    administrators (abuse handling): pages, API and stream events show "Anonymous"."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_anonymous = models.BooleanField(default=False)
    body = models.TextField(max_length=1_000)
    body_html = models.TextField(blank=True)
    state = models.CharField(max_length=12, choices=QState.choices, default=QState.APPROVED)
    is_pinned = models.BooleanField(default=False)
    votes = models.PositiveIntegerField(default=0)
    answer = models.TextField(max_length=5_000, blank=True)
    answer_html = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    thread = models.ForeignKey(
        "discussions.Thread", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["session", "state", "votes", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["session"], condition=Q(is_pinned=True), name="live_one_pinned"
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        return f"{self.session.get_absolute_url()}#q-{self.pk}"

    @property
    def community(self) -> Community:
        return self.session.community

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES


class LiveVote(models.Model):
    question = models.ForeignKey(LiveQuestion, on_delete=models.CASCADE, related_name="vote_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="live_vote_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.question_id}"


class LiveNote(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=10_000)
    body_html = models.TextField(blank=True)
    quoted = models.ForeignKey(
        LiveQuestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        return f"{self.session.get_absolute_url()}#note-{self.pk}"

    @property
    def community(self) -> Community:
        return self.session.community


class LiveModeration(models.Model):
    """Every moderation action: who did what to which question, when."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="moderation")
    question = models.ForeignKey(
        LiveQuestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} on {self.question_id} by {self.actor_id}"
