"""Requests to join, approvals and invitations become notifications."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from practica.accounts.models import User
from practica.communities import policy
from practica.communities.models import Community, Invitation, Membership, MembershipState, Role
from practica.notifications.registry import Intent, Kind, kind, source, target

kind(Kind("member.requested", "Requests to join a community I facilitate",
          "{actor} asked to join {community}", "{count} people asked to join {community}",
          addressed=True))  # fmt: skip
kind(Kind("member.approved", "My request to join is approved",
          "You are now a member of {community}", "", addressed=True, group=False))  # fmt: skip
kind(Kind("invitation", "Invitations to a community", "{actor} invited you to join {community}",
          "", addressed=True, group=False))  # fmt: skip


def _invitation_visible(user: Any, invitation: Invitation) -> bool:
    from practica.communities.services import invitation_problem

    return invitation_problem(invitation, user) is None


target("community", load=lambda pk: Community.objects.filter(pk=pk).first(),
       visible=lambda user, obj: policy.can(user, "community.view", obj))  # fmt: skip
target("community.requests", load=lambda pk: Community.objects.filter(pk=pk).first(),
       visible=lambda user, obj: policy.can(user, "community.manage_members", obj))  # fmt: skip
target("invitation", load=lambda pk: Invitation.objects.select_related("community").filter(
           pk=pk).first(), visible=_invitation_visible)  # fmt: skip


@source("member.requested")
def member_requested(payload: dict[str, Any]) -> list[Intent]:
    community = Community.objects.filter(pk=payload["community_id"]).first()
    if community is None:
        return []
    moderators = Membership.objects.filter(
        community=community,
        state=MembershipState.ACTIVE,
        role__in=[Role.FACILITATOR, Role.OWNER],
    ).values_list("user_id", flat=True)
    url = reverse("communities:members", kwargs={"slug": community.slug})
    return [
        Intent(pk, "member.requested", "community.requests", community, community.pk,
               community.name, url, f"requested:{community.pk}", actor_id=payload["user_id"])
        for pk in moderators
    ]  # fmt: skip


@source("member.approved")
def member_approved(payload: dict[str, Any]) -> list[Intent]:
    community = Community.objects.filter(pk=payload["community_id"]).first()
    if community is None:
        return []
    return [
        Intent(payload["user_id"], "member.approved", "community", community, community.pk,
               community.name, community.get_absolute_url(),
               f"approved:{community.pk}:{payload['user_id']}", actor_id=payload.get("actor_id"))
    ]  # fmt: skip


@source("invitation.created")
def invitation_created(payload: dict[str, Any]) -> list[Intent]:
    from practica.communities.services import invitation_token

    invitation = (
        Invitation.objects.select_related("community").filter(pk=payload["invitation_id"]).first()
    )
    if invitation is None or not invitation.email:
        return []
    invitee = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    if invitee is None:
        return []
    url = reverse("communities:invitation", kwargs={"token": invitation_token(invitation)})
    return [
        # No community on the row: the invitee may not be a member (the community may be secret).
        Intent(invitee.pk, "invitation", "invitation", invitation, None,
               invitation.community.name, url, f"invitation:{invitation.pk}",
               actor_id=payload.get("actor_id"))
    ]  # fmt: skip
