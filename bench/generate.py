"""Bench data: people and communities of practice in bulk, the same for the same seed.

`generate(users=10_000, communities=500)` fills a freshly migrated database in seconds. Bulk creation
is a deliberate exception to DESIGN.md rule 1 ("writes go through services"), for bench data only:
the services hash a password per person and run a transaction per membership, which would turn
seconds into many minutes, and they publish events that nothing here wants. Every person shares one
password hash, so anyone can sign in with BENCH_PASSWORD; person 0 is BENCH_EMAIL, a plain member of
the biggest and the smallest community (and a few others) for signed-in requests.

As a script, against the configured database (run `practica migrate` first):
    .venv/bin/python bench/generate.py --users 10000 --communities 500
"""

from __future__ import annotations

import argparse
import os
import random
import time
from dataclasses import dataclass, field

from django.utils.text import slugify
from faker import Faker

BENCH_EMAIL = "bench@bench.example"
BENCH_PASSWORD = "bench-password"  # noqa: S105  (a published log-in to throwaway bench data)
NAME_LOCALES = ("en_GB", "en_US", "fr_FR", "de_DE", "es_ES", "it_IT", "nl_NL", "pl_PL", "sv_SE")
TEAMS = (
    "Platform", "Payments", "Data", "Design", "Security", "Customer Support", "Mobile", "Growth",
    "Infrastructure", "Finance", "Legal", "People & Learning", "Sales", "Marketing", "Product",
    "Research", "Quality", "Operations", "Developer Experience", "Search",
)  # fmt: skip
TOPICS = (
    "Kubernetes", "Observability", "Incident Response", "Accessibility", "Design Systems",
    "Data Engineering", "Machine Learning", "PostgreSQL", "Python", "TypeScript", "Rust", "Go",
    "API Design", "Application Security", "Threat Modelling", "Product Discovery", "User Research",
    "Technical Writing", "Agile Coaching", "Testing", "Site Reliability", "Cloud Costs", "Terraform",
    "Mobile Development", "Frontend Performance", "Customer Experience", "Data Visualisation",
    "Experimentation", "Analytics", "Privacy", "Architecture", "Code Review", "Mentoring",
    "Facilitation", "Onboarding", "Pricing", "Negotiation", "Leadership", "Remote Work",
    "Open Source", "Localisation", "Search Relevance", "Payments", "Compliance", "DevOps",
    "Event Sourcing", "Distributed Systems", "Caching", "Embedded Systems", "Game Development",
    "Service Design", "Content Strategy", "Sustainability", "Public Speaking", "Hiring",
    "Career Growth", "Statistics", "Prompt Engineering", "Chaos Engineering", "Release Engineering",
)  # fmt: skip
KINDS = (
    "Guild", "Circle", "Community of Practice", "Forum", "Network", "Club", "Lab", "Chapter",
    "Collective", "Working Group",
)  # fmt: skip


@dataclass
class Person:
    name: str
    handle: str
    team: str
    location: str
    bio: str
    expertise: list[str]


@dataclass
class Group:
    name: str
    slug: str
    purpose: str
    description: str
    visibility: str
    join_policy: str
    # (person index, role, state); the first is the owner
    members: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class Summary:
    users: int
    communities: int
    memberships: int
    seconds: float
    big: tuple[str, int]  # slug and active member count of the biggest community
    small: tuple[str, int]  # the same for the smallest


def plan_people(rng: random.Random, fake: Faker, n: int) -> list[Person]:
    """`n` people with names from several locales; person 0 is the bench log-in."""
    names = Faker(list(NAME_LOCALES))
    names.seed_instance(rng.random())
    tags = [slugify(t) for t in TOPICS]
    people = [Person("Bench Marker", "bench", "Quality", "Leeds", "I measure things.", [])]
    for i in range(1, n):
        name = names.name()
        people.append(
            Person(
                name=name,
                handle=f"{slugify(name)[:30].strip('-') or 'member'}-{i}",
                team=rng.choice(TEAMS),
                location=fake.city(),
                bio=fake.sentence(nb_words=rng.randint(6, 16)) if rng.random() < 0.6 else "",
                expertise=rng.sample(tags, rng.randint(0, 4)),
            )
        )
    return people


def plan_communities(rng: random.Random, fake: Faker, n: int) -> list[Group]:
    """`n` communities: a mix of visibilities and join policies (secret ones are invite only)."""
    pairs = [(topic, kind) for topic in TOPICS for kind in KINDS]
    rng.shuffle(pairs)
    groups = []
    for i in range(n):
        topic, kind = pairs[i % len(pairs)]
        name = f"{topic} {kind}" + (f" {i // len(pairs) + 1}" if i >= len(pairs) else "")
        visibility = rng.choices(["public", "private", "secret"], weights=[60, 25, 15])[0]
        join = rng.choices(["open", "request", "invite"], weights=[55, 35, 10])[0]
        bullets = "\n".join(f"- {fake.sentence(nb_words=8)}" for _ in range(3))
        groups.append(
            Group(
                name=name,
                slug=slugify(name)[:50].strip("-"),
                purpose=f"People who work on {topic.lower()} share what works. {fake.sentence()}",
                description=f"{fake.paragraph(nb_sentences=4)}\n\n{bullets}\n\n{fake.paragraph()}",
                visibility=visibility,
                join_policy="invite" if visibility == "secret" else join,
            )
        )
    return groups


def active_count(group: Group) -> int:
    return sum(1 for _, _, state in group.members if state == "active")


def plan_memberships(rng: random.Random, groups: list[Group], people: int) -> None:
    """Skewed sizes (rank r gets about people/2 / r^1.1: a few thousands, most a handful), an owner
    and 1-3 facilitators each, a few requests to join where joining is by request. Person 0 (bench)
    is drawn into none at random; `place_bench_person` decides where it belongs."""
    ranks = list(range(1, len(groups) + 1))
    rng.shuffle(ranks)
    for group, rank in zip(groups, ranks, strict=True):
        size = round(people / 2 / rank**1.1 * rng.uniform(0.8, 1.2))
        chosen = rng.sample(range(1, people), min(people - 1, max(4, size)))
        facilitators = rng.randint(1, 3)
        for pos, person in enumerate(chosen):
            role = "owner" if pos == 0 else "facilitator" if pos <= facilitators else "member"
            group.members.append((person, role, "active"))
        if group.join_policy == "request":
            taken = set(chosen)
            askers = [p for p in rng.sample(range(1, people), 8) if p not in taken]
            group.members += [(p, "member", "requested") for p in askers[: rng.randint(0, 4)]]


def place_bench_person(rng: random.Random, groups: list[Group]) -> tuple[Group, Group]:
    """Make person 0 a plain member of the biggest and the smallest community, and of a few others
    (one secret if there is one); returns (biggest, smallest). As a member, person 0 reads both
    the same way whatever their visibility, so their pages run the same code."""
    big, small = max(groups, key=active_count), min(groups, key=active_count)
    secret = [g for g in groups if g.visibility == "secret"][:1]
    others = rng.sample(groups, min(len(groups), 4))
    chosen: list[Group] = []
    for group in [big, small, *secret, *others]:
        if all(group is not c for c in chosen):
            chosen.append(group)
            group.members.append((0, "member", "active"))
    return big, small


def write(people: list[Person], groups: list[Group]) -> int:
    """Bulk-insert the plan in one transaction; returns the number of memberships."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from practica.accounts.models import ExpertiseTag, User
    from practica.communities.models import Community, Membership

    password = make_password(BENCH_PASSWORD)  # hashed once: argon2 per person would take minutes
    now = timezone.now()
    with transaction.atomic():
        names = [slugify(t) for t in TOPICS]
        ExpertiseTag.objects.bulk_create(
            [ExpertiseTag(name=n) for n in names], ignore_conflicts=True
        )
        tags = dict(ExpertiseTag.objects.filter(name__in=names).values_list("name", "pk"))
        users = User.objects.bulk_create(
            User(
                email=BENCH_EMAIL if i == 0 else f"{p.handle}@bench.example",
                name=p.name,
                handle=p.handle,
                team=p.team,
                location=p.location,
                bio=p.bio,
                password=password,
            )
            for i, p in enumerate(people)
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user_id=u.pk, email=u.email, primary=True, verified=True) for u in users
        )
        Expertise = User.expertise.through
        Expertise.objects.bulk_create(
            Expertise(user_id=u.pk, expertisetag_id=tags[t])
            for u, p in zip(users, people, strict=True)
            for t in p.expertise
        )
        communities = Community.objects.bulk_create(
            Community(
                name=g.name,
                slug=g.slug,
                purpose=g.purpose,
                description=g.description,
                visibility=g.visibility,
                join_policy=g.join_policy,
                created_by_id=users[g.members[0][0]].pk,
            )
            for g in groups
        )
        memberships = Membership.objects.bulk_create(
            Membership(
                community_id=c.pk,
                user_id=users[person].pk,
                role=role,
                state=state,
                joined_at=now if state == "active" else None,
                message="I would like to learn from you all." if state == "requested" else "",
            )
            for c, g in zip(communities, groups, strict=True)
            for person, role, state in g.members
        )
    return len(memberships)


def generate(*, users: int, communities: int, seed: int = 1) -> Summary:
    """Create `users` people and `communities` communities (see the module docstring)."""
    from practica.accounts.models import User

    if users < 10 or communities < 1:
        raise ValueError("ask for at least 10 users and 1 community")
    if User.objects.filter(email=BENCH_EMAIL).exists():
        raise ValueError("this database already holds bench data; start from a fresh one")
    started = time.perf_counter()
    rng = random.Random(seed)
    fake = Faker("en_US")  # en_US: its lorem words are English
    fake.seed_instance(seed)
    people = plan_people(rng, fake, users)
    groups = plan_communities(rng, fake, communities)
    plan_memberships(rng, groups, users)
    big, small = place_bench_person(rng, groups)
    count = write(people, groups)
    return Summary(
        users=users,
        communities=communities,
        memberships=count,
        seconds=time.perf_counter() - started,
        big=(big.slug, active_count(big)),
        small=(small.slug, active_count(small)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--communities", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practica.config.settings")
    import django

    django.setup()
    try:
        s = generate(users=args.users, communities=args.communities, seed=args.seed)
    except ValueError as exc:
        parser.exit(2, f"generate: {exc}\n")
    print(
        f"{s.users} people, {s.communities} communities, {s.memberships} memberships "
        f"in {s.seconds:.1f} s. Biggest community: /c/{s.big[0]}/ ({s.big[1]} members); "
        f"smallest: /c/{s.small[0]}/ ({s.small[1]}). Sign in as {BENCH_EMAIL} / {BENCH_PASSWORD}."
    )


if __name__ == "__main__":
    main()
