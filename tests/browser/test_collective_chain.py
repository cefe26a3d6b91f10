"""Issue 14's acceptance: a grassroots party committee (a leadership collective) and its head
through review (form 01 for collectives), meeting, proposal and decision, in Chromium; the head's
level is capped by the collective's (R8)."""

import datetime

import pytest
from playwright.sync_api import expect

from assessment.models import CollectiveAssessment, Decision, DecisionKind
from organizations.models import CollectiveKind, CollectiveSeat, LeadershipCollective, SeatRole

from .test_decision_chain import issue, pdf_text, submit_cell

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAMES = ["Đặng Thị Hồng", "Vũ Văn Quyết", "Ngô Minh Tâm"]


def test_a_party_committee_and_its_head_from_review_to_decision(
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
    cell_year = submit_cell(period, tree.c1, secretary, NAMES, "HTTNV", "HTTNV")
    members = {a.member.full_name: a for a in cell_year.assessments.select_related("member")}
    collective = LeadershipCollective.objects.create(
        organization=tree.g1,
        kind=CollectiveKind.PARTY_COMMITTEE,
        name="Ban Chấp hành Đảng bộ xã G1",
    )
    for name in NAMES:
        CollectiveSeat.objects.create(
            collective=collective,
            member=members[name].member,
            role=SeatRole.HEAD if name == NAMES[0] else SeatRole.MEMBER,
            start=datetime.date(2020, 10, 1),
        )
    head = members[NAMES[0]]
    base = f"{live_server.url}/years/2025"

    # The grassroots committee writes the collective's review (form 01) and holds its meeting.
    log_in(page, "committee")
    page.goto(f"{live_server.url}/units/{tree.g1.pk}/")
    page.get_by_test_id("collectives-link").click()
    page.get_by_role("link", name=collective.name).click()
    page.get_by_test_id("open-collective").click()
    page.fill("#review_strengths", "Lãnh đạo hoàn thành các chỉ tiêu nghị quyết năm 2025.")
    page.fill("#review_shortcomings", "Công tác kiểm tra, giám sát có lúc chưa kịp thời.")
    # the collective framework's criteria (2025: 30 common + 70 task results, R3): 78 points,
    # every task done but not all on time, so the framework derives completed
    for item, points in (
        ("political_leadership", "8"),
        ("organization_cadres", "8"),
        ("inspection", "7"),
        ("targets", "40"),
        ("subordinates", "15"),
    ):
        page.fill(f"#review_score_{item}", points)
    page.check("#review_condition_all_tasks_done_20_late")
    page.get_by_test_id("save-collective-review").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("collective-self-level")).to_contain_text("Hoàn thành nhiệm vụ")
    page.fill("#meeting_held_on", "05/12/2025")
    page.fill("#meeting_present", "3")
    page.fill("#meeting_votes_HTNV", "3")
    page.get_by_test_id("save-collective-meeting").click()
    expect(page.get_by_test_id("collective-proposal")).to_have_text("Hoàn thành nhiệm vụ")
    expect(page.get_by_test_id("collective-count")).to_contain_text("3/3")

    # Before the collective is decided, none of its members can be (R8: the collective first).
    page.goto(f"{base}/cells/{tree.c1.pk}/decide/")
    page.get_by_test_id("save-levels").click()
    expect(page.get_by_test_id(f"row-error-{head.pk}")).to_contain_text(collective.name)

    page.goto(f"{base}/collectives/{collective.pk}/")
    page.get_by_test_id("submit-collective").click()
    expect(page.get_by_test_id("collective-state")).to_have_text("Đã gửi")

    # The district board, which manages the grassroots committee, decides it and issues.
    board = browser.new_context(locale="vi-VN").new_page()
    log_in(board, "district")
    board.goto(f"{base}/units/{tree.district_a.pk}/collectives/decide/")
    row = CollectiveAssessment.objects.get(collective=collective)
    expect(board.get_by_test_id(f"collective-row-{row.pk}")).to_contain_text("HTNV")
    expect(board.get_by_test_id(f"suggestion-{row.pk}")).to_contain_text("HTNV")
    board.get_by_test_id("save-collective-levels").click()
    issue(board)
    board.get_by_test_id("issue-collectives").click()
    expect(board.get_by_test_id("decisions")).to_contain_text("01-QĐ")
    decision = Decision.objects.get(kind=DecisionKind.COLLECTIVES)
    text = pdf_text(board, f"{live_server.url}/decisions/{decision.pk}.pdf")
    assert collective.name in text and "Hoàn thành nhiệm vụ" in text
    board.screenshot(path=str(artifacts / "collectives-decision.png"), full_page=True)

    # The head's proposal (good) is above the collective's level: refused, the others saved.
    page.goto(f"{base}/collectives/{collective.pk}/")
    expect(page.get_by_test_id("collective-decided")).to_contain_text("Hoàn thành nhiệm vụ")
    page.goto(f"{base}/cells/{tree.c1.pk}/decide/")
    page.get_by_test_id("save-levels").click()
    expect(page.get_by_test_id(f"row-error-{head.pk}")).to_contain_text("người đứng đầu")
    completed = period.rule_set.levels.get(code="HTNV")
    page.get_by_test_id(f"level-{head.pk}").select_option(value=str(completed.pk))
    page.get_by_test_id(f"note-{head.pk}").fill("Theo mức xếp loại của Ban Chấp hành")
    page.get_by_test_id("save-levels").click()
    expect(page.get_by_test_id(f"row-error-{head.pk}")).to_have_count(0)
    issue(page)
    page.get_by_test_id("issue").click()
    expect(page.get_by_test_id("decisions")).to_contain_text("01-QĐ/ĐU")
    page.screenshot(path=str(artifacts / "collective-head-capped.png"), full_page=True)
    head.refresh_from_db()
    assert head.decided_level.code == "HTNV" and head.decision is not None
