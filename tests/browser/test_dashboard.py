"""Issue 5 item 1: the progress dashboard in Chromium, charts drawn under the CSP."""

import pytest
from playwright.sync_api import expect

from tests.reports.test_dashboard import lv, year, year_2024  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Pixels drawn on a canvas (alpha > 0): a chart that failed to draw leaves it transparent.
DRAWN_PIXELS = """canvas => {
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let drawn = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
  return drawn;
}"""


@pytest.mark.usefixtures("year", "year_2024")
def test_the_province_board_sees_charts_and_their_tables(
    page, live_server, log_in, tree, period, provincial, artifacts
):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, "provincial")
    page.goto(f"{live_server.url}/years/2025/units/{tree.province.pk}/progress/")

    expect(page.locator("h1")).to_contain_text(tree.province.name)
    for name in ("deadlines", "units", "levels"):
        canvas = page.locator(f"#chart-{name}")
        expect(canvas).to_have_attribute("data-rendered", "true")
        assert canvas.evaluate(DRAWN_PIXELS) > 500, name
        assert canvas.bounding_box()["height"] > 100, name

    levels = page.get_by_test_id("levels")
    expect(levels.get_by_test_id("level-excellent")).to_contain_text("1")
    expect(levels.get_by_test_id("level-good")).to_contain_text("50,00 %")
    expect(levels.get_by_test_id("levels-total")).to_have_text("4")
    row_a = page.get_by_test_id("units").get_by_test_id("unit-A")
    cells = row_a.locator("td.num")
    assert [cells.nth(i).inner_text() for i in range(6)] == ["4", "1", "1", "0", "1", "1"]
    # 10 on the rosters, and C3's member of 2024 who is not on its 2025 roster yet.
    expect(page.get_by_test_id("kpi-members")).to_contain_text("4 / 11")
    expect(page.get_by_test_id("deadline-cell")).to_contain_text("20/12/2025")
    assert errors == []  # no CSP refusal, no script error
    page.screenshot(path=str(artifacts / "progress-dashboard.png"), full_page=True)

    page.get_by_test_id("units").get_by_role("link", name=tree.district_a.name).click()
    expect(page.locator("h1")).to_contain_text(tree.district_a.name)
    expect(page.get_by_test_id("units").get_by_test_id("unit-G1")).to_be_visible()
