"""Writes about communities: creating and editing them, joining, leaving, roles and invitations.

Each service checks permission through `policy.authorize`, validates everything before it writes,
runs in one transaction and publishes its domain event after commit.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from practica.accounts.models import User
from practica.communities import policy
from practica.communities.models import (
    Community,
    Invitation,
    JoinPolicy,
    Membership,
    MembershipState,
    Role,
    Visibility,
)
from practica.core import events
from practica.core.images import reencode_image

RESERVED_SLUGS = {"new", "admin", "api", "static", "media", "settings", "search", "me"}
INVITATION_DAYS = 14
_INVITE_SALT = "practica.invitation"


def _clean_community_fields(
    *,
    name: str,
    slug: str,
    purpose: str,
    description: str,
    visibility: str,
    join_policy: str,
    instance: Community | None = None,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = " ".join(name.split())
    slug = slugify(slug or name)[:50].strip("-")
    purpose = " ".join(purpose.split())
    others = Community.objects.exclude(pk=instance.pk) if instance else Community.objects.all()
    if not name:
        errors["name"] = "Give the community a name."
    elif len(name) > 80:
        errors["name"] = "Keep the name under 80 characters."
    elif others.filter(name__iexact=name).exists():
        errors["name"] = "A community with this name already exists."
    if not slug or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        errors["slug"] = "Use lower-case letters, numbers and hyphens."
    elif slug in RESERVED_SLUGS:
        errors["slug"] = f"“{slug}” is reserved; choose another address."
    elif others.filter(slug=slug).exists():
        errors["slug"] = "This address is taken by another community."
    if not purpose:
        errors["purpose"] = "Say in a sentence why this community exists."
    elif len(purpose) > 280:
        errors["purpose"] = "Keep the purpose under 280 characters."
    if len(description) > 20_000:
        errors["description"] = "Keep the description under 20,000 characters."
    if visibility not in Visibility.values:
        errors["visibility"] = f"Choose one of: {', '.join(Visibility.values)}."
    if join_policy not in JoinPolicy.values:
        errors["join_policy"] = f"Choose one of: {', '.join(JoinPolicy.values)}."
    elif visibility == Visibility.SECRET and join_policy != JoinPolicy.INVITE:
        errors["join_policy"] = (
            "A secret community is hidden from everyone else, so people can "
            "join it only by invitation."
        )
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "slug": slug,
        "purpose": purpose,
        "description": description,
        "visibility": visibility,
        "join_policy": join_policy,
    }


def _cover_file(cover: UploadedFile | None):
    if cover is None:
        return None
    try:
        return reencode_image(cover, max_side=1600, prefix="cover")
    except ValidationError as exc:
        raise ValidationError({"cover": exc.messages[0]}) from exc


@transaction.atomic
def community_create(
    *,
    creator: User,
    name: str,
    purpose: str,
    slug: str = "",
    description: str = "",
    visibility: str = Visibility.PUBLIC,
    join_policy: str = JoinPolicy.OPEN,
    cover: UploadedFile | None = None,
) -> Community:
    """Create a community with `creator` as its owner."""
    if not policy.can(creator, "community.create"):
        raise PermissionDenied("Sign in to create a community.")
    fields = _clean_community_fields(
        name=name,
        slug=slug,
        purpose=purpose,
        description=description,
        visibility=visibility,
        join_policy=join_policy,
    )
    cover_file = _cover_file(cover)
    community = Community(created_by=creator, **fields)
    if cover_file is not None:
        community.cover.save(cover_file.name or "cover.webp", cover_file, save=False)
    try:
        with transaction.atomic():
            community.save()
    except IntegrityError as exc:  # a concurrent create took the name or address first
        raise ValidationError(
            {"slug": "This address or name was just taken; choose another."}
        ) from exc
    Membership.objects.create(
        community=community,
        user=creator,
        role=Role.OWNER,
        state=MembershipState.ACTIVE,
        joined_at=timezone.now(),
    )
    policy.forget_memberships(creator)
    events.publish("community.created", community_id=community.pk, user_id=creator.pk)
    return community


@transaction.atomic
def community_update(
    *,
    actor: User,
    community: Community,
    name: str | None = None,
    slug: str | None = None,
    purpose: str | None = None,
    description: str | None = None,
    visibility: str | None = None,
    join_policy: str | None = None,
    cover: UploadedFile | None = None,
    remove_cover: bool = False,
) -> Community:
    """Change a community's settings; omitted (None) fields keep their value."""
    policy.authorize(actor, "community.edit", community)
    fields = _clean_community_fields(
        name=community.name if name is None else name,
        slug=community.slug if slug is None else slug,
        purpose=community.purpose if purpose is None else purpose,
        description=community.description if description is None else description,
        visibility=community.visibility if visibility is None else visibility,
        join_policy=community.join_policy if join_policy is None else join_policy,
        instance=community,
    )
    cover_file = _cover_file(cover)
    for key, value in fields.items():
        setattr(community, key, value)
    update = [*fields, "updated_at"]
    if cover_file is not None:
        community.cover.save(cover_file.name or "cover.webp", cover_file, save=False)
        update.append("cover")
    elif remove_cover and community.cover:
        community.cover = ""  # type: ignore[assignment]
        update.append("cover")
    try:
        with transaction.atomic():
            community.save(update_fields=update)
    except IntegrityError as exc:
        raise ValidationError(
            {"slug": "This address or name was just taken; choose another."}
        ) from exc
    events.publish("community.updated", community_id=community.pk, user_id=actor.pk)
    return community


@transaction.atomic
def community_join(*, user: User, community: Community, message: str = "") -> Membership:
    """Join an open community, or ask to join one that takes requests.

    Returns the membership: active after a join, `requested` after a request.
    """
    policy.authorize(user, "community.view", community)
    existing = policy.membership(user, community)
    if existing is not None:
        if existing.is_active:
            raise ValidationError("You are already a member of this community.")
        raise ValidationError("You have already asked to join; a facilitator will answer soon.")
    if policy.can(user, "community.join", community):
        state, joined_at, event = MembershipState.ACTIVE, timezone.now(), "member.joined"
    elif policy.can(user, "community.request", community):
        state, joined_at, event = MembershipState.REQUESTED, None, "member.requested"
    else:
        raise PermissionDenied("This community takes new members by invitation only.")
    if len(message) > 500:
        raise ValidationError({"message": "Keep your message under 500 characters."})
    membership, created = Membership.objects.get_or_create(
        community=community,
        user=user,
        defaults={
            "role": Role.MEMBER,
            "state": state,
            "joined_at": joined_at,
            "message": message.strip(),
        },
    )
    policy.forget_memberships(user)
    if created:
        events.publish(event, community_id=community.pk, user_id=user.pk)
    return membership


def _lock_owners(community: Community) -> list[int]:
    return list(
        Membership.objects.select_for_update()
        .filter(community=community, role=Role.OWNER, state=MembershipState.ACTIVE)
        .values_list("user_id", flat=True)
    )


def _refuse_last_owner(community: Community, user_id: int) -> None:
    owners = _lock_owners(community)
    if owners == [user_id]:
        raise ValidationError("A community needs an owner: make someone else an owner first.")


@transaction.atomic
def community_leave(*, user: User, community: Community) -> bool:
    """Leave a community (or withdraw a request to join). True when something changed."""
    policy.authorize(user, "community.view", community)
    existing = policy.membership(user, community)
    if existing is None:
        return False
    if existing.role == Role.OWNER and existing.is_active:
        _refuse_last_owner(community, user.pk)
    deleted, _ = Membership.objects.filter(pk=existing.pk).delete()
    policy.forget_memberships(user)
    if deleted:
        events.publish("member.left", community_id=community.pk, user_id=user.pk)
    return bool(deleted)


@transaction.atomic
def membership_approve(*, actor: User, membership: Membership) -> Membership:
    """Accept a request to join."""
    policy.authorize(actor, "community.manage_members", membership.community)
    changed = Membership.objects.filter(pk=membership.pk, state=MembershipState.REQUESTED).update(
        state=MembershipState.ACTIVE, joined_at=timezone.now()
    )
    membership.refresh_from_db()
    if changed:
        events.publish(
            "member.approved",
            community_id=membership.community_id,
            user_id=membership.user_id,
            actor_id=actor.pk,
        )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> bool:
    """Remove a member, or decline a request to join. True when something changed."""
    policy.authorize(actor, "community.manage_members", membership.community)
    if not policy.can(actor, "membership.remove", membership):
        raise PermissionDenied("Only an owner can remove a facilitator or an owner.")
    if membership.role == Role.OWNER and membership.is_active:
        _refuse_last_owner(membership.community, membership.user_id)
    was_request = not membership.is_active
    deleted, _ = Membership.objects.filter(pk=membership.pk).delete()
    if deleted:
        events.publish(
            "member.declined" if was_request else "member.removed",
            community_id=membership.community_id,
            user_id=membership.user_id,
            actor_id=actor.pk,
        )
    return bool(deleted)


@transaction.atomic
def membership_set_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """Make an active member a member, facilitator or owner."""
    policy.authorize(actor, "community.manage_members", membership.community)
    if role not in Role.values:
        raise ValidationError({"role": f"Choose one of: {', '.join(Role.values)}."})
    if not membership.is_active:
        raise ValidationError("Approve the request before giving this person a role.")
    if not policy.can(actor, f"membership.set_role.{role}", membership):
        raise PermissionDenied("Only an owner can make or unmake owners.")
    if membership.role == role:
        return membership
    if membership.role == Role.OWNER:
        _refuse_last_owner(membership.community, membership.user_id)
    Membership.objects.filter(pk=membership.pk).update(role=role)
    membership.role = role
    events.publish(
        "member.role_changed",
        community_id=membership.community_id,
        user_id=membership.user_id,
        actor_id=actor.pk,
        role=role,
    )
    return membership


def invitation_token(invitation: Invitation) -> str:
    """The secret part of an invitation link: the signed id and nonce (the same every time)."""
    return signing.Signer(salt=_INVITE_SALT).sign_object(
        [invitation.pk, invitation.nonce], compress=True
    )


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    community: Community,
    email: str = "",
    role: str = Role.MEMBER,
    days: int = INVITATION_DAYS,
) -> Invitation:
    """Invite someone: by `email` (a message is sent) or, with no email, as a link to hand out."""
    policy.authorize(actor, "community.invite", community)
    errors: dict[str, str] = {}
    email = email.strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter a valid email address, or leave it empty for a link."
    if role not in (Role.MEMBER, Role.FACILITATOR):
        errors["role"] = "Invite people as members or facilitators."
    elif role == Role.FACILITATOR and policy.role_in(actor, community) not in (Role.OWNER, None):
        errors["role"] = "Only an owner can invite facilitators."
    if not 1 <= days <= 90:
        errors["days"] = "An invitation lasts between 1 and 90 days."
    if email and not errors:
        existing = User.objects.filter(email__iexact=email).first()
        if (
            existing
            and Membership.objects.filter(
                community=community, user=existing, state=MembershipState.ACTIVE
            ).exists()
        ):
            errors["email"] = f"{existing} is already a member."
    if errors:
        raise ValidationError(errors)
    invitation = Invitation.objects.create(
        community=community,
        created_by=actor,
        email=email,
        role=role,
        nonce=secrets.token_hex(16),
        expires_at=timezone.now() + timedelta(days=days),
    )
    if email:
        from practica.communities.tasks import send_invitation_email

        transaction.on_commit(lambda: send_invitation_email.enqueue(invitation.pk))
    events.publish(
        "invitation.created",
        community_id=community.pk,
        invitation_id=invitation.pk,
        actor_id=actor.pk,
    )
    return invitation


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link names, whatever its state. Raises ValidationError for a bad link."""
    try:
        pk, nonce = signing.Signer(salt=_INVITE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise ValidationError("This invitation link is not valid.") from exc
    invitation = (
        Invitation.objects.select_related("community", "created_by")
        .filter(pk=pk, nonce=nonce)
        .first()
    )
    if invitation is None:
        raise ValidationError("This invitation link is not valid.")
    return invitation


def invitation_problem(invitation: Invitation, user: Any = None) -> str | None:
    """Why `invitation` cannot be accepted (by `user`), or None when it can."""
    if invitation.revoked_at:
        return "This invitation was withdrawn. Ask a facilitator for a new one."
    if invitation.used_at:
        return "This invitation has already been used. Ask a facilitator for a new one."
    if invitation.expires_at <= timezone.now():
        return "This invitation has expired. Ask a facilitator for a new one."
    if (
        user is not None
        and invitation.email
        and user.is_authenticated
        and user.email.lower() != invitation.email.lower()
    ):
        return (
            f"This invitation was sent to {invitation.email}; sign in with that address "
            "to accept it."
        )
    return None


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    """Use an invitation: the user becomes an active member (a pending request is approved)."""
    invitation = invitation_from_token(token)
    # Lock the row so that two people racing for one link cannot both use it.
    invitation = (
        Invitation.objects.select_for_update().select_related("community").get(pk=invitation.pk)
    )
    if problem := invitation_problem(invitation, user):
        raise ValidationError(problem)
    community = invitation.community
    membership = Membership.objects.filter(community=community, user=user).first()
    if membership is not None and membership.is_active:
        raise ValidationError("You are already a member of this community.")
    now = timezone.now()
    if membership is None:
        membership = Membership.objects.create(
            community=community,
            user=user,
            role=invitation.role,
            state=MembershipState.ACTIVE,
            joined_at=now,
        )
    else:
        membership.state, membership.role, membership.joined_at = (
            MembershipState.ACTIVE,
            invitation.role,
            now,
        )
        membership.save(update_fields=["state", "role", "joined_at"])
    invitation.used_at, invitation.used_by = now, user
    invitation.save(update_fields=["used_at", "used_by"])
    policy.forget_memberships(user)
    events.publish(
        "invitation.accepted",
        community_id=community.pk,
        user_id=user.pk,
        invitation_id=invitation.pk,
    )
    events.publish("member.joined", community_id=community.pk, user_id=user.pk)
    return membership


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> bool:
    policy.authorize(actor, "community.invite", invitation.community)
    return bool(
        Invitation.objects.filter(
            pk=invitation.pk, revoked_at__isnull=True, used_at__isnull=True
        ).update(revoked_at=timezone.now())
    )


@transaction.atomic
def membership_add(
    *, actor: User, community: Community, user: User, role: str = Role.MEMBER
) -> Membership:
    """Add a person directly as an active member with `role` (facilitators, owners, admins)."""
    policy.authorize(actor, "community.manage_members", community)
    if role not in Role.values:
        raise ValidationError({"role": f"Choose one of: {', '.join(Role.values)}."})
    if role == Role.OWNER and policy.role_in(actor, community) not in (Role.OWNER, None):
        raise PermissionDenied("Only an owner can make owners.")
    membership, created = Membership.objects.get_or_create(
        community=community,
        user=user,
        defaults={"role": role, "state": MembershipState.ACTIVE, "joined_at": timezone.now()},
    )
    policy.forget_memberships(user)
    if created:
        events.publish("member.joined", community_id=community.pk, user_id=user.pk)
    return membership
