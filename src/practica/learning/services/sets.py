"""Card sets: published by a community's facilitators, adopted by whoever may read it."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from practica.accounts.models import User
from practica.communities import policy
from practica.communities.models import Community
from practica.core import events
from practica.learning.models import Card, CardSet, SetCard
from practica.learning.services._common import (
    POINT_MAX,
    PROMPT_MAX,
    SET_MAX_CARDS,
    clean_line,
    clean_text,
    html,
)


def parse_cards(text: str) -> list[tuple[str, str]]:
    """Cards written as blocks separated by a blank line: the first line is the prompt, the rest
    the point. ("What is a blameless review?\\nOne that looks at the system, not the person.")"""
    blocks = [b.strip() for b in (text or "").replace("\r\n", "\n").split("\n\n") if b.strip()]
    return [(b.split("\n", 1)[0], b.split("\n", 1)[1] if "\n" in b else "") for b in blocks]


@transaction.atomic
def card_set_create(
    *,
    author: User,
    community: Community,
    title: str,
    description: str = "",
    cards: Iterable[tuple[str, str]],
) -> CardSet:
    """Publish a set of cards (prompt, point) for `community` (facilitators and owners)."""
    if not policy.can(author, "community.read", community):
        raise Http404("No such community.")  # its content, card sets included, is members-only
    policy.authorize(author, "card_set.create", community)
    errors: dict[str, str] = {}
    title = clean_line(title, errors, field="title", limit=120, what="a title")
    description = clean_text(
        description, errors, field="description", limit=500, what="the description", required=False
    )
    items = list(cards)
    if not items:
        errors["cards"] = "Add at least one card: a prompt line, then the point, then a blank line."
    elif len(items) > SET_MAX_CARDS:
        errors["cards"] = f"A set holds at most {SET_MAX_CARDS} cards."
    cleaned = []
    for n, (prompt, point) in enumerate(items, start=1):
        card_errors: dict[str, str] = {}
        prompt = clean_line(prompt, card_errors, field="p", limit=PROMPT_MAX, what="the prompt")
        point = clean_text(point, card_errors, field="q", limit=POINT_MAX, what="the point")
        if card_errors and "cards" not in errors:
            errors["cards"] = f"Card {n}: " + " ".join(card_errors.values())
        cleaned.append((prompt, point))
    if errors:
        raise ValidationError(errors)
    card_set = CardSet.objects.create(
        community=community, author=author, title=title, description=description
    )
    SetCard.objects.bulk_create(
        SetCard(card_set=card_set, position=n, prompt=p, point=q, point_html=html(q))
        for n, (p, q) in enumerate(cleaned, start=1)
    )
    events.publish(
        "card_set.published", card_set_id=card_set.pk, community_id=community.pk, user_id=author.pk
    )
    return card_set


@transaction.atomic
def card_set_adopt(*, user: User, card_set: CardSet) -> int:
    """Add the set's cards to `user`'s review; adopting again adds only cards not yet taken
    (none, usually). Returns how many cards were added."""
    policy.authorize(user, "card_set.adopt", card_set)
    taken = set(
        Card.objects.filter(owner=user, set_card__card_set=card_set).values_list(
            "set_card_id", flat=True
        )
    )
    now = timezone.now()
    new = [
        Card(
            owner=user,
            prompt=item.prompt,
            point=item.point,
            point_html=item.point_html,
            set_card=item,
            due=now,
        )
        for item in SetCard.objects.filter(card_set=card_set).exclude(pk__in=taken)
    ]
    Card.objects.bulk_create(new, ignore_conflicts=True)  # a racing adoption adds nothing twice
    if new:
        events.publish("card_set.adopted", card_set_id=card_set.pk, user_id=user.pk, count=len(new))
    return len(new)
