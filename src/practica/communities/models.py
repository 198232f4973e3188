from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from practica.core.models import TimeStampedModel


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: anyone signed in can read"
    PRIVATE = "private", "Private: listed, content for members only"
    SECRET = "secret", "Secret: unlisted, members only"


class JoinPolicy(models.TextChoices):
    OPEN = "open", "Open: anyone who can see it may join"
    REQUEST = "request", "Request: a facilitator approves each request"
    INVITE = "invite", "Invite: by invitation link or email only"


class Role(models.TextChoices):
    MEMBER = "member", "Member"
    FACILITATOR = "facilitator", "Facilitator"
    OWNER = "owner", "Owner"


ROLE_RANK = {Role.MEMBER: 1, Role.FACILITATOR: 2, Role.OWNER: 3}


class Community(TimeStampedModel):
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=50, unique=True)
    purpose = models.CharField(
        max_length=280, help_text="Why this community exists, in a sentence."
    )
    description = models.TextField(blank=True, max_length=20_000)
    cover = models.ImageField(upload_to="covers/", blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_policy = models.CharField(
        max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "communities"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="communities_community_name_ci_unique"),
        ]
        indexes = [models.Index(fields=["visibility", "name", "id"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:detail", kwargs={"slug": self.slug})


class MembershipState(models.TextChoices):
    ACTIVE = "active", "Member"
    REQUESTED = "requested", "Asked to join"


class Membership(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(
        max_length=10, choices=MembershipState.choices, default=MembershipState.ACTIVE
    )
    message = models.CharField(
        max_length=500, blank=True, help_text="What the person wrote when asking to join."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], name="communities_membership_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["community", "state", "role"]),
            models.Index(fields=["community", "state", "joined_at"]),
            models.Index(fields=["user", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.community} ({self.role}, {self.state})"

    @property
    def is_active(self) -> bool:
        return self.state == MembershipState.ACTIVE


class Invitation(models.Model):
    """A single-use invitation, sent to an email address or handed out as a link.

    The link's token is signed from the invitation's id and a random nonce (see services), so the
    facilitator can copy it again; it stops working once used, revoked or expired.
    """

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(blank=True, help_text="Empty for a link invitation.")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Invitation to {self.community} ({self.email or 'link'})"
