import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from practica.accounts.models import ApiToken, User
from practica.cli import main


def run_cli(*argv: str) -> int:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    return exc.value.code


def test_createuser_makes_a_verified_admin(db, capsys):
    assert (
        run_cli(
            "createuser",
            "--email",
            "Root@Example.test",
            "--password",
            "pw-long-enough",
            "--admin",
            "--name",
            "Root",
        )
        == 0
    )
    user = User.objects.get(email="root@example.test")
    assert user.is_superuser and user.is_staff and user.check_password("pw-long-enough")
    assert user.emailaddress_set.get().verified
    assert "Created root@example.test" in capsys.readouterr().out


def test_createuser_refuses_a_duplicate_clearly(db, capsys, user_factory):
    user_factory(email="dup@example.test")
    assert run_cli("createuser", "--email", "dup@example.test", "--password", "x") == 2
    assert "already uses this email" in capsys.readouterr().err


def test_token_create_prints_a_working_token_once(db, capsys, user_factory, client):
    user = user_factory(email="bot@example.test")
    assert run_cli("token", "create", "--email", "bot@example.test", "--name", "bot") == 0
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("pra_")
    assert ApiToken.objects.get(user=user).name == "bot"
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.json()["id"] == user.pk


def test_token_create_for_an_unknown_email_fails(db, capsys):
    assert run_cli("token", "create", "--email", "nobody@example.test") == 2
    assert "no active user" in capsys.readouterr().err


def test_check_reports_an_unsafe_production_configuration(db, settings, capsys):
    settings.DEBUG = True
    settings.SITE_URL = "http://example.org"
    settings.ALLOWED_HOSTS = ["*"]
    assert run_cli("check") == 1
    out = capsys.readouterr().out
    assert "DEBUG is on" in out and "https" in out and "ALLOWED_HOSTS" in out


def test_check_passes_a_safe_configuration(db, settings, capsys, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    settings.DEBUG = False
    settings.SITE_URL = "https://practica.example.org"
    settings.ALLOWED_HOSTS = ["practica.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert run_cli("check") == 0
    assert "ERROR" not in capsys.readouterr().out


def _practica(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env["PRACTICA_VAR_DIR"] = str(tmp_path / "var")
    env["SEMANTIC_SEARCH"] = "off"  # the demo indexes its posts: no model to load for that here
    return subprocess.run(  # noqa: S603  (our own command, fixed arguments)
        [sys.executable, "-m", "practica", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_migrate_demo_backup_and_restore_on_a_fresh_sqlite_file(tmp_path):
    assert _practica(tmp_path, "migrate", "--quiet").returncode == 0
    first = _practica(tmp_path, "demo")
    assert "12 people and 4 communities added, 22 threads started" in first.stdout
    db_file = tmp_path / "var" / "practica.sqlite3"
    with sqlite3.connect(db_file) as conn:  # searchable before any worker has run
        found = "SELECT count(*) FROM search_fts WHERE search_fts MATCH 'kubernetes'"
        assert conn.execute(found).fetchone()[0] > 0
    again = _practica(tmp_path, "demo")
    assert again.returncode == 0 and "nothing to add" in again.stdout
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o077 == 0

    backup = tmp_path / "backup.sqlite3"
    assert _practica(tmp_path, "backup", str(backup)).returncode == 0
    with sqlite3.connect(db_file) as conn:
        conn.execute("DELETE FROM communities_membership")
    restored = _practica(tmp_path, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("SELECT count(*) FROM communities_membership").fetchone()[0] > 0
        solved = "SELECT count(*) FROM discussions_thread WHERE accepted_answer_id IS NOT NULL"
        assert conn.execute(solved).fetchone()[0] > 0

    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database")
    refused = _practica(tmp_path, "restore", str(junk))
    assert refused.returncode == 2 and "not a sound SQLite database" in refused.stderr
