"""Writing the index: documents for given ids, everything, and what has drifted.

The index is derived data, so these are the search app's own writes (the services of other apps
never call them; `upkeep` does, from events, through a task). Every function takes ids and reads
the objects afresh, so running one twice, or late, gives the same rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction

from practica.search import semantic, sources
from practica.search.ddl import UNLISTED_WORDS, WORDS
from practica.search.models import SearchDocument
from practica.search.sources import Doc, Source

Ref = tuple[str, int]
Progress = Callable[[str, int, int], None]  # (source name, done, total)
BATCH = 500
FIELDS = [
    "kind", "community_id", "thread_id", "author_id", "title", "heading", "tags", "body",
    "solved", "score", "answer_count", "boost", "created_at", "last_activity_at", "deleted",
]  # fmt: skip


def _tags(tags: Iterable[str]) -> str:
    names = " ".join(dict.fromkeys(t for t in tags if t))
    return f" {names} " if names else ""


def _row(source: Source, pk: int, doc: Doc) -> SearchDocument:
    return SearchDocument(
        source=source.name,
        object_id=pk,
        kind=doc.kind,
        community_id=doc.community_id,
        thread_id=doc.thread_id,
        author_id=doc.author_id,
        title=doc.title[:300],
        heading=doc.heading[:300],
        tags=_tags(doc.tags)[:1000],
        body=doc.body,
        solved=doc.solved,
        score=doc.score,
        answer_count=doc.answer_count,
        boost=round(doc.boost, 6),
        created_at=doc.created_at,
        last_activity_at=doc.last_activity_at,
        deleted=doc.deleted,
    )


def index_ids(source: Source, ids: Iterable[int]) -> int:
    """(Re)build the documents of `source` for `ids`; drop those whose object is gone.
    Returns how many documents were written."""
    wanted = sorted(set(ids))
    written = 0
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        docs = source.build(chunk)
        rows = [_row(source, pk, doc) for pk, doc in docs.items()]
        with transaction.atomic():
            SearchDocument.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["source", "object_id"],
                update_fields=[*FIELDS, "indexed_at"],
            )
            gone = [pk for pk in chunk if pk not in docs]
            if gone:
                SearchDocument.objects.filter(source=source.name, object_id__in=gone).delete()
        semantic.refresh(source.name, docs)  # with the semantic extra only
        written += len(rows)
    return written


def index_refs(refs: Iterable[Ref], *, related: bool = True) -> int:
    """Index each (source, id), and (with `related`) what depends on it: a thread's answers and
    comments follow its title, deletion and community."""
    by_source: dict[str, set[int]] = defaultdict(set)
    for name, pk in refs:
        by_source[name].add(int(pk))
        if related:
            for rel_name, rel_pk in sources.get(name).related(int(pk)):
                by_source[rel_name].add(int(rel_pk))
    return sum(index_ids(sources.get(name), ids) for name, ids in by_source.items())


def reindex_all(*, progress: Progress | None = None, only: str = "") -> int:
    """Rebuild every document of every source (or of `only`), and drop orphans."""
    total = 0
    for source in sources.all_sources():
        if only and source.name != only:
            continue
        ids = list(source.all_ids())
        for start in range(0, len(ids), BATCH * 4):
            total += index_ids(source, ids[start : start + BATCH * 4])
            if progress:
                progress(source.name, min(start + BATCH * 4, len(ids)), len(ids))
        if progress and not ids:
            progress(source.name, 0, 0)
        existing = set(ids)
        orphans = [
            pk
            for pk in SearchDocument.objects.filter(source=source.name).values_list(
                "object_id", flat=True
            )
            if pk not in existing
        ]
        for start in range(0, len(orphans), BATCH):
            SearchDocument.objects.filter(
                source=source.name, object_id__in=orphans[start : start + BATCH]
            ).delete()
    return total


@dataclass
class Drift:
    source: str
    objects: int = 0
    documents: int = 0
    missing: list[int] = field(default_factory=list)  # objects without a document
    stale: list[int] = field(default_factory=list)  # documents that differ from their object
    orphans: list[int] = field(default_factory=list)  # documents without an object

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.orphans)


def _values(row: SearchDocument) -> tuple:
    return tuple(getattr(row, f) for f in FIELDS)


def check(*, progress: Progress | None = None) -> list[Drift]:
    """Compare every document with what its object would make now (read-only)."""
    report = []
    for source in sources.all_sources():
        drift = Drift(source=source.name)
        ids = list(source.all_ids())
        indexed = set(
            SearchDocument.objects.filter(source=source.name).values_list("object_id", flat=True)
        )
        drift.objects, drift.documents = len(ids), len(indexed)
        existing = set(ids)
        drift.orphans = sorted(indexed - existing)
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            docs = source.build(chunk)
            stored = {
                r.object_id: r
                for r in SearchDocument.objects.filter(source=source.name, object_id__in=chunk)
            }
            for pk in chunk:
                if pk not in docs:
                    continue  # removed while we looked
                if pk not in stored:
                    drift.missing.append(pk)
                elif _values(stored[pk]) != _values(_row(source, pk, docs[pk])):
                    drift.stale.append(pk)
            if progress:
                progress(source.name, min(start + BATCH, len(ids)), len(ids))
        report.append(drift)
    return report


def unlisted_words() -> int:
    """How many indexed words are missing from PostgreSQL's list of words that a typed prefix
    is written out as (ddl.py, "Words"): its triggers keep it, so only writes that skip them
    (triggers disabled, a logical replica) leave any. 0 on SQLite, which has no list."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({UNLISTED_WORDS}) unlisted")  # noqa: S608
        return int(cursor.fetchone()[0])


def list_words() -> int:
    """Add the indexed words missing from PostgreSQL's list (see `unlisted_words`)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {WORDS} (word) {UNLISTED_WORDS}")
        return cursor.rowcount


def repair(report: list[Drift]) -> int:
    """Fix what `check` found."""
    fixed = 0
    for drift in report:
        source = sources.get(drift.source)
        fixed += index_ids(source, [*drift.missing, *drift.stale, *drift.orphans])
    return fixed
