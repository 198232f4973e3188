"""Takeaway cards and their review."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from practica.accounts.models import User
from practica.communities import policy
from practica.core import events
from practica.core.markdown import to_text
from practica.learning import scheduling, sources
from practica.learning.models import Card, LearnerSettings, ReviewLog
from practica.learning.services._common import (
    POINT_MAX,
    PROMPT_MAX,
    QUOTE_MAX,
    AlreadyReviewed,
    clean_line,
    clean_text,
    html,
)


def _quote_from(kind: sources.SourceKind, obj: object, quote: str) -> str:
    """The person's selection when it is really in the source, else the source's opening."""
    text = kind.text(obj)
    quote = (quote or "").strip()
    if quote and quote in text and len(quote) <= QUOTE_MAX:
        return quote
    return to_text(text, QUOTE_MAX)


@transaction.atomic
def card_create(
    *,
    owner: User,
    prompt: str,
    point: str,
    source_kind: str = "",
    source_id: int | None = None,
    quote: str = "",
    to_try: bool = False,
) -> Card:
    """Keep a takeaway: a card of `owner`'s, optionally made from content they may see (404 when
    they may not, as if it did not exist)."""
    errors: dict[str, str] = {}
    prompt = clean_line(prompt, errors, field="prompt", limit=PROMPT_MAX, what="the prompt")
    point = clean_text(point, errors, field="point", limit=POINT_MAX, what="the point to remember")
    kept_quote = ""
    if source_kind or source_id:
        if source_kind not in sources.kinds():
            errors["source_kind"] = "Choose what the card comes from: " + ", ".join(sources.kinds())
        elif not source_id:
            errors["source_id"] = "Say which one it comes from."
        else:
            found = sources.get(user=owner, kind=source_kind, pk=source_id)
            if found is None:
                raise Http404("No such content.")
            kept_quote = _quote_from(found[0], found[1], quote)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    card = Card.objects.create(
        owner=owner,
        prompt=prompt,
        point=point,
        point_html=html(point),
        source_kind=source_kind if source_id else "",
        source_id=source_id or None,
        quote=kept_quote,
        to_try=to_try,
        due=now,
    )
    events.publish("card.created", card_id=card.pk, user_id=owner.pk, source_kind=card.source_kind)
    return card


@transaction.atomic
def card_update(
    *,
    actor: User,
    card: Card,
    prompt: str | None = None,
    point: str | None = None,
    to_try: bool | None = None,
) -> Card:
    """Change a card's own words (its schedule stays)."""
    policy.authorize(actor, "card.edit", card)
    errors: dict[str, str] = {}
    fields = ["edited_at"]
    if prompt is not None:
        card.prompt = clean_line(
            prompt, errors, field="prompt", limit=PROMPT_MAX, what="the prompt"
        )
        fields.append("prompt")
    if point is not None:
        card.point = clean_text(point, errors, field="point", limit=POINT_MAX, what="the point")
        card.point_html = html(card.point)
        fields += ["point", "point_html"]
    if to_try is not None:
        card.to_try = to_try
        fields.append("to_try")
    if errors:
        card.refresh_from_db()
        raise ValidationError(errors)
    card.edited_at = timezone.now()
    card.save(update_fields=fields)
    events.publish("card.edited", card_id=card.pk, user_id=actor.pk)
    return card


@transaction.atomic
def card_delete(*, actor: User, card: Card) -> bool:
    policy.authorize(actor, "card.delete", card)
    deleted, _ = Card.objects.filter(pk=card.pk).delete()
    if deleted:
        events.publish("card.deleted", card_id=card.pk, user_id=actor.pk)
    return bool(deleted)


@transaction.atomic
def card_suspend(*, actor: User, card: Card, suspended: bool) -> bool:
    """Take a card out of review (or put it back). True when something changed."""
    policy.authorize(actor, "card.edit", card)
    changed = Card.objects.filter(pk=card.pk, suspended_at__isnull=suspended).update(
        suspended_at=timezone.now() if suspended else None
    )
    card.refresh_from_db(fields=["suspended_at"])
    return bool(changed)


@transaction.atomic
def card_review(
    *,
    actor: User,
    card: Card,
    rating: int,
    number: int | None = None,
    at: datetime | None = None,
    duration_ms: int | None = None,
) -> Card:
    """Record a review (1 Again, 2 Hard, 3 Good, 4 Easy) and reschedule the card with FSRS.

    `number` is the card's review count the person saw (its `reps`): a retry of a review already
    recorded carries an old number and raises AlreadyReviewed, changing nothing. The card row is
    locked, and ReviewLog is unique per card and number, so two racing submissions record one."""
    policy.authorize(actor, "card.review", card)
    if not isinstance(rating, int) or isinstance(rating, bool) or rating not in scheduling.RATINGS:
        raise ValidationError({"rating": "Rate it 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)."})
    if duration_ms is not None and not 0 <= duration_ms <= 3_600_000:
        raise ValidationError({"duration_ms": "A review takes between 0 and an hour."})
    locked = Card.objects.select_for_update().get(pk=card.pk)
    if number is not None and number != locked.reps:
        raise AlreadyReviewed()
    if locked.suspended_at is not None:
        raise ValidationError({"card": "This card is suspended: put it back into review first."})
    at = at or timezone.now()
    prefs = LearnerSettings.objects.filter(user=actor).first() or LearnerSettings(user=actor)
    after, _ = scheduling.review(
        locked, rating=rating, at=at, desired_retention=prefs.desired_retention
    )
    try:
        with transaction.atomic():
            ReviewLog.objects.create(
                card=locked,
                user=actor,
                number=locked.reps,
                rating=rating,
                reviewed_at=at,
                duration_ms=duration_ms,
                state=int(after.state),
                stability=after.stability,
                difficulty=after.difficulty,
                due=after.due,
            )
    except IntegrityError as exc:
        raise AlreadyReviewed() from exc
    Card.objects.filter(pk=locked.pk).update(
        state=int(after.state),
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=after.due,
        last_review=after.last_review,
        reps=F("reps") + 1,
    )
    card.refresh_from_db()
    events.publish("review.done", card_id=card.pk, user_id=actor.pk, rating=rating)
    return card


@transaction.atomic
def learner_settings_update(
    *,
    user: User,
    time_zone: str | None = None,
    desired_retention: float | None = None,
    daily_new_limit: int | None = None,
) -> LearnerSettings:
    """Change a person's review preferences (only the ones given)."""
    prefs, _ = LearnerSettings.objects.select_for_update().get_or_create(user=user)
    errors: dict[str, str] = {}
    fields = []
    if time_zone is not None:
        if time_zone not in available_timezones():
            errors["time_zone"] = "Choose a time zone from the list, such as Europe/Paris."
        prefs.time_zone = time_zone
        fields.append("time_zone")
    if desired_retention is not None:
        if not 0.7 <= desired_retention <= 0.97:
            errors["desired_retention"] = "Choose a retention between 0.70 and 0.97."
        prefs.desired_retention = desired_retention
        fields.append("desired_retention")
    if daily_new_limit is not None:
        if not 0 <= daily_new_limit <= 100:
            errors["daily_new_limit"] = "Choose between 0 and 100 new cards a day."
        prefs.daily_new_limit = daily_new_limit
        fields.append("daily_new_limit")
    if errors:
        raise ValidationError(errors)
    if fields:
        prefs.save(update_fields=fields)
    return prefs
