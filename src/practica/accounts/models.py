"""People. Profile fields (team, manager, expertise, ...) live on the user row itself: one row, no
join and no lazily created profile (docs/decisions.md)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        from practica.accounts.services import user_create

        return user_create(email=email, password=password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        from practica.accounts.services import user_create

        extra.pop("is_staff", None)
        extra.pop("is_superuser", None)
        return user_create(email=email, password=password, is_admin=True, **extra)


class ExpertiseTag(models.Model):
    """A normalised free tag a person claims expertise in (`kubernetes`, `incident-review`)."""

    name = models.SlugField(max_length=50, unique=True)

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    username = None  # type: ignore[assignment]  # people log in with their email
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    name = models.CharField("display name", max_length=120)
    handle = models.SlugField(
        max_length=40,
        unique=True,
        help_text="Used in @mentions and in the address of your profile.",
    )
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    team = models.CharField(max_length=120, blank=True)
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    location = models.CharField(max_length=120, blank=True)
    bio = models.TextField("short bio", max_length=500, blank=True)
    expertise = models.ManyToManyField(ExpertiseTag, blank=True, related_name="experts")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[misc]  # email and password are all createsuperuser needs
    objects = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"handle": self.handle})

    @property
    def initials(self) -> str:
        parts = (self.name or self.email).split()
        return "".join(p[0] for p in parts[:2]).upper() or "?"

    @property
    def is_site_admin(self) -> bool:
        return bool(self.is_active and self.is_superuser)


class ApiToken(models.Model):
    """A personal access token. Only a SHA-256 of the secret is kept; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
