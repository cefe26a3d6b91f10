"""`python manage.py restore PATH --yes`: replace the database's contents with a backup written
by `manage.py backup` (PostgreSQL only: pg_restore --clean --if-exists, in one transaction)."""

from __future__ import annotations

import shutil
import subprocess

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from .backup import pg_environment


class Command(BaseCommand):
    help = "Restore a pg_dump backup into the database (replaces its contents)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--database", default="default")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, path, database, yes, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("restore handles PostgreSQL dumps; copy an SQLite backup instead.")
        if not shutil.which("pg_restore"):
            raise CommandError("pg_restore is not installed (Debian package postgresql-client).")
        db = connection.settings_dict
        if not yes and input(f"Replace the contents of {db['NAME']}? [y/N] ").lower() != "y":
            raise CommandError("Cancelled.")
        connection.close()
        done = subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={db['NAME']}",
                path,
            ],
            env=pg_environment(db),
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise CommandError(f"pg_restore failed (nothing was changed): {done.stderr.strip()}")
        self.stdout.write(f"restored {path} into {db['NAME']}")
