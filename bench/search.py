"""Search bench: posts with natural (Zipf-like) word frequencies, then query latency (p50/p95 of a
query mix), similar-questions latency, indexing throughput and a full reindex, on SQLite or on
PostgreSQL, beside the trivial view (/healthz) served in the same run. See bench/README.md.

    .venv/bin/python bench/run.py --search --posts 100000
    .venv/bin/python bench/run.py --search --posts 100000 --database-url postgres://postgres@127.0.0.1:5432/x
    .venv/bin/python bench/run.py --search --posts 100000 --semantic

With `--semantic` (the extra installed: `make install-semantic`) every post is also embedded while
loading, the query mix runs fused with meaning, and the bench times a query's embedding plus the
top 10 nearest over every stored vector. Without it the semantic layer is off for the run.

Posts are questions, discussions and answers bulk-inserted like discussions.py does (bypassing the
services on purpose, for speed), and indexed by `search.indexing.reindex_all`, the code behind
`practica search reindex`. Words come from wordfreq's English list weighted by their frequency
(Faker's word list with Zipf weights when wordfreq is missing).
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import statistics
import subprocess
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from server import Probe, practica_command, serving, time_requests

from practica.search.ddl import POSTGRESQL_VECTOR_INDEX

TARGET_P95_MS = 20.0
TARGET_SIMILAR_P95_MS = 30.0


def vocabulary(size: int = 30_000) -> tuple[list[str], list[float]]:
    """Words and their cumulative weights, most frequent first."""
    try:
        from wordfreq import top_n_list, word_frequency

        words = [w for w in top_n_list("en", size) if w.isalpha() and len(w) > 1]
        weights = [word_frequency(w, "en") for w in words]
    except ImportError:
        from faker import Faker

        words = sorted(set(Faker("en_US").get_words_list()))
        weights = [1 / (rank + 1) for rank in range(len(words))]  # Zipf's law
    return words, list(itertools.accumulate(weights))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def fresh_postgres(url: str) -> str:
    """A freshly created database `practica_bench_search` on the server of `url`."""
    import psycopg

    base, _, _ = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS practica_bench_search WITH (FORCE)")
        conn.execute("CREATE DATABASE practica_bench_search")
    return f"{base}/practica_bench_search"


def make_posts(posts: int, seed: int, *, random_dates: bool = False) -> dict:
    """Bulk-insert `posts` posts (60% threads, 40% answers) into the five biggest communities,
    dated as a forum grows: questions over two years in the order of their ids, each answer
    within a week of its question, answers numbered in the order they were written. With
    `random_dates`, each thread gets a date at random and its answers the same one (how the
    bench dated posts until 2026-11-29: the worst case for PostgreSQL's day words, which then
    hold every day's posts all over the table)."""
    from discussions import _insert
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from practica.communities.models import Community, Membership
    from practica.core.markdown import render
    from practica.discussions.models import Answer, Tag, Thread

    rng = random.Random(seed)
    words, cum = vocabulary()
    communities = list(Community.objects.annotate(n=Count("memberships")).order_by("-n", "pk")[:5])
    members = {
        c.pk: list(Membership.objects.filter(community=c).values_list("user_id", flat=True))
        for c in communities
    }
    tags = [f"topic-{i}" for i in range(30)]
    db_time = connection.ops.adapt_datetimefield_value
    now = timezone.now()
    threads = posts * 6 // 10
    answers = posts - threads
    started = time.perf_counter()
    assert str(render("plain words")) == "<p>plain words</p>\n"  # what body_html is below
    with transaction.atomic():
        tag_ids = {}
        for c in communities:
            Tag.objects.bulk_create([Tag(community_id=c.pk, name=t) for t in tags])
            tag_ids[c.pk] = list(Tag.objects.filter(community=c).values_list("pk", flat=True))
        thread_rows, tag_rows, answer_rows = [], [], []
        homes = rng.choices(communities, weights=[8, 1, 1, 1, 1][: len(communities)], k=threads)
        title_words = rng.choices(words, cum_weights=cum, k=threads * 8)
        body_words = rng.choices(words, cum_weights=cum, k=posts * 40)
        bw = iter(body_words)
        ages = [rng.uniform(3600, 730 * 86400) for _ in range(threads)]  # seconds before now
        if not random_dates:
            ages.sort(reverse=True)
        for i, c in enumerate(homes, start=1):
            created = now - timedelta(seconds=ages[i - 1])
            title = " ".join(title_words[i * 8 - 8 : i * 8 - rng.randint(0, 3)]).capitalize()
            body = " ".join(next(bw) for _ in range(rng.randint(20, 60)))
            thread_rows.append((
                i, c.pk, rng.choice(members[c.pk]), "question" if rng.random() < 0.85 else
                "discussion", title[:200], body, f"<p>{body}</p>\n", False, 0, 0, 0, db_time(created),
                db_time(created), None, 0,
            ))  # fmt: skip
            tag_rows += [(i, t) for t in rng.sample(tag_ids[c.pk], rng.randint(1, 3))]
        per_thread = Counter()
        written = []
        for _ in range(answers):
            thread = rng.randint(1, threads)
            per_thread[thread] += 1
            body = " ".join(next(bw) for _ in range(rng.randint(15, 45)))
            author = rng.choice(members[homes[thread - 1].pk])
            age = ages[thread - 1]
            if not random_dates:
                age -= rng.uniform(0, min(age - 60, 7 * 86400))
            written.append((age, thread, author, body, rng.choice((0, 0, 1, 2, 5))))
        if not random_dates:
            written.sort(key=lambda row: -row[0])
        for j, (age, thread, author, body, score) in enumerate(written, start=1):
            created = db_time(now - timedelta(seconds=age))
            answer_rows.append(
                (j, thread, author, body, f"<p>{body}</p>\n", score, created, None, None)
            )
        thread_rows = [(*row[:9], per_thread[row[0]], *row[10:]) for row in thread_rows]
        with connection.cursor() as cursor:
            _insert(cursor, Thread, [
                "id", "community", "author", "kind", "title", "body", "body_html", "is_wiki",
                "score", "answer_count", "comment_count", "created_at", "last_activity_at",
                "deleted_at", "version"], thread_rows)  # fmt: skip
            _insert(cursor, Thread.tags.through, ["thread", "tag"], tag_rows)
            _insert(cursor, Answer, ["id", "thread", "author", "body", "body_html", "score",
                    "created_at", "edited_at", "deleted_at"], answer_rows)  # fmt: skip
            # a third of the answered questions solved, by their first answer
            first = {}
            for row in answer_rows:
                first.setdefault(row[1], row[0])
            solved = [(a, t) for t, a in first.items() if rng.random() < 0.33]
            cursor.executemany(
                f"UPDATE {Thread._meta.db_table} SET accepted_answer_id = %s WHERE id = %s",  # noqa: S608
                solved,
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (Thread, Answer):
                    table = model._meta.db_table
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT MAX(id) FROM {table}))"
                    )
                # Statistics for the planner now, as after any bulk load: without them indexing
                # joins a million thread tags by sequential scans (550 posts/s instead of 3,000).
                cursor.execute("ANALYZE")
    df = Counter()
    for w in set(body_words[:200_000]):
        df[w] = 0
    sample = [set(r[5].split()) | set(r[4].lower().split()) for r in thread_rows[:20_000]]
    for s in sample:
        df.update(s)
    return {
        "threads": threads,
        "answers": answers,
        "seconds": time.perf_counter() - started,
        "titles": [r[4] for r in rng.sample(thread_rows, min(200, len(thread_rows)))],
        "df": {w: n / len(sample) for w, n in df.items()},  # share of threads with the word
        "words": words,
        "tags": tags,
    }


def query_mix(data: dict, rng: random.Random) -> dict[str, list[str]]:
    from practica.search.selectors import STOP_WORDS

    df = data["df"]
    ranked = sorted((w for w in df if w not in STOP_WORDS and len(w) > 2), key=lambda w: -df[w])
    frequent, mid, rare = ranked[:15], ranked[300:600], ranked[3000:6000] or ranked[-300:]
    title = rng.choice(data["titles"]).lower().split()
    return {
        "frequent word": rng.sample(frequent, 5),
        "two frequent words": [
            f"{a} {b}" for a, b in zip(frequent[:5], frequent[5:10], strict=True)
        ],
        "mid word": rng.sample(mid, 5),
        "rare word": rng.sample(rare, 5),
        "phrase": [f'"{" ".join(t.split()[:2])}"' for t in rng.sample(data["titles"], 5)],
        "word + filters": [f"{w} is:solved tag:{rng.choice(data['tags'])}" for w in frequent[:5]],
        "prefix (instant)": [w[:4] for w in rng.sample(mid, 5)],
        "title words": [" ".join(title[:4])],
    }


def time_queries(mix: dict[str, list[str]], user, rounds: int) -> dict[str, list[float]]:
    from practica.search.selectors import search

    out: dict[str, list[float]] = {}
    for label, queries in mix.items():
        instant = label.startswith("prefix")
        for q in queries:
            for _ in range(2):
                search(user=user, q=q, instant=instant)
        seconds = []
        for _ in range(rounds):
            for q in queries:
                started = time.perf_counter()
                search(user=user, q=q, instant=instant)
                seconds.append(time.perf_counter() - started)
        out[label] = seconds
    return out


def time_semantic(user, data: dict) -> dict:
    """Query embedding and the top 10 nearest, each for 100 fresh titles, and fused searches."""
    from practica.search import semantic
    from practica.search.selectors import _scopes, search

    assert semantic.enabled(), "--semantic needs the extra installed (make install-semantic)"
    index = semantic.index()
    scopes = _scopes(user, [])
    out: dict = {"items": len(index), "query embedding": [], "top 10 nearest": []}
    out["embedding + top 10"], out["fused search"] = [], []
    for title in data["titles"][:100]:
        started = time.perf_counter()
        vector = semantic.embed([title])[0]
        embedded = time.perf_counter()
        index.nearest(vector, scopes, k=10, at_least=-1.0)
        done = time.perf_counter()
        out["query embedding"].append(embedded - started)
        out["top 10 nearest"].append(done - embedded)
        out["embedding + top 10"].append(done - started)
    for title in data["titles"][100:200]:
        semantic.embed_query.cache_clear()
        started = time.perf_counter()
        search(user=user, q=" ".join(title.split()[:3]))
        out["fused search"].append(time.perf_counter() - started)
    return out


def run(args: argparse.Namespace, var_dir: Path, use_fresh_database) -> None:
    import os

    use_fresh_database(var_dir)
    os.environ["SEMANTIC_SEARCH"] = "auto" if args.semantic else "off"
    if args.database_url:
        os.environ["DATABASE_URL"] = fresh_postgres(args.database_url)
    subprocess.run([*practica_command(), "migrate", "--quiet"], check=True)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from generate import BENCH_EMAIL, generate

    from practica.accounts.models import User
    from practica.search import indexing
    from practica.search.models import SearchDocument
    from practica.search.selectors import similar

    print(f"Load average at the start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    generate(users=args.users, communities=args.communities, seed=args.seed)
    data = make_posts(args.posts, args.seed, random_dates=args.random_dates)
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite FTS5"
    print(f"Search bench on {engine}: {data['threads']:,} threads + {data['answers']:,} answers "
          f"inserted in {data['seconds']:.1f} s"
          f"{' (dated at random)' if args.random_dates else ''}")  # fmt: skip

    started = time.perf_counter()
    if connection.vendor == "postgresql":
        # A bulk load's usual practice: build the GIN index once after it, not row by row.
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX search_document_vector")
    loaded = indexing.reindex_all(only="thread") + indexing.reindex_all(only="answer")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute(POSTGRESQL_VECTOR_INDEX)  # search_document_vector
    load_s = time.perf_counter() - started
    indexing.reindex_all(only="person")
    indexing.reindex_all(only="community")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total, reindex_s = 0, 0.0
    if not args.no_reindex:
        started = time.perf_counter()
        total = indexing.reindex_all()
        reindex_s = time.perf_counter() - started
    ids = list(
        SearchDocument.objects.filter(source="thread").values_list("object_id", flat=True)[:300]
    )
    started = time.perf_counter()
    for pk in ids:
        indexing.index_refs([("thread", pk)], related=False)
    one_s = (time.perf_counter() - started) / len(ids)

    user = User.objects.get(email=BENCH_EMAIL)
    rng = random.Random(args.seed)
    mix = query_mix(data, rng)
    timings = time_queries(mix, user, args.rounds)
    sims = []
    for title in data["titles"][:100]:
        started = time.perf_counter()
        similar(user=user, title=title)
        sims.append(time.perf_counter() - started)

    vectors = time_semantic(user, data) if args.semantic else None

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    cookies = "; ".join(
        f"{n}={client.cookies[n].value}"
        for n in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
        if n in client.cookies
    )
    frequent = mix["frequent word"][0]
    connection.close()
    probes = {
        "trivial view": Probe("/healthz"),
        f"API search “{frequent}”": Probe(f"/api/v1/search?q={frequent}"),
        f"search page “{frequent}”": Probe(f"/search/?q={frequent}"),
        "API similar": Probe(
            "/api/v1/search/similar?title=" + "+".join(data["titles"][0].split()[:6])
        ),
    }
    with serving(var_dir / "server.log") as port:
        http = time_requests(
            port, probes, cookies=cookies, warmup=10, requests=args.requests, budget=20
        )

    posts = data["threads"] + data["answers"]
    full = (
        f"full reindex of {total:,} documents {reindex_s:.1f} s"
        if not args.no_reindex
        else "full reindex not timed (--no-reindex)"
    )
    print(f"\nIndexing: {loaded:,} posts in {load_s:.1f} s ({loaded / load_s:,.0f} posts/s"
          f"{', GIN index built after' if connection.vendor == 'postgresql' else ''}); {full}; "
          f"one post reindexed after an event {one_s * 1000:.1f} ms")  # fmt: skip
    top = max(data["df"].values())
    print(f"Most frequent query word is in about {data['df'][mix['frequent word'][0]]:.0%} of threads"
          f" (~{int(data['df'][mix['frequent word'][0]] * posts):,} posts; the commonest word {top:.0%})")  # fmt: skip
    print(f"\n{'query class (in-process, bench user)':<40} {'p50 ms':>8} {'p95 ms':>8}  queries")
    every = []
    for label, seconds in timings.items():
        every += seconds
        print(f"{label:<40} {statistics.median(seconds) * 1000:>8.1f} {percentile(seconds, .95) * 1000:>8.1f}  "
              f"{', '.join(mix[label])[:60]}")  # fmt: skip
    p95 = percentile(every, 0.95) * 1000
    sim95 = percentile(sims, 0.95) * 1000
    print(f"{'whole mix':<40} {statistics.median(every) * 1000:>8.1f} {p95:>8.1f}")
    print(
        f"{'similar questions (100 titles)':<40} {statistics.median(sims) * 1000:>8.1f} {sim95:>8.1f}"
    )
    if vectors:
        print(
            f"\nSemantic layer over {vectors['items']:,} stored vectors (fresh queries, no cache):"
        )
        for label in ("query embedding", "top 10 nearest", "embedding + top 10", "fused search"):
            t = vectors[label]
            print(
                f"{label:<40} {statistics.median(t) * 1000:>8.1f} {percentile(t, 0.95) * 1000:>8.1f}"
            )
    print(f"\n{'over HTTP (one client)':<40} {'median ms':>9} {'p95 ms':>8} {'ratio':>6}")
    base = http["trivial view"].median_ms
    for label, t in http.items():
        print(f"{label:<40} {t.median_ms:>9.1f} {t.p95_ms:>8.1f} {t.median_ms / base:>6.1f}")
    print(f"Load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"\nTargets at {posts:,} posts (stated for 1,000,000): query p95 ≤ {TARGET_P95_MS:.0f} ms: "
          f"{'meets' if p95 <= TARGET_P95_MS else 'MISSES'} ({p95:.1f}); similar p95 ≤ "
          f"{TARGET_SIMILAR_P95_MS:.0f} ms: {'meets' if sim95 <= TARGET_SIMILAR_P95_MS else 'MISSES'}"
          f" ({sim95:.1f})")  # fmt: skip
