"""Northwind's people and communities: who they are, who reports to whom, who facilitates."""

from __future__ import annotations

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


# --- Questions, discussions, answers, comments and votes ------------------------------------
# Each thread: community, author, kind, title, body, tags, days ago, upvoters of the question,
# answers (author, body, upvoters, downvoters), the index of the accepted answer, comments
# (author, body, replies), reactions (discussions). Titles are the keys: a thread whose title
# exists in its community is left as it is.
