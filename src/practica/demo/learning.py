"""Northwind's review cards, a card set, practice changes and journals (through the services)."""

from __future__ import annotations

from django.utils import timezone

from practica.accounts.models import User
from practica.communities.models import Community
from practica.discussions.models import Thread
from practica.learning import services, weeks
from practica.learning.models import CardSet, JournalWeek

SET_TITLE = "On-call basics"
SET_CARDS = [
    (
        "An alert flaps every night. First move?",
        "Add a `for:` duration so it fires only when the condition **holds**; never mute it.",
    ),
    (
        "What does a good page tell the person woken up?",
        "What is broken, for whom, and the runbook.",
    ),
    ("Who leads an incident?", "One incident commander; everyone else works through them."),
]


def load_learning(users: dict[str, User]) -> int:
    """Add the learning demo once; returns how many things were added (0 when already there)."""
    community = Community.objects.filter(slug="incident-response").first()
    if community is None or CardSet.objects.filter(community=community, title=SET_TITLE).exists():
        return 0
    kofi, chloe = users["kofi"], users["chloe"]
    card_set = services.card_set_create(
        author=users["ivan"],
        community=community,
        title=SET_TITLE,
        description="The three habits from this month's on-call session.",
        cards=SET_CARDS,
    )
    added = 1 + services.card_set_adopt(user=kofi, card_set=card_set)
    services.card_set_adopt(user=chloe, card_set=card_set)
    flapping = Thread.objects.filter(
        community=community, title__startswith="How do I silence"
    ).first()
    if flapping is not None and flapping.accepted_answer_id:
        services.card_create(
            owner=kofi,
            prompt="A flapping alert at 3am: mute it?",
            point="No: add `for: 5m` and look at the trend the next day.",
            source_kind="answer",
            source_id=flapping.accepted_answer_id,
            to_try=True,
        )
        added += 1
    services.practice_log(
        user=kofi,
        tried="Added `for: 5m` to PaymentsLatencyHigh",
        happened="Two pages last week instead of fourteen; the real one still woke me.",
        visibility="manager",
    )
    week = weeks.current(time_zone="UTC", now=timezone.now())
    if not JournalWeek.objects.filter(user=kofi, week=week).exists():
        services.journal_save(
            user=kofi,
            week=week,
            body="## What I learned\n\n- Flapping alerts need a `for:` duration, not a mute.\n\n"
            "## What I changed in my work\n\n- PaymentsLatencyHigh now waits five minutes: two "
            "pages instead of fourteen.\n",
        )
        if kofi.manager_id:
            services.journal_send(user=kofi, week=week)
        added += 1
    return added
