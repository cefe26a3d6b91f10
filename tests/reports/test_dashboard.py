"""The progress dashboard (issue 5 item 1, R19) on a hand-built year with hand-computed figures.

The year as of 22/12/2025 (cells' meetings due 20/12, grassroots decisions 31/12):

    P ─┬─ A ── G1 ─┬─ C1  decided,     submitted 18/12        3 members: XS T T decided
       │           ├─ C2  submitted,   00:30 21/12 (late)     2 members: proposed
       │           ├─ C4  in progress                         2 members: 1 self-reviewed
       │           └─ C5  no record yet                       1 member (roster not drawn)
       └─ B ─┬─ G2 ── C3  returned (open again), was 19/12    1 member: proposed
             └─ GC  cell submitted 23:30 20/12 (on time)      1 member: HT decided
                    own level submitted 21/12
G1's own report is in progress; G2 has none.
"""

import datetime
from dataclasses import asdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessment import rules
from assessment.models import (
    CanonicalLevel,
    CellState,
    CellYear,
    GrassrootsYear,
    Level,
    MemberAssessment,
    Period,
    PeriodState,
    RuleSet,
)
from members.models import Member
from organizations.models import Organization
from reports.dashboard import dashboard_build, late_units, unit_rows
from tests.counts import counts_rebuild
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
BEFORE_NEW_YEAR = datetime.date(2025, 12, 22)
AFTER_NEW_YEAR = datetime.date(2026, 1, 2)


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, minute, tzinfo=HCM)


def roster(cell_year, n, *, self_level=None, proposed=None, decided=(), members=None):
    """`n` assessments; the first ones get the `decided` levels in order."""
    members = members or [MemberFactory(cell=cell_year.cell) for _ in range(n)]
    for i, member in enumerate(members[:n]):
        MemberAssessment.objects.create(
            cell_year=cell_year,
            member=member,
            self_level=self_level if not callable(self_level) else self_level(i),
            proposed_level=proposed,
            decided_level=decided[i] if i < len(decided) else None,
        )
    return members


@pytest.fixture
def lv(period):
    return {level.code: level for level in Level.objects.filter(rule_set=period.rule_set)}


@pytest.fixture
def year(period, tree, lv):
    g1 = tree.g1
    c4 = OrganizationFactory(code="C4", name="Chi bộ thôn 4", parent=g1)
    c5 = OrganizationFactory(code="C5", name="Chi bộ thôn 5", parent=g1)
    good, excellent, done = lv["HTTNV"], lv["HTXSNV"], lv["HTNV"]

    def cell_year(cell, state, submitted_at=None):
        return CellYear.objects.create(
            period=period, cell=cell, state=state, submitted_at=submitted_at
        )

    c1 = cell_year(tree.c1, CellState.DECIDED, at(18, 9))
    c1_members = roster(c1, 3, self_level=good, proposed=good, decided=[excellent, good, good])
    roster(
        cell_year(tree.c2, CellState.SUBMITTED, at(21, 0, 30)), 2, self_level=good, proposed=good
    )
    roster(cell_year(c4, CellState.IN_PROGRESS), 2, self_level=lambda i: good if i == 0 else None)
    MemberFactory(cell=c5)
    roster(cell_year(tree.c3, CellState.RETURNED, at(19, 10)), 1, self_level=done, proposed=done)
    gc = cell_year(tree.gc, CellState.SUBMITTED, at(20, 23, 30))
    roster(gc, 1, self_level=good, proposed=done, decided=[done])
    GrassrootsYear.objects.create(period=period, organization=tree.g1, state=CellState.IN_PROGRESS)
    GrassrootsYear.objects.create(
        period=period, organization=tree.gc, state=CellState.SUBMITTED, submitted_at=at(21, 8)
    )
    MemberFactory(cell=tree.c1, left_on=datetime.date(2025, 6, 1))  # left: not counted
    counts_rebuild()  # rows written directly: the kept counts follow (the levels chart reads them)
    return c1_members


@pytest.fixture
def year_2024(tree, year):
    """The year before, under the 2023–2024 rules (their own level codes): C1's three members
    good, completed, completed; C3's member not completed."""
    rules_2024 = RuleSet.objects.create(
        code="HD25-2023",
        name_vi="Hướng dẫn 25",
        name_en="Guide 25",
        first_year=2023,
        last_year=2024,
    )
    lv = {
        canonical: Level.objects.create(
            rule_set=rules_2024,
            code=f"L{rank}",
            short_name=f"L{rank}",
            name_vi=canonical,
            name_en=canonical,
            rank=rank,
            maps_to=canonical,
        )
        for rank, canonical in enumerate(CanonicalLevel.values, start=1)
    }
    period = Period.objects.create(
        year=2024,
        rule_set=rules_2024,
        state=PeriodState.CLOSED,
        assessment_date=datetime.date(2024, 12, 1),
    )
    c1 = CellYear.objects.create(period=period, cell=tree.c1, state=CellState.DECIDED)
    roster(c1, 3, decided=[lv["good"], lv["completed"], lv["completed"]], members=year)
    c3 = CellYear.objects.create(period=period, cell=tree.c3, state=CellState.DECIDED)
    roster(c3, 1, decided=[lv["not_completed"]])
    counts_rebuild()
    return period


def rows_of(dashboard):
    return {row.unit.code: row for row in dashboard.rows}


def test_r19_each_child_unit_with_its_cells_by_state_on_time_or_late(period, tree, year):
    dashboard = dashboard_build(unit=tree.province, period=period, today=BEFORE_NEW_YEAR)
    rows = rows_of(dashboard)
    assert list(rows) == ["A", "B"]
    assert asdict(rows["A"].cells) == {
        "total": 4,
        "not_started": 1,  # C5
        "in_progress": 1,  # C4
        "returned": 0,
        "submitted": 1,  # C2
        "decided": 1,  # C1
        "on_time": 1,  # C1
        "late": 3,  # C2 after the day, C4 and C5 still open after it
    }
    assert asdict(rows["B"].cells) == {
        "total": 2,
        "not_started": 0,
        "in_progress": 0,
        "returned": 1,  # C3: open again, so late although first submitted in time
        "submitted": 1,
        "decided": 0,
        "on_time": 1,  # GC at 23:30 on the day, local time
        "late": 1,
    }
    assert (dashboard.head.cells.total, dashboard.head.cells.late) == (6, 4)
    assert dashboard.head.cells.done_percent == Decimal("50.00")


def test_members_total_self_reviewed_proposed_and_decided(period, tree, year):
    dashboard = dashboard_build(unit=tree.province, period=period, today=BEFORE_NEW_YEAR)
    rows = rows_of(dashboard)
    # A: the rosters of C1, C2, C4 (7) and C5's member whose roster is not drawn yet (counted
    # as to be assessed: nothing says otherwise until the roster is drawn).
    assert asdict(rows["A"].members) == {
        "total": 8,
        "to_assess": 8,
        "self_reviewed": 6,
        "proposed": 5,
        "decided": 3,
    }
    assert asdict(rows["B"].members) == {
        "total": 2,
        "to_assess": 2,
        "self_reviewed": 2,
        "proposed": 2,
        "decided": 1,
    }
    assert asdict(dashboard.head.members) == {
        "total": 10,
        "to_assess": 10,
        "self_reviewed": 8,
        "proposed": 7,
        "decided": 4,
    }


def test_a_closed_year_counts_its_rosters_only(period, tree, year):
    period.state = PeriodState.CLOSED
    period.save()
    row = rows_of(dashboard_build(unit=tree.province, period=period, today=BEFORE_NEW_YEAR))["A"]
    assert row.members.total == 7


def test_r19_grassroots_organizations_answer_to_the_decision_deadline(period, tree, year):
    before = dashboard_build(unit=tree.province, period=period, today=BEFORE_NEW_YEAR)
    assert asdict(rows_of(before)["B"].grassroots) == {
        "total": 2,
        "done": 1,
        "on_time": 1,
        "late": 0,
    }
    after = dashboard_build(unit=tree.province, period=period, today=AFTER_NEW_YEAR)
    assert asdict(after.head.grassroots) == {"total": 3, "done": 1, "on_time": 1, "late": 2}


def test_each_child_s_own_work_against_its_level_s_deadline(period, tree, year):
    rows = rows_of(dashboard_build(unit=tree.district_b, period=period, today=AFTER_NEW_YEAR))
    assert list(rows) == ["G2", "GC"]
    assert (rows["G2"].own.state, rows["G2"].own.late) == (CellState.NOT_STARTED, True)
    assert rows["G2"].own.due == datetime.date(2025, 12, 31)
    assert (rows["GC"].own.state, rows["GC"].own.late) == (CellState.SUBMITTED, False)
    cells = rows_of(dashboard_build(unit=tree.g1, period=period, today=BEFORE_NEW_YEAR))
    assert {code: row.own.late for code, row in cells.items()} == {
        "C1": False,
        "C2": True,
        "C4": True,
        "C5": True,
    }
    assert cells["C2"].own.due == datetime.date(2025, 12, 20)


def test_the_sql_agrees_with_rules_is_late_cell_by_cell(period, tree, year):
    """The aggregate is R19 in SQL; it must count what `rules.is_late` says of each record."""
    deadline = period.deadlines.get(level="cell").due
    for today in (datetime.date(2025, 12, 20), BEFORE_NEW_YEAR):
        records = {cy.cell_id: cy for cy in CellYear.objects.filter(period=period)}
        expected = 0
        for cell in Organization.objects.in_subtree(tree.province).cells():
            record = records.get(cell.pk)
            done = record and record.state in (CellState.SUBMITTED, CellState.DECIDED)
            expected += rules.is_late(
                done_at=record.submitted_at if done else None, due=deadline, today=today
            )
        dashboard = dashboard_build(unit=tree.province, period=period, today=today)
        assert dashboard.head.cells.late == expected


def test_grassroots_columns_only_where_a_child_holds_grassroots_organizations(period, tree, year):
    assert dashboard_build(unit=tree.province, period=period).shows_grassroots
    assert not dashboard_build(unit=tree.g1, period=period).shows_grassroots


def test_the_table_figures_are_the_rows_counts_in_column_order(period, tree, year):
    """Issue 18: the units table's cells are written once in Python; they say what the rows
    count, grouped as `intcomma` writes them, a late count other than 0 in red, the grassroots
    columns only where the page shows them."""
    dashboard = dashboard_build(unit=tree.province, period=period, today=BEFORE_NEW_YEAR)
    dashboard.head.members.total = 94_877  # as if a province: thousands grouped (R25)
    figures = {row.unit.code: html for row, html in dashboard.table_figures()}
    assert list(figures) == ["A", "B", tree.province.code]
    assert figures["A"] == (
        '<td class="num border-start">4</td><td class="num">1</td><td class="num">1</td>'
        '<td class="num">0</td><td class="num">1</td><td class="num">1</td>'
        '<td class="num">1</td><td class="num text-danger">3</td>'
        '<td class="num border-start">8</td><td class="num">6</td><td class="num">5</td>'
        '<td class="num">3</td>'
        '<td class="num border-start">1</td><td class="num">0</td><td class="num">0</td>'
    )
    for language, total in (("vi", "94.877"), ("en", "94,877")):
        with translation.override(language):
            head = dashboard.table_figures()[-1][1]
        assert f'<td class="num border-start">{total}</td>' in head
    cells_only = dashboard_build(unit=tree.g1, period=period, today=BEFORE_NEW_YEAR)
    assert all(html.count("<td") == 12 for _, html in cells_only.table_figures())


def test_a_returned_cell_s_first_submission_no_longer_counts(period, tree, year):
    own = rows_of(dashboard_build(unit=tree.g2, period=period, today=BEFORE_NEW_YEAR))["C3"].own
    assert (own.state, own.submitted_at, own.late) == (CellState.RETURNED, None, True)


def test_a_year_without_deadlines_has_nothing_late(period, tree, year):
    period.deadlines.all().delete()
    dashboard = dashboard_build(unit=tree.province, period=period, today=AFTER_NEW_YEAR)
    assert (dashboard.head.cells.on_time, dashboard.head.cells.late) == (3, 0)
    assert (dashboard.late.total, dashboard.late.units, dashboard.deadlines) == (0, [], [])
    assert rows_of(dashboard)["A"].own.due is None


def test_the_unit_itself_when_it_is_a_cell(period, tree, year):
    dashboard = dashboard_build(unit=tree.c2, period=period, today=BEFORE_NEW_YEAR)
    assert dashboard.rows == []
    assert (dashboard.head.cells.total, dashboard.head.cells.submitted) == (1, 1)
    assert dashboard.head.members.proposed == 2
    assert dashboard.head.own.late


def test_r19_late_units_across_the_subtree_grassroots_first_then_cells(period, tree, year):
    dashboard = dashboard_build(unit=tree.province, period=period, today=AFTER_NEW_YEAR)
    late = [(u.unit.code, u.level, u.parent_name, u.days_late) for u in dashboard.late.units]
    assert late == [
        ("G1", "grassroots", "Huyện ủy A", 2),
        ("G2", "grassroots", "Huyện ủy B", 2),
        ("C2", "cell", "Đảng bộ xã G1", 1),
        ("C4", "cell", "Đảng bộ xã G1", 13),
        ("C5", "cell", "Đảng bộ xã G1", 13),
        ("C3", "cell", "Đảng bộ xã G2", 13),
    ]
    assert dashboard.late.units[2].submitted_at == at(21, 0, 30)
    assert dashboard.late.units[5].submitted_at is None  # returned: the old submission is void
    assert (dashboard.late.total, dashboard.late.rest) == (6, 0)


def test_the_late_list_is_capped_with_a_count_of_the_rest(period, tree, year):
    due = {d.level: d.due for d in period.deadlines.all()}
    head, _ = unit_rows(unit=tree.province, period=period, due=due, today=AFTER_NEW_YEAR)
    late = late_units(
        unit=tree.province, period=period, due=due, today=AFTER_NEW_YEAR, head=head, limit=3
    )
    assert [u.unit.code for u in late.units] == ["G1", "G2", "C2"]
    assert (late.total, late.rest) == (6, 3)


def test_nothing_is_late_before_any_deadline(period, tree, year):
    dashboard = dashboard_build(unit=tree.province, period=period, today=datetime.date(2025, 12, 1))
    assert dashboard.head.cells.late == 1  # C2 was submitted after 20/12: late for good
    assert [u.unit.code for u in dashboard.late.units] == ["C2"]


def test_deadline_progress_for_cells_and_grassroots_organizations(period, tree, year):
    dashboard = dashboard_build(unit=tree.province, period=period, today=BEFORE_NEW_YEAR)
    by_level = {d.level: d for d in dashboard.deadlines}
    assert list(by_level) == [
        "state_employee",
        "cell",
        "grassroots",
        "superior",
        "province",
        "central",
    ]
    cell = by_level["cell"]
    assert (cell.total, cell.on_time, cell.late_done, cell.open_late, cell.open) == (6, 2, 1, 3, 0)
    assert (cell.days_left, cell.days_overdue) == (-2, 2)
    grassroots = by_level["grassroots"]
    assert (grassroots.total, grassroots.on_time, grassroots.open, grassroots.days_left) == (
        3,
        1,
        2,
        9,
    )
    superior = by_level["superior"]  # step 8: both districts still to decide (due 31/12)
    assert (superior.total, superior.on_time, superior.late_done, superior.open) == (2, 0, 0, 2)


def test_levels_this_year_against_last_year(period, tree, year, year_2024):
    dashboard = dashboard_build(unit=tree.province, period=period, today=BEFORE_NEW_YEAR)
    this_year = [(s.code, s.count, s.percent) for s in dashboard.this_year.levels]
    assert this_year == [
        ("excellent", 1, Decimal("25.00")),
        ("good", 2, Decimal("50.00")),
        ("completed", 1, Decimal("25.00")),
        ("not_completed", 0, Decimal("0.00")),
    ]
    assert dashboard.last_year.year == 2024
    assert [s.count for s in dashboard.last_year.levels] == [0, 1, 2, 1]
    district = dashboard_build(unit=tree.district_a, period=period, today=BEFORE_NEW_YEAR)
    assert [s.percent for s in district.last_year.levels] == [
        Decimal("0.00"),
        Decimal("33.33"),
        Decimal("66.67"),  # half up, from stored counts (R24)
        Decimal("0.00"),
    ]


def test_no_previous_year_no_comparison(period, tree, year):
    dashboard = dashboard_build(unit=tree.province, period=period, today=BEFORE_NEW_YEAR)
    assert dashboard.last_year is None
    assert [s["key"] for s in dashboard.chart_data()["levels"]["series"]] == ["this_year"]


def test_the_chart_figures_are_the_table_figures(period, tree, year, year_2024):
    dashboard = dashboard_build(unit=tree.province, period=period, today=BEFORE_NEW_YEAR)
    data = dashboard.chart_data()
    assert data["units"]["labels"] == ["Huyện ủy A", "Huyện ủy B"]
    series = {s["key"]: s["data"] for s in data["units"]["series"]}
    assert series == {
        "not_started": [1, 0],
        "in_progress": [1, 0],
        "returned": [0, 1],
        "submitted": [1, 1],
        "decided": [1, 0],
    }
    deadlines = {s["key"]: s["data"] for s in data["deadlines"]["series"]}
    assert deadlines == {  # cells, grassroots organizations, superior committees (step 8)
        "on_time": [2, 1, 0],
        "late_done": [1, 0, 0],
        "open_late": [3, 0, 0],
        "open": [0, 2, 2],
    }
    levels = {s["label"]: (s["data"], s["counts"]) for s in data["levels"]["series"]}
    assert levels == {
        "2025": ([25.0, 50.0, 25.0, 0.0], [1, 2, 1, 0]),
        "2024": ([0.0, 25.0, 50.0, 25.0], [0, 1, 2, 1]),
    }


# --- The page ---------------------------------------------------------------------------------


def progress(client, unit, year=2025):
    return client.get(reverse("reports:progress", args=[year, unit.pk]))


def test_the_page_shows_the_figures_in_vietnamese(login, period, tree, year, provincial):
    Member.objects.bulk_create(MemberFactory.build_batch(1_230, cell=tree.c2))
    response = progress(login(provincial), tree.province)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="dashboard-data" type="application/json"' in html
    assert "<script>" not in html  # CSP: no inline script
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "1.240" in html  # members of the province, thousands with a dot (R25)
    assert "25,00 %" in html  # a level's share, decimal comma
    assert "20/12/2025" in html  # the cells' deadline
    assert reverse("reports:progress", args=[2025, tree.district_a.pk]) in html


def test_the_chart_library_is_served_from_our_own_static_files(client):
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/chartjs/chart.umd.min.js")
    assert finders.find("js/dashboard.js")


ROLES = [
    # (user fixture, unit, status)
    ("provincial", "province", 200),
    ("provincial", "c3", 200),
    ("administrator", "c3", 200),
    ("district_board", "district_a", 200),
    ("district_board", "g1", 200),
    ("district_board", "district_b", 404),
    ("district_board", "province", 404),
    ("committee", "g1", 200),
    ("committee", "c2", 200),
    ("committee", "district_a", 404),
    ("committee", "g2", 404),
    ("secretary", "c1", 200),  # their own cell's figures
    ("secretary", "c2", 404),
    ("secretary", "g1", 404),
    ("alice_member", "c1", 404),  # a member's scope is their own record only
    ("outsider", "c1", 404),
    ("outsider", "c3", 200),
    ("outsider_board", "g1", 404),
]


@pytest.mark.parametrize(("who", "where", "status"), ROLES)
def test_who_sees_which_dashboard(request, login, period, tree, who, where, status):
    user = request.getfixturevalue(who)
    if who == "alice_member":
        user = user.user
    assert progress(login(user), getattr(tree, where)).status_code == status


def test_it_denies_other_district(login, period, tree, outsider_board):
    assert progress(login(outsider_board), tree.g1).status_code == 404


def test_it_redirects_anonymous_users_to_the_login(client, period, tree):
    response = progress(client, tree.g1)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_unknown_year_is_404(login, period, tree, provincial):
    assert progress(login(provincial), tree.province, year=2019).status_code == 404


def test_it_refuses_post(login, period, tree, provincial):
    url = reverse("reports:progress", args=[2025, tree.province.pk])
    assert login(provincial).post(url).status_code == 405


def test_the_page_runs_the_same_queries_for_6_and_66_cells(
    login, period, tree, year, provincial, lv, django_assert_max_num_queries
):
    client = login(provincial)

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert progress(client, tree.province).status_code == 200
        return len(context.captured_queries)

    small = count()
    for i in range(60):
        parent = tree.g1 if i % 2 else tree.g2
        cell = OrganizationFactory(parent=parent)
        members = MemberFactory.create_batch(2, cell=cell)
        if i % 3:
            cell_year = CellYear.objects.create(
                period=period, cell=cell, state=CellState.SUBMITTED, submitted_at=at(19, 8)
            )
            roster(cell_year, 2, self_level=lv["HTTNV"], decided=[lv["HTTNV"]], members=members)
    assert Member.objects.count() > 120
    assert count() == small
    # 21: the leaders' late quarters are one query more (issue 14 item 6, R27)
    with django_assert_max_num_queries(21):
        assert progress(client, tree.province).status_code == 200


def test_the_year_before_costs_no_query_more(login, period, tree, year, year_2024, provincial):
    """Issue 18: both years' levels come from one query of the kept counts."""
    client = login(provincial)

    def count() -> tuple[int, int | None]:
        with CaptureQueriesContext(connection) as context:
            response = progress(client, tree.province)
        last_year = response.context["dashboard"].last_year
        return len(context.captured_queries), last_year and last_year.total

    with_2024 = count()
    Period.objects.filter(pk=year_2024.pk).update(year=2020)  # no year before 2025 any more
    assert (with_2024, count()) == ((21, 4), (21, None))


def test_a_superior_that_issued_its_decision_is_done_and_its_step_is_tracked(
    period, tree, secretary, committee, district_board, level, login, provincial
):
    """Issue 12, fault 11: the commune committee that has issued its decision on its
    grassroots organizations shows as done (not "not started, late"), and the superior
    committees' deadline is followed like the others."""
    from assessment import grassroots
    from assessment.decisions import Choice
    from assessment.models import DeadlineLevel

    from ..assessment.test_grassroots import g1_done

    year = g1_done(period, tree, secretary, committee, level)
    grassroots.grassroots_submit(
        grassroots_year=year, report="Báo cáo", proposed_level=level["HTTNV"], by=committee
    )
    grassroots.grassroots_levels_decide(
        superior=tree.district_a,
        period=period,
        choices={year.pk: Choice(level["HTTNV"])},
        by=district_board,
    )
    decision = grassroots.grassroots_decision_issue(
        superior=tree.district_a,
        period=period,
        by=district_board,
        signed_on=datetime.date(2025, 12, 30),
        signer_name="A",
        signer_title="Bí thư",
    )
    dashboard = dashboard_build(unit=tree.province, period=period)
    rows = {row.unit.pk: row for row in dashboard.rows}
    done = rows[tree.district_a.pk].own
    assert (done.state, done.submitted_at) == (CellState.DECIDED, decision.issued_at)
    assert rows[tree.district_b.pk].own.state == CellState.NOT_STARTED
    [step] = [d for d in dashboard.deadlines if d.level == DeadlineLevel.SUPERIOR]
    assert step.total == 2 and step.on_time + step.late_done == 1
    html = login(provincial).get(reverse("reports:progress", args=[2025, tree.province.pk]))
    row = html.content.decode().split('data-testid="deadline-superior"')[1].split("</tr>")[0]
    assert "không theo dõi" not in row and "not tracked" not in row
