"""Issue 19 item 5: the cells' quota box counts party organizations and follows the menus."""

import pytest
from playwright.sync_api import expect

from tests.assessment.test_decisions import decided_cell

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_cells_quota_box_follows_the_level_menus(
    page, live_server, log_in, tree, period, secretary, committee, artifacts
):
    decided_cell(period, tree.c1, secretary, committee, 2, {"HTTNV": 2})
    decided_cell(period, tree.c2, secretary, committee, 2, {"HTTNV": 2})
    log_in(page, "committee")
    page.goto(f"{live_server.url}/years/2025/units/{tree.g1.pk}/cells/decide/")
    counts = page.get_by_test_id("quota-counts")
    expect(counts).to_contain_text("trên cơ sở 2 tổ chức đảng")
    page.get_by_test_id("decide-cell-C1").locator("select[name$=-level]").select_option(
        label="HTXSNV"
    )
    expect(counts).to_contain_text("1 tổ chức đảng hoàn thành xuất sắc nhiệm vụ")
    expect(page.get_by_test_id("quota-exceeded")).to_be_visible()
    page.screenshot(path=str(artifacts / "quota-box-cells.png"), full_page=True)
    page.get_by_test_id("decide-cell-C1").locator("select[name$=-level]").select_option(
        label="HTTNV"
    )
    expect(counts).to_contain_text("0 tổ chức đảng hoàn thành xuất sắc nhiệm vụ")
    expect(page.get_by_test_id("quota-exceeded")).to_have_count(0)
