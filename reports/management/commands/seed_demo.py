import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from assessment.demo import seed_results, seed_results_bulk
from assessment.models import Period
from organizations.models import CELL_KINDS, Assignment, Organization
from reports.demo import DEMO_PASSWORD, SCALES, DemoAccount, demo_actor, seed_demo


class Command(BaseCommand):
    help = "Load deterministic demo data: a province tree, members and one user per role."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="tiny")
        parser.add_argument("--year", type=int, default=2025)
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
        accounts = seed_demo(scale=scale, year=year, seed=seed)
        decided = 0
        if results:
            keep = set(
                Assignment.objects.filter(organization__kind__in=CELL_KINDS).values_list(
                    "organization_id", flat=True
                )
            )
            period = Period.objects.get(year=year)
            if bulk_results:
                decided = seed_results_bulk(
                    period=period,
                    percent=results,
                    seed=seed,
                    keep=keep,
                    by=get_user_model().objects.get(username="quantri"),
                )
            else:
                decided = seed_results(
                    period=period, percent=results, seed=seed, keep=keep, actor=demo_actor()
                )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded scale {scale} for {year} in {elapsed:.1f} s"
                + (f" ({decided:,} members with results)." if results else ".")
            )
        )
        self.print_accounts(accounts)

    def print_accounts(self, accounts) -> None:
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for account in accounts:
            self.stdout.write(f"  {account.username:<10} {account.role:<22} {account.unit}")
