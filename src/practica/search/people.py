"""Who knows about this? Members ranked by evidence on a topic, with the reasons shown.

Evidence, on questions tagged with the topic, counted only in communities whose content the searcher
may read (`policy.readable_community_ids`), so a private community's evidence counts for its members
alone: accepted answers (3 points each), net upvotes on answers (1 point each, at most 10 per
answer), and the topic among the person's expertise tags (2 points). Four queries however many
people. discussions.selectors.experts_for (suggestions on a question) should move to this ranking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import Least

from practica.accounts.models import User
from practica.accounts.services import normalise_tag
from practica.communities import policy
from practica.communities.models import Community, MembershipState
from practica.discussions.models import Answer, Thread

POINTS = {"accepted": 3, "upvote": 1, "expertise": 2}
UPVOTES_PER_ANSWER = 10


@dataclass
class Expert:
    user: User
    score: int
    accepted: int = 0
    upvotes: int = 0
    claims: bool = False
    reasons: list[str] = field(default_factory=list)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def experts(
    *, user: Any, topic: str, community: Community | None = None, limit: int = 10
) -> list[Expert]:
    """People who know `topic` (a tag), best first; with `community`, its active members and
    evidence there only (the caller checks that `user` may read it). The searcher may be among
    them. Nothing for anonymous users or a topic that is not a tag name."""
    tag = normalise_tag(topic or "")
    if policy.is_anonymous(user) or not tag:
        return []
    readable = policy.readable_community_ids(user)
    threads = Thread.objects.filter(tags__name=tag, deleted_at__isnull=True)
    if community is not None:
        threads = threads.filter(community=community)
    if readable is not None:
        threads = threads.filter(community_id__in=readable)
    accepted = dict(
        threads.filter(accepted_answer__isnull=False, accepted_answer__deleted_at__isnull=True)
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
    people = User.objects.filter(is_active=True)
    if community is not None:
        people = people.filter(
            memberships__community=community, memberships__state=MembershipState.ACTIVE
        )
    claimed = set(people.filter(expertise__name=tag).values_list("pk", flat=True))
    ids = (set(accepted) | set(upvotes) | claimed) - {None}
    found = []
    for person in people.filter(pk__in=ids).distinct():
        a, up, c = accepted.get(person.pk, 0), upvotes.get(person.pk) or 0, person.pk in claimed
        expert = Expert(user=person, score=0, accepted=a, upvotes=up, claims=c)
        expert.score = a * POINTS["accepted"] + up * POINTS["upvote"] + c * POINTS["expertise"]
        if a:
            expert.reasons.append(f"{_plural(a, 'accepted answer')} on `{tag}`")
        if up:
            expert.reasons.append(f"{_plural(up, 'upvote')} on answers about `{tag}`")
        if c:
            expert.reasons.append(f"lists `{tag}` as expertise")
        found.append(expert)
    found.sort(key=lambda e: (-e.score, e.user.name.lower(), e.user.pk))
    return found[: max(1, min(limit, 50))]


def topic_of(text: str) -> str:
    return normalise_tag(text or "")
