"""Typed reading of the environment: every setting Practica takes, with its documented default.

`SETTINGS` is the single list; `settings.py` reads it, `practica check` reports on it and the README's
configuration table is written from the same descriptions.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(os.environ.get("PRACTICA_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("PRACTICA_VAR_DIR", BASE_DIR / "var")).resolve()


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        "sqlite:///var/practica.sqlite3",
        "Database. SQLite (WAL, busy timeout, immediate transactions) unless a postgres:// URL.",
    ),
    Setting(
        "REDIS_URL", "", "Redis for the cache and the real-time channel layer; empty: in-process."
    ),
    Setting(
        "SECRET_KEY",
        "(generated into var/secret_key)",
        "Signing key. When unset, one is generated once and kept in var/secret_key.",
    ),
    Setting("DEBUG", "false", "Django debug pages. Never in production."),
    Setting("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]", "Comma-separated host names served."),
    Setting(
        "EMAIL_URL",
        "console://",
        "Outgoing mail: console:// prints, smtp://user:pass@host:587 (smtps:// for TLS).",
    ),
    Setting("SITE_URL", "http://127.0.0.1:8000", "Public base URL, used in emails and API `url`s."),
    Setting("DEFAULT_FROM_EMAIL", "Practica <practica@localhost>", "Sender of outgoing mail."),
    Setting("MEDIA_MAX_UPLOAD_MB", "5", "Largest accepted image upload, in megabytes."),
    Setting(
        "NETGUARD_ALLOW_HOSTS",
        "",
        "Comma-separated host names webhooks may reach although they resolve to private "
        "addresses (an internal chat server). Empty: only public addresses.",
    ),
    Setting(
        "SEMANTIC_SEARCH",
        "auto",
        "auto: search by meaning too when the extra practica[semantic] is installed; off: words only.",
    ),
    Setting(
        "HTTP_THREADS",
        "8",
        "Threads per `practica serve` process running requests, each keeping a database "
        "connection.",
    ),
)


def get(name: str, default: str | None = None) -> str:
    for s in SETTINGS:
        if s.name == name:
            return os.environ.get(name, s.default if default is None else default)
    return os.environ.get(name, default or "")


def get_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def get_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_key() -> str:
    """The SECRET_KEY from the environment, or one generated once and kept under var/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Write through a new file with owner-only permissions, so another process never reads half a key.
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    os.replace(tmp, path)
    return path.read_text().strip()


def secret_key_is_generated() -> bool:
    return not os.environ.get("SECRET_KEY")
