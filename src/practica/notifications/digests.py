"""The daily or weekly digest: what happened in a person's communities since the last one.

Sections are registered (`@section(order, title)`), so a later source (upcoming live sessions)
adds its own without this module changing. Each section gets the person (memberships primed), the
start of the period and a per-run cache, and returns items the person may see now: every query is
narrowed to the communities where they are an active member and to posts that are not deleted.

`digests_send(frequency=..., period_key=...)` sends to everyone with that frequency; each person is
claimed with a conditional update of `Preference.last_digest_key`, so a retried or doubled run never
sends anyone the same digest twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from practica.accounts.models import User
from practica.communities import policy
from practica.discussions.models import Answer, Follow, Kind, Thread
from practica.notifications import emails
from practica.notifications.models import Digest, Preference

PER_SECTION = 5


@dataclass
class Item:
    title: str
    url: str
    meta: str = ""


@dataclass
class Section:
    title: str
    items: list[Item]


SectionFn = Callable[[User, datetime, dict[str, Any]], list[Item]]
_sections: list[tuple[int, str, SectionFn]] = []


def section(order: int, title: str) -> Callable[[SectionFn], SectionFn]:
    def decorator(fn: SectionFn) -> SectionFn:
        if all(existing is not fn for _, _, existing in _sections):
            _sections.append((order, title, fn))
            _sections.sort(key=lambda s: s[0])
        return fn

    return decorator


def _communities(user: User) -> list[int]:
    return sorted(cid for cid, m in policy.memberships_of(user).items() if m.is_active)


def _url(path: str) -> str:
    return settings.SITE_URL + path


@section(10, "Top new questions")
def top_new_questions(user: User, since: datetime, cache: dict[str, Any]) -> list[Item]:
    """The best-voted questions asked since the last digest in the person's communities (each
    community's list is worked out, and its links made, once per run)."""
    found: list[tuple[Thread, Item]] = []
    for cid in _communities(user):
        key = f"top:{cid}"
        if key not in cache:
            threads = (
                Thread.objects.select_related("community")
                .filter(community_id=cid, kind=Kind.QUESTION, deleted_at__isnull=True)
                .filter(created_at__gte=since)
                .order_by("-score", "-answer_count", "-id")[:PER_SECTION]
            )
            cache[key] = [
                (
                    t,
                    Item(
                        t.title, _url(t.get_absolute_url()), f"{t.community.name} · {t.score} votes"
                    ),
                )
                for t in threads
            ]
        found += cache[key]
    found.sort(key=lambda pair: (-pair[0].score, -pair[0].answer_count, -pair[0].pk))
    return [item for t, item in found if t.author_id != user.pk][:PER_SECTION]


@section(20, "Unanswered questions in your expertise")
def unanswered_in_expertise(user: User, since: datetime, cache: dict[str, Any]) -> list[Item]:
    tags = sorted(t.name for t in user.expertise.all())
    communities = _communities(user)
    if not tags or not communities:
        return []
    key = f"unanswered:{communities}:{tags}"
    if key not in cache:
        cache[key] = list(
            Thread.objects.select_related("community")
            .filter(
                community_id__in=communities,
                kind=Kind.QUESTION,
                deleted_at__isnull=True,
                answer_count=0,
                tags__name__in=tags,
                created_at__gte=since - timedelta(days=30),
            )
            .distinct()
            .order_by("-created_at", "-id")[:PER_SECTION]
        )
    return [
        Item(t.title, _url(t.get_absolute_url()), t.community.name)
        for t in cache[key]
        if t.author_id != user.pk
    ]


@section(30, "New answers to what you follow")
def answers_followed(user: User, since: datetime, cache: dict[str, Any]) -> list[Item]:
    """Answers since the last digest in threads the person follows, in their communities. The
    answers of the period are read once per run and the follows once per batch of people
    (`_prepare_batch`), so this costs no query of its own in a run."""
    if "answers" not in cache:
        _load_answers(cache, since)
    follows = cache.get("follows", {}).get(user.pk)
    if follows is None:  # called outside a run
        follows = set(
            Follow.objects.filter(user=user, thread_id__in=cache["answers"]).values_list(
                "thread_id", flat=True
            )
        )
    communities = set(_communities(user))
    found = [
        (answer, item)
        for thread_id in follows
        for answer, item in cache["answers"].get(thread_id, [])
        if answer.thread.community_id in communities and answer.author_id != user.pk
    ]
    found.sort(key=lambda pair: (pair[0].created_at, pair[0].pk), reverse=True)
    return [item for _, item in found[:PER_SECTION]]


def _load_answers(cache: dict[str, Any], since: datetime) -> None:
    by_thread: dict[int, list[tuple[Answer, Item]]] = {}
    answers = Answer.objects.select_related("thread", "author").filter(
        created_at__gte=since, deleted_at__isnull=True, thread__deleted_at__isnull=True
    )
    for a in answers.order_by("-created_at", "-id")[:5000]:
        meta = f"answered by {a.author.name}" if a.author else ""
        by_thread.setdefault(a.thread_id, []).append(
            (a, Item(a.thread.title, _url(a.get_absolute_url()), meta))
        )
    cache["answers"] = by_thread


def _prepare_batch(people: list[User], since: datetime, cache: dict[str, Any]) -> None:
    """One query for the follows of a batch of people, on threads answered in the period."""
    if "answers" not in cache:
        _load_answers(cache, since)
    follows: dict[int, set[int]] = {u.pk: set() for u in people}
    if cache["answers"]:
        rows = Follow.objects.filter(
            user_id__in=list(follows), thread_id__in=list(cache["answers"])
        ).values_list("user_id", "thread_id")
        for user_id, thread_id in rows:
            follows[user_id].add(thread_id)
    cache["follows"] = follows


def digest_for(user: User, since: datetime, cache: dict[str, Any]) -> list[Section]:
    found = []
    for _, title, fn in _sections:
        items = fn(user, since, cache)
        if items:
            found.append(Section(title, items))
    return found


def _recipients(frequency: str) -> Any:
    people = User.objects.filter(is_active=True)
    wanted = Q(notification_preference__digest=frequency)
    if frequency == Digest.WEEKLY:  # the default for people who never chose
        wanted |= Q(notification_preference__isnull=True)
    return people.filter(wanted).order_by("pk")


def digests_send(*, frequency: str, period_key: str, batch: int = 500) -> int:
    """Send the `frequency` digest for `period_key` to everyone who chose it. Returns how many
    were sent (people with nothing new get none)."""
    since = timezone.now() - (timedelta(days=1) if frequency == Digest.DAILY else timedelta(days=7))
    key = f"{frequency}:{period_key}"
    ids = list(_recipients(frequency).values_list("pk", flat=True))
    Preference.objects.bulk_create([Preference(user_id=pk) for pk in ids], ignore_conflicts=True)
    cache: dict[str, Any] = {}
    sent = 0
    for start in range(0, len(ids), batch):
        people = list(
            User.objects.filter(pk__in=ids[start : start + batch]).prefetch_related("expertise")
        )
        policy.prime_memberships(people)
        _prepare_batch(people, since, cache)
        for user in people:
            claimed = (
                Preference.objects.filter(user=user)
                .exclude(last_digest_key=key)
                .update(last_digest_key=key)
            )
            if not claimed:
                continue
            sections = digest_for(user, since, cache)
            if not sections:
                continue
            emails.build_message(
                to=user.email,
                user_id=user.pk,
                subject=f"Your {frequency} digest",
                template="notifications/email/digest",
                context={"sections": sections, "frequency": frequency, "user": user},
                list_name="digest",
            ).send()
            sent += 1
    return sent
