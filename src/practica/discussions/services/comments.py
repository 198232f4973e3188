"""Writes about comments and one-level replies."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from practica.accounts.models import User
from practica.core import events, ratelimit
from practica.discussions.models import (
    Answer,
    Comment,
    Thread,
)
from practica.discussions.services._common import (
    COMMENT_MAX,
    _changed,
    _clean_body,
    _require,
    render_body,
)


@transaction.atomic
def comment_create(
    *,
    author: User,
    thread: Thread,
    body: str,
    answer: Answer | None = None,
    parent: Comment | None = None,
) -> Comment:
    """Comment on a thread or an answer; with `parent`, reply to a comment (one level deep:
    a reply to a reply joins its parent's conversation)."""
    if parent is not None:
        _require(author, "comment.comment", parent)
        if parent.parent_id is not None:
            parent = parent.parent
        thread, answer = parent.thread, parent.answer  # type: ignore[union-attr]
    elif answer is not None:
        _require(author, "answer.comment", answer)
        thread = answer.thread
    else:
        _require(author, "thread.comment", thread)
    errors: dict[str, str] = {}
    body = _clean_body(body, errors, limit=COMMENT_MAX, what="comment")
    if errors:
        raise ValidationError(errors)
    ratelimit.hit("post", author.pk)
    comment = Comment.objects.create(
        thread=thread,
        answer=answer,
        parent=parent,
        author=author,
        body=body,
        body_html=render_body(body),
    )
    Thread.objects.filter(pk=thread.pk).update(
        comment_count=F("comment_count") + 1,
        last_activity_at=timezone.now(),
        version=F("version") + 1,
    )
    events.publish(
        "comment.posted",
        comment_id=comment.pk,
        thread_id=thread.pk,
        answer_id=answer.pk if answer else None,
        parent_id=parent.pk if parent else None,
        community_id=thread.community_id,
        user_id=author.pk,
    )
    return comment


@transaction.atomic
def comment_update(*, actor: User, comment: Comment, body: str) -> Comment:
    _require(actor, "comment.edit", comment)
    errors: dict[str, str] = {}
    body = _clean_body(body, errors, limit=COMMENT_MAX, what="comment")
    if errors:
        raise ValidationError(errors)
    ratelimit.hit("edit", actor.pk)
    comment.body, comment.body_html, comment.edited_at = body, render_body(body), timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    _changed(comment.thread_id)
    _published("comment.edited", comment, actor)
    return comment


@transaction.atomic
def comment_delete(*, actor: User, comment: Comment) -> bool:
    _require(actor, "comment.delete", comment)
    changed = Comment.objects.filter(pk=comment.pk, deleted_at__isnull=True).update(
        deleted_at=timezone.now()
    )
    if changed:
        Thread.objects.filter(pk=comment.thread_id).update(
            comment_count=F("comment_count") - 1, version=F("version") + 1
        )
        _published("comment.deleted", comment, actor)
    return bool(changed)


def _published(name: str, comment: Comment, actor: User) -> None:
    events.publish(
        name,
        comment_id=comment.pk,
        thread_id=comment.thread_id,
        answer_id=comment.answer_id,
        community_id=comment.thread.community_id,
        user_id=actor.pk,
    )
