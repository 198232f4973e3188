"""`make bench`: build a fresh SQLite database of bench data, serve it with `practica serve`, and
print for each page its latency, its ratio to a trivial Django view (/healthz) served by the same
server in the same run, and its query count; then the discussion targets, and a burst of concurrent
voters. See bench/README.md for what each figure means.

Exits 0 with the figures; 1 when something is broken (a page that does not answer 200, a server
that does not start, a query count that grows with the items on the page, a lost or failed vote).
No timing is judged: targets are reported as met or missed.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from server import BenchError, Burst, Probe, Timing, burst, practica_command, serving, time_requests

PAGE = 20  # items per list page
FAR_PAGE = 500  # the far page of the Latest lists
TARGETS = {  # page key: least share of the trivial view's throughput (req/s)
    "thread (20 answers)": 0.35,
    "vote POST": 0.40,
}
FAR_PAGE_LIMIT = 1.2  # page 500's median within this many times page 1's


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--communities", type=int, default=500)
    parser.add_argument(
        "--threads", type=int, default=100_000, help="threads in the biggest community"
    )
    parser.add_argument(
        "--no-discussions",
        action="store_true",
        help="skip the discussion data and pages (threads, lists, votes, burst)",
    )
    parser.add_argument("--burst", type=int, default=100, help="concurrent voters (0: no burst)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=30, help="untimed requests per page first")
    parser.add_argument(
        "--budget",
        type=float,
        default=20.0,
        help="seconds of timed requests per page at most (a slow page is timed fewer times, 20 "
        "at least); 0: no limit",
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="then the live-session bench (bench/live.py with its defaults: 5,000 WebSocket "
        "clients, upvotes, Redis if it answers); run bench/live.py itself to change them",
    )
    parser.add_argument(
        "--notifications",
        action="store_true",
        help="run the notifications benchmark only (fan-out to 5,000 watchers, a daily digest "
        "for 5,000 people) in its own fresh database",
    )
    parser.add_argument(
        "--watchers", type=int, default=5000, help="people in the notifications benchmark"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--search", action="store_true", help="run the search bench instead (bench/search.py)"
    )
    parser.add_argument("--posts", type=int, default=100_000, help="search bench: posts")
    parser.add_argument("--rounds", type=int, default=20, help="search bench: runs of each query")
    parser.add_argument(
        "--database-url", default="", help="search bench: a PostgreSQL server to run on instead"
    )
    parser.add_argument(
        "--semantic",
        action="store_true",
        help="search bench: with the semantic extra on (embeds every post; make install-semantic)",
    )
    parser.add_argument(
        "--no-reindex",
        action="store_true",
        help="search bench: skip timing a second full reindex (long at 1,000,000 on PostgreSQL)",
    )
    parser.add_argument(
        "--random-dates",
        action="store_true",
        help="search bench: date each thread at random, not in the order of its id",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database directory")
    args = parser.parse_args()
    least = PAGE * FAR_PAGE * 5 // 4  # 85% are questions; the Questions list needs 500 pages
    if not args.no_discussions and not args.search and args.threads < least:
        parser.error(f"--threads must be {least} or more (or use --no-discussions)")
    return args


def use_fresh_database(var_dir: Path) -> None:
    """Point this process and its children at an empty SQLite database (and a generated
    SECRET_KEY) under `var_dir`, whatever the caller's environment says."""
    os.environ["PRACTICA_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "practica.config.settings"
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG"):
        os.environ.pop(name, None)


@dataclass
class Counted:
    queries: int
    cards: int  # community cards on the page
    slowest_ms: float  # the slowest query's time
    slowest_sql: str


def count_queries(client, path: str, **extra) -> Counted:
    """Queries for one signed-in GET of `path`, after one untimed GET so that first-request work
    (caches filling) is not counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, **extra)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **extra)
    if response.status_code != 200:
        raise BenchError(f"GET {path} answered {response.status_code} in-process")
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
    return Counted(
        queries=len(captured),
        cards=response.content.count(b'class="card community-card"'),
        slowest_ms=float(slowest["time"]) * 1000 if slowest else 0.0,
        slowest_sql=slowest["sql"] if slowest else "",
    )


def shown(path: str) -> str:
    """`path` for the tables: a cursor is long and says nothing to the reader."""
    return re.sub(r"cursor=[A-Za-z0-9_-]+", f"cursor=<page {FAR_PAGE}>", path)


def routed(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


@dataclass
class Row:
    label: str
    path: str
    shows: str = ""
    same_as: str = ""  # rows with the same `same_as` must make the same number of queries


def query_report(client, rows: list[Row]) -> dict[str, Counted]:
    """Print each row's query count and slowest query; returns the counts by path. Raises
    BenchError when rows that must match (a page with many items and with few) do not."""
    found: dict[str, Counted] = {}
    width = max(len(shown(row.path)) for row in rows)
    print("\nQuery counts (in-process: Django test client, same database, same signed-in user)")
    print(f"  {'page':<22} {'path':<{width}} {'shows':>18} {'queries':>8} {'slowest ms':>10}")
    for row in rows:
        c = found[row.path] = count_queries(client, row.path)
        shows = row.shows
        if shows == "cards":
            shows = f"{c.cards} communit{'y' if c.cards == 1 else 'ies'}"
        print(
            f"  {row.label:<22} {shown(row.path):<{width}} {shows:>18} {c.queries:>8} "
            f"{c.slowest_ms:>10.1f}"
        )
    groups: dict[str, set[int]] = {}
    for row in rows:
        if row.same_as:
            groups.setdefault(row.same_as, set()).add(found[row.path].queries)
    for kind, seen in groups.items():
        if len(seen) > 1:
            raise BenchError(f"the {kind} page's query count grows with its items: {sorted(seen)}")
    print(f"  Query counts do not grow with the items shown ({', '.join(groups)} pages).")
    worst = max(found.values(), key=lambda c: c.slowest_ms)
    print(f"  Slowest query ({worst.slowest_ms:.1f} ms): {worst.slowest_sql[:300]}")
    return found


def timing_report(timings: dict[str, Timing], probes: dict[str, Probe], queries: dict) -> None:
    base = timings["trivial view"]
    width = max(len(shown(p.path)) for p in probes.values())
    print("\nOver HTTP: `practica serve` (uvicorn, 1 process) on 127.0.0.1, sequential requests")
    print(
        f"  {'page':<22} {'path':<{width}} {'queries':>7} {'median ms':>10} {'p95 ms':>8} "
        f"{'req/s':>7} {'ratio':>7} {'req/s %':>8} {'timed':>6}"
    )
    for key, probe in probes.items():
        t = timings[key]
        counted = queries.get(probe.path)
        q = str(counted.queries) if counted else "-"
        print(
            f"  {key:<22} {shown(probe.path):<{width}} {q:>7} {t.median_ms:>10.2f} "
            f"{t.p95_ms:>8.2f} {t.per_second:>7.0f} {t.median_ms / base.median_ms:>7.1f} "
            f"{t.per_second / base.per_second:>8.0%} {t.timed:>6}"
        )


def targets_report(timings: dict[str, Timing], skipped: list[str]) -> None:
    base = timings["trivial view"].per_second
    print("\nTargets (reported, not enforced)")
    for key, least in TARGETS.items():
        if key not in timings:
            print(f"  {key:<34} not run: {', '.join(skipped) or 'skipped'}")
            continue
        share = timings[key].per_second / base
        verdict = "meets" if share >= least else "MISSES"
        print(
            f"  {key:<34} {share:>6.0%} of the trivial view's req/s "
            f"(target >= {least:.0%}): {verdict}"
        )
    for prefix in ("questions", "API threads"):
        near, far = f"{prefix} p1", f"{prefix} p{FAR_PAGE}"
        if near not in timings or far not in timings:
            continue
        times = timings[far].median_ms / timings[near].median_ms
        verdict = "meets" if times <= FAR_PAGE_LIMIT else "MISSES"
        label = f"{prefix} page {FAR_PAGE} / page 1"
        print(f"  {label:<34} {times:>6.2f}x the median (target <= {FAR_PAGE_LIMIT}x): {verdict}")


def page_cursor(qs, order: tuple[str, ...], page: int) -> str:
    """The cursor that core.pagination puts in page `page - 1`'s "More" link: the ordering values
    of its last item, read straight from the database instead of following 499 links."""
    from practica.core.pagination import _encode

    fields = [o.lstrip("-") for o in order]
    rows = qs.order_by(*order).values_list(*fields)[(page - 1) * PAGE - 1 :][:1]
    if not rows:
        raise BenchError(f"too few threads for a page {page} (raise --threads)")
    values = rows[0]
    return _encode(list(values))


def latest_cursors(client, slug: str) -> dict[str, str]:
    """Page 500's cursor for the community's Questions list and for its API thread list, checked
    against the cursor each really gives for page 2. Raises BenchError if they differ (the list's
    order or filter is not the one assumed here)."""
    from practica.discussions.models import Kind, Thread
    from practica.discussions.selectors import SORTS

    order = SORTS["latest"]
    threads = Thread.objects.filter(community__slug=slug, deleted_at__isnull=True)
    lists = {
        "questions": (threads.filter(kind=Kind.QUESTION), f"/c/{slug}/questions/"),
        "API threads": (threads, f"/api/v1/communities/{slug}/threads"),
    }
    cursors = {}
    for name, (qs, path) in lists.items():
        if not routed(path):
            continue
        response = client.get(path)
        if response.status_code != 200:
            raise BenchError(f"GET {path} answered {response.status_code} in-process")
        if name == "API threads":
            given = response.json().get("next_cursor")
        else:
            links = re.findall(rb'href="[^"]*[?&;]cursor=([A-Za-z0-9_-]+)', response.content)
            given = links[0].decode() if links else None
        expected = page_cursor(qs, order, 2)
        if given != expected:
            raise BenchError(
                f"{path}: page 2's cursor is {given!r}, not the {expected!r} computed from the "
                f"database with the order {order}; the page-{FAR_PAGE} cursor would be wrong"
            )
        cursors[name] = page_cursor(qs, order, FAR_PAGE)
    return cursors


def voter_sessions(user_ids: list[int]) -> list[tuple[str, str]]:
    """(session key, CSRF secret) for each user: a signed-in database session made directly, as
    `login` would store it, without a request per person."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from practica.accounts.models import User

    backend = settings.AUTHENTICATION_BACKENDS[0]
    users = User.objects.in_bulk(user_ids)
    out = []
    for pk in user_ids:
        store = SessionStore()
        store[SESSION_KEY] = str(pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = users[pk].get_session_auth_hash()
        store.create()
        out.append((store.session_key, secrets.token_hex(16)))  # 32 characters, as Django's
    return out


def vote_request(session: tuple[str, str]) -> tuple[dict[str, str], bytes]:
    """An upvote as htmx sends it from the thread page: form body, CSRF header, HX-Request."""
    from django.conf import settings

    key, csrf = session
    return (
        {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={csrf}",
            "X-CSRFToken": csrf,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        urlencode({"value": 1}).encode(),
    )


def check_votes(answer_pk: int, expected: int, what: str) -> None:
    """The answer's stored score, its votes and `expected` (the upvotes that answered 200) agree."""
    from practica.discussions.models import Answer, Vote

    score = Answer.objects.values_list("score", flat=True).get(pk=answer_pk)
    votes = Vote.objects.filter(answer_id=answer_pk).count()
    ok = score == votes == expected
    print(
        f"  {what}: {expected} upvotes answered 200; in the database: {votes} votes, "
        f"score {score}: {'consistent' if ok else 'INCONSISTENT'}"
    )
    if not ok:
        raise BenchError(f"{what}: score {score}, {votes} votes, {expected} upvotes taken")


def burst_report(result: Burst, log: Path, voters: int) -> None:
    locked_in_log = log.read_text(errors="replace").count("database is locked")
    statuses = ", ".join(f"{n} x {s or 'no answer'}" for s, n in sorted(result.statuses.items()))
    print(
        f"\nBurst: {voters} signed-in members upvote one answer at once (a thread and a "
        f"connection each, 127.0.0.1)\n  answers: {statuses}; all answered in "
        f"{result.seconds:.2f} s, slowest {result.slowest_ms:.0f} ms\n"
        f'  "database is locked": {result.locked} in answers, {locked_in_log} in the server log'
    )
    for failure in result.failures[:5]:
        print(f"  failed: {failure}")


def bench(args: argparse.Namespace, var_dir: Path) -> None:
    started = time.perf_counter()
    use_fresh_database(var_dir)
    subprocess.run([*practica_command(), "migrate", "--quiet"], check=True)
    migrated = time.perf_counter()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from generate import BENCH_EMAIL, generate

    from practica.accounts.models import User

    data = generate(users=args.users, communities=args.communities, seed=args.seed)
    print(
        f"Data: {data.users:,} people, {data.communities:,} communities, {data.memberships:,} "
        f"memberships in {data.seconds:.1f} s (migrate {migrated - started:.1f} s), at {var_dir}"
    )
    big, small = data.big, data.small
    rows = [
        Row("trivial view", "/healthz"),
        Row("directory", "/communities/", "cards", "directory"),
        Row("directory, searched", f"/communities/?q={big[0]}", "cards", "directory"),
        Row("directory, searched", f"/communities/?q={small[0]}", "cards", "directory"),
        Row("community (big)", f"/c/{big[0]}/", f"{big[1]:,} members", "community"),
        Row("community (small)", f"/c/{small[0]}/", f"{small[1]:,} members", "community"),
    ]
    probes = {
        "trivial view": Probe("/healthz"),
        "directory": Probe("/communities/"),
        "community (big)": Probe(f"/c/{big[0]}/"),
        "community (small)": Probe(f"/c/{small[0]}/"),
    }
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=BENCH_EMAIL))
    skipped: list[str] = []
    extra: dict = {}
    if not args.no_discussions:
        rows, probes, extra = discussion_pages(args, big[0], client, rows, probes, skipped)
    queries = query_report(client, rows)
    # The signed-in session lives in the database, so the server accepts its cookie too; the CSRF
    # cookie is sent back as a browser would, so pages with forms do not make a new one each time.
    cookies = "; ".join(
        f"{name}={client.cookies[name].value}"
        for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
        if name in client.cookies
    )
    connection.close()

    log = var_dir / "server.log"
    result = None
    with serving(log) as port:
        timings = time_requests(
            port,
            probes,
            cookies=cookies,
            warmup=args.warmup,
            requests=args.requests,
            budget=args.budget,
        )
        if not args.no_discussions and args.burst and "vote POST" in probes:
            burst_voters = extra["voters"][: args.burst]
            result = burst(port, extra["burst path"], [vote_request(s) for s in burst_voters])
    if "vote POST" in probes:
        queries[probes["vote POST"].path] = extra["vote queries"]
    timing_report(timings, probes, queries)
    if not args.no_discussions:
        targets_report(timings, skipped)
        if "vote POST" in probes:
            print("\nVotes, checked in the database")
            sent = timings["vote POST"].sent
            check_votes(extra["vote answer"], sent + 1, "vote POSTs (+1 in-process)")
        if result is not None:
            burst_report(result, log, args.burst)
            check_votes(extra["burst answer"], result.statuses[200], "burst")
            if result.failures or result.locked or result.statuses[200] != args.burst:
                raise BenchError(f"{len(result.failures)} of {args.burst} concurrent votes failed")
    if skipped:
        print(f"\nNot run (no such route yet): {', '.join(skipped)}")
    print(
        f"\n{args.requests} timed requests per page after {args.warmup} untimed, taken in turn "
        f"(a page too slow for that in {args.budget:.0f} s fewer: see 'timed'); "
        f"whole run {time.perf_counter() - started:.0f} s."
    )


def discussion_pages(
    args: argparse.Namespace,
    slug: str,
    client,
    rows: list[Row],
    probes: dict[str, Probe],
    skipped: list[str],
) -> tuple[list[Row], dict[str, Probe], dict]:
    """Make the discussion data in community `slug` and add its pages to `rows` (query counts)
    and `probes` (timings); a route that does not exist yet is left out and named in `skipped`."""
    from discussions import generate_discussions
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rounds = args.warmup + args.requests
    d = generate_discussions(
        slug=slug, threads=args.threads, voters=max(rounds, args.burst) + 1, seed=args.seed
    )
    print(
        f"Discussions in /c/{slug}/: {d.threads:,} threads ({d.questions:,} questions), "
        f"{d.answers:,} answers, {d.comments:,} comments, {d.votes:,} votes in {d.seconds:.1f} s"
    )
    if len(d.voters) < max(rounds, args.burst) + 1:
        raise BenchError(
            f"/c/{slug}/ has {len(d.voters)} members free to vote; the timed votes and the burst "
            f"need {max(rounds, args.burst) + 1} (lower --requests/--warmup/--burst)"
        )
    rows, probes = list(rows), dict(probes)
    thread_path, small_path = f"/c/{slug}/t/{d.showcase}/", f"/c/{slug}/t/{d.small_thread}/"
    if routed(thread_path):
        rows += [
            Row("thread (20 answers)", thread_path, "20 answers", "thread"),
            Row("thread (1 answer)", small_path, "1 answer", "thread"),
        ]
        probes["thread (20 answers)"] = Probe(thread_path)
        # ?react= opens one comment's choice of reactions: the page is rendered, not taken from
        # the page cache, as for the first visitor after a change (answers still come from the
        # fragment cache when they did not change).
        from practica.discussions.models import Comment

        opened = Comment.objects.filter(thread_id=d.showcase).order_by("pk").first()
        react = f"?react={opened.pk if opened else 1}"
        rows += [
            Row("thread, rendered", thread_path + react, "20 answers", "thread rendered"),
            Row("thread (1), rendered", small_path + react, "1 answer", "thread rendered"),
        ]
        probes["thread, rendered"] = Probe(thread_path + react)
    else:
        skipped.append(f"thread page {thread_path}")
    cursors = latest_cursors(client, slug)
    lists = {
        "questions": f"/c/{slug}/questions/",
        "API threads": f"/api/v1/communities/{slug}/threads",
    }
    for name, path in lists.items():
        if name not in cursors:
            skipped.append(f"{name} list {path}")
            continue
        far = f"{path}?cursor={cursors[name]}"
        among = f"{d.questions:,} questions" if name == "questions" else f"{d.threads:,} threads"
        rows += [
            Row(f"{name} p1", path, among, name),
            Row(f"{name} p{FAR_PAGE}", far, f"page {FAR_PAGE}", name),
        ]
        probes[f"{name} p1"], probes[f"{name} p{FAR_PAGE}"] = Probe(path), Probe(far)
    vote_path = f"/c/{slug}/a/{d.vote_answer}/vote/"
    extra = {
        "vote answer": d.vote_answer,
        "burst answer": d.burst_answer,
        "burst path": f"/c/{slug}/a/{d.burst_answer}/vote/",
    }
    if routed(vote_path):
        sessions = voter_sessions(d.voters)
        # One vote in-process first, by the last voter: it must answer 200 with the fragment.
        headers, body = vote_request(sessions[-1])
        with CaptureQueriesContext(connection) as captured:
            response = Client(HTTP_HOST="127.0.0.1").post(
                vote_path,
                data=body,
                content_type=headers["Content-Type"],
                headers={k: v for k, v in headers.items() if k != "Content-Type"},
            )
        if response.status_code != 200:
            raise BenchError(f"POST {vote_path} answered {response.status_code} in-process")
        print(f"One vote POST in-process ({vote_path}, htmx): {len(captured)} queries")
        extra["vote queries"] = Counted(len(captured), 0, 0.0, "")
        voters = sessions[:rounds]
        probes["vote POST"] = Probe(vote_path, post=lambda round_: vote_request(voters[round_]))
        extra["voters"] = sessions[: args.burst]
    else:
        skipped.append(f"vote POST {vote_path}")
    return rows, probes, extra


def bench_notifications(args: argparse.Namespace, var_dir: Path) -> None:
    use_fresh_database(var_dir)
    os.environ["EMAIL_URL"] = "locmem://"
    subprocess.run([*practica_command(), "migrate", "--quiet"], check=True)
    import django

    django.setup()
    import notifications

    notifications.report(notifications.run(people=args.watchers))


def main() -> int:
    args = parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="practica-bench-"))
    try:
        if args.search:
            from search import run as run_search

            run_search(args, var_dir, use_fresh_database)
        elif args.notifications:
            bench_notifications(args, var_dir)
        else:
            bench(args, var_dir)
    except (BenchError, subprocess.CalledProcessError) as exc:
        print(f"bench: broken: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"The database is kept at {var_dir}.")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    if args.live:
        # Its own database and servers, in a fresh interpreter (this one has Django set up).
        return subprocess.call([sys.executable, str(Path(__file__).with_name("live.py"))])
    return 0


if __name__ == "__main__":
    sys.exit(main())
