"""`python manage.py load_rule_sets [PATH ...]`: create or update rule sets from their JSON
definitions (R1), every file of fixtures/rule_sets/ when no path is given. A province adding a
year writes its definition in the same format and loads it; all the files load or none."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext_lazy as _

from assessment.rule_sets import RULE_SET_DIR, rule_set_load_file

MSG_NO_FILE = _("No such file: %(path)s")
MSG_BAD_DEFINITION = _("%(path)s is not a valid rule set definition: %(error)s")
MSG_LOADED = _("Loaded the rule set %(code)s from %(path)s.")
# What a wrong definition raises: bad JSON, a missing key, a wrong shape, a value the models
# refuse (a level mapped to nothing) or the database does (a name too long).
BAD_DEFINITION = (ValueError, KeyError, TypeError, IndexError, ValidationError, DatabaseError)


def definition_paths(paths: list[str]) -> list[Path]:
    """The files named (a bare name is looked for in fixtures/rule_sets/ too), or all of them."""
    if not paths:
        return sorted(RULE_SET_DIR.glob("*.json"))
    found = []
    for name in paths:
        path = Path(name)
        if not path.is_file() and (RULE_SET_DIR / name).is_file():
            path = RULE_SET_DIR / name
        if not path.is_file():
            raise CommandError(MSG_NO_FILE % {"path": name})
        found.append(path)
    return found


class Command(BaseCommand):
    help = "Create or update rule sets from JSON definitions (default: fixtures/rule_sets/)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="PATH")

    def handle(self, *args, paths, **options):
        loaded = []
        with transaction.atomic():
            for path in definition_paths(paths):
                try:
                    loaded.append((rule_set_load_file(path), path))
                except BAD_DEFINITION as error:
                    message = MSG_BAD_DEFINITION % {"path": path, "error": error}
                    raise CommandError(message) from error
        for rule_set, path in loaded:
            self.stdout.write(str(MSG_LOADED % {"code": rule_set.code, "path": path}))
