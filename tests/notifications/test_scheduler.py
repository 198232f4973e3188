"""Scheduled jobs run once per period, whatever the number of workers; digests once per person."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.db import connection

from practica.core import scheduler
from practica.core.models import ScheduledRun
from practica.discussions import services as discussions
from practica.notifications import digests
from practica.notifications.models import Preference
from practica.notifications.tasks import send_daily_digests


def test_period_keys_start_at_the_jobs_time():
    daily = scheduler.Job("d", "day", task=None, at=(7, 0))
    weekly = scheduler.Job("w", "week", task=None, at=(7, 0))
    assert daily.period_key(datetime(2026, 11, 28, 6, 59, tzinfo=UTC)) is None
    assert daily.period_key(datetime(2026, 11, 28, 7, 0, tzinfo=UTC)) == "2026-11-28"
    assert weekly.period_key(datetime(2026, 11, 30, 6, 0, tzinfo=UTC)) is None  # a Monday
    assert weekly.period_key(datetime(2026, 12, 2, 9, 0, tzinfo=UTC)) == "2026-W49"
    quarter = scheduler.Job("q", "quarter-hour", task=None)
    assert quarter.period_key(datetime(2026, 11, 28, 7, 44, tzinfo=UTC)) == "2026-11-28T07:30"


def test_every_registered_job_is_claimed_once_per_period(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    at = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    first = scheduler.run_due(at, worker_id="a")
    assert "notifications.daily_digest@2026-11-28" in first
    assert scheduler.run_due(at, worker_id="b") == []  # the other worker, or a restart
    assert ScheduledRun.objects.filter(job="notifications.daily_digest").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_the_same_period_run_it_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    at = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    claimed: list[list[str]] = []
    barrier = threading.Barrier(2)

    def worker(name: str) -> None:
        barrier.wait()
        try:
            claimed.append(scheduler.run_due(at, worker_id=name))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("w1", "w2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = sorted(c for found in claimed for c in found)
    assert everything == sorted(set(everything))  # no job claimed twice
    assert ScheduledRun.objects.filter(period_key="2026-11-28").count() == 2  # daily + clean-up


@pytest.mark.django_db(transaction=True)
def test_a_daily_digest_with_two_workers_reaches_each_person_once(
    settings, user_factory, community_factory, add_member
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    owner = user_factory("Dee Digest")
    community = community_factory(owner=owner)
    readers = [user_factory(f"Reader {i}") for i in range(6)]
    for person in readers:
        add_member(community, person)
    Preference.objects.bulk_create([Preference(user=p, digest="daily") for p in readers])
    discussions.thread_create(
        author=owner, community=community, title="What should we automate next?", body="Ideas?"
    )
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        barrier.wait()
        try:
            digests.digests_send(frequency="daily", period_key="2026-11-28", batch=2)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(p.email for p in readers)  # each once; the owner is weekly
    message = mail.outbox[0]
    assert "What should we automate next?" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The same period again (a restart, a retry) sends nothing more.
    send_daily_digests.call(period_key="2026-11-28")
    assert len(mail.outbox) == len(readers)


def test_a_digest_leaves_out_communities_the_person_left(scene):
    from practica.communities import services as communities

    Preference.objects.create(user=scene.ben, digest="daily")
    discussions.thread_create(
        author=scene.fay, community=scene.community, title="A secret plan for the outage",
        body="Only for members.",
    )  # fmt: skip
    communities.community_leave(user=scene.ben, community=scene.community)
    assert digests.digests_send(frequency="daily", period_key="k") == 0
    assert all(scene.ben.email not in m.to for m in mail.outbox)


def test_the_digest_gathers_expertise_and_followed_answers(scene, user_factory):
    from practica.accounts.services import user_profile_update

    user_profile_update(user=scene.fay, name=scene.fay.name, expertise=["releases"])
    Preference.objects.create(user=scene.fay, digest="daily")
    discussions.thread_create(
        author=scene.asha, community=scene.community, title="How do we version releases?",
        body="Semver?", tags=["releases"],
    )  # fmt: skip
    discussions.follow_set(user=scene.fay, thread=scene.question, following=True)
    discussions.answer_create(author=scene.ben, thread=scene.question, body="Revert the tag.")
    assert digests.digests_send(frequency="daily", period_key="k") == 1
    body = mail.outbox[0].body
    assert "Unanswered questions in your expertise" in body
    assert "New answers to what you follow" in body
    assert "How do we version releases?" in body
