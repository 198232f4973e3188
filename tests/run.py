"""Run the suite on SQLite, then again on PostgreSQL when PRACTICA_TEST_DATABASE_URL is set.

With PRACTICA_REQUIRE_ALL=1 (CI), a missing PostgreSQL or Chromium fails the run instead of being
skipped. Extra arguments go to pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pytest(env_extra: dict[str, str], label: str) -> int:
    env = {**os.environ, **env_extra}
    env.setdefault("PRACTICA_VAR_DIR", str(ROOT / "var" / "test"))
    if "DATABASE_URL" not in env_extra:
        env.pop("DATABASE_URL", None)  # the first run is always the embedded SQLite
    print(f"\n=== pytest on {label} ===", flush=True)
    cmd = [sys.executable, "-m", "pytest", *sys.argv[1:]]
    return subprocess.call(cmd, cwd=ROOT, env=env)  # noqa: S603


def main() -> int:
    require_all = os.environ.get("PRACTICA_REQUIRE_ALL") == "1"
    pg_url = os.environ.get("PRACTICA_TEST_DATABASE_URL", "")
    if require_all and not pg_url:
        print("PRACTICA_REQUIRE_ALL=1 but PRACTICA_TEST_DATABASE_URL is not set.", file=sys.stderr)
        return 1
    status = pytest({}, "SQLite")
    if status != 0:
        return status
    if pg_url:
        status = pytest({"DATABASE_URL": pg_url}, "PostgreSQL")
    else:
        print("\nPRACTICA_TEST_DATABASE_URL is unset: the PostgreSQL run is skipped.")
    return status


if __name__ == "__main__":
    sys.exit(main())
