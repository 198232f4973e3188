"""`practica check`: what makes a configuration unsafe or fragile in production."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from practica.config import env


def run_checks(*, production: bool = True) -> list[tuple[str, str]]:
    """(level, text) pairs; level is ERROR (unsafe), WARNING (fragile) or INFO."""
    out: list[tuple[str, str]] = []
    for msg in checks.run_checks(include_deployment_checks=production):
        if msg.level >= checks.ERROR:
            out.append(("ERROR", f"{msg.id}: {msg.msg}"))
        elif msg.level >= checks.WARNING and production and msg.id not in _COVERED:
            out.append(("WARNING", f"{msg.id}: {msg.msg}"))
    if not production:
        return out
    if settings.DEBUG:
        out.append(("ERROR", "DEBUG is on: error pages would show code and settings. Unset DEBUG."))
    if env.secret_key_is_generated():
        out.append(
            (
                "WARNING",
                "SECRET_KEY is generated into var/secret_key; set SECRET_KEY so "
                "every server process and every restore uses the same key.",
            )
        )
    if not settings.SITE_URL.startswith("https://"):
        out.append(
            (
                "ERROR",
                f"SITE_URL is {settings.SITE_URL}: serve Practica over https so "
                "passwords and session cookies are encrypted.",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        out.append(("ERROR", "ALLOWED_HOSTS contains '*': name the host names you serve."))
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        out.append(
            (
                "WARNING",
                "EMAIL_URL is unset: verification and invitation emails are only "
                "printed to the console.",
            )
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        out.append(
            (
                "INFO",
                "The database is SQLite: fine for one server; use PostgreSQL "
                "(DATABASE_URL) for several.",
            )
        )
    if not settings.REDIS_URL:
        out.append(
            (
                "INFO",
                "REDIS_URL is unset: rate limits and real-time events stay inside one "
                "process; set it when you run several.",
            )
        )
    return out


# Deployment warnings that the checks above already explain in Practica's words.
_COVERED = {
    "security.W004",
    "security.W008",
    "security.W012",
    "security.W016",
    "security.W018",
    "security.W009",
}
