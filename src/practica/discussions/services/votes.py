"""Votes and reactions: one row per person and target; scores move with F() in the same transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from practica.accounts.models import User
from practica.core import events, ratelimit
from practica.discussions.models import (
    Answer,
    Comment,
    Kind,
    Reaction,
    Thread,
    Vote,
)
from practica.discussions.services._common import (
    _changed,
    _require,
)


def _rescore(target: Thread | Answer, delta: int) -> None:
    """Move the stored score by `delta`, and the thread's version with it (the page shows it)."""
    if isinstance(target, Thread):
        Thread.objects.filter(pk=target.pk).update(
            score=F("score") + delta, version=F("version") + 1
        )
    else:
        Answer.objects.filter(pk=target.pk).update(score=F("score") + delta)
        Thread.objects.filter(pk=target.thread_id).update(version=F("version") + 1)


def _vote_target(
    target: Thread | Answer,
) -> tuple[dict[str, Any], type[Thread] | type[Answer], str]:
    if isinstance(target, Thread):
        return {"thread": target}, Thread, "thread"
    return {"answer": target}, Answer, "answer"


@transaction.atomic
def vote_set(*, user: User, target: Thread | Answer, value: int) -> int:
    """Vote +1 or -1 on a question or an answer (changing an earlier vote). Returns the score.

    The vote row is unique per person and target; the stored score moves by the difference in
    the same transaction, so it always equals the sum of the votes, however many vote at once.
    """
    lookup, model, kind = _vote_target(target)
    _require(user, f"{kind}.vote", target)
    if isinstance(target, Thread) and target.kind != Kind.QUESTION:
        raise ValidationError("Discussions take reactions, not votes.")
    if value not in (1, -1):
        raise ValidationError({"value": "A vote is 1 (up) or -1 (down)."})
    if target.author_id == user.pk:
        raise ValidationError("You cannot vote on your own post.")
    ratelimit.hit("vote", user.pk)
    existing = Vote.objects.select_for_update().filter(user=user, **lookup).first()
    if existing is None:
        try:
            with transaction.atomic():
                Vote.objects.create(user=user, value=value, **lookup)
            delta = value
        except IntegrityError:  # the same person voting twice at once: the other one won
            existing = Vote.objects.select_for_update().get(user=user, **lookup)
    if existing is not None:
        delta = value - existing.value
        if delta:
            Vote.objects.filter(pk=existing.pk).update(value=value)
    if delta:
        _rescore(target, delta)
        events.publish(f"{kind}.voted", **{f"{kind}_id": target.pk}, user_id=user.pk, value=value)
    return model.objects.values_list("score", flat=True).get(pk=target.pk)


@transaction.atomic
def vote_clear(*, user: User, target: Thread | Answer) -> int:
    """Take a vote back. Returns the score."""
    lookup, model, kind = _vote_target(target)
    _require(user, f"{kind}.vote", target)  # taking a vote back is voting: members only
    existing = Vote.objects.select_for_update().filter(user=user, **lookup).first()
    if existing is not None:
        Vote.objects.filter(pk=existing.pk).delete()
        _rescore(target, -existing.value)
        events.publish(f"{kind}.voted", **{f"{kind}_id": target.pk}, user_id=user.pk, value=0)
    return model.objects.values_list("score", flat=True).get(pk=target.pk)


@transaction.atomic
def reaction_toggle(*, user: User, target: Thread | Comment, emoji: str) -> bool:
    """Add the reaction, or take it back if it is there. True when it is now there."""
    kind = "thread" if isinstance(target, Thread) else "comment"
    _require(user, f"{kind}.react", target)
    if emoji not in Reaction.EMOJI:
        raise ValidationError({"emoji": f"Choose one of: {', '.join(Reaction.EMOJI)}."})
    ratelimit.hit("vote", user.pk)
    lookup = {kind: target}
    thread_id = target.pk if isinstance(target, Thread) else target.thread_id
    deleted, _ = Reaction.objects.filter(user=user, emoji=emoji, **lookup).delete()
    if deleted:
        _changed(thread_id)
        return False
    try:
        with transaction.atomic():
            Reaction.objects.create(user=user, emoji=emoji, **lookup)
    except IntegrityError:
        return True  # the same reaction arriving twice at once: the other one counted it
    _changed(thread_id)
    return True
