"""Writes about answers: posting, editing with revisions, soft delete, accepting."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from practica.accounts.models import User
from practica.core import events, ratelimit
from practica.discussions.models import (
    Answer,
    Kind,
    Revision,
    Thread,
)
from practica.discussions.services._common import (
    _changed,
    _clean_body,
    _follow,
    _next_revision_number,
    _require,
    _touch,
    render_body,
)


@transaction.atomic
def answer_create(*, author: User, thread: Thread, body: str) -> Answer:
    _require(author, "thread.answer", thread)
    if thread.kind != Kind.QUESTION:
        raise ValidationError("Discussions take comments, not answers.")
    errors: dict[str, str] = {}
    body = _clean_body(body, errors, what="answer")
    if errors:
        raise ValidationError(errors)
    ratelimit.hit("post", author.pk)
    answer = Answer.objects.create(
        thread=thread, author=author, body=body, body_html=render_body(body)
    )
    Revision.objects.create(
        answer=answer, number=1, author=author, body=body, reason="First version"
    )
    Thread.objects.filter(pk=thread.pk).update(
        answer_count=F("answer_count") + 1,
        last_activity_at=timezone.now(),
        version=F("version") + 1,
    )
    _follow(author, thread)
    events.publish(
        "answer.posted",
        answer_id=answer.pk,
        thread_id=thread.pk,
        community_id=thread.community_id,
        user_id=author.pk,
    )
    return answer


@transaction.atomic
def answer_update(*, actor: User, answer: Answer, body: str, reason: str = "") -> Answer:
    _require(actor, "answer.edit", answer)
    errors: dict[str, str] = {}
    body = _clean_body(body, errors, what="answer")
    reason = " ".join(reason.split())
    if len(reason) > 300:
        errors["reason"] = "Keep the reason under 300 characters."
    if errors:
        raise ValidationError(errors)
    if body == answer.body:
        return answer
    ratelimit.hit("edit", actor.pk)
    answer.body, answer.body_html, answer.edited_at = body, render_body(body), timezone.now()
    answer.save(update_fields=["body", "body_html", "edited_at"])
    _changed(answer.thread_id)
    Revision.objects.create(
        answer=answer,
        number=_next_revision_number(answer=answer),
        author=actor,
        body=body,
        reason=reason,
    )
    events.publish(
        "answer.edited",
        answer_id=answer.pk,
        thread_id=answer.thread_id,
        community_id=answer.thread.community_id,
        user_id=actor.pk,
    )
    return answer


@transaction.atomic
def answer_delete(*, actor: User, answer: Answer) -> bool:
    Thread.objects.select_for_update().filter(pk=answer.thread_id).first()  # see answer_accept
    _require(actor, "answer.delete", answer)
    changed = Answer.objects.filter(pk=answer.pk, deleted_at__isnull=True).update(
        deleted_at=timezone.now(), deleted_by=actor
    )
    if changed:
        Thread.objects.filter(pk=answer.thread_id).update(
            answer_count=F("answer_count") - 1, version=F("version") + 1
        )
        Thread.objects.filter(pk=answer.thread_id, accepted_answer=answer).update(
            accepted_answer=None
        )
        events.publish(
            "answer.deleted",
            answer_id=answer.pk,
            thread_id=answer.thread_id,
            community_id=answer.thread.community_id,
            user_id=actor.pk,
        )
    return bool(changed)


@transaction.atomic
def answer_accept(*, actor: User, answer: Answer) -> Thread:
    """Mark `answer` as the one that solved its question (moving the mark from another)."""
    thread = Thread.objects.select_for_update().get(pk=answer.thread_id)
    _require(actor, "thread.accept", thread)
    # Read the answer again under the thread's lock: answer_delete takes the same lock.
    if (
        answer.thread_id != thread.pk
        or not Answer.objects.filter(pk=answer.pk, deleted_at__isnull=True).exists()
    ):
        raise ValidationError("This answer was deleted.")
    if thread.accepted_answer_id == answer.pk:
        return thread
    thread.accepted_answer = answer
    thread.save(update_fields=["accepted_answer"])
    _touch(thread)
    events.publish(
        "answer.accepted",
        answer_id=answer.pk,
        thread_id=thread.pk,
        community_id=thread.community_id,
        user_id=actor.pk,
    )
    return thread


@transaction.atomic
def answer_unaccept(*, actor: User, thread: Thread) -> bool:
    """Take the accepted mark back: the question is open again. True when it was accepted."""
    _require(actor, "thread.accept", thread)
    accepted = (
        Thread.objects.select_for_update()
        .filter(pk=thread.pk)
        .values_list("accepted_answer_id", flat=True)
        .first()
    )
    if accepted is None:
        return False
    Thread.objects.filter(pk=thread.pk).update(accepted_answer=None, version=F("version") + 1)
    events.publish(
        "answer.unaccepted",
        answer_id=accepted,
        thread_id=thread.pk,
        community_id=thread.community_id,
        user_id=actor.pk,
    )
    return True
