"""The live pages over HTTP, with and without htmx."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from practica.core import ratelimit
from practica.live import services
from practica.live.models import LiveNote, LiveQuestion, LiveSession, LiveVote, QState
from tests.conftest import client_for

HX = {"HX-Request": "true"}


def _url(name, session, **kw):
    return reverse(f"live:{name}", kwargs={"slug": session.community.slug, "pk": session.pk, **kw})


def test_scheduling_from_the_form_uses_the_chosen_time_zone(live_cast):
    cast = live_cast()
    client = client_for(cast.facilitator)
    day = (timezone.now() + timedelta(days=2)).date()
    r = client.post(
        reverse("live:schedule", args=[cast.community.slug]),
        {
            "title": "Ask Platform anything",
            "description": "Bring **questions**.",
            "starts_at": f"{day}T09:30",
            "ends_at": f"{day}T10:30",
            "time_zone": "America/New_York",
            "hosts": [cast.facilitator.pk],
            "moderators": [cast.member.pk],
            "questions_open": "scheduled",
            "allow_anonymous": "on",
        },
    )
    session = LiveSession.objects.get()
    assert r.status_code == 302 and r["Location"] == session.get_absolute_url()
    from zoneinfo import ZoneInfo

    assert session.starts_at.astimezone(ZoneInfo("America/New_York")).hour == 9
    assert session.roles_of(cast.member.pk) == {"moderator"}


def test_a_bad_schedule_form_shows_field_errors_and_saves_nothing(live_cast):
    cast = live_cast()
    client = client_for(cast.facilitator)
    day = (timezone.now() + timedelta(days=2)).date()
    r = client.post(
        reverse("live:schedule", args=[cast.community.slug]),
        {"title": "Ok title", "starts_at": f"{day}T10:00", "ends_at": f"{day}T09:00",
         "time_zone": "UTC", "questions_open": "scheduled"},
    )  # fmt: skip
    assert r.status_code == 400
    assert "The session must end after it starts." in r.content.decode()
    assert not LiveSession.objects.exists()


def test_asking_without_javascript_redirects_with_a_message(live):
    cast, session = live
    client = client_for(cast.participant)
    r = client.post(_url("ask", session), {"body": "What breaks first?"}, follow=True)
    assert "Your question is in the queue." in r.content.decode()
    assert "What breaks first?" in r.content.decode()


def test_asking_with_htmx_answers_the_questions_fragment(live):
    cast, session = live
    r = client_for(cast.participant).post(_url("ask", session), {"body": "Fragment?"}, headers=HX)
    html = r.content.decode()
    assert r.status_code == 200 and 'id="live-ask-box"' in html and "<html" not in html
    assert (
        'id="live-questions" class="live-questions" aria-labelledby="questions-h" hx-swap-oob="true"'
        in html
    )
    assert "Fragment?" in html


def test_an_empty_question_shows_its_error_and_changes_nothing(live):
    cast, session = live
    client = client_for(cast.participant)
    r = client.post(_url("ask", session), {"body": "  "}, headers=HX)
    assert r.status_code == 400 and "empty question" in r.content.decode()
    r = client.post(_url("ask", session), {"body": "  "})
    assert r.status_code == 400 and "empty question" in r.content.decode()
    assert not LiveQuestion.objects.exists()


def test_upvote_and_take_back_with_and_without_htmx(live):
    cast, session = live
    q = services.live_question_submit(author=cast.participant, session=session, body="Votes?")
    client = client_for(cast.member)
    url = reverse("live:vote", args=[session.community.slug, q.pk])
    r = client.post(url, {"value": "1"}, headers=HX)
    assert r.status_code == 200 and 'aria-pressed="true"' in r.content.decode()
    assert LiveVote.objects.filter(question=q, user=cast.member).exists()
    r = client.post(url, {"value": "0"})
    assert r.status_code == 302 and not LiveVote.objects.filter(question=q).exists()


def test_the_queue_sorts_by_votes_ties_older_first_or_by_recent(live):
    cast, session = live
    services.live_question_submit(author=cast.participant, session=session, body="First?")
    services.live_question_submit(author=cast.participant, session=session, body="Second?")
    third = services.live_question_submit(author=cast.participant, session=session, body="Third?")
    services.live_question_upvote(user=cast.member, question=third)
    html = client_for(cast.owner).get(session.get_absolute_url()).content.decode()
    assert html.index("Third?") < html.index("First?") < html.index("Second?")
    html = client_for(cast.owner).get(session.get_absolute_url() + "?sort=recent").content.decode()
    assert html.index("Third?") < html.index("Second?") < html.index("First?")


def test_moderator_actions_from_the_page(live):
    cast, session = live
    a = services.live_question_submit(author=cast.participant, session=session, body="Dupe one?")
    b = services.live_question_submit(author=cast.owner, session=session, body="Dupe two?")
    client = client_for(cast.member)  # the session's moderator
    r = client.post(_url("merge", session), {"ids": [a.pk, b.pk]}, headers=HX)
    assert r.status_code == 200
    assert LiveQuestion.objects.get(pk=b.pk).state == QState.MERGED
    mod = reverse("live:moderate", args=[session.community.slug, a.pk])
    client.post(mod, {"action": "pin"})
    assert LiveQuestion.objects.get(pk=a.pk).is_pinned
    r = client.post(mod, {"action": "answer", "answer": "Yes."}, follow=True)
    assert "Marked answered." in r.content.decode()
    assert LiveQuestion.objects.get(pk=a.pk).state == QState.ANSWERED
    r = client_for(cast.participant).post(mod, {"action": "hide"})
    assert r.status_code == 302  # refused, with a message
    assert LiveQuestion.objects.get(pk=a.pk).state == QState.ANSWERED


def test_notes_post_and_show_newest_first_or_oldest_first(live):
    cast, session = live
    client = client_for(cast.facilitator)
    client.post(_url("note_create", session), {"body": "Older note"})
    r = client.post(_url("note_create", session), {"body": "Newer note"}, headers=HX)
    html = r.content.decode()
    assert 'id="live-notes"' in html and html.index("Newer note") < html.index("Older note")
    r = client.get(session.get_absolute_url() + "?notes=oldest")
    html = r.content.decode()
    assert html.index("Older note") < html.index("Newer note")
    assert r.cookies["live_notes"].value == "oldest"
    assert LiveNote.objects.count() == 2


def test_end_publish_and_move_to_qa_from_the_pages(live):
    cast, session = live
    services.live_question_submit(author=cast.participant, session=session, body="Left open?")
    client = client_for(cast.facilitator)
    client.post(_url("end", session))
    r = client.post(_url("synthesis", session), {"body": "What we learnt.", "publish": "1"})
    session.refresh_from_db()
    assert r.status_code == 302 and r["Location"] == session.synthesis_thread.get_absolute_url()
    r = client.post(_url("move_to_qa", session), follow=True)
    assert "1 question moved to Q&amp;A" in r.content.decode()


def test_the_presenter_view_shows_the_pinned_question_and_a_qr_code(live):
    cast, session = live
    q = services.live_question_submit(author=cast.participant, session=session, body="Big screen?")
    services.live_question_moderate(actor=cast.member, question=q, action="pin")
    html = client_for(cast.participant).get(_url("present", session)).content.decode()
    assert "Big screen?" in html and 'src="data:image/svg+xml' in html
    assert reverse("live:join", args=[session.pk]) in html


def test_the_short_link_leads_to_the_session(live):
    cast, session = live
    r = client_for(cast.participant).get(reverse("live:join", args=[session.pk]))
    assert r.status_code == 302 and r["Location"] == session.get_absolute_url()


@pytest.mark.parametrize("n", [5, 50])
def test_the_session_page_costs_the_same_queries_however_long_the_queue(
    live, n, django_assert_max_num_queries, user_factory, add_member
):
    cast, session = live
    voters = [user_factory(f"V{i}") for i in range(3)]
    for v in voters:
        add_member(cast.community, v)
    with ratelimit.suspended():
        for i in range(n):
            q = services.live_question_submit(
                author=cast.participant, session=session, body=f"Q {i}?", anonymous=i % 2 == 0
            )
            LiveVote.objects.create(question=q, user=voters[i % 3])
            if i % 5 == 0:
                services.live_note_post(author=cast.facilitator, session=session, body=f"N {i}")
    for who in (cast.member, cast.participant):
        client = client_for(who)
        client.get(session.get_absolute_url())  # warm the session and caches
        with django_assert_max_num_queries(18):
            r = client.get(session.get_absolute_url())
        assert r.status_code == 200 and f"Q {n - 1}?" in r.content.decode()
