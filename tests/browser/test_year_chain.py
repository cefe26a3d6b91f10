"""Issue 12's acceptance: the whole year in Chromium, from a member's self-review to the
province's summary, then the reopen chain back down to the cell and up again. Every step is
taken through the pages, by the person whose step it is."""

import pytest
from playwright.sync_api import expect

from assessment import cell_year as work
from assessment.models import CellState, CellYear, Decision, DecisionState, GrassrootsYear
from organizations.models import Kind, Role
from tests.factories import MemberFactory, OrganizationFactory, UserFactory, assign

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAMES = ["Đinh Văn An", "Hà Thị Bình", "Kiều Văn Cường"]
SCORES = {
    "politics_ethics": "13",
    "capacity_attitude": "9",
    "self_criticism": "4",
    "volume": "24",
    "progress": "15",
    "quality": "15",
}


def people(tree):
    """A commune committee under the province with one grassroots cell of three members."""
    commune = OrganizationFactory(
        code="XH", name="Đảng ủy xã Hòa Bình", kind=Kind.SUPERIOR, parent=tree.province
    )
    cell = OrganizationFactory(
        code="CD", name="Chi bộ thôn Đông", kind=Kind.GRASSROOTS_CELL, parent=commune
    )
    for username, role, unit in [
        ("bithu", Role.CELL_SECRETARY, cell),
        ("chiuy", Role.GRASSROOTS_COMMITTEE, cell),
        ("xauy", Role.SUPERIOR_BOARD, commune),
        ("tinhuy", Role.PROVINCIAL_BOARD, tree.province),
    ]:
        assign(UserFactory(username=username), role, unit)
    member_user = UserFactory(username="dangvien")
    assign(member_user, Role.MEMBER, cell)
    members = [
        MemberFactory(cell=cell, full_name=name, user=member_user if i == 0 else None)
        for i, name in enumerate(NAMES)
    ]
    return commune, cell, members


def sign(page, justification=""):
    page.fill("#id_signed_on", "28/12/2025")
    page.fill("#id_signer_name", "Nguyễn Văn Ký")
    page.fill("#id_signer_title", "Bí thư")
    if justification:
        page.fill("#id_quota_justification", justification)


def reopen(page, reason):
    decisions = page.get_by_test_id("decisions")
    decisions.locator("input[name=reason]").fill(reason)
    decisions.get_by_test_id("reopen").click()
    expect(page.locator(".alert-success")).to_be_visible()


def give_back(page, unit, reason):
    form = page.locator(f"form[action$='/return/{unit.pk}/']")
    form.locator("input[name=reason]").fill(reason)
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()


def vote(page, key, level, n):
    row = page.get_by_test_id(f"tally-{key}")
    for box in row.locator("input[name^=votes_]").all():
        if box.input_value():
            box.fill("")
            box.press("Tab")
    row.locator(f"input[name=votes_{level}]").fill(str(n))
    row.locator(f"input[name=votes_{level}]").press("Tab")
    expect(page.get_by_test_id(f"proposal-{key}")).to_have_text(level)


def others_write_their_documents(cell_year, written):
    for assessment in cell_year.assessments.to_assess().exclude(pk=written.pk):
        work.self_review_save(
            assessment=assessment,
            texts={"strengths": "Hoàn thành nhiệm vụ được giao."},
            scores=SCORES,
            conditions={"all_tasks_on_time": True},
            by=assessment.member.user,
            version=None,
        )
    work.cell_report_save(
        cell_year=cell_year,
        data={"report_strengths": "Chi bộ hoàn thành các chỉ tiêu của năm."},
        by=None,
        version=None,
    )


def cell_round(page, base, cell_year, first, level):
    """The secretary's votes, then the submission behind the checklist."""
    page.goto(f"{base}/meeting/")
    vote(page, "cell", "HTTNV", 3)
    for assessment in cell_year.assessments.order_by("member__full_name"):
        vote(page, assessment.pk, level if assessment == first else "HTTNV", 3)
    page.goto(f"{base}/")
    page.get_by_test_id("confirm").check()
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("cell-state")).to_have_text("Đã gửi")


def decide_and_issue(page, url, save, issue, justification=""):
    if url:
        page.goto(url)
    page.get_by_test_id(save).click()
    expect(page.locator(".alert-danger")).to_have_count(0)
    sign(page, justification)
    page.get_by_test_id(issue).click()
    expect(page.locator(".alert-success")).to_be_visible()


def submit_own(page, url, report):
    page.goto(url)
    page.fill("#report", report)
    page.select_option("#proposed_level", label="Hoàn thành tốt nhiệm vụ")
    page.get_by_test_id("submit-grassroots").click()
    expect(page.get_by_test_id("grassroots-state")).to_have_text("Đã gửi")


def test_the_whole_year_and_the_reopen_chain(browser, live_server, log_in, tree, period, artifacts):
    commune, cell, members = people(tree)
    site = live_server.url
    years = f"{site}/years/2025"
    base = f"{years}/cells/{cell.pk}"
    pages = {}
    for username in ("bithu", "dangvien", "chiuy", "xauy", "tinhuy"):
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        pages[username] = context.new_page()
        pages[username].set_default_timeout(15_000)
        log_in(pages[username], username)
    secretary, member, committee = pages["bithu"], pages["dangvien"], pages["chiuy"]
    board, province = pages["xauy"], pages["tinhuy"]

    # The secretary opens the cell's year: an explicit step, not a side effect of looking.
    secretary.goto(f"{site}/units/{cell.pk}/")
    secretary.get_by_test_id("cell-year-link").click()
    secretary.get_by_test_id("open-cell-year").click()
    expect(secretary.get_by_test_id("roster")).to_contain_text(NAMES[0])
    cell_year = CellYear.objects.get(cell=cell)
    first = cell_year.assessments.get(member=members[0])

    # The member writes their self-review from their home page.
    member.goto(f"{site}/")
    member.get_by_test_id("own-self-review").click()
    for code, points in SCORES.items():
        member.fill(f"#id_score_{code}", points)
    member.check("#id_condition_all_tasks_on_time")
    member.fill("#id_strengths", "Hoàn thành các nhiệm vụ được giao đúng hạn.")
    member.locator("main button[type=submit]").first.click()
    expect(member.get_by_test_id("self-level")).to_contain_text("Hoàn thành tốt nhiệm vụ")

    # The other members' self-reviews and the cell's report (form 01), which a submission needs
    # (issue 13 item 8), written through the same services their pages call.
    others_write_their_documents(cell_year, first)

    # The meeting: details, attendance, votes; the submission.
    secretary.goto(f"{base}/meeting/")
    secretary.fill("#id_held_on", "12/12/2025")
    secretary.fill("#id_chair", NAMES[0])
    secretary.fill("#id_recorder", NAMES[1])
    secretary.click("#submit-id-submit")
    for i, one in enumerate(members):
        secretary.get_by_test_id(f"present-{one.pk}").check()
        expect(secretary.get_by_test_id("present")).to_have_text(str(i + 1))
    cell_round(secretary, base, cell_year, first, "HTTNV")

    # The cell's committee decides and issues; the cell reports its own level to the commune.
    decide_and_issue(committee, f"{base}/decide/", "save-levels", "issue")
    submit_own(committee, f"{years}/grassroots/{cell.pk}/", "Chi bộ hoàn thành tốt nhiệm vụ.")
    member.goto(f"{site}/")
    expect(member.get_by_test_id("own-result")).to_contain_text("Hoàn thành tốt nhiệm vụ")
    expect(member.get_by_test_id("own-self-review")).to_have_count(0)

    # The commune decides the cell (step 8), then reports its own level (8b); the province.
    decide_and_issue(board, f"{years}/superiors/{commune.pk}/", "save-unit-levels", "issue-units")
    submit_own(board, f"{years}/grassroots/{commune.pk}/", "Đảng ủy xã hoàn thành tốt nhiệm vụ.")
    decide_and_issue(
        province, f"{years}/superiors/{tree.province.pk}/", "save-unit-levels", "issue-units"
    )
    province.goto(f"{years}/units/{tree.province.pk}/summary/")
    expect(province.locator("main")).to_contain_text("100,00")
    expect(province.locator("main")).not_to_contain_text("33,33")
    assert Decision.objects.filter(state=DecisionState.ISSUED).count() == 3

    # The reopen chain down to the cell, each level after the one above (R8, R17).
    province.goto(f"{years}/superiors/{tree.province.pk}/")
    reopen(province, "Xem lại kết quả chi bộ thôn Đông")
    give_back(province, commune, "Đề nghị xem lại kết quả của chi bộ")
    board.goto(f"{years}/superiors/{commune.pk}/")
    reopen(board, "Theo đề nghị của Ban Tổ chức Tỉnh ủy")
    give_back(board, cell, "Xem lại mức xếp loại đảng viên")
    committee.goto(f"{base}/decide/")
    reopen(committee, "Kiểm phiếu lại")
    committee.goto(f"{base}/")
    committee.fill("#id_reason", "Kiểm phiếu lại cho đồng chí " + NAMES[0])
    committee.get_by_test_id("return").click()
    expect(committee.get_by_test_id("cell-state")).to_have_text("Bị trả lại")

    # And up again: a new vote raises one member; every level decides again in order.
    cell_round(secretary, base, cell_year, first, "HTXSNV")
    committee.goto(f"{base}/decide/")
    committee.get_by_test_id(f"level-{first.pk}").select_option(label="HTXSNV")
    committee.get_by_test_id(f"note-{first.pk}").fill("Theo kết quả bỏ phiếu lại")
    decide_and_issue(committee, None, "save-levels", "issue", "Thành tích nổi bật cấp tỉnh")
    submit_own(committee, f"{years}/grassroots/{cell.pk}/", "Chi bộ hoàn thành tốt nhiệm vụ.")
    decide_and_issue(board, f"{years}/superiors/{commune.pk}/", "save-unit-levels", "issue-units")
    submit_own(board, f"{years}/grassroots/{commune.pk}/", "Đảng ủy xã hoàn thành tốt nhiệm vụ.")
    decide_and_issue(
        province, f"{years}/superiors/{tree.province.pk}/", "save-unit-levels", "issue-units"
    )
    province.goto(f"{years}/units/{tree.province.pk}/summary/")
    expect(province.locator("main")).to_contain_text("33,33")  # 1 excellent of 3 members
    province.screenshot(path=str(artifacts / "year-chain-summary.png"), full_page=True)

    first.refresh_from_db()
    assert first.decided_level.code == "HTXSNV" and first.decision.state == DecisionState.ISSUED
    assert CellYear.objects.get(cell=cell).state == CellState.DECIDED
    assert {g.state for g in GrassrootsYear.objects.all()} == {CellState.DECIDED}
    assert Decision.objects.filter(state=DecisionState.REOPENED).count() == 3
    assert Decision.objects.filter(state=DecisionState.ISSUED).count() == 3
