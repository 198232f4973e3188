"""Threads (questions and discussions), answers, comments, votes, reactions, revisions, tags,
follows and "asked of you" requests.

Scores and counts on threads and answers are kept by F() updates in the same transaction as the row
that changes them (a vote, an answer, a comment); votes are one row per person per target under a
unique constraint, so the stored score always equals the sum of the votes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from practica.communities.models import Community


class Kind(models.TextChoices):
    QUESTION = "question", "Question"
    DISCUSSION = "discussion", "Discussion"


class Tag(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="tags")
    name = models.SlugField(max_length=50)
    description = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="discussions_tag_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("discussions:tag", kwargs={"slug": self.community.slug, "tag": self.name})


class Thread(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="threads")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="threads"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.QUESTION)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=30_000)
    body_html = models.TextField(blank=True, help_text="The body rendered and sanitised.")
    tags = models.ManyToManyField(Tag, blank=True, related_name="threads")
    is_wiki = models.BooleanField(default=False, help_text="Members may edit it, like a wiki.")
    score = models.IntegerField(default=0)
    answer_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    accepted_answer = models.OneToOneField(
        "Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(
        default=0,
        help_text="Goes up with every change the thread page shows (answers, comments, votes, "
        "reactions, edits, tags): the key of the page's cache.",
    )

    class Meta:
        indexes = [
            models.Index(fields=["community", "deleted_at", "last_activity_at", "id"]),
            models.Index(fields=["community", "deleted_at", "created_at", "id"]),
            models.Index(fields=["community", "deleted_at", "score", "id"]),
            models.Index(fields=["deleted_at", "last_activity_at", "id"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("discussions:thread", kwargs={"slug": self.community.slug, "pk": self.pk})

    @property
    def is_question(self) -> bool:
        return self.kind == Kind.QUESTION

    @property
    def is_solved(self) -> bool:
        return self.accepted_answer_id is not None


class Answer(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="answers"
    )
    body = models.TextField(max_length=30_000)
    body_html = models.TextField(blank=True)
    score = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["thread", "deleted_at", "score", "created_at"])]

    def __str__(self) -> str:
        return f"Answer {self.pk} to {self.thread_id}"

    def get_absolute_url(self) -> str:
        return f"{self.thread.get_absolute_url()}#answer-{self.pk}"

    @property
    def community(self) -> Community:
        return self.thread.community


class Comment(models.Model):
    """A comment on a thread or on an answer; `parent` makes it a reply (one level deep)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField(max_length=5_000)
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "created_at"])]

    def __str__(self) -> str:
        return f"Comment {self.pk}"

    def get_absolute_url(self) -> str:
        return f"{self.thread.get_absolute_url()}#comment-{self.pk}"

    @property
    def community(self) -> Community:
        return self.thread.community


class Vote(models.Model):
    """One person's up (+1) or down (-1) vote on a thread or an answer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="votes"
    )
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="votes"
    )
    value = models.SmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=Q(thread__isnull=False),
                name="discussions_vote_thread_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "answer"],
                condition=Q(answer__isnull=False),
                name="discussions_vote_answer_unique",
            ),
            models.CheckConstraint(
                condition=(
                    Q(thread__isnull=False, answer__isnull=True)
                    | Q(thread__isnull=True, answer__isnull=False)
                ),
                name="discussions_vote_one_target",
            ),
            models.CheckConstraint(condition=Q(value__in=[-1, 1]), name="discussions_vote_value"),
        ]

    def __str__(self) -> str:
        return f"{self.value:+d} by {self.user_id} on {self.thread_id or self.answer_id}"


class Reaction(models.Model):
    EMOJI = {
        "thumbsup": "👍",
        "heart": "❤️",
        "tada": "🎉",
        "bulb": "💡",
        "eyes": "👀",
        "thinking": "🤔",
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    emoji = models.CharField(max_length=12, choices=[(k, v) for k, v in EMOJI.items()])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "thread", "emoji"],
                condition=Q(thread__isnull=False),
                name="discussions_reaction_thread_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "comment", "emoji"],
                condition=Q(comment__isnull=False),
                name="discussions_reaction_comment_unique",
            ),
            models.CheckConstraint(
                condition=(
                    Q(thread__isnull=False, comment__isnull=True)
                    | Q(thread__isnull=True, comment__isnull=False)
                ),
                name="discussions_reaction_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.emoji} by {self.user_id}"


class Revision(models.Model):
    """One saved version of a thread's or an answer's text: who, when, why."""

    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    tags = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "number"],
                condition=Q(thread__isnull=False),
                name="discussions_revision_thread_number",
            ),
            models.UniqueConstraint(
                fields=["answer", "number"],
                condition=Q(answer__isnull=False),
                name="discussions_revision_answer_number",
            ),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of {self.thread_id or self.answer_id}"


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="discussions_follow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.thread_id}"


class AskRequest(models.Model):
    """A question's author (or a facilitator) asked this person to answer."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="ask_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="asked_of_me"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="discussions_ask_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} asked on {self.thread_id}"


class Upload(models.Model):
    """An image a member put into a post: re-encoded on upload, named at random, kept with who
    uploaded it and where, so moderators can trace it."""

    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="uploads"
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="uploads")
    image = models.ImageField(upload_to="posts/")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.image.name or f"Upload {self.pk}"
