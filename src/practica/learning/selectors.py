"""Reads of the learning app. Every page reads through here, in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from practica.accounts.models import User
from practica.communities import policy
from practica.communities.models import Community
from practica.learning import scheduling, sources, weeks
from practica.learning.models import (
    Card,
    CardSet,
    JournalWeek,
    LearnerSettings,
    PracticeEntry,
    ReviewLog,
    Visibility,
)

TRY_AFTER = timedelta(days=7)


def learner_settings(*, user: Any) -> LearnerSettings:
    """The person's preferences, or the defaults (unsaved) when they never changed them."""
    return LearnerSettings.objects.filter(user=user).first() or LearnerSettings(user=user)


@dataclass
class Due:
    """What a person has to review today (in their time zone)."""

    reviews: int  # cards seen before and due by the end of today
    new: int  # new cards they may still start today (the daily limit applied)
    new_waiting: int  # every new card waiting, beyond the limit too
    ends_at: datetime

    @property
    def total(self) -> int:
        return self.reviews + self.new


def _active(user: Any) -> QuerySet[Card]:
    return Card.objects.filter(owner=user, suspended_at__isnull=True)


def due(*, user: Any, now: datetime | None = None, prefs: LearnerSettings | None = None) -> Due:
    """Today's reviews: due before the end of the person's day, and new cards up to the daily
    limit, less the new cards already started today. Three queries."""
    now = now or timezone.now()
    prefs = prefs or learner_settings(user=user)
    _, start, end = scheduling.day_bounds(time_zone=prefs.time_zone, now=now)
    counts = _active(user).aggregate(
        reviews=Count("pk", filter=Q(reps__gt=0, due__lt=end)),
        new=Count("pk", filter=Q(reps=0)),
    )
    started = ReviewLog.objects.filter(user=user, number=0, reviewed_at__gte=start).count()
    allowed = max(prefs.daily_new_limit - started, 0)
    return Due(counts["reviews"], min(counts["new"], allowed), counts["new"], end)


def due_count(user: Any, *, now: datetime | None = None) -> int:
    """How many cards `user` has to review today: for the home page and the daily digest."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return due(user=user, now=now).total


def next_card(*, user: Any, now: datetime | None = None) -> tuple[Card | None, Due]:
    """The card to review now, and what is left today: first a seen card that is due now (the
    most overdue first), then the oldest new card (within the daily limit), and only then a card
    due later today (a learning step of a few minutes: reviewed a little early rather than left
    for tomorrow), so a card rated Again does not come straight back while others wait."""
    now = now or timezone.now()
    prefs = learner_settings(user=user)
    left = due(user=user, now=now, prefs=prefs)
    seen = _active(user).filter(reps__gt=0).order_by("due", "id")
    card = seen.filter(due__lte=now).first() if left.reviews else None
    if card is None and left.new:
        card = _active(user).filter(reps=0).order_by("created_at", "id").first()
    if card is None and left.reviews:
        card = seen.filter(due__lt=left.ends_at).first()
    if card is not None:
        sources.attach(user, [card])
    return card, left


def due_cards(*, user: Any, now: datetime | None = None, limit: int = 100) -> list[Card]:
    """Every card to review today, in review order (for the API)."""
    now = now or timezone.now()
    left = due(user=user, now=now)
    seen = list(
        _active(user).filter(reps__gt=0, due__lt=left.ends_at).order_by("due", "id")[:limit]
    )
    new = list(_active(user).filter(reps=0).order_by("created_at", "id")[: left.new])
    now_due = [c for c in seen if c.due <= now]
    cards = (now_due + new + [c for c in seen if c.due > now])[:limit]  # next_card's order
    sources.attach(user, cards)
    return cards


def card_list(*, user: Any, state: str = "all") -> list[Card]:
    """The person's cards, newest first; `state`: all, suspended, to_try."""
    qs = Card.objects.filter(owner=user)
    if state == "suspended":
        qs = qs.filter(suspended_at__isnull=False)
    elif state == "to_try":
        qs = qs.filter(to_try=True)
    cards = list(qs)
    sources.attach(user, cards)
    return cards


def card_get(*, user: Any, pk: int) -> Card:
    """The person's own card, or 404 (another person's card does not exist for them)."""
    card = Card.objects.filter(pk=pk).first()
    if card is None or not policy.can(user, "card.view", card):
        raise Http404("No such card.")
    sources.attach(user, [card])
    return card


@dataclass
class Progress:
    """Streak-free progress: what a person keeps and what they changed."""

    cards: int
    reviewed: int  # cards reviewed at least once
    changes: int  # practice entries


def progress(*, user: Any) -> Progress:
    counts = Card.objects.filter(owner=user).aggregate(
        cards=Count("pk", filter=Q(suspended_at__isnull=True)),
        reviewed=Count("pk", filter=Q(reps__gt=0, suspended_at__isnull=True)),
    )
    changes = PracticeEntry.objects.filter(user=user).count()
    return Progress(counts["cards"], counts["reviewed"], changes)


def try_prompts(*, user: Any, now: datetime | None = None) -> list[Card]:
    """Cards marked "to try", kept a week ago or more, with no practice logged and no "not this
    time": ask "did you try it?". Notifications may call this for their reminders."""
    now = now or timezone.now()
    return list(
        Card.objects.filter(
            owner=user,
            to_try=True,
            try_prompt_done_at__isnull=True,
            suspended_at__isnull=True,
            created_at__lte=now - TRY_AFTER,
        ).order_by("created_at", "id")[:10]
    )


# --- Card sets ------------------------------------------------------------------------------------


def card_sets(*, user: Any, community: Community) -> list[CardSet]:
    """The community's card sets, newest first, each with `size` and `adopted` (by `user`)."""
    if not policy.can(user, "community.read", community):
        raise Http404("No such community.")
    uid = user.pk if getattr(user, "is_authenticated", False) else None
    return list(
        CardSet.objects.filter(community=community)
        .select_related("author", "community")
        .annotate(
            size=Count("items", distinct=True),
            adopted=Count("items__adoptions", filter=Q(items__adoptions__owner_id=uid)),
        )
    )


def card_set_get(*, user: Any, pk: int) -> CardSet:
    card_set = CardSet.objects.select_related("community", "author").filter(pk=pk).first()
    if card_set is None:
        raise Http404("No such card set.")
    policy.authorize(user, "card_set.view", card_set)
    card_set.item_list = list(card_set.items.all())  # type: ignore[attr-defined]
    card_set.adopted = Card.objects.filter(  # type: ignore[attr-defined]
        owner=user, set_card__card_set=card_set
    ).count()
    return card_set


# --- Practice log ---------------------------------------------------------------------------------


def practice_entries(*, user: Any, limit: int = 50) -> list[PracticeEntry]:
    return list(PracticeEntry.objects.filter(user=user).select_related("community", "card")[:limit])


# --- Journal --------------------------------------------------------------------------------------


@dataclass
class WeekDraft:
    """What a week's journal page shows: the saved journal (or None) and the week's material."""

    week: str
    journal: JournalWeek | None
    practice: list[PracticeEntry] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    answers: list[Any] = field(default_factory=list)
    reviews: int = 0

    def prefill(self) -> str:
        """A first draft the person edits: nothing is sent until they send it."""
        lines = [f"## What I learned ({weeks.label(self.week)})", ""]
        lines += [f"- {c.prompt}" for c in self.cards] or ["- "]
        lines += ["", "## What I changed in my work", ""]
        for p in self.practice:
            lines.append(f"- {p.tried}" + (f": {p.happened}" if p.happened else ""))
        if not self.practice:
            lines.append("- ")
        if self.answers:
            lines += ["", "## How I helped others", ""]
            lines += [f"- Answered “{a.thread.title}”" for a in self.answers]
        if self.reviews:
            lines += ["", f"I reviewed cards {self.reviews} times this week."]
        return "\n".join(lines) + "\n"


def journal_week(*, user: Any, week: str) -> WeekDraft:
    """`user`'s own journal of `week` and that week's practice, takeaways and answers."""
    from practica.discussions.models import Answer

    prefs = learner_settings(user=user)
    start, end = weeks.bounds(week, time_zone=prefs.time_zone)
    journal = (
        JournalWeek.objects.filter(user=user, week=week)
        .select_related("sent_to")
        .prefetch_related("replies__author")
        .first()
    )
    return WeekDraft(
        week=week,
        journal=journal,
        practice=list(
            PracticeEntry.objects.filter(user=user, created_at__gte=start, created_at__lt=end)
        ),
        cards=list(Card.objects.filter(owner=user, created_at__gte=start, created_at__lt=end)),
        answers=list(
            policy.visible_to(
                user,
                Answer.objects.filter(
                    author=user, deleted_at__isnull=True, created_at__gte=start, created_at__lt=end
                ).select_related("thread"),
            )
        ),
        reviews=ReviewLog.objects.filter(
            user=user, reviewed_at__gte=start, reviewed_at__lt=end
        ).count(),
    )


def journal_list(*, user: Any, limit: int = 12) -> list[JournalWeek]:
    return list(JournalWeek.objects.filter(user=user)[:limit])


def reports_journal(*, manager: Any, limit: int = 50) -> list[JournalWeek]:
    """Journals sent to `manager` by their current direct reports, most recently sent first.
    A manager sees only what each report chose to send them."""
    if not getattr(manager, "is_authenticated", False):
        return []
    return list(
        JournalWeek.objects.filter(sent_at__isnull=False, sent_to=manager, user__manager=manager)
        .select_related("user")
        .annotate(reply_count=Count("replies"))
        .order_by("-sent_at", "-id")[:limit]
    )


def reports_practice(*, manager: Any, limit: int = 50) -> list[PracticeEntry]:
    """Practice entries that `manager`'s direct reports shared (with them or a community)."""
    if not getattr(manager, "is_authenticated", False):
        return []
    return list(
        PracticeEntry.objects.filter(
            user__manager=manager,
            visibility__in=[Visibility.MANAGER, Visibility.COMMUNITY],
        ).select_related("user", "community")[:limit]
    )


def report_get(*, manager: Any, pk: int) -> JournalWeek:
    """A journal sent to `manager`, with its replies (404 for anything else)."""
    journal = (
        JournalWeek.objects.select_related("user", "sent_to")
        .prefetch_related("replies__author")
        .filter(pk=pk)
        .first()
    )
    if journal is None:
        raise Http404("No such journal.")
    policy.authorize(manager, "journal.view", journal)
    return journal


def has_reports(*, user: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and User.objects.filter(manager=user).exists()
    )
