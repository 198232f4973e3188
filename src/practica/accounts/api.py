from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from practica.accounts.http import AuthedHttpRequest
from practica.accounts.models import User
from practica.api.schemas import absolute, media_url
from practica.communities.models import Membership, MembershipState

router = Router(tags=["people"])


class PersonRef(Schema):
    id: int
    url: str
    name: str
    handle: str

    @staticmethod
    def of(user: User) -> PersonRef:
        return PersonRef(
            id=user.pk, url=absolute(user.get_absolute_url()), name=user.name, handle=user.handle
        )


class MyMembership(Schema):
    id: int
    url: str
    slug: str
    name: str
    role: str
    state: str


class MeOut(Schema):
    id: int
    url: str
    email: str
    name: str
    handle: str
    team: str
    location: str
    bio: str
    avatar_url: str | None
    manager: PersonRef | None
    expertise: list[str]
    is_site_admin: bool
    date_joined: datetime
    communities: list[MyMembership]


@router.get("/me", response=MeOut, summary="The signed-in person, with their communities")
def me(request: AuthedHttpRequest):
    user = (
        User.objects.select_related("manager").prefetch_related("expertise").get(pk=request.user.pk)
    )
    memberships = (
        Membership.objects.filter(user=user).select_related("community").order_by("community__name")
    )
    return MeOut(
        id=user.pk,
        url=absolute(user.get_absolute_url()),
        email=user.email,
        name=user.name,
        handle=user.handle,
        team=user.team,
        location=user.location,
        bio=user.bio,
        avatar_url=media_url(user.avatar),
        manager=PersonRef.of(user.manager) if user.manager else None,
        expertise=[t.name for t in user.expertise.all()],
        is_site_admin=user.is_site_admin,
        date_joined=user.date_joined,
        communities=[
            MyMembership(
                id=m.community_id,
                url=absolute(m.community.get_absolute_url()),
                slug=m.community.slug,
                name=m.community.name,
                role=m.role,
                state=m.state if m.state else MembershipState.ACTIVE,
            )
            for m in memberships
        ],
    )
