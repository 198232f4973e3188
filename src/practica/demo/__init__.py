"""The demo organisation: Northwind, a dozen people, four communities of practice and their
questions, answers and discussions.

`load_demo()` is idempotent: people are found by email and communities by address, so running it
again adds only what is missing (threads are found by title). Every write goes through the services. Later features add their
own demo content here.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from practica.accounts.models import User
from practica.accounts.services import user_create, user_profile_update
from practica.communities.models import Community, Role
from practica.communities.services import community_create, membership_add
from practica.core import ratelimit
from practica.demo.learning import load_learning
from practica.demo.live import load_live
from practica.demo.notifications import load_notifications
from practica.demo.people import ADMIN_HANDLE, COMMUNITIES, DEMO_PASSWORD, DOMAIN, PEOPLE
from practica.demo.threads import THREADS, DemoThread
from practica.discussions import services as discussions
from practica.discussions.models import Answer, Comment, Thread

__all__ = ["DEMO_PASSWORD", "NOTHING_TO_ADD", "demo_logins", "load_demo"]
NOTHING_TO_ADD = "Demo already loaded: nothing to add."


def _load_threads(users: dict[str, User]) -> int:
    """Write THREADS that are missing (by title in their community). Returns how many."""
    created = 0
    with ratelimit.suspended():  # the demo writes far faster than people do
        for spec in THREADS:
            community = Community.objects.get(slug=spec.community)
            if Thread.objects.filter(community=community, title=spec.title).exists():
                continue
            _load_thread(spec, community, users)
            created += 1
    return created


def _load_thread(spec: DemoThread, community: Community, users: dict[str, User]) -> None:
    thread = discussions.thread_create(
        author=users[spec.author],
        community=community,
        title=spec.title,
        body=spec.body,
        kind=spec.kind,
        tags=spec.tags,
    )
    for handle in spec.upvoters:
        discussions.vote_set(user=users[handle], target=thread, value=1)
    answers = []
    for author, body, up, down in spec.answers:
        answer = discussions.answer_create(author=users[author], thread=thread, body=body)
        for handle in up:
            discussions.vote_set(user=users[handle], target=answer, value=1)
        for handle in down:
            discussions.vote_set(user=users[handle], target=answer, value=-1)
        answers.append(answer)
    if spec.accepted is not None:
        discussions.answer_accept(actor=users[spec.author], answer=answers[spec.accepted])
    for author, body, replies in spec.comments:
        comment = discussions.comment_create(author=users[author], thread=thread, body=body)
        for reply_author, reply in replies:
            discussions.comment_create(
                author=users[reply_author], thread=thread, body=reply, parent=comment
            )
    for handle, emoji in spec.reactions:
        discussions.reaction_toggle(user=users[handle], target=thread, emoji=emoji)
    # Spread the conversation over the past weeks, so lists, "unanswered" and "top this week"
    # look as they would in a living community.
    asked = timezone.now() - timedelta(days=spec.days_ago)
    step = timedelta(hours=min(6.0, spec.days_ago * 24 / (len(answers) + len(spec.comments) + 2)))
    latest = asked
    for i, answer in enumerate(answers, start=1):
        latest = asked + i * step
        Answer.objects.filter(pk=answer.pk).update(created_at=latest)
    for i, comment in enumerate(Comment.objects.filter(thread=thread), start=len(answers) + 1):
        latest = asked + i * step
        Comment.objects.filter(pk=comment.pk).update(created_at=latest)
    Thread.objects.filter(pk=thread.pk).update(created_at=asked, last_activity_at=latest)


def demo_logins() -> list[tuple[str, str]]:
    return [(f"{handle}@{DOMAIN}", name) for handle, name, *_ in PEOPLE]


@transaction.atomic
def load_demo() -> str:
    created_people, created_communities = 0, 0
    users: dict[str, User] = {}
    for handle, name, team, *_ in PEOPLE:
        email = f"{handle}@{DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(
                email=email,
                password=DEMO_PASSWORD,
                name=name,
                team=team,
                is_admin=handle == ADMIN_HANDLE,
            )
            created_people += 1
        users[handle] = user
    for handle, name, team, manager, location, expertise, bio in PEOPLE:
        user = users[handle]
        if not user.bio:  # set the profile once; later edits made by hand are kept
            user_profile_update(
                user=user,
                name=name,
                handle=handle,
                team=team,
                location=location,
                bio=bio,
                manager=users[manager] if manager else None,
                expertise=expertise,
            )
    for (
        slug,
        name,
        purpose,
        description,
        visibility,
        join,
        owner,
        facilitators,
        members,
    ) in COMMUNITIES:
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            community = community_create(
                creator=users[owner],
                name=name,
                slug=slug,
                purpose=purpose,
                description=description,
                visibility=visibility,
                join_policy=join,
            )
            created_communities += 1
            for handle in facilitators:
                membership_add(
                    actor=users[owner],
                    community=community,
                    user=users[handle],
                    role=Role.FACILITATOR,
                )
            for handle in members:
                membership_add(actor=users[owner], community=community, user=users[handle])
    created_threads = _load_threads(users)
    with ratelimit.suspended():  # the demo writes far faster than people do
        created_sessions = load_live(users)
        load_notifications(users)
    created_learning = load_learning(users)
    if created_people or created_communities or created_threads or created_sessions:
        return (
            f"Demo loaded: {created_people} people and {created_communities} communities added, "
            f"{created_threads} threads started, {created_sessions} live sessions added, "
            f"{created_learning} learning items."
        )
    if created_learning:
        return f"Demo loaded: {created_learning} learning items added."
    return NOTHING_TO_ADD
