"""Notification benchmarks (`bench/run.py --notifications`): the fan-out of one new question to a
community of 5,000 watchers, and one daily digest run for 5,000 people.

People, memberships, levels and preferences are bulk-created (bench data, as in generate.py); the
question is asked through `discussions.services`, and what is timed is exactly what the worker runs:
`notifications.services.event_fan_out` for the `question.asked` event (every recipient loaded and
checked with `policy.can`, rows written in bulk) and `notifications.digests.digests_send`. Mail goes
to Django's in-memory backend (EMAIL_URL=locmem://), so the figures are Practica's work, not an
SMTP server's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class Figures:
    people: int
    fan_out_seconds: float
    fan_out_rows: int
    fan_out_queries: int
    grouped_seconds: float
    grouped_queries: int
    digest_seconds: float
    digests_sent: int
    digest_queries: int


def _make_people(n: int):
    from django.contrib.auth.hashers import make_password

    from practica.accounts.models import User
    from practica.communities.models import Community, Membership, MembershipState, Role
    from practica.communities.services import community_create
    from practica.notifications.models import CommunityLevel, Preference

    password = make_password(None)
    owner = User.objects.create(
        email="owner@bench.example", name="Bench Owner", handle="bench-owner", password=password
    )
    community = community_create(
        creator=owner, name="Bench Watchers", purpose="Everyone watches everything.",
        visibility="private", join_policy="request",
    )  # fmt: skip
    User.objects.bulk_create(
        [
            User(email=f"p{i}@bench.example", name=f"Person {i}", handle=f"p{i}", password=password)
            for i in range(n)
        ],
        batch_size=1000,
    )
    people = list(User.objects.filter(email__endswith="@bench.example").exclude(pk=owner.pk))
    Membership.objects.bulk_create(
        [Membership(community=community, user=p, role=Role.MEMBER,
                    state=MembershipState.ACTIVE) for p in people],
        batch_size=1000,
    )  # fmt: skip
    CommunityLevel.objects.bulk_create(
        [CommunityLevel(user=p, community=community, level="watch") for p in people],
        batch_size=1000,
    )
    Preference.objects.bulk_create(
        [Preference(user=p, digest="daily") for p in people], batch_size=1000
    )
    Community.objects.filter(pk=community.pk).update()
    return owner, community, people


def run(people: int = 5000) -> Figures:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from practica.core import ratelimit
    from practica.discussions import services as discussions
    from practica.notifications.digests import digests_send
    from practica.notifications.models import Notification
    from practica.notifications.services import event_fan_out

    owner, community, members = _make_people(people)
    asker = members[0]
    with ratelimit.suspended():
        questions = [
            discussions.thread_create(
                author=asker if i % 2 else owner,
                community=community,
                title=f"Bench question number {i}: how do we do it?",
                body="Tell us.",
            )
            for i in range(12)
        ]
        for i, q in enumerate(questions[:6]):
            discussions.answer_create(author=members[i + 1], thread=q, body="Like this.")
    Notification.objects.all().delete()  # the events above were not delivered; start clean
    payload = {"thread_id": questions[-1].pk, "community_id": community.pk, "user_id": owner.pk}

    with CaptureQueriesContext(connection) as q1:
        start = time.perf_counter()
        event_fan_out(event="question.asked", payload=payload)
        fan_out = time.perf_counter() - start
    rows = Notification.objects.count()

    payload["thread_id"] = questions[-2].pk  # a second question joins everyone's unread row
    with CaptureQueriesContext(connection) as q2:
        start = time.perf_counter()
        event_fan_out(event="question.asked", payload=payload)
        grouped = time.perf_counter() - start

    with CaptureQueriesContext(connection) as q3:
        start = time.perf_counter()
        sent = digests_send(frequency="daily", period_key="bench")
        digest = time.perf_counter() - start
    return Figures(
        people=people, fan_out_seconds=fan_out, fan_out_rows=rows, fan_out_queries=len(q1),
        grouped_seconds=grouped, grouped_queries=len(q2), digest_seconds=digest,
        digests_sent=sent, digest_queries=len(q3),
    )  # fmt: skip


def report(f: Figures) -> None:
    print(f"\nNotifications ({f.people:,} people watching one private community)")
    print(
        f"  fan-out of one new question: {f.fan_out_rows:,} notifications in "
        f"{f.fan_out_seconds:.2f} s = {f.fan_out_rows / f.fan_out_seconds:,.0f} rows/s "
        f"({f.fan_out_queries} queries)"
    )
    print(
        f"  a second question, grouped into the same {f.fan_out_rows:,} unread rows: "
        f"{f.grouped_seconds:.2f} s = {f.fan_out_rows / f.grouped_seconds:,.0f} rows/s "
        f"({f.grouped_queries} queries)"
    )
    print(
        f"  daily digest run: {f.digests_sent:,} digests for {f.people:,} people in "
        f"{f.digest_seconds:.2f} s = {f.digests_sent / max(f.digest_seconds, 1e-9):,.0f} "
        f"digests/s ({f.digest_queries:,} queries, {f.digest_queries / f.people:.1f} a person)"
    )
