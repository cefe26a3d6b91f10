"""Issue 13, items 1–8: rules coded as their sources say (R4, R6, R10–R11, R13, R18, R19, R26).

Each test is named after its rule or case and fails on the code before the fix."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment import cell_year as work
from assessment import decisions, quota, rules
from assessment.decisions import Choice
from assessment.models import CellYear, Level, PeriodState, RuleSet
from assessment.services import period_create
from members.models import StatusKind, StatusPeriod
from reports.exports import summary_tables
from reports.submissions import report_due
from reports.summary import summary_build

from ..factories import MemberFactory, cell_documents_write
from .test_decisions import submitted_cell

pytestmark = pytest.mark.django_db


def rule_set(code: str) -> RuleSet:
    return RuleSet.objects.get(code=code)


def levels_of(code: str) -> dict[str, Level]:
    return {lv.code: lv for lv in Level.objects.filter(rule_set__code=code)}


# --- 1. R6: a state employee ------------------------------------------------------------------


def test_r6_a_state_employee_rated_good_as_an_employee_cannot_be_excellent(
    period, tree, secretary, committee, level
):
    """Hướng dẫn 21 §2.3a: excellent as a member only if excellent as an employee. The member's
    flag is consulted even before a state level is recorded."""
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTXSNV": 2})
    employee, other = cell_year.assessments.order_by("pk")
    employee.member.is_state_employee = True
    employee.member.save()
    with pytest.raises(ValidationError) as error:
        decisions.member_levels_decide(
            cell_year=cell_year,
            choices={employee.pk: Choice(level["HTXSNV"], state_level=level["HTTNV"])},
            by=committee,
        ).raise_refusals()
    needed = rules.MSG_STATE_EXCELLENT_NEEDED % {"state": level["HTTNV"].name}
    assert str(needed) in str(error.value)
    with pytest.raises(ValidationError) as error:  # no state level recorded yet
        decisions.member_levels_decide(
            cell_year=cell_year, choices={employee.pk: Choice(level["HTXSNV"])}, by=committee
        ).raise_refusals()
    assert str(rules.MSG_STATE_LEVEL_MISSING) in str(error.value)
    decisions.member_levels_decide(
        cell_year=cell_year,
        choices={
            employee.pk: Choice(level["HTXSNV"], state_level=level["HTXSNV"]),
            other.pk: Choice(level["HTXSNV"]),  # not a state employee: nothing to check
        },
        by=committee,
    )
    employee.refresh_from_db()
    assert employee.decided_level == level["HTXSNV"]


def test_r6_a_not_completed_state_rating_forces_not_completed():
    levels = levels_of("QD132-2019")
    errors = rules.state_level_errors(
        party_level=levels["HTTNV"],
        state_level=levels["KHTNV"],
        capped=frozenset(rule_set("QD132-2019").state_level_caps),
    )
    assert errors == [str(rules.MSG_STATE_NOT_COMPLETED % {"state": levels["KHTNV"].name})]
    # an era whose rules do not say so checks nothing
    assert rule_set("HD27-2017").state_level_caps == []


# --- 2. R19: deadlines of the 2025 set --------------------------------------------------------


def test_r19_2025_reviews_end_by_31_12_and_by_15_01_only_where_the_year_ends_later(period, tree):
    assert period.deadlines.get(level="superior").due == datetime.date(2025, 12, 31)
    assert report_due(tree.district_a, period) == datetime.date(2025, 12, 31)
    tree.district_a.year_ends_later = True
    tree.district_a.save()
    assert report_due(tree.district_a, period) == datetime.date(2026, 1, 15)
    assert rules.unit_due(datetime.date(2025, 12, 20), year_ends_later=True) == datetime.date(
        2026, 1, 15
    )
    later = datetime.date(2026, 2, 10)  # a deadline already later stays as it is
    assert rules.unit_due(later, year_ends_later=True) == later


# --- 3. R11: the quota's base ----------------------------------------------------------------


def test_r11_2025_counts_excellent_against_those_rated_good_and_2022_against_good_or_above():
    assert rule_set("QD366-2025").quota_denominator == quota.GOOD_ONLY
    assert rule_set("QD132-2019").quota_denominator == quota.GOOD_OR_ABOVE
    # 5 excellent beside 20 good: 25 % of the good, allowed only with the raised cap
    literal = quota.quota_check(excellent=5, good=20, cap_percent=20, denominator=quota.GOOD_ONLY)
    assert (literal.base, literal.allowed, literal.ok) == (20, 4, False)
    raised = quota.quota_check(excellent=5, good=20, cap_percent=25, denominator=quota.GOOD_ONLY)
    assert raised.ok and raised.ratio == Decimal("25.00")


def test_r11_the_summary_column_names_the_base_in_use(tree, period):
    tables = summary_tables(summary_build(unit=tree.district_a, period=period))
    assert {t["ratio_label"] for t in tables} == {"Tỷ lệ xuất sắc trên số hoàn thành tốt nhiệm vụ"}
    closed = period_create(year=2022, by=None, state=PeriodState.CLOSED)
    tables = summary_tables(summary_build(unit=tree.district_a, period=closed))
    assert tables[0]["ratio_label"] == ("Tỷ lệ xuất sắc trên số từ hoàn thành tốt nhiệm vụ trở lên")


# --- 4. R4, R13: the 2018–2024 sets ------------------------------------------------------------


def derived(code: str, year: int, *, admitted: datetime.date, statuses=()):
    rs = rule_set(code)
    return rules.derived_status(
        admission_date=admitted,
        statuses=statuses,
        assessment_date=datetime.date(year, 12, 1),
        year=year,
        min_months_since_admission=rs.min_months_since_admission,
        temporary_transfer_not_classified=rs.temporary_transfer_not_classified,
    )


def test_r13_from_2019_the_official_cell_rates_a_temporary_transfer():
    away = [
        StatusPeriod(kind=StatusKind.TEMPORARY_TRANSFER, start=datetime.date(2018, 3, 1), end=None)
    ]
    old = datetime.date(2000, 1, 1)
    assert derived("QD132-2018", 2018, admitted=old, statuses=away).reason == "chuyen_tam_thoi"
    for code, year in (("QD132-2019", 2019), ("QD132-2019", 2022), ("QD124-2023", 2023)):
        assert derived(code, year, admitted=old, statuses=away) == rules.ASSESS


def test_r13_the_6_month_exclusion_starts_with_quy_dinh_124():
    """Hướng dẫn 21 (2019) assesses everyone but the exempted and the suspended."""
    for code, year in (("QD132-2018", 2018), ("QD132-2019", 2021)):
        assert derived(code, year, admitted=datetime.date(year, 10, 1)) == rules.ASSESS
    assert derived("QD124-2023", 2023, admitted=datetime.date(2023, 10, 1)).reason == (
        "moi_ket_nap"
    )


def test_r4_the_found_and_remedied_exception_starts_in_2023(tree):
    record = type(
        "Record",
        (),
        {
            "decided_on": datetime.date(2021, 5, 1),
            "form": "khien_trach",
            "duty_related": True,
            "self_discovered_and_remedied": True,
            "get_form_display": lambda self: "Khiển trách",
        },
    )()
    assert rules.discipline_grounds([record], year=2021, rule_set=rule_set("QD132-2019"))
    record.decided_on = datetime.date(2023, 5, 1)
    assert rules.discipline_grounds([record], year=2023, rule_set=rule_set("QD124-2023")) == []


# --- 5. Legacy cells vote on their own levels; no organization quota before 2018 ------------------


def legacy_meeting(year, cell, secretary, n):
    period = period_create(year=year, by=None, assessment_date=datetime.date(year, 12, 1))
    members = MemberFactory.create_batch(
        n,
        cell=cell,
        admission_date=datetime.date(year - 10, 1, 1),
        full_membership_date=datetime.date(year - 9, 1, 1),
    )
    cell_year = work.cell_year_open(period=period, cell=cell)
    meeting = work.meeting_for(cell_year)
    work.meeting_save(
        meeting=meeting,
        by=secretary,
        version=None,
        data={"held_on": datetime.date(year, 12, 10), "chair": "A", "recorder": "B"},
    )
    for member in members:
        work.attendance_set(
            meeting=meeting, member=member, present=True, absence_reason="", by=secretary
        )
    return period, cell_year, meeting


def test_r18_a_2011_cell_votes_on_clean_and_strong_and_submits(login, tree, secretary):
    period, cell_year, meeting = legacy_meeting(2011, tree.c1, secretary, 3)
    for assessment in cell_year.assessments.all():
        work.tally_save(
            meeting=meeting,
            assessment=assessment,
            votes={"DTC_HTTNV": 3},
            commendation_proposed=False,
            by=secretary,
            version=None,
        )
    page = login(secretary).get(reverse("assessment:meeting", args=[2011, tree.c1.pk]))
    html = page.content.decode()
    cell_row = html.split('data-testid="tally-cell"')[1].split("</tr>")[0]
    assert 'name="votes_TSVM"' in cell_row and 'name="votes_DTC_HTXSNV"' not in cell_row
    assert 'data-testid="member-levels-header"' in html
    work.tally_save(
        meeting=meeting,
        assessment=None,
        votes={"TSVM": 3},
        commendation_proposed=False,
        by=secretary,
        version=None,
    )
    cell_documents_write(cell_year, secretary)
    submitted = work.cell_submit(cell_year=cell_year, by=secretary)
    assert submitted.proposed_level.code == "TSVM"


def test_r10_organizations_had_no_quota_before_2018_bac_binh_2017():
    """Bắc Bình 2017: 11 clean and strong of 21 rated good or above."""
    rs = rule_set("HD27-2017")
    rows = [(i, "excellent", None) for i in range(11)] + [(i, "good", None) for i in range(11, 21)]
    assert not rs.quota_for_organizations
    assert decisions.quota_from_rows(rows, rs, None, None, units=True).ok
    assert not decisions.quota_from_rows(rows, rule_set("QD132-2019"), None, None, units=True).ok


# --- 6. R18: two thirds in 2011 -------------------------------------------------------------


def test_r18_2011_two_thirds_is_reached_by_6_of_9_and_by_7_of_9():
    """Hướng dẫn 07 (2011): "from two thirds up" (see the rule set's notes for the source)."""
    levels = sorted(
        Level.objects.filter(rule_set__code="HD07-2011").exclude(applies_to="organization"),
        key=lambda lv: lv.rank,
    )
    assert rules.proposed_level({"DTC_HTXSNV": 6}, levels, counted=9).code == "DTC_HTXSNV"
    assert rules.proposed_level({"DTC_HTXSNV": 7}, levels, counted=9).code == "DTC_HTXSNV"
    assert rules.proposed_level({"DTC_HTXSNV": 5}, levels, counted=9).code == "DTC_HTTNV"
    # "more than" stays the default elsewhere: 6 of 9 is not more than two thirds
    assert not rules.threshold_reached(6, 9, numerator=2, denominator=3, at_least=False)
    assert rules.threshold_reached(7, 9, numerator=2, denominator=3, at_least=False)
    assert not levels_of("QD366-2025")["HTXSNV"].vote_threshold_at_least


# --- 7. R18: who counts ---------------------------------------------------------------------


def test_r18_a_suspended_member_does_not_count_among_10_full_members(
    period, tree, secretary, login
):
    everyone = MemberFactory.create_batch(10, cell=tree.c1)
    StatusPeriod.objects.create(
        member=everyone[0],
        kind=StatusKind.SUSPENSION,
        start=datetime.date(2025, 6, 1),
        reason="Đình chỉ sinh hoạt",
    )
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    meeting = work.meeting_for(cell_year)
    work.meeting_save(
        meeting=meeting,
        by=secretary,
        version=None,
        data={"held_on": datetime.date(2025, 12, 10), "chair": "A", "recorder": "B"},
    )
    for member in everyone[1:7]:
        work.attendance_set(
            meeting=meeting, member=member, present=True, absence_reason="", by=secretary
        )
    summary = work.meeting_summary(meeting)
    assert (summary.full_members, summary.counted, summary.present) == (10, 9, 6)
    assert summary.quorum  # 6 of 9 is two thirds; 6 of 10 would not be
    assert everyone[0] not in summary.voters
    # the page's breakdown adds up: 10 full members, 1 suspended, 9 that count
    html = login(secretary).get(reverse("assessment:meeting", args=[2025, tree.c1.pk]))
    html = html.content.decode()
    assert "Đình chỉ sinh hoạt đảng</dt>" in html and 'data-testid="suspended">1<' in html
    assert 'data-testid="counted">9<' in html


# --- 8. Submission needs the documents ----------------------------------------------------------


def test_a_cell_without_form_01_or_self_reviews_cannot_submit_and_is_told_what_is_missing(
    period, tree, secretary
):
    members = MemberFactory.create_batch(2, cell=tree.c1, full_name="Phạm Văn Thiếu")
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    meeting = work.meeting_for(cell_year)
    work.meeting_save(
        meeting=meeting,
        by=secretary,
        version=None,
        data={"held_on": datetime.date(2025, 12, 10), "chair": "A", "recorder": "B"},
    )
    for member in members:
        work.attendance_set(
            meeting=meeting, member=member, present=True, absence_reason="", by=secretary
        )
    for assessment in [None, *cell_year.assessments.all()]:
        work.tally_save(
            meeting=meeting,
            assessment=assessment,
            votes={"HTTNV": 2},
            commendation_proposed=False,
            by=secretary,
            version=None,
        )
    with pytest.raises(ValidationError) as error:
        work.cell_submit(cell_year=cell_year, by=secretary)
    message = str(error.value)
    assert str(rules.MSG_MISSING_REPORT) in message and "Phạm Văn Thiếu" in message
    summary = work.meeting_summary(meeting)
    blocking = {i.label: i.ok for i in work.submission_checklist(cell_year, summary) if i.blocking}
    assert blocking[str(work.MSG_CHECK_REPORT)] is False
    assert blocking[str(work.MSG_CHECK_SELF_REVIEWS)] is False
    cell_documents_write(cell_year, secretary)
    assert work.cell_submit(cell_year=cell_year, by=secretary).state == "submitted"


def test_r18_the_checklist_shows_the_draft_report_went_out_3_working_days_before(
    period, tree, secretary, c1_members
):
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    meeting = work.meeting_for(cell_year)
    work.meeting_save(
        meeting=meeting,
        by=secretary,
        version=None,
        data={"held_on": datetime.date(2025, 12, 12), "chair": "A", "recorder": "B"},  # Friday
    )

    def item(sent_on):
        row = CellYear.objects.get(pk=cell_year.pk)
        row.report_sent_on = sent_on
        row.save()
        checks = work.submission_checklist(row, work.meeting_summary(row.meeting))
        return next(i for i in checks if i.label == str(work.MSG_CHECK_REPORT_SENT))

    assert not item(None).ok
    monday, tuesday = datetime.date(2025, 12, 8), datetime.date(2025, 12, 9)
    assert item(monday).ok and item(monday).detail == "08/12/2025 → 12/12/2025"
    assert not item(tuesday).ok and not item(tuesday).blocking
    assert rules.working_days_between(datetime.date(2025, 12, 5), monday) == 0  # a weekend


def test_r19_the_dashboard_counts_a_cell_whose_year_ends_later_against_15_01(period, tree):
    from reports.dashboard import unit_rows

    due = {"cell": datetime.date(2025, 12, 20)}
    today = datetime.date(2026, 1, 5)
    head, _rows = unit_rows(unit=tree.g1, period=period, due=due, today=today)
    assert head.cells.late == 2  # C1 and C2 not started after 20/12
    tree.c1.year_ends_later = True
    tree.c1.save()
    head, _rows = unit_rows(unit=tree.g1, period=period, due=due, today=today)
    assert head.cells.late == 1  # C1 has until 15/01/2026
