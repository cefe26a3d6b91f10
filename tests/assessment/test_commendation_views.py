"""The commendations' pages (issue 15 item 3) through HTTP: proposing, the refusals said on the
page, the decision as PDF and Word, and the list the province sends up as a workbook."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessment import commendations as comm
from assessment import machine
from assessment.models import Commendation, CommendationKind, CommendationState
from assessment.models_followup import ACTIVE_COMMENDATION_STATES
from assessment.views_commendations import MSG_SUBJECT

from ..documents.conftest import docx_text, pdf_pages, save_pngs
from ..messages import says
from .test_decisions import accept_proposals, issue, submitted_cell

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]


@pytest.fixture
def excellent(period, tree, secretary, committee):
    """C1's two members decided excellent (the quota overridden with a justification)."""
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTXSNV": 2})
    accept_proposals(cell_year, committee)
    issue(cell_year, committee, quota_justification="Chi bộ có thành tích nổi bật")
    return list(cell_year.assessments.order_by("pk"))


def _page(client, period, unit):
    return client.get(reverse("assessment:commendations", args=[period.year, unit.pk]))


def test_the_secretary_proposes_an_excellent_member_from_the_cells_page(
    login, period, tree, secretary, excellent
):
    client = login(secretary)
    page = _page(client, period, tree.c1)
    assert page.status_code == 200
    assert [a.pk for a in page.context["members"]] == [a.pk for a in excellent]
    answer = client.post(
        reverse("assessment:commendation_propose", args=[period.year, tree.c1.pk]),
        {"subject": f"a{excellent[0].pk}", "kind": "excellent_member", "achievements": "Tốt"},
        follow=True,
    )
    row = Commendation.objects.get()
    assert (row.assessment, row.proposer, row.state) == (excellent[0], tree.c1, "proposed")
    assert excellent[0].member.full_name in answer.content.decode()
    assert [a.pk for a in answer.context["members"]] == [excellent[1].pk]  # no longer a candidate


def test_a_non_excellent_subject_is_refused_with_the_reason_on_the_page(
    login, period, tree, secretary, committee
):
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    accept_proposals(cell_year, committee)
    client = login(secretary)
    answer = client.post(
        reverse("assessment:commendation_propose", args=[period.year, tree.c1.pk]),
        {"subject": f"a{cell_year.assessments.first().pk}", "kind": "excellent_member"},
        follow=True,
    )
    assert not Commendation.objects.exists()
    assert says(comm.MSG_NOT_EXCELLENT, answer.content.decode())


def test_a_subject_outside_the_unit_is_not_found_for_proposing(
    login, period, tree, secretary, excellent, c3_member
):
    from assessment import cell_year as work

    other = work.cell_year_open(period=period, cell=tree.c3).assessments.get()
    client = login(secretary)
    answer = client.post(
        reverse("assessment:commendation_propose", args=[period.year, tree.c1.pk]),
        {"subject": f"a{other.pk}", "kind": "excellent_member"},
        follow=True,
    )
    assert not Commendation.objects.exists()
    assert says(MSG_SUBJECT, answer.content.decode())


def test_over_the_quota_is_refused_on_the_page(
    login, period, tree, secretary, provincial, excellent
):
    client = login(provincial)
    client.post(
        reverse("assessment:commendation_quota", args=[period.year, tree.g1.pk]),
        {"kind": "excellent_member", "limit": "1"},
    )
    client = login(secretary)
    url = reverse("assessment:commendation_propose", args=[period.year, tree.c1.pk])
    client.post(url, {"subject": f"a{excellent[0].pk}", "kind": "excellent_member"})
    answer = client.post(
        url, {"subject": f"a{excellent[1].pk}", "kind": "excellent_member"}, follow=True
    )
    assert Commendation.objects.filter(state__in=ACTIVE_COMMENDATION_STATES).count() == 1
    assert says(comm.MSG_QUOTA, answer.content.decode())


def test_the_committee_issues_the_decision_and_prints_it_as_pdf_and_word(
    login, period, tree, secretary, committee, excellent
):
    for assessment in excellent:
        comm.commendation_propose(
            kind=CommendationKind.EXCELLENT_MEMBER,
            subject=assessment,
            proposer=tree.c1,
            by=secretary,
        )
    client = login(committee)
    page = _page(client, period, tree.g1)
    assert len(page.context["to_decide"]) == 2
    answer = client.post(
        reverse("assessment:commendation_issue", args=[period.year, tree.g1.pk]),
        {
            "commendation": [c.pk for c in page.context["to_decide"]],
            "signed_on": "2026-01-15",
            "signer_name": "Nguyễn Văn Bí",
            "signer_title": "Bí thư Đảng ủy",
        },
        follow=True,
    )
    [decision] = answer.context["decisions"]
    assert set(Commendation.objects.values_list("state", flat=True)) == {
        CommendationState.COMMENDED
    }
    pdf = client.get(reverse("assessment:decision_document", args=[decision.pk, "pdf"]))
    docx = client.get(reverse("assessment:decision_document", args=[decision.pk, "docx"]))
    assert pdf.status_code == docx.status_code == 200
    assert save_pngs(pdf.content, "decision-commendation")
    text = " ".join(" ".join(pdf_pages(pdf.content)).split())
    for part in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 02-QĐ/ĐU",  # after the members' decision of the same body and year
        "QUYẾT ĐỊNH",
        "về việc biểu dương, khen thưởng tổ chức đảng, đảng viên năm 2025",
        "Đảng viên hoàn thành xuất sắc nhiệm vụ tiêu biểu: 2",
        excellent[0].member.full_name,
        "Điều 3.",
        "Nơi nhận:",
        "Nguyễn Văn Bí",
    ):
        assert part in text, part
    assert excellent[1].member.full_name in docx_text(docx.content)


def test_an_empty_decision_is_refused_and_says_why(login, period, tree, committee):
    client = login(committee)
    answer = client.post(
        reverse("assessment:commendation_issue", args=[period.year, tree.g1.pk]),
        {"signed_on": "2026-01-15", "signer_name": "A", "signer_title": "B"},
        follow=True,
    )
    assert says(machine.MSG_NOTHING, answer.content.decode())
    assert not answer.context["decisions"]


def test_refusing_needs_a_reason_and_the_deciders_role(
    login, period, tree, secretary, committee, excellent
):
    row = comm.commendation_propose(
        kind=CommendationKind.EXCELLENT_MEMBER, subject=excellent[0], proposer=tree.c1, by=secretary
    )
    url = reverse("assessment:commendation_refuse", args=[row.pk])
    assert login(secretary).post(url, {"reason": "x"}).status_code == 403
    client = login(committee)
    client.post(url, {"reason": "  ", "version": row.version})
    row.refresh_from_db()
    assert row.state == CommendationState.PROPOSED
    client.post(url, {"reason": "Chưa tiêu biểu", "version": row.version})
    row.refresh_from_db()
    assert (row.state, row.reason) == (CommendationState.REFUSED, "Chưa tiêu biểu")


def test_the_list_to_send_up_is_a_workbook_of_the_standing_proposals(
    login, period, tree, secretary, committee, excellent
):
    kept = comm.commendation_propose(
        kind=CommendationKind.EXCELLENT_MEMBER, subject=excellent[0], proposer=tree.c1, by=secretary
    )
    gone = comm.commendation_propose(
        kind=CommendationKind.EXCELLENT_MEMBER, subject=excellent[1], proposer=tree.c1, by=secretary
    )
    comm.commendation_withdraw(commendation=gone, reason="Rút", by=secretary)
    answer = login(committee).get(
        reverse("assessment:commendation_export", args=[period.year, tree.g1.pk])
    )
    assert answer.status_code == 200 and "attachment" in answer["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = [r for r in sheet.iter_rows(min_row=6, values_only=True) if r[0] is not None]
    assert rows[0][:4] == (
        1,
        kept.assessment.member.full_name,
        tree.c1.name,
        "Đảng viên hoàn thành xuất sắc nhiệm vụ tiêu biểu",
    )
    assert rows[-1][0] == "Tổng số: 1"
    assert sheet.cell(3, 1).value == "DANH SÁCH ĐỀ NGHỊ BIỂU DƯƠNG, KHEN THƯỞNG NĂM 2025"


def test_it_denies_other_district(login, period, tree, outsider, outsider_board, excellent):
    assert _page(login(outsider_board), period, tree.g1).status_code == 404
    assert (
        login(outsider)
        .get(reverse("assessment:commendation_export", args=[period.year, tree.c1.pk]))
        .status_code
        == 404
    )
