"""Load scenario of issue 18 (`make benchmark-load`): a province's cell secretaries and board
users on the production server (`make serve`'s gunicorn settings), bounded and on loopback only.

- 100 cell secretaries (``--secretaries``), each looping over the pages a secretary opens while
  entering the year's work (home, the cell's year, the review meeting, the monthly meetings, the
  unit, a member), with a think time of 5–10 s between requests;
- 10 board users (``--boards``: two provincial, the rest superior committee boards) on their
  progress dashboard, summary table and superior page, with a think time of 3–6 s.

The run uses its own PostgreSQL database (LOAD_DATABASE_URL, default
postgres://xeploai:xeploai@127.0.0.1:5432/xeploai_load), seeded once at province scale for the
year under review with a third of the cells decided (``seed_demo --scale province --results 30
--bulk-results``, then ANALYZE); ``--reuse`` keeps it. Users get a signed-in session made
directly in the session store (the login throttle would otherwise stop 110 sign-ins from one
address); every request carries it. The server binds 127.0.0.1 on a free port, with
`config/gunicorn.py` (workers = 2 × cores + 1, 4 threads each) and production settings.

Figures: requests, throughput (requests/s), latency p50/p95/p99/max in ms, errors (status ≥ 400,
a redirect to the login page, or no answer), per user group and per page; printed as a table and
written to benchmarks/results/load-<date>.json. A timing, never a test.

    python benchmarks/load.py                    # seed, then 10 s warm-up and 120 s measured
    python benchmarks/load.py --reuse --duration 60
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://xeploai:xeploai@127.0.0.1:5432/xeploai_load"
TARGET_P95_MS = 300  # issue 18: load scenario p95 < 300 ms with 0 errors


def database_env() -> dict[str, str]:
    url = os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL)
    # One secret for the sessions made here and the server that reads them (the session's hash).
    return os.environ | {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_SECRET_KEY": "load-scenario-only",
    }


def manage(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env or database_env(), check=True
    )


def seed(reuse: bool) -> None:
    url = database_env()["DATABASE_URL"]
    name, admin = url.rsplit("/", 1)[1], url.rsplit("/", 1)[0] + "/postgres"
    if not reuse:
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    manage("migrate", "-v0")
    if not reuse:
        started = time.perf_counter()
        manage("seed_demo", "--scale", "province", "--results", "30", "--bulk-results")
        print(f"seeded the province in {time.perf_counter() - started:.0f} s", flush=True)


def prepare(secretaries: int, boards: int) -> dict:
    out = subprocess.run(
        [sys.executable, "benchmarks/load_prepare.py", str(secretaries), str(boards)],
        cwd=ROOT,
        env=database_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    if out.returncode:
        sys.exit("could not prepare the users and their pages: see the error above")
    return json.loads(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def static_is_current(static_root: Path) -> bool:
    """True when `collectstatic` ran after the last change of static/ and the npm packages (it
    compresses every file once, minutes on a busy machine, so it is not repeated for nothing)."""
    manifest = static_root / "staticfiles.json"
    if not manifest.exists():
        return False
    sources = [ROOT / "package-lock.json"]
    sources += [path for path in (ROOT / "static").rglob("*") if path.is_file()]
    return manifest.stat().st_mtime > max(path.stat().st_mtime for path in sources)


def start_server(port: int, static_root: Path) -> subprocess.Popen:
    env = database_env() | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static_root),
        "CACHE_URL": os.environ.get("LOAD_CACHE_URL", "redis://127.0.0.1:6379/9"),
        "XEPLOAI_BIND": f"127.0.0.1:{port}",
    }
    if not static_is_current(static_root):
        print("collecting and compressing the static files once", flush=True)
        manage("collectstatic", "--noinput", "-v0", env=env)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"]
        + ["--access-logfile", "/dev/null", "--error-logfile", "-", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180  # workers import Django first: slow on a busy machine
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped while starting: see its log above")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "https"})
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    os.killpg(server.pid, signal.SIGTERM)
    sys.exit("gunicorn did not answer the sign-in page within 180 s")


class Recorder:
    """Every measured request: (group, page, milliseconds, ok)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, float, bool]] = []
        self.failures: dict[str, int] = {}
        self.lock = threading.Lock()
        self.measuring = False

    def add(self, group: str, page: str, ms: float, ok: bool, why: str = "") -> None:
        if not self.measuring:
            return
        with self.lock:
            self.rows.append((group, page, ms, ok))
            if not ok:
                self.failures[why] = self.failures.get(why, 0) + 1


def virtual_user(user: dict, port: int, stop: threading.Event, recorder: Recorder, seed: int):
    rng = random.Random(seed)
    think = (5.0, 10.0) if user["group"] == "secretary" else (3.0, 6.0)
    headers = {
        "Cookie": f"sessionid={user['session']}",
        "X-Forwarded-Proto": "https",  # production settings redirect plain HTTP
        "Accept-Language": "vi",
    }
    pages = user["pages"]
    position = rng.randrange(len(pages))
    stop.wait(rng.uniform(0, think[1]))  # users arrive spread out, not all at once
    while not stop.is_set():
        name, path = pages[position % len(pages)]
        position += 1
        started = time.perf_counter()
        ok, why = True, ""
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            location = response.getheader("Location") or ""
            if response.status >= 400:
                ok, why = False, f"HTTP {response.status} {name}"
            elif response.status in (301, 302) and "login" in location:
                ok, why = False, f"sent to sign-in {name}"
        except OSError as error:
            ok, why = False, f"{type(error).__name__} {name}"
        recorder.add(user["group"], name, (time.perf_counter() - started) * 1000, ok, why)
        stop.wait(rng.uniform(*think))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def summarize(rows, seconds: float) -> dict:
    times = [ms for _, _, ms, _ in rows]
    return {
        "requests": len(rows),
        "per_second": len(rows) / seconds if seconds else 0.0,
        "p50_ms": percentile(times, 0.50),
        "p95_ms": percentile(times, 0.95),
        "p99_ms": percentile(times, 0.99),
        "max_ms": max(times, default=0.0),
        "mean_ms": statistics.fmean(times) if times else 0.0,
        "errors": sum(1 for *_, ok in rows if not ok),
    }


def table(results: dict[str, dict]) -> str:
    lines = [
        f"{'group / page':<28}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
    ]
    for label, r in results.items():
        lines.append(
            f"{label:<28}{r['requests']:>9}{r['per_second']:>8.1f}{r['p50_ms']:>9.0f}"
            f"{r['p95_ms']:>9.0f}{r['p99_ms']:>9.0f}{r['max_ms']:>9.0f}{r['errors']:>8}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", action="store_true", help="keep the seeded load database")
    parser.add_argument("--secretaries", type=int, default=100)
    parser.add_argument("--boards", type=int, default=10)
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds, not measured")
    parser.add_argument("--duration", type=float, default=120.0, help="seconds measured")
    args = parser.parse_args()
    if args.duration > 900:
        sys.exit("--duration is capped at 900 s: the scenario is bounded")

    seed(args.reuse)
    plan = prepare(args.secretaries, args.boards)
    print(f"{len(plan['users'])} users signed in; starting the server", flush=True)
    port = free_port()
    server = start_server(port, ROOT / "staticfiles")  # what `make serve` collects
    stop, recorder = threading.Event(), Recorder()
    threads = [
        threading.Thread(target=virtual_user, args=(u, port, stop, recorder, n), daemon=True)
        for n, u in enumerate(plan["users"])
    ]
    print(f"server up on 127.0.0.1:{port}; {args.warmup:.0f} s warm-up", flush=True)
    try:
        for thread in threads:
            thread.start()
        time.sleep(args.warmup)
        recorder.measuring = True
        started = time.perf_counter()
        time.sleep(args.duration)
        recorder.measuring = False
        seconds = time.perf_counter() - started
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=35)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    rows = recorder.rows
    results = {"all": summarize(rows, seconds)}
    for group in ("secretary", "board"):
        results[group] = summarize([r for r in rows if r[0] == group], seconds)
    for group, page in sorted({(r[0], r[1]) for r in rows}):
        results[f"  {group}: {page}"] = summarize(
            [r for r in rows if r[0] == group and r[1] == page], seconds
        )
    cores = os.cpu_count()
    print(
        f"\nLoad scenario, year {plan['year']}: {args.secretaries} secretaries (think 5–10 s), "
        f"{args.boards} board users (think 3–6 s), {seconds:.0f} s measured after "
        f"{args.warmup:.0f} s warm-up, gunicorn on 127.0.0.1 ({cores} cores, server, database "
        "and clients on one machine)"
    )
    print(table(results))
    overall = results["all"]
    met = overall["requests"] and overall["p95_ms"] < TARGET_P95_MS and not overall["errors"]
    verdict = "met" if met else "NOT met"
    print(f"target: p95 < {TARGET_P95_MS} ms with 0 errors: {verdict}")
    for why, count in sorted(recorder.failures.items()):
        print(f"  error: {why} × {count}")
    out = ROOT / "benchmarks" / "results" / f"load-{datetime.date.today():%Y-%m-%d}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"results": results, "failures": recorder.failures}, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
