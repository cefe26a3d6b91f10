"""R9: a past result is corrected by a re-rating decision (form 03) that keeps the old result
in history, under the year's rule set: wrong or dishonest from 2025; a later discipline under the
2023–2024 rules, by the superior committee, to not completed, flagging the commendation."""

import datetime
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment import corrections, decisions
from assessment.models import (
    Commendation,
    CommendationKind,
    CorrectionRule,
    DecisionKind,
    ReratingGrounds,
)
from organizations.models import Notification
from tests.factories import UserFactory

from .test_decisions import accept_proposals, issue, submitted_cell

# Every test here ends with the summary's kept counts checked against the rows (issue 18).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]

DOC = {
    "signed_on": datetime.date(2026, 3, 2),
    "signer_name": "Trần Văn Bí",
    "signer_title": "Bí thư",
}


@pytest.fixture
def locked(period, tree, secretary, committee, level):
    """Three members of C1 decided good and locked by G1's decision no. 1."""
    cell_year = submitted_cell(period, tree.c1, secretary, 3, {"HTTNV": 3})
    accept_proposals(cell_year, committee)
    issue(cell_year, committee)
    return list(cell_year.assessments.order_by("pk"))


def test_r9_2025_a_wrong_result_is_rerated_by_a_new_decision_keeping_the_old_one(
    period, tree, committee, locked, level
):
    assessment = locked[0]
    assessment.member.user = UserFactory()
    assessment.member.save()
    first = assessment.decision
    decision = corrections.member_rerate(
        assessment=assessment,
        grounds=ReratingGrounds.DISHONEST,
        level=level["HTNV"],
        reason="Bản kiểm điểm không trung thực",
        by=committee,
        **DOC,
    )
    assessment.refresh_from_db()
    assert (decision.kind, decision.number, decision.issuer) == (DecisionKind.RERATING, 2, tree.g1)
    assert (assessment.decided_level, assessment.decision) == (level["HTNV"], decision)
    [line] = decision.reratings.all()
    assert (line.previous_level, line.previous_decision, line.level) == (
        level["HTTNV"],
        first,
        level["HTNV"],
    )
    before, after = assessment.history.all()[1], assessment.history.all()[0]
    assert (before.decided_level_id, after.decided_level_id) == (
        level["HTTNV"].pk,
        level["HTNV"].pk,
    )
    assert after.history_user == committee and "không trung thực" in after.history_change_reason
    assert Notification.objects.filter(user=assessment.member.user, text__contains="2025")
    # the other members keep the first decision
    assert locked[1].decision == first


def test_r9_2025_a_later_discipline_does_not_rerate_a_past_year(committee, locked, level):
    with pytest.raises(ValidationError) as error:
        corrections.member_rerate(
            assessment=locked[0],
            grounds=ReratingGrounds.LATER_DISCIPLINE,
            level=level["KHTNV"],
            reason="Kỷ luật năm 2026",
            by=committee,
            **DOC,
        )
    assert "grounds" in error.value.message_dict


@pytest.mark.parametrize(
    ("code", "reason", "field"),
    [("HTTNV", "x", "level"), ("HTNV", "  ", "reason")],
)
def test_r9_a_rerating_needs_another_level_and_a_reason(
    committee, locked, level, code, reason, field
):
    with pytest.raises(ValidationError) as error:
        corrections.member_rerate(
            assessment=locked[0],
            grounds=ReratingGrounds.WRONG,
            level=level[code],
            reason=reason,
            by=committee,
            **DOC,
        )
    assert field in error.value.message_dict


def test_r9_only_a_locked_result_is_rerated(period, tree, secretary, committee, level):
    cell_year = submitted_cell(period, tree.c1, secretary, 1, {"HTTNV": 1})
    accept_proposals(cell_year, committee)
    with pytest.raises(ValidationError) as error:
        corrections.member_rerate(
            assessment=cell_year.assessments.get(),
            grounds=ReratingGrounds.WRONG,
            level=level["HTNV"],
            reason="x",
            by=committee,
            **DOC,
        )
    assert error.value.code == "not_final"


def test_r9_2023_2024_a_later_discipline_rerates_to_not_completed_by_the_superior(
    period, tree, committee, locked, level
):
    period.rule_set.correction_rule = CorrectionRule.DISCIPLINE_RERATES
    period.rule_set.save()
    assessment = locked[0]
    # A proposal made on the old result (issue 15's workflow row, as it stood then)
    Commendation.objects.create(
        period=period,
        kind=CommendationKind.EXCELLENT_MEMBER,
        assessment=assessment,
        unit=tree.c1,
        proposer=tree.c1,
        decider=tree.g1,
    )
    with pytest.raises(ValidationError) as error:
        corrections.member_rerate(
            assessment=assessment,
            grounds=ReratingGrounds.LATER_DISCIPLINE,
            level=level["HTNV"],
            reason="Kỷ luật khiển trách",
            by=committee,
            **DOC,
        )
    assert "level" in error.value.message_dict
    decision = corrections.member_rerate(
        assessment=assessment,
        grounds=ReratingGrounds.LATER_DISCIPLINE,
        level=level["KHTNV"],
        reason="Kỷ luật khiển trách",
        by=committee,
        **DOC,
    )
    assert decision.issuer == tree.district_a
    assert decision.reratings.get().commendation_flagged


def test_r9_a_rerating_decision_is_not_reopened(committee, locked, level):
    decision = corrections.member_rerate(
        assessment=locked[0],
        grounds=ReratingGrounds.WRONG,
        level=level["HTNV"],
        reason="Sai sót",
        by=committee,
        **DOC,
    )
    with pytest.raises(ValidationError) as error:
        decisions.decision_reopen(decision=decision, reason="x", by=committee)
    assert error.value.code == "rerating"


def test_r9_through_the_page_with_roles_and_the_form_03_pdf(
    login, committee, secretary, district_board, outsider, locked, level
):
    url = reverse("assessment:rerate", args=[locked[0].pk])
    assert login(secretary).get(url).status_code == 403
    assert login(district_board).get(url).status_code == 403
    assert login(outsider).get(url).status_code == 404
    client = login(committee)
    page = client.get(reverse("assessment:self_review", args=[locked[0].pk]))
    assert 'data-testid="rerate-link"' in page.content.decode()
    form = client.get(url)
    assert [v for v, _ in form.context["form"].fields["grounds"].choices] == ["wrong", "dishonest"]
    bad = client.post(
        url,
        {
            "grounds": "wrong",
            "level": level["HTTNV"].pk,
            "reason": "x",
            "signed_on": "02/03/2026",
            "signer_name": "A",
            "signer_title": "B",
        },
    )
    assert bad.status_code == 200 and bad.context["form"].errors["level"]
    response = client.post(
        url,
        {
            "grounds": "wrong",
            "level": level["HTNV"].pk,
            "reason": "Phát hiện sai sót khi thẩm định",
            "signed_on": "02/03/2026",
            "signer_name": "Trần Văn Bí",
            "signer_title": "Bí thư Đảng ủy",
        },
    )
    assert response.status_code == 302
    locked[0].refresh_from_db()
    pdf = login(secretary).get(reverse("assessment:decision_pdf", args=[locked[0].decision.pk]))
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    text = " ".join(text.split())  # table cells wrap
    assert "xếp loại lại chất lượng đảng viên năm 2025" in text
    assert locked[0].member.full_name in text
    assert "Hoàn thành tốt nhiệm vụ" in text and "Hoàn thành nhiệm vụ" in text


def test_a_closed_year_changes_only_by_a_rerating(period, tree, committee, locked, level):
    from assessment.decisions import Choice
    from assessment.models import PeriodState

    decision = locked[0].decision
    period.state = PeriodState.CLOSED
    period.save()
    with pytest.raises(ValidationError) as error:
        decisions.decision_reopen(decision=decision, reason="Sai sót", by=committee)
    assert error.value.code == "closed"
    with pytest.raises(ValidationError) as error:
        decisions.member_levels_decide(
            cell_year=locked[0].cell_year,
            choices={locked[0].pk: Choice(level["HTNV"], note="x")},
            by=committee,
        ).raise_refusals()
    assert error.value.code == "closed"
    rerating = corrections.member_rerate(
        assessment=locked[0],
        grounds=ReratingGrounds.WRONG,
        level=level["HTNV"],
        reason="Phát hiện sai sót sau khi khóa sổ",
        by=committee,
        **DOC,
    )
    assert rerating.period == period and rerating.number == 2
