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
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from practica.search.ddl import (
    DAY_BLOCKS,
    DAY_EPOCH,
    FLAG_PREFIX,
    TITLE_VECTOR,
    VECTOR,
    WORDS,
)
from practica.search.query import Query

DOC = "search_searchdocument"


@dataclass
class Match:
    from_sql: str
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    # what the engine's `relevance` turns into a number (bigger is better)
    rank_sql: str = "0"
    rank_params: list[Any] = field(default_factory=list)
    newest: str = "d.id DESC"  # ORDER BY for newest first: how the candidate sets are bounded
    spans: Spans | None = None  # the matches a span of days at a time (PostgreSQL)
    title: Match | None = None  # the same words matched in titles: the second candidate set


@dataclass
class Spans:
    """The matches split by age, newest first, so that the newest are found without reading the
    older ones: spans of days that the index can pick out by itself (PostgreSQL's day words),
    then the rest."""

    vector: str  # the GIN-indexed expression holding the day words (ddl.VECTOR, TITLE_VECTOR)
    days: list[str]  # each span's day words (a tsquery), newest span first
    rest: str  # a row is in none of the spans
    rest_params: list[Any] = field(default_factory=list)

    @property
    def condition(self) -> str:
        """A row is in the span whose day words are `span.days` (`selectors._newest`)."""
        return f"{self.vector} @@ span.days"


_TOKENS = re.compile(r"[^\W_]+")
# The title's part of SQLite's relevance, as bm25 weighs a word's frequency: saturation K1,
# length normalisation B against a typical title of TITLE_WORDS words (`SqliteEngine.relevance`).
K1, B, TITLE_WORDS = 1.2, 0.75, 8


def tag_flag(tag: str) -> str:
    """The flag word for tag `tag` (a slug), as ddl.py writes it."""
    return f"{FLAG_PREFIX}t{tag.replace('-', '')}"


# Groups of flags a match must have: one of each group ("solved"; "c12", "c40"; "a7"): ddl.py.
Flags = Sequence[Sequence[str]]


def flag_words(q: Query, flags: Flags) -> list[list[str]]:
    """The flag words (ddl.py) a match must hold, one of each group: each tag's, then those of
    `flags` (in:, author:, is:solved). Both engines index them; the row conditions decide."""
    groups = [[tag_flag(t)] for t in q.tags if t.replace("-", "")]
    return groups + [[f"{FLAG_PREFIX}{flag}" for flag in group] for group in flags if group]


def _any_of(words: list[str], op: str) -> str:
    return words[0] if len(words) == 1 else "(" + f" {op} ".join(words) + ")"


# The header's search treats the last word as a prefix once it has this many characters: one or
# two letters would match a good part of the vocabulary (`c:*` read half a second of postings at a
# million posts), and are searched as words until the third is typed.
MIN_PREFIX = 3


def typed_prefix(q: Query, prefix: bool) -> bool:
    """Whether `q`'s last word is searched as a prefix: with `prefix` (the header's search), no
    phrase, at least MIN_PREFIX characters, and not the start of a flag word (`qqs` would match
    the flags of every solved post: ddl.py), which is searched as a word."""
    if not (prefix and q.words and not q.phrases):
        return False
    last = q.words[-1].lower()
    return len(last) >= MIN_PREFIX and not last.startswith(FLAG_PREFIX)


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
        if typed_prefix(q, prefix):
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
        narrow = [_any_of([self._q([w]) for w in group], "OR") for group in flag_words(q, flags)]
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
                newest="search_fts.rowid DESC",
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
            newest="search_fts.rowid DESC",
            title=Match(
                from_sql=f"{titles} CROSS JOIN {DOC} d ON d.id = {titles}.rowid",
                where=[f"{titles} MATCH %s"],
                params=[title],
                rank_sql=f"highlight({titles}, 0, char(1), '')",
                newest=f"{titles}.rowid DESC",
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
            newest="search_title_fts.rowid DESC",
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


_EPOCH = date.fromisoformat(DAY_EPOCH)
# The spans of days a PostgreSQL search reads newest first, as about how many days before today
# each reaches back to (`day_spans` starts each on a block boundary): today and yesterday (and
# tomorrow, for a clock ahead of ours), then the 4 days before, then 10, 24, 60, 150, 350, 900,
# 2,500 and 6,000 (27 years back in all); then the rest (older, or dated after tomorrow), found
# through the index on the creation date. Each span is 2 to 2.7 times the last (a little more
# where it starts on a block), so a search reads at most about three times the matches it needs.
SPANS = (2, 6, 16, 40, 100, 250, 600, 1500, 4000, 10000)
# A typed prefix left as one (`chan:*`: more than COMPLETIONS words start so) makes the index
# gather every posting of every word that starts so, again for each span (8 ms for "chan" at a
# million posts): fewer, longer spans, so that a common prefix is gathered once, a rarer one
# (cheap to gather) a few times.
PREFIX_SPANS = (16, 100, 600, 1500, 4000, 10000)


def day_words(first: int, last: int) -> list[str]:
    """The fewest day words (ddl.py: aligned blocks of 1 to 4,096 days) that cover the days
    `first` to `last` (counted from DAY_EPOCH), each once."""
    words, day = [], first
    while day <= last:
        size = next(s for s in DAY_BLOCKS if day % (1 << s) == 0 and day + (1 << s) - 1 <= last)
        words.append(f"{FLAG_PREFIX}d{size}_{day >> size}")
        day += 1 << size
    return words


def day_spans(vector: str, today: date, spans: Sequence[int] = SPANS) -> Spans:
    """`Match.spans` over the GIN-indexed `vector` (ddl.VECTOR or ddl.TITLE_VECTOR): the `spans`
    of days back from `today` (UTC), then whatever was created outside them."""
    n = (today - _EPOCH).days
    days, newest, reached = [], n + 1, -1
    for back in spans:
        # Start each span on a block of about a quarter of its length or less: it then takes a
        # handful of day words, and every word costs the index a step for each match it checks.
        block = next((1 << s for s in DAY_BLOCKS if (1 << s) * 4 <= back - reached), 1)
        oldest = (n - back + 1) // block * block
        days.append(" | ".join(f"'{w}'" for w in day_words(oldest, newest)))
        newest, reached = oldest - 1, back
    start = datetime.combine(_EPOCH + timedelta(days=newest + 1), datetime.min.time(), UTC)
    end = datetime.combine(today + timedelta(days=2), datetime.min.time(), UTC)
    return Spans(
        vector=vector,
        days=days,
        rest="(d.created_at < %s OR d.created_at >= %s)",
        rest_params=[start, end],
    )


# A typed prefix with at most this many words (ddl.WORDS) is searched as those words; one with
# more, or none, as a prefix (`chan:*`): both find the same documents (`PostgresEngine.completions`).
# Written out costs about 0.2 ms a word at a million posts, as a prefix 160-450 ms for a prefix of
# hundreds of words (`con`, 248: 40 ms against 166).
# The words that start so are those from the prefix up to the prefix followed by the last code
# point, U+10FFFF, in byte order ("C"): Django's PostgreSQL databases are UTF-8.
COMPLETIONS = 512
_COMPLETIONS = f"""SELECT w.word
    FROM (SELECT tsvector_to_array(to_tsvector('practica', %s)) AS lexemes) typed
    CROSS JOIN LATERAL (
        SELECT DISTINCT word FROM {WORDS}
        WHERE word >= typed.lexemes[1] AND word < typed.lexemes[1] || chr(1114111)
        ORDER BY word LIMIT %s
    ) w
    WHERE cardinality(typed.lexemes) = 1"""  # noqa: S608  (a constant table name)


def _lexeme(word: str) -> str:
    """`word` as a quoted lexeme of tsquery's input syntax (the words of ddl.WORDS come from
    documents, so they may hold quotes and backslashes)."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgresEngine:
    """A stored tsvector (title A, tags B, body C) and titles alone, each in a GIN index with
    the documents' day words and flags (ddl.py); ts_rank with weights."""

    vendor = "postgresql"

    @staticmethod
    def _q(words: list[str], *, prefix: bool = False) -> str:
        # letters and digits only: nothing to escape
        lexemes = [f"'{w}'" for w in words]
        if prefix:
            lexemes[-1] = f"'{words[-1]}':*"
        return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"

    @staticmethod
    def completions(word: str) -> list[str] | None:
        """The indexed words (ddl.WORDS) that start as `word` does once normalised (stemmed,
        accents folded, as `to_tsquery` would), when there are 1 to COMPLETIONS of them; else
        None. GIN skips through exact words alongside a span's day words, where a prefix makes it
        gather every posting of every completion first (ddl.py, "Words")."""
        with connection.cursor() as cursor:
            cursor.execute(_COMPLETIONS, [word, COMPLETIONS + 1])
            words = [row[0] for row in cursor.fetchall()]
        return words if 0 < len(words) <= COMPLETIONS else None

    def _positive(self, q: Query, *, prefix: bool, any_word: bool) -> str:
        parts = [self._q([w]) for w in q.words]
        if typed_prefix(q, prefix):
            parts[-1] = self._q([q.words[-1]], prefix=True)
        parts += [self._q(p) for p in q.phrases]
        return (" | " if any_word else " & ").join(parts)

    def _written_out(self, q: Query, *, any_word: bool) -> tuple[str, list[Any]] | None:
        """The words a match needs with the typed prefix (the last word) written out as its
        completions, as SQL for a tsquery and its parameters; None when it stays a prefix."""
        completions = self.completions(q.words[-1])
        if completions is None:
            return None
        written = " | ".join(_lexeme(w) for w in completions)
        before = self._positive(Query(words=q.words[:-1]), prefix=False, any_word=any_word)
        if not before:
            return "%s::tsquery", [written]
        both = "||" if any_word else "&&"
        return f"(to_tsquery('practica', %s) {both} %s::tsquery)", [before, written]

    def match(
        self,
        q: Query,
        *,
        prefix: bool = False,
        any_word: bool = False,
        flags: Flags = (),
    ) -> Match:
        excluded = " | ".join(self._q(e) for e in q.excluded)
        # The flags of `tag:`, `in:`, `author:` and `is:solved`, so the index narrows to the
        # documents that have them; the row conditions then decide.
        marks = " & ".join(_any_of([f"'{w}'" for w in g], "|") for g in flag_words(q, flags))
        narrow = ["%s::tsquery"] if marks else []
        narrow_params: list[Any] = [marks] if marks else []
        if not q.has_text:
            m = Match(from_sql=f"{DOC} d")
            if narrow:
                m.where.append(f"{VECTOR} @@ ({' && '.join(narrow)})")
                m.params += narrow_params
            if excluded:
                m.where.append("NOT (d.search_vector @@ to_tsquery('practica', %s))")
                m.params.append(excluded)
            return m
        positive = self._positive(q, prefix=prefix, any_word=any_word)
        expr = f"({positive}) & !({excluded})" if excluded else positive
        # What the indexes match: the same, with a typed prefix written out as its words when
        # it has a few (`completions`). Ranking keeps the prefix, so the order is the same too.
        # (A prefix never reaches the flag and day words, which the list leaves out: it has
        # three letters or more and does not start as they do: `typed_prefix`.)
        typed = typed_prefix(q, prefix)
        written = self._written_out(q, any_word=any_word) if typed else None
        found, found_params = "to_tsquery('practica', %s)", [expr]
        titled, titled_params = "to_tsquery('practica', %s)", [positive]
        if written:
            titled, titled_params = written
            found, found_params = written[0], [*written[1]]
            if excluded:
                found = f"({found} && !!to_tsquery('practica', %s))"
                found_params.append(excluded)
        rank = "ts_rank('{0.1, 0.2, 0.4, 1.0}', d.search_vector, to_tsquery('practica', %s), 1)"
        # Newest first by creation (the day words are creation days); id breaks ties.
        newest = "d.created_at DESC, d.id DESC"
        today = timezone.now().astimezone(UTC).date()
        ladder = PREFIX_SPANS if typed and not written else SPANS
        # Only when the words are more than stop words (which PostgreSQL does not index): a
        # query of stop words finds nothing, whatever its filters (docs/search.md).
        some_words = "numnode(to_tsquery('practica', %s)) > 0"
        m = Match(
            from_sql=f"{DOC} d",
            where=[some_words, f"{VECTOR} @@ ({' && '.join([found, *narrow])})"],
            params=[positive, *found_params, *narrow_params],
            # weights {D, C, B, A}: body 0.2, tags 0.4, title 1; normalised by log(length)
            rank_sql=rank,
            rank_params=[expr],
            newest=newest,
            spans=day_spans(VECTOR, today, ladder),
        )
        assert m.spans is not None
        # The title set, from the index of titles alone (ddl.TITLE_VECTOR, with the same flags);
        # excluded words are checked on the whole document.
        rest = ["!!to_tsquery('practica', %s)"] if excluded else []
        m.title = Match(
            from_sql=f"{DOC} d",
            where=[
                some_words,
                f"{TITLE_VECTOR} @@ ({' && '.join([titled, *narrow])})",
                *([f"d.search_vector @@ ({' && '.join(rest)})"] if rest else []),
            ],
            params=[positive, *titled_params, *narrow_params, *([excluded] if excluded else [])],
            rank_sql=rank,
            rank_params=[expr],
            newest=newest,
            spans=replace(m.spans, vector=TITLE_VECTOR),  # the same days, over the titles
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
