"""Quarterly assessment of leaders and managers (R27, Kết luận 198, form 05; issue 14 item 6):
a year's quarters, their roster from posts, a leader's quarter entered and decided through the
machine, shown on the annual review as evidence and on the progress dashboard when late."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment import cell_year as work
from assessment import frameworks, machine, quarters
from assessment.models import Framework, Quarter, QuarterAssessment
from assessment.services import period_close, period_create
from members.models import Post, PostKind
from organizations.models import Role

from ..factories import MemberFactory, UserFactory, assign

pytestmark = pytest.mark.django_db

SCORES = {
    "politics_ethics": 14,
    "leadership_capacity": 9,
    "self_criticism": 5,
    "led_units_results": 32,
    "own_tasks": 25,
}  # 85 points on the 2A framework of 2025
ON_TIME = {"all_tasks_on_time": True}


def leader_post(member, unit, *, start=datetime.date(2020, 1, 1), end=None):
    return Post.objects.create(
        member=member,
        kind=PostKind.PARTY,
        title="Bí thư Đảng ủy",
        leadership=True,
        organization=unit,
        start=start,
        end=end,
    )


@pytest.fixture
def leader(tree):
    user = UserFactory(username="leader")
    assign(user, Role.MEMBER, tree.c1)
    member = MemberFactory(full_name="Hoàng Văn Lãnh", cell=tree.c1, user=user)
    leader_post(member, tree.g1)
    return member


def quarter_chain(period, tree, secretary, committee, provincial, level):
    """Every transition of the quarter machines, and their refusals (test_machine's chain)."""
    member = MemberFactory(cell=tree.c1)
    leader_post(member, tree.g1)
    quarter = quarters.quarter_open(period=period, number=4, by=provincial)
    row = quarter.assessments.get(member=member)
    refused("results", lambda: quarters.quarter_step(assessment=row, name="submit", by=secretary))
    quarters.quarter_review_save(
        assessment=row,
        results="Hoàn thành",
        shortcomings="",
        scores=SCORES,
        conditions=ON_TIME,
        by=secretary,
        version=None,
    )
    quarters.quarter_step(assessment=row, name="submit", by=secretary)
    refused("who", lambda: quarters.quarter_step(assessment=row, name="decide", by=secretary))
    refused("reason", lambda: quarters.quarter_step(assessment=row, name="return", by=committee))
    quarters.quarter_step(assessment=row, name="return", by=committee, reason="Bổ sung")
    quarters.quarter_step(assessment=row, name="submit", by=secretary)
    refused("level", lambda: quarters.quarter_step(assessment=row, name="decide", by=committee))
    framework = quarters.framework_of(row)
    frameworks.ground_flag_record(
        subject=row,
        framework=framework,
        code="low_trust_over_half",
        note="Phiếu 12/2025",
        by=committee,
    )
    refused(
        "grounds",
        lambda: quarters.quarter_step(
            assessment=row, name="decide", by=committee, level=level["HTTNV"]
        ),
    )
    quarters.quarter_step(
        assessment=row,
        name="decide",
        by=committee,
        level=level["HTTNV"],
        override_note="Phiếu lấy sai đối tượng",
    )
    quarters.quarter_step(assessment=row, name="reopen", by=committee, reason="Xem lại")
    quarters.quarter_close(quarter=quarter, by=provincial)
    refused(
        "closed",
        lambda: quarters.quarter_step(assessment=row, name="return", by=committee, reason="x"),
    )


def refused(code, call):
    with pytest.raises(machine.Refused) as error:
        call()
    assert error.value.code == code and error.value.messages
    return error.value.messages


# --- Opening a quarter ---------------------------------------------------------------------------


def test_a_quarter_holds_the_leaders_whose_posts_hold_at_its_end(period, tree, leader, provincial):
    plain = MemberFactory(cell=tree.c2)
    former = MemberFactory(cell=tree.c3)
    leader_post(former, tree.g2, end=datetime.date(2025, 6, 29))
    quarter = quarters.quarter_open(period=period, number=2, by=provincial)
    assert (quarter.start, quarter.end, quarter.due) == (
        datetime.date(2025, 4, 1),
        datetime.date(2025, 6, 30),
        datetime.date(2025, 7, 15),
    )
    assert list(quarter.assessments.values_list("member", "framework")) == [(leader.pk, "leader")]
    assert quarter.history.get().history_user == provincial
    assert plain.pk and former.pk  # not on the roster


def test_a_quarter_is_opened_once_in_an_open_year_of_rules_that_assess_quarterly(
    period, tree, provincial
):
    quarters.quarter_open(period=period, number=1, by=provincial)
    with pytest.raises(ValidationError) as twice:
        quarters.quarter_open(period=period, number=1, by=provincial)
    assert twice.value.code == "exists"
    with pytest.raises(ValidationError):
        quarters.quarter_open(period=period, number=5, by=provincial)
    old = period_create(year=2024, by=None)  # Quy định 124: no quarterly assessment
    with pytest.raises(ValidationError) as before:
        quarters.quarter_open(period=old, number=1, by=provincial)
    assert before.value.code == "rules"
    period_close(period=period, by=provincial)
    with pytest.raises(ValidationError) as closed:
        quarters.quarter_open(period=period, number=2, by=provincial)
    assert closed.value.code == "closed"


# --- Entering and deciding -----------------------------------------------------------------------


@pytest.fixture
def quarter_row(period, leader, provincial):
    quarter = quarters.quarter_open(period=period, number=3, by=provincial)
    return quarter.assessments.get(member=leader)


def test_the_self_assessed_level_follows_the_leaders_framework(quarter_row, leader):
    row = quarters.quarter_review_save(
        assessment=quarter_row,
        results="Chỉ đạo hoàn thành 9/9 chỉ tiêu",
        shortcomings="",
        scores=SCORES,
        conditions=ON_TIME,
        by=leader.user,
        version=quarter_row.version,
    )
    assert row.self_score == Decimal(85) and row.self_level.code == "HTTNV"
    assert row.history.first().history_user == leader.user


def test_a_score_above_its_criterion_is_refused_naming_it_and_nothing_is_written(
    quarter_row, leader
):
    with pytest.raises(ValidationError) as error:
        quarters.quarter_review_save(
            assessment=quarter_row,
            results="x",
            shortcomings="",
            scores=SCORES | {"own_tasks": 31},
            conditions={},
            by=leader.user,
            version=None,
        )
    assert "30" in error.value.messages[0]
    assert QuarterAssessment.objects.get(pk=quarter_row.pk).results == ""


def test_a_stale_version_is_a_conflict(quarter_row, leader):
    quarters.quarter_review_save(
        assessment=quarter_row,
        results="a",
        shortcomings="",
        scores={},
        conditions={},
        by=leader.user,
        version=quarter_row.version,
    )
    with pytest.raises(work.Conflict):
        quarters.quarter_review_save(
            assessment=quarter_row,
            results="b",
            shortcomings="",
            scores={},
            conditions={},
            by=leader.user,
            version=quarter_row.version,
        )


def test_units_led_over_half_not_completed_is_a_ground_the_decider_must_override(
    quarter_row, leader, committee, secretary, period, tree, level
):
    from assessment.models import CellYear

    CellYear.objects.create(period=period, cell=tree.c1, decided_level=level["KHTNV"])
    CellYear.objects.create(period=period, cell=tree.c2, decided_level=level["KHTNV"])
    quarters.quarter_review_save(
        assessment=quarter_row,
        results="x",
        shortcomings="",
        scores=SCORES,
        conditions=ON_TIME,
        by=secretary,
        version=None,
    )
    row = quarters.quarter_step(assessment=quarter_row, name="submit", by=leader.user)
    assert row.self_level.code == "KHTNV"
    messages = refused(
        "grounds",
        lambda: quarters.quarter_step(
            assessment=row, name="decide", by=committee, level=level["HTNV"], note="Xem xét"
        ),
    )
    assert "Trên 1/2 số cơ quan" in messages[0]
    decided = quarters.quarter_step(
        assessment=row, name="decide", by=committee, level=level["KHTNV"], note="Đúng căn cứ"
    )
    assert (decided.state, decided.decided_by) == ("decided", committee)


def test_a_level_other_than_the_self_assessed_one_needs_a_reason(
    quarter_row, leader, committee, level
):
    quarters.quarter_review_save(
        assessment=quarter_row,
        results="x",
        shortcomings="",
        scores=SCORES,
        conditions=ON_TIME,
        by=leader.user,
        version=None,
    )
    row = quarters.quarter_step(assessment=quarter_row, name="submit", by=leader.user)
    refused(
        "level",
        lambda: quarters.quarter_step(
            assessment=row, name="decide", by=committee, level=level["HTNV"]
        ),
    )


# --- Evidence for the year: shown, not averaged unless the framework says so ---------------------


def decided_quarter(period, number, member, by_leader, committee, level, scores):
    quarter = Quarter.objects.filter(period=period, number=number).first() or quarters.quarter_open(
        period=period, number=number, by=None
    )
    row = quarter.assessments.get(member=member)
    quarters.quarter_review_save(
        assessment=row,
        results="x",
        shortcomings="",
        scores=scores,
        conditions=ON_TIME,
        by=by_leader,
        version=None,
    )
    quarters.quarter_step(assessment=row, name="submit", by=by_leader)
    return quarters.quarter_step(
        assessment=row, name="decide", by=committee, level=level["HTTNV"], note="Theo kết quả"
    )


def test_quarters_are_evidence_and_averaged_only_when_the_framework_says_so(
    period, leader, committee, level
):
    decided_quarter(period, 1, leader, leader.user, committee, level, SCORES)
    decided_quarter(period, 2, leader, leader.user, committee, level, SCORES | {"own_tasks": 30})
    evidence = quarters.quarterly_evidence(leader, period)
    assert [r.quarter.number for r in evidence.rows] == [1, 2] and evidence.average is None
    Framework.objects.filter(rule_set=period.rule_set, code="leader").update(
        quarterly_averaging=True
    )
    period.rule_set._frameworks_by_code = None
    assert quarters.quarterly_evidence(leader, period).average == Decimal("87.50")


# --- Acceptance: a quarter of 2026 opened, a leader assessed in it, the annual review shows it ---


def test_a_2026_quarter_is_opened_a_leader_assessed_and_the_annual_review_shows_it(
    login, period, tree, leader, secretary, committee, provincial, level
):
    period_create(year=2026, by=None)
    client = login(provincial)
    response = client.post(reverse("assessment:quarters", args=[2026]), {"number": 3})
    assert response.status_code == 302
    row = QuarterAssessment.objects.get(quarter__period__year=2026, quarter__number=3)
    assert row.member == leader

    client = login(leader.user)
    page = client.get(reverse("assessment:quarter_assessment", args=[row.pk]))
    assert page.status_code == 200 and "Quý 3/2026" in page.content.decode()
    data = {f"score_{code}": value for code, value in SCORES.items()}
    data |= {
        "results": "Lãnh đạo hoàn thành 10/10 chỉ tiêu quý",
        "shortcomings": "",
        "condition_all_tasks_on_time": "on",
        "version": row.version,
    }
    assert (
        client.post(reverse("assessment:quarter_assessment", args=[row.pk]), data).status_code
        == 302
    )
    row.refresh_from_db()
    assert row.self_level.code == "HTTNV"
    client.post(
        reverse("assessment:quarter_step", args=[row.pk]),
        {"step": "submit", "decide-version": row.version},
    )
    row.refresh_from_db()
    assert row.state == "submitted"

    client = login(committee)
    decided_level = row.quarter.period.rule_set.levels.get(code="HTTNV")
    client.post(
        reverse("assessment:quarter_step", args=[row.pk]),
        {"step": "decide", "decide-level": decided_level.pk, "decide-version": row.version},
    )
    row.refresh_from_db()
    assert (row.state, row.decided_level, row.decided_by) == ("decided", decided_level, committee)

    work.cell_year_open(period=row.quarter.period, cell=tree.c1, by=secretary)
    assessment = leader.assessments.get(cell_year__period__year=2026)
    assert assessment.form_code == "2A"
    review = login(leader.user).get(reverse("assessment:self_review", args=[assessment.pk]))
    text = review.content.decode()
    assert 'data-testid="quarterly-evidence"' in text
    assert "Quý 3/2026" in text and decided_level.name in text


def test_a_late_quarter_appears_on_the_progress_dashboard(login, period, tree, leader, provincial):
    quarters.quarter_open(period=period, number=1, by=provincial)  # due 15/04/2025, long past
    page = login(provincial).get(reverse("reports:progress", args=[2025, tree.province.pk]))
    text = page.content.decode()
    assert 'data-testid="late-quarters"' in text and leader.full_name in text
    unit = login(provincial).get(reverse("assessment:quarter_unit", args=[2025, 1, tree.g1.pk]))
    assert leader.full_name in unit.content.decode()


def test_the_decider_records_and_clears_a_ground_through_the_page(
    login, quarter_row, committee, leader
):
    client = login(committee)
    url = reverse("assessment:quarter_grounds", args=[quarter_row.pk])
    client.post(url, {"code": "corruption_in_scope", "note": "Vụ việc ở xã"})
    flag = quarter_row.ground_flags.get()
    page = client.get(
        reverse("assessment:quarter_assessment", args=[quarter_row.pk])
    ).content.decode()
    assert "Vụ việc ở xã" in page and "tham nhũng" in page
    login(leader.user).post(url, {"code": "disunity", "note": "x"})  # the leader may not
    assert quarter_row.ground_flags.count() == 1
    client = login(committee)
    client.post(url, {"clear": flag.pk, "note": "Đã xác minh không đúng"})
    assert not quarter_row.ground_flags.exists()


# --- The year's quarters page counts within the viewer's scope (demo defect: province-wide) ---


def quarter_counts(client, year: int, number: int) -> tuple[str, str]:
    """The Leaders and Decided figures of a quarter's row on the year's quarters page."""
    import re

    text = client.get(reverse("assessment:quarters", args=[year])).content.decode()
    row = re.search(rf'data-testid="quarter-{number}">(.*?)</tr>', text, re.S).group(1)
    return tuple(re.findall(r'<td class="text-end">([^<]*)</td>', row))


def test_the_quarters_page_counts_only_the_leaders_in_the_viewers_scope(
    login, period, tree, leader, committee, secretary, outsider_board, provincial, alice_member
):
    other = MemberFactory(full_name="Phạm Văn Xa", cell=tree.c3)
    leader_post(other, tree.g2)
    quarter = quarters.quarter_open(period=period, number=2, by=provincial)
    QuarterAssessment.objects.filter(quarter=quarter, member=other).update(state="decided")

    assert quarter_counts(login(provincial), 2025, 2) == ("2", "1")  # the whole province
    assert quarter_counts(login(committee), 2025, 2) == ("1", "0")  # G1's leader only
    assert quarter_counts(login(secretary), 2025, 2) == ("1", "0")  # C1 holds the leader
    assert quarter_counts(login(outsider_board), 2025, 2) == ("1", "1")  # district B's
    # a member sees nobody else's figures: none for a plain member, their own for a leader
    assert quarter_counts(login(alice_member.user), 2025, 2) == ("0", "0")
    assert quarter_counts(login(leader.user), 2025, 2) == ("1", "0")
