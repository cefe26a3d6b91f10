"""Frameworks per form (issue 14 item 2) and R5's grounds as flags (item 3): each framework's
levels derive from its scores, conditions and grounds, in the 2025 rule set (Quy định 366,
100 points) and in 2023–2024 (Quy định 124, conditions without scores)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from assessment import cell_year as work
from assessment import decisions, frameworks, rules
from assessment.decisions import Choice
from assessment.models import CellYear, Framework, GroundFlag, Level, RuleSet
from assessment.services import period_create
from members.models import FrameworkKind, Post, PostKind
from organizations.models import Kind

from ..factories import MemberFactory, OrganizationFactory
from .test_decisions import submitted_cell

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    """Conditions and grounds are worded in the reader's language: Vietnamese here."""
    with translation.override("vi"):
        yield


ALL_2025 = {"all_tasks_on_time": True, "exceeded_30_percent": True, "shortcomings_remedied": True}


def derive(code, kind, *, score=None, conditions=None, measures=None, flags=None, org=False):
    framework = Framework.objects.get(rule_set__code=code, code=kind)
    derived = frameworks.level_derive(
        framework=framework,
        score=None if score is None else Decimal(score),
        conditions=conditions or {},
        measures=measures,
        flags=flags,
        organization=org,
    )
    return derived.result


def code_of(result):
    return result.level.code if result.level else None


# --- The data: every framework of 2025 has 30 + 70 points --------------------------------


def test_every_2025_framework_scores_30_common_and_70_task_points():
    rule_set = RuleSet.objects.get(code="QD366-2025")
    assert {f.code for f in rule_set.frameworks.all()} == set(FrameworkKind.values)
    for framework in rule_set.frameworks.all():
        groups = framework.criteria or [
            {
                "max_points": g.max_points,
                "items": [{"max_points": i.max_points} for i in g.items.all()],
            }
            for g in rule_set.criteria_groups.all()
        ]
        assert [g["max_points"] for g in groups] == [30, 70], framework.code
        for group in groups:
            assert sum(i["max_points"] for i in group["items"]) == group["max_points"]


def test_each_framework_carries_its_form_from_the_rule_set():
    forms = dict(
        Framework.objects.filter(rule_set__code="QD366-2025").values_list("code", "form_code")
    )
    assert forms == {
        "collective": "01",
        "leader": "2A",
        "member": "2B",
        "outside_political_system": "2C",
    }
    older = dict(
        Framework.objects.filter(rule_set__code="QD124-2023").values_list("code", "form_code")
    )
    assert older["leader"] == "02A" and older["outside_political_system"] == "02B"


def test_only_leaders_are_assessed_quarterly_and_never_averaged():
    quarterly = Framework.objects.filter(rule_set__code="QD366-2025", quarterly=True)
    assert [(f.code, f.quarterly_averaging) for f in quarterly] == [("leader", False)]
    assert not Framework.objects.filter(rule_set__code="QD124-2023", quarterly=True).exists()


def test_a_year_opened_on_a_clone_gets_its_own_copy_of_the_frameworks(period):
    next_year = period_create(year=2026, by=None)
    assert next_year.rule_set.code == "QD366-2025-2026"
    copied = next_year.rule_set.frameworks.get(code="leader")
    copied.grounds = copied.grounds[:1]
    copied.save()
    original = Framework.objects.get(rule_set__code="QD366-2025", code="leader")
    assert len(original.grounds) == 7 and len(copied.grounds) == 1


# --- 2025: 2B, what members score today -----------------------------------------------------


@pytest.mark.parametrize(
    ("score", "conditions", "expected"),
    [
        (95, ALL_2025, "HTXSNV"),
        (90, ALL_2025, "HTXSNV"),
        (95, {"all_tasks_on_time": True}, "HTTNV"),
        (89.99, ALL_2025, "HTTNV"),
        (70, {"all_tasks_on_time": True}, "HTTNV"),
        (75, {"all_tasks_done_20_late": True}, "HTNV"),
        (50, {"all_tasks_done_20_late": True}, "HTNV"),
        (49.5, ALL_2025, "KHTNV"),
    ],
)
def test_2b_levels_follow_the_bands_and_conditions_as_today(score, conditions, expected):
    result = derive("QD366-2025", "member", score=score, conditions=conditions)
    assert code_of(result) == expected
    levels = list(Level.objects.filter(rule_set__code="QD366-2025").for_members().order_by("rank"))
    today = rules.self_assessed_level(score=Decimal(score), conditions=conditions, levels=levels)
    assert today.level == result.level and today.notes == result.notes


def test_2b_a_score_whose_conditions_fail_everywhere_is_not_completed_with_a_gap():
    result = derive("QD366-2025", "member", score=65, conditions={})
    assert code_of(result) == "KHTNV" and result.gap


def test_2b_the_failing_condition_is_named():
    result = derive("QD366-2025", "member", score=93, conditions={"all_tasks_on_time": True})
    assert code_of(result) == "HTTNV"
    assert "Ít nhất 30% nhiệm vụ vượt yêu cầu" in result.notes[0]


@pytest.mark.parametrize("ground", ["degradation", "prohibited_breach", "tasks_not_done_over_half"])
def test_2b_each_recorded_ground_makes_not_completed_with_its_note(ground):
    result = derive(
        "QD366-2025", "member", score=98, conditions=ALL_2025, flags={ground: "Kết luận số 12"}
    )
    assert code_of(result) == "KHTNV" and not result.gap
    assert "Kết luận số 12" in result.notes[0]


# --- 2025: 2A, the leader's conditions look at the units they lead -------------------------


def test_2a_a_leader_with_good_scores_and_no_ground_is_excellent():
    result = derive(
        "QD366-2025",
        "leader",
        score=92,
        conditions=ALL_2025,
        measures={"led_units_not_completed_percent": 50},
    )
    assert code_of(result) == "HTXSNV"


def test_2a_over_half_of_the_units_led_not_completed_is_a_measured_ground():
    result = derive(
        "QD366-2025",
        "leader",
        score=92,
        conditions=ALL_2025,
        measures={"led_units_not_completed_percent": Decimal("50.01")},
    )
    assert code_of(result) == "KHTNV"
    assert "Trên 1/2 số cơ quan, đơn vị trực thuộc" in result.notes[0]


@pytest.mark.parametrize(
    "ground", ["led_units_tasks_below_70", "low_trust_over_half", "corruption_in_scope"]
)
def test_2a_the_leaders_recorded_grounds_make_not_completed(ground):
    result = derive("QD366-2025", "leader", score=95, conditions=ALL_2025, flags={ground: "Có"})
    assert code_of(result) == "KHTNV"


def test_2a_a_members_ground_is_not_a_leaders_only_and_vice_versa():
    member = Framework.objects.get(rule_set__code="QD366-2025", code="member")
    assert "low_trust_over_half" not in {g["code"] for g in member.grounds}
    result = derive(
        "QD366-2025", "member", score=95, conditions=ALL_2025, flags={"low_trust_over_half": "x"}
    )
    assert code_of(result) == "HTXSNV"  # a ground the framework does not list is not read


# --- 2025: 2C --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "conditions", "flags", "expected"),
    [
        (91, ALL_2025, {}, "HTXSNV"),
        (80, {"all_tasks_on_time": True}, {}, "HTTNV"),
        (55, {"all_tasks_done_20_late": True}, {}, "HTNV"),
        (91, ALL_2025, {"tasks_not_done_over_half": "Chi bộ kết luận"}, "KHTNV"),
    ],
)
def test_2c_levels(score, conditions, flags, expected):
    result = derive(
        "QD366-2025", "outside_political_system", score=score, conditions=conditions, flags=flags
    )
    assert code_of(result) == expected


# --- 2025: the collective ---------------------------------------------------------------------


def test_the_collective_is_excellent_only_when_nothing_below_was_disciplined():
    clean = derive(
        "QD366-2025",
        "collective",
        score=95,
        conditions=ALL_2025,
        measures={"disciplined_below": 0},
        org=True,
    )
    assert code_of(clean) == "HTXSNV"
    disciplined = derive(
        "QD366-2025",
        "collective",
        score=95,
        conditions=ALL_2025,
        measures={"disciplined_below": 1},
        org=True,
    )
    assert code_of(disciplined) == "HTTNV"
    assert "Không có tổ chức trực thuộc" in disciplined.notes[0]


def test_the_collective_discipline_below_not_measured_does_not_reach_excellent():
    result = derive("QD366-2025", "collective", score=95, conditions=ALL_2025, org=True)
    assert code_of(result) == "HTTNV"


def test_the_collective_a_member_disciplined_is_a_measured_ground():
    result = derive(
        "QD366-2025",
        "collective",
        score=95,
        conditions=ALL_2025,
        measures={"disciplined_below": 0, "members_disciplined": 1},
        org=True,
    )
    assert code_of(result) == "KHTNV"


@pytest.mark.parametrize("ground", ["disunity", "cadre_work_violation", "tasks_below_70"])
def test_the_collectives_recorded_grounds(ground):
    result = derive(
        "QD366-2025", "collective", score=95, conditions=ALL_2025, flags={ground: "Có"}, org=True
    )
    assert code_of(result) == "KHTNV"


# --- 2023–2024 (Quy định 124): conditions without scores --------------------------------------

DONE = {"all_tasks_done": True, "half_exceeded": True, "most_tasks_done": True}


@pytest.mark.parametrize("kind", ["member", "outside_political_system"])
@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        (DONE, "HTXSNV"),
        ({"all_tasks_done": True, "most_tasks_done": True}, "HTTNV"),
        ({"most_tasks_done": True}, "HTNV"),
    ],
)
def test_2023_members_levels_follow_the_conditions(kind, conditions, expected):
    assert code_of(derive("QD124-2023", kind, conditions=conditions)) == expected


def test_2023_no_condition_met_is_not_completed_with_a_gap_and_a_ground_without():
    nothing = derive("QD124-2023", "member", conditions={})
    assert code_of(nothing) == "KHTNV" and nothing.gap
    flagged = derive("QD124-2023", "member", conditions=DONE, flags={"degradation": "Kết luận"})
    assert code_of(flagged) == "KHTNV" and not flagged.gap


def test_2023_a_leader_is_excellent_only_when_every_unit_led_is_good():
    good = {"led_units_below_good_percent": 0, "led_units_not_completed_percent": 0}
    assert code_of(derive("QD124-2023", "leader", conditions=DONE, measures=good)) == "HTXSNV"
    some_completed = {"led_units_below_good_percent": 25, "led_units_not_completed_percent": 0}
    assert (
        code_of(derive("QD124-2023", "leader", conditions=DONE, measures=some_completed)) == "HTTNV"
    )
    one_failed = {"led_units_below_good_percent": 25, "led_units_not_completed_percent": 25}
    assert code_of(derive("QD124-2023", "leader", conditions=DONE, measures=one_failed)) == "HTNV"


@pytest.mark.parametrize("ground", ["led_units_tasks_below_50", "corruption_in_scope"])
def test_2023_the_leaders_grounds(ground):
    good = {"led_units_below_good_percent": 0, "led_units_not_completed_percent": 0}
    result = derive("QD124-2023", "leader", conditions=DONE, measures=good, flags={ground: "Có"})
    assert code_of(result) == "KHTNV"


def test_2023_the_collective():
    assert (
        code_of(
            derive(
                "QD124-2023",
                "collective",
                conditions=DONE,
                measures={"subordinates_not_completed": 0},
                org=True,
            )
        )
        == "HTXSNV"
    )
    assert (
        code_of(
            derive(
                "QD124-2023",
                "collective",
                conditions=DONE,
                measures={"subordinates_not_completed": 2},
                org=True,
            )
        )
        == "HTTNV"
    )
    assert (
        code_of(
            derive("QD124-2023", "collective", conditions=DONE, flags={"disunity": "x"}, org=True)
        )
        == "KHTNV"
    )


def test_an_era_without_frameworks_has_none():
    with pytest.raises(ValidationError):
        frameworks.framework_get(RuleSet.objects.get(code="QD132-2019"), "leader")


# --- The facts a leader's conditions read: the units they lead -------------------------------


def test_leader_measures_count_the_decided_units_below_the_organization_led(period, tree, level):
    leader = MemberFactory(cell=tree.c1)
    Post.objects.create(
        member=leader,
        kind=PostKind.PARTY,
        title="Bí thư",
        leadership=True,
        organization=tree.g1,
        start=datetime.date(2020, 1, 1),
    )
    assert frameworks.leader_measures(leader, period) == {}  # nothing decided below yet
    CellYear.objects.create(period=period, cell=tree.c1, decided_level=level["KHTNV"])
    CellYear.objects.create(period=period, cell=tree.c2, decided_level=level["HTNV"])
    OrganizationFactory(code="C9", parent=tree.g1, kind=Kind.SUBORDINATE_CELL)  # not decided
    measures = frameworks.leader_measures(leader, period)
    assert measures == {
        "led_units_not_completed_percent": Decimal(50),
        "led_units_below_good_percent": Decimal(100),
    }


# --- R5 flags recorded by the decider ---------------------------------------------------------


@pytest.fixture
def member_row(period, tree, secretary):
    cell_year = submitted_cell(period, tree.c1, secretary, 1, {"HTTNV": 1})
    return cell_year, cell_year.assessments.get()


def test_a_flag_needs_a_ground_of_the_framework_and_a_note(member_row, committee):
    _, assessment = member_row
    framework = frameworks.framework_get(assessment.cell_year.period.rule_set, "member")
    with pytest.raises(ValidationError) as unknown:
        frameworks.ground_flag_record(
            subject=assessment, framework=framework, code="disunity", note="x", by=committee
        )
    assert "code" in unknown.value.message_dict
    with pytest.raises(ValidationError) as empty:
        frameworks.ground_flag_record(
            subject=assessment, framework=framework, code="degradation", note="  ", by=committee
        )
    assert "note" in empty.value.message_dict
    assert not GroundFlag.objects.exists()


def test_a_flagged_member_is_not_decided_above_not_completed_without_a_written_override(
    member_row, committee, level
):
    cell_year, assessment = member_row
    framework = frameworks.framework_get(cell_year.period.rule_set, "member")
    flag = frameworks.ground_flag_record(
        subject=assessment,
        framework=framework,
        code="degradation",
        note="Kết luận 05-KL/UBKT",
        by=committee,
    )
    refused = decisions.member_levels_decide(
        cell_year=cell_year,
        choices={assessment.pk: Choice(level["HTTNV"], version=assessment.version)},
        by=committee,
    )
    assert assessment.pk in refused.errors
    assert "Kết luận 05-KL/UBKT" in refused.errors[assessment.pk][0]
    not_completed = decisions.member_levels_decide(
        cell_year=cell_year,
        choices={assessment.pk: Choice(level["KHTNV"], note="R5", version=assessment.version)},
        by=committee,
    )
    assert not_completed.ok
    assessment.refresh_from_db()
    overridden = decisions.member_levels_decide(
        cell_year=cell_year,
        choices={
            assessment.pk: Choice(
                level["HTTNV"],
                override_note="Đã xem xét lại: kết luận bị hủy",
                version=assessment.version,
            )
        },
        by=committee,
    )
    assert overridden.ok
    assert flag.history.first().history_user == committee


def test_clearing_a_flag_needs_a_reason_and_keeps_it_in_the_history(member_row, committee):
    _, assessment = member_row
    framework = frameworks.framework_get(assessment.cell_year.period.rule_set, "member")
    flag = frameworks.ground_flag_record(
        subject=assessment,
        framework=framework,
        code="prohibited_breach",
        note="Vi phạm",
        by=committee,
    )
    with pytest.raises(ValidationError):
        frameworks.ground_flag_clear(flag=flag, reason="", by=committee)
    frameworks.ground_flag_clear(flag=flag, reason="Ghi nhầm", by=committee)
    assert not GroundFlag.objects.exists()
    deleted = GroundFlag.history.filter(history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (committee, "Ghi nhầm")


def test_a_leaders_self_review_reads_the_units_they_lead(period, tree, secretary, level):
    leader = MemberFactory(cell=tree.c1)
    Post.objects.create(
        member=leader,
        kind=PostKind.PARTY,
        title="Bí thư",
        leadership=True,
        organization=tree.g1,
        start=datetime.date(2020, 1, 1),
    )
    CellYear.objects.create(period=period, cell=tree.c2, decided_level=level["KHTNV"])
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    assessment = cell_year.assessments.get(member=leader)
    assert assessment.form_code == "2A"
    saved = work.self_review_save(
        assessment=assessment,
        texts={"strengths": "Tốt"},
        scores={  # the 2A framework's criteria: a leader's, not a member's
            "politics_ethics": 15,
            "leadership_capacity": 10,
            "self_criticism": 5,
            "led_units_results": 40,
            "own_tasks": 30,
        },
        conditions=ALL_2025,
        by=secretary,
        version=None,
    )
    assert saved.self_score == 100
    assert saved.self_level.code == "KHTNV"
    assert "Trên 1/2 số cơ quan" in saved.self_level_notes[0]


def test_form_codes_follow_posts_when_the_roster_is_drawn(period, tree):
    retired = MemberFactory(cell=tree.c1)
    Post.objects.create(
        member=retired,
        kind=PostKind.WORK_UNIT,
        title="Nghỉ hưu",
        outside_political_system=True,
        start=datetime.date(2015, 1, 1),
    )
    plain = MemberFactory(cell=tree.c1)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    forms = dict(cell_year.assessments.values_list("member_id", "form_code"))
    assert forms == {retired.pk: "2C", plain.pk: "2B"}
