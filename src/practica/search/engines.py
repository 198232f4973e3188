"""Two full-text engines behind one interface, chosen from the database vendor.

An engine turns a parsed `Query` into SQL fragments that `search.selectors` puts around the shared
filters (permissions, kinds, communities...): what to select FROM, the WHERE condition that matches
the text, and a relevance expression (bigger is better; title over tags over body). Words reach
the engine as plain letters and digits (`query.words_of`), and are quoted again here, so nothing
a person types is read as an operator by either engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from practica.search.query import Query, words_of

DOC = "search_searchdocument"


@dataclass
class Match:
    from_sql: str
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    rank_sql: str = "0"  # bigger is better
    rank_params: list[Any] = field(default_factory=list)
    recency: str = "d.id"  # newest documents first: how the candidate sets are bounded
    title_params: list[Any] | None = None  # `params` for matching the title alone


class SqliteEngine:
    """FTS5, external content on search_searchdocument; bm25 with column weights 10, 4, 1."""

    vendor = "sqlite"

    @staticmethod
    def _q(words: list[str], *, prefix: bool = False) -> str:
        text = " ".join(w.replace('"', '""') for w in words)
        return f'"{text}"' + ("*" if prefix else "")

    def _positive(self, q: Query, *, prefix: bool, any_word: bool) -> str:
        parts = [self._q([w]) for w in q.words]
        if prefix and q.words and not q.phrases:
            parts[-1] = self._q([q.words[-1]], prefix=True)
        parts += [self._q(p) for p in q.phrases]
        return (" OR " if any_word else " ").join(parts)

    def match(self, q: Query, *, prefix: bool = False, any_word: bool = False) -> Match:
        excluded = " OR ".join(self._q(e) for e in q.excluded)
        # tag:x is checked exactly on the row too; matching it in the index lets FTS5 intersect
        # instead of the query walking every match of a common word to find the tagged ones.
        tagged = " AND ".join(f"{{tags}} : {self._q(words_of(t))}" for t in q.tags if words_of(t))
        if not q.has_text and not tagged:
            m = Match(from_sql=f"{DOC} d")
            if excluded:
                m.where.append(
                    "d.id NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
                )
                m.params.append(excluded)
            return m
        if not q.has_text:
            expr = f"({tagged}) NOT ({excluded})" if excluded else tagged
            return Match(
                from_sql=f"search_fts CROSS JOIN {DOC} d ON d.id = search_fts.rowid",
                where=["search_fts MATCH %s"],
                params=[expr],
                recency="search_fts.rowid",
            )
        positive = self._positive(q, prefix=prefix, any_word=any_word)
        expr, title = positive, f"{{title}} : ({positive})"
        if tagged:
            expr, title = f"({expr}) AND {tagged}", f"({title}) AND {tagged}"
        if excluded:
            expr, title = f"({expr}) NOT ({excluded})", f"({title}) NOT ({excluded})"
        return Match(
            # CROSS JOIN keeps the full-text index as the outer loop: SQLite would otherwise walk
            # the documents and run the MATCH once per row.
            from_sql=f"search_fts CROSS JOIN {DOC} d ON d.id = search_fts.rowid",
            where=["search_fts MATCH %s"],
            params=[expr],
            rank_sql="(-search_fts.rank)",
            recency="search_fts.rowid",
            title_params=[title],
        )


class PostgresEngine:
    """A stored tsvector (title A, tags B, body C) with a GIN index; ts_rank with weights."""

    vendor = "postgresql"

    @staticmethod
    def _q(words: list[str], *, prefix: bool = False, weight: str = "") -> str:
        # letters and digits only: nothing to escape
        lexemes = [f"'{w}'" + (f":{weight}" if weight else "") for w in words]
        if prefix:
            lexemes[-1] = f"'{words[-1]}':*{weight}"
        return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"

    def _positive(self, q: Query, *, prefix: bool, any_word: bool, weight: str = "") -> str:
        parts = [self._q([w], weight=weight) for w in q.words]
        if prefix and q.words and not q.phrases:
            parts[-1] = self._q([q.words[-1]], prefix=True, weight=weight)
        parts += [self._q(p, weight=weight) for p in q.phrases]
        return (" | " if any_word else " & ").join(parts)

    def match(self, q: Query, *, prefix: bool = False, any_word: bool = False) -> Match:
        excluded = " | ".join(self._q(e) for e in q.excluded)
        tagged = " & ".join(self._q(words_of(t), weight="B") for t in q.tags if words_of(t))
        if not q.has_text:
            m = Match(from_sql=f"{DOC} d")
            if tagged:
                m.where.append("d.search_vector @@ to_tsquery('practica', %s)")
                m.params.append(tagged)
            if excluded:
                m.where.append("NOT (d.search_vector @@ to_tsquery('practica', %s))")
                m.params.append(excluded)
            return m
        expr = self._positive(q, prefix=prefix, any_word=any_word)
        title = self._positive(q, prefix=prefix, any_word=any_word, weight="A")
        if tagged:
            expr, title = f"({expr}) & {tagged}", f"({title}) & {tagged}"
        if excluded:
            expr, title = f"({expr}) & !({excluded})", f"({title}) & !({excluded})"
        return Match(
            from_sql=f"{DOC} d",
            where=["d.search_vector @@ to_tsquery('practica', %s)"],
            params=[expr],
            # weights {D, C, B, A}: body 0.2, tags 0.4, title 1; normalised by log(length)
            rank_sql="ts_rank('{0.1, 0.2, 0.4, 1.0}', d.search_vector, to_tsquery('practica', %s), 1)",
            rank_params=[expr],
            title_params=[title],
            # "+ 0" keeps the planner off a backward walk of the primary key that checks every
            # row's tsvector: the GIN index finds the matches, a top-N sort keeps the newest.
            recency="(d.id + 0)",
        )


Engine = SqliteEngine | PostgresEngine


def get_engine() -> Engine:
    if connection.vendor == "postgresql":
        return PostgresEngine()
    if connection.vendor == "sqlite":
        return SqliteEngine()
    raise RuntimeError(f"search supports SQLite and PostgreSQL, not {connection.vendor}")
