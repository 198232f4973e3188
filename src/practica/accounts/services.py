"""Writes about people: creating users, editing profiles, personal access tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from practica.accounts.models import ApiToken, ExpertiseTag, User
from practica.core import events
from practica.core.images import reencode_image

TOKEN_PREFIX = "pra_"  # noqa: S105  (a public prefix that marks Practica tokens, not a secret)
MAX_EXPERTISE = 20


def normalise_tag(raw: str) -> str:
    """`Kubernetes `, `#kubernetes` and `KUBERNETES` all become `kubernetes`; spaces become `-`."""
    tag = slugify(raw.strip().lstrip("#").replace("_", "-"))
    return re.sub(r"-{2,}", "-", tag)[:50].strip("-")


def _handle_base(name: str, email: str) -> str:
    base = slugify(name) or slugify(email.split("@")[0]) or "member"
    return base[:32].strip("-") or "member"


def _assign_handle(user: User) -> None:
    """Give `user` a unique handle and save it; retries on the rare race for the same handle."""
    base = _handle_base(user.name, user.email)
    taken = set(User.objects.filter(handle__startswith=base).values_list("handle", flat=True))
    candidates = [base, *(f"{base}-{n}" for n in range(2, 200))]
    for handle in candidates:
        if handle in taken:
            continue
        user.handle = handle
        try:
            with transaction.atomic():
                user.save()
            return
        except IntegrityError:
            if User.objects.filter(email__iexact=user.email).exclude(pk=user.pk).exists():
                raise
            continue
    user.handle = f"{base}-{secrets.token_hex(3)}"
    user.save()


@transaction.atomic
def user_save_new(*, user: User) -> User:
    """Save a user built elsewhere (allauth's sign-up), giving it a display name and handle."""
    user.email = User.objects.normalize_email(user.email).lower()
    if not user.name:
        user.name = user.email.split("@")[0]
    _assign_handle(user)
    events.publish("user.created", user_id=user.pk)
    return user


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    name: str = "",
    is_admin: bool = False,
    team: str = "",
    verified: bool = True,
    **extra,
) -> User:
    """Create a user who can log in with `email` (marked verified unless `verified=False`)."""
    from allauth.account.models import EmailAddress

    email = User.objects.normalize_email(email).strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": "Enter a valid email address."}) from exc
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Someone already uses this email address."})
    user = User(
        email=email, name=name.strip(), team=team, is_staff=is_admin, is_superuser=is_admin, **extra
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user_save_new(user=user)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user


@transaction.atomic
def user_profile_update(
    *,
    user: User,
    name: str,
    team: str = "",
    location: str = "",
    bio: str = "",
    manager: User | None = None,
    expertise: list[str] | None = None,
    handle: str | None = None,
    avatar: UploadedFile | None = None,
    remove_avatar: bool = False,
) -> User:
    """Update what a person says about themself. Validates everything before saving anything."""
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = "Enter the name people know you by."
    if manager is not None and manager.pk == user.pk:
        errors["manager"] = "You cannot be your own manager."
    elif manager is not None:
        # Refuse a cycle: walking up from the new manager must never reach this person.
        seen: set[int] = {user.pk}
        cursor: User | None = manager
        while cursor is not None:
            if cursor.pk in seen:
                errors["manager"] = f"{manager} reports to you, so they cannot be your manager."
                break
            seen.add(cursor.pk)
            cursor = cursor.manager
    if handle is not None:
        handle = slugify(handle)[:40]
        if not handle:
            errors["handle"] = "Use letters, numbers and hyphens."
        elif User.objects.filter(handle=handle).exclude(pk=user.pk).exists():
            errors["handle"] = "Someone already has this handle."
    tags = []
    for raw in expertise or []:
        tag = normalise_tag(raw)
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_EXPERTISE:
        errors["expertise"] = f"Name at most {MAX_EXPERTISE} areas of expertise."
    new_avatar = None
    if avatar is not None:
        try:
            new_avatar = reencode_image(avatar, max_side=512, prefix="avatar")
        except ValidationError as exc:
            errors["avatar"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)

    user.name, user.team, user.location, user.bio = name, team.strip(), location.strip(), bio
    user.manager = manager
    fields = ["name", "team", "location", "bio", "manager"]
    if handle:
        user.handle = handle
        fields.append("handle")
    if new_avatar is not None:
        user.avatar.save(new_avatar.name or "avatar.webp", new_avatar, save=False)
        fields.append("avatar")
    elif remove_avatar and user.avatar:
        user.avatar = ""  # type: ignore[assignment]
        fields.append("avatar")
    user.save(update_fields=fields)
    if expertise is not None:
        existing = {t.name: t for t in ExpertiseTag.objects.filter(name__in=tags)}
        missing = [ExpertiseTag(name=t) for t in tags if t not in existing]
        ExpertiseTag.objects.bulk_create(missing, ignore_conflicts=True)
        user.expertise.set(ExpertiseTag.objects.filter(name__in=tags))
    events.publish("user.updated", user_id=user.pk)
    return user


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal access token; returns it with its secret, which is never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the token after what will use it."})
    if len(name) > 80:
        raise ValidationError({"name": "Keep the name under 80 characters."})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], key_hash=_hash(raw))
    return token, raw


@transaction.atomic
def token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of `user`'s tokens; True when something changed."""
    return bool(
        ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def token_authenticate(raw: str) -> User | None:
    """The active user a token belongs to, or None. Records when it was last used (once a minute)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
