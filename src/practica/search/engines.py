"""Two full-text engines behind one interface, chosen from the database vendor.

An engine turns a parsed `Query` into SQL fragments that `search.selectors` puts around the shared
filters (permissions, kinds, communities...): what to select FROM, the WHERE condition that matches
the text, and a relevance expression (bigger is better; title over tags over body). Words reach
the engine as plain letters and digits (`query.words_of`), and are quoted again here, so nothing
a person types is read as an operator by either engine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from practica.search.ddl import FLAG_PREFIX, TITLE_VECTOR
from practica.search.query import Query, words_of

DOC = "search_searchdocument"


@dataclass
class Match:
    from_sql: str
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    # what the engine's `relevance` turns into a number (bigger is better)
    rank_sql: str = "0"
    rank_params: list[Any] = field(default_factory=list)
    recency: str = "d.id"  # newest documents first: how the candidate sets are bounded
    title: Match | None = None  # the same words matched in titles: the second candidate set


_TOKENS = re.compile(r"[^\W_]+")
# The title's part of SQLite's relevance, as bm25 weighs a word's frequency: saturation K1,
# length normalisation B against a typical title of TITLE_WORDS words (`SqliteEngine.relevance`).
K1, B, TITLE_WORDS = 1.2, 0.75, 8


def tag_flag(tag: str) -> str:
    """The flag word for tag `tag` (a slug), as ddl.py writes it."""
    return f"{FLAG_PREFIX}t{tag.replace('-', '')}"


# Groups of flags a match must have: one of each group ("solved"; "c12", "c40"; "a7"): ddl.py.
Flags = Sequence[Sequence[str]]


class SqliteEngine:
    """FTS5 over title, tags and body (external content on search_searchdocument), and FTS5 over
    titles and tags alone; relevance from the title's matched words (see `relevance`)."""

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

    def match(
        self,
        q: Query,
        *,
        prefix: bool = False,
        any_word: bool = False,
        flags: Flags = (),
    ) -> Match:
        excluded = " OR ".join(self._q(e) for e in q.excluded)
        # tag:x, is:solved, in: and author: are checked exactly on the row too; matching them in
        # the index (tags, and the flags column: ddl.py) lets FTS5 intersect instead of the query
        # walking every match of a common word to find the few that pass.
        narrow = [self._q([tag_flag(t)]) for t in q.tags if t.replace("-", "")]
        narrow += [
            "(" + " OR ".join(self._q([f"{FLAG_PREFIX}{flag}"]) for flag in group) + ")"
            for group in flags
            if group
        ]
        tagged = " AND ".join(narrow) if q.tags or q.has_text else ""
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
        expr = f"({positive}) AND {tagged}" if tagged else positive
        if excluded:
            expr = f"({expr}) NOT ({excluded})"
        # The title set: from the titles-and-tags index, whose short posting lists keep a
        # common word cheap; with excluded words, from the whole index (they may be in a body).
        title = f"{{title}} : ({positive})"
        title = f"({title}) AND {tagged}" if tagged else title
        titles = "search_title_fts"
        if excluded:
            title, titles = f"({title}) NOT ({excluded})", "search_fts"
        rank_sql, rank_params = self._title_words(q)
        return Match(
            # CROSS JOIN keeps the full-text index as the outer loop: SQLite would otherwise walk
            # the documents and run the MATCH once per row.
            from_sql=f"search_fts CROSS JOIN {DOC} d ON d.id = search_fts.rowid",
            where=["search_fts MATCH %s"],
            params=[expr],
            rank_sql=rank_sql,
            rank_params=rank_params,
            recency="search_fts.rowid",
            title=Match(
                from_sql=f"{titles} CROSS JOIN {DOC} d ON d.id = {titles}.rowid",
                where=[f"{titles} MATCH %s"],
                params=[title],
                rank_sql=f"highlight({titles}, 0, char(1), '')",
                recency=f"{titles}.rowid",
            ),
        )

    def similar(self, words: list[str]) -> Match:
        """Titles holding any of `words`, ranked by bm25 over the titles-and-tags index, where
        counting the titles that hold each word stays cheap."""
        expr = "{title} : (" + " OR ".join(self._q([w]) for w in words) + ")"
        return Match(
            from_sql=f"search_title_fts CROSS JOIN {DOC} d ON d.id = search_title_fts.rowid",
            where=["search_title_fts MATCH %s"],
            params=[expr],
            rank_sql="(-bm25(search_title_fts, 10.0, 4.0, 0.0))",
            recency="search_title_fts.rowid",
        )

    @staticmethod
    def _title_words(q: Query) -> tuple[str, list[Any]]:
        """`relevance` in SQL for the documents matched anywhere: the searched words the title
        holds, counted by where its words start (cheaper than `highlight` on hundreds of rows;
        stems like "deploy" in "deploying" count, accents do not fold). Documents holding every
        word in the title are also in the title set, where `highlight` counts them exactly."""
        words = [*q.words, *(w for phrase in q.phrases for w in phrase)][:12]
        if not words:
            return "1.0", []
        hits = "(" + " + ".join(["(instr(' ' || lower(d.title), %s) > 0)"] * len(words)) + ")"
        length = "(length(d.title) - length(replace(d.title, ' ', '')) + 1)"
        norm = f"({K1} * ({1 - B} + {B} * {length} / {TITLE_WORDS}.0))"
        sql = f"(1.0 + {K1 + 1} * {hits} / ({hits} + {norm}))"
        return sql, [f" {w}" for w in words] * 2

    @staticmethod
    def relevance(value: Any) -> float:
        """1 for matching at all, plus the title's part: its matched words (marked by the
        `highlight` of the title set; `_title_words` computes the same in SQL for the rest),
        saturating like bm25's term frequency and divided by the title's length against a
        typical 8 words. bm25 itself is not used here: its count of the documents holding each
        searched word walks every posting of a common word on every query, which at a million
        posts costs more than the rest of the search (docs/search.md)."""
        if isinstance(value, int | float):
            return float(value)
        hits = value.count("\x01") if value else 0
        if not hits:
            return 1.0
        length = max(1, len(_TOKENS.findall(value)))
        return 1.0 + (K1 + 1) * hits / (hits + K1 * (1 - B + B * length / TITLE_WORDS))


class PostgresEngine:
    """A stored tsvector (title A, tags B, body C) with a GIN index, and a GIN index of titles
    alone; ts_rank with weights."""

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

    def match(
        self,
        q: Query,
        *,
        prefix: bool = False,
        any_word: bool = False,
        flags: Flags = (),  # the GIN index holds no flags: the row conditions do it all
    ) -> Match:
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
        positive = self._positive(q, prefix=prefix, any_word=any_word)
        expr = f"({positive}) & {tagged}" if tagged else positive
        if excluded:
            expr = f"({expr}) & !({excluded})"
        rank = "ts_rank('{0.1, 0.2, 0.4, 1.0}', d.search_vector, to_tsquery('practica', %s), 1)"
        m = Match(
            from_sql=f"{DOC} d",
            where=["d.search_vector @@ to_tsquery('practica', %s)"],
            params=[expr],
            # weights {D, C, B, A}: body 0.2, tags 0.4, title 1; normalised by log(length)
            rank_sql=rank,
            rank_params=[expr],
            # The planner walks the primary key backwards for a common word (the newest matches
            # come first) and reads the GIN index for a rarer one.
            recency="d.id",
        )
        # The title set, from the index of titles alone (ddl.TITLE_VECTOR); tags and excluded
        # words are checked on the whole document.
        rest = " & ".join(
            [*([tagged] if tagged else []), *([f"!({excluded})"] if excluded else [])]
        )
        m.title = Match(
            from_sql=f"{DOC} d",
            where=[
                f"{TITLE_VECTOR} @@ to_tsquery('practica', %s)",
                *(["d.search_vector @@ to_tsquery('practica', %s)"] if rest else []),
            ],
            params=[positive, *([rest] if rest else [])],
            rank_sql=rank,
            rank_params=[expr],
            # "+ 0" keeps the planner off a backward walk of the primary key: titles are short
            # and few hold a word, so the walk would check many rows for each match, and a
            # word's estimate cannot tell how the titles are spread (answers have none).
            recency="(d.id + 0)",
        )
        return m

    def similar(self, words: list[str]) -> Match:
        """Questions whose title holds any of `words` (the title set of an any-word match)."""
        title = self.match(Query(words=words), any_word=True).title
        assert title is not None
        return title

    @staticmethod
    def relevance(value: Any) -> float:
        return float(value or 0)


Engine = SqliteEngine | PostgresEngine


def get_engine() -> Engine:
    if connection.vendor == "postgresql":
        return PostgresEngine()
    if connection.vendor == "sqlite":
        return SqliteEngine()
    raise RuntimeError(f"search supports SQLite and PostgreSQL, not {connection.vendor}")
