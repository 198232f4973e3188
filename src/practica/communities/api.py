"""Communities, members and invitations over HTTP. Permissions come from `policy`, writes from
`services`, reads from `selectors`, exactly as for the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, cast

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from practica.accounts.http import AuthedHttpRequest
from practica.api.schemas import ErrorOut, absolute, media_url
from practica.communities import policy, selectors, services
from practica.communities.models import Community, Invitation, Membership
from practica.core.markdown import render

router = Router(tags=["communities"])

VisibilityLit = Literal["public", "private", "secret"]
JoinPolicyLit = Literal["open", "request", "invite"]
RoleLit = Literal["member", "facilitator", "owner"]
StateLit = Literal["active", "requested"]
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class CommunityOut(Schema):
    id: int
    url: str
    slug: str
    name: str
    purpose: str
    description: str
    description_html: str
    visibility: VisibilityLit
    join_policy: JoinPolicyLit
    cover_url: str | None
    member_count: int | None = Field(description="Null when the caller may not see the members.")
    my_role: RoleLit | None
    my_state: Literal["active", "requested"] | None
    created_at: datetime


class CommunityPage(Schema):
    items: list[CommunityOut]
    next_cursor: str | None


class CommunityIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    slug: str = Field("", max_length=50, description="Made from the name when empty.")
    purpose: str = Field(min_length=1, max_length=280)
    description: str = Field("", max_length=20_000, description="Markdown.")
    visibility: VisibilityLit = "public"
    join_policy: JoinPolicyLit = "open"


class CommunityPatch(Schema):
    name: str | None = Field(None, max_length=80)
    slug: str | None = Field(None, max_length=50)
    purpose: str | None = Field(None, max_length=280)
    description: str | None = Field(None, max_length=20_000)
    visibility: VisibilityLit | None = None
    join_policy: JoinPolicyLit | None = None


class MemberOut(Schema):
    id: int = Field(description="The person's user id.")
    url: str = Field(description="The person's profile page.")
    name: str
    handle: str
    team: str
    role: RoleLit
    state: Literal["active", "requested"]
    joined_at: datetime | None


class MemberPage(Schema):
    items: list[MemberOut]
    next_cursor: str | None


class MemberPatch(Schema):
    role: RoleLit | None = None
    state: Literal["active"] | None = Field(
        None, description="`active` approves a request to join."
    )


class JoinIn(Schema):
    message: str = Field("", max_length=500)


class InvitationIn(Schema):
    email: str = Field("", description="Empty for a link to hand out yourself.")
    role: Literal["member", "facilitator"] = "member"
    days: int = Field(14, ge=1, le=90)


class InvitationOut(Schema):
    id: int
    url: str = Field(description="The invitation link; single-use.")
    community: str
    email: str
    role: RoleLit
    expires_at: datetime
    created_at: datetime


def _community_out(request: HttpRequest, c: Community) -> CommunityOut:
    m = policy.membership(request.user, c)
    can_read = policy.can(request.user, "community.read", c)
    return CommunityOut(
        id=c.pk,
        url=absolute(c.get_absolute_url()),
        slug=c.slug,
        name=c.name,
        purpose=c.purpose,
        description=c.description,
        description_html=str(render(c.description)),
        visibility=cast(VisibilityLit, c.visibility),
        join_policy=cast(JoinPolicyLit, c.join_policy),
        cover_url=media_url(c.cover),
        member_count=getattr(c, "member_count", None) if can_read else None,
        my_role=cast(RoleLit, m.role) if m and m.is_active else None,
        my_state=cast(StateLit, m.state) if m else None,
        created_at=c.created_at,
    )


def _member_out(m: Membership) -> MemberOut:
    u = m.user
    return MemberOut(
        id=u.pk,
        url=absolute(u.get_absolute_url()),
        name=u.name,
        handle=u.handle,
        team=u.team,
        role=cast(RoleLit, m.role),
        state=cast(StateLit, m.state),
        joined_at=m.joined_at,
    )


def _invitation_out(i: Invitation) -> InvitationOut:
    link = reverse("communities:invitation", kwargs={"token": services.invitation_token(i)})
    return InvitationOut(
        id=i.pk,
        url=absolute(link),
        community=i.community.slug,
        email=i.email,
        role=cast(RoleLit, i.role),
        expires_at=i.expires_at,
        created_at=i.created_at,
    )


@router.get(
    "/communities",
    response={200: CommunityPage, **ERRORS},
    summary="Communities the caller may see, by name",
)
def community_list(
    request: AuthedHttpRequest,
    q: str = "",
    visibility: VisibilityLit | None = None,
    join_policy: JoinPolicyLit | None = None,
    mine: bool = False,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),
):
    page = selectors.community_directory(
        user=request.user,
        q=q[:100],
        visibility=visibility or "",
        join_policy=join_policy or "",
        mine=mine,
        cursor=cursor,
        limit=limit,
    )
    return CommunityPage(
        items=[_community_out(request, c) for c in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "/communities",
    response={201: CommunityOut, **ERRORS},
    summary="Create a community; the caller becomes its owner",
)
def community_create(request: AuthedHttpRequest, payload: CommunityIn):
    c = services.community_create(creator=request.user, **payload.dict())
    policy.forget_memberships(request.user)
    return Status(
        201, _community_out(request, selectors.community_get(user=request.user, slug=c.slug))
    )


@router.get("/communities/{slug}", response={200: CommunityOut, **ERRORS}, summary="One community")
def community_detail(request: AuthedHttpRequest, slug: str):
    return _community_out(request, selectors.community_get(user=request.user, slug=slug))


@router.patch(
    "/communities/{slug}",
    response={200: CommunityOut, **ERRORS},
    summary="Change a community's settings (facilitators and owners)",
)
def community_update(request: AuthedHttpRequest, slug: str, payload: CommunityPatch):
    c = selectors.community_get(user=request.user, slug=slug)
    c = services.community_update(
        actor=request.user, community=c, **payload.dict(exclude_unset=True)
    )
    return _community_out(request, selectors.community_get(user=request.user, slug=c.slug))


@router.get(
    "/communities/{slug}/members",
    response={200: MemberPage, **ERRORS},
    summary="Active members, by name",
)
def member_list(
    request: AuthedHttpRequest,
    slug: str,
    q: str = "",
    role: RoleLit | None = None,
    cursor: str | None = None,
    limit: int = Query(30, ge=1, le=100),
):
    c = selectors.community_get(user=request.user, slug=slug)
    page = selectors.member_list(
        user=request.user, community=c, q=q[:100], role=role or "", cursor=cursor, limit=limit
    )
    return MemberPage(items=[_member_out(m) for m in page.items], next_cursor=page.next_cursor)


@router.get(
    "/communities/{slug}/requests",
    response={200: list[MemberOut], **ERRORS},
    summary="Pending requests to join, oldest first (facilitators and owners)",
)
def request_list(request: AuthedHttpRequest, slug: str):
    c = selectors.community_get(user=request.user, slug=slug)
    policy.authorize(request.user, "community.manage_members", c)
    return [_member_out(m) for m in selectors.join_requests(user=request.user, community=c)]


@router.post(
    "/communities/{slug}/join",
    response={200: MemberOut, **ERRORS},
    summary="Join an open community, or ask to join one that takes requests",
)
def community_join(request: AuthedHttpRequest, slug: str, payload: JoinIn | None = None):
    c = selectors.community_get(user=request.user, slug=slug)
    m = services.community_join(
        user=request.user, community=c, message=payload.message if payload else ""
    )
    m.user = request.user
    return _member_out(m)


@router.post(
    "/communities/{slug}/leave",
    response={204: None, **ERRORS},
    summary="Leave a community, or withdraw a request to join",
)
def community_leave(request: AuthedHttpRequest, slug: str):
    c = selectors.community_get(user=request.user, slug=slug)
    services.community_leave(user=request.user, community=c)
    return Status(204, None)


@router.patch(
    "/communities/{slug}/members/{user_id}",
    response={200: MemberOut, **ERRORS},
    summary="Approve a request (`state: active`) or change a member's role",
)
def member_update(request: AuthedHttpRequest, slug: str, user_id: int, payload: MemberPatch):
    c = selectors.community_get(user=request.user, slug=slug)
    m = selectors.member_get(user=request.user, community=c, user_id=user_id)
    policy.authorize(request.user, "community.manage_members", c)
    if payload.state == "active":
        m = services.membership_approve(actor=request.user, membership=m)
    if payload.role is not None:
        m = services.membership_set_role(actor=request.user, membership=m, role=payload.role)
    return _member_out(selectors.member_get(user=request.user, community=c, user_id=user_id))


@router.delete(
    "/communities/{slug}/members/{user_id}",
    response={204: None, **ERRORS},
    summary="Remove a member, or decline a request to join",
)
def member_remove(request: AuthedHttpRequest, slug: str, user_id: int):
    c = selectors.community_get(user=request.user, slug=slug)
    m = selectors.member_get(user=request.user, community=c, user_id=user_id)
    policy.authorize(request.user, "community.manage_members", c)
    services.membership_remove(actor=request.user, membership=m)
    return Status(204, None)


@router.post(
    "/communities/{slug}/invitations",
    response={201: InvitationOut, **ERRORS},
    summary="Invite by email, or make a single-use link (facilitators and owners)",
)
def invitation_create(request: AuthedHttpRequest, slug: str, payload: InvitationIn):
    c = selectors.community_get(user=request.user, slug=slug)
    i = services.invitation_create(actor=request.user, community=c, **payload.dict())
    return Status(201, _invitation_out(i))
