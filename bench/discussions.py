"""Bench data for discussions: 100,000 threads in one community, with answers, comments, votes and
tags, in seconds; a few threads in every other community.

Like generate.py, this bulk-creates rows on purpose, bypassing `discussions.services` (DESIGN.md
rule 1, "writes go through services", does not hold for bench data): the services render markdown,
take a transaction, write a revision and publish an event per row, which would turn seconds into
many minutes for 100,000 threads. To stay faithful to what the services would have stored, every
body_html is rendered once per template with `practica.core.markdown.render` and reused, and each
thread's score, answer_count and comment_count are computed from the rows created here (a score is
the sum of its votes, as services.vote_set keeps it). Revisions, follows and events are left out:
no benchmarked page reads them.

What `generate_discussions` makes, all in one community (the biggest, so there are enough members):
- `threads` threads (85% questions) over two years of activity, 1-3 of 30 tags each, some answers,
  comments and votes, 1 in 200 soft-deleted, about a third of the answered questions solved;
- a "showcase" question with 20 answers that have votes, comments and replies, for the thread page;
- a "vote target" question with two answers (by a member who does not vote) for the vote POSTs:
  one for the timed votes, one for the burst of concurrent voters.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.utils.text import slugify

THREAD_TITLES = (
    "How do you handle {t} in a team of {n}?",
    "What is your checklist before rolling out {t}?",
    "Lessons learnt from a year of {t}",
    "Is {t} worth it for a small team?",
    "Best resources to get started with {t}",
    "How do we measure success with {t}?",
    "{t}: build it ourselves or buy it?",
    "Our {t} setup keeps breaking after upgrades",
)
THREAD_BODIES = (
    "We are a team of {n} and started with {t} last quarter. What worked for you?\n\n"
    "- we tried a weekly review\n- we wrote a short guide\n- we paired on the hard parts\n\n"
    "Any **pitfalls** to avoid?",
    "Context: our service handles about {n}k requests a minute.\n\n```python\n"
    "def retry(call, attempts=3):\n    for i in range(attempts):\n        try:\n"
    "            return call()\n        except TimeoutError:\n            continue\n```\n\n"
    "Is this good enough, or should we use a library?",
    "I wrote up our notes from the last retro. The short version:\n\n1. Start small.\n"
    "2. Write it down.\n3. Ask for review early.\n\nSee [the guide](https://example.com/guide) "
    "for details. What would you add?",
    "| Option | Cost | Effort |\n|---|---|---|\n| Build | low | high |\n| Buy | high | low |\n\n"
    "Which way did you go, and would you do it again?",
    "We keep seeing the same failure after every upgrade: `connection reset by peer`.\n\n"
    "> It only happens under load.\n\nHas anyone seen this before?",
    "Short question: how long did it take your team to get comfortable? ~{n} weeks for us so "
    "far and it still feels slow.",
)
ANSWER_BODIES = (
    "We had the same problem. What fixed it for us was a **shared checklist** and a short "
    "weekly review. It took about a month to stick.",
    "Start with the smallest thing that could work:\n\n```bash\nmake check && make deploy\n```\n\n"
    "Then automate the parts that hurt.",
    "I would not build it yourselves unless it is your core business. Buying saved us months; "
    "see [our write-up](https://example.com/write-up).",
    "Two things helped:\n\n1. pairing on the first few changes;\n2. writing down every decision "
    "in one place.\n\nThe second mattered more than we expected.",
    "It depends on the team size. Below ten people, a spreadsheet and a habit go a long way.",
    "> Is this good enough?\n\nMostly, but add jitter to the retries, or every client retries at "
    "the same moment: `sleep(random.uniform(0, 2 ** i))`.",
)
COMMENT_BODIES = (
    "Thanks, this is really useful.",
    "Could you say more about how you measured it?",
    "+1, we do the same and it works well.",
    "Did you try this with more than one team?",
    "Good point about the *checklist*.",
)
REPLY_BODIES = (
    "Yes, across three teams so far.",
    "We measured lead time before and after.",
)
REACTIONS = ("thumbsup", "heart", "tada", "bulb", "eyes", "thinking")


@dataclass
class DiscussionSummary:
    slug: str
    threads: int  # visible threads (not deleted) in the community
    questions: int  # visible questions among them
    answers: int
    comments: int
    votes: int
    seconds: float
    showcase: int  # the thread with 20 answers
    small_thread: int  # a question with exactly one answer, for the query-count comparison
    vote_thread: int
    vote_answer: int  # for the timed vote POSTs
    burst_answer: int  # for the concurrent voters
    voters: list[int]  # members who may vote on the vote target's answers (not its author)


@contextmanager
def explicit_timestamps(*models) -> Iterator[None]:
    """Let bulk_create store the created_at/last_activity_at we planned: auto_now_add would set
    every row to now. Restored on the way out."""
    fields = [
        f for m in models for f in m._meta.concrete_fields if getattr(f, "auto_now_add", False)
    ]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def _rendered(templates: tuple[str, ...], **fmt) -> list[tuple[str, str]]:
    from practica.core.markdown import render

    out = []
    for template in templates:
        text = template.format(**fmt) if fmt else template
        out.append((text, str(render(text))))
    return out


def _insert(cursor, model, fields: list[str], rows: list[tuple]) -> None:
    """One executemany INSERT of `rows` (values in the order of `fields`) into `model`'s table.
    For the 100,000-thread bulk: bulk_create spends most of its time building model instances and
    compiling SQL per row, which took 35 s here instead of a few."""
    meta = model._meta
    columns = ", ".join(f'"{meta.get_field(f).column}"' for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f'INSERT INTO "{meta.db_table}" ({columns}) VALUES ({marks})'  # noqa: S608 (names from _meta)
    cursor.executemany(sql, rows)


def generate_discussions(
    *, slug: str, threads: int = 100_000, others: int = 5, voters: int = 330, seed: int = 1
) -> DiscussionSummary:
    """Fill community `slug` with `threads` threads plus the showcase and vote target questions,
    and every other community with `others` threads (so no community's pages are empty).
    `voters` members who take no part in the vote target are returned for signed-in vote POSTs."""
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from practica.communities.models import Community, Membership, MembershipState
    from practica.discussions.models import Answer, Comment, Kind, Tag, Thread, Vote

    started = time.perf_counter()
    rng = random.Random(seed)
    community = Community.objects.get(slug=slug)
    members = list(
        Membership.objects.filter(community=community, state=MembershipState.ACTIVE)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    elsewhere: dict[int, list[int]] = {}
    for cid, uid in (
        Membership.objects.filter(state=MembershipState.ACTIVE)
        .exclude(community=community)
        .order_by("community_id", "user_id")
        .values_list("community_id", "user_id")
    ):
        elsewhere.setdefault(cid, []).append(uid)
    if len(members) < 60:
        raise ValueError(f"/c/{slug}/ has {len(members)} members; the bench needs 60 or more")
    now = timezone.now()
    db_time = connection.ops.adapt_datetimefield_value
    topics = [
        "Kubernetes", "observability", "incident response", "accessibility", "design systems",
        "code review", "feature flags", "on-call", "mentoring", "technical writing",
    ]  # fmt: skip
    titles = [t.format(t=topic, n=n) for t in THREAD_TITLES for topic in topics for n in (5, 12)]
    thread_bodies = _rendered(THREAD_BODIES, t="the new process", n=8)
    answer_bodies = _rendered(ANSWER_BODIES)
    comment_bodies = _rendered(COMMENT_BODIES)
    tag_names = [slugify(t) for t in topics] + [f"topic-{i}" for i in range(20)]

    with transaction.atomic():
        Tag.objects.bulk_create(
            [Tag(community_id=community.pk, name=name) for name in tag_names],
            ignore_conflicts=True,
        )
        tag_ids = [
            dict(Tag.objects.filter(community=community).values_list("name", "pk"))[n]
            for n in tag_names
        ]
        next_thread = (Thread.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        next_answer = (Answer.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        next_comment = (Comment.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        thread_rows, tag_rows, answer_rows, comment_rows, vote_rows = [], [], [], [], []
        visible = questions = 0
        small_thread = 0  # a visible question with exactly one answer
        homes = [(community.pk, members)] * threads + [
            (cid, them) for cid, them in elsewhere.items() for _ in range(others)
        ]
        for pk, (where, people) in enumerate(homes, start=next_thread):
            author = rng.choice(people)
            created = now - timedelta(seconds=rng.uniform(3600, 730 * 86400))
            active = min(  # created is an hour ago or more, so active comes after it
                now - timedelta(seconds=rng.uniform(0, 3000)),
                created + timedelta(seconds=rng.expovariate(1 / (5 * 86400))),
            )
            span = (active - created).total_seconds()
            is_question = rng.random() < 0.85
            deleted = created + timedelta(days=1) if rng.random() < 0.005 else None
            answers = comments = score = 0
            if is_question:
                answers = rng.choices((0, 1, 2, 3), weights=(50, 30, 15, 5))[0]
                for _ in range(answers):
                    text, html = rng.choice(answer_bodies)
                    when = db_time(created + timedelta(seconds=rng.uniform(0, span)))
                    answer_rows.append(
                        (next_answer, pk, rng.choice(people), text, html, 0, when, None, None)
                    )
                    next_answer += 1
                if rng.random() < 0.25:
                    for u in rng.sample(people, min(len(people), rng.randint(1, 4))):
                        if u != author:
                            value = 1 if rng.random() < 0.8 else -1
                            vote_rows.append((u, pk, value, db_time(created)))
                            score += value
            if rng.random() < 0.3:
                comments = rng.randint(1, 2)
                for _ in range(comments):
                    text, html = rng.choice(comment_bodies)
                    when = db_time(created + timedelta(seconds=rng.uniform(0, span)))
                    comment_rows.append((next_comment, pk, rng.choice(people), text, html, when))
                    next_comment += 1
            text, html = rng.choice(thread_bodies)
            thread_rows.append(
                (
                    pk, where, author, Kind.QUESTION if is_question else Kind.DISCUSSION,
                    rng.choice(titles), text, html, False, score, answers, comments,
                    db_time(created), db_time(active), db_time(deleted) if deleted else None, 0,
                )
            )  # fmt: skip
            tag_rows += [
                (pk, tag_ids[t]) for t in rng.sample(range(len(tag_ids)), rng.randint(1, 3))
            ]
            if deleted is None and where == community.pk:
                visible += 1
                questions += is_question
                if is_question and answers == 1 and not small_thread:
                    small_thread = pk
        with connection.cursor() as cursor:
            thread_fields = [
                "id", "community", "author", "kind", "title", "body", "body_html", "is_wiki",
                "score", "answer_count", "comment_count", "created_at", "last_activity_at",
                "deleted_at", "version",
            ]  # fmt: skip
            _insert(cursor, Thread, thread_fields, thread_rows)
            _insert(cursor, Thread.tags.through, ["thread", "tag"], tag_rows)
            answer_fields = [
                "id", "thread", "author", "body", "body_html", "score", "created_at",
                "edited_at", "deleted_at",
            ]  # fmt: skip
            _insert(cursor, Answer, answer_fields, answer_rows)
            comment_fields = ["id", "thread", "author", "body", "body_html", "created_at"]
            _insert(cursor, Comment, comment_fields, comment_rows)
            _insert(cursor, Vote, ["user", "thread", "value", "created_at"], vote_rows)
            # About a third of the answered questions accept their first answer: one statement.
            cursor.execute(
                "UPDATE discussions_thread SET accepted_answer_id = (SELECT MIN(a.id) FROM "
                "discussions_answer a WHERE a.thread_id = discussions_thread.id) "
                "WHERE answer_count > 0 AND id %% %s = 0",
                [3],
            )
        special = _showcase_and_vote_target(
            rng, community, members, thread_bodies, answer_bodies, comment_bodies, tag_ids, now
        )
    return DiscussionSummary(
        slug=slug,
        threads=visible + 2,
        questions=questions + 2,
        answers=len(answer_rows) + special["answers"],
        comments=len(comment_rows) + special["comments"],
        votes=len(vote_rows) + special["votes"],
        seconds=time.perf_counter() - started,
        showcase=special["showcase"],
        small_thread=small_thread,
        vote_thread=special["vote_thread"],
        vote_answer=special["vote_answer"],
        burst_answer=special["burst_answer"],
        voters=special["voters"][:voters],
    )


def _showcase_and_vote_target(
    rng, community, members, thread_bodies, answer_bodies, comment_bodies, tag_ids, now
) -> dict:
    """The showcase question (20 answers with votes, comments and replies; votes, comments and
    reactions on the question; latest activity a minute ago) and the vote target question (two
    answers by a member who never votes in the bench). Few rows, so plain bulk_create."""
    from practica.discussions.models import Answer, Comment, Kind, Reaction, Thread, Vote

    reply_bodies = _rendered(REPLY_BODIES)
    pool = [u for u in members if u != members[0]]
    rng.shuffle(pool)
    asker, answerers, crowd = pool[0], pool[1:21], pool[21:]
    created = now - timedelta(days=3)
    with explicit_timestamps(Thread, Answer, Comment):
        show_votes = [(u, 1 if k % 5 else -1) for k, u in enumerate(crowd[:15])]
        show = Thread.objects.create(
            community_id=community.pk,
            author_id=asker,
            kind=Kind.QUESTION,
            title="What does a healthy code review culture look like in a team of 12?",
            body=thread_bodies[0][0],
            body_html=thread_bodies[0][1],
            created_at=created,
            last_activity_at=now - timedelta(minutes=1),
            score=sum(v for _, v in show_votes),
            answer_count=20,
        )
        show.tags.set([tag_ids[0], tag_ids[5], tag_ids[6]])
        answer_votes = []
        answers = []
        for k, author in enumerate(answerers):
            who = rng.sample(crowd, rng.randint(1, min(25, len(crowd))))
            answer_votes.append([(u, 1 if rng.random() < 0.85 else -1) for u in who])
            text, html = answer_bodies[k % len(answer_bodies)]
            answers.append(
                Answer(
                    thread=show,
                    author_id=author,
                    body=text,
                    body_html=html,
                    score=sum(v for _, v in answer_votes[-1]),
                    created_at=created + timedelta(hours=k + 1),
                )
            )
        Answer.objects.bulk_create(answers)
        votes = [Vote(user_id=u, thread=show, value=v) for u, v in show_votes]
        comments = []
        for k, (answer, who) in enumerate(zip(answers, answer_votes, strict=True)):
            votes += [Vote(user_id=u, answer=answer, value=v) for u, v in who]
            for j in range(rng.randint(2, 4)):
                text, html = comment_bodies[(k + j) % len(comment_bodies)]
                comments.append(
                    Comment(
                        thread=show,
                        answer=answer,
                        author_id=crowd[(k * 7 + j) % len(crowd)],
                        body=text,
                        body_html=html,
                        created_at=answer.created_at + timedelta(minutes=10 * (j + 1)),
                    )
                )
        for j in range(5):
            text, html = comment_bodies[j]
            comments.append(
                Comment(
                    thread=show,
                    author_id=crowd[-1 - j],
                    body=text,
                    body_html=html,
                    created_at=created + timedelta(minutes=5 * (j + 1)),
                )
            )
        Comment.objects.bulk_create(comments)
        firsts: dict[int | None, Comment] = {}
        for c in comments:
            firsts.setdefault(c.answer_id, c)
        replies = [
            Comment(
                thread=show,
                answer_id=parent.answer_id,
                parent=parent,
                author_id=answerers[k % len(answerers)],
                body=reply_bodies[k % len(reply_bodies)][0],
                body_html=reply_bodies[k % len(reply_bodies)][1],
                created_at=parent.created_at + timedelta(minutes=1),
            )
            for k, parent in enumerate(firsts.values())
        ]
        Comment.objects.bulk_create(replies)
        Thread.objects.filter(pk=show.pk).update(
            comment_count=len(comments) + len(replies), accepted_answer=answers[3]
        )
        Vote.objects.bulk_create(votes)
        Reaction.objects.bulk_create(
            [
                Reaction(user_id=u, thread=show, emoji=REACTIONS[k % 3])
                for k, u in enumerate(crowd[:9])
            ]
            + [
                Reaction(user_id=crowd[k % len(crowd)], comment=c, emoji=REACTIONS[k % 6])
                for k, c in enumerate(comments[::3])
            ]
        )

        old = now - timedelta(days=400)
        target = Thread.objects.create(
            community_id=community.pk,
            author_id=asker,
            kind=Kind.QUESTION,
            title="Bench: the question whose answers take the timed votes",
            body=thread_bodies[1][0],
            body_html=thread_bodies[1][1],
            created_at=old,
            last_activity_at=old,
            answer_count=2,
        )
        target.tags.set([tag_ids[1]])
        timed, burst = Answer.objects.bulk_create(
            Answer(thread=target, author_id=pool[1], body=t, body_html=h, created_at=old)
            for t, h in answer_bodies[:2]
        )
    return {
        "showcase": show.pk,
        "answers": len(answers) + 2,
        "comments": len(comments) + len(replies),
        "votes": len(votes),
        "vote_thread": target.pk,
        "vote_answer": timed.pk,
        "burst_answer": burst.pk,
        "voters": [u for u in members if u not in (asker, pool[1], members[0])],
    }
