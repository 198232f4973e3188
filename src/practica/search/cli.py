"""`practica search reindex` and `practica search check` (wired into practica.cli)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO


class ProgressBar:
    """A plain progress bar on stderr: `thread  [#########.........]  4,500/10,000  3.1 s`."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width, self.started = width, time.monotonic()
        self.current = ""

    def __call__(self, name: str, done: int, total: int) -> None:
        if name != self.current:
            if self.current:
                self.stream.write("\n")
            self.current, self.started = name, time.monotonic()
        filled = self.width if not total else self.width * done // total
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = time.monotonic() - self.started
        self.stream.write(f"\r{name:<10} [{bar}] {done:>9,}/{total:,}  {elapsed:.1f} s")
        self.stream.flush()

    def close(self) -> None:
        if self.current:
            self.stream.write("\n")
            self.stream.flush()


def cmd_reindex(args: argparse.Namespace) -> int:
    from practica.search import indexing, sources

    names = [s.name for s in sources.all_sources()]
    if args.only and args.only not in names:
        print(f"error: no source {args.only!r}; choose from {', '.join(names)}", file=sys.stderr)
        return 2
    bar = ProgressBar()
    started = time.monotonic()
    written = indexing.reindex_all(progress=None if args.quiet else bar, only=args.only)
    bar.close()
    seconds = time.monotonic() - started
    print(
        f"Indexed {written:,} documents in {seconds:.1f} s ({written / max(seconds, 1e-9):,.0f}/s)."
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from practica.search import indexing, semantic

    bar = ProgressBar()
    report = indexing.check(progress=None if args.quiet else bar)
    bar.close()
    vectors = semantic.drift()  # with the semantic extra only
    unembedded = sum(len(ids) for ids in vectors.values())
    unlisted = indexing.unlisted_words()  # PostgreSQL only
    print(
        f"{'source':<10} {'objects':>9} {'documents':>9} {'missing':>8} {'stale':>8} {'orphans':>8}"
    )
    for d in report:
        print(
            f"{d.source:<10} {d.objects:>9,} {d.documents:>9,} {len(d.missing):>8,} "
            f"{len(d.stale):>8,} {len(d.orphans):>8,}"
        )
    if semantic.enabled():
        print(f"Embeddings missing or made from older text: {unembedded:,}")
    if unlisted:
        print(f"Indexed words missing from the list that prefixes expand to: {unlisted:,}")
    drifted = [d for d in report if not d.clean]
    if not drifted and not unembedded and not unlisted:
        print("OK: the index matches the content.")
        return 0
    if args.fix:
        fixed = indexing.repair(drifted)
        embedded = semantic.repair(vectors)
        listed = indexing.list_words()
        print(
            f"Repaired: {fixed:,} documents rewritten, orphans removed, {embedded:,} embedded, "
            f"{listed:,} words listed."
        )
        return 0
    print("Drift found: run `practica search check --fix` or `practica search reindex`.")
    return 1


def add_parser(sub: Any, setup: Callable[[], None]) -> None:
    """Add `search` and its actions to the `practica` command's subparsers."""

    def run(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        def wrapped(args: argparse.Namespace) -> int:
            setup()
            return func(args)

        return wrapped

    p = sub.add_parser("search", help="the search index: rebuild it, check it for drift")
    ssub = p.add_subparsers(dest="search_command", required=True, metavar="ACTION")
    r = ssub.add_parser("reindex", help="rebuild every search document (with a progress bar)")
    r.add_argument("--only", default="", help="one source: thread, answer, comment, person...")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.set_defaults(func=run(cmd_reindex))
    c = ssub.add_parser("check", help="count missing, stale and orphan documents (exit 1 if any)")
    c.add_argument("--fix", action="store_true", help="rewrite what drifted")
    c.add_argument("--quiet", action="store_true", help="no progress bar")
    c.set_defaults(func=run(cmd_check))
