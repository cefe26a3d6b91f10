"""Recompute the summary's kept counts from the rows and report any drift (issue 18).

    manage.py counts_check [--year 2025] [--fix]

Exits with an error when a count differs from the rows (each difference printed); `--fix`
recomputes the drifted years' counts after reporting them.
"""

from django.core.management.base import BaseCommand, CommandError

from assessment.counts import counts_drift, counts_refresh
from assessment.models import Period


class Command(BaseCommand):
    help = "Check the summary's kept counts against the rows (issue 18)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="only this year (default: every year)")
        parser.add_argument("--fix", action="store_true", help="recompute the drifted years")

    def handle(self, *args, year=None, fix=False, **options):
        periods = Period.objects.order_by("year")
        if year is not None:
            periods = periods.filter(year=year)
        drifted = []
        for period in periods:
            drift = counts_drift(period=period)
            for line in drift:
                self.stdout.write(str(line))
            if drift:
                drifted.append(period)
        if not drifted:
            self.stdout.write(f"counts agree with the rows ({periods.count()} years)")
            return
        if fix:
            for period in drifted:
                counts_refresh(period=period)
            self.stdout.write(f"recomputed {', '.join(str(p.year) for p in drifted)}")
            return
        raise CommandError(f"counts drifted in {', '.join(str(p.year) for p in drifted)}")
