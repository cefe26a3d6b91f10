"""Benchmark of issue 16 at provincial scale (`make benchmark-meetings`): a year of 12 monthly
meetings for the seeded province (5,000 cells, 100,000 members, 1.2 M attendance rows) and the
province's meetings dashboard, beside a baseline (one hand-written SQL GROUP BY of the
attendance by month: the floor for any page that reads every row). Not a test: figures go to the
console and to benchmarks/results/meetings-<time>.json.

Its own database (BENCH_MEETINGS_DATABASE_URL, default .../xeploai_bench_meetings) is rebuilt
with `seed_demo --scale province` and `seed_meetings`; each case runs in a fresh process.

    python benchmarks/meetings.py            # set up, then every case
    python benchmarks/meetings.py --reuse    # keep the seeded database of an earlier run
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://xeploai:xeploai@127.0.0.1:5432/xeploai_bench_meetings"
CASES = ["dashboard_province", "dashboard_province_sql", "sheet_province"]
REPEAT = 3


def env() -> dict[str, str]:
    url = os.environ.get("BENCH_MEETINGS_DATABASE_URL", DEFAULT_URL)
    return os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}


def run_manage(*args: str) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


def setup(reuse: bool) -> dict:
    url = env()["DATABASE_URL"]
    name, admin = url.rsplit("/", 1)[1], url.rsplit("/", 1)[0] + "/postgres"
    if reuse:
        run_manage("migrate", "-v0")
        return {}
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    run_manage("migrate", "-v0")
    started = time.perf_counter()
    run_manage("seed_demo", "--scale", "province", "--year", "2025")
    tree = time.perf_counter() - started
    started = time.perf_counter()
    printed = run_manage("seed_meetings", "--year", "2025", "--months", "12")
    meetings = time.perf_counter() - started
    print(f"seeded the province in {tree:.1f} s; {printed.strip()}", flush=True)
    return {"seed_tree_s": round(tree, 1), "seed_meetings_s": round(meetings, 1)}


def measure(case: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--case", case],
        cwd=ROOT,
        env=env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- The cases, each run inside a Django process ---------------------------------------------


def _province():
    from organizations.models import Kind, Organization

    return Organization.objects.get(kind=Kind.PROVINCE, depth=1)


def _period():
    from assessment.models import Period

    return Period.objects.get(year=2025)


def dashboard_province():
    from reports.meetings_dashboard import meetings_dashboard_build

    d = meetings_dashboard_build(unit=_province(), period=_period())
    return {
        "cells": d.totals.cells,
        "meetings": d.totals.regular_held + d.totals.thematic_held,
        "attendance_rows": d.totals.roster,
        "cells_short": d.totals.cells_short,
        "repeated": d.repeated_count,
        "flagged": d.totals.flagged,
    }


def dashboard_province_sql():
    """The floor: attendance and presence by month over the province, in one GROUP BY."""
    from django.db import connection

    province = _province()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT EXTRACT(MONTH FROM m.held_on), COUNT(*), COUNT(*) FILTER (WHERE a.present)
            FROM assessment_cellmeetingattendance a
            JOIN assessment_cellmeeting m ON m.id = a.meeting_id
            JOIN organizations_organization o ON o.id = m.cell_id
            WHERE o.path LIKE %s AND m.held_on BETWEEN '2025-01-01' AND '2025-12-31'
            GROUP BY 1
            """,
            [province.path + "%"],
        )
        rows = cursor.fetchall()
    return {"months": len(rows), "attendance_rows": sum(r[1] for r in rows)}


def sheet_province():
    from reports.meetings_dashboard import meetings_unit_rows

    rows = meetings_unit_rows(unit=_province(), period=_period())
    return {"rows": len(rows), "cells": rows[0].cells}


def run_case(case: str) -> dict:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from benchmarks.memory import peak_mb

    func = globals()[case]
    times, result, queries = [], None, 0
    for _ in range(REPEAT):
        reset_queries()
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            result = func()
            times.append(time.perf_counter() - started)
        queries = len(context)
    peak = round(peak_mb())
    return {
        "case": case,
        "best_s": round(min(times), 3),
        "times_s": [round(t, 3) for t in times],
        "queries": queries,
        "peak_mb": peak,
        "result": result,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--case")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case)))
        return
    report = {
        "when": datetime.datetime.now().isoformat(timespec="seconds"),
        "setup": setup(args.reuse),
    }
    report["cases"] = [measure(case) for case in CASES]
    for case in report["cases"]:
        print(
            f"{case['case']:<24} best {case['best_s']:>7.3f} s  {case['queries']:>3} queries  "
            f"{case['peak_mb']:>5} MB  {case['result']}",
            flush=True,
        )
    floor = report["cases"][1]["best_s"] or 0.001
    print(f"dashboard / SQL floor: {report['cases'][0]['best_s'] / floor:.1f}×")
    out = ROOT / "benchmarks" / "results" / f"meetings-{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
