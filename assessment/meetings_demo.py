"""Demo meetings (issue 16): a year of regular monthly meetings for every cell of the seeded
tree, with the attendance of every member, at province scale (5,000 cells, 100,000 members,
1.2 million attendance rows) in seconds: meetings by bulk insert, attendance by PostgreSQL COPY
(by bulk insert on SQLite). Deterministic for a seed.

Seeded rows are demo data, not anyone's work: no history rows are written (as `seed_demo`).
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Q

from members.models import Member, StatusKind, StatusPeriod
from organizations.models import Organization

from .meetings import criteria_labels, meeting_rules_for
from .models import (
    AbsenceReason,
    CellMeeting,
    CellMeetingAttendance,
    CellMeetingKind,
    CellYear,
    MeetingInspection,
    Period,
)

BATCH = 5000
# Shares of the roster absent at a meeting, by reason; a few members miss often without reason.
ABSENCES = [
    (AbsenceReason.EXCUSED, 0.035),
    (AbsenceReason.ILL, 0.02),
    (AbsenceReason.FAR_AWAY, 0.01),
    (AbsenceReason.UNEXCUSED, 0.005),
]
CHRONIC_SHARE, CHRONIC_UNEXCUSED = 0.004, 0.35
SHORT_CELL_SHARE = 0.05  # cells that skip one to three months
THEMATIC_SHARE = 0.7  # cells that also hold a thematic meeting each quarter


def _rosters(year: int) -> dict[int, list[int]]:
    """Member pks by cell: admitted before the year ends, not left, not exempted, suspended or
    temporarily elsewhere during the year (a year-long roster, simpler than the daily one)."""
    away = StatusPeriod.objects.overlapping(
        datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    ).filter(kind__in=[StatusKind.EXEMPTION, StatusKind.SUSPENSION, StatusKind.TEMPORARY_TRANSFER])
    rows = (
        Member.objects.filter(admission_date__lte=datetime.date(year, 1, 1))
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=datetime.date(year, 12, 31)))
        .exclude(pk__in=away.values("member_id"))
        .values_list("cell_id", "pk")
        .order_by("cell_id", "pk")
    )
    rosters: dict[int, list[int]] = defaultdict(list)
    for cell_id, pk in rows.iterator(chunk_size=BATCH):
        rosters[cell_id].append(pk)
    return rosters


def _absence(rng: random.Random, chronic: bool) -> str:
    if chronic and rng.random() < CHRONIC_UNEXCUSED:
        return AbsenceReason.UNEXCUSED
    draw = rng.random()
    for reason, share in ABSENCES:
        if draw < share:
            return reason
        draw -= share
    return ""


def _meetings(cells: list[int], year: int, months: int, rng: random.Random, criteria: list[str]):
    for cell in cells:
        skipped = set()
        if rng.random() < SHORT_CELL_SHARE:
            skipped = set(rng.sample(range(1, months + 1), k=min(months, rng.randint(1, 3))))
        for month in range(1, months + 1):
            if month in skipped:
                continue
            met = {code: rng.random() < 0.93 for code in criteria}
            yield CellMeeting(
                cell_id=cell,
                kind=CellMeetingKind.REGULAR,
                held_on=datetime.date(year, month, rng.randint(1, 25)),
                duration_minutes=rng.choice((75, 90, 90, 100, 120, 120, 150)),
                criteria=met,
                chair="Bí thư chi bộ",
                recorder="Phó bí thư",
            )
        if rng.random() < THEMATIC_SHARE:
            for month in (3, 6, 9, 12)[: months // 3]:
                yield CellMeeting(
                    cell_id=cell,
                    kind=CellMeetingKind.THEMATIC,
                    held_on=datetime.date(year, month, 27),
                    duration_minutes=120,
                    criteria=dict.fromkeys(criteria, True),
                )


@transaction.atomic
def meetings_seed(*, year: int, months: int = 12, seed: int = 1) -> dict[str, int]:
    """Seed `months` regular monthly meetings (and most cells' quarterly thematic ones) for every
    cell, with every roster member's attendance. Returns the counts written."""
    rng = random.Random(seed)
    criteria = [code for code, _label in criteria_labels(meeting_rules_for(year))]
    rosters = _rosters(year)
    chronic = {pk for pks in rosters.values() for pk in pks if rng.random() < CHRONIC_SHARE}
    cells = list(Organization.objects.cells().order_by("path").values_list("pk", flat=True))
    meetings = CellMeeting.objects.bulk_create(
        _meetings(cells, year, months, rng, criteria), batch_size=BATCH
    )
    rows = (
        (meeting.pk, member, *_present(_absence(rng, member in chronic)))
        for meeting in meetings
        for member in rosters.get(meeting.cell_id, ())
    )
    written = _copy(rows) if connection.vendor == "postgresql" else _bulk(rows)
    inspected = _inspections(year)
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would gather them later: without them the planner
        # takes a million new rows for a handful.
        with connection.cursor() as cursor:
            for model in (CellMeeting, CellMeetingAttendance):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return {
        "meetings": len(meetings),
        "attendance": written,
        "cells": len(cells),
        "inspections": inspected,
    }


def _present(reason: str) -> tuple[bool, str]:
    return not reason, reason


def _copy(rows) -> int:
    """COPY the attendance rows (meeting, member, present, reason) into PostgreSQL."""
    table = CellMeetingAttendance._meta.db_table
    sql = f"COPY {table} (meeting_id, member_id, present, absence_reason) FROM STDIN"
    n = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def _bulk(rows) -> int:
    """The same rows by bulk insert (SQLite, the demo's default database)."""
    n = 0
    batch = []
    for meeting, member, present, reason in rows:
        batch.append(
            CellMeetingAttendance(
                meeting_id=meeting, member_id=member, present=present, absence_reason=reason
            )
        )
        if len(batch) == BATCH:
            n += len(CellMeetingAttendance.objects.bulk_create(batch))
            batch = []
    return n + len(CellMeetingAttendance.objects.bulk_create(batch))


def _inspections(year: int) -> int:
    """The committee inspected the meetings of every cell it decided (R21: before deciding)."""
    period = Period.objects.filter(year=year).first()
    if period is None:
        return 0
    decided = CellYear.objects.filter(period=period, decided_level__isnull=False).exclude(
        cell__meeting_inspections__period=period
    )
    rows = MeetingInspection.objects.bulk_create(
        MeetingInspection(
            period=period,
            cell_id=cell_id,
            inspected_on=datetime.date(year, 12, 15),
            inspector="Ủy ban Kiểm tra Đảng ủy",
            findings="Chi bộ duy trì sinh hoạt định kỳ; biên bản ghi chép đầy đủ.",
        )
        for cell_id in decided.values_list("cell_id", flat=True)
    )
    return len(rows)
