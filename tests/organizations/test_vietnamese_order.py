"""Issue 13 item 16: names sort as Vietnamese lists do, by given name then the whole name, in
the Vietnamese alphabet, on PostgreSQL (ICU vi-x-icu), on SQLite and in Python alike."""

import sqlite3

import pytest
from django.db import connection
from django.urls import reverse

from assessment import cell_year as work
from members.models import Member
from organizations.collation import VI_COLLATION, name_order, name_sort_key, register_sqlite

from ..factories import MemberFactory

pytestmark = pytest.mark.django_db

NAMES = [
    "Đặng Minh Quân",
    "Trần Thị Em",
    "Vũ Hồng Dung",
    "Nguyễn Quang Huy",
    "Nguyễn Quang Hải",
    "Đặng Văn An",
    "Bùi Văn An",
]
EXPECTED = [
    "Bùi Văn An",
    "Đặng Văn An",
    "Vũ Hồng Dung",
    "Trần Thị Em",
    "Nguyễn Quang Hải",
    "Nguyễn Quang Huy",
    "Đặng Minh Quân",
]


def test_the_issue_example_sorts_in_python():
    assert sorted(NAMES, key=name_sort_key) == EXPECTED
    assert sorted(NAMES) != EXPECTED  # code-point order puts Đặng after Vũ


def test_the_issue_example_sorts_on_postgresql_with_the_icu_collation(tree):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", [VI_COLLATION])
        assert cursor.fetchone()
    for name in NAMES:
        MemberFactory(cell=tree.c1, full_name=name)
    ordered = Member.objects.order_by(*name_order(), "pk").values_list("full_name", flat=True)
    assert list(ordered) == EXPECTED


def test_the_issue_example_sorts_on_sqlite_with_the_registered_collation():
    db = sqlite3.connect(":memory:")
    register_sqlite(db)
    db.execute("CREATE TABLE m (name TEXT)")
    db.executemany("INSERT INTO m VALUES (?)", [(n,) for n in NAMES])
    rows = db.execute(
        f'SELECT name FROM m ORDER BY vi_given_name(name) COLLATE "{VI_COLLATION}", '
        f'name COLLATE "{VI_COLLATION}"'
    ).fetchall()
    assert [r[0] for r in rows] == EXPECTED


def test_python_and_postgresql_agree_on_letters_and_tones(tree):
    words = ["ba", "Ba", "bà", "bả", "bã", "bá", "bạ", "bă", "bâ", "bb", "đa", "da", "ơ", "ô", "o"]
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT x FROM unnest(%s::text[]) x ORDER BY x COLLATE "{VI_COLLATION}"', [words]
        )
        in_postgresql = [row[0] for row in cursor.fetchall()]
    from organizations.collation import vietnamese_key

    assert sorted(words, key=vietnamese_key) == in_postgresql


def test_the_roster_and_the_unit_page_list_members_in_vietnamese_order(
    login, period, tree, secretary
):
    for name in NAMES:
        MemberFactory(cell=tree.c1, full_name=name)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    client = login(secretary)
    page = client.get(reverse("assessment:cell_year", args=[2025, tree.c1.pk])).content.decode()
    assert [n for n in sorted(NAMES, key=page.index)] == EXPECTED
    unit = client.get(reverse("organizations:unit", args=[tree.c1.pk])).content.decode()
    assert [n for n in sorted(NAMES, key=unit.index)] == EXPECTED
    summary = work.meeting_summary(work.meeting_for(cell_year))
    assert [m.full_name for m in summary.voters] == EXPECTED


def test_the_decision_table_and_the_classification_export_follow_the_same_order(period, tree):
    from assessment.decisions import decision_rows
    from reports.exports import classification_rows

    for name in NAMES:
        MemberFactory(cell=tree.c1, full_name=name)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    assert [r.assessment.member.full_name for r in decision_rows(cell_year)] == EXPECTED
    assert [row[1] for row in classification_rows(tree.c1, period)] == EXPECTED
