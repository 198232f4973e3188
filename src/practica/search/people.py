"""Who knows about this? Members ranked by evidence on a topic, with the reasons shown.

A topic is one tag or several (a question's tags). Evidence counts only in communities whose
content the searcher may read (`policy.readable_community_ids`), so a private community's evidence
counts for its members alone:

| evidence | points |
|---|---|
| an accepted answer on a question with the topic | 3 |
| a net upvote on an answer there (at most 10 per answer) | 1 |
| the topic among the person's expertise tags | 2 per tag |
| hosting a live session on the topic (its summary post has the tag, or its title names it) | 2 |

Five queries however many people. This is the one ranking: the people search, the API's
`/people/experts` and the suggestions on a question (discussions asks for it through
`core.providers` under "people.experts") all use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Least

from practica.accounts.models import User
from practica.accounts.services import normalise_tag
from practica.communities import policy
from practica.communities.models import Community, MembershipState
from practica.discussions.models import Answer, Thread
from practica.live.models import LiveRole, LiveSession, RoleKind

POINTS = {"accepted": 3, "upvote": 1, "expertise": 2, "hosted": 2}
UPVOTES_PER_ANSWER = 10


@dataclass
class Expert:
    user: User
    score: int
    accepted: int = 0
    upvotes: int = 0
    claims: int = 0
    hosted: int = 0
    reasons: list[str] = field(default_factory=list)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _tags(topic: str | Iterable[str]) -> list[str]:
    names = [topic] if isinstance(topic, str) else list(topic)
    return list(dict.fromkeys(t for t in (normalise_tag(n or "") for n in names) if t))


def experts(
    *,
    user: Any,
    topic: str | Iterable[str],
    community: Community | None = None,
    limit: int = 10,
    exclude: Iterable[int | None] = (),
    exclude_thread: int | None = None,
) -> list[Expert]:
    """People who know `topic` (a tag, or several), best first; with `community`, its active
    members and evidence there only (the caller checks that `user` may read it). The searcher may
    be among them; people in `exclude` are not, and `exclude_thread`'s own accepted answer is no
    evidence (it is the question being asked). Nothing for anonymous users or no tag name."""
    tags = _tags(topic)
    if policy.is_anonymous(user) or not tags:
        return []
    readable = policy.readable_community_ids(user)
    where = Q() if community is None else Q(community=community)
    if readable is not None:
        where &= Q(community_id__in=readable)
    threads = Thread.objects.filter(where, tags__name__in=tags, deleted_at__isnull=True)
    accepted = dict(
        threads.filter(accepted_answer__isnull=False, accepted_answer__deleted_at__isnull=True)
        .exclude(pk=exclude_thread or 0)
        .values("accepted_answer__author_id")
        .annotate(n=Count("id", distinct=True))
        .values_list("accepted_answer__author_id", "n")
    )
    upvotes = dict(
        Answer.objects.filter(thread__in=threads.values("pk"), deleted_at__isnull=True, score__gt=0)
        .values("author_id")
        .annotate(s=Sum(Least("score", UPVOTES_PER_ANSWER)))
        .values_list("author_id", "s")
    )
    on_topic = Q(synthesis_thread__tags__name__in=tags) | reduce(
        or_, (Q(title__icontains=t.replace("-", " ")) | Q(title__icontains=t) for t in tags)
    )
    sessions = LiveSession.objects.filter(where, on_topic).values("pk")
    hosted = dict(
        LiveRole.objects.filter(role=RoleKind.HOST, session__in=sessions)
        .values("user_id")
        .annotate(n=Count("session", distinct=True))
        .values_list("user_id", "n")
    )
    people = User.objects.filter(is_active=True)
    if community is not None:
        people = people.filter(
            memberships__community=community, memberships__state=MembershipState.ACTIVE
        )
    claimed: dict[int, set[str]] = {}
    for pk, name in people.filter(expertise__name__in=tags).values_list("pk", "expertise__name"):
        claimed.setdefault(pk, set()).add(name)
    ids = (set(accepted) | set(upvotes) | set(claimed) | set(hosted)) - {None, *exclude}
    label = ", ".join(f"`{t}`" for t in tags)
    found = []
    for person in people.filter(pk__in=ids).distinct():
        pk = person.pk
        a, up = accepted.get(pk, 0), upvotes.get(pk) or 0
        mine = [t for t in tags if t in claimed.get(pk, ())]
        c, h = len(mine), hosted.get(pk, 0)
        expert = Expert(user=person, score=0, accepted=a, upvotes=up, claims=c, hosted=h)
        expert.score = (
            a * POINTS["accepted"]
            + up * POINTS["upvote"]
            + c * POINTS["expertise"]
            + h * POINTS["hosted"]
        )
        if a:
            expert.reasons.append(f"{_plural(a, 'accepted answer')} on {label}")
        if up:
            expert.reasons.append(f"{_plural(up, 'upvote')} on answers about {label}")
        if h:
            expert.reasons.append(f"hosted {_plural(h, 'live session')} on {label}")
        if c:
            expert.reasons.append(f"lists {', '.join(f'`{t}`' for t in mine)} as expertise")
        found.append(expert)
    found.sort(key=lambda e: (-e.score, e.user.name.lower(), e.user.pk))
    return found[: max(1, min(limit, 50))]


def topic_of(text: str) -> str:
    return normalise_tag(text or "")
