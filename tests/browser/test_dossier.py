"""Issue 15 items 7–8 in Chromium: the district's board forms a working group and records who
attended G1's review meeting; the cell's secretary files a signed scan in the cell's dossier and
sees the dossier complete; the pages pass the accessibility check (conftest)."""

import pytest
from playwright.sync_api import expect

from ..factories import scan_upload

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_board_forms_a_group_and_a_secretary_files_a_scan(
    browser, page, live_server, log_in, tree, period, district_board, secretary, artifacts, tmp_path
):
    period.rule_set.dossier_scans_required = ["minutes"]
    period.rule_set.save()
    log_in(page, "district")
    page.goto(f"{live_server.url}/years/2025/superiors/{tree.district_a.pk}/working-groups/")
    expect(page.get_by_test_id("without-attendee")).to_contain_text(tree.g1.name)
    page.fill("input[name=name]", "Tổ công tác số 1")
    page.fill("textarea[name=officials]", "Nguyễn Văn An — Phó Bí thư Huyện ủy\nTrần Thị Bình")
    page.get_by_label(tree.g1.name).check()
    page.get_by_role("button", name="Thành lập tổ").click()
    row = page.get_by_test_id(f"row-{tree.g1.code}")
    row.locator("select").select_option(label="Nguyễn Văn An (Phó Bí thư Huyện ủy)")
    row.locator("textarea").fill("Hội nghị nghiêm túc, đúng quy trình.")
    row.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("without-attendee")).to_have_count(0)
    page.screenshot(path=str(artifacts / "working-groups.png"), full_page=True)

    page.context.clear_cookies()
    log_in(page, "secretary")
    page.goto(f"{live_server.url}/years/2025/units/{tree.c1.pk}/dossier/")
    expect(page.get_by_test_id("dossier-missing")).to_be_visible()
    scan = tmp_path / "bien-ban-ky.pdf"
    scan.write_bytes(scan_upload().read())
    page.select_option("select[name=kind]", "minutes")
    page.set_input_files("input[name=file]", str(scan))
    page.get_by_role("button", name="Nộp bản chụp").click()
    expect(page.get_by_test_id("dossier-complete")).to_be_visible()
    expect(page.get_by_test_id("item-minutes")).to_contain_text("bien-ban-ky.pdf")
    page.screenshot(path=str(artifacts / "dossier.png"), full_page=True)
