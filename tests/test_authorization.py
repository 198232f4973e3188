"""Authorization, route by route: what each kind of person gets from every page and API operation.

`test_every_route_has_an_authorization_row` walks every URL pattern and every API operation and fails
when one is neither in TABLE nor in EXEMPT. `test_each_person_gets_what_the_table_says` then runs
every cell of TABLE: one test per route x visibility x person, each on a fresh cast (a community
with an owner, a facilitator and a member, plus an outsider and a site administrator who belong to
nothing). When a cell fails, its message says what came back, in the table's notation.

Notation. Each row names a route (a URL name for pages, a path for API operations), the method, and
what the six people get, in this order:

    anonymous  outsider  member  facilitator  owner  admin

Community rows say it for each visibility, each run with the join policy that makes joining mean
something: public/open, private/request, secret/invite (`every(...)` when all three agree). Site rows
(`site(...)`) have no community of their own and run once. The outcomes:

    200 201 204 401 403 404 410 422   exactly this status (API errors also carry a JSON "message")
    302     a redirect that is not to a login page and queues no error message: the action worked
    deny    a redirect back with an error message: the page refused, and nothing changed
    login   a redirect to the sign-in page (with ?next=)
    staff   a redirect to the Django admin's own sign-in page

Whatever the outcome, a refusal (login, staff, deny and every 4xx) must leave the database exactly
as it was, and so must every GET. When a state-changing action succeeds, the row's `done` says what
must now be true (the person joined, the member is gone, the invitation is revoked...).

Targets: member-management rows act on the plain member (so in the member column the member acts on
themself), approve/decline act on a pending request made for the test. The "co-owner" variants act
on a second owner: only an owner or the admin may remove or demote one (a facilitator gets 403). The
"owner" variants act on the community's only owner, whom nobody may remove or demote (the page
refuses with a message, the API answers 422; a facilitator is refused first for not being an owner).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.test.client import ClientHandler
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from ninja.utils import normalize_path

from practica.accounts.models import ApiToken, User
from practica.accounts.services import token_create
from practica.api.api import api
from practica.communities import services
from practica.communities.models import (
    Community,
    Invitation,
    Membership,
    MembershipState,
    Role,
)
from tests.conftest import ROLES, Api, Cast, client_for

API_PREFIX = "/api/v1"
JOIN_POLICY = {"public": "open", "private": "request", "secret": "invite"}
VISIBILITIES = tuple(JOIN_POLICY)
OUTCOMES = {"200", "201", "204", "302", "401", "403", "404", "410", "422", "deny", "login", "staff"}
SUCCESS = {"200", "201", "204", "302"}

# Routes no row checks, each with its reason. Keys are the start of a route (as the resolver spells
# it); keep this list short: a new page or operation belongs in TABLE.
EXEMPT = {
    "accounts/": "allauth's sign-in, sign-up, password and email pages: its own public flow and "
    "its own login checks (the important ones are spot-checked in TABLE)",
    "admin/": "Django's admin, guarded by its own is_staff check (spot-checked in TABLE)",
}


# --- The scene a cell runs in ----------------------------------------------------------------------


class Scene:
    """A fresh cast, the person acting, and the things some routes act on (made when first asked
    for, before the request is sent and before the database is photographed)."""

    def __init__(
        self, cast: Cast, role: str, user_factory: Callable[..., User], *, is_api: bool
    ) -> None:
        self.cast, self.role, self.user_factory, self.is_api = cast, role, user_factory, is_api
        self.actor = cast.person(role)
        self.community = cast.community
        self.slug = cast.community.slug

    @cached_property
    def requester(self) -> User:
        """Someone who asked to join and waits for an answer. Made directly: only a community
        that takes requests would let the join service make one, and every visibility needs one."""
        person = self.user_factory("Rae Requester")
        Membership.objects.create(
            community=self.community, user=person, role=Role.MEMBER, state=MembershipState.REQUESTED
        )
        return person

    @cached_property
    def co_owner(self) -> User:
        """A second owner, so that touching an owner is not refused for being the last one."""
        person = self.user_factory("Cy Co-owner")
        services.membership_add(
            actor=self.cast.owner, community=self.community, user=person, role=Role.OWNER
        )
        return person

    @cached_property
    def invitation(self) -> Invitation:
        """An open link invitation (for a member) made by the owner."""
        return services.invitation_create(actor=self.cast.owner, community=self.community)

    @cached_property
    def invitation_token(self) -> str:
        return services.invitation_token(self.invitation)

    @cached_property
    def member_token(self) -> ApiToken:
        return token_create(user=self.cast.member, name="Member's laptop")[0]

    @cached_property
    def own_token(self) -> ApiToken:
        """The actor's own token (the member's when nobody is signed in)."""
        if self.actor is None:
            return self.member_token
        return token_create(user=self.actor, name="My laptop")[0]

    @cached_property
    def media_path(self) -> str:
        path = settings.MEDIA_ROOT / "covers" / "cover-0123456789abcdef.webp"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"RIFF\x00\x00\x00\x00WEBPVP8 ")
        return "covers/cover-0123456789abcdef.webp"

    # Reading the database after the request.

    def membership_of(self, user: User | None) -> Membership | None:
        if user is None:
            return None
        return Membership.objects.filter(community=self.community, user=user).first()

    def state_of(self, user: User | None) -> str | None:
        m = self.membership_of(user)
        return m.state if m else None

    def role_of(self, user: User | None) -> str | None:
        m = self.membership_of(user)
        return m.role if m and m.is_active else None

    def community_now(self) -> Community:
        return Community.objects.get(pk=self.community.pk)

    # URLs.

    def person(self, who: str) -> User:
        """Someone in the cast by role, or the pending requester, or the co-owner."""
        return getattr(self, who) if who in ("requester", "co_owner") else getattr(self.cast, who)

    def page(self, name: str, **kwargs: Any) -> str:
        return reverse(f"communities:{name}", kwargs={"slug": self.slug, **kwargs})


def db_state() -> tuple:
    """Everything an authorization mistake could change (not last_login or a token's last use)."""
    return (
        list(
            Community.objects.order_by("pk").values_list(
                "pk", "name", "slug", "purpose", "description", "visibility", "join_policy", "cover"
            )
        ),
        list(
            Membership.objects.order_by("pk").values_list(
                "community_id", "user_id", "role", "state", "joined_at"
            )
        ),
        list(
            Invitation.objects.order_by("pk").values_list(
                "pk", "community_id", "email", "role", "used_at", "used_by", "revoked_at"
            )
        ),
        list(ApiToken.objects.order_by("pk").values_list("pk", "user_id", "name", "revoked_at")),
        list(
            User.objects.order_by("pk").values_list(
                "pk", "name", "handle", "team", "bio", "is_active", "is_superuser"
            )
        ),
    )


# --- The table -------------------------------------------------------------------------------------

Url = Callable[[Scene], str]
Data = Callable[[Scene], dict]
Done = Callable[[Scene, Any], bool]


@dataclass(frozen=True)
class Row:
    method: str
    route: str  # a URL name ("communities:detail") or an API path ("/communities/{slug}")
    url: Url
    expect: dict[str, str]  # "public" / "private" / "secret", or "site": six outcomes
    variant: str = ""  # tells apart rows for one route ("remove owner")
    data: Data | None = None
    done: Done | None = None

    @property
    def is_api(self) -> bool:
        return self.route.startswith("/")

    @property
    def label(self) -> str:
        label = f"{self.method} {self.route}" + (f" ({self.variant})" if self.variant else "")
        return label.replace(" ", "_")

    def outcome(self, visibility: str, role: str) -> str:
        return self.expect[visibility].split()[ROLES.index(role)]


def every(outcomes: str) -> dict[str, str]:
    """The same outcomes on a public, a private and a secret community."""
    return dict.fromkeys(VISIBILITIES, outcomes)


def vis(*, public: str, private: str, secret: str) -> dict[str, str]:
    return {"public": public, "private": private, "secret": secret}


def site(outcomes: str) -> dict[str, str]:
    """A route with no community: run once."""
    return {"site": outcomes}


def page(method: str, name: str, url: Url, expect: dict[str, str], **kw: Any) -> Row:
    """A page, by URL name."""
    return Row(method, name, url, expect, **kw)


def op(method: str, path: str, expect: dict[str, str], *, on: str = "", **kw: Any) -> Row:
    """An API operation; in `path`, {slug} is the cast's community and {user_id} the person `on`."""

    def url(s: Scene) -> str:
        user_id = s.person(on).pk if on else None
        return API_PREFIX + path.format(slug=s.slug, user_id=user_id)

    return Row(method, path, url, expect, **kw)


def community(name: str, **kwargs: Callable[[Scene], Any]) -> Url:
    """The URL of the community page `name`, with more URL arguments made from the scene."""
    return lambda s: s.page(name, **{k: f(s) for k, f in kwargs.items()})


def act(action: str, *, on: str) -> Url:
    """The member action `action` (approve, decline, remove, role) on the person `on`."""
    return lambda s: s.page("member_action", user_id=s.person(on).pk, action=action)


def at(name: str, **kwargs: Callable[[Scene], Any]) -> Url:
    """The URL of the site route `name`."""
    return lambda s: reverse(name, kwargs={k: f(s) for k, f in kwargs.items()})


def invitation_link(s: Scene) -> str:
    return reverse("communities:invitation", kwargs={"token": s.invitation_token})


def _edit_form(s: Scene) -> dict:
    c = s.community
    return {
        "name": c.name,
        "slug": c.slug,
        "purpose": "A sharper purpose.",
        "description": c.description,
        "visibility": c.visibility,
        "join_policy": c.join_policy,
    }


def _joined(s: Scene, response: Any) -> bool:
    wanted = "active" if s.community.join_policy == "open" else "requested"
    if s.state_of(s.actor) != wanted:
        return False
    return not s.is_api or response.json()["state"] == wanted


def _accepted(s: Scene, _: Any) -> bool:
    return s.role_of(s.actor) == Role.MEMBER and s.state_of(s.actor) == "active"


def _left(s: Scene, _: Any) -> bool:
    return s.membership_of(s.actor) is None


def _new_invitation(s: Scene, _: Any) -> bool:
    return s.community.invitations.filter(created_by=s.actor, revoked_at__isnull=True).exists()


def _purpose_changed(s: Scene, _: Any) -> bool:
    return s.community_now().purpose == "A sharper purpose."


def _profile_form(s: Scene) -> dict:
    handle = s.actor.handle if s.actor else "someone"
    return {"name": "Renamed", "handle": handle, "team": "Platform", "location": "", "bio": ""}


def _created(s: Scene, _: Any) -> bool:
    c = Community.objects.filter(slug="guild-of-testers").first()
    return (
        c is not None
        and Membership.objects.filter(community=c, user=s.actor, role="owner").exists()
    )


# fmt: off
# (The table is aligned by hand, column under column; the formatter would unalign it.)
TABLE: list[Row] = [
    # ---- Community pages --------------------------------------------------------------------------
    #                                               anon   outsider member facil  owner  admin
    page("GET", "communities:detail", community("detail"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  200      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    page("GET", "communities:members", community("members"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    page("GET", "communities:manage", community("manage"), vis(
        public=                                    "login  403      403    200    200    200",
        private=                                   "login  403      403    200    200    200",
        secret=                                    "login  404      403    200    200    200")),
    page("POST", "communities:manage", community("manage"), vis(
        public=                                    "login  403      403    302    302    302",
        private=                                   "login  403      403    302    302    302",
        secret=                                    "login  404      403    302    302    302"),
        data=_edit_form, done=_purpose_changed),
    # Joining: the outsider joins an open community, or asks to join one that takes requests;
    # people already in it are told so; a secret community takes nobody without an invitation.
    page("POST", "communities:join", community("join"), vis(
        public=                                    "login  302      deny   deny   deny   302",
        private=                                   "login  302      deny   deny   deny   302",
        secret=                                    "login  404      deny   deny   deny   deny"),
        data=lambda s: {"message": "I would like to learn."}, done=_joined),
    # Leaving: who is not in it has nothing to leave (302, no change); the only owner may not.
    page("POST", "communities:leave", community("leave"), vis(
        public=                                    "login  302      302    302    deny   302",
        private=                                   "login  302      302    302    deny   302",
        secret=                                    "login  404      302    302    deny   302"),
        done=_left),
    # A pending request is visible only to those who may manage members.
    page("POST", "communities:member_action", act("approve", on="requester"), every(
                                                   "login  404      404    302    302    302"),
        variant="approve request", done=lambda s, _: s.state_of(s.requester) == "active"),
    page("POST", "communities:member_action", act("decline", on="requester"), every(
                                                   "login  404      404    302    302    302"),
        variant="decline request", done=lambda s, _: s.membership_of(s.requester) is None),
    page("POST", "communities:member_action", act("remove", on="member"), vis(
        public=                                    "login  deny     deny   302    302    302",
        private=                                   "login  404      deny   302    302    302",
        secret=                                    "login  404      deny   302    302    302"),
        variant="remove member", data=lambda s: {"next": "members"},
        done=lambda s, _: s.membership_of(s.cast.member) is None),
    page("POST", "communities:member_action", act("role", on="member"), vis(
        public=                                    "login  deny     deny   302    302    302",
        private=                                   "login  404      deny   302    302    302",
        secret=                                    "login  404      deny   302    302    302"),
        variant="promote member", data=lambda s: {"role": "facilitator", "next": "members"},
        done=lambda s, _: s.role_of(s.cast.member) == Role.FACILITATOR),
    # Owners: only an owner (or the admin) may remove or demote one...
    page("POST", "communities:member_action", act("remove", on="co_owner"), vis(
        public=                                    "login  deny     deny   deny   302    302",
        private=                                   "login  404      deny   deny   302    302",
        secret=                                    "login  404      deny   deny   302    302"),
        variant="remove co-owner", data=lambda s: {"next": "members"},
        done=lambda s, _: s.membership_of(s.co_owner) is None),
    page("POST", "communities:member_action", act("role", on="co_owner"), vis(
        public=                                    "login  deny     deny   deny   302    302",
        private=                                   "login  404      deny   deny   302    302",
        secret=                                    "login  404      deny   deny   302    302"),
        variant="demote co-owner", data=lambda s: {"role": "member", "next": "members"},
        done=lambda s, _: s.role_of(s.co_owner) == Role.MEMBER),
    # ...and nobody may remove or demote the only one: a community needs an owner.
    page("POST", "communities:member_action", act("remove", on="owner"), vis(
        public=                                    "login  deny     deny   deny   deny   deny",
        private=                                   "login  404      deny   deny   deny   deny",
        secret=                                    "login  404      deny   deny   deny   deny"),
        variant="remove owner", data=lambda s: {"next": "members"}),
    page("POST", "communities:member_action", act("role", on="owner"), vis(
        public=                                    "login  deny     deny   deny   deny   deny",
        private=                                   "login  404      deny   deny   deny   deny",
        secret=                                    "login  404      deny   deny   deny   deny"),
        variant="demote owner", data=lambda s: {"role": "member", "next": "members"}),
    page("POST", "communities:invitation_create", community("invitation_create"), vis(
        public=                                    "login  deny     deny   302    302    302",
        private=                                   "login  deny     deny   302    302    302",
        secret=                                    "login  404      deny   302    302    302"),
        data=lambda s: {"email": "", "role": "member", "days": "14"}, done=_new_invitation),
    # Open invitations are visible only to those who may invite.
    page("POST", "communities:invitation_revoke",
        community("invitation_revoke", invitation_id=lambda s: s.invitation.pk), every(
                                                   "login  404      404    302    302    302"),
        done=lambda s, _: Invitation.objects.get(pk=s.invitation.pk).revoked_at is not None),
    # An invitation link shows anyone which community invites them, even a secret one; accepting
    # needs an account, and people already in the community are told so (410).
    page("GET", "communities:invitation", invitation_link, every(
                                                   "200    200      200    200    200    200")),
    page("POST", "communities:invitation", invitation_link, every(
                                                   "login  302      410    410    410    302"),
        done=_accepted),

    # ---- Community API ----------------------------------------------------------------------------
    #                                               anon   outsider member facil  owner  admin
    op("GET", "/communities/{slug}", vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    200      200    200    200    200",
        secret=                                    "401    404      200    200    200    200")),
    op("PATCH", "/communities/{slug}", vis(
        public=                                    "401    403      403    200    200    200",
        private=                                   "401    403      403    200    200    200",
        secret=                                    "401    404      403    200    200    200"),
        data=lambda s: {"purpose": "A sharper purpose."}, done=_purpose_changed),
    op("GET", "/communities/{slug}/members", vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200")),
    op("GET", "/communities/{slug}/requests", vis(
        public=                                    "401    403      403    200    200    200",
        private=                                   "401    403      403    200    200    200",
        secret=                                    "401    404      403    200    200    200")),
    op("POST", "/communities/{slug}/join", vis(
        public=                                    "401    200      422    422    422    200",
        private=                                   "401    200      422    422    422    200",
        secret=                                    "401    404      422    422    422    403"),
        data=lambda s: {"message": "I would like to learn."}, done=_joined),
    op("POST", "/communities/{slug}/leave", vis(
        public=                                    "401    204      204    204    422    204",
        private=                                   "401    204      204    204    422    204",
        secret=                                    "401    404      204    204    422    204"),
        done=_left),
    op("PATCH", "/communities/{slug}/members/{user_id}", vis(
        public=                                    "401    403      403    200    200    200",
        private=                                   "401    404      403    200    200    200",
        secret=                                    "401    404      403    200    200    200"),
        on="member", variant="promote member", data=lambda s: {"role": "facilitator"},
        done=lambda s, _: s.role_of(s.cast.member) == Role.FACILITATOR),
    op("PATCH", "/communities/{slug}/members/{user_id}", every(
                                                   "401    404      404    200    200    200"),
        on="requester", variant="approve request", data=lambda s: {"state": "active"},
        done=lambda s, _: s.state_of(s.requester) == "active"),
    op("PATCH", "/communities/{slug}/members/{user_id}", vis(
        public=                                    "401    403      403    403    422    422",
        private=                                   "401    404      403    403    422    422",
        secret=                                    "401    404      403    403    422    422"),
        on="owner", variant="demote owner", data=lambda s: {"role": "member"}),
    op("PATCH", "/communities/{slug}/members/{user_id}", vis(
        public=                                    "401    403      403    403    200    200",
        private=                                   "401    404      403    403    200    200",
        secret=                                    "401    404      403    403    200    200"),
        on="co_owner", variant="demote co-owner", data=lambda s: {"role": "member"},
        done=lambda s, _: s.role_of(s.co_owner) == Role.MEMBER),
    op("DELETE", "/communities/{slug}/members/{user_id}", vis(
        public=                                    "401    403      403    204    204    204",
        private=                                   "401    404      403    204    204    204",
        secret=                                    "401    404      403    204    204    204"),
        on="member", variant="remove member",
        done=lambda s, _: s.membership_of(s.cast.member) is None),
    op("DELETE", "/communities/{slug}/members/{user_id}", vis(
        public=                                    "401    403      403    403    422    422",
        private=                                   "401    404      403    403    422    422",
        secret=                                    "401    404      403    403    422    422"),
        on="owner", variant="remove owner"),
    op("DELETE", "/communities/{slug}/members/{user_id}", vis(
        public=                                    "401    403      403    403    204    204",
        private=                                   "401    404      403    403    204    204",
        secret=                                    "401    404      403    403    204    204"),
        on="co_owner", variant="remove co-owner",
        done=lambda s, _: s.membership_of(s.co_owner) is None),
    op("POST", "/communities/{slug}/invitations", vis(
        public=                                    "401    403      403    201    201    201",
        private=                                   "401    403      403    201    201    201",
        secret=                                    "401    404      403    201    201    201"),
        data=lambda s: {"role": "member", "days": 7}, done=_new_invitation),

    # ---- Site pages (no community of their own) ---------------------------------------------------
    #                                               anon   outsider member facil  owner  admin
    page("GET", "home", at("home"), site(         "200    200      200    200    200    200")),
    page("GET", "healthz", at("healthz"), site(   "200    200      200    200    200    200")),
    # A redirect to a static file (the Practica mark): browsers ask for it on every page.
    page("GET", "favicon", at("favicon"), site(   "302    302      302    302    302    302")),
    page("GET", "communities:directory", at("communities:directory"), site(
                                                   "login  200      200    200    200    200")),
    page("GET", "communities:create", at("communities:create"), site(
                                                   "login  200      200    200    200    200")),
    page("POST", "communities:create", at("communities:create"), site(
                                                   "login  302      302    302    302    302"),
        data=lambda s: {"name": "Guild of Testers", "slug": "", "purpose": "Test together.",
                        "description": "", "visibility": "public", "join_policy": "open"},
        done=_created),
    page("GET", "accounts:profile", at("accounts:profile", handle=lambda s: s.cast.member.handle),
        site(                                      "login  200      200    200    200    200")),
    page("GET", "accounts:profile_edit", at("accounts:profile_edit"), site(
                                                   "login  200      200    200    200    200")),
    page("POST", "accounts:profile_edit", at("accounts:profile_edit"), site(
                                                   "login  302      302    302    302    302"),
        data=_profile_form, done=lambda s, _: User.objects.get(pk=s.actor.pk).name == "Renamed"),
    page("GET", "accounts:tokens", at("accounts:tokens"), site(
                                                   "login  200      200    200    200    200")),
    page("POST", "accounts:tokens", at("accounts:tokens"), site(
                                                   "login  200      200    200    200    200"),
        data=lambda s: {"name": "CI script"},
        done=lambda s, _: ApiToken.objects.filter(user=s.actor, name="CI script").exists()),
    page("POST", "accounts:token_revoke", at("accounts:token_revoke",
                                              token_id=lambda s: s.own_token.pk), site(
                                                   "login  302      302    302    302    302"),
        variant="own token",
        done=lambda s, _: ApiToken.objects.get(pk=s.own_token.pk).revoked_at is not None),
    # Someone else's token is something you may not see.
    page("POST", "accounts:token_revoke", at("accounts:token_revoke",
                                              token_id=lambda s: s.member_token.pk), site(
                                                   "login  404      302    404    404    404"),
        variant="member's token",
        done=lambda s, _: ApiToken.objects.get(pk=s.member_token.pk).revoked_at is not None),
    page("GET", "media", at("media", path=lambda s: s.media_path), site(
                                                   "login  200      200    200    200    200")),
    # The API's description is public documentation, like the sign-in pages: it holds no content.
    page("GET", "api:openapi-json", at("api:openapi-json"), site(
                                                   "200    200      200    200    200    200")),
    page("GET", "api:openapi-view", at("api:openapi-view"), site(
                                                   "200    200      200    200    200    200")),
    page("GET", "api:api-root", at("api:api-root"), site(
                                                   "404    404      404    404    404    404")),
    # Spot checks of exempt routes: allauth's public flow, and the Django admin for staff only.
    page("GET", "account_login", at("account_login"), site(
                                                   "200    302      302    302    302    302")),
    page("GET", "account_signup", at("account_signup"), site(
                                                   "200    302      302    302    302    302")),
    page("GET", "account_reset_password", at("account_reset_password"), site(
                                                   "200    200      200    200    200    200")),
    page("GET", "account_email", at("account_email"), site(
                                                   "login  200      200    200    200    200")),
    page("GET", "admin:index", at("admin:index"), site(
                                                   "staff  staff    staff  staff  staff  200")),

    # ---- Site API ---------------------------------------------------------------------------------
    #                                               anon   outsider member facil  owner  admin
    op("GET", "/me", site(                         "401    200      200    200    200    200")),
    op("GET", "/communities", site(                "401    200      200    200    200    200")),
    op("POST", "/communities", site(               "401    201      201    201    201    201"),
        data=lambda s: {"name": "Guild of Testers", "purpose": "Test together."}, done=_created),
]
# fmt: on


def _cells() -> list[Any]:
    cells = []
    for row in TABLE:
        for visibility, outcomes in row.expect.items():
            assert len(outcomes.split()) == len(ROLES), f"{row.label} {visibility}: six outcomes"
            assert set(outcomes.split()) <= OUTCOMES, f"{row.label} {visibility}: {outcomes}"
            if row.method != "GET" and set(outcomes.split()) & SUCCESS:
                assert row.done, f"{row.label}: say what a success must have changed"
            for role in ROLES:
                cells.append(
                    pytest.param(row, visibility, role, id=f"{row.label}-{visibility}-{role}")
                )
    return cells


# --- Coverage --------------------------------------------------------------------------------------


def _page_routes(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list:
    """(full route, name or None) for every URL pattern, through every include."""
    routes = []
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            routes += _page_routes(p, route, ns)
        elif isinstance(p, URLPattern):
            name = ":".join(filter(None, [namespace, p.name])) if p.name else None
            routes.append((route, name))
    return routes


def _api_operations() -> set[tuple[str, str]]:
    """(METHOD, path) for every operation of the NinjaAPI, hidden ones too; paths without /api/v1."""
    found = set()
    routers = list(api._routers)  # ninja keeps (prefix, router) pairs; no public accessor
    while routers:
        prefix, router = routers.pop()
        routers += [(f"{prefix}/{p}", r) for p, r in router._routers]
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    found.add((method.upper(), normalize_path(f"/{prefix}/{path}").rstrip("/")))
    return found


def _as_api_path(route: str) -> str | None:
    """'api/v1/communities/<slug>' -> '/communities/{slug}'; None outside the API."""
    route = "/" + route
    if not route.startswith(API_PREFIX + "/"):
        return None
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.removeprefix(API_PREFIX)).rstrip("/")


def test_every_route_has_an_authorization_row():
    operations = _api_operations()
    api_paths = {path for _, path in operations}
    page_rows = {row.route for row in TABLE if not row.is_api}
    api_rows = {(row.method, row.route) for row in TABLE if row.is_api}

    uncovered, names = [], set()
    for route, name in _page_routes(get_resolver()):
        names.add(name)
        if name in page_rows or any(route.startswith(prefix) for prefix in EXEMPT):
            continue
        if _as_api_path(route) in api_paths:  # an operation's URL: checked operation by operation
            continue
        uncovered.append(f"page {name or '(unnamed)'}: /{route}")
    uncovered += [f"API {m} {API_PREFIX}{p}" for m, p in sorted(operations - api_rows)]
    assert not uncovered, "Routes with no authorization row in TABLE:\n  " + "\n  ".join(uncovered)

    stale = sorted(page_rows - names) + [f"{m} {p}" for m, p in sorted(api_rows - operations)]
    assert not stale, f"TABLE rows for routes that no longer exist: {stale}"


# --- The cells -------------------------------------------------------------------------------------


def _send(row: Row, scene: Scene, client: Any) -> Any:
    url = row.url(scene)
    data = row.data(scene) if row.data else None
    if row.is_api:
        path = url.removeprefix(API_PREFIX)
        if row.method == "GET":
            return client.get(path)
        if row.method == "DELETE":
            return client.delete(path)
        return getattr(client, row.method.lower())(path, json=data)
    if row.method == "GET":
        return client.get(url)
    return client.post(url, data or {})


def _error_messages(response: Any) -> list[str]:
    request = getattr(response, "wsgi_request", None)
    if request is None or not hasattr(request, "_messages"):
        return []
    return [str(m) for m in get_messages(request) if m.level == message_levels.ERROR]


def _describe(response: Any) -> str:
    """What came back, in the table's words where possible (for failure messages)."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("account_login")):
            return f"login ({location})"
        if location.startswith(reverse("admin:login")):
            return f"staff ({location})"
        errors = _error_messages(response)
        return f"deny ({location}: {errors})" if errors else f"302 ({location})"
    return str(response.status_code)


def _check_outcome(row: Row, expected: str, response: Any) -> None:
    got = _describe(response)
    assert got.split()[0] == expected, f"expected {expected}, got {got}"
    if expected == "login":
        assert "next=" in response["Location"], "the sign-in page should bring the person back"
    if row.is_api and response.status_code >= 400:
        assert response.json().get("message"), "API errors carry a JSON message"


@pytest.fixture(scope="module")
def handler() -> ClientHandler:
    """One request handler for every cell's client. Each new handler loads the middleware again,
    and WhiteNoise then indexes every static file: a third of a cell's time, for nothing."""
    return ClientHandler(enforce_csrf_checks=False)


def _client(row: Row, actor: User | None, handler: ClientHandler) -> Any:
    if row.is_api:
        api_client = Api(actor)
        api_client.client.handler = handler
        return api_client
    client = client_for(actor)
    client.handler = handler
    return client


@pytest.mark.parametrize(("row", "visibility", "role"), _cells())
def test_each_person_gets_what_the_table_says(
    row: Row, visibility: str, role: str, cast_factory, user_factory, handler
):
    cast = cast_factory(
        "public" if visibility == "site" else visibility, JOIN_POLICY.get(visibility, "open")
    )
    scene = Scene(cast, role, user_factory, is_api=row.is_api)
    expected = row.outcome(visibility, role)
    client = _client(row, scene.actor, handler)
    row.url(scene)  # make what the route acts on before photographing the database
    if row.data:
        row.data(scene)
    before = db_state()

    response = _send(row, scene, client)

    _check_outcome(row, expected, response)
    if expected in SUCCESS and row.done is not None:
        assert row.done(scene, response), "the action answered success but did not happen"
    elif expected not in SUCCESS or row.method == "GET":
        assert db_state() == before, "a refused request (or a GET) changed the database"


# --- A hidden community is indistinguishable from a missing one ------------------------------------


def _without_csrf(html: bytes) -> bytes:
    """The page without its CSRF tokens, which are masked afresh for every response."""
    return re.sub(rb"[A-Za-z0-9]{64}", b"<csrf>", html)


@pytest.mark.parametrize(
    "path",
    ["/c/{slug}/", "/c/{slug}/members/", "/c/{slug}/manage/"],
)
def test_a_secret_community_looks_exactly_like_a_missing_one_on_pages(path, cast_factory):
    cast = cast_factory("secret", "invite")
    client = client_for(cast.outsider)
    hidden = client.get(path.format(slug=cast.community.slug))
    missing = client.get(path.format(slug="no-such-community"))
    assert hidden.status_code == missing.status_code == 404
    assert _without_csrf(hidden.content) == _without_csrf(missing.content)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/communities/{slug}"),
        ("get", "/communities/{slug}/members"),
        ("post", "/communities/{slug}/join"),
        ("post", "/communities/{slug}/invitations"),
    ],
)
def test_a_secret_community_looks_exactly_like_a_missing_one_in_the_api(method, path, cast_factory):
    cast = cast_factory("secret", "invite")
    client = Api(cast.outsider)
    call = getattr(client, method)
    hidden = call(path.format(slug=cast.community.slug))
    missing = call(path.format(slug="no-such-community"))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
