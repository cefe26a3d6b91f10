"""`python manage.py import_meetings PATH [--dry-run] [--user USERNAME]`: a year of cell
meetings and attendance from a workbook (sheets SinhHoat, VangMat; issue 16), all or nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reports.management.commands.import_workbook import (
    MSG_COUNTS,
    MSG_DRY_RUN,
    MSG_NO_FILE,
    MSG_NO_USER,
    errors_line,
)
from reports.meetings_import import meetings_import


class Command(BaseCommand):
    help = "Check and import cell meetings and absences (sheets SinhHoat, VangMat); all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="Check and count only.")
        parser.add_argument("--user", help="Attribute the import to this user (and their scope).")

    def handle(self, *args, path, dry_run, user, **options):
        if not Path(path).is_file():
            raise CommandError(MSG_NO_FILE % {"path": path})
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(MSG_NO_USER % {"user": user})
        result = meetings_import(file=path, by=by, dry_run=dry_run)
        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors:
            raise CommandError(errors_line(len(result.errors)))
        for sheet, count in result.counts.items():
            self.stdout.write(str(MSG_COUNTS % {"sheet": sheet, **count}))
        if dry_run:
            self.stdout.write(str(MSG_DRY_RUN))
