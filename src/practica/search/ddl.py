"""The full-text structures beside `search_searchdocument`, one per database vendor.

Migration 0002 installs them; call `install(schema_editor)` again from any later migration that
rebuilds the table on SQLite (Django's SQLite schema editor remakes a table to alter it, which drops
its triggers), then `practica search reindex`.
"""

# ruff: noqa: S608  (fixed DDL: table names are constants of this module, no input)
from __future__ import annotations

from typing import Any

TABLE = "search_searchdocument"
FTS = "search_fts"
# Title over tags over body (bm25 column weights; PostgreSQL: weights A, B, C).
BM25 = "bm25(search_fts, 10.0, 4.0, 1.0)"

SQLITE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(
        title, tags, body, content='{TABLE}', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER IF NOT EXISTS search_fts_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS}(rowid, title, tags, body) VALUES (new.id, new.title, new.tags, new.body);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_fts_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, tags, body)
            VALUES ('delete', old.id, old.title, old.tags, old.body);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_fts_au AFTER UPDATE ON {TABLE}
        WHEN old.title IS NOT new.title OR old.tags IS NOT new.tags OR old.body IS NOT new.body
    BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, tags, body)
            VALUES ('delete', old.id, old.title, old.tags, old.body);
        INSERT INTO {FTS}(rowid, title, tags, body) VALUES (new.id, new.title, new.tags, new.body);
    END""",
    f"INSERT INTO {FTS}({FTS}, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0)')",
    # Rebuild from the table, in case rows were there before the triggers.
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_au",
    f"DROP TABLE IF EXISTS {FTS}",
]

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
    f"CREATE INDEX IF NOT EXISTS search_document_vector ON {TABLE} USING GIN (search_vector)",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS search_document_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor: Any, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql, params=None)


def install(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL)


def uninstall(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_DROP)
