"""Issue 4's acceptance: from a submitted cell to the superior board's decision, in Chromium."""

import datetime
import subprocess

import pytest
from playwright.sync_api import expect

from assessment import cell_year as work
from assessment.access import can_enter_cell_work
from assessment.meetings import meeting_inspection_record
from assessment.models import Decision
from organizations.models import Role
from tests.factories import MemberFactory, assign, cell_documents_write

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def submit_cell(period, cell, secretary, names, member_level, cell_level):
    if not can_enter_cell_work(secretary, cell):  # the machine asks the secretary's role
        assign(secretary, Role.CELL_SECRETARY, cell)
        del secretary._xeploai_assignments
    members = [MemberFactory(cell=cell, full_name=name) for name in names]
    cell_year = work.cell_year_open(period=period, cell=cell)
    meeting = work.meeting_for(cell_year)
    work.meeting_save(
        meeting=meeting,
        by=secretary,
        version=None,
        data={"held_on": datetime.date(2025, 12, 12), "chair": names[0], "recorder": names[1]},
    )
    for member in members:
        work.attendance_set(
            meeting=meeting, member=member, present=True, absence_reason="", by=secretary
        )
    n = len(members)
    for assessment in cell_year.assessments.all():
        work.tally_save(
            meeting=meeting,
            assessment=assessment,
            votes={member_level: n},
            commendation_proposed=False,
            by=secretary,
            version=None,
        )
    work.tally_save(
        meeting=meeting,
        assessment=None,
        votes={cell_level: n},
        commendation_proposed=False,
        by=secretary,
        version=None,
    )
    cell_documents_write(cell_year, secretary)
    # R21 (issue 16): the committee inspects the cell's meetings before classifying the cell
    meeting_inspection_record(
        cell=cell,
        period=period,
        inspected_on=datetime.date(2025, 12, 12),
        inspector="Ủy ban kiểm tra",
        findings="Sinh hoạt đều đặn",
        by=None,
    )
    return work.cell_submit(cell_year=cell_year, by=secretary)


def pdf_text(page, url):
    response = page.request.get(url)
    assert response.headers["content-type"] == "application/pdf"
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.body(), capture_output=True, check=True
    ).stdout.decode()


def issue(page, justification=""):
    page.fill("#id_signed_on", "28/12/2025")
    page.fill("#id_signer_name", "Trần Văn Bí")
    page.fill("#id_signer_title", "Bí thư Đảng ủy")
    if justification:
        page.fill("#id_quota_justification", justification)


def test_from_a_submitted_cell_to_the_superior_decision(
    browser,
    page,
    live_server,
    log_in,
    tree,
    period,
    secretary,
    committee,
    district_board,
    artifacts,
):
    top = ["Đặng Thị Hồng", "Vũ Văn Quyết", "Ngô Minh Tâm", "Phan Thị Yến"]
    submit_cell(period, tree.c1, secretary, top, "HTXSNV", "HTTNV")
    submit_cell(
        period,
        tree.c2,
        secretary,
        ["Lý Văn Hải", "Hồ Thị Lan", "Mai Văn Sơn", "Tạ Thị Nga"],
        "HTTNV",
        "HTTNV",
    )
    base = f"{live_server.url}/years/2025"

    # The grassroots committee decides C1's members: 4 excellent of 8 breaks the 20 % quota.
    log_in(page, "committee")
    page.goto(f"{base}/cells/{tree.c1.pk}/decide/")
    expect(page.get_by_test_id("quota-exceeded")).to_be_visible()
    page.get_by_test_id("save-levels").click()
    issue(page)
    page.get_by_test_id("issue").click()
    expect(page.locator(".alert-danger")).to_contain_text("vượt tỷ lệ")  # blocked without a reason
    issue(page, justification="Chi bộ có 4 đồng chí lập thành tích xuất sắc cấp tỉnh")
    page.get_by_test_id("issue").click()
    expect(page.get_by_test_id("decisions")).to_contain_text("01-QĐ/ĐU")
    page.screenshot(path=str(artifacts / "decide-members.png"), full_page=True)
    text = pdf_text(page, f"{live_server.url}/decisions/{Decision.objects.get().pk}.pdf")
    for name in top:
        assert name in text
    assert text.count("Hoàn thành xuất sắc nhiệm vụ") == 5  # the count by level, then each row

    page.goto(f"{base}/cells/{tree.c2.pk}/decide/")
    page.get_by_test_id("save-levels").click()
    issue(page, justification="Giữ nguyên quyết định của Đảng ủy")
    page.get_by_test_id("issue").click()
    expect(page.get_by_test_id("decisions")).to_contain_text("02-QĐ/ĐU")

    # Then its cells, then its own report and level.
    page.goto(f"{base}/units/{tree.g1.pk}/cells/decide/")
    page.get_by_test_id("save-cell-levels").click()
    issue(page)
    page.get_by_test_id("issue-cells").click()
    expect(page.locator("body")).to_contain_text("03-QĐ/ĐU")
    page.goto(f"{base}/grassroots/{tree.g1.pk}/")
    page.fill("#report", "Đảng bộ hoàn thành tốt nhiệm vụ năm 2025.")
    page.select_option("#proposed_level", label="Hoàn thành tốt nhiệm vụ")
    page.get_by_test_id("submit-grassroots").click()
    expect(page.get_by_test_id("grassroots-state")).to_have_text("Đã gửi")

    # The district board decides the grassroots organization and issues its decision.
    board = browser.new_context(locale="vi-VN").new_page()
    log_in(board, "district")
    board.goto(f"{base}/superiors/{tree.district_a.pk}/")
    expect(board.get_by_test_id(f"superior-{tree.g1.code}")).to_contain_text("HTTNV")
    board.get_by_test_id("save-unit-levels").click()
    issue(board)
    board.get_by_test_id("issue-units").click()
    expect(board.locator("body")).to_contain_text("01-QĐ/ĐU")
    decision = Decision.objects.get(issuer=tree.district_a)
    text = pdf_text(board, f"{live_server.url}/decisions/{decision.pk}.pdf")
    assert "Đảng bộ xã G1" in text and "Hoàn thành tốt nhiệm vụ" in text
    board.screenshot(path=str(artifacts / "superior-decision.png"), full_page=True)
