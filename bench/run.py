"""`make bench`: build a fresh SQLite database of bench data, serve it with `practica serve`, and
print for each page its latency, its ratio to a trivial Django view (/healthz) served by the same
server in the same run, and its query count. See bench/README.md for what each figure means.

Exits 0 with the figures; 1 when something is broken (a page that does not answer 200, a server
that does not start, a query count that grows with the items on the page). No figure is judged.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from server import BenchError, Timing, practica_command, serving, time_requests


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--communities", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=30, help="untimed requests per page first")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database directory")
    return parser.parse_args()


def use_fresh_database(var_dir: Path) -> None:
    """Point this process and its children at an empty SQLite database (and a generated
    SECRET_KEY) under `var_dir`, whatever the caller's environment says."""
    os.environ["PRACTICA_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "practica.config.settings"
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG"):
        os.environ.pop(name, None)


def count_queries(client, path: str) -> tuple[int, int]:
    """(queries, community cards) for one signed-in GET of `path`, after one untimed GET so that
    first-request work (caches filling) is not counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise BenchError(f"GET {path} answered {response.status_code} in-process")
    return len(queries), response.content.count(b'class="card community-card"')


def query_report(
    client, pages: dict[str, str], big: tuple[str, int], small: tuple[str, int]
) -> dict[str, int]:
    """Print the query counts of each page, of the directory searched down to one community and
    of a small and a big community's page; returns the counts by path. Raises BenchError when the
    directory's or the community page's count grows with the items on it."""
    rows = [
        ("trivial view", pages["trivial view"], ""),
        ("directory", pages["directory"], "cards"),
        ("directory, searched", f"/communities/?q={big[0]}", "cards"),
        ("directory, searched", f"/communities/?q={small[0]}", "cards"),
        ("community (big)", pages["community (big)"], f"{big[1]:,} members"),
        ("community (small)", pages["community (small)"], f"{small[1]:,} members"),
    ]
    found: dict[str, int] = {}
    width = max(len(path) for _, path, _ in rows)
    print("\nQuery counts (in-process: Django test client, same database, same signed-in user)")
    print(f"  {'page':<20} {'path':<{width}} {'shows':>16} {'queries':>8}")
    for label, path, shows in rows:
        found[path], cards = count_queries(client, path)
        if shows == "cards":
            shows = f"{cards} communit{'y' if cards == 1 else 'ies'}"
        print(f"  {label:<20} {path:<{width}} {shows:>16} {found[path]:>8}")
    for kind in ("directory", "community"):
        seen = {found[path] for label, path, _ in rows if label.startswith(kind)}
        if len(seen) > 1:
            raise BenchError(f"the {kind} page's query count grows with its items: {sorted(seen)}")
    print("  The directory's and the community page's query counts do not grow with their items.")
    return found


def timing_report(
    timings: dict[str, Timing], pages: dict[str, str], queries: dict[str, int]
) -> None:
    base = timings[pages["trivial view"]].median_ms
    width = max(len(path) for path in pages.values())
    print("\nOver HTTP: `practica serve` (uvicorn, 1 process) on 127.0.0.1, sequential requests")
    print(
        f"  {'page':<20} {'path':<{width}} {'queries':>7} {'median ms':>10} {'p95 ms':>8} "
        f"{'req/s':>7} {'ratio':>7}"
    )
    for label, path in pages.items():
        t = timings[path]
        print(
            f"  {label:<20} {path:<{width}} {queries[path]:>7} {t.median_ms:>10.2f} "
            f"{t.p95_ms:>8.2f} {t.per_second:>7.0f} {t.median_ms / base:>7.1f}"
        )


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
    pages = {
        "trivial view": "/healthz",
        "directory": "/communities/",
        "community (big)": f"/c/{data.big[0]}/",
        "community (small)": f"/c/{data.small[0]}/",
    }
    # The signed-in session lives in the database, so the server accepts its cookie too.
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=BENCH_EMAIL))
    queries = query_report(client, pages, data.big, data.small)
    cookies = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    connection.close()

    with serving(var_dir / "server.log") as port:
        timings = time_requests(
            port, list(pages.values()), cookies=cookies, warmup=args.warmup, requests=args.requests
        )
    timing_report(timings, pages, queries)
    print(
        f"\n{args.requests} timed requests per page after {args.warmup} untimed, taken in turn; "
        f"whole run {time.perf_counter() - started:.0f} s."
    )


def main() -> int:
    args = parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="practica-bench-"))
    try:
        bench(args, var_dir)
    except (BenchError, subprocess.CalledProcessError) as exc:
        print(f"bench: broken: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"The database is kept at {var_dir}.")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
