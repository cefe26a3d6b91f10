import datetime
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessment.demo import (
    backdate,
    deadlines_ahead,
    seed_collectives_year,
    seed_quarters,
    seed_results,
    seed_results_bulk,
)
from assessment.models import Period
from assessment.services import period_close, year_under_review
from organizations.database import refresh_statistics
from organizations.models import CELL_KINDS, Assignment, Organization, Role
from reports.demo import DEMO_PASSWORD, SCALES, DemoAccount, demo_actor, seed_demo


class Command(BaseCommand):
    help = "Load deterministic demo data: a province tree, members and one user per role."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="tiny")
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="The year to seed (default: the year under review today, R19).",
        )
        parser.add_argument(
            "--history",
            type=int,
            default=0,
            metavar="YEARS",
            help="Also seed this many closed years before it, every unit decided and issued.",
        )
        parser.add_argument(
            "--submitted",
            type=int,
            default=0,
            metavar="PERCENT",
            help="Of the other cells, this share has submitted and waits for its committee.",
        )
        parser.add_argument(
            "--meetings",
            type=int,
            default=0,
            metavar="PERCENT",
            help="Of the other cells, this share has held its meeting and not submitted yet.",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--results",
            type=int,
            default=0,
            metavar="PERCENT",
            help="Run the chain for this share of the cells: meetings, votes, submissions and "
            "issued decisions up to the province where all below is done (not the demo "
            "accounts' cells).",
        )
        parser.add_argument(
            "--quarters",
            type=int,
            default=0,
            metavar="PERCENT",
            help="Open the year's quarters begun so far (R27) and enter and decide this share "
            "of the leaders' results in those ended, one quarter late under the demo's "
            "grassroots committee (the year under review only).",
        )
        parser.add_argument(
            "--bulk-results",
            action="store_true",
            help="Write the results' end state with bulk inserts instead of the chain (the "
            "province scale of the benchmarks: no history rows).",
        )
        parser.add_argument(
            "--skip-if-present",
            action="store_true",
            help="Do nothing when the database already holds organizations.",
        )

    def handle(self, *args, scale, year, seed, results, bulk_results, skip_if_present, **options):
        if Organization.objects.exists():
            if skip_if_present:
                self.stdout.write("Dữ liệu mẫu đã có; bỏ qua. (Demo data already present.)")
                self.print_accounts(
                    DemoAccount(a.user.username, a.role, a.organization.name)
                    for a in Assignment.objects.select_related("user", "organization")
                )
                return
            raise CommandError("The database already holds organizations; use an empty database.")
        started = time.perf_counter()
        today = timezone.localdate()
        year = year or year_under_review(today)
        history = options["history"]
        accounts = seed_demo(scale=scale, year=year, seed=seed, history=history)
        keep = set(
            Assignment.objects.filter(organization__kind__in=CELL_KINDS).values_list(
                "organization_id", flat=True
            )
        )
        admin = get_user_model().objects.get(username="quantri")
        for past in range(year - history, year):
            self.seed_past_year(Period.objects.get(year=past), seed=seed, admin=admin)
        period = Period.objects.get(year=year)
        in_review = year == year_under_review(today)
        if in_review:
            deadlines_ahead(period=period, today=today, by=admin)
        if in_review and options["quarters"] and not bulk_results:  # R27: the year's quarters
            begun = time.perf_counter()
            decided_quarters = seed_quarters(
                period=period,
                today=today,
                actor=demo_actor(),
                seed=seed,
                percent=options["quarters"],
                late_under=Assignment.objects.filter(role=Role.GRASSROOTS_COMMITTEE).values_list(
                    "organization_id", flat=True
                ),
            )
            self.stdout.write(
                f"  {year}: {decided_quarters} quarterly results of leaders decided "
                f"({time.perf_counter() - begun:.1f} s)."
            )
        if not bulk_results:  # issue 14: the year's collectives, before their members (R8)
            seed_collectives_year(
                period=period,
                keep=keep,
                actor=demo_actor(),
                on=today - datetime.timedelta(days=2) if in_review else datetime.date(year, 12, 10),
            )
        decided = 0
        if bulk_results and results:
            decided = seed_results_bulk(
                period=period, percent=results, seed=seed, keep=keep, by=admin
            )
        elif results or options["submitted"] or options["meetings"]:
            decided = seed_results(
                period=period,
                percent=results,
                submitted_percent=options["submitted"],
                meeting_percent=options["meetings"],
                seed=seed,
                keep=keep,
                actor=demo_actor(),
                # The year under review has got as far as today; a past one went to December.
                on=today - datetime.timedelta(days=2) if in_review else None,
            )
        refresh_statistics()  # bulk inserts leave the planner blind until ANALYZE
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded scale {scale} for {year} in {elapsed:.1f} s"
                + (f" ({decided:,} members decided this year)." if decided else ".")
            )
        )
        self.print_accounts(accounts)

    def seed_past_year(self, period: Period, *, seed: int, admin) -> None:
        """A closed year: every cell, organization and committee decided by issued decisions
        through the chain, dated in that year's December, then the year closed (its tree
        frozen)."""
        seed_results(
            period=period, percent=100, seed=seed + period.year, keep=set(), actor=demo_actor()
        )
        backdate(period=period, on=datetime.date(period.year, 12, 10))
        period_close(period=period, by=admin)
        self.stdout.write(f"  {period.year}: decided and closed.")

    def print_accounts(self, accounts) -> None:
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for account in accounts:
            self.stdout.write(f"  {account.username:<10} {account.role:<22} {account.unit}")
