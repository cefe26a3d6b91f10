"""`python manage.py seed_meetings --year 2025 [--months 12] [--seed 1]`: a year of demo cell
meetings and attendance for every cell of the seeded tree (issue 16)."""

import time

from django.core.management.base import BaseCommand, CommandError

from assessment.meetings_demo import meetings_seed
from assessment.models import CellMeeting


class Command(BaseCommand):
    help = "Seed demo cell meetings (monthly and thematic) with every member's attendance."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2025)
        parser.add_argument("--months", type=int, default=12, choices=range(1, 13))
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--skip-if-present",
            action="store_true",
            help="Do nothing when the year already has meetings.",
        )

    def handle(self, *args, year, months, seed, skip_if_present, **options):
        if CellMeeting.objects.filter(held_on__year=year).exists():
            if skip_if_present:
                self.stdout.write(f"Meetings of {year} already present; skipped.")
                return
            raise CommandError(f"The year {year} already has meetings; use an empty year.")
        started = time.perf_counter()
        counts = meetings_seed(year=year, months=months, seed=seed)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{counts['meetings']} meetings, {counts['attendance']} attendance rows for "
            f"{counts['cells']} cells, {counts['inspections']} inspections in {seconds:.1f} s"
        )
