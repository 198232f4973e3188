"""The `practica` command: serve, worker, migrate, demo, createuser, token, check, backup, restore,
search.

Anything else is handed to Django's management commands (`practica manage <command> ...`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practica.config.settings")
    import django

    django.setup()


def _call(*args: str, **options) -> None:
    from django.core.management import call_command

    call_command(*args, **options)


def _worker(worker_id: str, interval: float) -> Any:
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["*"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def _worker_id(kind: str) -> str:
    import socket

    return f"{kind}-{socket.gethostname()}-{os.getpid()}"[:64]


def _start_inprocess_worker() -> threading.Thread:
    """Run tasks, and fire due scheduled jobs, in threads of this server process."""
    from practica.core import scheduler

    worker_id = _worker_id("inprocess")
    scheduler.start_ticker(worker_id=worker_id)
    thread = threading.Thread(
        target=_worker(worker_id, 1.0).run, name="practica-worker", daemon=True
    )
    thread.start()
    return thread


def cmd_serve(args: argparse.Namespace) -> int:
    _setup()
    import uvicorn

    if not args.no_worker:
        _start_inprocess_worker()
    uvicorn.run(
        "practica.config.asgi:application",
        host=args.host,
        port=args.port,
        workers=args.workers if args.workers > 1 else None,
        log_level=args.log_level,
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
        lifespan="off",
        # Browsers ask for permessage-deflate; its zlib state costs ~30 KB per WebSocket and
        # compressing each small event frame per socket costs CPU (docs/decisions.md).
        ws_per_message_deflate=False,
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run background tasks until stopped; a ticker thread fires due scheduled jobs (digests,
    retries, clean-up), each once per period however many workers run (core/scheduler.py)."""
    _setup()
    from practica.core import scheduler

    worker_id = _worker_id("worker")
    worker = _worker(worker_id, args.interval)
    worker.configure_signals()
    scheduler.start_ticker(worker_id=worker_id)
    worker.run()
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    _setup()
    _call("migrate", "--no-input", verbosity=0 if args.quiet else 1)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _setup()
    from practica.demo import DEMO_PASSWORD, NOTHING_TO_ADD, demo_logins, load_demo

    loaded = load_demo()
    print(loaded)
    if loaded != NOTHING_TO_ADD:
        # Its posts queued their indexing for the worker, which starts with `practica serve`:
        # index now, so that search finds them from the first page served (the queued tasks then
        # find nothing to change). Run again on loaded data, `make run` indexes nothing.
        from practica.search import indexing

        print(f"Search index: {indexing.reindex_all():,} documents.")
    print(f"\nDemo log-ins (every password is {DEMO_PASSWORD}):")
    for email, name in demo_logins():
        print(f"  {email:28} {name}")
    print("  ada@northwind.example is also a site administrator (/admin/).")
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    _setup()
    from django.core.exceptions import ValidationError

    from practica.accounts.services import user_create

    try:
        user = user_create(
            email=args.email, password=args.password, name=args.name or "", is_admin=args.admin
        )
    except ValidationError as exc:
        print(f"error: {' '.join(exc.messages)}", file=sys.stderr)
        return 2
    print(
        f"Created {user.email} (@{user.handle}){' as a site administrator' if args.admin else ''}."
    )
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    _setup()
    from django.core.exceptions import ValidationError

    from practica.accounts.models import User
    from practica.accounts.services import token_create

    user = User.objects.filter(email__iexact=args.email, is_active=True).first()
    if user is None:
        print(f"error: no active user with email {args.email}", file=sys.stderr)
        return 2
    try:
        token, secret = token_create(user=user, name=args.name)
    except ValidationError as exc:
        print(f"error: {' '.join(exc.messages)}", file=sys.stderr)
        return 2
    print(secret)
    print(f"Token “{token.name}” for {user.email}. It is shown only this once.", file=sys.stderr)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    _setup()
    from practica.core.deploycheck import run_checks

    problems = run_checks(production=not args.dev)
    for level, text in problems:
        print(f"{level}: {text}")
    errors = [p for p in problems if p[0] == "ERROR"]
    if not problems:
        print("OK: no problems found.")
    return 1 if errors else 0


def _db() -> Any:
    from django.conf import settings

    return settings.DATABASES["default"]


def cmd_backup(args: argparse.Namespace) -> int:
    _setup()
    db, target = _db(), Path(args.path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    if db["ENGINE"].endswith("sqlite3"):
        # SQLite's online backup copies a consistent snapshot while the server keeps running.
        src = sqlite3.connect(db["NAME"])
        dst = sqlite3.connect(target)
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        print(f"Backed up {db['NAME']} to {target}.")
        return 0
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        print("error: pg_dump is not installed (see docs/deploy.md).", file=sys.stderr)
        return 2
    subprocess.run(  # noqa: S603  (fixed arguments; the URL is the operator's own)
        [
            pg_dump,
            "--format=custom",
            "--no-owner",
            f"--file={target}",
            os.environ["DATABASE_URL"],
        ],
        check=True,
    )
    print(f"Backed up the PostgreSQL database to {target} (pg_dump custom format).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    _setup()
    db, source = _db(), Path(args.path).resolve()
    if not source.exists():
        print(f"error: {source} does not exist.", file=sys.stderr)
        return 2
    if db["ENGINE"].endswith("sqlite3"):
        check = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        except sqlite3.DatabaseError:
            ok = False
        finally:
            check.close()
        if not ok:
            print(f"error: {source} is not a sound SQLite database.", file=sys.stderr)
            return 2
        src = sqlite3.connect(source)
        dst = sqlite3.connect(db["NAME"])
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        print(f"Restored {db['NAME']} from {source}. Run `practica migrate` if it is older.")
        return 0
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        print("error: pg_restore is not installed (see docs/deploy.md).", file=sys.stderr)
        return 2
    subprocess.run(  # noqa: S603  (fixed arguments; the URL is the operator's own)
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            f"--dbname={os.environ['DATABASE_URL']}",
            str(source),
        ],
        check=True,
    )
    print(f"Restored the PostgreSQL database from {source}.")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["practica manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="practica", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("serve", help="serve the site (ASGI) with an in-process task worker")
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    p.add_argument("--no-worker", action="store_true", help="do not run background tasks here")
    p.add_argument("--log-level", default="info")
    p.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        help="proxies trusted for X-Forwarded-* headers",
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run background tasks")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("migrate", help="create or update the database tables")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_migrate)

    sub.add_parser("demo", help="load the demo organisation (idempotent)").set_defaults(
        func=cmd_demo
    )

    p = sub.add_parser("createuser", help="create a user who can sign in")
    p.add_argument("--email", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--name")
    p.add_argument("--admin", action="store_true", help="a site administrator")
    p.set_defaults(func=cmd_createuser)

    p = sub.add_parser("token", help="personal access tokens")
    tsub = p.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    t = tsub.add_parser("create", help="print a new token for a user (shown once)")
    t.add_argument("--email", required=True)
    t.add_argument("--name", default="Command line")
    t.set_defaults(func=cmd_token)

    p = sub.add_parser("check", help="configuration and deployment checks")
    p.add_argument("--dev", action="store_true", help="judge as a development set-up")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backup", help="back up the database to PATH")
    p.add_argument("path")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore the database from PATH (stop the server first)")
    p.add_argument("path")
    p.set_defaults(func=cmd_restore)

    from practica.search.cli import add_parser as add_search_parser

    add_search_parser(sub, _setup)  # `practica search reindex|check`, kept with the search app

    p = sub.add_parser("manage", help="run a Django management command")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    sys.exit(args.func(args))
