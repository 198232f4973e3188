"""Authorization, route by route: what each kind of person gets from every page and API operation.

`test_every_route_has_an_authorization_row` walks every URL pattern and every API operation and fails
when one is neither in TABLE nor in EXEMPT. `test_each_person_gets_what_the_table_says` then runs
every cell of TABLE: one test per route x visibility x person, each on a fresh cast (a community
with an owner, a facilitator and a member, plus an outsider and a site administrator who belong to
nothing). When a cell fails, its message says what came back, in the table's notation. (The three
casts are made once per module, in a transaction each cell's own transaction nests in and rolls
back: every cell starts from the same untouched state; see `casts`.)

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

Discussions. Every cast also holds, from the start: the member's question tagged "kubernetes"
({thread_id}, or <pk> on thread pages), the facilitator's answer to it ({answer_id}, or <pk> on
answer pages), the member's comment on the question (<pk> on comment pages), the member's
discussion (the thread of reaction rows: discussions take reactions, questions take votes), and
the tag "kubernetes" (<tag>). A row's `given` sets up what only it needs, before the database is
photographed: revision 2 by the member (rolled back to <number> 1), a second tag "k8s" to merge
into, Eve Expert (a plain member to ask for an answer), the member's accepting the answer, or a
vote or follow by the actor (made directly, as if while a member) for the rows that take one back.
Live sessions. Every cast also holds a live session scheduled an hour ahead by the owner, hosted
and noted by the facilitator, with the member's question in it and the facilitator's note
(<pk> on live pages, {session_id} and {question_id} in API paths); rows that need the session over
end it first (`given`). Their rules are in the comments above the live rows.
The rules the rows encode (communities.policy, "Actions on content"):

  - reading (threads, answers, comments, revisions, tags, lists, experts) follows the community:
    on a public one any signed-in person, on a private or secret one its members (the outsider gets
    404 even on a private one: its content is for members); the admin sees everything;
  - writing (ask, answer, comment, vote, un-vote, react, follow, unfollow) needs membership: the
    outsider is refused (403, or deny where the page sends a refused small action back) where the
    content is visible and gets 404 where it is not; the admin belongs to nothing, so is refused;
  - nobody votes on their own post (422 / deny): votes target the member's question (the member's
    cell is the refusal) and the facilitator's answer (the facilitator's);
  - edit: the author, facilitators, owners, the admin; delete: the author or a moderator; accept
    and ask experts: the asker (the member) or a moderator; roll back, wiki and tag edit / merge:
    moderators (facilitators, owners, the admin) only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import cache, cached_property
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.db.models import Model
from django.test import override_settings
from django.test.client import ClientHandler
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from ninja.utils import normalize_path

from practica.accounts.models import ApiToken, User
from practica.accounts.services import token_create, user_create
from practica.api.api import api
from practica.communities import services
from practica.communities.models import (
    Community,
    Invitation,
    Membership,
    MembershipState,
    Role,
)
from practica.discussions import services as discussions
from practica.discussions.models import (
    Answer,
    AskRequest,
    Comment,
    Follow,
    Kind,
    Reaction,
    Revision,
    Tag,
    Thread,
    Upload,
    Vote,
)
from practica.learning import services as learning
from practica.learning.models import (
    Card,
    CardSet,
    JournalReply,
    JournalWeek,
    LearnerSettings,
    PracticeEntry,
    ReviewLog,
    SetCard,
)
from practica.live import services as live
from practica.live.models import LiveNote, LiveQuestion, LiveRole, LiveSession, LiveVote
from practica.notifications.emails import unsubscribe_token
from practica.notifications.models import (
    CommunityLevel,
    Delivery,
    Notification,
    Preference,
    Webhook,
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
        self,
        cast: Cast,
        role: str,
        user_factory: Callable[..., User],
        *,
        is_api: bool,
        content: dict[str, int],
    ) -> None:
        self.cast, self.role, self.user_factory, self.is_api = cast, role, user_factory, is_api
        self.content = content  # the pks of the discussions content (see `_make_cast`)
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

    # Discussions: what the thread, answer, comment and tag routes act on (see the docstring).

    @cached_property
    def question(self) -> Thread:
        """The member's question, tagged "kubernetes"."""
        return Thread.objects.get(pk=self.content["question"])

    @cached_property
    def answer(self) -> Answer:
        """The facilitator's answer to the member's question."""
        return Answer.objects.get(pk=self.content["answer"])

    @cached_property
    def comment(self) -> Comment:
        """The member's comment on their own question."""
        return Comment.objects.get(pk=self.content["comment"])

    @cached_property
    def discussion(self) -> Thread:
        """The member's discussion (reactions are for discussions; votes are for questions)."""
        return Thread.objects.get(pk=self.content["discussion"])

    @cached_property
    def tag(self) -> Tag:
        return self.question.tags.get(name="kubernetes")

    @cached_property
    def other_tag(self) -> Tag:
        """A second tag of the community ("k8s"), to merge "kubernetes" into."""
        return Tag.objects.create(community=self.community, name="k8s")

    @cached_property
    def first_revision(self) -> int:
        """Revision 1 of the question, after the member edited it once (revision 2)."""
        discussions.thread_update(
            actor=self.cast.member, thread=self.question, body="Edited: it falls over.", reason="x"
        )
        return 1

    @cached_property
    def expert(self) -> User:
        """A plain member to ask for an answer (nobody in the cast asks themself)."""
        person = self.user_factory("Eve Expert")
        services.membership_add(actor=self.cast.owner, community=self.community, user=person)
        return person

    def accepted(self) -> None:
        """The member (the asker) accepted the facilitator's answer."""
        discussions.answer_accept(actor=self.cast.member, answer=self.answer)

    def prior_vote(self, target: Thread | Answer) -> None:
        """An up-vote on `target` by the actor, made directly (as if cast while a member); none by
        the target's author or by nobody."""
        if self.actor is None or self.actor.pk == target.author_id:
            return
        field = "thread" if isinstance(target, Thread) else "answer"
        Vote.objects.create(user=self.actor, value=1, **{field: target})
        type(target).objects.filter(pk=target.pk).update(score=1)

    def prior_follow(self) -> None:
        """The actor follows the question (made directly, as if while a member)."""
        if self.actor is not None:
            Follow.objects.get_or_create(user=self.actor, thread=self.question)

    # Learning: the member's card, the facilitator's card set, the member's journal of WEEK (sent
    # to the owner, made the member's manager, when a row needs it sent).

    @cached_property
    def card(self) -> Card:
        return learning.card_create(
            owner=self.cast.member, prompt="Why drain nodes?", point="To move pods.", to_try=True
        )

    @cached_property
    def card_set(self) -> CardSet:
        return learning.card_set_create(
            author=self.cast.facilitator,
            community=self.community,
            title="Upgrade basics",
            cards=[("What is a PDB?", "A disruption budget.")],
        )

    def managed_journal(self) -> None:
        """The member's saved journal of WEEK; the owner is the member's manager."""
        User.objects.filter(pk=self.cast.member.pk).update(manager=self.cast.owner)
        self.cast.member.manager_id = self.cast.owner.pk
        learning.journal_save(user=self.cast.member, week=WEEK, body="I learned about drains.")

    @cached_property
    def sent_journal(self) -> JournalWeek:
        self.managed_journal()
        return learning.journal_send(user=self.cast.member, week=WEEK)

    def thread_now(self, thread: Thread | None = None) -> Thread:
        return Thread.objects.get(pk=(thread or self.question).pk)

    def answer_now(self) -> Answer:
        return Answer.objects.get(pk=self.answer.pk)

    # Live sessions: the cast's session (scheduled an hour ahead by the owner; the facilitator
    # hosts it and writes its notes), the member's question in it and the facilitator's note.

    @cached_property
    def live_session(self) -> LiveSession:
        return LiveSession.objects.select_related("community").get(pk=self.content["live_session"])

    @cached_property
    def live_question(self) -> LiveQuestion:
        return LiveQuestion.objects.get(pk=self.content["live_question"])

    @cached_property
    def live_duplicate(self) -> LiveQuestion:
        """The owner's duplicate of the member's question, to merge."""
        return live.live_question_submit(
            author=self.cast.owner, session=self.live_session, body="What fails first, then?"
        )

    def live_ended(self) -> None:
        """The session is over (ended directly, as if by its host)."""
        LiveSession.objects.filter(pk=self.live_session.pk).update(
            status="ended", ended_at=timezone.now()
        )

    def live_prior_vote(self) -> None:
        """An upvote on the member's question by the actor (made directly); none by its author."""
        if self.actor is not None and self.actor.pk != self.live_question.author_id:
            LiveVote.objects.create(question=self.live_question, user=self.actor)
            LiveQuestion.objects.filter(pk=self.live_question.pk).update(votes=1)

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

    # Notifications and webhooks.

    @cached_property
    def notification(self) -> Notification:
        """An unread notification of the member's (made directly): only she may read it."""
        return Notification.objects.create(
            recipient=self.cast.member, kind="answer.on_mine", community=self.community,
            target_type="answer", target_id=self.answer.pk, thread_id=self.question.pk,
            title=self.question.title, url=self.question.get_absolute_url(),
            group_key=f"answer:{self.question.pk}",
        )  # fmt: skip

    @cached_property
    def webhook(self) -> Webhook:
        return Webhook.objects.create(
            community=self.community, url="http://93.184.216.34/hook",
            events=["question.asked"], secret="whsec_test",
        )  # fmt: skip

    @cached_property
    def delivery(self) -> Delivery:
        return Delivery.objects.create(
            webhook=self.webhook, event="question.asked", payload={"event": "question.asked"},
            state="failed",
        )  # fmt: skip

    def unread_of(self, user: User | None) -> int:
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    # URLs.

    def person(self, who: str) -> User:
        """Someone in the cast by role, or the pending requester, or the co-owner."""
        return getattr(self, who) if who in ("requester", "co_owner") else getattr(self.cast, who)

    def page(self, name: str, **kwargs: Any) -> str:
        return reverse(f"communities:{name}", kwargs={"slug": self.slug, **kwargs})


# Everything an authorization mistake could change (not last_login or a token's last use): each
# model with the fields to photograph.
SNAPSHOT: list[tuple[type[Model], tuple[str, ...]]] = [
    (Community, ("pk", "name", "slug", "purpose", "description", "visibility", "join_policy")),
    (Community, ("cover",)),
    (Membership, ("community_id", "user_id", "role", "state", "joined_at")),
    (Invitation, ("pk", "community_id", "email", "role", "used_at", "used_by", "revoked_at")),
    (ApiToken, ("pk", "user_id", "name", "revoked_at")),
    (User, ("pk", "name", "handle", "team", "bio", "is_active", "is_superuser")),
    # Discussions.
    (Thread, ("pk", "community_id", "author_id", "kind", "title", "body", "is_wiki", "score")),
    (Thread, ("answer_count", "comment_count", "accepted_answer_id", "edited_at", "deleted_at")),
    (Thread.tags.through, ("thread_id", "tag_id")),
    (Answer, ("pk", "thread_id", "author_id", "body", "score", "edited_at", "deleted_at")),
    (Comment, ("pk", "thread_id", "answer_id", "parent_id", "author_id", "body", "deleted_at")),
    (Vote, ("user_id", "thread_id", "answer_id", "value")),
    (Reaction, ("user_id", "thread_id", "comment_id", "emoji")),
    (Revision, ("thread_id", "answer_id", "number", "author_id", "title", "body", "tags")),
    (Revision, ("reason",)),
    (Tag, ("pk", "community_id", "name", "description")),
    (Follow, ("user_id", "thread_id")),
    (AskRequest, ("thread_id", "user_id", "asked_by_id")),
    (Upload, ("pk", "uploader_id", "community_id")),
    # Live sessions.
    (LiveSession, ("pk", "community_id", "title", "status", "starts_at", "ends_at")),
    (LiveSession, ("synthesis_thread_id", "synthesis_draft", "moved_to_qa_at", "question_count")),
    (LiveRole, ("session_id", "user_id", "role")),
    (LiveQuestion, ("pk", "session_id", "author_id", "body", "state", "is_pinned", "votes")),
    (LiveQuestion, ("answer", "merged_into_id", "thread_id", "edited_at")),
    (LiveVote, ("question_id", "user_id")),
    (LiveNote, ("pk", "session_id", "author_id", "body", "edited_at")),
    # Notifications and webhooks.
    (Notification, ("pk", "recipient_id", "kind", "count", "read_at", "email_state")),
    (Preference, ("user_id", "channels", "digest", "quiet_start", "quiet_end", "timezone")),
    (CommunityLevel, ("user_id", "community_id", "level")),
    (Webhook, ("pk", "community_id", "url", "events", "format", "active", "secret")),
    (Delivery, ("pk", "webhook_id", "event", "state", "redelivery_of_id")),
    # Learning.
    (Card, ("pk", "owner_id", "prompt", "point", "reps", "due", "suspended_at", "source_id")),
    (Card, ("try_prompt_done_at", "to_try", "set_card_id")),
    (ReviewLog, ("card_id", "number", "rating")),
    (CardSet, ("pk", "community_id", "title")),
    (SetCard, ("pk", "card_set_id", "prompt")),
    (PracticeEntry, ("pk", "user_id", "tried", "visibility", "thread_id")),
    (JournalWeek, ("pk", "user_id", "week", "body", "sent_at", "sent_to_id")),
    (JournalReply, ("pk", "journal_id", "author_id", "body")),
    (LearnerSettings, ("user_id", "time_zone", "desired_retention", "daily_new_limit")),
]


@cache
def _snapshot_sql() -> list[str]:
    """One SELECT per SNAPSHOT entry (raw SQL: a cell photographs the database twice, and the ORM
    would spend more time building these queries than the database answering them)."""
    quote = connection.ops.quote_name
    queries = []
    for model, fields in SNAPSHOT:
        meta = model._meta
        columns = [meta.pk.column if f == "pk" else meta.get_field(f).column for f in fields]
        select, table, pk = ", ".join(map(quote, columns)), meta.db_table, meta.pk.column
        queries.append(f"SELECT {select} FROM {quote(table)} ORDER BY {quote(pk)}")  # noqa: S608
    return queries


def db_state() -> list[list[tuple]]:
    """What SNAPSHOT lists, as it is now."""
    with connection.cursor() as cursor:
        state = []
        for sql in _snapshot_sql():
            cursor.execute(sql)
            state.append(cursor.fetchall())
        return state


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
    given: Callable[[Scene], Any] | None = None  # a state to set up before the request

    @property
    def is_api(self) -> bool:
        return self.route.startswith("/")

    @property
    def label(self) -> str:
        label = f"{self.method} {self.route}" + (f" ({self.variant})" if self.variant else "")
        return label.replace(" ", "_")

    def outcome(self, visibility: str, role: str) -> str:
        return self.expect[visibility].split()[ROLES.index(role)]


def in_community(name: str, *, api: bool = False, **query: str) -> Url:
    """A search route (URL name, or API path with `api`) narrowed to the cast's community."""

    def url(s: Scene) -> str:
        base = API_PREFIX + name if api else reverse(name)
        return f"{base}?{urlencode({**query, 'community': s.slug})}"

    return url


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


def op(
    method: str,
    path: str,
    expect: dict[str, str],
    *,
    on: str = "",
    thread: str = "question",
    **kw: Any,
) -> Row:
    """An API operation; in `path`, {slug} is the cast's community, {user_id} the person `on`,
    {thread_id} the scene's `thread` (the member's question unless told) and {answer_id} the
    facilitator's answer. Only the placeholders in `path` are made."""

    def url(s: Scene) -> str:
        params: dict[str, Any] = {"slug": s.slug}
        if "{user_id}" in path:
            params["user_id"] = s.person(on).pk if on else None
        if "{thread_id}" in path:
            params["thread_id"] = getattr(s, thread).pk
        if "{answer_id}" in path:
            params["answer_id"] = s.answer.pk
        if "{session_id}" in path:
            params["session_id"] = s.content["live_session"]
        if "{question_id}" in path:
            params["question_id"] = s.content["live_question"]
        if "{webhook_id}" in path:
            params["webhook_id"] = s.webhook.pk
        if "{delivery_id}" in path:
            params["delivery_id"] = s.delivery.pk
        return API_PREFIX + path.format(**params)

    return Row(method, path, url, expect, **kw)


def community(name: str, **kwargs: Callable[[Scene], Any]) -> Url:
    """The URL of the community page `name`, with more URL arguments made from the scene."""
    return lambda s: s.page(name, **{k: f(s) for k, f in kwargs.items()})


def content(name: str, target: str, **kwargs: Callable[[Scene], Any]) -> Url:
    """The discussions page `name` about the scene's `target` (question, discussion, answer,
    comment) as <pk>, with more URL arguments made from the scene."""

    def url(s: Scene) -> str:
        extra = {k: f(s) for k, f in kwargs.items()}
        return reverse(
            f"discussions:{name}", kwargs={"slug": s.slug, "pk": getattr(s, target).pk, **extra}
        )

    return url


def board(name: str, **kwargs: Callable[[Scene], Any]) -> Url:
    """The discussions page `name` of the community (lists, asking, tags)."""
    return lambda s: reverse(
        f"discussions:{name}", kwargs={"slug": s.slug, **{k: f(s) for k, f in kwargs.items()}}
    )


def act(action: str, *, on: str) -> Url:
    """The member action `action` (approve, decline, remove, role) on the person `on`."""
    return lambda s: s.page("member_action", user_id=s.person(on).pk, action=action)


def at(name: str, **kwargs: Callable[[Scene], Any]) -> Url:
    """The URL of the site route `name`."""
    return lambda s: reverse(name, kwargs={k: f(s) for k, f in kwargs.items()})


def board_live(name: str) -> Url:
    """The live page `name` of the community (list, scheduling, calendar feed)."""
    return lambda s: reverse(f"live:{name}", kwargs={"slug": s.slug})


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


# Discussions: the forms, and what a success must have changed.

NEW_QUESTION = "How do we test authorization well?"


def _ask_form(s: Scene) -> dict:
    return {"kind": "question", "title": NEW_QUESTION, "body": "Route by route.", "tags": "tests"}


def _asked(s: Scene, _: Any) -> bool:
    return Thread.objects.filter(community=s.community, author=s.actor, title=NEW_QUESTION).exists()


def _image_form(s: Scene) -> dict[str, Any]:
    """A small real PNG, as a browser would send it."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buf, format="PNG")
    return {"image": SimpleUploadedFile("diagram.png", buf.getvalue(), content_type="image/png")}


def _uploaded(s: Scene, _: Any) -> bool:
    return Upload.objects.filter(community=s.community, uploader=s.actor).exists()


def _answered(s: Scene, _: Any) -> bool:
    return Answer.objects.filter(thread=s.question, author=s.actor, body="Try a canary.").exists()


def _commented(s: Scene, _: Any) -> bool:
    return Comment.objects.filter(author=s.actor, body="Same here.").exists()


def _voted(target: str) -> Done:
    def done(s: Scene, _: Any) -> bool:
        t = getattr(s, target)
        field = "thread" if isinstance(t, Thread) else "answer"
        return Vote.objects.filter(user=s.actor, value=1, **{field: t}).exists()

    return done


def _unvoted(target: str) -> Done:
    def done(s: Scene, _: Any) -> bool:
        t = getattr(s, target)
        field = "thread" if isinstance(t, Thread) else "answer"
        score = type(t).objects.get(pk=t.pk).score
        return score == 0 and not Vote.objects.filter(user=s.actor, **{field: t}).exists()

    return done


def _reacted(target: str) -> Done:
    def done(s: Scene, _: Any) -> bool:
        t = getattr(s, target)
        field = "thread" if isinstance(t, Thread) else "comment"
        return Reaction.objects.filter(user=s.actor, emoji="heart", **{field: t}).exists()

    return done


def _following(s: Scene, _: Any) -> bool:
    return Follow.objects.filter(user=s.actor, thread=s.question).exists()


def _asked_expert(s: Scene, _: Any) -> bool:
    return AskRequest.objects.filter(thread=s.question, user=s.expert, asked_by=s.actor).exists()


def _thread_edited(s: Scene, _: Any) -> bool:
    return s.thread_now().body == "Clearer now."


def _answer_edited(s: Scene, _: Any) -> bool:
    return s.answer_now().body == "Clearer now."


def _rolled_back(s: Scene, _: Any) -> bool:
    last = Revision.objects.filter(thread=s.question).order_by("-number").first()
    return (
        s.thread_now().body == "Our clusters fall over on every upgrade."
        and last is not None
        and last.number == 3
        and last.author_id == s.actor.pk
    )


def _tag_described(s: Scene, _: Any) -> bool:
    return Tag.objects.get(pk=s.tag.pk).description == "Container orchestration."


def _tag_merged(s: Scene, _: Any) -> bool:
    names = set(s.thread_now().tags.values_list("name", flat=True))
    return not Tag.objects.filter(pk=s.tag.pk).exists() and names == {"k8s"}


# Notifications and webhooks.

WEBHOOK_FORM = {"url": "http://93.184.216.34/new", "events": ["question.asked"], "format": "json"}


def _hooks_page(s: Scene) -> str:
    return reverse("notifications:webhooks", kwargs={"slug": s.slug})


def _hook_url(name: str) -> Url:
    return lambda s: reverse(f"notifications:{name}", kwargs={"slug": s.slug, "pk": s.webhook.pk})


def _all_read(s: Scene, _: Any) -> bool:
    return s.unread_of(s.actor) == 0


def _digest(value: str) -> Done:
    return lambda s, _: Preference.objects.filter(user=s.actor, digest=value).exists()


def _levels_set(s: Scene, _: Any) -> bool:
    # Only the communities the person is an active member of take a level.
    member = s.role_of(s.actor) is not None
    return CommunityLevel.objects.filter(user=s.actor, level="watch").exists() == member


def _hook_made(s: Scene, _: Any) -> bool:
    return Webhook.objects.filter(community=s.community, url=WEBHOOK_FORM["url"]).exists()


def _hook_changed(s: Scene, _: Any) -> bool:
    return Webhook.objects.get(pk=s.webhook.pk).url == WEBHOOK_FORM["url"]


def _hook_paused(s: Scene, _: Any) -> bool:
    return Webhook.objects.get(pk=s.webhook.pk).active is False


def _hook_gone(s: Scene, _: Any) -> bool:
    return not Webhook.objects.filter(pk=s.webhook.pk).exists()


def _resent(s: Scene, _: Any) -> bool:
    return Delivery.objects.filter(redelivery_of=s.delivery).exists()


def _unsubscribe_link(s: Scene) -> str:
    token = unsubscribe_token(s.cast.member.pk, "digest")
    return reverse("notifications:unsubscribe", kwargs={"token": token})


def _member_unsubscribed(s: Scene, _: Any) -> bool:
    return Preference.objects.filter(user=s.cast.member, digest="off").exists()


def _previewed(s: Scene, response: Any) -> bool:
    return b"<strong>bold</strong>" in response.content


# Live sessions: URLs of the cast's session, question and note, and what a success changed.


def live_page(name: str, target: str = "live_session") -> Url:
    """The live page `name` about the scene's `target` (live_session, live_question, live_note)."""
    return lambda s: reverse(f"live:{name}", kwargs={"slug": s.slug, "pk": s.content[target]})


def _live_form(s: Scene) -> dict:
    day = (timezone.now() + timedelta(days=2)).date()
    return {"title": "Renamed live session", "starts_at": f"{day}T10:00",
            "ends_at": f"{day}T11:00", "time_zone": "Europe/Paris", "questions_open": "scheduled",
            "hosts": [s.cast.facilitator.pk]}  # fmt: skip


def _live_api_form(s: Scene) -> dict:
    start = timezone.now() + timedelta(days=2)
    return {"title": "Renamed live session", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat()}  # fmt: skip


def _live_scheduled(s: Scene, _: Any) -> bool:
    return LiveSession.objects.filter(community=s.community, title="Renamed live session").exists()


def _live_status(status: str) -> Done:
    return lambda s, _: LiveSession.objects.get(pk=s.live_session.pk).status == status


def _live_asked(s: Scene, _: Any) -> bool:
    return LiveQuestion.objects.filter(author=s.actor, body="Who owns the runbooks?").exists()


def _live_question(**fields: Any) -> Done:
    return lambda s, _: LiveQuestion.objects.filter(pk=s.live_question.pk, **fields).exists()


def _live_merged(s: Scene, _: Any) -> bool:
    return LiveQuestion.objects.get(pk=s.live_duplicate.pk).merged_into_id == s.live_question.pk


def _live_voted(s: Scene, _: Any) -> bool:
    return LiveVote.objects.filter(question=s.live_question, user=s.actor).exists()


def _live_unvoted(s: Scene, _: Any) -> bool:
    q = LiveQuestion.objects.get(pk=s.live_question.pk)
    return q.votes == 0 and not LiveVote.objects.filter(question=q).exists()


def _live_noted(s: Scene, _: Any) -> bool:
    return LiveNote.objects.filter(author=s.actor, body="The CNI goes first.").exists()


def _live_note_edited(s: Scene, _: Any) -> bool:
    return LiveNote.objects.get(pk=s.content["live_note"]).body == "Edited note."


def _live_published(s: Scene, _: Any) -> bool:
    return LiveSession.objects.get(pk=s.live_session.pk).synthesis_thread_id is not None


def _live_moved(s: Scene, _: Any) -> bool:
    return LiveQuestion.objects.get(pk=s.live_question.pk).thread_id is not None


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

    # ---- Discussions pages ------------------------------------------------------------------------
    # Every cast holds the member's question (tag "kubernetes"), the facilitator's answer to it, the
    # member's comment on it and the member's discussion (see `_make_cast`).
    # Reading follows the community: a private community's content is for its members (and the
    # admin). Writing needs membership: the admin, who belongs to nothing, is refused like the
    # outsider. A small action refused by the policy goes back with a message (deny).
    #                                               anon   outsider member facil  owner  admin
    page("GET", "discussions:questions", board("questions"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    page("GET", "discussions:discussions", board("discussions"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    # The ask page shows no content; who may not post is told how to join (the community's own
    # page is as visible: a private one to everybody, a secret one to its members).
    page("GET", "discussions:ask", board("ask"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  200      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    # Images for posts: members only (the admin belongs to nothing); JSON answers, so refusals
    # are plain statuses rather than redirects.
    page("POST", "discussions:image_upload", board("image_upload"), vis(
        public=                                    "login  403      201    201    201    403",
        private=                                   "login  404      201    201    201    403",
        secret=                                    "login  404      201    201    201    403"),
        data=_image_form, done=_uploaded),
    page("POST", "discussions:ask", board("ask"), vis(
        public=                                    "login  403      302    302    302    403",
        private=                                   "login  404      302    302    302    403",
        secret=                                    "login  404      302    302    302    403"),
        data=_ask_form, done=_asked),
    page("GET", "discussions:thread", content("thread", "question"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    # Votes on the member's question: the member may not vote on their own post.
    page("POST", "discussions:thread_vote", content("thread_vote", "question"), vis(
        public=                                    "login  deny     deny   302    302    deny",
        private=                                   "login  404      deny   302    302    deny",
        secret=                                    "login  404      deny   302    302    deny"),
        data=lambda s: {"value": "1"}, done=_voted("question")),
    # Taking a vote back (value 0) is voting too; the vote is there first (see `given`).
    page("POST", "discussions:thread_vote", content("thread_vote", "question"), vis(
        public=                                    "login  deny     302    302    302    deny",
        private=                                   "login  404      302    302    302    deny",
        secret=                                    "login  404      302    302    302    deny"),
        variant="take back", data=lambda s: {"value": "0"},
        given=lambda s: s.prior_vote(s.question), done=_unvoted("question")),
    page("POST", "discussions:thread_react", content("thread_react", "discussion"), vis(
        public=                                    "login  deny     302    302    302    deny",
        private=                                   "login  404      302    302    302    deny",
        secret=                                    "login  404      302    302    302    deny"),
        data=lambda s: {"emoji": "heart"}, done=_reacted("discussion")),
    page("POST", "discussions:thread_follow", content("thread_follow", "question"), vis(
        public=                                    "login  deny     302    302    302    deny",
        private=                                   "login  404      302    302    302    deny",
        secret=                                    "login  404      302    302    302    deny"),
        data=lambda s: {"following": "1"}, done=_following),
    # Asking someone (a plain member, Eve) to answer: the asker or a moderator.
    page("POST", "discussions:thread_ask", content("thread_ask", "question"), vis(
        public=                                    "login  deny     302    302    302    302",
        private=                                   "login  404      302    302    302    302",
        secret=                                    "login  404      302    302    302    302"),
        data=lambda s: {"user_ids": [s.expert.pk]}, done=_asked_expert),
    page("POST", "discussions:answer_create", content("answer_create", "question"), vis(
        public=                                    "login  deny     302    302    302    deny",
        private=                                   "login  404      302    302    302    deny",
        secret=                                    "login  404      302    302    302    deny"),
        data=lambda s: {"body": "Try a canary."}, done=_answered),
    page("POST", "discussions:comment_create", content("comment_create", "question"), vis(
        public=                                    "login  deny     302    302    302    deny",
        private=                                   "login  404      302    302    302    deny",
        secret=                                    "login  404      302    302    302    deny"),
        data=lambda s: {"body": "Same here."}, done=_commented),
    # Editing the member's question: its author, facilitators, owners and the admin.
    page("GET", "discussions:thread_edit", content("thread_edit", "question"), vis(
        public=                                    "login  403      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    page("POST", "discussions:thread_edit", content("thread_edit", "question"), vis(
        public=                                    "login  403      302    302    302    302",
        private=                                   "login  404      302    302    302    302",
        secret=                                    "login  404      302    302    302    302"),
        data=lambda s: {"title": s.question.title, "body": "Clearer now.", "tags": "kubernetes",
                        "reason": "Clearer"},
        done=_thread_edited),
    page("POST", "discussions:thread_delete", content("thread_delete", "question"), vis(
        public=                                    "login  deny     302    302    302    302",
        private=                                   "login  404      302    302    302    302",
        secret=                                    "login  404      302    302    302    302"),
        done=lambda s, _: s.thread_now().deleted_at is not None),
    # Moderators only: wiki, roll back (to revision 1, after the member's own edit), tags.
    page("POST", "discussions:thread_wiki", content("thread_wiki", "question"), vis(
        public=                                    "login  deny     deny   302    302    302",
        private=                                   "login  404      deny   302    302    302",
        secret=                                    "login  404      deny   302    302    302"),
        data=lambda s: {"is_wiki": "1"}, done=lambda s, _: s.thread_now().is_wiki),
    page("GET", "discussions:thread_revisions", content("thread_revisions", "question"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200"),
        given=lambda s: s.first_revision),
    page("POST", "discussions:thread_rollback",
        content("thread_rollback", "question", number=lambda s: s.first_revision), vis(
        public=                                    "login  deny     deny   302    302    302",
        private=                                   "login  404      deny   302    302    302",
        secret=                                    "login  404      deny   302    302    302"),
        done=_rolled_back),
    # The facilitator's answer: the facilitator may not vote on it; the asker may accept it.
    page("POST", "discussions:answer_vote", content("answer_vote", "answer"), vis(
        public=                                    "login  deny     302    deny   302    deny",
        private=                                   "login  404      302    deny   302    deny",
        secret=                                    "login  404      302    deny   302    deny"),
        data=lambda s: {"value": "1"}, done=_voted("answer")),
    page("POST", "discussions:answer_vote", content("answer_vote", "answer"), vis(
        public=                                    "login  deny     302    302    302    deny",
        private=                                   "login  404      302    302    302    deny",
        secret=                                    "login  404      302    302    302    deny"),
        variant="take back", data=lambda s: {"value": "0"},
        given=lambda s: s.prior_vote(s.answer), done=_unvoted("answer")),
    page("POST", "discussions:answer_accept", content("answer_accept", "answer"), vis(
        public=                                    "login  deny     302    302    302    302",
        private=                                   "login  404      302    302    302    302",
        secret=                                    "login  404      302    302    302    302"),
        done=lambda s, _: s.thread_now().accepted_answer_id == s.answer.pk),
    page("GET", "discussions:answer_edit", content("answer_edit", "answer"), vis(
        public=                                    "login  403      403    200    200    200",
        private=                                   "login  404      403    200    200    200",
        secret=                                    "login  404      403    200    200    200")),
    page("POST", "discussions:answer_edit", content("answer_edit", "answer"), vis(
        public=                                    "login  403      403    302    302    302",
        private=                                   "login  404      403    302    302    302",
        secret=                                    "login  404      403    302    302    302"),
        data=lambda s: {"body": "Clearer now.", "reason": "Clearer"}, done=_answer_edited),
    page("POST", "discussions:answer_delete", content("answer_delete", "answer"), vis(
        public=                                    "login  deny     deny   302    302    302",
        private=                                   "login  404      deny   302    302    302",
        secret=                                    "login  404      deny   302    302    302"),
        done=lambda s, _: s.answer_now().deleted_at is not None),
    page("GET", "discussions:answer_revisions", content("answer_revisions", "answer"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    # The member's comment.
    page("POST", "discussions:comment_react", content("comment_react", "comment"), vis(
        public=                                    "login  deny     302    302    302    deny",
        private=                                   "login  404      302    302    302    deny",
        secret=                                    "login  404      302    302    302    deny"),
        data=lambda s: {"emoji": "heart"}, done=_reacted("comment")),
    page("POST", "discussions:comment_delete", content("comment_delete", "comment"), vis(
        public=                                    "login  deny     302    302    302    302",
        private=                                   "login  404      302    302    302    302",
        secret=                                    "login  404      302    302    302    302"),
        done=lambda s, _: Comment.objects.get(pk=s.comment.pk).deleted_at is not None),
    page("GET", "discussions:tags", board("tags"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    page("GET", "discussions:tag", board("tag", tag=lambda s: s.tag.name), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    page("POST", "discussions:tag_edit", board("tag_edit", tag=lambda s: s.tag.name), vis(
        public=                                    "login  403      403    302    302    302",
        private=                                   "login  404      403    302    302    302",
        secret=                                    "login  404      403    302    302    302"),
        data=lambda s: {"name": "kubernetes", "description": "Container orchestration."},
        done=_tag_described),
    page("POST", "discussions:tag_merge", board("tag_merge", tag=lambda s: s.tag.name), vis(
        public=                                    "login  403      403    302    302    302",
        private=                                   "login  404      403    302    302    302",
        secret=                                    "login  404      403    302    302    302"),
        given=lambda s: s.other_tag, data=lambda s: {"target": "k8s"}, done=_tag_merged),

    # ---- Discussions API (the same scene) ---------------------------------------------------------
    #                                               anon   outsider member facil  owner  admin
    op("GET", "/communities/{slug}/threads", vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200")),
    op("POST", "/communities/{slug}/threads", vis(
        public=                                    "401    403      201    201    201    403",
        private=                                   "401    404      201    201    201    403",
        secret=                                    "401    404      201    201    201    403"),
        data=lambda s: {"title": NEW_QUESTION, "body": "Route by route.", "tags": ["tests"]},
        done=_asked),
    op("GET", "/threads/{thread_id}", vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200")),
    op("PATCH", "/threads/{thread_id}", vis(
        public=                                    "401    403      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200"),
        data=lambda s: {"body": "Clearer now.", "reason": "Clearer"}, done=_thread_edited),
    op("DELETE", "/threads/{thread_id}", vis(
        public=                                    "401    403      204    204    204    204",
        private=                                   "401    404      204    204    204    204",
        secret=                                    "401    404      204    204    204    204"),
        done=lambda s, _: s.thread_now().deleted_at is not None),
    op("GET", "/threads/{thread_id}/revisions", vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200"),
        given=lambda s: s.first_revision),
    op("GET", "/threads/{thread_id}/answers", vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200")),
    op("POST", "/threads/{thread_id}/answers", vis(
        public=                                    "401    403      201    201    201    403",
        private=                                   "401    404      201    201    201    403",
        secret=                                    "401    404      201    201    201    403"),
        data=lambda s: {"body": "Try a canary."}, done=_answered),
    op("GET", "/answers/{answer_id}", vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200")),
    op("PATCH", "/answers/{answer_id}", vis(
        public=                                    "401    403      403    200    200    200",
        private=                                   "401    404      403    200    200    200",
        secret=                                    "401    404      403    200    200    200"),
        data=lambda s: {"body": "Clearer now.", "reason": "Clearer"}, done=_answer_edited),
    op("DELETE", "/answers/{answer_id}", vis(
        public=                                    "401    403      403    204    204    204",
        private=                                   "401    404      403    204    204    204",
        secret=                                    "401    404      403    204    204    204"),
        done=lambda s, _: s.answer_now().deleted_at is not None),
    op("POST", "/answers/{answer_id}/accept", vis(
        public=                                    "401    403      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200"),
        done=lambda s, _: s.thread_now().accepted_answer_id == s.answer.pk),
    # Taking the mark back, after the member accepted the answer.
    op("DELETE", "/answers/{answer_id}/accept", vis(
        public=                                    "401    403      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200"),
        given=Scene.accepted, done=lambda s, _: s.thread_now().accepted_answer_id is None),
    op("GET", "/threads/{thread_id}/comments", vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200")),
    op("POST", "/threads/{thread_id}/comments", vis(
        public=                                    "401    403      201    201    201    403",
        private=                                   "401    404      201    201    201    403",
        secret=                                    "401    404      201    201    201    403"),
        data=lambda s: {"body": "Same here."}, done=_commented),
    op("POST", "/answers/{answer_id}/comments", vis(
        public=                                    "401    403      201    201    201    403",
        private=                                   "401    404      201    201    201    403",
        secret=                                    "401    404      201    201    201    403"),
        data=lambda s: {"body": "Same here."}, done=_commented),
    # Votes: on the member's question and on the facilitator's answer; nobody votes on their own.
    op("PUT", "/threads/{thread_id}/vote", vis(
        public=                                    "401    403      422    200    200    403",
        private=                                   "401    404      422    200    200    403",
        secret=                                    "401    404      422    200    200    403"),
        data=lambda s: {"value": 1}, done=_voted("question")),
    op("PUT", "/answers/{answer_id}/vote", vis(
        public=                                    "401    403      200    422    200    403",
        private=                                   "401    404      200    422    200    403",
        secret=                                    "401    404      200    422    200    403"),
        data=lambda s: {"value": 1}, done=_voted("answer")),
    # Taking a vote back is voting too: each signed-in person but the author has an up-vote there
    # first (made directly); the author has none to take back, which is no error.
    op("DELETE", "/threads/{thread_id}/vote", vis(
        public=                                    "401    403      200    200    200    403",
        private=                                   "401    404      200    200    200    403",
        secret=                                    "401    404      200    200    200    403"),
        given=lambda s: s.prior_vote(s.question), done=_unvoted("question")),
    op("DELETE", "/answers/{answer_id}/vote", vis(
        public=                                    "401    403      200    200    200    403",
        private=                                   "401    404      200    200    200    403",
        secret=                                    "401    404      200    200    200    403"),
        given=lambda s: s.prior_vote(s.answer), done=_unvoted("answer")),
    op("POST", "/threads/{thread_id}/reactions", vis(
        public=                                    "401    403      200    200    200    403",
        private=                                   "401    404      200    200    200    403",
        secret=                                    "401    404      200    200    200    403"),
        thread="discussion", data=lambda s: {"emoji": "heart"}, done=_reacted("discussion")),
    op("POST", "/threads/{thread_id}/follow", vis(
        public=                                    "401    403      200    200    200    403",
        private=                                   "401    404      200    200    200    403",
        secret=                                    "401    404      200    200    200    403"),
        done=_following),
    # Each signed-in person follows the question first (made directly).
    op("DELETE", "/threads/{thread_id}/follow", vis(
        public=                                    "401    403      200    200    200    403",
        private=                                   "401    404      200    200    200    403",
        secret=                                    "401    404      200    200    200    403"),
        given=Scene.prior_follow, done=lambda s, r: not _following(s, r)),
    op("POST", "/communities/{slug}/images", vis(
        public=                                    "401    403      201    201    201    403",
        private=                                   "401    404      201    201    201    403",
        secret=                                    "401    404      201    201    201    403"),
        data=_image_form, done=_uploaded),
    op("GET", "/communities/{slug}/tags", vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200")),
    op("GET", "/threads/{thread_id}/experts", vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200"),
        given=lambda s: s.expert),
    op("POST", "/threads/{thread_id}/ask", vis(
        public=                                    "401    403      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200"),
        data=lambda s: {"user_ids": [s.expert.pk]}, done=_asked_expert),

    # ---- Live session pages ------------------------------------------------------------------------
    # Every cast holds a session scheduled an hour ahead (hosted and noted by the facilitator), the
    # member's question in it and the facilitator's note (see `_make_cast`). Seeing follows the
    # community's content; asking and voting need membership (the admin belongs to nothing);
    # hosts, facilitators, owners and the admin edit, start, end and moderate; curators (here the
    # facilitator, and every facilitator or owner) write notes; publishing the synthesis makes a
    # discussion, so it takes a member. A refused small action goes back with a message (deny).
    #                                               anon   outsider member facil  owner  admin
    page("GET", "live:list", board_live("list"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    page("GET", "live:schedule", board_live("schedule"), vis(
        public=                                    "login  403      403    200    200    200",
        private=                                   "login  404      403    200    200    200",
        secret=                                    "login  404      403    200    200    200")),
    page("POST", "live:schedule", board_live("schedule"), vis(
        public=                                    "login  403      403    302    302    302",
        private=                                   "login  404      403    302    302    302",
        secret=                                    "login  404      403    302    302    302"),
        data=_live_form, done=_live_scheduled),
    # The calendar feed: signed in, or with the signed key of its link (tests/live/test_ics.py).
    page("GET", "live:feed", board_live("feed"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    page("GET", "live:session", live_page("session"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    page("GET", "live:present", live_page("present"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    page("GET", "live:ics", live_page("ics"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    page("GET", "live:edit", live_page("edit"), vis(
        public=                                    "login  403      403    200    200    200",
        private=                                   "login  404      403    200    200    200",
        secret=                                    "login  404      403    200    200    200")),
    page("POST", "live:edit", live_page("edit"), vis(
        public=                                    "login  403      403    302    302    302",
        private=                                   "login  404      403    302    302    302",
        secret=                                    "login  404      403    302    302    302"),
        data=_live_form, done=_live_scheduled),
    page("POST", "live:start", live_page("start"), vis(
        public=                                    "login  deny     deny   302    302    302",
        private=                                   "login  404      deny   302    302    302",
        secret=                                    "login  404      deny   302    302    302"),
        done=_live_status("live")),
    page("POST", "live:end", live_page("end"), vis(
        public=                                    "login  deny     deny   302    302    302",
        private=                                   "login  404      deny   302    302    302",
        secret=                                    "login  404      deny   302    302    302"),
        done=_live_status("ended")),
    page("POST", "live:ask", live_page("ask"), vis(
        public=                                    "login  deny     302    302    302    deny",
        private=                                   "login  404      302    302    302    deny",
        secret=                                    "login  404      302    302    302    deny"),
        data=lambda s: {"body": "Who owns the runbooks?"}, done=_live_asked),
    # Nobody upvotes their own question: the member asked it.
    page("POST", "live:vote", live_page("vote", "live_question"), vis(
        public=                                    "login  deny     deny   302    302    deny",
        private=                                   "login  404      deny   302    302    deny",
        secret=                                    "login  404      deny   302    302    deny"),
        data=lambda s: {"value": "1"}, done=_live_voted),
    page("GET", "live:question_edit", live_page("question_edit", "live_question"), vis(
        public=                                    "login  deny     200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    page("POST", "live:question_edit", live_page("question_edit", "live_question"), vis(
        public=                                    "login  deny     302    302    302    302",
        private=                                   "login  404      302    302    302    302",
        secret=                                    "login  404      302    302    302    302"),
        data=lambda s: {"body": "Clearer now?"}, done=_live_question(body="Clearer now?")),
    page("POST", "live:withdraw", live_page("withdraw", "live_question"), vis(
        public=                                    "login  deny     302    deny   deny   deny",
        private=                                   "login  404      302    deny   deny   deny",
        secret=                                    "login  404      302    deny   deny   deny"),
        done=_live_question(state="withdrawn")),
    page("POST", "live:moderate", live_page("moderate", "live_question"), vis(
        public=                                    "login  deny     deny   302    302    302",
        private=                                   "login  404      deny   302    302    302",
        secret=                                    "login  404      deny   302    302    302"),
        data=lambda s: {"action": "pin"}, done=_live_question(is_pinned=True)),
    page("POST", "live:merge", live_page("merge"), vis(
        public=                                    "login  deny     deny   302    302    302",
        private=                                   "login  404      deny   302    302    302",
        secret=                                    "login  404      deny   302    302    302"),
        data=lambda s: {"ids": [s.live_question.pk, s.live_duplicate.pk],
                        "target": s.live_question.pk}, done=_live_merged),
    page("POST", "live:note_create", live_page("note_create"), vis(
        public=                                    "login  deny     deny   302    302    302",
        private=                                   "login  404      deny   302    302    302",
        secret=                                    "login  404      deny   302    302    302"),
        data=lambda s: {"body": "The CNI goes first."}, done=_live_noted),
    page("GET", "live:note_edit", live_page("note_edit", "live_note"), vis(
        public=                                    "login  403      403    200    200    200",
        private=                                   "login  404      403    200    200    200",
        secret=                                    "login  404      403    200    200    200")),
    page("POST", "live:note_edit", live_page("note_edit", "live_note"), vis(
        public=                                    "login  403      403    302    302    302",
        private=                                   "login  404      403    302    302    302",
        secret=                                    "login  404      403    302    302    302"),
        data=lambda s: {"body": "Edited note."}, done=_live_note_edited),
    page("GET", "live:synthesis", live_page("synthesis"), vis(
        public=                                    "login  403      403    200    200    403",
        private=                                   "login  404      403    200    200    403",
        secret=                                    "login  404      403    200    200    403")),
    page("POST", "live:synthesis", live_page("synthesis"), vis(
        public=                                    "login  403      403    302    302    403",
        private=                                   "login  404      403    302    302    403",
        secret=                                    "login  404      403    302    302    403"),
        given=Scene.live_ended, data=lambda s: {"body": "What we learnt.", "publish": "1"},
        done=_live_published),
    page("POST", "live:move_to_qa", live_page("move_to_qa"), vis(
        public=                                    "login  deny     deny   302    302    302",
        private=                                   "login  404      deny   302    302    302",
        secret=                                    "login  404      deny   302    302    302"),
        given=Scene.live_ended, done=_live_moved),

    # ---- Live sessions API (the same scene) -------------------------------------------------------
    #                                               anon   outsider member facil  owner  admin
    op("GET", "/communities/{slug}/live-sessions", vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200")),
    op("POST", "/communities/{slug}/live-sessions", vis(
        public=                                    "401    403      403    201    201    201",
        private=                                   "401    404      403    201    201    201",
        secret=                                    "401    404      403    201    201    201"),
        data=_live_api_form, done=_live_scheduled),
    op("GET", "/live-sessions/{session_id}", vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200")),
    op("PATCH", "/live-sessions/{session_id}", vis(
        public=                                    "401    403      403    200    200    200",
        private=                                   "401    404      403    200    200    200",
        secret=                                    "401    404      403    200    200    200"),
        data=lambda s: {"title": "Renamed live session"}, done=_live_scheduled),
    op("POST", "/live-sessions/{session_id}/start", vis(
        public=                                    "401    403      403    200    200    200",
        private=                                   "401    404      403    200    200    200",
        secret=                                    "401    404      403    200    200    200"),
        done=_live_status("live")),
    op("POST", "/live-sessions/{session_id}/end", vis(
        public=                                    "401    403      403    200    200    200",
        private=                                   "401    404      403    200    200    200",
        secret=                                    "401    404      403    200    200    200"),
        done=_live_status("ended")),
    op("GET", "/live-sessions/{session_id}/questions", vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200")),
    op("POST", "/live-sessions/{session_id}/questions", vis(
        public=                                    "401    403      201    201    201    403",
        private=                                   "401    404      201    201    201    403",
        secret=                                    "401    404      201    201    201    403"),
        data=lambda s: {"body": "Who owns the runbooks?"}, done=_live_asked),
    op("PATCH", "/live-questions/{question_id}", vis(
        public=                                    "401    403      403    200    200    200",
        private=                                   "401    404      403    200    200    200",
        secret=                                    "401    404      403    200    200    200"),
        data=lambda s: {"action": "pin"}, done=_live_question(is_pinned=True)),
    op("PUT", "/live-questions/{question_id}/vote", vis(
        public=                                    "401    403      422    200    200    403",
        private=                                   "401    404      422    200    200    403",
        secret=                                    "401    404      422    200    200    403"),
        done=_live_voted),
    # Each signed-in person but the question's author has an upvote there first (made directly).
    op("DELETE", "/live-questions/{question_id}/vote", vis(
        public=                                    "401    403      200    200    200    403",
        private=                                   "401    404      200    200    200    403",
        secret=                                    "401    404      200    200    200    403"),
        given=Scene.live_prior_vote, done=_live_unvoted),
    op("POST", "/live-questions/merge", vis(
        public=                                    "401    403      403    200    200    200",
        private=                                   "401    404      403    200    200    200",
        secret=                                    "401    404      403    200    200    200"),
        data=lambda s: {"target": s.live_question.pk, "sources": [s.live_duplicate.pk]},
        done=_live_merged),
    op("GET", "/live-sessions/{session_id}/notes", vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200")),
    op("POST", "/live-sessions/{session_id}/notes", vis(
        public=                                    "401    403      403    201    201    201",
        private=                                   "401    404      403    201    201    201",
        secret=                                    "401    404      403    201    201    201"),
        data=lambda s: {"body": "The CNI goes first."}, done=_live_noted),
    op("POST", "/live-sessions/{session_id}/publish", vis(
        public=                                    "401    403      403    200    200    403",
        private=                                   "401    404      403    200    200    403",
        secret=                                    "401    404      403    200    200    403"),
        given=Scene.live_ended, done=_live_published),
    op("POST", "/live-sessions/{session_id}/move-to-qa", vis(
        public=                                    "401    403      403    200    200    200",
        private=                                   "401    404      403    200    200    200",
        secret=                                    "401    404      403    200    200    200"),
        given=Scene.live_ended, done=_live_moved),

    # ---- Search -------------------------------------------------------------------------------------
    # Search filters by what the searcher may read inside its query (tests/search); narrowing to one
    # community follows reading it: a private community's content is for its members.
    #                                               anon   outsider member facil  owner  admin
    page("GET", "search:similar", in_community("search:similar", title="kubernetes"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    Row("GET", "/search", in_community("/search", api=True, q="kubernetes"), vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200")),
    Row("GET", "/search/similar", in_community("/search/similar", api=True, title="kubernetes"),
        vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200")),
    Row("GET", "/people/experts", in_community("/people/experts", api=True, topic="kubernetes"),
        vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200"),
        given=lambda s: s.expert),

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
    # Discussions across communities: "asked of me", the header's Ask (straight to the ask page of
    # one's only community, else a choice) and the markdown preview under every editor.
    page("GET", "discussions:asked", at("discussions:asked"), site(
                                                   "login  200      200    200    200    200")),
    page("GET", "discussions:ask_any", at("discussions:ask_any"), site(
                                                   "login  200      302    302    302    200")),
    page("POST", "discussions:preview", at("discussions:preview"), site(
                                                   "login  200      200    200    200    200"),
        data=lambda s: {"body": "**bold**"}, done=_previewed),
    # Search across everything the person may read (the header's box, the results page, who knows).
    page("GET", "search:search", at("search:search"), site(
                                                   "login  200      200    200    200    200")),
    page("GET", "search:instant", at("search:instant"), site(
                                                   "login  200      200    200    200    200")),
    page("GET", "search:experts", at("search:experts"), site(
                                                   "login  200      200    200    200    200")),
    # Live sessions across communities, and the short link the presenter's screen shows (to the
    # session page, when the person may see it).
    page("GET", "live:index", at("live:index"), site(
                                                   "login  200      200    200    200    200")),
    page("GET", "live:join", at("live:join", pk=lambda s: s.content["live_session"]), site(
                                                   "login  302      302    302    302    302")),
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

    # ---- Notifications: a person's own (site rows); nobody reads another's -------------------------
    #                                               anon   outsider member facil  owner  admin
    page("GET", "notifications:list", at("notifications:list"), site(
                                                   "login  200      200    200    200    200")),
    page("GET", "notifications:bell", at("notifications:bell"), site(
                                                   "login  200      200    200    200    200")),
    page("POST", "notifications:read_all", at("notifications:read_all"), site(
                                                   "login  302      302    302    302    302"),
        given=lambda s: s.notification, done=_all_read),
    # The member's own notification: anybody else gets 404, as if it did not exist.
    page("POST", "notifications:read", at("notifications:read", pk=lambda s: s.notification.pk),
        site(                                      "login  404      302    404    404    404"),
        done=_all_read),
    page("GET", "notifications:preferences", at("notifications:preferences"), site(
                                                   "login  200      200    200    200    200")),
    page("POST", "notifications:preferences", at("notifications:preferences"), site(
                                                   "login  302      302    302    302    302"),
        data=lambda s: {"digest": "daily", "timezone": "UTC"}, done=_digest("daily")),
    page("POST", "notifications:levels", at("notifications:levels"), site(
                                                   "login  302      302    302    302    302"),
        data=lambda s: {f"level-{s.community.pk}": "watch"}, done=_levels_set),
    # Unsubscribe links need no log-in: the signed token names the person and the list.
    page("GET", "notifications:unsubscribe", _unsubscribe_link, site(
                                                   "200    200      200    200    200    200")),
    page("POST", "notifications:unsubscribe", _unsubscribe_link, site(
                                                   "200    200      200    200    200    200"),
        done=_member_unsubscribed),
    # ---- Webhooks: facilitators, owners and site admins ---------------------------------------------
    page("GET", "notifications:webhooks", _hooks_page, vis(
        public=                                    "login  403      403    200    200    200",
        private=                                   "login  403      403    200    200    200",
        secret=                                    "login  404      403    200    200    200")),
    page("POST", "notifications:webhooks", _hooks_page, vis(
        public=                                    "login  403      403    201    201    201",
        private=                                   "login  403      403    201    201    201",
        secret=                                    "login  404      403    201    201    201"),
        data=lambda s: WEBHOOK_FORM, done=_hook_made),
    page("GET", "notifications:webhook", _hook_url("webhook"), vis(
        public=                                    "login  403      403    200    200    200",
        private=                                   "login  403      403    200    200    200",
        secret=                                    "login  404      403    200    200    200")),
    page("POST", "notifications:webhook", _hook_url("webhook"), vis(
        public=                                    "login  403      403    302    302    302",
        private=                                   "login  403      403    302    302    302",
        secret=                                    "login  404      403    302    302    302"),
        data=lambda s: {**WEBHOOK_FORM, "active": "on"}, done=_hook_changed),
    page("POST", "notifications:webhook_delete", _hook_url("webhook_delete"), vis(
        public=                                    "login  403      403    302    302    302",
        private=                                   "login  403      403    302    302    302",
        secret=                                    "login  404      403    302    302    302"),
        done=_hook_gone),
    page("POST", "notifications:redeliver",
        lambda s: reverse("notifications:redeliver", kwargs={"slug": s.slug, "pk": s.delivery.pk}),
        vis(
        public=                                    "login  403      403    302    302    302",
        private=                                   "login  403      403    302    302    302",
        secret=                                    "login  404      403    302    302    302"),
        done=_resent),

    # ---- Notifications API --------------------------------------------------------------------------
    op("GET", "/notifications", site(              "401    200      200    200    200    200")),
    op("POST", "/notifications/read", site(        "401    200      200    200    200    200"),
        given=lambda s: s.notification, done=_all_read),
    op("GET", "/me/preferences", site(             "401    200      200    200    200    200")),
    op("PUT", "/me/preferences", site(             "401    200      200    200    200    200"),
        data=lambda s: {"digest": "daily"}, done=_digest("daily")),
    op("GET", "/communities/{slug}/webhooks", vis(
        public=                                    "401    403      403    200    200    200",
        private=                                   "401    403      403    200    200    200",
        secret=                                    "401    404      403    200    200    200")),
    op("POST", "/communities/{slug}/webhooks", vis(
        public=                                    "401    403      403    201    201    201",
        private=                                   "401    403      403    201    201    201",
        secret=                                    "401    404      403    201    201    201"),
        data=lambda s: {"target": WEBHOOK_FORM["url"], "events": ["question.asked"]},
        done=_hook_made),
    # A webhook by id: whoever may not manage it does not learn it exists.
    op("PATCH", "/webhooks/{webhook_id}", every(   "401    404      404    200    200    200"),
        data=lambda s: {"active": False}, done=_hook_paused),
    op("DELETE", "/webhooks/{webhook_id}", every(  "401    404      404    204    204    204"),
        done=_hook_gone),
    op("GET", "/webhooks/{webhook_id}/deliveries", every(
                                                   "401    404      404    200    200    200")),
    op("POST", "/webhook-deliveries/{delivery_id}/redeliver", every(
                                                   "401    404      404    201    201    201"),
        done=_resent),

    # ---- Site API ---------------------------------------------------------------------------------
    #                                               anon   outsider member facil  owner  admin
    op("GET", "/me", site(                         "401    200      200    200    200    200")),
    op("GET", "/communities", site(                "401    200      200    200    200    200")),
    op("POST", "/communities", site(               "401    201      201    201    201    201"),
        data=lambda s: {"name": "Guild of Testers", "purpose": "Test together."}, done=_created),
]
# fmt: on


# --- Learning -------------------------------------------------------------------------------------
# A card, a practice entry and a journal are their person's: anybody else gets 404, the site admin
# too. A card set follows its community's content (facilitators, owners and the admin publish).
# "Keep this" makes a card from content the person may see. The journal rows use the member's
# journal of WEEK, sent to the owner as the member's manager where a row needs it sent.

WEEK = "2026-48"


def _learn(name: str, *, on: str = "") -> Url:
    def url(s: Scene) -> str:
        if on == "card":
            return reverse(f"learning:{name}", kwargs={"pk": s.card.pk})
        if on == "set":
            return reverse(f"learning:{name}", kwargs={"pk": s.card_set.pk})
        if on == "journal":
            return reverse(f"learning:{name}", kwargs={"pk": s.sent_journal.pk})
        if on == "week":
            return reverse(f"learning:{name}", kwargs={"week": WEEK})
        if on == "community":
            return reverse(f"learning:{name}", kwargs={"slug": s.slug})
        return reverse(f"learning:{name}")

    return url


def _api(path: str) -> Url:
    def url(s: Scene) -> str:
        params: dict[str, Any] = {"slug": s.slug, "week": WEEK}
        if "{id}" in path:
            params["id"] = s.card_set.pk if "card-sets" in path else s.card.pk
        return API_PREFIX + path.format(**params)

    return url


def _card_now(s: Scene) -> Card | None:
    return Card.objects.filter(pk=s.card.pk).first()


def _kept(s: Scene, _: Any) -> bool:
    return Card.objects.filter(owner=s.actor, source_kind="answer", source_id=s.answer.pk).exists()


def _has_card(s: Scene, _: Any) -> bool:
    return Card.objects.filter(owner=s.actor, prompt="A card of mine").exists()


def _adopted(s: Scene, _: Any) -> bool:
    return Card.objects.filter(owner=s.actor, set_card__card_set=s.card_set).count() == 1


def _published(s: Scene, _: Any) -> bool:
    return CardSet.objects.filter(community=s.community, title="Session takeaways").exists()


def _logged(s: Scene, _: Any) -> bool:
    return PracticeEntry.objects.filter(user=s.actor, tried="Drained node 3").exists()


def _journal_saved(s: Scene, _: Any) -> bool:
    return JournalWeek.objects.filter(user=s.actor, week=WEEK, body="My week.").exists()


def _journal_sent(s: Scene, _: Any) -> bool:
    return JournalWeek.objects.filter(user=s.cast.member, week=WEEK, sent_at__isnull=False).exists()


def _replied(s: Scene, _: Any) -> bool:
    return JournalReply.objects.filter(author=s.actor, body="Good week.").exists()


def _reviewed(s: Scene, _: Any) -> bool:
    card = _card_now(s)
    return card is not None and card.reps == 1


KEEP = {"prompt": "Drain one at a time?", "point": "Yes."}
NEW_CARD = {"prompt": "A card of mine", "point": "Mine."}
CARD_SET = {"title": "Session takeaways", "cards": "First prompt\nIts point"}
CARD_SET_JSON = {"title": "Session takeaways", "cards": [{"prompt": "First", "point": "Point"}]}

# fmt: off
LEARNING_ROWS: list[Row] = [
    #                                               anon   outsider member facil  owner  admin
    page("GET", "learning:review", _learn("review"), site(
                                                   "login  200      200    200    200    200")),
    page("POST", "learning:review_submit", _learn("review_submit", on="card"), site(
                                                   "login  404      302    404    404    404"),
        data=lambda s: {"rating": "3", "n": "0"}, done=_reviewed),
    page("GET", "learning:cards", _learn("cards"), site(
                                                   "login  200      200    200    200    200")),
    page("GET", "learning:keep", _learn("keep"), site(
                                                   "login  200      200    200    200    200")),
    page("POST", "learning:keep", _learn("keep"), site(
                                                   "login  302      302    302    302    302"),
        variant="own words", data=lambda s: NEW_CARD, done=_has_card),
    page("POST", "learning:keep", _learn("keep"), vis(
        public=                                    "login  302      302    302    302    302",
        private=                                   "login  404      302    302    302    302",
        secret=                                    "login  404      302    302    302    302"),
        variant="from an answer",
        data=lambda s: {**KEEP, "kind": "answer", "id": str(s.answer.pk)}, done=_kept),
    page("GET", "learning:card_edit", _learn("card_edit", on="card"), site(
                                                   "login  404      200    404    404    404")),
    page("POST", "learning:card_edit", _learn("card_edit", on="card"), site(
                                                   "login  404      302    404    404    404"),
        data=lambda s: {"prompt": "Why drain?", "point": "To move pods."},
        done=lambda s, _: (c := _card_now(s)) is not None and c.prompt == "Why drain?"),
    page("POST", "learning:card_delete", _learn("card_delete", on="card"), site(
                                                   "login  404      302    404    404    404"),
        done=lambda s, _: _card_now(s) is None),
    page("POST", "learning:card_suspend", _learn("card_suspend", on="card"), site(
                                                   "login  404      302    404    404    404"),
        data=lambda s: {"suspended": "1"},
        done=lambda s, _: (c := _card_now(s)) is not None and c.suspended_at is not None),
    page("POST", "learning:try_dismiss", _learn("try_dismiss", on="card"), site(
                                                   "login  404      302    404    404    404"),
        done=lambda s, _: (c := _card_now(s)) is not None and c.try_prompt_done_at is not None),
    page("GET", "learning:settings", _learn("settings"), site(
                                                   "login  200      200    200    200    200")),
    page("POST", "learning:settings", _learn("settings"), site(
                                                   "login  302      302    302    302    302"),
        data=lambda s: {"time_zone": "Europe/Paris", "desired_retention": "0.9",
                        "daily_new_limit": "5"},
        done=lambda s, _: LearnerSettings.objects.filter(user=s.actor, daily_new_limit=5).exists()),
    page("GET", "learning:practice", _learn("practice"), site(
                                                   "login  200      200    200    200    200")),
    page("POST", "learning:practice", _learn("practice"), site(
                                                   "login  302      302    302    302    302"),
        data=lambda s: {"tried": "Drained node 3", "visibility": "private"}, done=_logged),
    page("GET", "learning:journal", _learn("journal"), site(
                                                   "login  302      302    302    302    302")),
    page("GET", "learning:journal_week", _learn("journal_week", on="week"), site(
                                                   "login  200      200    200    200    200")),
    page("POST", "learning:journal_week", _learn("journal_week", on="week"), site(
                                                   "login  302      302    302    302    302"),
        data=lambda s: {"body": "My week."}, done=_journal_saved),
    page("POST", "learning:journal_send", _learn("journal_send", on="week"), site(
                                                   "login  deny     302    deny   deny   deny"),
        given=Scene.managed_journal, done=_journal_sent),
    page("GET", "learning:reports", _learn("reports"), site(
                                                   "login  200      200    200    200    200")),
    page("GET", "learning:report", _learn("report", on="journal"), site(
                                                   "login  404      200    404    200    404")),
    page("POST", "learning:report_reply", _learn("report_reply", on="journal"), site(
                                                   "login  404      deny   404    302    404"),
        data=lambda s: {"body": "Good week."}, done=_replied),
    page("GET", "learning:card_sets", _learn("card_sets", on="community"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    page("POST", "learning:card_sets", _learn("card_sets", on="community"), vis(
        public=                                    "login  403      403    302    302    302",
        private=                                   "login  404      403    302    302    302",
        secret=                                    "login  404      403    302    302    302"),
        data=lambda s: CARD_SET, done=_published),
    page("GET", "learning:card_set", _learn("card_set", on="set"), vis(
        public=                                    "login  200      200    200    200    200",
        private=                                   "login  404      200    200    200    200",
        secret=                                    "login  404      200    200    200    200")),
    page("POST", "learning:card_set_adopt", _learn("card_set_adopt", on="set"), vis(
        public=                                    "login  302      302    302    302    302",
        private=                                   "login  404      302    302    302    302",
        secret=                                    "login  404      302    302    302    302"),
        done=_adopted),

    # ---- Learning API -----------------------------------------------------------------------------
    #                                               anon   outsider member facil  owner  admin
    Row("GET", "/cards", _api("/cards"), site(     "401    200      200    200    200    200")),
    Row("POST", "/cards", _api("/cards"), site(    "401    201      201    201    201    201"),
        data=lambda s: NEW_CARD, done=_has_card),
    Row("PATCH", "/cards/{id}", _api("/cards/{id}"), site(
                                                   "401    404      200    404    404    404"),
        data=lambda s: {"prompt": "Why drain?"},
        done=lambda s, _: (c := _card_now(s)) is not None and c.prompt == "Why drain?"),
    Row("DELETE", "/cards/{id}", _api("/cards/{id}"), site(
                                                   "401    404      204    404    404    404"),
        done=lambda s, _: _card_now(s) is None),
    Row("GET", "/reviews/due", _api("/reviews/due"), site(
                                                   "401    200      200    200    200    200")),
    Row("POST", "/cards/{id}/review", _api("/cards/{id}/review"), site(
                                                   "401    404      200    404    404    404"),
        data=lambda s: {"rating": 3, "review_number": 0}, done=_reviewed),
    Row("GET", "/communities/{slug}/card-sets", _api("/communities/{slug}/card-sets"), vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200")),
    Row("POST", "/communities/{slug}/card-sets", _api("/communities/{slug}/card-sets"), vis(
        public=                                    "401    403      403    201    201    201",
        private=                                   "401    404      403    201    201    201",
        secret=                                    "401    404      403    201    201    201"),
        data=lambda s: CARD_SET_JSON, done=_published),
    Row("POST", "/card-sets/{id}/adopt", _api("/card-sets/{id}/adopt"), vis(
        public=                                    "401    200      200    200    200    200",
        private=                                   "401    404      200    200    200    200",
        secret=                                    "401    404      200    200    200    200"),
        done=_adopted),
    Row("GET", "/practice-log", _api("/practice-log"), site(
                                                   "401    200      200    200    200    200")),
    Row("POST", "/practice-log", _api("/practice-log"), site(
                                                   "401    201      201    201    201    201"),
        data=lambda s: {"tried": "Drained node 3"}, done=_logged),
    Row("GET", "/journal/weeks/{week}", _api("/journal/weeks/{week}"), site(
                                                   "401    200      200    200    200    200")),
    Row("POST", "/journal/weeks/{week}", _api("/journal/weeks/{week}"), site(
                                                   "401    200      200    200    200    200"),
        data=lambda s: {"body": "My week."}, done=_journal_saved),
    Row("POST", "/journal/weeks/{week}/send", _api("/journal/weeks/{week}/send"), site(
                                                   "401    422      200    422    422    422"),
        given=Scene.managed_journal, done=_journal_sent),
    Row("GET", "/reports/journal", _api("/reports/journal"), site(
                                                   "401    200      200    200    200    200")),
]
# fmt: on
TABLE += LEARNING_ROWS


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
        if row.method == "PUT":
            return client._do("put", path, json=data)
        if data and any(hasattr(v, "read") for v in data.values()):  # a file: send multipart
            return client.client.post(url, data, headers=client.headers)
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


def _make_cast(visibility: str) -> dict[str, int]:
    """A community with an owner, a facilitator and a member, an outsider and an admin, and the
    discussions content: the member's question tagged "kubernetes", the facilitator's answer to it,
    the member's comment on it and the member's discussion. Returns everything's pk."""
    people = {
        role: user_create(
            email=f"{role}-{visibility}@authz.test",
            password=None,
            name=f"{role.title()} of {visibility}",
            is_admin=role == "admin",
        )
        for role in ROLES[1:]
    }
    c = services.community_create(
        creator=people["owner"],
        name=f"Guild of {visibility}",
        purpose="Practise together.",
        visibility=visibility,
        join_policy=JOIN_POLICY[visibility],
    )
    owner, member = people["owner"], people["member"]
    services.membership_add(actor=owner, community=c, user=member)
    services.membership_add(
        actor=owner, community=c, user=people["facilitator"], role=Role.FACILITATOR
    )
    question = discussions.thread_create(
        author=member,
        community=c,
        title="How do we upgrade Kubernetes without downtime?",
        body="Our clusters fall over on every upgrade.",
        tags=["kubernetes"],
    )
    answer = discussions.answer_create(
        author=people["facilitator"], thread=question, body="Drain one node at a time."
    )
    comment = discussions.comment_create(author=member, thread=question, body="We run 1.29.")
    discussion = discussions.thread_create(
        author=member,
        community=c,
        title="What did we learn from the last outage?",
        body="Share what you saw.",
        kind=Kind.DISCUSSION,
    )
    start = timezone.now() + timedelta(hours=1)
    session = live.live_session_schedule(
        actor=owner,
        community=c,
        title="Ask the platform team anything",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        hosts=[people["facilitator"]],
        curators=[people["facilitator"]],
        allow_anonymous=True,
    )
    live_question = live.live_question_submit(
        author=member, session=session, body="What breaks first in an upgrade?"
    )
    live_note = live.live_note_post(
        author=people["facilitator"], session=session, body="We start at five past."
    )
    return {
        "community": c.pk,
        **{role: person.pk for role, person in people.items()},
        "question": question.pk,
        "answer": answer.pk,
        "comment": comment.pk,
        "discussion": discussion.pk,
        "live_session": session.pk,
        "live_question": live_question.pk,
        "live_note": live_note.pk,
    }


@pytest.fixture(scope="module")
def casts(django_db_setup, django_db_blocker) -> Iterator[dict[str, dict[str, int]]]:
    """One cast per visibility, made once for the module inside a transaction that stays open:
    each cell's own transaction nests in it and is rolled back, so every cell starts from exactly
    this state, as if made afresh (at a third of the cost). Rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
                SITE_URL="http://testserver",
            ),
        ):
            made = {v: _make_cast(v) for v in VISIBILITIES}
        yield made
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _cast_of(ids: dict[str, int]) -> Cast:
    """The cast, loaded afresh (policy caches memberships on the user objects)."""
    people = User.objects.in_bulk([ids[role] for role in ROLES[1:]])
    return Cast(
        community=Community.objects.get(pk=ids["community"]),
        **{role: people[ids[role]] for role in ROLES[1:]},
    )


@pytest.mark.parametrize(("row", "visibility", "role"), _cells())
def test_each_person_gets_what_the_table_says(
    row: Row, visibility: str, role: str, casts, db, user_factory, handler
):
    ids = casts["public" if visibility == "site" else visibility]
    cast = _cast_of(ids)
    scene = Scene(cast, role, user_factory, is_api=row.is_api, content=ids)
    expected = row.outcome(visibility, role)
    client = _client(row, scene.actor, handler)
    row.url(scene)  # make what the route acts on before photographing the database
    if row.given:
        row.given(scene)
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
