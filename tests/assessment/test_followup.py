"""Registrations for the next year and remedial plans (issue 15 items 4 and 5): services, pages,
refusals, and the 2025 condition of the excellent level (shortcomings remedied, R3)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment import decisions, followup
from assessment.decisions import Choice
from assessment.models import (
    CanonicalLevel,
    CellState,
    CellYear,
    GrassrootsYear,
    MemberAssessment,
    Registration,
    RemedialPlan,
)
from assessment.services import period_create

from ..counts import counts_rebuild
from ..messages import says
from .test_decisions import submitted_cell

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]
STEPS = [("Tham gia đầy đủ sinh hoạt chi bộ", datetime.date(2026, 3, 31)), ("", None)]


@pytest.fixture
def last_year(period, tree):
    """2024: a member of C1 and cell C2 rated not completed, G1 rated good."""
    past = period_create(year=2024, by=None)
    levels = {lv.code: lv for lv in past.rule_set.levels.all()}
    c1 = CellYear.objects.create(period=past, cell=tree.c1, state=CellState.DECIDED)
    CellYear.objects.create(
        period=past, cell=tree.c2, state=CellState.DECIDED, decided_level=levels["KHTNV"]
    )
    GrassrootsYear.objects.create(
        period=past, organization=tree.g1, state=CellState.DECIDED, decided_level=levels["HTTNV"]
    )
    counts_rebuild()  # results written as test data
    return past, c1, levels


def weak_member(last_year, member, *, shortcomings="Chưa gương mẫu"):
    past, c1, levels = last_year
    row = MemberAssessment.objects.create(
        cell_year=c1, member=member, decided_level=levels["KHTNV"], shortcomings=shortcomings
    )
    counts_rebuild()
    return row


def test_a_plan_is_made_for_a_member_rated_not_completed_and_its_progress_counted(
    login, tree, committee, last_year, alice_member
):
    past, _c1, _levels = last_year
    weak_member(last_year, alice_member)
    missing = followup.plans_missing(tree.g1, past)
    assert [name for _k, _s, name in missing] == [alice_member.full_name, tree.c2.name]
    client = login(committee)
    client.post(
        reverse("assessment:remedial_plan_create", args=[2024, tree.g1.pk]),
        {
            "subject": f"m{alice_member.pk}",
            "owner": "Bí thư chi bộ",
            "shortcomings": "Chưa gương mẫu",
            "step_1": "Tham gia đầy đủ sinh hoạt",
            "due_1": "31/03/2025",
            "step_2": "Báo cáo kết quả",
            "due_2": "2030-06-30",
        },
    )
    plan = RemedialPlan.objects.get()
    assert (plan.member, plan.unit, plan.steps.count()) == (alice_member, tree.c1, 2)
    assert plan.history.first().history_user == committee
    page = client.get(reverse("assessment:follow_up", args=[2024, tree.g1.pk]))
    [row] = [p for p, _may in page.context["plans"]]
    assert (row.n_steps, row.n_done, row.n_late) == (2, 0, 1)  # 31/03/2025 is past
    first = plan.steps.order_by("due").first()
    client.post(
        reverse("assessment:remedial_step_done", args=[first.pk]),
        {"done_on": "2025-03-20", "version": first.version},
    )
    page = client.get(reverse("assessment:follow_up", args=[2024, tree.g1.pk]))
    [row] = [p for p, _may in page.context["plans"]]
    assert (row.n_done, row.n_late) == (1, 0)
    assert [name for _k, _s, name in page.context["missing"]] == [tree.c2.name]


def test_a_plan_is_refused_for_a_subject_not_rated_not_completed(tree, last_year, committee):
    past, _c1, _levels = last_year
    with pytest.raises(ValidationError) as error:
        followup.remedial_plan_create(
            period=past,
            organization=tree.g1,
            shortcomings="x",
            owner="y",
            steps=STEPS,
            by=committee,
        )
    assert error.value.code == "not_weak"


def test_a_plan_names_the_step_row_without_a_due_date_and_writes_nothing(
    tree, last_year, committee
):
    past, _c1, _levels = last_year
    with pytest.raises(ValidationError) as error:
        followup.remedial_plan_create(
            period=past,
            organization=tree.c2,
            shortcomings="Sinh hoạt không đều",
            owner="Chi ủy",
            steps=[("Sinh hoạt đúng kỳ", datetime.date(2025, 3, 1)), ("Kiểm tra", None)],
            by=committee,
        )
    assert says(followup.MSG_STEP_ROW, " ".join(error.value.message_dict["steps"]))
    assert "2" in error.value.message_dict["steps"][0]
    assert not RemedialPlan.objects.exists()


def test_an_unremedied_plan_blocks_the_excellent_level_in_2025(
    period, tree, secretary, committee, last_year, level
):
    """Quy định 366 art. 10: all shortcomings named at the last review remedied."""
    past, _c1, _levels = last_year
    cell_year = submitted_cell(period, tree.c1, secretary, 1, {"HTXSNV": 1})
    assessment = cell_year.assessments.get()
    weak_member(last_year, assessment.member)
    plan = followup.remedial_plan_create(
        period=past,
        member=assessment.member,
        shortcomings="Chưa gương mẫu",
        owner="Bí thư chi bộ",
        steps=STEPS,
        by=committee,
    )
    outcome = decisions.member_levels_decide(
        cell_year=cell_year, choices={assessment.pk: Choice(level["HTXSNV"])}, by=committee
    )
    assert says(followup.MSG_NOT_REMEDIED, " ".join(outcome.by_row()[assessment.pk]))
    followup.remedial_plan_remedied(
        plan=plan,
        remedied_on=datetime.date(2025, 6, 1),
        note="Đã tham gia đầy đủ",
        by=committee,
        version=plan.version,
    )
    outcome = decisions.member_levels_decide(
        cell_year=cell_year, choices={assessment.pk: Choice(level["HTXSNV"])}, by=committee
    )
    assert outcome.ok
    # A good level never needed it.
    assert not followup.requires_remedy(level["HTTNV"])


def test_registrations_are_saved_seen_by_the_province_and_shown_beside_the_review(
    login, period, tree, secretary, provincial, alice_member, last_year
):
    weak_member(last_year, alice_member, shortcomings="Chưa tích cực phát biểu")
    client = login(secretary)
    url = reverse("assessment:registration_save", args=[2025, tree.c1.pk])
    client.post(
        url,
        {
            "subject": f"m{alice_member.pk}",
            "target": CanonicalLevel.EXCELLENT,
            "commitments": "Hoàn thành 100% nhiệm vụ",
            "version": "0",
        },
    )
    client.post(url, {"subject": "u", "target": "good", "commitments": "Sinh hoạt đều"})
    assert Registration.objects.count() == 2
    # A stale form (version 0 again) is a conflict, not an overwrite.
    answer = client.post(
        url,
        {"subject": f"m{alice_member.pk}", "target": "good", "commitments": "x", "version": "0"},
        follow=True,
    )
    assert says(followup.MSG_CONFLICT, answer.content.decode())
    assert Registration.objects.get(member=alice_member).target == CanonicalLevel.EXCELLENT
    page = login(provincial).get(reverse("assessment:registrations", args=[2025, tree.province.pk]))
    head = page.context["rows"][0]
    assert (head["members_registered"], head["units_registered"]) == (1, 1)
    beside = followup.review_context(member=alice_member, year=2025)
    assert beside["registration"].commitments == "Hoàn thành 100% nhiệm vụ"
    assert beside["last_shortcomings"] == "Chưa tích cực phát biểu"


def test_a_member_registers_for_the_next_year_from_the_self_review(
    login, period, tree, alice_member
):
    from assessment import cell_year as work

    assessment = work.cell_year_open(period=period, cell=tree.c1).assessments.get(
        member=alice_member
    )
    client = login(alice_member.user)
    client.post(
        reverse("assessment:member_registration", args=[assessment.pk]),
        {"target": "excellent", "commitments": "Phấn đấu hoàn thành xuất sắc", "version": "0"},
    )
    assert Registration.objects.get(member=alice_member).year == 2026
    answer = client.post(
        reverse("assessment:member_registration", args=[assessment.pk]),
        {"target": "best", "commitments": "", "version": "1"},
        follow=True,
    )
    assert says(followup.MSG_TARGET, answer.content.decode())


def test_it_denies_other_district(login, period, tree, outsider_board, last_year):
    client = login(outsider_board)
    for name in ("registrations", "follow_up"):
        assert client.get(reverse(f"assessment:{name}", args=[2025, tree.g1.pk])).status_code == 404


def test_the_review_opens_with_the_registration_and_last_years_plan_beside_it(
    login, period, tree, secretary, committee, alice_member, last_year
):
    from assessment import cell_year as work

    past, _c1, _levels = last_year
    weak_member(last_year, alice_member, shortcomings="Chưa tích cực phát biểu")
    followup.remedial_plan_create(
        period=past,
        member=alice_member,
        shortcomings="Chưa tích cực phát biểu",
        owner="Bí thư chi bộ",
        steps=STEPS,
        by=committee,
    )
    followup.registration_save(
        year=2025,
        member=alice_member,
        target=CanonicalLevel.GOOD,
        commitments="Phát biểu xây dựng ở mỗi kỳ sinh hoạt",
        by=alice_member.user,
    )
    assessment = work.cell_year_open(period=period, cell=tree.c1).assessments.get(
        member=alice_member
    )
    page = login(secretary).get(reverse("assessment:self_review", args=[assessment.pk]))
    text = page.content.decode()
    assert 'data-testid="review-beside"' in text
    assert "Phát biểu xây dựng ở mỗi kỳ sinh hoạt" in text  # the registration for 2025
    assert "Chưa tích cực phát biểu" in text  # last year's shortcomings and plan
    assert 'data-testid="register-form"' in text  # and the registration for 2026
