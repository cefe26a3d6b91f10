"""Issue 14's acceptance for the quarterly assessment (R27, form 05), in Chromium: the
provincial board opens a quarter of 2026, the leader writes and submits it, the committee
decides it, and the leader's annual self-review shows it."""

import datetime

import pytest
from playwright.sync_api import expect

from assessment import cell_year as work
from assessment.models import QuarterAssessment
from assessment.services import period_create
from members.models import Post, PostKind
from organizations.models import Role

from ..factories import MemberFactory, UserFactory, assign

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCORES = {
    "politics_ethics": "14",
    "leadership_capacity": "9",
    "self_criticism": "5",
    "led_units_results": "32",
    "own_tasks": "25,5",
}


def test_a_2026_quarter_opened_written_decided_and_shown_on_the_annual_review(
    browser, page, live_server, log_in, tree, period, provincial, committee, secretary, artifacts
):
    period_create(year=2026, by=None)
    user = UserFactory(username="leader")
    assign(user, Role.MEMBER, tree.c1)
    leader = MemberFactory(full_name="Hoàng Văn Lãnh", cell=tree.c1, user=user)
    Post.objects.create(
        member=leader,
        kind=PostKind.PARTY,
        title="Bí thư Đảng ủy xã",
        leadership=True,
        organization=tree.g1,
        start=datetime.date(2021, 1, 1),
    )

    # The provincial board opens the third quarter of 2026.
    log_in(page, "provincial")
    page.goto(f"{live_server.url}/years/2026/quarters/")
    page.select_option("#id_number", "3")
    page.get_by_test_id("open-quarter").click()
    expect(page.get_by_test_id("quarter-3")).to_contain_text("Quý 3/2026")
    row = QuarterAssessment.objects.get(quarter__number=3, member=leader)

    # The leader writes form 05 and submits it.
    mine = browser.new_context(locale="vi-VN").new_page()
    log_in(mine, "leader")
    mine.goto(f"{live_server.url}/quarters/assessments/{row.pk}/")
    mine.fill("#id_results", "Lãnh đạo xã hoàn thành 10/10 chỉ tiêu của quý")
    for code, value in SCORES.items():
        mine.fill(f"#id_score_{code}", value)
    mine.check("#id_condition_all_tasks_on_time")
    mine.get_by_test_id("quarter-save").click()
    expect(mine.get_by_test_id("quarter-self-level")).to_contain_text("85,5")
    expect(mine.get_by_test_id("quarter-self-level")).to_contain_text("Hoàn thành tốt nhiệm vụ")
    mine.get_by_test_id("quarter-submit").click()
    expect(mine.get_by_test_id("quarter-state")).to_have_text("Đã gửi")

    # The committee that decides the leader's year decides the quarter.
    board = browser.new_context(locale="vi-VN").new_page()
    log_in(board, "committee")
    board.goto(f"{live_server.url}/quarters/assessments/{row.pk}/")
    good = period.rule_set.levels.get(code="HTTNV").name
    board.select_option("#id_decide-level", label=good)
    board.get_by_test_id("quarter-decide").click()
    expect(board.get_by_test_id("quarter-decided")).to_have_text(good)
    board.screenshot(path=str(artifacts / "quarter-decided.png"), full_page=True)

    # The leader's self-review of 2026 shows the quarter as evidence.
    cell_year = work.cell_year_open(period=row.quarter.period, cell=tree.c1, by=secretary)
    assessment = cell_year.assessments.get(member=leader)
    mine.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    evidence = mine.get_by_test_id("quarterly-evidence")
    expect(evidence).to_contain_text("Quý 3/2026")
    expect(evidence).to_contain_text(good)
    mine.screenshot(path=str(artifacts / "quarter-evidence.png"), full_page=True)
