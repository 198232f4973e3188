"""The learning services: cards, reviews, sets, the practice log and the journal."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from practica.accounts.services import user_profile_update
from practica.communities.services import community_leave
from practica.core import events
from practica.discussions.models import Thread
from practica.learning import selectors, services
from practica.learning.models import Card, CardSet, JournalWeek, PracticeEntry, ReviewLog


def test_card_create_from_an_answer_keeps_the_quote_and_the_link(qa, card_factory):
    card = card_factory(qa.outsider, source_kind="answer", source_id=qa.answer.pk)
    assert card.quote.startswith("Ask what made the mistake easy")
    shown = selectors.card_get(user=qa.outsider, pk=card.pk)
    assert shown.source.url == qa.answer.get_absolute_url()
    assert shown.source.title == "How do we run a blameless review?"


def test_card_create_keeps_a_selected_quote_only_when_it_is_in_the_source(qa, card_factory):
    kept = card_factory(qa.member, source_kind="answer", source_id=qa.answer.pk, quote="not who")
    invented = card_factory(qa.member, source_kind="answer", source_id=qa.answer.pk, quote="lies")
    assert kept.quote == "not who"
    assert "lies" not in invented.quote


def test_card_create_refuses_empty_words_and_changes_nothing(db, user_factory):
    person = user_factory()
    with pytest.raises(ValidationError) as caught:
        services.card_create(owner=person, prompt="  ", point="")
    assert set(caught.value.message_dict) == {"prompt", "point"}
    assert not Card.objects.exists()


def test_card_create_from_content_one_may_not_see_is_404(cast_factory, user_factory):
    from practica.discussions import services as discussions

    cast = cast_factory("private", "request")
    thread = discussions.thread_create(
        author=cast.member, community=cast.community, title="A private matter here", body="Hush."
    )
    with pytest.raises(Http404):
        services.card_create(
            owner=cast.outsider, prompt="p", point="q", source_kind="thread", source_id=thread.pk
        )
    assert not Card.objects.exists()


def test_leaving_a_private_community_keeps_the_card_but_drops_quote_and_link(
    cast_factory, user_factory, add_member
):
    from practica.discussions import services as discussions

    cast = cast_factory("private", "request")
    thread = discussions.thread_create(
        author=cast.owner, community=cast.community, title="Our incident checklist", body="Step 1."
    )
    card = services.card_create(
        owner=cast.member,
        prompt="The checklist?",
        point="Start with step one.",
        source_kind="thread",
        source_id=thread.pk,
    )
    assert selectors.card_get(user=cast.member, pk=card.pk).source is not None

    community_leave(user=cast.member, community=cast.community)
    cast.member.refresh_from_db()

    kept = selectors.card_get(user=cast.member, pk=card.pk)
    assert kept.prompt == "The checklist?" and kept.point == "Start with step one."
    assert kept.source is None
    listed = selectors.card_list(user=cast.member)
    assert [c.source for c in listed] == [None]


def test_card_update_and_delete_are_the_owners_only(db, user_factory, card_factory):
    owner, other = user_factory(), user_factory()
    card = card_factory(owner)
    with pytest.raises(Http404):
        services.card_update(actor=other, card=card, prompt="Mine now")
    with pytest.raises(Http404):
        services.card_delete(actor=other, card=card)
    services.card_update(actor=owner, card=card, point="Look at the **system**.")
    card.refresh_from_db()
    assert "<strong>system</strong>" in card.point_html
    assert services.card_delete(actor=owner, card=card)
    assert not Card.objects.exists()


def test_card_suspend_takes_it_out_of_review(db, user_factory, card_factory):
    owner = user_factory()
    card = card_factory(owner)
    assert selectors.due_count(owner) == 1
    assert services.card_suspend(actor=owner, card=card, suspended=True)
    assert selectors.due_count(owner) == 0
    assert not services.card_suspend(actor=owner, card=card, suspended=True)
    with pytest.raises(ValidationError):
        services.card_review(actor=owner, card=card, rating=3)


def test_card_review_reschedules_and_logs(db, user_factory, card_factory):
    owner = user_factory()
    card = card_factory(owner)
    before = card.due
    reviewed = services.card_review(actor=owner, card=card, rating=3, number=0)
    assert reviewed.reps == 1 and reviewed.due > before
    log = ReviewLog.objects.get()
    assert (log.number, log.rating, log.user_id) == (0, 3, owner.pk)


@pytest.mark.parametrize("rating", [0, 5, -1, "3", True])
def test_card_review_refuses_ratings_outside_one_to_four(db, user_factory, card_factory, rating):
    owner = user_factory()
    card = card_factory(owner)
    with pytest.raises(ValidationError) as caught:
        services.card_review(actor=owner, card=card, rating=rating)
    assert "rating" in caught.value.message_dict
    card.refresh_from_db()
    assert card.reps == 0 and not ReviewLog.objects.exists()


def test_card_review_of_another_persons_card_is_refused(db, user_factory, card_factory):
    owner, other = user_factory(), user_factory()
    card = card_factory(owner)
    with pytest.raises(Http404):
        services.card_review(actor=other, card=card, rating=3)
    card.refresh_from_db()
    assert card.reps == 0 and not ReviewLog.objects.exists()


def test_a_retried_review_does_not_change_the_schedule_twice(db, user_factory, card_factory):
    owner = user_factory()
    card = card_factory(owner)
    first = services.card_review(actor=owner, card=card, rating=3, number=0)
    due, stability = first.due, first.stability
    with pytest.raises(services.AlreadyReviewed):
        services.card_review(actor=owner, card=card, rating=3, number=0)
    card.refresh_from_db()
    assert (card.reps, card.due, card.stability) == (1, due, stability)
    assert ReviewLog.objects.count() == 1


def test_review_publishes_review_done(
    db, user_factory, card_factory, django_capture_on_commit_callbacks
):
    owner = user_factory()
    card = card_factory(owner)
    seen = []
    events.subscribe("review.done", lambda name, payload: seen.append(payload))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.card_review(actor=owner, card=card, rating=4)
    finally:
        events._subscribers["review.done"].clear()
    assert seen == [{"card_id": card.pk, "user_id": owner.pk, "rating": 4}]


def test_daily_limit_of_new_cards(db, user_factory, card_factory):
    owner = user_factory()
    services.learner_settings_update(user=owner, daily_new_limit=2)
    cards = [card_factory(owner, prompt=f"Prompt {i}") for i in range(5)]
    assert selectors.due(user=owner).new == 2
    services.card_review(actor=owner, card=cards[0], rating=4)
    left = selectors.due(user=owner)
    assert left.new == 1 and left.new_waiting == 4


def test_learner_settings_refuse_bad_values_and_change_nothing(db, user_factory):
    owner = user_factory()
    with pytest.raises(ValidationError) as caught:
        services.learner_settings_update(
            user=owner, time_zone="Mars/Olympus", desired_retention=0.5, daily_new_limit=500
        )
    assert set(caught.value.message_dict) == {"time_zone", "desired_retention", "daily_new_limit"}
    assert selectors.learner_settings(user=owner).pk is None


# --- Card sets ------------------------------------------------------------------------------------


def _publish(cast, **kw):
    return services.card_set_create(
        author=cast.facilitator,
        community=cast.community,
        title="Last week's session",
        cards=[("Why drain nodes?", "To move pods safely."), ("What is a PDB?", "A budget.")],
        **kw,
    )


def test_card_set_create_is_for_facilitators(cast_factory):
    cast = cast_factory("public")
    with pytest.raises(PermissionDenied):
        services.card_set_create(
            author=cast.member, community=cast.community, title="Mine", cards=[("a", "b")]
        )
    card_set = _publish(cast)
    assert [i.prompt for i in card_set.items.all()] == ["Why drain nodes?", "What is a PDB?"]


def test_card_set_create_names_the_card_that_is_wrong(cast_factory):
    cast = cast_factory("public")
    with pytest.raises(ValidationError) as caught:
        services.card_set_create(
            author=cast.facilitator,
            community=cast.community,
            title="Set",
            cards=[("Fine", "Fine"), ("No point", "")],
        )
    assert caught.value.message_dict["cards"][0].startswith("Card 2:")
    assert not CardSet.objects.exists()


def test_card_set_adopt_is_idempotent(cast_factory):
    cast = cast_factory("public")
    card_set = _publish(cast)
    assert services.card_set_adopt(user=cast.member, card_set=card_set) == 2
    assert services.card_set_adopt(user=cast.member, card_set=card_set) == 0
    assert Card.objects.filter(owner=cast.member).count() == 2


def test_a_secret_communitys_set_is_invisible_to_outsiders(cast_factory):
    cast = cast_factory("secret")
    card_set = _publish(cast)
    with pytest.raises(Http404):
        services.card_set_adopt(user=cast.outsider, card_set=card_set)


# --- Practice log ---------------------------------------------------------------------------------


def test_practice_shared_with_the_community_becomes_a_tagged_discussion(qa):
    entry = services.practice_log(
        user=qa.member,
        tried="Ran our first blameless review",
        happened="People spoke up.",
        visibility="community",
        community=qa.community,
    )
    thread = Thread.objects.get(pk=entry.thread_id)
    assert thread.kind == "discussion" and thread.title.startswith("Practice change: Ran our")
    assert list(thread.tags.values_list("name", flat=True)) == ["practice-change"]


def test_practice_refuses_sharing_where_one_is_not_a_member(qa):
    with pytest.raises(ValidationError) as caught:
        services.practice_log(
            user=qa.outsider, tried="Something", visibility="community", community=qa.community
        )
    assert "community" in caught.value.message_dict
    assert not PracticeEntry.objects.exists() and Thread.objects.count() == 1


def test_practice_for_the_manager_needs_a_manager(db, user_factory):
    person = user_factory()
    with pytest.raises(ValidationError) as caught:
        services.practice_log(user=person, tried="Something", visibility="manager")
    assert "visibility" in caught.value.message_dict


def test_try_prompts_come_a_week_later_until_answered(db, user_factory, card_factory):
    person = user_factory()
    card = card_factory(person, to_try=True)
    assert selectors.try_prompts(user=person) == []
    later = datetime.now(UTC) + timedelta(days=8)
    assert selectors.try_prompts(user=person, now=later) == [card]
    services.practice_log(user=person, tried="Tried it", card=card)
    assert selectors.try_prompts(user=person, now=later) == []


def test_try_prompt_dismiss(db, user_factory, card_factory):
    person = user_factory()
    card = card_factory(person, to_try=True)
    assert services.try_prompt_dismiss(user=person, card=card)
    assert selectors.try_prompts(user=person, now=datetime.now(UTC) + timedelta(days=8)) == []


# --- Journal --------------------------------------------------------------------------------------


@pytest.fixture
def team(db, user_factory):
    manager = user_factory("Maya Manager")
    person = user_factory("Rene Report")
    user_profile_update(user=person, name=person.name, manager=manager)
    person.refresh_from_db()
    return person, manager


def test_journal_save_shares_nothing(team):
    person, manager = team
    services.journal_save(user=person, week="2026-48", body="I learned things.")
    assert selectors.reports_journal(manager=manager) == []


def test_journal_send_emails_the_manager_who_reads_and_replies(
    team, django_capture_on_commit_callbacks
):
    person, manager = team
    services.journal_save(user=person, week="2026-48", body="I learned **drains**.")
    with django_capture_on_commit_callbacks(execute=True):
        journal = services.journal_send(user=person, week="2026-48")
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "drains" in mail.outbox[0].body
    assert "<strong>drains</strong>" in mail.outbox[0].alternatives[0][0]
    assert selectors.reports_journal(manager=manager) == [journal]
    services.journal_reply(actor=manager, journal=journal, body="Well done.")
    assert journal.replies.get().author == manager


def test_only_the_manager_the_journal_was_sent_to_reads_it(team, user_factory):
    person, manager = team
    services.journal_save(user=person, week="2026-48", body="Mine.")
    journal = services.journal_send(user=person, week="2026-48")
    stranger = user_factory()
    with pytest.raises(Http404):
        selectors.report_get(manager=stranger, pk=journal.pk)
    with pytest.raises(Http404):
        services.journal_reply(actor=stranger, journal=journal, body="Hi")
    # A new manager does not inherit what was sent to the old one.
    user_profile_update(user=person, name=person.name, manager=stranger)
    with pytest.raises(Http404):
        selectors.report_get(manager=manager, pk=JournalWeek.objects.get().pk)


def test_journal_refuses_bad_weeks_and_sending_without_a_manager(db, user_factory):
    person = user_factory()
    with pytest.raises(ValidationError) as caught:
        services.journal_save(user=person, week="2026-54", body="x")
    assert "week" in caught.value.message_dict
    services.journal_save(user=person, week="2026-01", body="x")
    with pytest.raises(ValidationError) as caught:
        services.journal_send(user=person, week="2026-01")
    assert "manager" in caught.value.message_dict


def test_manager_sees_only_shared_practice(team):
    person, manager = team
    services.practice_log(user=person, tried="Private thing")
    services.practice_log(user=person, tried="Shared thing", visibility="manager")
    assert [e.tried for e in selectors.reports_practice(manager=manager)] == ["Shared thing"]


def test_journal_prefill_gathers_the_week(team, card_factory):
    person, _ = team
    card_factory(person, prompt="Drain one node at a time")
    services.practice_log(user=person, tried="Drained node 3", happened="No downtime")
    from practica.learning import weeks

    week = weeks.current(time_zone="UTC", now=datetime.now(UTC))
    draft = selectors.journal_week(user=person, week=week).prefill()
    assert "- Drain one node at a time" in draft
    assert "- Drained node 3: No downtime" in draft
