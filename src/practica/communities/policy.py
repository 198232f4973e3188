"""Who may see and do what: the one place that decides.

`can(user, action, obj)` answers a yes/no question; `visible_to(user, queryset)` narrows a queryset to
what the user may see; `authorize(user, action, obj)` raises `Http404` when the user may not even see
`obj` (so a hidden thing looks exactly like a missing one) and `PermissionDenied` when they may see
it but not do `action`. Every selector, view, API handler and (later) search, feed, notification,
email and export asks here.

Actions on a Community:
  community.view            know it exists: name, purpose, facilitators (directory, overview)
  community.read            read its content and see its members
  community.join            join directly (open join policy)
  community.request         ask to join (request policy)
  community.leave           leave it
  community.edit            change its name, purpose, description, cover, visibility, join policy
  community.manage_members  approve requests, remove members, change roles
  community.invite          invite people by link or email
  community.contribute      post content in it (used by the content apps)
  community.manage_webhooks add, change and remove its outgoing webhooks, see and re-send deliveries
                            (facilitators, owners, site admins)
Actions on a Membership (the target person's membership):
  membership.remove, membership.set_role.<member|facilitator|owner>
Site-wide actions (obj is None): community.create
Actions on content (a Thread, Answer or Comment; `obj.community` is its community):
  thread.view, thread.answer, thread.comment, thread.vote, thread.react, thread.follow,
  thread.edit, thread.delete, thread.accept, thread.ask, thread.rollback, thread.wiki,
  answer.view, answer.comment, answer.vote, answer.edit, answer.delete,
  comment.view, comment.comment (reply), comment.react, comment.edit, comment.delete
  Reading follows the community; deleted content is seen by facilitators only; writing needs
  membership; authors edit and delete their own (not a question whose answer was accepted);
  facilitators and site admins moderate; a wiki thread is editable by every member.
Actions on a Tag: tag.manage (rename, merge, describe)
Live sessions (obj: a Community for live.schedule, else a LiveSession, LiveQuestion or LiveNote;
anything with `roles_of(user_id)`, or a `session` that has it):
  live.schedule (Community), live.view, live.edit, live.start, live.end, live.ask, live.vote,
  live.moderate, live.note, live.publish, live.move_to_qa, live.see_author,
  live.question_view, live.question_edit, live.question_withdraw
  Seeing follows the community's content; asking and voting need membership; the session's hosts
  (and facilitators, owners, site admins) edit, start and end it; hosts and moderators moderate;
  curators write notes and publish the synthesis (as members: it becomes a discussion); a question's author edits or withdraws it until
  it is answered. Session roles count only while their holder is an active member. Only site
  admins may see who wrote an anonymous question.
Learning (a Card, a PracticeEntry, a JournalWeek are one person's; nothing is shared unless they
choose to):
  card.view, card.edit, card.delete, card.review      the card's owner only (admins too: no)
  card_set.view, card_set.adopt                       a CardSet: whoever may read its community
  card_set.create                                     on a Community: its facilitators and owners
  practice.view     its author; their manager when shared with the manager or the community
  journal.view, journal.reply   its author (view); their manager once it was sent to them
  journal.edit, journal.send    its author
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Model, Q, QuerySet
from django.http import Http404
from django.utils.functional import LazyObject, empty

from practica.communities.models import (
    ROLE_RANK,
    Community,
    JoinPolicy,
    Membership,
    MembershipState,
    Role,
    Visibility,
)

M = TypeVar("M", bound=Model)
_CACHE_ATTR = "_practica_memberships"
_STANDING_ATTR = "_practica_standing"


def _concrete(user: Any) -> Any:
    """The user behind request.user's SimpleLazyObject: every attribute read through the proxy
    is slow, and a page may ask the policy a thousand questions."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _is_admin(user: Any) -> bool:
    return _signed_in(user) and bool(user.is_superuser)


def memberships_of(user: Any) -> dict[int, Membership]:
    """The user's memberships by community id, loaded once per user object (one query)."""
    user = _concrete(user)
    if not _signed_in(user):
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = {m.community_id: m for m in Membership.objects.filter(user=user)}
        setattr(user, _CACHE_ATTR, cached)
    return cached


def prime_memberships(users: Iterable[Any]) -> None:
    """Load the memberships of many people at once (1 query per 1,000) and cache them on each user
    object, so asking `can` for every recipient of a fan-out or a digest costs no query each."""
    people = [u for u in users if _signed_in(u)]
    for start in range(0, len(people), 1000):
        chunk = people[start : start + 1000]
        found: dict[int, dict[int, Membership]] = {u.pk: {} for u in chunk}
        for m in Membership.objects.filter(user_id__in=list(found)):
            found[m.user_id][m.community_id] = m
        for u in chunk:
            setattr(u, _CACHE_ATTR, found[u.pk])
            if hasattr(u, _STANDING_ATTR):
                delattr(u, _STANDING_ATTR)


def forget_memberships(user: Any) -> None:
    """Drop the cached memberships after a service changed them."""
    for attr in (_CACHE_ATTR, _STANDING_ATTR):
        if user is not None and hasattr(user, attr):
            delattr(user, attr)


def membership(user: Any, community: Community) -> Membership | None:
    return memberships_of(user).get(community.pk)


def role_in(user: Any, community: Community) -> str | None:
    """The user's role in `community` when an active member, else None."""
    m = membership(user, community)
    return m.role if m is not None and m.is_active else None


def _at_least(user: Any, community: Community, role: str) -> bool:
    current = role_in(user, community)
    return current is not None and ROLE_RANK[Role(current)] >= ROLE_RANK[Role(role)]


def _community_can(user: Any, action: str, c: Community) -> bool:
    if not _signed_in(user):
        return False
    admin = _is_admin(user)
    member = role_in(user, c) is not None
    if action == "community.view":
        return admin or member or c.visibility in (Visibility.PUBLIC, Visibility.PRIVATE)
    if action == "community.read":
        return admin or member or c.visibility == Visibility.PUBLIC
    if action == "community.contribute":
        return member
    if action in ("community.join", "community.request"):
        wanted = JoinPolicy.OPEN if action == "community.join" else JoinPolicy.REQUEST
        return (
            membership(user, c) is None
            and c.join_policy == wanted
            and c.visibility != Visibility.SECRET
        )
    if action == "community.leave":
        return member
    if action in (
        "community.edit",
        "community.manage_members",
        "community.invite",
        "community.manage_webhooks",
    ):
        return admin or _at_least(user, c, Role.FACILITATOR)
    raise ValueError(f"unknown action {action!r}")


def _membership_can(user: Any, action: str, target: Membership) -> bool:
    c = target.community
    if not _community_can(user, "community.manage_members", c):
        return False
    admin = _is_admin(user)
    actor_is_owner = admin or _at_least(user, c, Role.OWNER)
    if action == "membership.remove":
        # Facilitators remove members and decline requests; only owners touch facilitators/owners.
        return actor_is_owner or target.role == Role.MEMBER
    if action.startswith("membership.set_role."):
        new_role = action.removeprefix("membership.set_role.")
        if new_role not in Role.values or not target.is_active:
            return False
        if new_role == Role.OWNER or target.role == Role.OWNER:
            return actor_is_owner
        return True
    raise ValueError(f"unknown action {action!r}")


def _is_moderator(user: Any, community: Community) -> bool:
    return _is_admin(user) or _at_least(user, community, Role.FACILITATOR)


@dataclass(frozen=True)
class _Standing:
    """What the decisions on content in one community depend on about one person."""

    user_pk: int | None
    signed_in: bool
    readable: bool
    member: bool
    moderator: bool


def _standing(user: Any, community: Community) -> _Standing:
    """The person's standing in `community`, worked out once per user object (a page may ask
    about hundreds of comments)."""
    user = _concrete(user)
    key = (community.pk, community.visibility)
    found: dict | None = getattr(user, _STANDING_ATTR, None)
    if found is not None and key in found:
        return found[key]
    standing = _Standing(
        user_pk=user.pk if _signed_in(user) else None,
        signed_in=_signed_in(user),
        readable=_community_can(user, "community.read", community),
        member=role_in(user, community) is not None,
        moderator=_is_moderator(user, community),
    )
    if found is None and user is not None:
        found = {}
        setattr(user, _STANDING_ATTR, found)
    if found is not None:
        found[key] = standing
    return standing


def _content_can(user: Any, action: str, obj: Any) -> bool:
    """Threads, answers and comments: read follows the community; writes need membership;
    authors edit their own; facilitators (and admins) moderate everything."""
    s = _standing(user, obj.community)
    if not s.readable:
        return False
    parent = getattr(obj, "thread", None)  # answers and comments live and die with their thread
    deleted = getattr(obj, "deleted_at", None) is not None or (
        parent is not None and parent.deleted_at is not None
    )
    moderator, member = s.moderator, s.member
    if action.endswith(".view"):
        return moderator or not deleted
    if deleted:
        return False
    author = obj.author_id is not None and s.signed_in and obj.author_id == s.user_pk
    kind = action.split(".", 1)[1]
    if kind in ("answer", "comment", "vote", "react", "follow"):
        return member
    if kind == "edit":
        return moderator or (member and (author or bool(getattr(obj, "is_wiki", False))))
    if kind == "delete":
        if moderator:
            return True
        # An answered question stays: its author alone may not take the accepted answer away.
        return author and getattr(obj, "accepted_answer_id", None) is None
    if kind == "accept":  # obj is the thread: its asker or a facilitator chooses the answer
        return moderator or (member and author)
    if kind == "ask":
        return moderator or (member and author)
    if kind in ("rollback", "wiki"):
        return moderator
    raise ValueError(f"unknown action {action!r}")


_LIVE_OPEN_STATES = ("pending", "approved")  # a question its author may still change
_LIVE_PUBLIC_STATES = ("approved", "answered")


def _live_can(user: Any, action: str, obj: Any) -> bool:
    """Live sessions: see the module docstring."""
    if action == "live.schedule":
        return _community_can(user, "community.read", obj) and _is_moderator(user, obj)
    session = obj if hasattr(obj, "roles_of") else obj.session
    community = session.community
    if not _community_can(user, "community.read", community):
        return False
    admin = _is_admin(user)
    member = role_in(user, community) is not None
    roles = session.roles_of(user.pk) if member else frozenset()
    staff = admin or _at_least(user, community, Role.FACILITATOR)
    moderator = staff or bool(roles & {"host", "moderator"})
    if action == "live.view":
        return True
    if action in ("live.edit", "live.start", "live.end"):
        return staff or "host" in roles
    if action in ("live.ask", "live.vote"):
        return member
    if action in ("live.moderate", "live.move_to_qa"):
        return moderator
    if action == "live.note":
        return staff or "curator" in roles
    if action == "live.publish":  # the synthesis is a discussion: its author must be a member
        return member and (staff or "curator" in roles)
    if action == "live.see_author":
        return admin
    author = getattr(obj, "author_id", None) is not None and obj.author_id == user.pk
    state = getattr(obj, "state", "")
    if action == "live.question_view":
        return moderator or state in _LIVE_PUBLIC_STATES or (author and state == "pending")
    if action == "live.question_edit":
        return moderator or (member and author and state in _LIVE_OPEN_STATES)
    if action == "live.question_withdraw":
        return member and author and state in _LIVE_OPEN_STATES
    raise ValueError(f"unknown action {action!r}")


def content_viewer_key(user: Any, community: Community) -> tuple:
    """Everything about `user` that `_content_can` decides on in `community`, except authorship
    (a fact about each item). Two people with the same key and the same authored items get the
    same answers for every thread, answer and comment there, so a page rendered for one may be
    shown to the other. Keep it in step with `_content_can` and `_community_can`."""
    user = _concrete(user)
    return (_signed_in(user), _is_admin(user), role_in(user, community), community.visibility)


def _manages(user: Any, person_manager_id: int | None) -> bool:
    return _signed_in(user) and person_manager_id is not None and person_manager_id == user.pk


def _learning_can(user: Any, action: str, obj: Any) -> bool:
    """Cards, practice entries and journals: their person's; a manager reads what was shared."""
    if not _signed_in(user):
        return False
    kind = action.split(".", 1)[0]
    if kind == "card":
        return bool(obj.owner_id == user.pk)
    if kind == "card_set":
        if action == "card_set.create":  # obj is the community
            return _community_can(user, "community.read", obj) and _is_moderator(user, obj)
        return _community_can(user, "community.read", obj.community)
    if kind == "practice":
        if obj.user_id == user.pk:
            return True
        return obj.visibility in ("manager", "community") and _manages(user, obj.user.manager_id)
    if kind == "journal":
        if obj.user_id == user.pk:
            return action in ("journal.view", "journal.edit", "journal.send")
        shared = obj.sent_at is not None and obj.sent_to_id == user.pk
        return (
            shared
            and _manages(user, obj.user.manager_id)
            and action in ("journal.view", "journal.reply")
        )
    raise ValueError(f"unknown action {action!r}")


LEARNING = ("card", "card_set", "practice", "journal")


def can(user: Any, action: str, obj: Any = None) -> bool:
    """May `user` do `action` on `obj`? See the module docstring for the actions."""
    user = _concrete(user)
    if obj is not None and action.startswith("live."):
        return _signed_in(user) and _live_can(user, action, obj)
    if action.split(".", 1)[0] in LEARNING and obj is not None:
        return _learning_can(user, action, obj)
    if obj is None:
        if action == "community.create":
            return _signed_in(user)
        raise ValueError(f"unknown site-wide action {action!r}")
    if isinstance(obj, Community):
        return _community_can(user, action, obj)
    if isinstance(obj, Membership):
        return _membership_can(user, action, obj)
    if action.split(".", 1)[0] in ("thread", "answer", "comment"):
        return _content_can(user, action, obj)
    if action == "tag.manage":
        return _community_can(user, "community.read", obj.community) and _is_moderator(
            user, obj.community
        )
    community = getattr(obj, "community", None)
    if isinstance(community, Community):  # content in a community: read follows the community
        return _community_can(user, action, community)
    raise ValueError(f"no policy for {type(obj).__name__}")


def authorize(user: Any, action: str, obj: Any) -> None:
    """Raise Http404 if `user` may not see `obj`, PermissionDenied if they may not do `action`."""
    community = obj if isinstance(obj, Community) else getattr(obj, "community", None)
    if isinstance(community, Community) and not _community_can(user, "community.view", community):
        raise Http404("No such page.")
    kind = action.split(".", 1)[0]
    if kind in ("thread", "answer", "comment") and not can(user, f"{kind}.view", obj):
        raise Http404("No such page.")  # deleted, or in a deleted thread: gone for members
    if kind == "live" and not isinstance(obj, Community):
        if not can(user, "live.view", obj):
            raise Http404("No such page.")  # a private community's sessions are for members
        if hasattr(obj, "is_anonymous") and not can(user, "live.question_view", obj):
            raise Http404("No such question.")  # hidden, dismissed, merged: gone for participants
    learning = kind in ("card", "practice", "journal", "card_set") and not isinstance(
        obj, Community
    )
    if learning and not can(user, f"{kind}.view", obj):
        raise Http404("No such page.")  # someone else's card or journal does not exist
    if not can(user, action, obj):
        raise PermissionDenied("You are not allowed to do that here.")


def _member_community_ids(user: Any) -> list[int]:
    return [cid for cid, m in memberships_of(user).items() if m.is_active]


def viewable_communities_q(user: Any) -> Q:
    """A Q on Community: the communities `user` may know exist."""
    if _is_admin(user):
        return Q()
    if not _signed_in(user):
        return Q(pk__in=[])
    return Q(visibility__in=[Visibility.PUBLIC, Visibility.PRIVATE]) | Q(
        pk__in=_member_community_ids(user)
    )


def readable_communities_q(user: Any, prefix: str = "") -> Q:
    """A Q (with `prefix`, e.g. "community__") on the communities whose content `user` may read."""
    if _is_admin(user):
        return Q()
    if not _signed_in(user):
        return Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    return Q(**{f"{prefix}visibility": Visibility.PUBLIC}) | Q(
        **{f"{prefix}pk__in": _member_community_ids(user)}
    )


def visible_to(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """`queryset` narrowed to what `user` may see.

    Communities: those the user may know exist. Memberships: active memberships in communities whose
    members the user may see. Anything else with a `community` foreign key: rows in communities whose
    content the user may read.
    """
    model = queryset.model
    if model is Community:
        return queryset.filter(viewable_communities_q(user))
    if model is Membership:
        return queryset.filter(
            readable_communities_q(user, "community__"), state=MembershipState.ACTIVE
        )
    fields = {f.name for f in model._meta.get_fields()}
    if "community" in fields:
        return queryset.filter(readable_communities_q(user, "community__"))
    if "thread" in fields:  # answers, comments, votes: they follow their thread's community
        return queryset.filter(readable_communities_q(user, "thread__community__"))
    raise ValueError(f"no visibility rule for {model.__name__}")


def is_anonymous(user: Any) -> bool:
    return user is None or isinstance(user, AnonymousUser) or not user.is_authenticated


def readable_community_ids(user: Any) -> list[int] | None:
    """Ids of the communities whose content `user` may read (`readable_communities_q`), for
    filters written in SQL (search); None means every community (site admins)."""
    return _community_ids(user, readable_communities_q)


def viewable_community_ids(user: Any) -> list[int] | None:
    """Ids of the communities `user` may know exist (`viewable_communities_q`); None: all."""
    return _community_ids(user, viewable_communities_q)


def community_ids(user: Any) -> tuple[list[int] | None, list[int] | None]:
    """(`readable_community_ids`, `viewable_community_ids`) in one query, for a search that
    needs both; None means every community (site admins)."""
    user = _concrete(user)
    if _is_admin(user):
        return None, None
    if not _signed_in(user):
        return [], []
    readable_q, viewable_q = readable_communities_q(user), viewable_communities_q(user)
    rows = (
        Community.objects.filter(readable_q | viewable_q)
        .annotate(
            readable=ExpressionWrapper(readable_q, BooleanField()),
            viewable=ExpressionWrapper(viewable_q, BooleanField()),
        )
        .order_by("pk")
        .values_list("pk", "readable", "viewable")
    )
    readable: list[int] = []
    viewable: list[int] = []
    for pk, can_read, can_view in rows:
        if can_read:
            readable.append(pk)
        if can_view:
            viewable.append(pk)
    return readable, viewable


def _community_ids(user: Any, rule: Callable[[Any], Q]) -> list[int] | None:
    user = _concrete(user)
    if _is_admin(user):
        return None
    if not _signed_in(user):
        return []
    return list(Community.objects.filter(rule(user)).order_by("pk").values_list("pk", flat=True))
