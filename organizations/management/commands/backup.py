"""`python manage.py backup [--output PATH]`: a consistent dump of the database.

PostgreSQL: `pg_dump --format=custom` (restore with `pg_restore --clean --if-exists -d URL PATH`,
or `python manage.py restore PATH`). SQLite (the demo): SQLite's online backup API.
Exports and imports kept under MEDIA_ROOT are files: back that folder up beside the dump."""

from __future__ import annotations

import datetime
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def pg_environment(db: dict) -> dict[str, str]:
    env = os.environ.copy()
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


class Command(BaseCommand):
    help = "Write a consistent backup of the database (pg_dump custom format, or SQLite's copy)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (default backups/xeploai-<time>.dump)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, output, database, **options):
        db = connections[database].settings_dict
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = Path(output or Path(settings.BASE_DIR) / "backups" / f"xeploai-{stamp}.dump")
        path.parent.mkdir(parents=True, exist_ok=True)
        if connections[database].vendor == "sqlite":
            source = sqlite3.connect(db["NAME"])
            with sqlite3.connect(path) as target:
                source.backup(target)
            source.close()
        elif connections[database].vendor == "postgresql":
            if not shutil.which("pg_dump"):
                raise CommandError("pg_dump is not installed (Debian package postgresql-client).")
            done = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", f"--file={path}", db["NAME"]],
                env=pg_environment(db),
                capture_output=True,
                text=True,
            )
            if done.returncode:
                raise CommandError(f"pg_dump failed: {done.stderr.strip()}")
        else:
            raise CommandError(f"No backup for the {connections[database].vendor} backend.")
        self.stdout.write(f"{path} ({path.stat().st_size:,} bytes)")
