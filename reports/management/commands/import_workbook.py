"""`python manage.py import_workbook PATH [--dry-run] [--user USERNAME]`: the same import as the
web page, for an administrator at the server. Without --user it writes anywhere in the tree."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reports.imports import workbook_import

MSG_NO_FILE = _("No such file: %(path)s")
MSG_NO_USER = _("No such user: %(user)s")
MSG_COUNTS = _("%(sheet)s: %(created)s created, %(updated)s updated")
MSG_DRY_RUN = _("Dry run: nothing was written.")


def errors_line(n: int) -> str:
    return ngettext(
        "%(n)s error; nothing was written.", "%(n)s errors; nothing was written.", n
    ) % {"n": n}


class Command(BaseCommand):
    help = "Check and import a workbook (sheets ToChuc, DangVien, KetQua); all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count only; write nothing."
        )
        parser.add_argument(
            "--user", help="Attribute the import to this user (and limit it to their scope)."
        )

    def handle(self, *args, path, dry_run, user, **options):
        if not Path(path).is_file():
            raise CommandError(MSG_NO_FILE % {"path": path})
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(MSG_NO_USER % {"user": user})
        result = workbook_import(file=path, by=by, dry_run=dry_run)
        for line in result.run.ignored if result.run else []:
            self.stdout.write(line)
        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors:
            raise CommandError(errors_line(len(result.errors)))
        for sheet, count in result.counts.items():
            self.stdout.write(MSG_COUNTS % {"sheet": sheet, **count})
        if dry_run:
            self.stdout.write(str(MSG_DRY_RUN))
