"""Issue 15, acceptance: Bắc Bình-shaped data (DOMAIN.md R28: in 2017 the district had 2,904
members, 2,584 rated, 313 not classified by rule and 7 not yet classified, ill or working far
away). The year's results come in by the workbook import, the district and the province report
with 7 pending, the year is closed; in the first quarter of 2018 the 7 are reviewed, voted by
their cells and decided by their grassroots committees. The 2017 summary then shows them in
their levels and 0 pending, and each report already submitted has a new version beside the
one kept, which shows the difference."""

import datetime
import itertools

import pytest

from assessment import cell_year as work
from assessment import later, machine
from assessment.models import AssessmentStatus, MemberAssessment, Period, PeriodState
from organizations.models import Kind, Organization, Role
from reports.imports import workbook_import
from reports.submissions import report_submit, version_differences, versions_of
from reports.summary import summary_build

from ..conftest import ensure_seeded
from ..counts import assert_counts_agree
from ..factories import OrganizationFactory, UserFactory, assign
from .test_imports import messages
from .test_review_counts import LEVELS, bac_binh_workbook

pytestmark = pytest.mark.django_db


def user(name, role, unit):
    account = UserFactory(username=name)
    assign(account, role, unit)
    return account


def test_bac_binh_2017_the_seven_not_yet_classified_are_rated_in_the_first_quarter_of_2018(
    tmp_path,
):
    ensure_seeded()
    province = OrganizationFactory(code="P", name="Tỉnh ủy Bình Thuận", kind=Kind.PROVINCE)
    path = bac_binh_workbook(tmp_path / "bac-binh-2017.xlsx")  # Biểu 6F's import (issue 14)
    result = workbook_import(file=path, by=None)
    assert result.ok, messages(result)[:5]
    district = Organization.objects.get(code="BB")
    period = Period.objects.get(year=2017)
    assert period.rule_set.code == "HD27-2017" and period.state == PeriodState.CLOSED

    before = summary_build(unit=district, period=period).as_json()["sections"]["members"]
    assert (before["total"], before["assessed"]) == (2904, 2584)
    assert before["not_classified"]["total"] == 313
    assert before["pending"] == {"total": 7, "by_reason": {"di_xa": 3, "om_dau": 4}}

    # January 2018: the district and the province reported the year with 7 pending (the year
    # was open then), and the province closed it.
    Period.objects.filter(pk=period.pk).update(state=PeriodState.OPEN)
    period.refresh_from_db()
    board = user("bacbinh", Role.SUPERIOR_BOARD, district)
    provincial = user("binhthuan", Role.PROVINCIAL_BOARD, province)
    first = report_submit(
        unit=district, period=period, by=board, signer_name="Nguyễn Văn A", signer_title="Bí thư"
    )
    report_submit(
        unit=province, period=period, by=provincial, signer_name="B", signer_title="Trưởng ban"
    )
    machine.take(period, "close", by=provincial)

    # March 2018: each cell reviews and votes; each grassroots committee decides.
    pending = list(
        MemberAssessment.objects.filter(
            cell_year__period=period, status=AssessmentStatus.PENDING
        ).select_related("cell_year__cell")
    )
    assert {a.status for a in pending} == {AssessmentStatus.PENDING} and len(pending) == 7
    levels = itertools.cycle(["HTTNV", "HTTNV", "HTNV", "HTXSNV"])
    secretaries, committees = {}, {}
    for assessment in pending:
        cell = assessment.cell_year.cell
        grassroots = Organization.objects.grassroots_of(cell)
        if cell.pk not in secretaries:
            secretaries[cell.pk] = user(f"bithu-{cell.code}", Role.CELL_SECRETARY, cell)
        if grassroots.pk not in committees:
            committee = user(f"danguy-{grassroots.code}", Role.GRASSROOTS_COMMITTEE, grassroots)
            committees[grassroots.pk] = (grassroots, committee)
        secretary = secretaries[cell.pk]
        row = later.later_rating_open(assessment=assessment, by=secretary)
        work.self_review_save(
            assessment=assessment,
            texts={"strengths": "Đã trở lại công tác, hoàn thành nhiệm vụ được giao"},
            scores={},
            conditions={},
            by=secretary,
            version=None,
        )
        counted = assessment.cell_year.assessments.count()
        later.later_vote_record(
            later=row,
            by=secretary,
            version=None,
            held_on=datetime.date(2018, 3, 6),
            counted=counted,
            present=counted,
            votes={next(levels): counted},
        )
    decisions = [
        later.later_decision_issue(
            grassroots=grassroots,
            period=period,
            choices={},
            by=committee,
            signed_on=datetime.date(2018, 3, 20),
            signer_name="Trần Văn Bí",
            signer_title="Bí thư",
            quota_justification="Thành tích đột xuất",
        )
        for grassroots, committee in committees.values()
    ]
    assert {d.period for d in decisions} == {period}

    after = summary_build(unit=district, period=period).as_json()["sections"]["members"]
    assert (after["total"], after["assessed"], after["pending"]["total"]) == (2904, 2591, 0)
    counts = {row["code"]: row["count"] for row in after["levels"]}
    assert counts["HTTNV"] == LEVELS["HTTNV"] + 4
    assert counts["HTNV"] == LEVELS["HTNV"] + 2
    assert counts["HTXSNV"] == LEVELS["HTXSNV"] + 1

    # The report submitted before is kept; the latest version shows the difference.
    versions = list(versions_of(district, period).order_by("version"))
    assert (
        versions[0] == first and versions[0].summary["sections"]["members"]["pending"]["total"] == 7
    )
    latest = versions[-1]
    assert latest.restated_by == decisions[-1] and latest.submitted_by is not None
    assert latest.summary["sections"]["members"]["pending"]["total"] == 0
    changes = {(d.section, d.figure): (d.frozen, d.live) for d in version_differences(latest)}
    assert changes  # each restated version names what moved
    total = {
        key: sum(
            d.delta
            for v in versions[1:]
            for d in version_differences(v)
            if (d.section, d.figure) == key
        )
        for key in [("members", "pending"), ("members", "assessed"), ("members", "HTTNV")]
    }
    assert total == {
        ("members", "pending"): -7,
        ("members", "assessed"): 7,
        ("members", "HTTNV"): 4,
    }
    assert_counts_agree()
    province_versions = versions_of(province, period)
    assert province_versions.count() == 1 + len(decisions)
    assert (
        province_versions.order_by("-version")
        .first()
        .summary["sections"]["members"]["pending"]["total"]
        == 0
    )
