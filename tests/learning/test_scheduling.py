"""Scheduling matches the fsrs package, and "due today" follows the person's time zone."""

from datetime import UTC, datetime, timedelta

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler

from practica.learning import selectors, services
from practica.learning.models import Card

HISTORY = [  # (hours after the card was made, rating)
    (0, 3), (0.2, 3), (26, 4), (24 * 9, 1), (24 * 9 + 0.5, 3), (24 * 12, 2), (24 * 30, 3),
    (24 * 80, 4), (24 * 81, 1), (24 * 81 + 1, 3),
]  # fmt: skip


def test_a_replayed_history_schedules_exactly_as_fsrs(db, user_factory, card_factory):
    owner = user_factory()
    services.learner_settings_update(user=owner, desired_retention=0.85)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    card = card_factory(owner)
    Card.objects.filter(pk=card.pk).update(due=start)
    card.refresh_from_db()

    scheduler = Scheduler(desired_retention=0.85, enable_fuzzing=False)
    theirs = FsrsCard(card_id=1, due=start)
    for n, (hours, rating) in enumerate(HISTORY):
        at = start + timedelta(hours=hours)
        card = services.card_review(actor=owner, card=card, rating=rating, number=n, at=at)
        theirs, _ = scheduler.review_card(theirs, Rating(rating), review_datetime=at)
        assert card.due == theirs.due, f"review {n}: due dates differ"
        assert card.stability == theirs.stability and card.difficulty == theirs.difficulty
        assert card.state == int(theirs.state) and card.step == theirs.step
    assert card.reps == len(HISTORY)
    assert list(card.reviews.values_list("rating", flat=True)) == [r for _, r in HISTORY]


def _seen_card_due_at(owner, card_factory, due: datetime) -> Card:
    card = card_factory(owner)
    Card.objects.filter(pk=card.pk).update(due=due, reps=1, state=2, stability=3.0, difficulty=5.0)
    return card


def test_due_today_ends_at_the_persons_midnight(db, user_factory, card_factory):
    tokyo, lima = user_factory(), user_factory()
    services.learner_settings_update(user=tokyo, time_zone="Asia/Tokyo", daily_new_limit=0)
    services.learner_settings_update(user=lima, time_zone="America/Lima", daily_new_limit=0)
    # 2026-06-10 14:00 UTC is 23:00 in Tokyo and 09:00 in Lima.
    now = datetime(2026, 6, 10, 14, 0, tzinfo=UTC)
    # Due at 16:00 UTC: already tomorrow (01:00) in Tokyo, still today (11:00) in Lima.
    _seen_card_due_at(tokyo, card_factory, datetime(2026, 6, 10, 16, 0, tzinfo=UTC))
    _seen_card_due_at(lima, card_factory, datetime(2026, 6, 10, 16, 0, tzinfo=UTC))
    assert selectors.due_count(tokyo, now=now) == 0
    assert selectors.due_count(lima, now=now) == 1


def test_the_daily_new_limit_restarts_at_the_persons_midnight(db, user_factory, card_factory):
    owner = user_factory()
    services.learner_settings_update(user=owner, time_zone="Europe/Paris", daily_new_limit=1)
    first, _ = card_factory(owner), card_factory(owner, prompt="Second")
    evening = datetime(2026, 1, 15, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    services.card_review(actor=owner, card=first, rating=4, at=evening)
    assert selectors.due(user=owner, now=evening).new == 0
    after_midnight = evening + timedelta(hours=1)  # 00:30 in Paris, 23:30 UTC: same UTC day
    assert selectors.due(user=owner, now=after_midnight).new == 1


def test_a_card_rated_again_waits_while_new_cards_come_first(db, user_factory, card_factory):
    owner = user_factory()
    first, second = card_factory(owner, prompt="First"), card_factory(owner, prompt="Second")
    services.card_review(actor=owner, card=first, rating=1)
    card, left = selectors.next_card(user=owner)
    assert card == second and left.total == 2
    services.card_review(actor=owner, card=second, rating=1)
    card, _ = selectors.next_card(user=owner)  # nothing due this minute: learn ahead
    assert card == first
