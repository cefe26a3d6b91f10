"""Yearly reports upward (issue 8, items 2–4): frozen, versioned, on time or late; the province's
view at a cut-off date; the calendar; who may see and submit what.

District A's year, as the reports freeze it:
    C1 (decided): three members decided HTXSNV, HTTNV, HTTNV; G1 decided HTTNV.
District B has nothing decided and never reports.
Deadlines (the 2025 defaults): superior committees 31/12/2025 (Hướng dẫn 43 §4.1),
province 01/02/2026.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.models import (
    CellState,
    CellYear,
    GrassrootsYear,
    Level,
    MemberAssessment,
    PeriodState,
)
from organizations.models import Kind, Notification
from reports.models import ReportSubmission
from reports.reminders import calendar_build
from reports.submissions import province_aggregate, report_submit
from reports.summary import summary_build
from tests.counts import counts_rebuild
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NARRATIVE = {"strengths": "Đoàn kết, thống nhất.", "weaknesses": "Sinh hoạt chưa đều."}
SIGNER = {"signer_name": "Nguyễn Văn Bí", "signer_title": "Phó Bí thư"}


def at(year: int, month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=HCM)


@pytest.fixture
def level(period):
    return {lv.code: lv for lv in Level.objects.filter(rule_set=period.rule_set)}


@pytest.fixture
def decided(period, tree, level):
    """C1 decided with three members (XS, T, T) and G1 decided; returns the good members."""
    c1 = CellYear.objects.create(
        period=period,
        cell=tree.c1,
        state=CellState.DECIDED,
        decided_level=level["HTTNV"],
        submitted_at=at(2025, 12, 18),
    )
    rows = [
        MemberAssessment.objects.create(
            cell_year=c1, member=MemberFactory(cell=tree.c1), decided_level=level[code]
        )
        for code in ("HTXSNV", "HTTNV", "HTTNV")
    ]
    GrassrootsYear.objects.create(
        period=period,
        organization=tree.g1,
        state=CellState.DECIDED,
        decided_level=level["HTTNV"],
        submitted_at=at(2025, 12, 29),
    )
    counts_rebuild()  # rows written directly, as an import would
    return rows[1:]


def submit(unit, period, by, **extra):
    return report_submit(unit=unit, period=period, by=by, **NARRATIVE, **SIGNER, **extra)


def members_of(submission) -> dict:
    section = submission.summary["sections"]["members"]
    return {lv["code"]: lv["count"] for lv in section["levels"]} | {"total": section["total"]}


# --- The service -----------------------------------------------------------------------------


def test_a_submitted_report_keeps_its_figures_after_a_members_level_changes(
    period, tree, level, decided, district_board
):
    report = submit(tree.district_a, period, district_board, now=at(2026, 1, 10))
    MemberAssessment.objects.filter(pk=decided[0].pk).update(decided_level=level["HTXSNV"])
    counts_rebuild()

    report.refresh_from_db()
    assert members_of(report) == {"HTXSNV": 1, "HTTNV": 2, "HTNV": 0, "KHTNV": 0, "total": 3}
    assert report.rows[0]["code"] == "G1"
    assert report.rows[0]["sections"]["members"]["assessed"] == 3
    live = summary_build(unit=tree.district_a, period=period).as_json()
    assert [lv["count"] for lv in live["sections"]["members"]["levels"][:2]] == [2, 1]


def test_a_correction_is_a_new_version_with_a_reason_and_both_remain(
    period, tree, level, decided, district_board
):
    first = submit(tree.district_a, period, district_board, now=at(2026, 1, 10))
    with pytest.raises(ValidationError) as refused:
        submit(tree.district_a, period, district_board)
    assert "correction_reason" in refused.value.message_dict

    MemberAssessment.objects.filter(pk=decided[0].pk).update(decided_level=level["HTXSNV"])
    counts_rebuild()
    second = submit(
        tree.district_a, period, district_board, correction_reason="Sửa mức của một đảng viên."
    )
    versions = list(ReportSubmission.objects.filter(unit=tree.district_a).order_by("version"))
    assert [(v.version, v.correction_reason) for v in versions] == [
        (1, ""),
        (2, "Sửa mức của một đảng viên."),
    ]
    assert members_of(versions[0])["HTXSNV"] == 1 and members_of(versions[1])["HTXSNV"] == 2
    assert (first.pk, second.pk) == (versions[0].pk, versions[1].pk)


def test_r19_on_time_or_late_against_the_levels_deadline(
    period, tree, decided, district_board, outsider_board, provincial
):
    # R19 (Hướng dẫn 43 §4.1): the superior committees' default is 31/12 of the year
    on_time = submit(tree.district_a, period, district_board, now=at(2025, 12, 31, 23))
    assert (on_time.due, on_time.is_late) == (datetime.date(2025, 12, 31), False)
    late = submit(tree.district_b, period, outsider_board, now=at(2026, 1, 1, 0))
    assert late.is_late
    province = submit(tree.province, period, provincial, now=at(2026, 1, 20))
    assert (province.due, province.is_late) == (datetime.date(2026, 2, 1), False)


def test_it_tells_the_provincial_board_a_report_arrived(
    period, tree, decided, district_board, provincial
):
    submit(tree.district_a, period, district_board, now=at(2026, 1, 16))
    notice = Notification.objects.get(user=provincial)
    assert "Huyện ủy A" in notice.text
    assert notice.url == reverse("reports:deadline_aggregate", args=[2025, tree.province.pk])


def test_only_superior_committees_and_the_province_report_and_only_in_an_open_year(
    period, tree, committee, district_board
):
    with pytest.raises(ValidationError):
        submit(tree.g1, period, committee)
    period.state = PeriodState.CLOSED
    period.save()
    with pytest.raises(ValidationError):
        submit(tree.district_a, period, district_board)
    assert not ReportSubmission.objects.exists()


def test_the_province_at_the_cutoff_uses_the_submitted_figures_and_lists_who_had_not(
    period, tree, level, decided, district_board
):
    submit(tree.district_a, period, district_board, now=at(2025, 12, 28))
    MemberAssessment.objects.filter(pk=decided[0].pk).update(decided_level=level["HTXSNV"])
    counts_rebuild()
    submit(tree.district_a, period, district_board, correction_reason="Sửa", now=at(2026, 1, 20))

    at_deadline = province_aggregate(province=tree.province, period=period)
    assert at_deadline.cutoff == datetime.date(2025, 12, 31)
    a, b = at_deadline.children
    assert (a.unit.code, a.submission.version, b.unit.code, b.submission) == ("A", 1, "B", None)
    assert [c.unit.code for c in at_deadline.missing] == ["B"]
    assert at_deadline.totals["members"].levels == {"HTXSNV": 1, "HTTNV": 2, "HTNV": 0, "KHTNV": 0}
    assert [(d.figure, d.frozen, d.live) for d in a.differences_in("members")] == [
        ("HTXSNV", 1, 2),
        ("HTTNV", 2, 1),
    ]
    assert a.differences_in("grassroots") == []

    later = province_aggregate(
        province=tree.province, period=period, cutoff=datetime.date(2026, 1, 20)
    )
    assert later.children[0].submission.version == 2
    assert later.children[0].differences == []


def test_the_queries_of_the_province_view_and_calendar_do_not_grow_with_the_units(
    period, tree, decided, district_board, outsider_board
):
    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as aggregate:
            province_aggregate(province=tree.province, period=period)
        with CaptureQueriesContext(connection) as calendar:
            calendar_build(unit=tree.province, period=period)
        return len(aggregate), len(calendar)

    submit(tree.district_a, period, district_board, now=at(2026, 1, 10))
    submit(tree.district_b, period, outsider_board, now=at(2026, 1, 11))
    before = queries()
    for n in range(3):
        district = OrganizationFactory(kind=Kind.SUPERIOR, parent=tree.province)
        grassroots = OrganizationFactory(kind=Kind.GRASSROOTS_COMMITTEE, parent=district)
        OrganizationFactory(parent=grassroots)
        submit(district, period, district_board, now=at(2026, 1, 12 + n))
    assert queries() == before


# --- The pages -------------------------------------------------------------------------------


def test_the_board_submits_through_the_form_and_the_province_sees_the_difference(
    client, period, tree, level, decided, district_board, provincial
):
    client.force_login(district_board)
    url = reverse("reports:submission_create", args=[2025, tree.district_a.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"signer_name": "X"}).status_code == 200  # invalid: shown again
    response = client.post(url, {**NARRATIVE, **SIGNER})
    report = ReportSubmission.objects.get()
    assert response["Location"] == reverse("reports:submission_detail", args=[report.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Nguyễn Văn Bí" in page and "Đoàn kết, thống nhất." in page

    form = client.get(url).content.decode()  # a second submission is a correction
    assert 'name="correction_reason"' in form and "Đoàn kết, thống nhất." in form
    assert client.post(url, {**NARRATIVE, **SIGNER}).status_code == 200
    assert ReportSubmission.objects.count() == 1

    MemberAssessment.objects.filter(pk=decided[0].pk).update(decided_level=level["HTXSNV"])
    counts_rebuild()
    client.force_login(provincial)
    cutoff = datetime.date.today().isoformat()
    aggregate = reverse("reports:deadline_aggregate", args=[2025, tree.province.pk])
    html = client.get(aggregate, {"cutoff": cutoff}).content.decode()
    assert 'data-testid="diff-members-A"' in html
    assert "HTXSNV: 1 → 2 (+1)" in html and "HTTNV: 2 → 1 (-1)" in html
    missing = html.split('data-testid="missing"')[1].split("</div>")[0]
    assert "Huyện ủy B" in missing and "Huyện ủy A" not in missing


def test_the_calendar_draws_the_years_deadlines_without_inline_style_or_script(
    client, period, tree, decided, district_board
):
    client.force_login(district_board)
    response = client.get(reverse("reports:calendar", args=[2025, tree.district_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="tl-mark') == 4  # state ratings, cells, grassroots, superior
    assert "<svg" in html and " style=" not in html and "<script>" not in html
    assert 'data-testid="deadline-superior"' in html


def test_r19_the_calendar_says_what_is_done_late_and_coming(period, tree, decided, district_board):
    CellYear.objects.create(period=period, cell=tree.c2, state=CellState.IN_PROGRESS)
    calendar = calendar_build(
        unit=tree.district_a, period=period, today=datetime.date(2025, 12, 28)
    )
    status = {e.progress.level: e.status for e in calendar.entries}
    assert status == {
        "state_employee": "passed",
        "cell": "late",  # C2 still in progress after 20/12
        "grassroots": "done",
        "superior": "coming",
    }
    assert [e.own for e in calendar.entries] == [False, False, False, True]
    assert [u.unit.code for u in calendar.late.units] == ["C2"]

    submit(tree.district_a, period, district_board, now=at(2026, 1, 16))
    later = calendar_build(unit=tree.district_a, period=period, today=datetime.date(2026, 1, 17))
    assert later.entries[-1].status == "done_late"
    assert [r.unit.code for r in later.late_reporting] == ["A"]


# --- Who may see and submit ------------------------------------------------------------------


@pytest.fixture
def report_a(period, tree, decided, district_board):
    return submit(tree.district_a, period, district_board, now=at(2026, 1, 10))


def urls(tree, report):
    return {
        "calendar": reverse("reports:calendar", args=[2025, tree.district_a.pk]),
        "submission": reverse("reports:submission", args=[2025, tree.district_a.pk]),
        "create": reverse("reports:submission_create", args=[2025, tree.district_a.pk]),
        "detail": reverse("reports:submission_detail", args=[report.pk]),
        "aggregate": reverse("reports:deadline_aggregate", args=[2025, tree.province.pk]),
    }


def test_anonymous_users_are_sent_to_log_in(client, tree, report_a):
    for url in urls(tree, report_a).values():
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_it_denies_other_district(client, tree, report_a, outsider, outsider_board):
    for user in (outsider, outsider_board):
        client.force_login(user)
        for name, url in urls(tree, report_a).items():
            assert client.get(url).status_code == 404, (user, name)
        assert client.post(urls(tree, report_a)["create"], SIGNER).status_code == 404


def test_wrong_roles_inside_the_scope_are_refused(
    client, tree, report_a, provincial, committee, secretary, alice_member
):
    client.force_login(provincial)  # sees district A, is not its board
    create = urls(tree, report_a)["create"]
    assert client.get(create).status_code == 403
    assert client.post(create, {**NARRATIVE, **SIGNER}).status_code == 403
    assert client.get(urls(tree, report_a)["submission"]).status_code == 200
    assert client.get(urls(tree, report_a)["detail"]).status_code == 200
    assert client.get(urls(tree, report_a)["aggregate"]).status_code == 200
    own = reverse("reports:submission_create", args=[2025, tree.province.pk])
    assert client.get(own).status_code == 200

    for user in (committee, secretary):  # district A is above their scope
        client.force_login(user)
        assert client.get(urls(tree, report_a)["submission"]).status_code == 404
        assert client.get(urls(tree, report_a)["aggregate"]).status_code == 404
    client.force_login(committee)
    g1 = reverse("reports:submission", args=[2025, tree.g1.pk])  # reports only above
    assert client.get(g1).status_code == 404
    assert client.get(reverse("reports:calendar", args=[2025, tree.g1.pk])).status_code == 200
    client.force_login(alice_member.user)
    assert client.get(reverse("reports:calendar", args=[2025, tree.c1.pk])).status_code == 404


def test_read_only_pages_refuse_post(client, tree, report_a, district_board):
    client.force_login(district_board)
    for name in ("calendar", "submission", "detail", "aggregate"):
        assert client.post(urls(tree, report_a)[name]).status_code in (404, 405), name
    assert client.post(urls(tree, report_a)["calendar"]).status_code == 405
