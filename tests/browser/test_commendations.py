"""Issue 15's acceptance for commendations, in Chromium: the cell's secretary proposes an
excellent member, a refusal is said on the page, the grassroots committee issues the numbered
decision, prints it as a PDF and downloads the list the province sends up."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from assessment import decisions
from assessment.decisions import Choice
from assessment.models import Commendation, Decision, DecisionKind

from .test_decision_chain import pdf_text, submit_cell

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_from_a_proposal_to_the_decision_pdf_and_the_exported_list(
    browser, page, live_server, log_in, tree, period, secretary, committee, artifacts
):
    names = ["Đặng Thị Hồng", "Vũ Văn Quyết", "Ngô Minh Tâm", "Phan Thị Yến"]
    cell_year = submit_cell(period, tree.c1, secretary, names, "HTTNV", "HTTNV")
    # The committee's decision on the members (issue 4's pages, tested there): one excellent.
    best = cell_year.assessments.get(member__full_name=names[0])
    level = period.rule_set.levels.get(code="HTXSNV")
    choices = {a.pk: Choice(a.proposed_level) for a in cell_year.assessments.all()}
    choices[best.pk] = Choice(level, note="Thành tích xuất sắc")
    decisions.member_levels_decide(cell_year=cell_year, choices=choices, by=committee)
    decisions.members_decision_issue(
        cell_year=cell_year,
        signed_on=period.assessment_date,
        signer_name="Trần Văn Bí",
        signer_title="Bí thư Đảng ủy",
        by=committee,
        quota_justification="Đồng chí có thành tích xuất sắc cấp tỉnh",
    )
    base = f"{live_server.url}/years/2025/units"

    # The secretary proposes the excellent member from the unit page (only they are offered).
    log_in(page, "secretary")
    page.goto(f"{live_server.url}/units/{tree.c1.pk}/")
    page.get_by_test_id("commendations-link").click()
    expect(page.get_by_test_id("propose-form")).to_be_visible()
    page.select_option("#subject", value=f"a{best.pk}")
    page.fill("#achievements", "Dẫn đầu phong trào thi đua của chi bộ")
    page.get_by_test_id("propose").click()
    expect(page.get_by_test_id("proposals")).to_contain_text(names[0])
    proposal = Commendation.objects.get()
    expect(page.get_by_test_id(f"proposal-{proposal.pk}")).to_contain_text("Đã đề nghị")
    page.screenshot(path=str(artifacts / "commendations-proposed.png"), full_page=True)

    # The grassroots committee decides it in a numbered decision.
    board = browser.new_context(locale="vi-VN").new_page()
    log_in(board, "committee")
    board.goto(f"{base}/{tree.g1.pk}/commendations/")
    expect(board.get_by_test_id("issue-form")).to_contain_text(names[0])
    board.fill("#signed-on", "2026-01-15")
    board.fill("#signer-name", "Trần Văn Bí")
    board.fill("#signer-title", "Bí thư Đảng ủy")
    board.get_by_test_id("issue-commendations").click()
    expect(board.get_by_test_id("commendation-decisions")).to_contain_text("02-QĐ/ĐU")
    expect(board.get_by_test_id(f"proposal-{proposal.pk}")).to_contain_text("Đã khen thưởng")
    board.screenshot(path=str(artifacts / "commendations-decided.png"), full_page=True)
    decision = Decision.objects.get(kind=DecisionKind.COMMENDATION)
    text = " ".join(pdf_text(board, f"{live_server.url}/decisions/{decision.pk}.pdf").split())
    assert "về việc biểu dương, khen thưởng tổ chức đảng, đảng viên năm 2025" in text
    assert names[0] in text and names[1] not in text

    # The list the province receives, downloaded from the page.
    with board.expect_download() as download:
        board.get_by_test_id("commendation-export").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    assert sheet.cell(6, 2).value == names[0]
    assert sheet.cell(6, 9).value == "Đã khen thưởng"
    assert sheet.cell(6, 10).value == "02-QĐ/ĐU"
