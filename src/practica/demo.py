"""The demo organisation: Northwind, a dozen people and four communities of practice.

`load_demo()` is idempotent: people are found by email and communities by address, so running it
again adds only what is missing. Every write goes through the services. Later features add their
own demo content here.
"""

from __future__ import annotations

from django.db import transaction

from practica.accounts.models import User
from practica.accounts.services import user_create, user_profile_update
from practica.communities.models import Community, Role
from practica.communities.services import community_create, membership_add

DEMO_PASSWORD = "practica-demo"  # noqa: S105  (a published demo log-in, never a real account)
DOMAIN = "northwind.example"

# handle, name, team, manager handle, location, expertise, bio
PEOPLE = [
    (
        "ada",
        "Ada Okafor",
        "Engineering leadership",
        None,
        "London",
        ["engineering-management", "incident-review"],
        "VP Engineering. Ask me about growing teams.",
    ),
    (
        "ben",
        "Ben Carter",
        "Platform",
        "ada",
        "Manchester",
        ["kubernetes", "observability", "incident-response"],
        "SRE; I run the on-call rota.",
    ),
    (
        "chloe",
        "Chloé Dubois",
        "Platform",
        "ben",
        "Lyon",
        ["terraform", "postgresql"],
        "Infrastructure as code, databases, and the odd migration at 2am.",
    ),
    (
        "dev",
        "Dev Patel",
        "Payments",
        "ada",
        "London",
        ["payments", "python", "api-design"],
        "Payments tech lead.",
    ),
    (
        "elena",
        "Elena Rossi",
        "Customer Support",
        None,
        "Milan",
        ["customer-experience", "escalations"],
        "Leads support. Our customers' voice inside.",
    ),
    (
        "farah",
        "Farah Haddad",
        "Customer Support",
        "elena",
        "Amman",
        ["zendesk", "escalations"],
        "Tier 2 support; I collect the questions nobody has answered yet.",
    ),
    (
        "gus",
        "Gus Lindqvist",
        "Data",
        "ada",
        "Stockholm",
        ["sql", "dbt", "experimentation"],
        "Analytics engineer.",
    ),
    (
        "hana",
        "Hana Sato",
        "Design",
        "jade",
        "Tokyo",
        ["design-systems", "accessibility"],
        "Design systems lead.",
    ),
    (
        "ivan",
        "Ivan Petrov",
        "Security",
        "ada",
        "Sofia",
        ["threat-modelling", "incident-response"],
        "Security engineer; champions programme.",
    ),
    (
        "jade",
        "Jade Nguyen",
        "Product",
        None,
        "Paris",
        ["discovery", "roadmapping"],
        "Head of Product.",
    ),
    (
        "kofi",
        "Kofi Mensah",
        "Payments",
        "dev",
        "Accra",
        ["python"],
        "New on the payments team. Learning fast, asking a lot.",
    ),
    (
        "lena",
        "Lena Fischer",
        "People & Learning",
        None,
        "Berlin",
        ["communities-of-practice", "facilitation"],
        "I help communities of practice get started and stay healthy.",
    ),
]
ADMIN_HANDLE = "ada"

# slug, name, purpose, description, visibility, join policy, owner, facilitators, members
COMMUNITIES = [
    (
        "incident-response",
        "Incident Response Guild",
        "Get better at handling incidents, together: on-call, debugging under pressure, reviews.",
        "We share what went wrong and what we learned, without blame.\n\n"
        "- Post your **open questions** from on-call\n- Join the monthly *review of reviews*\n"
        "- Read the [runbook conventions](https://example.com/runbooks) first",
        "public",
        "open",
        "ben",
        ["ivan"],
        ["ada", "chloe", "dev", "kofi", "gus"],
    ),
    (
        "customer-conversations",
        "Customer Conversations",
        "Turn what customers tell support into better products and faster answers.",
        "Support, product and engineering, in one room. Facilitators approve new members so that "
        "the room stays small enough to be candid.",
        "public",
        "request",
        "elena",
        ["lena"],
        ["farah", "jade", "dev"],
    ),
    (
        "design-systems",
        "Design Systems",
        "One shared language for interfaces: components, tokens and accessibility.",
        "Private while we draft the first version of the system. Ask to join if you build UI.",
        "private",
        "request",
        "hana",
        [],
        ["jade", "gus"],
    ),
    (
        "security-champions",
        "Security Champions",
        "Champions from every team who make secure choices the easy ones.",
        "Invitation only: we discuss vulnerabilities before they are fixed.",
        "secret",
        "invite",
        "ivan",
        ["ben"],
        ["dev"],
    ),
]


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
    if created_people or created_communities:
        return f"Demo loaded: {created_people} people and {created_communities} communities added."
    return "Demo already loaded: nothing to add."
