"""The full-text structures beside `search_searchdocument`, one per database vendor.

Migration 0001 installs them, 0003 the SQLite flags column and titles-and-tags index, 0004 the
PostgreSQL title index, 0005 the day words and flags in both PostgreSQL indexes, 0006 the
PostgreSQL list of words that typed prefixes expand to, 0007 the PostgreSQL index of listings
without words. A later migration that alters `search_searchdocument` on SQLite must run
`uninstall` before (Django's SQLite schema editor remakes a table to alter it, which drops its
triggers and breaks the view over it) and `install` after, then `practica search reindex`.
"""

# ruff: noqa: S608  (fixed DDL: table names are constants of this module, no input)
from __future__ import annotations

from collections.abc import Callable
from typing import Any

TABLE = "search_searchdocument"
FTS = "search_fts"
TITLES = "search_title_fts"

# Flags: a fourth indexed column of marker words, so that `tag:`, `is:solved`, `in:` and `author:`
# are intersected inside the full-text index instead of the query walking every match of a common
# word to check its row (`engines.flag_words`). The index reads them from a view over the
# table, so they are never stored twice and cannot drift from it.
FLAG_PREFIX = "qq"  # no ordinary word starts so: the markers are found only on purpose


def _flags(row: str) -> str:
    """`qqc12 qqa7 qqsolved qqtk8s qqtrollingupdate`: community, author, solved, and each tag
    without its hyphens (tags are slugs: `engines.tag_flag` makes the same word)."""
    tags = f"trim({row}.tags)"
    return (
        f"'{FLAG_PREFIX}c' || coalesce({row}.community_id, 0) || ' {FLAG_PREFIX}a' || "
        f"coalesce({row}.author_id, 0) || "
        f"CASE WHEN {row}.solved THEN ' {FLAG_PREFIX}solved' ELSE '' END || "
        f"CASE WHEN {tags} = '' THEN '' ELSE ' {FLAG_PREFIX}t' || "
        f"replace(replace({tags}, '-', ''), ' ', ' {FLAG_PREFIX}t') END"
    )


SOURCE = "search_fts_source"
_NEW = f"new.id, new.title, new.tags, new.body, {_flags('new')}"
_OLD = f"old.id, old.title, old.tags, old.body, {_flags('old')}"
SQLITE = [
    f"""CREATE VIEW IF NOT EXISTS {SOURCE} AS
        SELECT id, title, tags, body, {_flags(TABLE)} AS flags FROM {TABLE}""",
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(
        title, tags, body, flags, content='{SOURCE}', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER IF NOT EXISTS search_fts_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS}(rowid, title, tags, body, flags) VALUES ({_NEW});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_fts_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, tags, body, flags) VALUES ('delete', {_OLD});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_fts_au AFTER UPDATE ON {TABLE}
        WHEN old.title IS NOT new.title OR old.tags IS NOT new.tags OR old.body IS NOT new.body
            OR old.community_id IS NOT new.community_id OR old.author_id IS NOT new.author_id
            OR old.solved IS NOT new.solved
    BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, tags, body, flags) VALUES ('delete', {_OLD});
        INSERT INTO {FTS}(rowid, title, tags, body, flags) VALUES ({_NEW});
    END""",
    f"INSERT INTO {FTS}({FTS}, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0, 0.0)')",
    # Rebuild from the table, in case rows were there before the triggers.
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
# Titles and tags alone, for the title candidates and similar questions: this index has short
# posting lists, so bm25's per-query count of the documents holding each word (its IDF) and a
# `{title}` filter stay cheap at a million posts, where over titles, tags and bodies they do not
# (docs/search.md).
_NEW_TITLE = f"new.id, new.title, new.tags, {_flags('new')}"
_OLD_TITLE = f"old.id, old.title, old.tags, {_flags('old')}"
SQLITE_TITLES = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {TITLES} USING fts5(
        title, tags, flags, content='{SOURCE}', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER IF NOT EXISTS search_title_fts_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {TITLES}(rowid, title, tags, flags) VALUES ({_NEW_TITLE});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_title_fts_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {TITLES}({TITLES}, rowid, title, tags, flags) VALUES ('delete', {_OLD_TITLE});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_title_fts_au AFTER UPDATE ON {TABLE}
        WHEN old.title IS NOT new.title OR old.tags IS NOT new.tags
            OR old.community_id IS NOT new.community_id OR old.author_id IS NOT new.author_id
            OR old.solved IS NOT new.solved
    BEGIN
        INSERT INTO {TITLES}({TITLES}, rowid, title, tags, flags) VALUES ('delete', {_OLD_TITLE});
        INSERT INTO {TITLES}(rowid, title, tags, flags) VALUES ({_NEW_TITLE});
    END""",
    f"INSERT INTO {TITLES}({TITLES}) VALUES ('rebuild')",
]
SQLITE_TITLES_DROP = [
    "DROP TRIGGER IF EXISTS search_title_fts_ai",
    "DROP TRIGGER IF EXISTS search_title_fts_ad",
    "DROP TRIGGER IF EXISTS search_title_fts_au",
    f"DROP TABLE IF EXISTS {TITLES}",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_au",
    f"DROP TABLE IF EXISTS {FTS}",
    f"DROP VIEW IF EXISTS {SOURCE}",
]

# Titles alone (migration 0004), for the title candidates and similar questions: the weighted
# `title:A` match on `search_vector` must read every row holding the word anywhere, and the planner
# cannot tell how many hold it in the title.
_TITLE_VECTOR_0004 = "to_tsvector('practica'::regconfig, coalesce(title, ''))"
# Both GIN indexes without fastupdate: its pending list of recent entries is read linearly by
# every search until vacuum merges it (after a reindex of 100,000 posts: 5 ms per index scan).
# Each write updates the index at once instead, which costs the writer a little.
POSTGRESQL_TITLES = [
    f"""CREATE INDEX IF NOT EXISTS search_document_title ON {TABLE}
        USING GIN ({_TITLE_VECTOR_0004}) WITH (fastupdate = off)""",
    "ALTER INDEX search_document_vector SET (fastupdate = off)",
    "SELECT gin_clean_pending_list('search_document_vector'::regclass)",
]
POSTGRESQL_TITLES_DROP = ["DROP INDEX IF EXISTS search_document_title"]

# Day words and flags (migration 0005): a GIN index returns a word's matches in no order, so
# finding the newest few hundred of a word held by 1% of a million posts read all its 10,000
# rows. Both GIN indexes therefore also hold each document's creation day (UTC) as words, in
# aligned blocks of 1, 4, 16, 64, 256, 1,024 and 4,096 days: `qqd0_<day>`, `qqd2_<day / 4>`, ...
# `qqd12_<day / 4096>`, days counted from 2000-01-01. A search asks for its words AND a span's day
# words (`engines.day_words`), the newest span first, so the index itself intersects the words
# with a span of days and only that span's matches are read from the table. The same flags as
# SQLite's (`qqc<community>`, `qqa<author>`, `qqsolved` or `qqopen`, `qqt<tag>`) let `in:`,
# `author:`, `is:solved` and `tag:` narrow inside the index too. These words are in the indexed
# expression, not in the stored column: adding them costs an index build, not a rewrite of the
# table, and ranking reads `search_vector` as before. Searches use the same expressions
# (`VECTOR`, `TITLE_VECTOR`), which is how PostgreSQL knows to use the indexes.
DAY_EPOCH = "2000-01-01"
DAY_BLOCKS = (12, 10, 8, 6, 4, 2, 0)  # log2 of the block sizes in days, biggest first


def _marks(row: str) -> str:
    day = f"(({row}created_at AT TIME ZONE 'UTC')::date - DATE '{DAY_EPOCH}')"
    words = [f"'{FLAG_PREFIX}d{s}_' || ({day} >> {s})::text" for s in DAY_BLOCKS]
    words += [
        f"'{FLAG_PREFIX}c' || coalesce({row}community_id, 0)::text",
        f"'{FLAG_PREFIX}a' || coalesce({row}author_id, 0)::text",
        f"CASE WHEN {row}solved THEN '{FLAG_PREFIX}solved' ELSE '{FLAG_PREFIX}open' END",
    ]
    tags = f"trim({row}tags)"
    tag_words = (
        f"CASE WHEN {tags} = '' THEN ARRAY[]::text[] ELSE string_to_array("
        f"'{FLAG_PREFIX}t' || replace(replace({tags}, '-', ''), ' ', ' {FLAG_PREFIX}t'), ' ') END"
    )
    return f"array_to_tsvector(ARRAY[{', '.join(words)}] || {tag_words})"


def _vector(row: str) -> str:
    return f"({row}search_vector || {_marks(row)})"


def _title_vector(row: str) -> str:
    return f"(to_tsvector('practica'::regconfig, coalesce({row}title, '')) || {_marks(row)})"


VECTOR = _vector("d.")
TITLE_VECTOR = _title_vector("d.")
POSTGRESQL_VECTOR_INDEX = f"""CREATE INDEX IF NOT EXISTS search_document_vector ON {TABLE}
    USING GIN ({_vector("")}) WITH (fastupdate = off)"""
POSTGRESQL_TITLE_INDEX = f"""CREATE INDEX IF NOT EXISTS search_document_title ON {TABLE}
    USING GIN ({_title_vector("")}) WITH (fastupdate = off)"""
POSTGRESQL_DAYS = [
    "DROP INDEX IF EXISTS search_document_vector",
    "DROP INDEX IF EXISTS search_document_title",
    POSTGRESQL_VECTOR_INDEX,
    POSTGRESQL_TITLE_INDEX,
]
_POSTGRESQL_VECTOR_0001 = f"""CREATE INDEX IF NOT EXISTS search_document_vector ON {TABLE}
    USING GIN (search_vector) WITH (fastupdate = off)"""
POSTGRESQL_NO_DAYS = [
    "DROP INDEX IF EXISTS search_document_vector",
    "DROP INDEX IF EXISTS search_document_title",
    _POSTGRESQL_VECTOR_0001,
    POSTGRESQL_TITLES[0],
]

# Words (migration 0006): every lexeme the documents have held, so that a typed prefix becomes its
# words. A prefix in a tsquery (`prob:*`) makes GIN gather every posting of every word that starts
# so before it can intersect anything (8 ms for "prob" at a million posts, again for each span of
# days); the same words written out (`'probe' | 'problem'`) are exact entries, which GIN skips
# through alongside a span's rare day words (`engines.PostgresEngine.completions`). The list must
# hold every word a document holds, or a prefix would miss matches: the triggers add a statement's
# new words in the same transaction as its rows. There is no unique constraint on purpose: two
# writers adding the same new word then never wait for each other (with one, the second would wait
# for the first to commit, and two transactions adding new words in opposite orders would
# deadlock); the rare duplicate costs nothing. Words are never removed: a word no document holds
# any more matches nothing. The words of private documents are here too, and harmless: a prefix
# expands to all of its words or stays a prefix, which find the same documents, and the words
# themselves are never shown.
WORDS = "search_word"
# The indexed words missing from the list (ts_stat lists a column's distinct lexemes): all of them
# when the migration fills it, those that writes skipping the triggers left out after
# (`indexing.unlisted_words`, `indexing.list_words`).
UNLISTED_WORDS = f"""SELECT indexed.word FROM ts_stat('SELECT search_vector FROM {TABLE}') indexed
    WHERE NOT EXISTS (SELECT FROM {WORDS} listed WHERE listed.word = indexed.word)"""
POSTGRESQL_WORDS = [
    f'CREATE TABLE IF NOT EXISTS {WORDS} (word text COLLATE "C" NOT NULL)',
    f"CREATE INDEX IF NOT EXISTS search_word_word ON {WORDS} (word)",
    # EXECUTE plans the statement each time: PL/pgSQL would keep the plan made when the list
    # was empty (a scan of it per new word), which at 50,000 words took 4 s per 500 documents.
    # An update only lists the words of rows whose words changed (indexing rewrites a whole row
    # after each vote or answer).
    f"""CREATE OR REPLACE FUNCTION search_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        changed text := CASE WHEN TG_OP = 'UPDATE' THEN 'JOIN old_rows ON old_rows.id = new_rows.id
            AND old_rows.search_vector IS DISTINCT FROM new_rows.search_vector' ELSE '' END;
    BEGIN
        EXECUTE 'INSERT INTO {WORDS} (word)
            SELECT DISTINCT lexeme.word
            FROM new_rows ' || changed || '
            CROSS JOIN LATERAL unnest(tsvector_to_array(new_rows.search_vector)) AS lexeme(word)
            WHERE NOT EXISTS (SELECT FROM {WORDS} known WHERE known.word = lexeme.word)';
        RETURN NULL;
    END $$""",
    # One trigger per event: PostgreSQL allows transition tables on single-event triggers only.
    f"""CREATE OR REPLACE TRIGGER search_words_ai AFTER INSERT ON {TABLE}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_add()""",
    f"""CREATE OR REPLACE TRIGGER search_words_au AFTER UPDATE ON {TABLE}
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION search_words_add()""",
    # The words of the documents already there.
    f"INSERT INTO {WORDS} (word) {UNLISTED_WORDS}",
    f"ANALYZE {WORDS}",
]
POSTGRESQL_WORDS_DROP = [
    f"DROP TRIGGER IF EXISTS search_words_ai ON {TABLE}",
    f"DROP TRIGGER IF EXISTS search_words_au ON {TABLE}",
    "DROP FUNCTION IF EXISTS search_words_add()",
    f"DROP TABLE IF EXISTS {WORDS}",
]

# Listings without words (migration 0007): a search of filters alone (`kind:question`,
# `tag:helm is:solved`) lists the newest activity first. Without an index in that order,
# PostgreSQL read every row that passed the filters and sorted them: 0.4 s for `kind:question`
# at a million posts. Walking this index backwards, it stops once it has a page (4 ms); narrow
# filters (`in:` one community, `author:`) keep the scope and author indexes, as the planner
# chooses. PostgreSQL only: SQLite's planner, without statistics, would walk it for narrow
# filters too.
POSTGRESQL_ACTIVITY = [
    f"""CREATE INDEX IF NOT EXISTS search_doc_activity ON {TABLE} (last_activity_at, id)
        WHERE NOT deleted""",
]
POSTGRESQL_ACTIVITY_DROP = ["DROP INDEX IF EXISTS search_doc_activity"]

# A text search configuration "practica": English stemming, and accents folded when the unaccent
# extension can be had (it ships with PostgreSQL's contrib; creating it needs the right privilege).
POSTGRESQL = [
    """DO $$ BEGIN
        CREATE EXTENSION IF NOT EXISTS unaccent;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'practica search: no unaccent extension, accents are not folded';
    END $$""",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'practica') THEN
            CREATE TEXT SEARCH CONFIGURATION practica (COPY = english);
            IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
                ALTER TEXT SEARCH CONFIGURATION practica
                    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
            END IF;
        END IF;
    END $$""",
    f"""ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('practica'::regconfig, coalesce(title, '')), 'A')
            || setweight(to_tsvector('practica'::regconfig, coalesce(tags, '')), 'B')
            || setweight(to_tsvector('practica'::regconfig, left(coalesce(body, ''), 100000)), 'C')
        ) STORED""",
    # Today's indexes (0001 runs on a new database: 0004 and 0005 then find them made)
    POSTGRESQL_VECTOR_INDEX,
    POSTGRESQL_TITLE_INDEX,
]
POSTGRESQL_DROP = [
    *POSTGRESQL_TITLES_DROP,
    "DROP INDEX IF EXISTS search_document_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor: Any, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql, params=None)


def install(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE + SQLITE_TITLES)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL)


def uninstall(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_TITLES_DROP + SQLITE_DROP)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_DROP)


def _on(vendor: str, statements: list[str]) -> Callable[[Any, Any], None]:
    """A migration's RunPython function: `statements` on `vendor`'s database, nothing on the
    other."""

    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == vendor:
            _run(schema_editor, statements)

    return run


# Migration 0003 on SQLite: the full-text index again, now with its flags column (the table is
# the same: nothing to reindex), and the titles-and-tags index beside it; back to 0002 without
# the titles-and-tags index (the flags column stays, unused).
flags_and_titles = _on("sqlite", SQLITE_TITLES_DROP + SQLITE_DROP + SQLITE + SQLITE_TITLES)
titles_only = _on("sqlite", SQLITE_TITLES_DROP)
# Migration 0004 on PostgreSQL: the GIN index of titles alone.
postgresql_titles = _on("postgresql", POSTGRESQL_TITLES)
no_postgresql_titles = _on("postgresql", POSTGRESQL_TITLES_DROP)
# Migration 0005 on PostgreSQL: both GIN indexes again, now with day words and flags.
postgresql_days = _on("postgresql", POSTGRESQL_DAYS)
no_postgresql_days = _on("postgresql", POSTGRESQL_NO_DAYS)
# Migration 0006 on PostgreSQL: the list of words that prefixes expand to.
postgresql_words = _on("postgresql", POSTGRESQL_WORDS)
no_postgresql_words = _on("postgresql", POSTGRESQL_WORDS_DROP)
# Migration 0007 on PostgreSQL: the index of listings without words.
postgresql_activity = _on("postgresql", POSTGRESQL_ACTIVITY)
no_postgresql_activity = _on("postgresql", POSTGRESQL_ACTIVITY_DROP)
