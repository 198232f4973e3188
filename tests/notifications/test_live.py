"""Live sessions in notifications: who follows a session, "starting within 15 minutes" once per
session and start time (two runs, two workers), "live now", both webhook events, the digest
section, and the policy asked again at send time."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from practica.communities import services as communities
from practica.core import scheduler
from practica.core.models import ScheduledRun
from practica.live import services as live
from practica.live.models import LiveSession
from practica.notifications import digests, registry
from practica.notifications import services as notifications
from practica.notifications.models import Delivery, Level, Notification, Preference
from practica.notifications.sources.live import REMINDER_JOB, STARTING, reminders_send
from tests.notifications.test_webhooks import _url, receiver  # noqa: F401  (a fixture)


@pytest.fixture
def party(scene, user_factory, add_member, committed):
    """Fay hosts a session of the private community starting in 10 minutes, Ben moderates; Asha
    asks, Anna asks anonymously, Vic upvotes, Wendy watches the community, Mo voted but muted it,
    Nora is a member who did nothing."""
    s = scene
    for name, attr in [("Anna Nonymous", "anna"), ("Vic Voter", "vic"), ("Wendy Watcher", "wendy"),
                       ("Mo Muted", "mo"), ("Nora Nobody", "nora")]:  # fmt: skip
        setattr(s, attr, user_factory(name))
        add_member(s.community, getattr(s, attr))
    now = timezone.now()
    with committed():
        s.session = live.live_session_schedule(
            actor=s.fay, community=s.community, title="Release retro, live",
            starts_at=now + timedelta(minutes=10), ends_at=now + timedelta(minutes=70),
            hosts=[s.fay], moderators=[s.ben], allow_anonymous=True,
        )  # fmt: skip
        q = live.live_question_submit(author=s.asha, session=s.session, body="Why Fridays?")
        live.live_question_submit(
            author=s.anna, session=s.session, body="Who approved it?", anonymous=True
        )
        live.live_question_upvote(user=s.vic, question=q)
        live.live_question_upvote(user=s.mo, question=q)
        notifications.community_level_set(user=s.wendy, community=s.community, level=Level.WATCH)
        notifications.community_level_set(user=s.mo, community=s.community, level=Level.MUTE)
    return s


def _got(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def test_the_reminder_reaches_every_follower_once(party, committed):
    s = party
    with committed():
        assert reminders_send() == [s.session.pk]
    followers = {u.pk for u in (s.fay, s.ben, s.asha, s.anna, s.vic, s.wendy)}
    assert _got("live.starting") == followers  # not Olive, Nora (not following) nor Mo (muted)
    row = Notification.objects.get(kind="live.starting", recipient=s.anna)
    assert row.url == s.session.get_absolute_url() and row.actor_id is None
    assert row.target_type == "live_session" and row.community_id == s.community.pk
    # A second run (a retry, a restart) announces nothing more.
    with committed():
        assert reminders_send() == []
    assert Notification.objects.filter(kind="live.starting").count() == len(followers)
    assert ScheduledRun.objects.filter(job=REMINDER_JOB).count() == 1


def test_sessions_outside_the_window_or_already_live_are_not_announced(party, committed):
    s = party
    later = timezone.now() + timedelta(minutes=40)
    live.live_session_update(
        actor=s.fay, session=s.session, starts_at=later, ends_at=later + timedelta(hours=1)
    )
    assert reminders_send() == []
    # Moved to start sooner: announced for its new start time, once.
    soon = timezone.now() + timedelta(minutes=14)
    session = LiveSession.objects.get(pk=s.session.pk)
    live.live_session_update(
        actor=s.fay, session=session, starts_at=soon, ends_at=soon + timedelta(hours=1)
    )
    with committed():
        assert reminders_send() == [s.session.pk]
        assert reminders_send() == []
    live.live_session_start(actor=s.fay, session=LiveSession.objects.get(pk=s.session.pk))
    assert reminders_send(timezone.now() - timedelta(minutes=1)) == []  # live: no reminder


@pytest.mark.django_db(transaction=True)
def test_two_workers_announce_a_session_once(party, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    announced: list[list[int]] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        barrier.wait()
        try:
            announced.append(reminders_send())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(pk for found in announced for pk in found) == [party.session.pk]


def test_the_reminder_job_is_registered_every_minute(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = scheduler.jobs()["live.reminders"]
    assert job.every == "minute"
    now = timezone.now()
    assert f"live.reminders@{job.period_key(now)}" in scheduler.run_due(now, worker_id="a")
    assert not any(c.startswith("live.reminders") for c in scheduler.run_due(now, worker_id="b"))


def test_live_now_reaches_the_followers_but_not_the_host_who_started(party, committed):
    s = party
    with committed():
        live.live_session_start(actor=s.fay, session=s.session)
    assert _got("live.now") == {u.pk for u in (s.ben, s.asha, s.anna, s.vic, s.wendy)}
    row = Notification.objects.get(kind="live.now", recipient=s.asha)
    assert row.actor_id == s.fay.pk
    words = registry.kinds[row.kind].text(
        count=row.count, actor=s.fay.name, title=row.title, community=s.community.name
    )
    assert words == f"“Release retro, live” is live now in {s.community.name}"


def test_who_may_no_longer_see_the_session_at_send_time_gets_nothing(party, committed):
    s = party
    Preference.objects.create(user=s.asha, channels={"live.starting": ["in_app", "email"]})
    for person in (s.wendy, s.vic):
        communities.community_leave(user=person, community=s.community)
    with committed():
        reminders_send()
    got = _got("live.starting")
    assert s.wendy.pk not in got and s.vic.pk not in got and s.asha.pk in got
    assert [m.to for m in mail.outbox] == [[s.asha.email]]  # emailed by her choice
    assert "Release retro, live" in mail.outbox[0].subject + mail.outbox[0].body


def test_webhooks_for_starting_and_synthesis_published(party, committed, receiver):  # noqa: F811
    s = party
    hook, _ = notifications.webhook_create(
        actor=s.fay, community=s.community, url=_url(receiver),
        events=[STARTING, "live.session.published"],
    )  # fmt: skip
    with committed():
        reminders_send()
    starting = Delivery.objects.get(webhook=hook, event=STARTING)
    assert starting.state == Delivery.State.SUCCEEDED
    data = starting.payload["data"]
    assert data["session"]["id"] == s.session.pk and data["session"]["hosts"] == [s.fay.name]
    assert 9 <= data["minutes"] <= 10
    assert "Live session starting in" in starting.payload["text"]
    with committed():
        live.live_session_start(actor=s.fay, session=s.session)
        live.live_session_end(actor=s.fay, session=LiveSession.objects.get(pk=s.session.pk))
    with committed():
        session = live.live_session_publish(
            actor=s.fay, session=LiveSession.objects.select_related("community").get(
                pk=s.session.pk)
        )  # fmt: skip
    published = Delivery.objects.get(webhook=hook, event="live.session.published")
    assert published.payload["data"]["thread"]["id"] == session.synthesis_thread_id
    assert published.payload["data"]["session"]["status"] == "ended"
    assert "Synthesis published" in published.payload["text"]
    events = [headers["X-Practica-Event"] for headers, _ in receiver.received]
    assert events == [STARTING, "live.session.published"]
    # Never who asked what: not the anonymous asker, not even the named one.
    everything = json.dumps([starting.payload, published.payload])
    assert s.anna.name not in everything and s.asha.name not in everything


def test_the_digest_lists_upcoming_sessions_of_the_persons_communities(party, user_factory):
    s = party
    since = timezone.now() - timedelta(days=1)
    sections = {sec.title: sec for sec in digests.digest_for(s.nora, since, {})}
    items = sections["Upcoming live sessions"].items
    assert [i.title for i in items] == ["Release retro, live"]
    outsider = user_factory("Otto Outsider")
    titles = [sec.title for sec in digests.digest_for(outsider, since, {})]
    assert "Upcoming live sessions" not in titles
