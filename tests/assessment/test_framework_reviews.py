"""Reviews scored on their own framework (issue 14 item 2; DOMAIN.md R3, R5, R8), through the
real views, in the 2025 rule set (Quy định 366: 30 common + 70 task points) and in 2023
(Quy định 124: conditions without scores):

- a leadership collective's review (form 01) scores the collective framework, the level it
  derives is suggested at the decision, and deciding above it, or above not completed when a
  ground of R5 is recorded, needs the written override members need;
- a leader's (2A) and a member outside the political system's (2C) annual self-review shows and
  scores their framework's criteria and derives the level from its conditions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from assessment import cell_year as work
from assessment import collectives, decisions
from assessment.models import CellState, CellYear, CollectiveAssessment, GroundFlag
from assessment.services import period_create
from members.models import Post, PostKind
from organizations.models import CollectiveKind, CollectiveSeat, LeadershipCollective, SeatRole
from tests.conftest import ensure_seeded
from tests.counts import counts_rebuild

from ..factories import MemberFactory
from ..messages import says
from .tables import table_post

pytestmark = pytest.mark.django_db

DOC = {
    "signed_on": "20/12/{year}",
    "signer_name": "Lê Văn Ký",
    "signer_title": "Bí thư",
    "quota_justification": "Một tập thể duy nhất do Huyện ủy quản lý",
}


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def open_year(year):
    ensure_seeded()
    period = period_create(year=year, by=None)
    return period, {lv.code: lv for lv in period.rule_set.levels.all()}


def _post(client, name, *args, data=None, follow=False):
    return client.post(reverse(f"assessment:{name}", args=args), data or {}, follow=follow)


# --- A leadership collective (form 01) ----------------------------------------------------------

# 2025, the collective framework: common criteria 28/30, task results 64/70 = 92 points, all
# tasks on time but not 30 % exceeded: good, the failing condition of excellent named.
SCORES_2025 = {
    "score_political_leadership": "10",
    "score_organization_cadres": "10",
    "score_inspection": "8",
    "score_targets": "48",
    "score_subordinates": "16",
    "condition_all_tasks_on_time": "on",
}
# 2023: conditions only; every subordinate unit rated completed or above is measured, and no
# unit below G1 is decided yet: good, the measured condition of excellent named.
CONDITIONS_2023 = {
    "condition_all_tasks_done": "on",
    "condition_half_exceeded": "on",
    "condition_most_tasks_done": "on",
}
CASES = {
    2025: (SCORES_2025, "Ít nhất 30% chỉ tiêu, nhiệm vụ vượt yêu cầu", "Kết quả thực hiện các chỉ"),
    2023: (CONDITIONS_2023, "Các tổ chức trực thuộc được xếp loại", "Hoàn thành trên 50% chỉ tiêu"),
}


def g1_committee(tree):
    collective = LeadershipCollective.objects.create(
        organization=tree.g1, kind=CollectiveKind.PARTY_COMMITTEE, name="Ban Chấp hành xã G1"
    )
    members = MemberFactory.create_batch(3, cell=tree.c1)
    for i, member in enumerate(members):
        CollectiveSeat.objects.create(
            collective=collective,
            member=member,
            role=SeatRole.HEAD if i == 0 else SeatRole.MEMBER,
            start=datetime.date(2020, 10, 1),
        )
    return collective, members


def scored_and_proposed(client, collective, year, review, votes):
    """The committee opens the collective's year, posts its review and holds its meeting."""
    _post(client, "collective_open", year, collective.pk)
    row = CollectiveAssessment.objects.get(collective=collective)
    response = _post(
        client,
        "collective_review",
        year,
        collective.pk,
        data={"version": row.version, "strengths": "Lãnh đạo hoàn thành nghị quyết.", **review},
        follow=True,
    )
    row.refresh_from_db()
    _post(
        client,
        "collective_meeting",
        year,
        collective.pk,
        data={"version": row.version, "held_on": f"05/12/{year}", "present": "3", **votes},
    )
    _post(client, "collective_submit", year, collective.pk)
    row.refresh_from_db()
    return row, response


@pytest.mark.parametrize("year", [2025, 2023])
def test_a_collective_scores_its_framework_and_deciding_above_it_needs_a_written_override(
    client, tree, committee, district_board, year
):
    period, level = open_year(year)
    review, failing, criterion = CASES[year]
    collective, _members = g1_committee(tree)
    client.force_login(committee)
    row, page = scored_and_proposed(client, collective, year, review, {"votes_HTXSNV": "3"})
    html = page.content.decode()
    assert criterion in html  # the collective framework's criteria or conditions, not a member's
    assert "Số lượng, khối lượng công việc" not in html
    assert row.state == CellState.SUBMITTED and row.proposed_level == level["HTXSNV"]
    assert row.self_level == level["HTTNV"]  # derived by the framework, not typed
    assert failing in row.self_level_notes[0]
    assert row.self_review_entered_by == committee
    if year == 2025:
        assert row.self_score == 92 and row.scores["targets"] == "48"
    assert row.history.filter(history_user=committee).exists()  # attributable and versioned

    # The board sees the suggestion beside the meeting's proposal; excellent is above it.
    client.force_login(district_board)
    url = reverse("assessment:collectives_decide", args=[year, tree.district_a.pk])
    page = client.get(url)
    assert failing in page.content.decode()
    response = client.post(url, table_post(page, {row.pk: {"level": level["HTXSNV"].pk}}))
    assert says(decisions.MSG_OVERRIDE_NEEDED, response.content.decode())
    assert says(collectives.MSG_ABOVE_DERIVED, response.content.decode())
    row.refresh_from_db()
    assert row.decided_level is None

    page = client.get(url)
    override = "Tập thể có nhiều kết quả nổi bật được cấp trên ghi nhận"
    response = client.post(
        url,
        table_post(page, {row.pk: {"level": level["HTXSNV"].pk, "override_note": override}}),
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.decided_level, row.override_note) == (level["HTXSNV"], override)
    assert row.history.first().history_user == district_board
    doc = {k: v.format(year=year) for k, v in DOC.items()}
    _post(client, "collectives_issue", year, tree.district_a.pk, data=doc)
    row.refresh_from_db()
    assert row.state == CellState.DECIDED and row.decision is not None


@pytest.mark.parametrize("year", [2025, 2023])
def test_a_recorded_ground_makes_the_collective_not_completed_unless_overridden_in_writing(
    client, tree, committee, district_board, outsider, year
):
    period, level = open_year(year)
    review, _failing, _criterion = CASES[year]
    collective, _members = g1_committee(tree)
    client.force_login(committee)
    row, _page = scored_and_proposed(client, collective, year, review, {"votes_HTTNV": "3"})
    grounds = reverse("assessment:collective_grounds", args=[year, collective.pk])
    # only the managing board records a ground; the collective's own unit does not
    assert client.post(grounds, {"code": "disunity", "note": "x"}).status_code == 403
    client.force_login(outsider)
    assert client.post(grounds, {"code": "disunity", "note": "x"}).status_code == 404

    client.force_login(district_board)
    _post(client, "collective_grounds", year, collective.pk, data={"code": "disunity"})
    assert not GroundFlag.objects.exists()  # a ground needs its note
    _post(
        client,
        "collective_grounds",
        year,
        collective.pk,
        data={"code": "disunity", "note": "Kết luận của Ủy ban Kiểm tra"},
    )
    flag = GroundFlag.objects.get()
    assert flag.subject == row and flag.history.get().history_user == district_board
    year_page = client.get(reverse("assessment:collective_year", args=[year, collective.pk]))
    assert "Kết luận của Ủy ban Kiểm tra" in year_page.content.decode()
    assert collectives.collective_suggestion(row).level == level["KHTNV"]

    url = reverse("assessment:collectives_decide", args=[year, tree.district_a.pk])
    page = client.get(url)
    response = client.post(url, table_post(page, {row.pk: {"level": level["HTTNV"].pk}}))
    text = response.content.decode()
    assert "Kết luận của Ủy ban Kiểm tra" in text and says(decisions.MSG_OVERRIDE_NEEDED, text)
    row.refresh_from_db()
    assert row.decided_level is None
    # not completed needs no override
    page = client.get(url)
    response = client.post(
        url,
        table_post(page, {row.pk: {"level": level["KHTNV"].pk, "note": "Mất đoàn kết"}}),
    )
    assert response.status_code == 302
    # above it, with a written override
    page = client.get(url)
    response = client.post(
        url,
        table_post(
            page,
            {
                row.pk: {
                    "level": level["HTTNV"].pk,
                    "note": "",
                    "override_note": "Đã khắc phục trước kỳ đánh giá",
                }
            },
        ),
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.decided_level == level["HTTNV"]


def test_a_collective_with_no_level_holding_is_suggested_not_completed_with_the_gap(
    client, tree, committee, district_board
):
    """R3's decision: 62 points but not every task done: no level holds, the gap is shown and
    the meeting's level needs a written override."""
    _period, level = open_year(2025)
    collective, _members = g1_committee(tree)
    client.force_login(committee)
    review = {**SCORES_2025, "score_targets": "18", "condition_all_tasks_on_time": ""}
    del review["condition_all_tasks_on_time"]
    row, page = scored_and_proposed(client, collective, 2025, review, {"votes_HTNV": "3"})
    assert (row.self_score, row.self_level, row.self_level_gap) == (62, level["KHTNV"], True)
    client.force_login(district_board)
    url = reverse("assessment:collectives_decide", args=[2025, tree.district_a.pk])
    page = client.get(url)
    response = client.post(url, table_post(page, {row.pk: {"level": level["HTNV"].pk}}))
    text = response.content.decode()
    from assessment import rules

    assert says(rules.MSG_GAP, text) and says(decisions.MSG_OVERRIDE_NEEDED, text)


def test_a_collective_score_above_its_criterion_is_refused_naming_it(client, tree, committee):
    open_year(2025)
    collective, _members = g1_committee(tree)
    client.force_login(committee)
    _row, page = scored_and_proposed(
        client, collective, 2025, {**SCORES_2025, "score_inspection": "12"}, {}
    )
    row = CollectiveAssessment.objects.get(collective=collective)
    assert row.self_score is None and not row.scores
    assert "Kiểm tra, giám sát, kỷ luật đảng" in page.content.decode()


# --- Members' annual self-review on their framework (2A, 2C) -----------------------------------


def leader_of_g1(tree):
    leader = MemberFactory(cell=tree.c1, full_name="Trần Văn Lãnh")
    Post.objects.create(
        member=leader,
        kind=PostKind.PARTY,
        title="Bí thư Đảng ủy",
        leadership=True,
        organization=tree.g1,
        start=datetime.date(2020, 1, 1),
    )
    return leader


def retired_member(tree):
    member = MemberFactory(cell=tree.c1, full_name="Lê Thị Hưu")
    Post.objects.create(
        member=member,
        kind=PostKind.WORK_UNIT,
        title="Nghỉ hưu",
        outside_political_system=True,
        start=datetime.date(2015, 1, 1),
    )
    return member


def self_review(client, assessment, data):
    url = reverse("assessment:self_review", args=[assessment.pk])
    response = client.post(url, {"version": assessment.version, "strengths": "Tốt", **data})
    assert response.status_code == 302, response.content.decode()[:2000]
    assessment.refresh_from_db()
    return client.get(url).content.decode()


LEADER_2025 = {
    "score_politics_ethics": "15",
    "score_leadership_capacity": "9",
    "score_self_criticism": "5",
    "score_led_units_results": "38",
    "score_own_tasks": "28",
    # a member's criterion (2B): not the leader's, not scored
    "score_volume": "30",
    "condition_all_tasks_on_time": "on",
    "condition_exceeded_30_percent": "on",
    "condition_shortcomings_remedied": "on",
}


def test_a_leaders_2025_self_review_scores_the_2a_criteria_and_reads_the_units_led(
    client, tree, secretary
):
    period, level = open_year(2025)
    leader = leader_of_g1(tree)
    plain = MemberFactory(cell=tree.c1)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    assessment = cell_year.assessments.get(member=leader)
    client.force_login(secretary)
    page = client.get(reverse("assessment:self_review", args=[assessment.pk])).content.decode()
    assert "Kết quả thực hiện nhiệm vụ của cơ quan, đơn vị" in page  # 2A's task results
    assert "Số lượng, khối lượng công việc" not in page  # 2B's
    other = cell_year.assessments.get(member=plain)
    other_page = client.get(reverse("assessment:self_review", args=[other.pk])).content.decode()
    assert "Số lượng, khối lượng công việc" in other_page
    assert "Kết quả thực hiện nhiệm vụ của cơ quan, đơn vị" not in other_page

    self_review(client, assessment, LEADER_2025)
    assert assessment.self_score == 95 and "volume" not in assessment.scores
    assert assessment.self_level == level["HTXSNV"]

    # over half of the units below the organization they lead rated not completed (R5)
    CellYear.objects.create(period=period, cell=tree.c2, decided_level=level["KHTNV"])
    counts_rebuild()
    page = self_review(client, assessment, LEADER_2025)
    assert assessment.self_level == level["KHTNV"]
    assert "Trên 1/2 số cơ quan, đơn vị trực thuộc" in assessment.self_level_notes[0]
    assert "Trên 1/2 số cơ quan, đơn vị trực thuộc" in page


def test_a_leaders_2023_self_review_follows_the_2a_conditions_on_the_units_led(
    client, tree, secretary
):
    period, level = open_year(2023)
    leader = leader_of_g1(tree)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    assessment = cell_year.assessments.get(member=leader)
    assert assessment.form_code == "02A"
    client.force_login(secretary)
    page = client.get(reverse("assessment:self_review", args=[assessment.pk])).content.decode()
    assert "Hoàn thành trên 50% chỉ tiêu, nhiệm vụ" in page
    # measured, not ticked: the units led rated good or above
    assert "condition_led_units_all_good" not in page
    # the unit below rated completed: every unit completed or above but not all good
    CellYear.objects.create(period=period, cell=tree.c2, decided_level=level["HTNV"])
    counts_rebuild()
    self_review(client, assessment, CONDITIONS_2023)
    assert assessment.self_level == level["HTTNV"]
    assert "hoàn thành tốt nhiệm vụ trở lên" in assessment.self_level_notes[0]


@pytest.mark.parametrize(
    ("year", "data", "expected", "shown"),
    [
        (
            2025,
            {
                "score_politics_ethics": "18",  # 2C allows 20 (2B: 15)
                "score_self_criticism": "9",
                "score_party_tasks": "35",
                "score_residence": "25",
                "condition_all_tasks_on_time": "on",
            },
            "HTTNV",
            "Gương mẫu thực hiện nghĩa vụ công dân",
        ),
        (
            2023,
            {"condition_all_tasks_done": "on", "condition_most_tasks_done": "on"},
            "HTTNV",
            "Hoàn thành 100% chỉ tiêu, nhiệm vụ",
        ),
    ],
)
def test_a_member_outside_the_political_system_scores_the_2c_framework(
    client, tree, secretary, year, data, expected, shown
):
    period, level = open_year(year)
    member = retired_member(tree)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    assessment = cell_year.assessments.get(member=member)
    client.force_login(secretary)
    page = client.get(reverse("assessment:self_review", args=[assessment.pk])).content.decode()
    assert shown in page
    self_review(client, assessment, data)
    assert assessment.self_level == level[expected]
    if year == 2025:
        assert assessment.self_score == 87
        assert set(assessment.scores) == {
            "politics_ethics",
            "self_criticism",
            "party_tasks",
            "residence",
        }


def test_a_2c_score_above_the_2c_maximum_is_refused(client, tree, secretary):
    period, _level = open_year(2025)
    member = retired_member(tree)
    assessment = work.cell_year_open(period=period, cell=tree.c1).assessments.get(member=member)
    client.force_login(secretary)
    response = client.post(
        reverse("assessment:self_review", args=[assessment.pk]),
        {"version": assessment.version, "score_residence": "31"},
    )
    assert response.status_code == 200
    assessment.refresh_from_db()
    assert assessment.scores == {}
