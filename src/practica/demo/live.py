"""Northwind's live sessions: one past session with its queue, notes and published synthesis,
and one upcoming session already collecting questions. Loaded through the live services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from practica.accounts.models import User
from practica.communities.models import Community
from practica.discussions.models import Thread
from practica.live import services as live
from practica.live.models import LiveNote, LiveQuestion, LiveSession

PAST_TITLE = "Ask the on-call team anything: the payments outage"
UPCOMING_TITLE = "Kubernetes upgrades without downtime: live Q&A with Platform"

# author, body, anonymous, upvoters
PAST_QUESTIONS = [
    (
        "dev",
        "How did we notice the outage before customers did, and how long did that take?",
        False,
        ["ada", "kofi", "gus", "chloe"],
    ),
    (
        "kofi",
        "Why did the failover to the replica take **eleven minutes**?",
        False,
        ["dev", "ada", "gus"],
    ),
    ("gus", "How long did the failover take, and why?", False, ["chloe"]),
    (
        "ada",
        "Is on-call load spread fairly between teams? It does not feel like it.",
        True,
        ["dev", "kofi", "gus", "chloe"],
    ),
    ("chloe", "Which runbook steps were out of date?", False, ["ada"]),
    ("gus", "Could we rehearse a database failover every quarter?", False, ["dev", "kofi"]),
]
PAST_ANSWERS = {
    0: "Synthetic checks on the checkout flow paged us four minutes before the first ticket.",
    1: "The replica was healthy, but the connection pool kept old addresses until its 10-minute "
    "TTL expired. We now use a 30-second TTL and a health-checked endpoint.",
    3: "Not yet: Payments carried 60% of pages last quarter. Rotations are being rebalanced; "
    "numbers go to the community every month.",
}
PAST_NOTES = [
    (
        "chloe",
        "Ben opens with the timeline: **14:02** first alert, **14:13** failover done, "
        "**14:40** all clear.",
    ),
    ("chloe", "The four-minute detection came from synthetic checks, not from dashboards."),
    ("chloe", "Action: connection-pool TTL down from 10 minutes to 30 seconds (done)."),
    ("chloe", "Action: quarterly failover rehearsal, owned by Platform. First one in May."),
]
UPCOMING_QUESTIONS = [
    ("dev", "Do we drain nodes one at a time, or a whole availability zone at once?", False),
    ("gus", "What breaks first when the control plane is upgraded?", True),
]


def _users_in(users: dict[str, User], *handles: str) -> list[User]:
    return [users[h] for h in handles]


def _load_past(community: Community, users: dict[str, User]) -> None:
    now = timezone.now()
    session = live.live_session_schedule(
        actor=users["ben"],
        community=community,
        title=PAST_TITLE,
        description="Ben and Ivan walk through what happened on the day, what we changed, and "
        "take your questions. Send them ahead and upvote the ones you care about.",
        starts_at=now + timedelta(minutes=1),
        ends_at=now + timedelta(hours=1),
        time_zone="Europe/London",
        hosts=_users_in(users, "ben"),
        moderators=_users_in(users, "ivan"),
        curators=_users_in(users, "chloe"),
        allow_anonymous=True,
    )
    live.live_session_start(actor=users["ben"], session=session)
    questions = []
    for author, body, anonymous, upvoters in PAST_QUESTIONS:
        q = live.live_question_submit(
            author=users[author], session=session, body=body, anonymous=anonymous
        )
        for handle in upvoters:
            live.live_question_upvote(user=users[handle], question=q)
        questions.append(q)
    ivan = users["ivan"]
    live.live_questions_merge(actor=ivan, target=questions[1], sources=[questions[2]])
    for index, answer in PAST_ANSWERS.items():
        live.live_question_moderate(actor=ivan, question=questions[index], action="pin")
        live.live_question_moderate(
            actor=ivan, question=questions[index], action="answer", answer=answer
        )
    for author, body in PAST_NOTES:
        live.live_note_post(author=users[author], session=session, body=body)
    live.live_session_end(actor=users["ben"], session=session)
    session.refresh_from_db()
    live.live_session_publish(actor=users["chloe"], session=session)
    # Move the whole session nine days into the past, as if it happened then.
    started = (now - timedelta(days=9)).replace(hour=14, minute=0, second=0, microsecond=0)
    LiveSession.objects.filter(pk=session.pk).update(
        starts_at=started, ends_at=started + timedelta(hours=1),
        started_at=started, ended_at=started + timedelta(hours=1),
    )  # fmt: skip
    for i, q in enumerate(LiveQuestion.objects.filter(session=session).order_by("pk")):
        LiveQuestion.objects.filter(pk=q.pk).update(
            created_at=started - timedelta(days=2) + timedelta(hours=i),
            answered_at=started + timedelta(minutes=10 * (i + 1)) if q.answered_at else None,
        )
    for i, n in enumerate(LiveNote.objects.filter(session=session).order_by("pk")):
        LiveNote.objects.filter(pk=n.pk).update(created_at=started + timedelta(minutes=5 + 12 * i))
    session.refresh_from_db()
    if session.synthesis_thread_id:
        published = started + timedelta(hours=3)
        Thread.objects.filter(pk=session.synthesis_thread_id).update(
            created_at=published, last_activity_at=published
        )


def _load_upcoming(community: Community, users: dict[str, User]) -> None:
    starts = (timezone.now() + timedelta(days=5)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    session = live.live_session_schedule(
        actor=users["ben"],
        community=community,
        title=UPCOMING_TITLE,
        description="Chloé explains how Platform upgrades clusters node by node, and answers "
        "your questions. Questions are open now.",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        time_zone="Europe/Paris",
        meeting_url="https://meet.northwind.example/platform-live",
        hosts=_users_in(users, "chloe"),
        moderators=_users_in(users, "ivan"),
        curators=_users_in(users, "ben"),
        allow_anonymous=True,
    )
    for author, body, anonymous in UPCOMING_QUESTIONS:
        q = live.live_question_submit(
            author=users[author], session=session, body=body, anonymous=anonymous
        )
        live.live_question_upvote(user=users["kofi"], question=q)


def load_live(users: dict[str, User]) -> int:
    """Add the demo sessions that are missing (by title). Returns how many were added."""
    community = Community.objects.filter(slug="incident-response").first()
    if community is None:
        return 0
    added = 0
    for title, loader in ((PAST_TITLE, _load_past), (UPCOMING_TITLE, _load_upcoming)):
        if not LiveSession.objects.filter(community=community, title=title).exists():
            loader(community, users)
            added += 1
    return added
