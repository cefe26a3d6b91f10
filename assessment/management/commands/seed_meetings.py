"""`python manage.py seed_meetings --year 2025 [--months 12] [--seed 1]`: a year of demo cell
meetings and attendance for every cell of the seeded tree (issue 16)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessment.meetings_demo import meetings_seed
from assessment.models import CellMeeting
from assessment.services import year_under_review


class Command(BaseCommand):
    help = "Seed demo cell meetings (monthly and thematic) with every member's attendance."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Default: the year under review today.")
        parser.add_argument(
            "--months",
            type=int,
            choices=range(1, 13),
            help="Default: 12, or the months up to today's in the year under review.",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--skip-if-present",
            action="store_true",
            help="Do nothing when the year already has meetings.",
        )

    def handle(self, *args, year, months, seed, skip_if_present, **options):
        today = timezone.localdate()
        year = year or year_under_review(today)
        months = months or (today.month if year == today.year else 12)
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
