"""`python manage.py export_summary --year 2025 --org T01 --format json --output -`"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from assessment.models import Period
from organizations.models import Organization
from reports import exports
from reports.summary_collectives import summary_as_json, summary_with_collectives


class Command(BaseCommand):
    help = "Write a unit's summary table (R23–R24) for a year as JSON, Excel or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--org", required=True, help="the unit's code")
        parser.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
        parser.add_argument("--output", required=True, help="a file path, or - for stdout")

    def handle(self, *args, year, org, format, output, **options):
        period = Period.objects.select_related("rule_set").filter(year=year).first()
        if period is None:
            raise CommandError(f"No assessment year {year}.")
        unit = Organization.objects.filter(code=org).first()
        if unit is None:
            raise CommandError(f"No party organization with code {org!r}.")
        summary = summary_with_collectives(unit=unit, period=period)
        if format == "json":
            data = (
                json.dumps(summary_as_json(summary), ensure_ascii=False, indent=2) + "\n"
            ).encode()
        elif format == "xlsx":
            data = exports.summary_xlsx(summary)
        else:
            data = exports.summary_pdf(summary)
        if output == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            with open(output, "wb") as handle:
                handle.write(data)
            self.stderr.write(f"{output}: {len(data):,} bytes")
