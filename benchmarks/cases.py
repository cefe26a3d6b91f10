"""The cases of benchmarks/run.py (issue 18 item 6): each is ours beside the fastest baseline
we know for the same figures, timed in the same process (see run.py).

A case is a `Case` in `cases()`: `ours(state)` and `baseline(state)` take what `prepare()`
returned (once, untimed); `reset(state)`, when given, runs untimed before every run (e.g. to
remove the rows an import wrote). The harness compares what both return ("same" column):
return the same canonical figures from both, or set `compare=False` when they cannot agree (an
import against a bare insert). `target` is the issue's target as printed; `meets(result)`
says whether it is met (result: {"ours": {"min_ms", "median_ms"}, "baseline": ..., "ratio"}).
`run.py --only NAME` runs one case.
To add a case: write its functions here and append a `Case` in `cases()`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection

from assessment.models import Period
from members.models import Member
from organizations.models import GRASSROOTS_KINDS, Kind, Organization

LIST_ROWS = 100_000
IMPORT_ROWS = 100_000
TMP = Path(tempfile.gettempdir())


@dataclass
class Case:
    name: str
    label: str  # what the table calls it
    ours: Callable[[Any], Any]
    baseline: Callable[[Any], Any] | None = None
    target: str = ""
    meets: Callable[[dict], bool] | None = None
    prepare: Callable[[], Any] | None = None
    reset: Callable[[Any], None] | None = None
    describe: Callable[[Any], str] | None = None  # a line under the row, from ours' figures
    repeat: int | None = None  # rounds for this case (None: the run's --repeat)
    compare: bool = True  # ours and the baseline compute the same figures: check they agree
    # (ours' result → figures, the baseline's result → figures) for the check and `describe`,
    # applied outside the timed rounds; None: the results are the figures already.
    canonical: tuple[Callable[[Any], Any], Callable[[Any], Any]] | None = None


def within(*, ratio: float | None = None, ms: float | None = None) -> Callable[[dict], bool]:
    """A target on the medians: ours ≤ `ratio` × the baseline's, and/or ours < `ms`."""

    def meets(result: dict) -> bool:
        ok = True
        if ratio is not None:
            ok = ok and result["ratio"] <= ratio
        if ms is not None:
            ok = ok and result["ours"]["median_ms"] < ms
        return ok

    return meets


def _period() -> Period:
    return Period.objects.select_related("rule_set").get(year=2025)


def _top() -> Organization:
    """The root: the central level when the nation is built, else the province."""
    return Organization.objects.get(depth=1)


def _province() -> Organization:
    return Organization.objects.filter(kind=Kind.PROVINCE).order_by("path").first()


def _superior() -> Organization:
    return Organization.objects.filter(kind=Kind.SUPERIOR).order_by("path").first()


# --- The summary table against raw SQL over the kept counts ----------------------------------
# Figures in one canonical shape from both sides: {child path prefix: {section: figures}} and
# the unit's own row as "head", where figures are total, not classified by reason, pending by
# reason (not started and undecided included), count by level, commendations, prompted and
# prompted by managing level (R28 4.1–4.3), for every section the table shows (leaders too);
# rows and figures with nothing in them left out.


def _figures(figures: dict) -> tuple:
    return tuple(sorted(((k, v) for k, v in figures.items() if v), key=repr))


def _canonical(head: dict, by_prefix: dict) -> dict:
    found = {}
    for prefix, sections in by_prefix.items():
        row = {name: _figures(f) for name, f in sections.items() if _figures(f)}
        if row:
            found[prefix] = row
    found["head"] = {name: _figures(f) for name, f in head.items() if _figures(f)}
    return found


def _section_figures(s) -> dict:
    return {
        "total": s.total,
        **{("kpl", k): v for k, v in s.not_classified.items()},
        **{("cpl", k): v for k, v in s.pending.items()},
        **{("level", k): v for k, v in s.counts.items()},
        "commended": s.commendations,
        "prompted": s.prompted,
        **{("prompted", k): v for k, v in s.prompted_by_level.items()},
    }


def summary_figures(unit) -> dict:
    """Ours: reports.summary.summary_build, as the page, the exports and the API call it."""
    from reports.summary import summary_build

    return summary_canonical(summary_build(unit=unit, period=_period()))


def summary_canonical(summary) -> dict:
    """A Summary's figures in the canonical shape (outside the timed call)."""
    rows = [{name: _section_figures(s) for name, s in row.sections.items()} for row in summary.rows]
    children = zip(summary.rows[1:], rows[1:], strict=True)
    return _canonical(rows[0], {row.unit.path: figures for row, figures in children})


# The subtree counts (assessment/rollups.py) of the unit and of each child: a few rows per child.
ROLLED_SQL = """
SELECT u.path, r.subject, r.source_kind, r.status, r.reason_code, NULLIF(r.level_ref, 0),
       r.n, r.commended, r.prompted, r.prompted_central, r.prompted_province, r.prompted_superior
FROM assessment_unityearrollup r JOIN organizations_organization u ON u.id = r.unit_id
WHERE r.period_id = %(period)s
  AND (u.id = %(unit)s OR (u.depth = %(depth)s AND u.path LIKE %(like)s))"""
# The units not started and the cells whose members to probe, one row each.
UNITS_SQL = """
SELECT o.id, substr(o.path, 1, %(length)s), o.kind, y.id IS NOT NULL, g.id IS NOT NULL
FROM organizations_organization o
LEFT JOIN assessment_cellyear y ON y.cell_id = o.id AND y.period_id = %(period)s
LEFT JOIN assessment_grassrootsyear g ON g.organization_id = o.id AND g.period_id = %(period)s
WHERE o.path LIKE %(like)s
  AND ((o.kind = ANY(%(cells)s) AND (y.id IS NULL OR y.state = ANY(%(open)s)))
       OR (o.kind = ANY(%(grassroots)s) AND g.id IS NULL))"""

PROMPT_COLUMNS = ("central", "province", "superior")


def summary_sql(unit) -> dict:
    """The baseline's figures for `unit` this year, in the canonical shape."""
    return _canonical(*summary_sql_raw(unit, _period()))


def summary_sql_raw(unit, period) -> tuple[dict, dict]:
    """The baseline: the same figures (every section, leaders and prompts by level included) in
    raw SQL over the kept subtree counts of the unit and its children, and the subtree's units
    and members not started yet (today's tree). Returns (the unit's own figures, {child path:
    figures}), each {section: {figure: n}}."""
    from assessment.machine import OPEN_STATES
    from organizations.models import CELL_KINDS
    from reports.summary import members_not_on_roster_query

    params = {
        "length": (unit.depth + 1) * Organization.steplen,
        "depth": unit.depth + 1,
        "period": period.pk,
        "like": unit.path + "%",
        "unit": unit.pk,
        "open": list(OPEN_STATES),
        "cells": list(CELL_KINDS),
        "grassroots": list(GRASSROOTS_KINDS),
    }
    by_prefix = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))

    def add(prefix, section, status, reason, level, n):
        figures = by_prefix[prefix][section]
        figures["total"] += n
        if status == "kpl":
            figures[("kpl", reason)] += n
        elif status == "cpl":
            figures[("cpl", reason)] += n
        elif level is None:
            figures[("cpl", "chua_quyet_dinh")] += n
        else:
            figures[("level", level)] += n

    def not_started(prefix, section, n):  # in the head row, and in the child's row
        add(None, section, "cpl", "chua_kiem_diem", None, n)
        if prefix != unit.path:
            add(prefix, section, "cpl", "chua_kiem_diem", None, n)

    with connection.cursor() as cursor:
        cursor.execute(ROLLED_SQL, params)
        for path, subject, kind, status, reason, level, n, commended, *prompted in cursor:
            prefix = None if path == unit.path else path  # None: the unit's own, the head
            if subject in ("members", "leaders") or (
                subject == "cells" and kind == Kind.SUBORDINATE_CELL
            ):
                section = subject
            elif subject == "cells" or kind in GRASSROOTS_KINDS:
                section = "grassroots"
            else:
                continue
            if subject == "cells" and section == "grassroots":
                n = commended = 0
            if subject == "grassroots":
                prompted = [0, 0, 0, 0]
            if n:
                add(prefix, section, status, reason, level, n)
            figures = by_prefix[prefix][section]
            figures["commended"] += commended
            figures["prompted"] += prompted[0]
            for name, given in zip(PROMPT_COLUMNS, prompted[1:], strict=True):
                figures[("prompted", name)] += given
        if period.is_open():
            cursor.execute(UNITS_SQL, params)
            probe = {}
            for pk, prefix, kind, drawn, started in cursor.fetchall():
                if kind in CELL_KINDS:
                    probe[pk] = prefix
                if kind == Kind.SUBORDINATE_CELL and not drawn:
                    not_started(prefix, "cells", 1)
                elif kind in GRASSROOTS_KINDS and not started:
                    not_started(prefix, "grassroots", 1)
            if probe:
                # The members not on a roster of the probed cells: the product's own query (an
                # index probe each; nothing faster to compare it with).
                cursor.execute(*members_not_on_roster_query(period, list(probe)))
                for cell, n in cursor:
                    not_started(probe[cell], "members", n)
    head = by_prefix.pop(None, {})
    return head, by_prefix


def _members_line(figures: dict) -> str:
    head = dict(figures["head"].get("members", ()))
    levels = sum(v for k, v in head.items() if isinstance(k, tuple) and k[0] == "level")
    return f"{len(figures) - 1} child rows; members {head.get('total', 0):,}, decided {levels:,}"


def summary_page(state):
    """The province's summary page through Django's stack (middleware, view, template)."""
    client, url = state
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return None


def prepare_summary_page():
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="bantochuc"))
    return client, reverse("reports:summary", args=[2025, _province().pk])


# --- The classification list against a bare write-only loop ---------------------------------


def list_xlsx(state=None):
    from reports.exports import classification_list_xlsx

    path = TMP / "bench-list.xlsx"
    rows = classification_list_xlsx(unit=_province(), period=_period(), out=str(path))
    return {"rows": rows, "bytes": path.stat().st_size}  # the baseline writes as many rows


def list_openpyxl_loop(state=None):
    """The floor: openpyxl write-only writing as many rows of six short strings."""
    from openpyxl import Workbook

    from assessment.models import MemberAssessment

    rows = MemberAssessment.objects.filter(cell_year__period=_period()).count()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("DanhSach")
    for i in range(rows):
        ws.append(
            [
                f"{80000000 + i}",
                "Nguyễn Văn Bình",
                "Chi bộ khu phố 1",
                "Đảng bộ xã Hòa Lạc",
                "Hoàn thành tốt nhiệm vụ",
                "",
            ]
        )
    path = TMP / "bench-loop.xlsx"
    wb.save(str(path))
    return {"rows": rows, "bytes": path.stat().st_size}


# --- Import of members against a plain bulk_create ------------------------------------------


def _cells() -> list[Organization]:
    """The province's cells (with `--nation`, the first province's only: the import is the same
    100,000 members into the same 5,000 cells in both runs)."""
    cells = Organization.objects.filter(kind__in=[Kind.SUBORDINATE_CELL, Kind.GRASSROOTS_CELL])
    return list(cells.filter(path__startswith=_province().path).order_by("path"))


def _forget_members(prefix: str) -> None:
    """Remove an earlier run's rows in SQL: Django's delete() would load them all first and
    raise this process's peak memory before the case is measured."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM members_member WHERE card_number LIKE %s", [prefix + "%"])
        cursor.execute(
            "DELETE FROM members_historicalmember WHERE card_number LIKE %s", [prefix + "%"]
        )


def prepare_import_members():
    """A DangVien sheet of IMPORT_ROWS new members spread over the province's cells."""
    from openpyxl import Workbook

    _forget_members("7")
    cells = _cells()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("DangVien")
    ws.append(
        [
            "Số thẻ đảng viên",
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Mã chi bộ",
            "Ngày vào Đảng",
            "Ngày chính thức",
        ]
    )
    for i in range(IMPORT_ROWS):
        ws.append(
            [
                f"7{i:09d}",
                f"Trần Thị Nhập {i}",
                "12/05/1980",
                "Nữ",
                cells[i % len(cells)].code,
                "03/02/2010",
                "03/02/2011",
            ]
        )
    path = TMP / "bench-import.xlsx"
    wb.save(str(path))
    return path


def import_members(path):
    from reports.imports import workbook_import

    with open(path, "rb") as handle:
        result = workbook_import(file=handle, by=None, dry_run=False)
    return {"ok": result.ok, "counts": getattr(result, "counts", None)}


def import_bulk_create(state=None):
    import datetime

    cells = _cells()
    rows = [
        Member(
            card_number=f"6{i:09d}",
            full_name=f"Trần Thị Nhập {i}",
            gender="female",
            cell=cells[i % len(cells)],
            admission_date=datetime.date(2010, 2, 3),
            full_membership_date=datetime.date(2011, 2, 3),
        )
        for i in range(IMPORT_ROWS)
    ]
    Member.objects.bulk_create(rows, batch_size=2000)
    return {"rows": len(rows)}


# --- Issue 18 item 2 and 3: the list and the import beside their physical floor (h18io) -------


def list_fetch_xlsxwriter(state=None):
    """The floor of the list: the same rows fetched, written by bare xlsxwriter (constant
    memory, no formats, no formula guard, no names looked up)."""
    import xlsxwriter

    from reports.exports import classification_rows

    path = TMP / "bench-list-floor.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("DanhSach")
    rows = 0
    for rows, values in enumerate(classification_rows(_province(), _period()), start=1):
        for column, value in enumerate(values[:6]):
            sheet.write_string(rows, column, str(value or ""))
    book.close()
    return {"rows": rows, "bytes": path.stat().st_size}


MEASURED: dict[str, float] = {}  # figures measured once in a fresh process, for the targets


def _peak_mb(code: str) -> float:
    """The peak memory (MB) of a fresh process that sets Django up and runs `code`."""
    script = (
        "import sys; sys.path.insert(0, '.'); import django; django.setup()\n"
        f"{code}\n"
        "from benchmarks.memory import peak_mb; print(peak_mb())"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parent.parent,
        env=os.environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def _list_peaks() -> str:
    """Peak memory of the list at the province and at one superior committee: flat in rows."""
    code = (
        "from benchmarks.cases import _period, _province, _superior, TMP\n"
        "from reports.exports import classification_list_xlsx\n"
        "classification_list_xlsx(unit={unit}(), period=_period(), out=str(TMP / 'p.xlsx'))"
    )
    province = _peak_mb(code.format(unit="_province"))
    superior = _peak_mb(code.format(unit="_superior"))
    return f"peak memory {province:.0f} MB (province), {superior:.0f} MB (one superior)"


def prepare_list_xlsx():
    return _list_peaks()


def import_calamine_copy(path):
    """The floor of the import: calamine reads the sheet, COPY writes the members, one INSERT …
    SELECT their history rows; no check, no audit, one transaction."""
    import datetime

    from django.db import transaction
    from python_calamine import CalamineWorkbook

    cells = {code.upper(): pk for pk, code in Organization.objects.values_list("pk", "code")}
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("DangVien").iter_rows()
    next(rows)

    def day(text: str) -> datetime.date:
        d, m, y = text.split("/")
        return datetime.date(int(y), int(m), int(d))

    columns = (
        "card_number, full_name, birth_date, gender, cell_id, admission_date, "
        "full_membership_date, holds_leadership_post, is_unit_head, is_state_employee, "
        "outside_political_system"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY members_member ({columns}) FROM STDIN") as copy:
            for r in rows:
                values = ("6" + r[0][1:], r[1], day(r[2]), "female", cells[r[4].upper()])
                copy.write_row((*values, day(r[5]), day(r[6]), False, False, False, False))
        cursor.execute(
            f"INSERT INTO members_historicalmember (id, {columns}, history_date, history_type) "
            f"SELECT id, {columns}, now(), '+' FROM members_member WHERE card_number LIKE '6%%'"
        )
    return {"rows": IMPORT_ROWS}


def prepare_import_at_copy_speed():
    path = prepare_import_members()
    code = (
        "from reports.imports import workbook_import\n"
        f"assert workbook_import(file={str(path)!r}, by=None).ok"
    )
    peak = MEASURED["import_peak_mb"] = _peak_mb(code)
    _forget_import()
    return path, peak


def _forget_import() -> None:
    """Remove a round's imported members, their history and audit rows, and VACUUM the tables
    so that every round starts from the same state (no server autovacuum here)."""
    _forget_members("7")
    _forget_members("6")
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM organizations_auditevent WHERE object_repr LIKE %s", ["Trần Thị Nhập%"]
        )
        for table in ("members_member", "members_historicalmember", "organizations_auditevent"):
            cursor.execute(f"VACUUM {table}")


def list_xlsx_with_peaks(peaks: str):
    return list_xlsx() | {"peaks": peaks}


def import_members_with_peak(state):
    path, peak = state
    return import_members(path) | {"peak": peak}


def _summary_case(name: str, label: str, unit, target: str, meets, **options) -> Case:
    """summary_build against the raw SQL for the unit `unit()` gives, both given the unit and
    the year, compared in the canonical shape after the timed rounds."""
    from reports.summary import summary_build

    return Case(
        name,
        label,
        lambda s: summary_build(unit=s[0], period=s[1]),
        lambda s: summary_sql_raw(*s),
        target,
        meets,
        prepare=lambda: (unit(), _period()),
        canonical=(summary_canonical, lambda raw: _canonical(*raw)),
        **options,
    )


def cases(*, nation: bool = False) -> list[Case]:
    """The cases of a run, in order (`nation`: the database holds a central root)."""
    found = [
        _summary_case(
            "summary_province",
            "summary, province (summary_build)",
            _province,
            "≤ 2× raw SQL over counts, < 30 ms",
            within(ratio=2, ms=30),
            describe=_members_line,
        ),
        _summary_case(
            "summary_superior",
            "summary, one superior committee",
            _superior,
            "≤ 2× raw SQL over counts",
            within(ratio=2),
        ),
        Case(
            "summary_page",
            "summary page, province (GET)",
            summary_page,
            target="< 100 ms server time",
            meets=within(ms=100),
            prepare=prepare_summary_page,
        ),
    ]
    if nation:
        found.append(
            _summary_case(
                "summary_nation",
                "summary, nation by province (1 call)",
                _top,
                "< 300 ms",
                within(ms=300),
                describe=_members_line,
            )
        )
    found += [
        Case(
            "list_xlsx",
            "classification list (xlsx)",
            list_xlsx_with_peaks,
            lambda peaks: list_fetch_xlsxwriter(),
            "≤ 1.3× fetch + xlsxwriter, memory flat",
            within(ratio=1.3),
            prepare=prepare_list_xlsx,
            describe=lambda f: (
                f"{f['rows']:,} rows, {f['bytes']:,} bytes; {f['peaks']}" if f else ""
            ),
            repeat=5,
            compare=False,
        ),
        Case(
            "import_members",
            "import of 100,000 members",
            import_members_with_peak,
            lambda state: import_calamine_copy(state[0]),
            "≤ 3× (calamine read + COPY), < 200 MB",
            lambda r: within(ratio=3)(r) and MEASURED["import_peak_mb"] < 200,
            prepare=prepare_import_at_copy_speed,
            reset=lambda state: _forget_import(),
            describe=lambda f: f"peak memory {f['peak']:.0f} MB (a fresh process)" if f else "",
            repeat=5,
            compare=False,
        ),
    ]
    return found
