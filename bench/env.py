"""Point Django at the benchmark's own database before anything imports the settings.

The benchmark never touches the development database (db.sqlite3): by default it writes a fresh
SQLite file under bench/out/; with DATABASE_URL set it uses that database (and empties it first).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEV_DATABASE = ROOT / "db.sqlite3"


def default_database_url() -> str:
    return f"sqlite:///{OUT / 'county.sqlite3'}"


def configure(*, database_url: str) -> dict[str, str]:
    """Set the environment of this process (and of the workers and server it starts)."""
    if str(DEV_DATABASE) in database_url:
        raise SystemExit("拒绝在开发数据库 db.sqlite3 上运行基准测试。")
    OUT.mkdir(parents=True, exist_ok=True)
    values = {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "MEDIA_ROOT": str(OUT / "media"),
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "AXES_ENABLED": "0",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(values)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return values


def setup() -> None:
    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # WAL lets the server and the workers read while another process writes; the data is
            # throw-away, so it need not survive a power cut (synchronous=OFF).
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=OFF")


def fresh_database() -> None:
    """Create the schema on an empty database (SQLite: a new file; otherwise: flush the given one)."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        setup()
    call_command("migrate", verbosity=0, interactive=False)
    if connection.vendor != "sqlite":
        call_command("flush", verbosity=0, interactive=False)
        from evaluations.rulesets import ensure_rule_sets

        ensure_rule_sets()  # the data migration's rule sets, which the flush removed
