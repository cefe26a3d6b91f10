"""Issue 16, item 5: the meetings dashboard of a unit and its sheet in the summary workbook."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.models import AbsenceReason, CellMeetingKind
from reports.exports import summary_xlsx
from reports.meetings_dashboard import meetings_dashboard_build, meetings_unit_rows
from reports.summary import summary_build
from tests.assessment.test_meetings import meet
from tests.factories import MemberFactory

D = datetime.date
TODAY = D(2026, 1, 15)  # 2025 is over: 12 regular and 4 thematic meetings due


@pytest.fixture
def year_of_meetings(tree, period):
    """C1 (4 members) meets every month, one member absent without reason in March, April
    and May; C2 (2 members) meets only in January; C3 in the other district meets once."""
    c1 = MemberFactory.create_batch(4, cell=tree.c1)
    c2 = MemberFactory.create_batch(2, cell=tree.c2)
    MemberFactory(cell=tree.c3)
    for month in range(1, 13):
        absent = {c1[0].pk: AbsenceReason.UNEXCUSED} if month in (3, 4, 5) else {}
        meet(tree.c1, D(2025, month, 7), absent)
    for month in (3, 6, 9, 12):
        meet(tree.c1, D(2025, month, 21), kind=CellMeetingKind.THEMATIC)
    meet(tree.c2, D(2025, 1, 9), {c2[1].pk: AbsenceReason.ILL})
    meet(tree.c3, D(2025, 1, 9))
    return c1, c2


def test_the_dashboard_counts_what_the_cells_held(tree, period, year_of_meetings):
    c1, c2 = year_of_meetings
    d = meetings_dashboard_build(unit=tree.district_a, period=period, today=TODAY)
    t = d.totals
    assert (t.cells, t.cells_short, t.regular_held, t.thematic_held) == (2, 1, 13, 4)
    # 16 meetings × 4 + 1 × 2 rows; absent: 3 unexcused in C1, 1 ill in C2
    assert (t.roster, t.present) == (66, 62)
    assert [c.name for c in d.short_cells] == [tree.c2.name]
    assert [(m.pk, m.months, m.flagged) for m in d.members] == [(c1[0].pk, 3, True)]
    assert t.flagged == 1 and d.repeated_count == 1
    jan = d.months[0]
    assert (jan.regular, jan.roster, jan.present) == (2, 6, 5)
    assert d.chart_data()["regular"][:3] == [2, 1, 1]
    assert d.chart_data()["thematic"][2] == 1


def test_the_page_is_for_those_whose_scope_holds_the_unit(
    login, tree, period, year_of_meetings, district_board, outsider
):
    url = reverse("reports:meetings_dashboard", args=[2025, tree.district_a.pk])
    page = login(district_board).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="meetings-data"' in text and tree.c2.name in text
    assert login(outsider).get(url).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_query_count_does_not_grow_with_the_meetings(login, tree, period, district_board):
    client = login(district_board)
    url = reverse("reports:meetings_dashboard", args=[2025, tree.district_a.pk])
    first = MemberFactory.create_batch(3, cell=tree.c1)
    meet(tree.c1, D(2025, 1, 7), {first[0].pk: AbsenceReason.UNEXCUSED})
    meet(tree.c1, D(2025, 1, 20), {first[0].pk: AbsenceReason.UNEXCUSED}, kind="thematic")
    small = _queries(client, url)
    for cell in (tree.c2, tree.c3):
        members = MemberFactory.create_batch(6, cell=cell)
        for month in range(1, 13):
            meet(cell, D(2025, month, 8), {members[0].pk: AbsenceReason.UNEXCUSED})
    for month in range(2, 13):
        meet(tree.c1, D(2025, month, 7))
    assert _queries(client, url) == small


def test_the_summary_workbook_has_a_meetings_sheet(tree, period, year_of_meetings):
    rows = meetings_unit_rows(unit=tree.province, period=period)
    assert [r.unit for r in rows] == [tree.province, tree.district_a, tree.district_b]
    assert rows[0].regular_held == 14 and rows[1].flagged == 1 and rows[2].cells == 2
    book = openpyxl.load_workbook(
        io.BytesIO(summary_xlsx(summary_build(unit=tree.province, period=period)))
    )
    sheet = book["SinhHoatChiBo"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert values[0][0] == tree.province.name and values[0][3] == 14
    assert values[1][0] == tree.district_a.name and values[1][7] == 1
