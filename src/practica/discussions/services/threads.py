"""Writes about threads: asking, starting discussions, editing with revisions, roll-back, wiki, soft delete."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from practica.accounts.models import User
from practica.communities import policy
from practica.communities.models import Community
from practica.core import events, ratelimit
from practica.discussions.models import (
    Kind,
    Revision,
    Thread,
)
from practica.discussions.services._common import (
    _clean_body,
    _clean_tags,
    _clean_title,
    _follow,
    _next_revision_number,
    _require,
    _tags_for,
    _touch,
    render_body,
)


@transaction.atomic
def thread_create(
    *,
    author: User,
    community: Community,
    title: str,
    body: str,
    kind: str = Kind.QUESTION,
    tags: Iterable[str] = (),
) -> Thread:
    """Ask a question or start a discussion in `community` (members only)."""
    if not policy.can(author, "community.read", community):
        raise Http404("No such community.")  # its content, posting included, is members-only
    if not policy.can(author, "community.contribute", community):
        raise PermissionDenied("Join this community to post in it.")
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = "Choose a question or a discussion."
    title = _clean_title(title, errors)
    body = _clean_body(body, errors)
    tag_names = _clean_tags(tags, errors)
    if errors:
        raise ValidationError(errors)
    ratelimit.hit("post", author.pk)
    thread = Thread.objects.create(
        community=community,
        author=author,
        kind=kind,
        title=title,
        body=body,
        body_html=render_body(body),
    )
    if tag_names:
        thread.tags.set(_tags_for(community, tag_names))
    Revision.objects.create(
        thread=thread,
        number=1,
        author=author,
        title=title,
        body=body,
        tags=tag_names,
        reason="First version",
    )
    _follow(author, thread)
    name = "question.asked" if kind == Kind.QUESTION else "discussion.started"
    events.publish(name, thread_id=thread.pk, community_id=community.pk, user_id=author.pk)
    return thread


@transaction.atomic
def thread_update(
    *,
    actor: User,
    thread: Thread,
    title: str | None = None,
    body: str | None = None,
    tags: Iterable[str] | None = None,
    reason: str = "",
) -> Thread:
    """Edit a thread; every change is kept as a revision with who, when and why."""
    _require(actor, "thread.edit", thread)
    errors: dict[str, str] = {}
    new_title = _clean_title(thread.title if title is None else title, errors)
    new_body = _clean_body(thread.body if body is None else body, errors)
    current_tags = sorted(t.name for t in thread.tags.all())
    new_tags = current_tags if tags is None else _clean_tags(tags, errors)
    reason = " ".join(reason.split())
    if len(reason) > 300:
        errors["reason"] = "Keep the reason under 300 characters."
    if errors:
        raise ValidationError(errors)
    if (new_title, new_body, sorted(new_tags)) == (thread.title, thread.body, current_tags):
        return thread
    ratelimit.hit("edit", actor.pk)
    thread.title, thread.body = new_title, new_body
    thread.body_html = render_body(new_body)
    thread.edited_at = timezone.now()
    thread.save(update_fields=["title", "body", "body_html", "edited_at"])
    if sorted(new_tags) != current_tags:
        thread.tags.set(_tags_for(thread.community, list(new_tags)))
    Revision.objects.create(
        thread=thread,
        number=_next_revision_number(thread=thread),
        author=actor,
        title=new_title,
        body=new_body,
        tags=list(new_tags),
        reason=reason,
    )
    _touch(thread)
    events.publish(
        "thread.edited", thread_id=thread.pk, community_id=thread.community_id, user_id=actor.pk
    )
    return thread


@transaction.atomic
def thread_rollback(*, actor: User, thread: Thread, number: int) -> Thread:
    """Restore revision `number` as a new revision (facilitators)."""
    _require(actor, "thread.rollback", thread)
    old = Revision.objects.filter(thread=thread, number=number).first()
    if old is None:
        raise ValidationError({"number": f"There is no revision {number}."})
    return thread_update(
        actor=actor,
        thread=thread,
        title=old.title,
        body=old.body,
        tags=old.tags,
        reason=f"Rolled back to revision {number}",
    )


@transaction.atomic
def thread_set_wiki(*, actor: User, thread: Thread, is_wiki: bool) -> bool:
    _require(actor, "thread.wiki", thread)
    return bool(
        Thread.objects.filter(pk=thread.pk)
        .exclude(is_wiki=is_wiki)
        .update(is_wiki=is_wiki, version=F("version") + 1)
    )


@transaction.atomic
def thread_delete(*, actor: User, thread: Thread) -> bool:
    """Soft-delete a thread: hidden from members, kept for facilitators."""
    if (
        policy.can(actor, "thread.view", thread)
        and not policy.can(actor, "thread.delete", thread)
        and thread.accepted_answer_id
        and thread.author_id == actor.pk
    ):
        raise PermissionDenied(
            "This question has an accepted answer, so it stays; ask a facilitator if it must go."
        )
    _require(actor, "thread.delete", thread)
    changed = Thread.objects.filter(pk=thread.pk, deleted_at__isnull=True).update(
        deleted_at=timezone.now(), deleted_by=actor, version=F("version") + 1
    )
    if changed:
        events.publish(
            "thread.deleted",
            thread_id=thread.pk,
            community_id=thread.community_id,
            user_id=actor.pk,
        )
    return bool(changed)


@transaction.atomic
def thread_create_for(
    *,
    actor: User,
    community: Community,
    author: User | None,
    title: str,
    body: str,
    followers: Iterable[User] = (),
) -> Thread:
    """A question brought in from elsewhere (a live session's queue) by a moderator of that
    place, on its asker's behalf: `author` asked it (None keeps it anonymous, shown as "someone");
    `followers` (and the author) follow it when they may read the community. The caller checks
    that `actor` may do this; the asker's own rate limit does not apply."""
    if not policy.can(actor, "community.read", community):
        raise Http404("No such community.")
    errors: dict[str, str] = {}
    title = _clean_title(title, errors)
    body = _clean_body(body, errors)
    if errors:
        raise ValidationError(errors)
    thread = Thread.objects.create(
        community=community, author=author, title=title, body=body, body_html=render_body(body)
    )
    Revision.objects.create(
        thread=thread, number=1, author=author, title=title, body=body, reason="First version"
    )
    for person in [*([author] if author else []), *followers]:
        if policy.can(person, "thread.follow", thread):
            _follow(person, thread)
    events.publish(
        "question.asked",
        thread_id=thread.pk,
        community_id=community.pk,
        user_id=author.pk if author else None,
    )
    return thread
