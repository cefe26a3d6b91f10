"""Issue 15 through the pages: a member not yet classified rated later (R14) in a closed year,
a cell re-rated by form 03 (R9), a complaint filed by the member and upheld by the committee;
the documents in the party's layout."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment import cell_year as work
from assessment import decisions, machine
from assessment.models import AssessmentStatus, CellYear, ComplaintState, DecisionKind

from ..documents.conftest import save_pngs
from .test_after_decision import cells_done, pdf_text  # noqa: F401 (a fixture)
from .test_decisions import accept_proposals, issue, submitted_cell
from .test_later import pending_in

pytestmark = pytest.mark.django_db

SIGN = {"signed_on": "20/03/2026", "signer_name": "Trần Văn Bí", "signer_title": "Bí thư Đảng ủy"}


def test_r14_through_the_pages_in_a_closed_year(
    login, period, tree, secretary, committee, provincial, level
):
    assessment = pending_in(period, tree, secretary)
    cell_year = submitted_cell(period, tree.c1, secretary, 3, {"HTTNV": 3})
    accept_proposals(cell_year, committee)
    issue(cell_year, committee)
    machine.take(period, "close", by=provincial)
    url = reverse("assessment:later_rating", args=[assessment.pk])

    client = login(secretary)
    page = client.get(reverse("assessment:self_review", args=[assessment.pk]))
    assert 'data-testid="later-link"' in page.content.decode()
    assert client.post(url, {"action": "open"}).status_code == 302
    assert client.get(reverse("assessment:self_review", args=[assessment.pk])).context[
        "may_write"
    ]  # the same self-review, in a closed year
    work.self_review_save(
        assessment=assessment,
        texts={"strengths": "Đã trở lại công tác"},
        scores={},
        conditions={},
        by=secretary,
        version=None,
    )
    later_row = assessment.later_rating
    refused = client.post(
        url,
        {
            "action": "propose",
            "version": later_row.version,
            "held_on": "05/03/2026",
            "counted": 4,
            "present": 2,
            "votes_HTTNV": 2,
        },
        follow=True,
    )
    assert "không đủ số lượng" in refused.content.decode()  # no quorum, said in Vietnamese
    answer = client.post(
        url,
        {
            "action": "propose",
            "version": later_row.version,
            "held_on": "05/03/2026",
            "counted": 4,
            "present": 4,
            "votes_HTTNV": 4,
        },
    )
    assert answer.status_code == 302

    client = login(committee)
    decide = reverse("assessment:later_decide", args=[2025, tree.g1.pk])
    page = client.get(decide)
    assert [row.assessment for row in page.context["proposed"]] == [assessment]
    assessment.refresh_from_db()
    answer = client.post(
        decide,
        {
            **SIGN,
            f"level-{assessment.pk}": level["HTTNV"].pk,
            f"version-{assessment.pk}": assessment.version,
        },
    )
    assert answer.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ASSESS
    assert assessment.decision.kind == DecisionKind.LATER
    pdf = client.get(reverse("assessment:decision_pdf", args=[assessment.decision.pk]))
    assert save_pngs(pdf.content, "later-decision")  # looked at: the party's layout
    text = pdf_text(pdf)
    assert "xếp loại chất lượng đảng viên năm 2025 (bổ sung)" in text
    assert assessment.member.full_name in text and "chưa được xếp loại" in text


def test_r9_a_cell_is_re_rated_through_its_page_and_form_03_lists_it(
    login,
    tree,
    committee,
    secretary,
    cells_done,  # noqa: F811
    level,
):
    url = reverse("assessment:unit_rerate", args=[2025, tree.c1.pk])
    assert login(secretary).get(url).status_code == 403
    client = login(committee)
    bad = client.post(url, {"grounds": "wrong", "level": level["HTTNV"].pk, "reason": "x", **SIGN})
    assert bad.status_code == 200 and bad.context["form"].errors["level"]
    answer = client.post(
        url,
        {"grounds": "wrong", "level": level["HTNV"].pk, "reason": "Thẩm định lại", **SIGN},
    )
    assert answer.status_code == 302
    cell_year = CellYear.objects.get(cell=tree.c1)
    assert cell_year.decided_level == level["HTNV"]
    pdf = login(secretary).get(answer.url)
    assert save_pngs(pdf.content, "unit-rerating-form-03")
    text = pdf_text(pdf)
    assert "xếp loại lại chất lượng tổ chức đảng năm 2025" in text
    assert "Chi bộ thôn 1" in text and "Hoàn thành tốt nhiệm vụ (Quyết định số" in text


def test_a_member_contests_and_the_committee_upholds_through_the_pages(
    login, period, tree, secretary, committee, alice_member, level
):
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    accept_proposals(cell_year, committee)
    decisions.members_decision_issue(  # dated today: contested within its window
        cell_year=cell_year,
        signed_on=timezone.localdate(),
        signer_name="Trần Văn Bí",
        signer_title="Bí thư Đảng ủy",
        by=committee,
    )
    assessment = cell_year.assessments.get(member=alice_member)
    client = login(alice_member.user)
    page = client.get(reverse("assessment:self_review", args=[assessment.pk]))
    assert 'data-testid="complaint-link"' in page.content.decode()
    answer = client.post(
        reverse("assessment:member_complaint", args=[assessment.pk]),
        {"text": "Tôi đề nghị xem xét lại kết quả"},
    )
    assert answer.status_code == 302
    complaint_url = answer.url
    page = login(committee).get(complaint_url)
    assert page.context["may_answer"]
    answer = login(committee).post(
        complaint_url,
        {
            "version": page.context["complaint"].version,
            "outcome": "upheld",
            "answer": "Chấp nhận: đồng chí hoàn thành xuất sắc",
            "level": level["HTXSNV"].pk,
            **SIGN,
        },
    )
    assert answer.status_code == 302
    page = login(alice_member.user).get(complaint_url)
    complaint = page.context["complaint"]
    assert complaint.state == ComplaintState.ANSWERED and complaint.rerating is not None
    assert len(page.context["history"]) == 2
    page = login(alice_member.user).get(reverse("assessment:self_review", args=[assessment.pk]))
    assert 'data-testid="complaints"' in page.content.decode()
    assert page.context["reratings"][0].decision == complaint.rerating
    assert complaint.filed_on == timezone.localdate()
