"""Benchmarks of issue 5 at provincial scale (`make benchmark`), each beside a baseline
measured in the same run, with the ratio. Not tests: figures go to the console and to
benchmarks/results/<date>.json.

The run uses its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://xeploai:xeploai@127.0.0.1:5432/xeploai_bench), rebuilt from scratch with
`seed_demo --scale province --results 100`. Each case runs in a fresh process so that its peak
memory (ru_maxrss) is its own.

    python benchmarks/run.py             # set up, then every case
    python benchmarks/run.py --reuse     # keep the seeded database of an earlier run
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://xeploai:xeploai@127.0.0.1:5432/xeploai_bench"
CASES = [
    "summary_province",
    "summary_province_sql",
    "summary_superior",
    "summary_superior_sql",
    "list_xlsx",
    "list_openpyxl_loop",
    "import_members",
    "import_bulk_create",
]
PAIRS = [
    ("summary_province", "summary_province_sql", "summary table, province"),
    ("summary_superior", "summary_superior_sql", "summary table, one superior committee"),
    ("list_xlsx", "list_openpyxl_loop", "classification list (xlsx, write-only)"),
    ("import_members", "import_bulk_create", "import of members (DangVien sheet)"),
]


def env() -> dict[str, str]:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    return os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}


def setup(reuse: bool) -> None:
    url = env()["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    if reuse:
        run_manage("migrate", "-v0")  # a reused database still gets new migrations
    else:
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
        run_manage("migrate", "-v0")
        started = time.perf_counter()
        run_manage(
            "seed_demo",
            "--scale",
            "province",
            "--year",
            "2025",
            "--results",
            "100",
            "--bulk-results",
        )
        print(f"seeded the province in {time.perf_counter() - started:.1f} s", flush=True)


def run_manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env(), check=True)


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


# --- One case, in its own process ---------------------------------------------------------


def case_main(case: str) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from benchmarks import cases

    function = getattr(cases, case)
    prepare = getattr(cases, f"prepare_{case}", None)
    state = prepare() if prepare else None
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    detail = function(state) if prepare else function()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "case": case,
                "seconds": round(seconds, 3),
                "peak_rss_mb": round(peak / 1024, 1),
                "peak_growth_mb": round((peak - before) / 1024, 1),
                "detail": detail,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=CASES)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--only", nargs="*", choices=CASES)
    args = parser.parse_args()
    if args.case:
        case_main(args.case)
        return
    setup(args.reuse)
    results = {}
    for case in args.only or CASES:
        results[case] = measure(case)
        r = results[case]
        print(
            f"{case:<22} {r['seconds']:>8.3f} s  peak {r['peak_rss_mb']:>7.1f} MB "
            f"(+{r['peak_growth_mb']:.1f})  {r['detail']}",
            flush=True,
        )
    print()
    for ours, base, label in PAIRS:
        if ours in results and base in results:
            a, b = results[ours], results[base]
            print(
                f"{label}: {a['seconds']:.3f} s vs baseline {b['seconds']:.3f} s "
                f"(× {a['seconds'] / b['seconds']:.2f}); peak growth "
                f"{a['peak_growth_mb']:.1f} MB vs {b['peak_growth_mb']:.1f} MB"
            )
    folder = ROOT / "benchmarks" / "results"
    folder.mkdir(exist_ok=True)
    path = folder / f"{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\nwritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
