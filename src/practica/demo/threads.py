"""Northwind's questions, answers and discussions, written as a member would."""

from __future__ import annotations

from dataclasses import dataclass, field

from practica.discussions.models import Kind

AnswerSpec = tuple[str, str, list[str], list[str]]  # author, body, upvoters, downvoters
CommentSpec = tuple[str, str, list[tuple[str, str]]]  # author, body, replies (author, body)


@dataclass
class DemoThread:
    community: str
    author: str
    title: str
    body: str
    tags: list[str]
    days_ago: float
    kind: str = Kind.QUESTION
    upvoters: list[str] = field(default_factory=list)
    answers: list[AnswerSpec] = field(default_factory=list)
    accepted: int | None = None
    comments: list[CommentSpec] = field(default_factory=list)
    reactions: list[tuple[str, str]] = field(default_factory=list)


THREADS = [
    DemoThread(
        "incident-response",
        "kofi",
        "How do I silence a flapping alert without hiding a real outage?",
        "First week on call. `PaymentsLatencyHigh` fired 14 times last night, each time for two "
        "or three minutes, then resolved by itself.\n\nI don't want to mute it completely in "
        "case it is real. What do you do with a flapping alert at 3am?",
        ["on-call", "alerting", "prometheus"],
        12,
        upvoters=["ben", "chloe", "dev"],
        answers=[
            (
                "ben",
                "At 3am: **silence it for a fixed window** (say 2h) in Alertmanager with a "
                "comment and your name, and post in #incidents that you did. Never an open-ended "
                "silence.\n\nIn daylight, fix the rule. Most flapping comes from a `for:` that is "
                "too short:\n\n```yaml\n- alert: PaymentsLatencyHigh\n  expr: histogram_quantile"
                '(0.99, sum(rate(http_request_duration_seconds_bucket{service="payments"}[5m]))'
                " by (le)) > 0.8\n  for: 10m\n  labels:\n    severity: page\n```\n\nA 5m rate "
                "window with `for: 10m` stops it paging on a single slow batch.",
                ["kofi", "chloe", "dev", "ivan"],
                [],
            ),
            (
                "chloe",
                "Also look at what the latency correlates with. Ours flapped every time the "
                "nightly `VACUUM ANALYZE` ran on the ledger database; moving it to 05:00 fixed "
                "the alert *and* the latency.",
                ["kofi", "ben"],
                [],
            ),
        ],
        accepted=0,
        comments=[
            (
                "dev",
                "Could we put the silence-with-a-window rule in the on-call handbook?",
                [("ben", "Yes, I'll add it to the handbook this week.")],
            )
        ],
    ),
    DemoThread(
        "incident-response",
        "chloe",
        "Zero-downtime Postgres migration: adding a NOT NULL column to a 200M-row table",
        "We need a `currency` column on `ledger_entries` (about 200M rows, Postgres 15). "
        "A plain `ALTER TABLE ... ADD COLUMN ... NOT NULL DEFAULT 'EUR'` is fine on 15, but we "
        "also want a foreign key and an index. What order avoids long locks?",
        ["postgresql", "migrations", "zero-downtime"],
        9,
        upvoters=["ben", "dev", "gus", "ada"],
        answers=[
            (
                "dev",
                "We did exactly this on payments last quarter. The order that kept every lock "
                "short:\n\n```sql\nSET lock_timeout = '3s';\nALTER TABLE ledger_entries\n  ADD "
                "COLUMN currency text NOT NULL DEFAULT 'EUR';  -- metadata only since PG 11\n\n"
                "CREATE INDEX CONCURRENTLY ledger_entries_currency_idx\n  ON ledger_entries "
                "(currency);\n\nALTER TABLE ledger_entries\n  ADD CONSTRAINT ledger_entries_"
                "currency_fk FOREIGN KEY (currency)\n  REFERENCES currencies (code) NOT VALID;\n"
                "ALTER TABLE ledger_entries VALIDATE CONSTRAINT ledger_entries_currency_fk;\n"
                "```\n\n`NOT VALID` then `VALIDATE` takes a `SHARE UPDATE EXCLUSIVE` lock, so "
                "writes keep going. Run the index outside a transaction (Django: "
                "`atomic = False` on the migration).",
                ["chloe", "ben", "gus", "kofi", "ada"],
                [],
            ),
            (
                "gus",
                "Check the replicas too: `CREATE INDEX CONCURRENTLY` on the primary still "
                "generates a lot of WAL, and our analytics replica fell 40 minutes behind.",
                ["chloe"],
                [],
            ),
        ],
        accepted=0,
        comments=[("ben", "Bookmarking this for the migrations runbook.", [])],
    ),
    DemoThread(
        "incident-response",
        "dev",
        "Pods stuck in CrashLoopBackOff after the node pool upgrade",
        "After upgrading the `payments` node pool to 1.29, half of the `ledger-worker` pods "
        "are in `CrashLoopBackOff`. Logs show:\n\n```text\nError: failed to create "
        "containerd task: OCI runtime create failed: cgroup v2 not supported\n```\n\nThe "
        "image hasn't changed. Where do I start?",
        ["kubernetes", "debugging"],
        6,
        upvoters=["kofi", "chloe"],
        answers=[
            (
                "ben",
                "The new node image switched to cgroup v2. Your worker's base image ships an old "
                "JVM (before 11.0.16) that can't read cgroup v2 limits. Two options:\n\n1. Bump "
                "the base image (the real fix).\n2. Pin the pool to the old node image while you "
                "do:\n\n```bash\nkubectl get nodes -L cloud.google.com/gke-nodepool \\\n  -o "
                "custom-columns=NAME:.metadata.name,OS:.status.nodeInfo.osImage\n```\n\nThen "
                "`kubectl cordon` the new nodes so the scheduler moves pods back.",
                ["dev", "kofi", "chloe"],
                [],
            ),
        ],
        accepted=0,
    ),
    DemoThread(
        "incident-response",
        "kofi",
        "What goes into a good incident timeline?",
        "I'm writing my first post-incident review. How detailed should the timeline be? "
        "Every Slack message, or only decisions?",
        ["incident-review", "postmortems"],
        4,
        upvoters=["ada"],
        answers=[
            (
                "ivan",
                "Decisions and observations, each with a UTC time and who:\n\n"
                "| Time (UTC) | Who | What |\n|---|---|---|\n| 02:14 | alert | "
                "`PaymentsLatencyHigh` pages Kofi |\n| 02:21 | Kofi | Sees p99 at 2.3s, "
                "opens #inc-412 |\n| 02:35 | Ben | Rolls back deploy 8812 |\n\nLeave out the "
                "chatter, keep the wrong turns: they're where the lessons are.",
                ["kofi", "ada", "ben"],
                [],
            ),
            (
                "ada",
                "Add when customers noticed, not only when we did. The gap between the two is "
                "often the most useful number in the review.",
                ["kofi", "ivan"],
                [],
            ),
        ],
    ),
    DemoThread(
        "incident-response",
        "gus",
        "Is anyone alerting on dbt job freshness?",
        "Our dbt jobs fail silently about once a month and the finance dashboard shows "
        "yesterday's numbers until someone complains. Do you page on data freshness, or is "
        "that overkill? cc @chloe, who set up the warehouse.",
        ["alerting", "dbt", "data-quality"],
        2,
        upvoters=["chloe"],
    ),
    DemoThread(
        "incident-response",
        "chloe",
        "Terraform plan wants to recreate the RDS instance after a provider upgrade",
        "After upgrading the AWS provider from 4.x to 5.x, `terraform plan` wants to destroy "
        "and recreate our main RDS instance because of `engine_version`.\n\n```hcl\nresource "
        '"aws_db_instance" "main" {\n  engine         = "postgres"\n  engine_version = '
        "\"15\"\n}\n```\n\nI obviously won't apply this. What's the safe fix?",
        ["terraform", "postgresql", "aws"],
        1.5,
        answers=[
            (
                "ben",
                "Set the full version the instance reports (`15.4`, say) and add "
                "`lifecycle { ignore_changes = [engine_version] }` until the plan is clean. And "
                "put `prevent_destroy = true` on that resource today.",
                ["chloe"],
                [],
            ),
        ],
    ),
    DemoThread(
        "incident-response",
        "ben",
        "On-call handover: what do you write down?",
        "I'd like us to agree on a handover note. Today some people write three paragraphs, "
        "others write nothing. What do you put in yours?\n\nMine:\n\n- [x] open incidents and "
        "their owners\n- [x] silences that are still active\n- [ ] anything deployed on Friday",
        ["on-call", "handbook"],
        8,
        kind=Kind.DISCUSSION,
        comments=[
            (
                "ivan",
                "Add 'things that woke me up but weren't incidents'. Those are next week's "
                "incidents.",
                [("kofi", "+1, that list would have saved me last Tuesday.")],
            ),
            ("chloe", "Could the template live in the repo so it gets reviewed?", []),
            ("ada", "Whatever we pick, keep it under ten lines or nobody will write it.", []),
        ],
        reactions=[("ivan", "thumbsup"), ("chloe", "thumbsup"), ("kofi", "bulb")],
    ),
    DemoThread(
        "incident-response",
        "ivan",
        "Review of reviews: what did we learn in October?",
        "Four incidents in October, three of them with a config change as the trigger. I'd "
        "like to talk about **config changes going through the same review as code**.\n\n"
        "Reviews: INC-398, INC-401, INC-405, INC-412.",
        ["incident-review", "config"],
        20,
        kind=Kind.DISCUSSION,
        comments=[
            (
                "ben",
                "Feature flags were two of the three. Should flags need a second pair of "
                "eyes in production?",
                [],
            ),
            ("dev", "Payments can trial that next sprint.", []),
        ],
        reactions=[("ben", "eyes"), ("ada", "tada"), ("dev", "thumbsup")],
    ),
    DemoThread(
        "incident-response",
        "kofi",
        "How do I read a flame graph from the profiler?",
        "The profiler on `ledger-worker` gives me a flame graph but I'm not sure what wide "
        "versus tall means. Is there a good introduction?",
        ["performance", "python"],
        0.5,
    ),
    DemoThread(
        "incident-response",
        "ben",
        "Should we page on error-budget burn rate instead of raw error rate?",
        "Our `5xx > 1%` alert pages for tiny blips at night and stays quiet during slow "
        "leaks. Has anyone moved to burn-rate alerts on an SLO? Was it worth it?",
        ["alerting", "slo", "on-call"],
        3,
        upvoters=["ivan", "chloe", "ada"],
        answers=[
            (
                "ivan",
                "Yes, the multi-window version from the SRE workbook. Page when both the 1h and "
                "the 5m windows burn 14.4 times faster than the budget allows:\n\n```promql\n"
                '(\n  sum(rate(http_requests_total{code=~"5.."}[1h]))\n  / sum(rate(http_'
                "requests_total[1h]))\n) > (14.4 * 0.001)\nand\n(\n  sum(rate(http_requests_"
                'total{code=~"5.."}[5m]))\n  / sum(rate(http_requests_total[5m]))\n) > '
                "(14.4 * 0.001)\n```\n\nThe short window makes it stop paging quickly once it "
                "recovers. We went from ~30 pages a month to 6, all real.",
                ["ben", "chloe", "ada", "kofi"],
                [],
            ),
            (
                "kofi",
                "Could we just raise the threshold to 5%?",
                [],
                ["chloe"],
            ),
        ],
        comments=[
            (
                "chloe",
                "@kofi a fixed 5% would have missed the ledger leak in INC-405 entirely: it "
                "never went above 2%, for nine hours.",
                [("kofi", "Fair point, thanks. Burn rate it is.")],
            )
        ],
    ),
    DemoThread(
        "incident-response",
        "ada",
        "Keeping reviews blameless when a customer is angry",
        "After INC-412 a large customer asked us who made the mistake. How do we stay honest "
        "with them while keeping our reviews blameless inside?",
        ["incident-review", "culture"],
        11,
        kind=Kind.DISCUSSION,
        comments=[
            (
                "ivan",
                "We tell customers *what* failed and *what we changed*, never *who*. In "
                "three years no customer has pushed back on that.",
                [],
            ),
            ("ben", "The review doc itself should never name a person as a cause.", []),
        ],
        reactions=[("ben", "heart"), ("ivan", "thumbsup"), ("gus", "thumbsup")],
    ),
    DemoThread(
        "customer-conversations",
        "dev",
        "What makes a bug report from support easy for engineering to act on?",
        "I'd like to write down what engineering needs from a support escalation, so that "
        "nobody has to ask for the same details three times. What's missing from this list?"
        "\n\n1. Account id\n2. Time of the problem (UTC)\n3. Steps to reproduce",
        ["escalations", "process"],
        6,
        upvoters=["elena", "farah"],
        answers=[
            (
                "farah",
                "Add *expected versus actual* and a screenshot or the exact error text. And the "
                'customer\'s plan: half our "bugs" turn out to be plan limits.',
                ["dev", "elena", "lena"],
                [],
            ),
            (
                "elena",
                "And how many customers are affected, even roughly: one, a few, or many. It "
                "decides how fast engineering picks it up.",
                ["dev", "farah"],
                [],
            ),
        ],
        accepted=0,
    ),
    DemoThread(
        "customer-conversations",
        "farah",
        "Customers ask for invoices in their own currency: what do we tell them?",
        "This week alone, 11 tickets asked for invoices in CHF or SEK instead of EUR. Our macro "
        'says "not possible", which feels wrong. Is this on a roadmap, and what should we '
        "say meanwhile?",
        ["invoices", "escalations", "roadmap"],
        10,
        upvoters=["elena", "lena", "dev"],
        answers=[
            (
                "jade",
                "It's in discovery for Q1. Meanwhile, please say: *\"Invoices are issued in EUR "
                "today. We're working on local currencies and I've added your request to it.\"* "
                "and tag the ticket `currency-request` so we can count them.",
                ["farah", "elena", "lena"],
                [],
            ),
            (
                "dev",
                "Technically the ledger already stores the currency per entry (see the "
                "migration thread in Incident Response); rendering is the missing part.",
                ["farah"],
                [],
            ),
        ],
        accepted=0,
        comments=[
            (
                "elena",
                "I've updated the macro with Jade's wording.",
                [
                    ("farah", "Thanks, using it already."),
                ],
            ),
        ],
    ),
    DemoThread(
        "customer-conversations",
        "elena",
        "When should Tier 2 escalate to engineering rather than wait?",
        "We lose time both ways: escalating things support could solve, and sitting on real "
        "bugs for a day. What rule of thumb do you use?",
        ["escalations", "process"],
        15,
        upvoters=["farah", "lena"],
        answers=[
            (
                "dev",
                "Escalate straight away if any one of these is true:\n\n1. Money moved wrongly "
                "(double charge, missing refund).\n2. More than three customers report the same "
                "thing in an hour.\n3. A customer is blocked from logging in or paying.\n\n"
                "Everything else: reproduce first, then escalate with the steps.",
                ["elena", "farah", "jade", "lena"],
                [],
            ),
            (
                "farah",
                "For us the useful part is the *reproduce first* rule, with a template: account "
                "id, time (UTC), what they did, what they expected, what happened.",
                ["elena", "lena"],
                [],
            ),
        ],
        accepted=0,
    ),
    DemoThread(
        "customer-conversations",
        "farah",
        "How do we handle a customer who reports the same bug every week?",
        "One account has opened 9 tickets about slow exports. Engineering says it's known. "
        "How do I keep the customer informed without copy-pasting the same reply?",
        ["escalations", "customer-experience"],
        3,
        answers=[
            (
                "lena",
                "Link their tickets to one problem ticket and *follow* it on their behalf: one "
                "update goes to everyone. And tell them the date of the next update, even if "
                "there's nothing new.",
                ["farah"],
                [],
            ),
        ],
    ),
    DemoThread(
        "customer-conversations",
        "jade",
        "What did customers tell you this month that surprised you?",
        "Monthly thread. One line each is enough; I read every reply before roadmap review.",
        ["voice-of-customer", "roadmap"],
        5,
        kind=Kind.DISCUSSION,
        comments=[
            (
                "farah",
                "Three accountants asked for a keyboard shortcut to approve invoices.",
                [
                    ("jade", "Noted. Was it the same firm or three different ones?"),
                ],
            ),
            ("elena", "People read our status page more than our release notes.", []),
            (
                "dev",
                "A customer built a spreadsheet on our CSV export; please don't rename columns.",
                [],
            ),
        ],
        reactions=[("elena", "bulb"), ("lena", "heart"), ("farah", "thumbsup")],
    ),
    DemoThread(
        "customer-conversations",
        "lena",
        "Should we publish our support response times?",
        "Some teams publish their first-response times; others fear it sets expectations they "
        "can't meet. Where do you stand?",
        ["customer-experience", "process"],
        0.3,
        kind=Kind.DISCUSSION,
        reactions=[("elena", "thinking")],
    ),
    DemoThread(
        "customer-conversations",
        "farah",
        "Is there a way to see which plan a customer is on from Zendesk?",
        "I keep switching to the admin panel to check whether an account is on Team or "
        "Business. Can the plan be shown in the Zendesk sidebar?",
        ["zendesk", "tooling"],
        1,
    ),
    DemoThread(
        "design-systems",
        "hana",
        "Naming design tokens: `color-blue-500` or `color-action-primary`?",
        "We're drafting the first token set. Do we name tokens after what they look like or "
        'what they\'re for?\n\n```json\n{\n  "color-blue-500": "#2563eb",\n  '
        '"color-action-primary": "{color-blue-500}"\n}\n```',
        ["design-tokens", "naming"],
        7,
        upvoters=["jade", "gus"],
        answers=[
            (
                "jade",
                "Both, in two layers: *core* tokens by appearance (`blue-500`), *semantic* "
                "tokens by purpose (`action-primary`) that point at core ones. Components only "
                "use semantic tokens, so a rebrand changes one layer.",
                ["hana", "gus"],
                [],
            ),
        ],
        accepted=0,
    ),
    DemoThread(
        "design-systems",
        "gus",
        "Which contrast ratio do our charts need?",
        "Charts in the finance dashboard use light grey gridlines and pastel series. Do "
        "WCAG contrast rules apply to chart lines, or only to text?",
        ["accessibility", "data-visualisation"],
        2,
        answers=[
            (
                "hana",
                "WCAG 1.4.11 asks for **3:1** for graphical objects needed to understand the "
                "content, so the series lines yes, decorative gridlines no. Text on the chart "
                "still needs 4.5:1.",
                ["gus", "jade"],
                [],
            ),
        ],
    ),
    DemoThread(
        "security-champions",
        "dev",
        "Rotating the payments API signing key without downtime",
        "Our webhook signing key is two years old. Customers verify signatures with it, so we "
        "can't just swap it. How have others rotated keys like this?",
        ["secrets", "key-rotation", "payments"],
        5,
        upvoters=["ben"],
        answers=[
            (
                "ivan",
                "Sign with both keys for a transition period and send both signatures:\n\n"
                "```http\nPractica-Signature: t=1700000000,v1=5257a8...,v1=9f1c2e...\n```\n\n"
                "Announce a date, watch which customers still verify with the old key (log "
                "which one matched on their test endpoint), then drop it.",
                ["dev", "ben"],
                [],
            ),
        ],
        accepted=0,
    ),
    DemoThread(
        "security-champions",
        "ben",
        "Threat model review for the new file upload service",
        "Draft threat model attached in the design doc. The parts I'm least sure about: "
        "image processing in the same pod as the API, and presigned URLs that live 24 hours.",
        ["threat-modelling", "uploads"],
        1,
        kind=Kind.DISCUSSION,
        comments=[
            (
                "ivan",
                "24 hours is long: 15 minutes is plenty for an upload. And move image "
                "processing to its own sandboxed worker.",
                [
                    ("ben", "Agreed on both, I'll update the doc."),
                ],
            ),
        ],
        reactions=[("dev", "eyes")],
    ),
]
