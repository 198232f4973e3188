"""The practice log: what someone tried in their work and what happened."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from practica.accounts.models import User
from practica.communities import policy
from practica.communities.models import Community
from practica.core import events
from practica.learning.models import Card, PracticeEntry, Visibility
from practica.learning.services._common import (
    HAPPENED_MAX,
    TRIED_MAX,
    clean_line,
    clean_text,
    html,
)

PRACTICE_TAG = "practice-change"


def _post(*, user: User, community: Community, tried: str, happened: str) -> int:
    """The practice change as a discussion in `community`, tagged "practice-change"."""
    from practica.discussions.models import Kind
    from practica.discussions.services import thread_create

    title = f"Practice change: {tried}"
    title = title if len(title) <= 200 else title[:199].rstrip() + "…"
    body = f"**What I tried:** {tried}\n\n**What happened:** {happened or '(not yet known)'}"
    thread = thread_create(
        author=user,
        community=community,
        title=title,
        body=body,
        kind=Kind.DISCUSSION,
        tags=[PRACTICE_TAG],
    )
    return thread.pk


@transaction.atomic
def practice_log(
    *,
    user: User,
    tried: str,
    happened: str = "",
    visibility: str = Visibility.PRIVATE,
    community: Community | None = None,
    card: Card | None = None,
) -> PracticeEntry:
    """Record a practice change. Shared with the community, it also becomes a discussion there
    (members only); shared with the manager, the manager's reports page shows it."""
    errors: dict[str, str] = {}
    tried = clean_line(tried, errors, field="tried", limit=TRIED_MAX, what="what you tried")
    happened = clean_text(
        happened, errors, field="happened", limit=HAPPENED_MAX, what="the result", required=False
    )
    if visibility not in Visibility.values:
        errors["visibility"] = "Choose who sees it: only you, your manager, or a community."
    elif visibility == Visibility.MANAGER and user.manager_id is None:
        errors["visibility"] = "Set your manager on your profile first, or keep it to yourself."
    elif visibility == Visibility.COMMUNITY:
        if community is None:
            errors["community"] = "Choose the community to share it with."
        elif not policy.can(user, "community.contribute", community):
            errors["community"] = "You can share only with a community you are a member of."
    if card is not None:
        policy.authorize(user, "card.view", card)
    if errors:
        raise ValidationError(errors)
    thread_id = None
    if visibility == Visibility.COMMUNITY and community is not None:
        thread_id = _post(user=user, community=community, tried=tried, happened=happened)
    entry = PracticeEntry.objects.create(
        user=user,
        tried=tried,
        happened=happened,
        happened_html=html(happened),
        card=card,
        visibility=visibility,
        community=community if visibility == Visibility.COMMUNITY else None,
        thread_id=thread_id,
    )
    if card is not None and card.try_prompt_done_at is None:
        Card.objects.filter(pk=card.pk).update(try_prompt_done_at=timezone.now())
    events.publish(
        "practice.logged",
        entry_id=entry.pk,
        user_id=user.pk,
        visibility=visibility,
        thread_id=thread_id,
    )
    return entry


@transaction.atomic
def try_prompt_dismiss(*, user: User, card: Card) -> bool:
    """Stop asking "did you try it?" about `card`. True when something changed."""
    policy.authorize(user, "card.edit", card)
    return bool(
        Card.objects.filter(pk=card.pk, try_prompt_done_at__isnull=True).update(
            try_prompt_done_at=timezone.now()
        )
    )
