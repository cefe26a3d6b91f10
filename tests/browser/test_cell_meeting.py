"""Issue 3's acceptance: the secretary runs the meeting in Chromium, end to end."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from assessment.models import CellState, CellYear
from tests.factories import MemberFactory, cell_documents_write

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAMES = ["Đặng Thị Hồng", "Vũ Văn Quyết", "Ngô Minh Tâm", "Phan Thị Yến", "Lý Văn Hải"]


def test_the_secretary_holds_the_meeting_submits_and_gets_it_back(
    browser, page, live_server, log_in, tree, period, secretary, committee, artifacts
):
    members = [MemberFactory(cell=tree.c1, full_name=name) for name in NAMES]
    base = f"{live_server.url}/years/2025/cells/{tree.c1.pk}"
    log_in(page, "secretary")
    page.goto(f"{live_server.url}/units/{tree.c1.pk}/")
    page.get_by_test_id("cell-year-link").click()
    page.get_by_test_id("open-cell-year").click()  # an explicit step (issue 12, fault 8)
    expect(page.get_by_test_id("roster")).to_contain_text(NAMES[0])

    page.goto(f"{base}/meeting/")
    page.fill("#id_held_on", "12/12/2025")
    page.fill("#id_place", "Nhà văn hóa thôn 1")
    page.fill("#id_chair", NAMES[0])
    page.fill("#id_recorder", NAMES[2])
    page.click("#submit-id-submit")
    expect(page.locator("#id_place")).to_have_value("Nhà văn hóa thôn 1")

    for member in members[:4]:  # one absent: 4 of 5 present, quorum met
        page.get_by_test_id(f"present-{member.pk}").check()
        expect(page.get_by_test_id("present")).to_have_text(str(members.index(member) + 1))
    expect(page.get_by_test_id("quorum")).to_have_text("đủ")

    assessments = CellYear.objects.get().assessments.order_by("member__full_name")
    keys = ["cell", *[a.pk for a in assessments]]
    for i, key in enumerate(keys):
        row = page.get_by_test_id(f"tally-{key}")
        level = "HTXSNV" if i == 0 else "HTTNV"
        row.locator(f"input[name=votes_{level}]").fill("4")
        row.locator(f"input[name=votes_{level}]").press("Tab")
        expect(page.get_by_test_id(f"proposal-{key}")).to_have_text(level)

    bad = page.get_by_test_id(f"tally-{keys[1]}")
    bad.locator("input[name=votes_HTNV]").fill("3")
    bad.locator("input[name=votes_HTNV]").press("Tab")
    expect(page.get_by_test_id(f"tally-{keys[1]}")).to_contain_text("có mặt")
    fixed = page.get_by_test_id(f"tally-{keys[1]}")
    fixed.locator("input[name=votes_HTNV]").fill("")
    fixed.locator("input[name=votes_HTNV]").press("Tab")
    expect(page.get_by_test_id(f"tally-{keys[1]}")).not_to_contain_text("có mặt")
    expect(page.get_by_test_id(f"tally-{keys[1]}")).not_to_have_class("table-danger")
    expect(page.get_by_test_id(f"proposal-{keys[1]}")).to_have_text("HTTNV")
    expect(page.get_by_test_id("counts")).not_to_contain_text("—")
    page.screenshot(path=str(artifacts / "cell-meeting.png"), full_page=True)

    pdf = page.request.get(f"{base}/minutes.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.body(), capture_output=True, check=True
    ).stdout.decode()
    for name in NAMES:
        assert name in text
    # each row (the cell, then every member) ends with its proposal's short name (issue 17)
    assert len(re.findall(r"HTTNV\s*$", text, re.M)) == 5
    assert re.search(r"Tập thể .*HTXSNV\s*$", text, re.M)  # the cell

    cell_documents_write(CellYear.objects.get(), secretary)  # form 01 and self-reviews
    page.goto(f"{base}/")
    page.get_by_test_id("confirm").check()
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("submit")).to_have_count(0)
    assert CellYear.objects.get().state == CellState.SUBMITTED
    page.goto(f"{base}/meeting/")
    expect(page.get_by_test_id("read-only")).to_be_visible()
    expect(
        page.get_by_test_id(f"tally-{keys[1]}").locator("input[name=votes_HTTNV]")
    ).to_be_disabled()

    board = browser.new_context(locale="vi-VN").new_page()
    log_in(board, "committee")
    board.goto(f"{base}/")
    board.fill("#id_reason", "Bổ sung ý kiến của chi bộ nơi cư trú")
    board.get_by_test_id("return").click()
    expect(board.get_by_test_id("history")).to_contain_text("Bổ sung ý kiến của chi bộ nơi cư trú")
    assert CellYear.objects.get().state == CellState.RETURNED

    page.goto(f"{base}/meeting/")
    expect(page.get_by_test_id("read-only")).to_have_count(0)
    expect(
        page.get_by_test_id(f"tally-{keys[1]}").locator("input[name=votes_HTTNV]")
    ).to_be_enabled()


def test_votes_typed_quickly_across_a_row_are_all_kept(
    page, live_server, log_in, tree, period, secretary
):
    """A fast typist on a slow PC: each box saves on leaving it, nothing typed is replaced."""
    from assessment import cell_year as work

    members = [MemberFactory(cell=tree.c1, full_name=name) for name in NAMES]
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    meeting = work.meeting_for(cell_year)
    for member in members:
        work.attendance_set(
            meeting=meeting, member=member, present=True, absence_reason="", by=secretary
        )
    log_in(page, "secretary")
    page.goto(f"{live_server.url}/years/2025/cells/{tree.c1.pk}/meeting/")
    row = page.get_by_test_id("tally-cell")
    row.locator("input[name=votes_HTXSNV]").focus()
    for value in ("1", "2", "1", "1"):  # HTXSNV, HTTNV, HTNV, KHTNV, typed without pausing
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("proposal-cell")).to_have_text("HTTNV")  # 1 + 2 = 3 > 5 / 2
    page.reload()
    row = page.get_by_test_id("tally-cell")
    for code, value in (("HTXSNV", "1"), ("HTTNV", "2"), ("HTNV", "1"), ("KHTNV", "1")):
        expect(row.locator(f"input[name=votes_{code}]")).to_have_value(value)
