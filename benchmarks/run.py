"""Honest benchmarks (issue 18 item 6): `make benchmark`.

Seeds its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://xeploai:xeploai@127.0.0.1:5432/xeploai_bench) with `seed_demo --results 100
--bulk-results` at the chosen scale, runs VACUUM ANALYZE (statistics, no dead rows),
then times every case of benchmarks/cases.py beside the fastest baseline we know for the SAME
figures, in this one process: a warm-up of each, then `--repeat` rounds (ours, then the
baseline, alternating), and prints min and median of each with the ratio of medians and the
issue's target beside the figures. Results also go to benchmarks/results/<time>.json.

    python benchmarks/run.py                     # province scale (≈ 100,000 members)
    python benchmarks/run.py --scale district    # a quick run (≈ 6,000 members)
    python benchmarks/run.py --nation 10         # also 10 provinces under a central root (1 M)
    python benchmarks/run.py --reuse --only summary_province
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://xeploai:xeploai@127.0.0.1:5432/xeploai_bench"
SCALES = ("province", "district", "tiny")


def bench_env() -> dict[str, str]:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    return os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}


def run_manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=bench_env(), check=True)


def setup(*, scale: str, reuse: bool) -> None:
    """A fresh database seeded at `scale` (or the earlier run's, migrated, with `reuse`)."""
    url = bench_env()["DATABASE_URL"]
    name, admin = url.rsplit("/", 1)[1], url.rsplit("/", 1)[0] + "/postgres"
    if not reuse:
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    run_manage("migrate", "-v0")
    if reuse:
        return
    started = time.perf_counter()
    run_manage(
        "seed_demo", "--scale", scale, "--year", "2025", "--results", "100", "--bulk-results"
    )
    print(f"seeded scale {scale} in {time.perf_counter() - started:.1f} s", flush=True)


def vacuum_analyze() -> None:
    """VACUUM ANALYZE the database: statistics for the planner, and no dead rows left by the
    seed, the nation's copy or an earlier run's import case (100,000 members written and removed
    per round: after a few `--reuse` runs, 4.2 M dead member rows made planning a summary's
    member probe take 13 ms instead of 0.4). Our server runs without autovacuum."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# --- Timing, in this process -----------------------------------------------------------------


def timed(function, state) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(state)
    return time.perf_counter() - started, result


def measure(case, repeat: int) -> dict:
    """Warm up, then `repeat` rounds of ours and the baseline alternating; min and median."""
    state = case.prepare() if case.prepare else None
    functions = {"ours": case.ours, "baseline": case.baseline}
    figures = {}
    for side, function in functions.items():
        if function is not None:
            if case.reset:
                case.reset(state)
            figures[side] = timed(function, state)[1]  # warm-up, and the figures to compare
            if case.canonical:
                figures[side] = case.canonical[0 if side == "ours" else 1](figures[side])
    seconds: dict[str, list[float]] = {side: [] for side, f in functions.items() if f}
    for _ in range(case.repeat or repeat):
        for side in seconds:
            if case.reset:
                case.reset(state)
            seconds[side].append(timed(functions[side], state)[0])
    result = {"case": case.name, "label": case.label, "target": case.target}
    for side, values in seconds.items():
        result[side] = {"min_ms": min(values) * 1000, "median_ms": statistics.median(values) * 1000}
    if "baseline" in seconds:
        result["ratio"] = result["ours"]["median_ms"] / result["baseline"]["median_ms"]
        if case.compare:
            result["same_figures"] = figures["ours"] == figures["baseline"]
    result["detail"] = case.describe(figures.get("ours")) if case.describe else None
    result["meets"] = case.meets(result) if case.meets else None
    return result


def table(results: list[dict]) -> str:
    head = (
        f"{'case':<34}{'ours min/med ms':>18}{'baseline min/med ms':>22}{'ratio':>8}"
        f"{'same':>6}  target (met?)"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        ours = f"{r['ours']['min_ms']:.1f}/{r['ours']['median_ms']:.1f}"
        base = (
            f"{r['baseline']['min_ms']:.1f}/{r['baseline']['median_ms']:.1f}"
            if "baseline" in r
            else "—"
        )
        ratio = f"× {r['ratio']:.2f}" if "ratio" in r else ""
        same = {True: "yes", False: "NO", None: ""}[r.get("same_figures")]
        met = {True: "yes", False: "NO", None: "—"}[r["meets"]]
        lines.append(
            f"{r['label']:<34}{ours:>18}{base:>22}{ratio:>8}{same:>6}  {r['target']} ({met})"
        )
        if r.get("detail"):
            lines.append(f"{'':<4}{r['detail']}")
    return "\n".join(lines)


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="province")
    parser.add_argument("--nation", type=int, default=0, help="provinces under a central root")
    parser.add_argument("--reuse", action="store_true", help="keep the earlier run's database")
    parser.add_argument("--repeat", type=int, default=7, help="timed rounds per case (≥ 5)")
    parser.add_argument("--only", nargs="*", help="case names")
    args = parser.parse_args()
    setup(scale=args.scale, reuse=args.reuse)
    os.environ.update(bench_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from benchmarks import cases, nation

    if args.nation > 1 and not nation.nation_built():  # --reuse keeps an earlier run's nation
        started = time.perf_counter()
        nation.nation_build(provinces=args.nation)
        print(f"built the nation in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    vacuum_analyze()
    print(
        f"VACUUM ANALYZE in {time.perf_counter() - started:.1f} s; load {load_average()}",
        flush=True,
    )
    results = []
    for case in cases.cases(nation=args.nation > 1):
        if args.only and case.name not in args.only:
            continue
        results.append(measure(case, max(args.repeat, 5)))
        print(f"  {case.name}: done", flush=True)
    printed = table(results)
    print(f"\nscale {args.scale}, nation {args.nation or '—'}, load after: {load_average()}")
    print(printed)
    folder = ROOT / "benchmarks" / "results"
    folder.mkdir(exist_ok=True)
    path = folder / f"{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps({"args": vars(args), "results": results}, indent=2))
    print(f"\nwritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
