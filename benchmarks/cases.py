"""The cases of benchmarks/run.py. Each `name()` is timed in a fresh process; an optional
`prepare_name()` runs first, untimed, and its result is passed in."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.db import connection

from assessment.models import Period
from members.models import Member
from organizations.models import Kind, Organization

LIST_ROWS = 100_000
IMPORT_ROWS = 100_000
TMP = Path(tempfile.gettempdir())


def _period() -> Period:
    return Period.objects.select_related("rule_set").get(year=2025)


def _province() -> Organization:
    return Organization.objects.get(depth=1)


def _superior() -> Organization:
    return Organization.objects.filter(kind=Kind.SUPERIOR).order_by("path").first()


# --- The summary table against a hand-written GROUP BY --------------------------------------


def _summary(unit):
    from reports.summary import summary_build

    summary = summary_build(unit=unit, period=_period())
    members = summary.rows[0].sections["members"]
    return {"rows": len(summary.rows), "members": members.total, "assessed": members.assessed}


def _summary_sql(unit):
    """The same three aggregates in raw SQL, grouped on the child path prefix."""
    length = (unit.depth + 1) * Organization.steplen
    period = _period()
    like = unit.path + "%"
    queries = [
        """SELECT substr(o.path, 1, %s), a.status, a.reason_code, a.decided_level_id, count(*),
                  count(*) FILTER (WHERE a.commendation_proposed)
           FROM assessment_memberassessment a
           JOIN assessment_cellyear y ON y.id = a.cell_year_id
           JOIN organizations_organization o ON o.id = y.cell_id
           WHERE y.period_id = %s AND o.path LIKE %s GROUP BY 1, 2, 3, 4""",
        """SELECT substr(o.path, 1, %s), y.status, y.reason_code, y.decided_level_id, count(*), 0
           FROM assessment_cellyear y JOIN organizations_organization o ON o.id = y.cell_id
           WHERE y.period_id = %s AND o.path LIKE %s AND o.kind = 'chi_bo_truc_thuoc'
           GROUP BY 1, 2, 3, 4""",
        """SELECT substr(o.path, 1, %s), y.status, y.reason_code, y.decided_level_id, count(*), 0
           FROM assessment_grassrootsyear y
           JOIN organizations_organization o ON o.id = y.organization_id
           WHERE y.period_id = %s AND o.path LIKE %s
             AND o.kind IN ('dang_bo_co_so', 'chi_bo_co_so') GROUP BY 1, 2, 3, 4""",
    ]
    members = 0
    with connection.cursor() as cursor:
        for i, sql in enumerate(queries):
            cursor.execute(sql, [length, period.pk, like])
            rows = cursor.fetchall()
            if i == 0:
                members = sum(r[4] for r in rows)
    return {"members": members}


def summary_province():
    return _summary(_province())


def summary_province_sql():
    return _summary_sql(_province())


def summary_superior():
    return _summary(_superior())


def summary_superior_sql():
    return _summary_sql(_superior())


# --- The classification list against a bare write-only loop ---------------------------------


def list_xlsx():
    from reports.exports import classification_list_xlsx

    path = TMP / "bench-list.xlsx"
    rows = classification_list_xlsx(unit=_province(), period=_period(), out=str(path))
    return {"rows": rows, "bytes": path.stat().st_size}


def list_openpyxl_loop():
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
    return list(Organization.objects.filter(kind__in=[Kind.SUBORDINATE_CELL, Kind.GRASSROOTS_CELL]))


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


def prepare_import_bulk_create():
    _forget_members("6")
    return _cells()


def import_bulk_create(cells):
    import datetime

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
