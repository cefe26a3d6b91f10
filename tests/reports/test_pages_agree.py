"""Issue 12, "one home per shared rule": the dashboard, the calendar, the committee's inbox, the
reminders and the summary count "late" and "to be assessed" the same way, because they ask
assessment.progress (and group by tree path through organizations.counts)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment import cell_year as work
from assessment import progress
from assessment.models import CellState, CellYear
from members.models import Member
from reports import reminders
from reports.dashboard import dashboard_build
from reports.reminders import calendar_build
from reports.summary import summary_json

from ..assessment.test_decisions import submitted_cell
from ..factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned_and_undrawn(period, tree, secretary, committee):
    """C1 submitted on time then returned (open again, past its deadline); C2's roster not
    drawn yet; C3 drawn."""
    cell_year = submitted_cell(period, tree.c1, secretary, 3, {"HTTNV": 3})
    CellYear.objects.filter(pk=cell_year.pk).update(
        submitted_at=timezone.make_aware(datetime.datetime(2025, 12, 10, 9))
    )
    work.cell_return(cell_year=cell_year, reason="Bổ sung biên bản", by=committee)
    MemberFactory.create_batch(4, cell=tree.c2)
    MemberFactory.create_batch(2, cell=tree.c3)
    work.cell_year_open(period=period, cell=tree.c3)
    return cell_year


def test_a_returned_cell_is_late_alike_on_the_dashboard_the_inbox_and_the_calendar(
    period, tree, committee, login, returned_and_undrawn
):
    today = timezone.localdate()
    returned = CellYear.objects.get(pk=returned_and_undrawn.pk)
    assert returned.state == CellState.RETURNED and progress.done_at(returned) is None
    dashboard = dashboard_build(unit=tree.g1, period=period, today=today)
    assert dashboard.head.cells.late == 2  # C1 returned and C2 not started, both past 20/12
    inbox = login(committee).get(reverse("assessment:inbox", args=[2025, tree.g1.pk]))
    assert inbox.status_code == 200
    assert inbox.context["late_count"] == dashboard.head.cells.late
    late_cells = {row["cell"].pk for row in inbox.context["rows"] if row["late"]}
    assert late_cells == {tree.c1.pk, tree.c2.pk}
    assert {u.unit.pk for u in dashboard.late.units if u.level == "cell"} == late_cells
    calendar = calendar_build(unit=tree.g1, period=period, today=today)
    assert calendar.late.total == dashboard.late.total


def test_members_not_on_a_roster_count_alike_on_the_dashboard_summary_and_reminders(
    period, tree, returned_and_undrawn
):
    undrawn = progress.not_on_roster(Member.objects.in_subtree(tree.province), period)
    assert set(undrawn.values_list("cell", flat=True)) == {tree.c2.pk}
    dashboard = dashboard_build(unit=tree.province, period=period)
    members = summary_json(tree.province, period)["sections"]["members"]
    assert dashboard.head.members.total == members["total"] == Member.objects.current().count()
    rows = {row.unit.pk: row for row in dashboard.rows}
    assert rows[tree.district_a.pk].members.to_assess >= undrawn.count()
    open_cells = {w.unit.pk: w for w in reminders.open_work(period=period, level="cell")}
    assert any("4" in str(item) for item in open_cells[tree.c2.pk].work)  # 4 without votes
