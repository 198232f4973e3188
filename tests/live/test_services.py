"""The live services: scheduling and status, the queue, votes, moderation, merging, notes,
the synthesis and moving questions to Q&A."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from practica.core import events
from practica.discussions.models import Follow, Kind, Thread
from practica.live import services
from practica.live.models import (
    LiveModeration,
    LiveQuestion,
    LiveSession,
    LiveVote,
    QState,
    Status,
)


def _ask(session, who, body="How do we upgrade without downtime?", **kw):
    return services.live_question_submit(author=who, session=session, body=body, **kw)


def _votes(q) -> int:
    return LiveQuestion.objects.get(pk=q.pk).votes


# --- Scheduling and status ----------------------------------------------------------------------


def test_schedule_reads_naive_times_in_the_session_time_zone(live_cast):
    cast = live_cast()
    from datetime import datetime

    start = (timezone.now() + timedelta(days=3)).replace(tzinfo=None, microsecond=0)
    start = datetime(start.year, start.month, start.day, 15, 0)
    session = services.live_session_schedule(
        actor=cast.facilitator,
        community=cast.community,
        title="Kubernetes upgrades",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        time_zone="Asia/Tokyo",
    )
    assert session.starts_at.astimezone(timezone.get_fixed_timezone(9 * 60)).hour == 15
    assert session.state == Status.SCHEDULED
    assert session.roles_of(cast.facilitator.pk) == {"host", "curator"}


def test_schedule_refuses_bad_input_on_its_fields_and_writes_nothing(live_cast):
    cast = live_cast()
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError) as err:
        services.live_session_schedule(
            actor=cast.facilitator,
            community=cast.community,
            title="x",
            starts_at=start,
            ends_at=start - timedelta(hours=1),
            time_zone="Mars/Olympus",
            meeting_url="javascript:alert(1)",
            moderators=[cast.outsider],
        )
    assert set(err.value.message_dict) == {"title", "time_zone", "meeting_url", "moderators"}
    assert not LiveSession.objects.exists()


def test_only_facilitators_schedule(live_cast):
    cast = live_cast()
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(PermissionDenied):
        services.live_session_schedule(
            actor=cast.member, community=cast.community, title="Mine",
            starts_at=start, ends_at=start + timedelta(hours=1),
        )  # fmt: skip


def test_status_follows_the_clock_even_if_nobody_presses_end(live, session_factory):
    cast, _ = live
    session = session_factory(cast.community, cast.facilitator, live=False)
    assert session.state == Status.SCHEDULED
    now = timezone.now()
    assert session.effective_status(now + timedelta(minutes=10)) == Status.LIVE
    assert session.effective_status(now + timedelta(hours=2)) == Status.ENDED
    LiveSession.objects.filter(pk=session.pk).update(
        starts_at=now - timedelta(hours=2), ends_at=now - timedelta(hours=1)
    )
    session.refresh_from_db()
    assert session.status == Status.SCHEDULED and session.state == Status.ENDED
    with pytest.raises(ValidationError, match="closed"):
        _ask(session, cast.participant)


def test_start_and_end_by_a_host(live):
    cast, session = live
    assert session.state == Status.LIVE
    with pytest.raises(PermissionDenied):
        services.live_session_end(actor=cast.participant, session=session)
    assert services.live_session_end(actor=cast.facilitator, session=session) is True
    assert services.live_session_end(actor=cast.facilitator, session=session) is False
    session.refresh_from_db()
    assert session.state == Status.ENDED and session.ended_at is not None
    with pytest.raises(ValidationError):
        services.live_session_start(actor=cast.facilitator, session=session)


def test_questions_open_only_while_live_when_so_set(live_cast, session_factory):
    cast = live_cast()
    session = session_factory(cast.community, cast.facilitator, live=False, questions_open="live")
    with pytest.raises(ValidationError, match="open when"):
        _ask(session, cast.participant)
    services.live_session_start(actor=cast.facilitator, session=session)
    assert _ask(session, cast.participant).state == QState.APPROVED


def test_update_changes_only_what_is_given(live):
    cast, session = live
    services.live_session_update(actor=cast.facilitator, session=session, title="Renamed session")
    session.refresh_from_db()
    assert session.title == "Renamed session" and session.allow_anonymous is True
    with pytest.raises(PermissionDenied):
        services.live_session_update(actor=cast.participant, session=session, title="Mine now")


# --- Questions and votes ------------------------------------------------------------------------


def test_submit_renders_sanitised_markdown_and_counts(live):
    cast, session = live
    q = _ask(session, cast.participant, body="Why **this**? <script>alert(1)</script>")
    assert "<strong>this</strong>" in q.body_html and "<script>" not in q.body_html
    assert LiveSession.objects.get(pk=session.pk).question_count == 1


def test_submit_refuses_empty_long_and_unwanted_anonymity(live_cast, session_factory):
    cast = live_cast()
    session = session_factory(cast.community, cast.facilitator)  # no anonymous questions
    with pytest.raises(ValidationError) as err:
        _ask(session, cast.participant, body="x" * 501, anonymous=True)
    assert set(err.value.message_dict) == {"body", "anonymous"}
    with pytest.raises(ValidationError):
        _ask(session, cast.participant, body="   ")
    assert not LiveQuestion.objects.exists()


def test_outsiders_cannot_ask_and_private_sessions_are_invisible(live_cast, session_factory):
    cast = live_cast("private")
    session = session_factory(cast.community, cast.facilitator)
    with pytest.raises(Http404):
        _ask(session, cast.outsider)
    public = live_cast()
    other = session_factory(public.community, public.facilitator)
    with pytest.raises(PermissionDenied):
        _ask(other, public.outsider)


def test_one_upvote_per_person_retractable_not_on_own(live):
    cast, session = live
    q = _ask(session, cast.participant)
    assert services.live_question_upvote(user=cast.member, question=q) == 1
    assert services.live_question_upvote(user=cast.member, question=q) == 1
    assert services.live_question_upvote(user=cast.facilitator, question=q) == 2
    with pytest.raises(ValidationError, match="own"):
        services.live_question_upvote(user=cast.participant, question=q)
    assert services.live_question_unvote(user=cast.member, question=q) == 1
    assert services.live_question_unvote(user=cast.member, question=q) == 1
    assert _votes(q) == LiveVote.objects.filter(question=q).count() == 1


def test_submitting_and_voting_are_rate_limited(live, settings):
    from practica.core.ratelimit import RateLimited

    cast, session = live
    settings.PRACTICA_RATE_LIMITS = {
        **settings.PRACTICA_RATE_LIMITS,
        "post": (2, 60),
        "vote": (1, 60),
    }
    a, b = _ask(session, cast.participant), _ask(session, cast.participant, body="Second one?")
    with pytest.raises(RateLimited):
        _ask(session, cast.participant, body="Third one?")
    services.live_question_upvote(user=cast.member, question=a)
    with pytest.raises(RateLimited):
        services.live_question_upvote(user=cast.member, question=b)
    assert LiveQuestion.objects.count() == 2 and _votes(b) == 0


def test_author_edits_and_withdraws_until_answered(live):
    cast, session = live
    q = _ask(session, cast.participant)
    services.live_question_edit(actor=cast.participant, question=q, body="Fixed my typo?")
    assert LiveQuestion.objects.get(pk=q.pk).edited_at is not None
    with pytest.raises(PermissionDenied):
        services.live_question_edit(actor=cast.outsider, question=q, body="Not yours")
    services.live_question_moderate(actor=cast.member, question=q, action="answer")
    with pytest.raises(PermissionDenied):
        services.live_question_withdraw(actor=cast.participant, question=q)
    other = _ask(session, cast.participant, body="Another question?")
    assert services.live_question_withdraw(actor=cast.participant, question=other)
    assert LiveQuestion.objects.get(pk=other.pk).state == QState.WITHDRAWN


# --- Moderation ---------------------------------------------------------------------------------


def test_pre_approval_holds_questions_until_a_moderator_approves(
    live_cast, session_factory, user_factory, add_member
):
    cast = live_cast()
    someone = user_factory("Sam Someone")
    add_member(cast.community, someone)
    session = session_factory(
        cast.community, cast.facilitator, moderators=[cast.member], premoderate=True
    )
    q = _ask(session, cast.participant)
    assert q.state == QState.PENDING
    with pytest.raises(Http404):  # others do not even see it
        services.live_question_upvote(user=someone, question=q)
    services.live_question_moderate(actor=cast.member, question=q, action="approve")
    assert LiveQuestion.objects.get(pk=q.pk).state == QState.APPROVED
    d = _ask(session, cast.participant, body="Spam spam spam?")
    services.live_question_moderate(actor=cast.member, question=d, action="dismiss")
    assert LiveQuestion.objects.get(pk=d.pk).state == QState.DISMISSED


def test_one_pinned_question_at_a_time_and_answering_unpins(live):
    cast, session = live
    a, b = _ask(session, cast.participant), _ask(session, cast.owner, body="Second question?")
    services.live_question_moderate(actor=cast.member, question=a, action="pin")
    services.live_question_moderate(actor=cast.member, question=b, action="pin")
    assert list(LiveQuestion.objects.filter(is_pinned=True)) == [b]
    services.live_question_moderate(
        actor=cast.member, question=b, action="answer", answer="Yes, **node by node**."
    )
    b.refresh_from_db()
    assert (b.state, b.is_pinned) == (QState.ANSWERED, False)
    assert "<strong>node by node</strong>" in b.answer_html


def test_every_moderation_action_is_logged_with_who_and_what(live):
    cast, session = live
    q = _ask(session, cast.participant)
    for action in ("pin", "unpin", "hide", "restore", "archive"):
        services.live_question_moderate(actor=cast.member, question=q, action=action)
    logged = list(LiveModeration.objects.order_by("id").values_list("action", "actor_id"))
    assert logged == [(a, cast.member.pk) for a in ("pin", "unpin", "hide", "restore", "archive")]


def test_participants_cannot_moderate(live):
    cast, session = live
    q = _ask(session, cast.owner)
    with pytest.raises(PermissionDenied):
        services.live_question_moderate(actor=cast.participant, question=q, action="hide")
    with pytest.raises(ValidationError):
        services.live_question_moderate(actor=cast.member, question=q, action="explode")


def test_moderators_lose_their_role_when_they_leave(live):
    from practica.communities.services import community_leave

    cast, session = live
    q = _ask(session, cast.participant)
    community_leave(user=cast.member, community=cast.community)
    fresh = type(cast.member).objects.get(pk=cast.member.pk)
    with pytest.raises(PermissionDenied):
        services.live_question_moderate(
            actor=fresh, question=LiveQuestion.objects.get(pk=q.pk), action="hide"
        )


# --- Merging ------------------------------------------------------------------------------------


def test_merge_combines_votes_counting_nobody_twice(live, user_factory, add_member):
    cast, session = live
    p = [user_factory(f"Voter {i}") for i in range(4)]
    for person in p:
        add_member(cast.community, person)
    target = _ask(session, cast.participant, body="How long did the failover take?")
    dupe = _ask(session, cast.owner, body="Why was the failover so slow?")
    dupe2 = _ask(session, p[3], body="Failover time?")
    for person in (p[0], p[1]):
        services.live_question_upvote(user=person, question=target)
    for person in (p[1], p[2], cast.participant):  # p[1] voted for both; the target's author too
        services.live_question_upvote(user=person, question=dupe)
    services.live_question_upvote(user=p[0], question=dupe2)
    merged = services.live_questions_merge(actor=cast.member, target=target, sources=[dupe, dupe2])
    # p0, p1 (already); p2 (from dupe); owner and p3 (their own duplicates); not the target's
    # author, and nobody twice.
    voters = set(LiveVote.objects.filter(question=target).values_list("user_id", flat=True))
    assert voters == {p[0].pk, p[1].pk, p[2].pk, cast.owner.pk, p[3].pk}
    assert merged.votes == _votes(target) == 5
    for d in (dupe, dupe2):
        d.refresh_from_db()
        assert (d.state, d.merged_into_id, d.votes) == (QState.MERGED, target.pk, 0)
    assert not LiveVote.objects.filter(question__in=[dupe, dupe2]).exists()


def test_merge_refuses_other_sessions_and_participants(live, session_factory):
    cast, session = live
    other = session_factory(cast.community, cast.facilitator)
    a, b = _ask(session, cast.participant), _ask(other, cast.participant)
    with pytest.raises(ValidationError):
        services.live_questions_merge(actor=cast.facilitator, target=a, sources=[b])
    with pytest.raises(PermissionDenied):
        services.live_questions_merge(actor=cast.participant, target=a, sources=[a])
    with pytest.raises(ValidationError):
        services.live_questions_merge(actor=cast.member, target=a, sources=[a])


# --- Notes, synthesis, Q&A ----------------------------------------------------------------------


def test_curators_post_and_edit_notes_and_can_quote_a_question(live):
    cast, session = live
    q = _ask(session, cast.participant, body="What breaks first?", anonymous=True)
    note = services.live_note_post(
        author=cast.facilitator, session=session, body="Ben: the CNI plugin.", quoted=q
    )
    assert "<blockquote>" in note.body_html and "Anonymous" in note.body
    assert cast.participant.name not in note.body
    services.live_note_edit(actor=cast.facilitator, note=note, body="Edited note.")
    assert "Edited note." in note.body_html
    with pytest.raises(PermissionDenied):
        services.live_note_post(author=cast.participant, session=session, body="Me too")


def test_publish_makes_a_discussion_linked_both_ways(live):
    cast, session = live
    q = _ask(session, cast.participant, body="How do we notice outages?")
    services.live_question_upvote(user=cast.member, question=q)
    services.live_question_moderate(
        actor=cast.member, question=q, action="answer", answer="Synthetic checks."
    )
    services.live_note_post(author=cast.facilitator, session=session, body="Timeline first.")
    with pytest.raises(ValidationError, match="ended"):
        services.live_session_publish(actor=cast.facilitator, session=session)
    services.live_session_synthesis_save(
        actor=cast.facilitator, session=session, draft="My **edited** draft."
    )
    services.live_session_end(actor=cast.facilitator, session=session)
    session.refresh_from_db()
    draft = services.synthesis_default(session)
    assert "Timeline first." in draft and "Synthetic checks." in draft and "2 people" in draft
    services.live_session_publish(actor=cast.facilitator, session=session)
    session.refresh_from_db()
    thread = session.synthesis_thread
    assert thread.kind == Kind.DISCUSSION and thread.body == "My **edited** draft."
    assert Thread.objects.get(pk=thread.pk).live_session == session
    with pytest.raises(ValidationError, match="already"):
        services.live_session_publish(actor=cast.facilitator, session=session)


def test_move_to_qa_keeps_asker_anonymity_and_upvoters_follow(live):
    cast, session = live
    named = _ask(session, cast.participant, body="Who owns the runbooks?")
    hidden = _ask(session, cast.owner, body="Is on-call fair?", anonymous=True)
    answered = _ask(session, cast.participant, body="Already answered?")
    services.live_question_moderate(actor=cast.member, question=answered, action="answer")
    services.live_question_upvote(user=cast.member, question=hidden)
    services.live_question_upvote(user=cast.facilitator, question=named)
    with pytest.raises(ValidationError):
        services.live_session_move_to_qa(actor=cast.member, session=session)
    services.live_session_end(actor=cast.facilitator, session=session)
    session.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.live_session_move_to_qa(actor=cast.participant, session=session)
    assert services.live_session_move_to_qa(actor=cast.member, session=session) == 2
    assert services.live_session_move_to_qa(actor=cast.member, session=session) == 0
    named.refresh_from_db()
    hidden.refresh_from_db()
    assert named.thread.author == cast.participant and named.thread.kind == Kind.QUESTION
    assert hidden.thread.author is None and "Is on-call fair?" in hidden.thread.body
    assert Follow.objects.filter(thread=hidden.thread, user=cast.member).exists()
    assert not Follow.objects.filter(thread=hidden.thread, user=cast.owner).exists()
    assert Follow.objects.filter(thread=named.thread, user=cast.facilitator).exists()
    assert LiveQuestion.objects.get(pk=answered.pk).thread is None


# --- Events -------------------------------------------------------------------------------------


def test_services_publish_domain_events_without_anonymous_authors(
    live, django_capture_on_commit_callbacks
):
    cast, session = live
    seen: list[tuple[str, dict]] = []

    def grab(name, payload):
        seen.append((name, payload))

    events.subscribe("*", grab)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            q = _ask(session, cast.participant, anonymous=True)
            services.live_question_upvote(user=cast.member, question=q)
    finally:
        events.unsubscribe("*", grab)
    names = [n for n, _ in seen]
    assert "live.question.submitted" in names and "live.question.upvoted" in names
    submitted = dict(seen)["live.question.submitted"]
    assert submitted["author_id"] is None and submitted["user_id"] is None
