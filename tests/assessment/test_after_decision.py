"""Issue 15 items 2 and 6: cells and organizations re-rated by form 03 (R9) keeping the old
result, with a commendation based on it flagged; complaints within the rule set's window, the
body handling them, their answer and the re-rating an upheld one leads to, in the history."""

import datetime
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment import commendations, complaints, corrections, grassroots, machine
from assessment.decisions import Choice
from assessment.models import (
    CellYear,
    CommendationKind,
    ComplaintOutcome,
    ComplaintState,
    DecisionKind,
    PeriodState,
    ReratingGrounds,
)
from organizations.models import Notification

from ..counts import assert_counts_agree
from .test_decisions import accept_proposals, issue, submitted_cell
from .test_grassroots import g1_done

pytestmark = pytest.mark.django_db

DOC = {
    "signed_on": datetime.date(2026, 2, 20),
    "signer_name": "Trần Văn Bí",
    "signer_title": "Bí thư",
}


def pdf_text(response) -> str:
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


@pytest.fixture
def cells_done(period, tree, secretary, committee, level):
    """G1's members and both cells decided good by G1's issued decisions."""
    g1_done(period, tree, secretary, committee, level)
    return CellYear.objects.get(period=period, cell=tree.c1)


@pytest.fixture
def g1_decided(period, tree, secretary, committee, district_board, level):
    year = g1_done(period, tree, secretary, committee, level)
    grassroots.grassroots_submit(
        grassroots_year=year, report="", proposed_level=level["HTTNV"], by=committee
    )
    grassroots.grassroots_levels_decide(
        superior=tree.district_a,
        period=period,
        by=district_board,
        choices={year.pk: Choice(level["HTTNV"])},
    ).raise_refusals()
    grassroots.grassroots_decision_issue(
        superior=tree.district_a, period=period, by=district_board, **DOC
    )
    year.refresh_from_db()
    return year


def test_r9_a_subordinate_cell_is_re_rated_keeping_the_old_result(
    period, tree, committee, cells_done, level
):
    cell_year = cells_done
    first = cell_year.decision
    decision = corrections.unit_rerate(
        row=cell_year,
        grounds=ReratingGrounds.WRONG,
        level=level["HTNV"],
        reason="Thẩm định lại: chưa đạt tiêu chí sinh hoạt",
        by=committee,
        **DOC,
    )
    cell_year.refresh_from_db()
    assert (decision.kind, decision.issuer, cell_year.decided_level, cell_year.decision) == (
        DecisionKind.RERATING,
        tree.g1,
        level["HTNV"],
        decision,
    )
    [line] = decision.reratings.all()
    assert (line.cell_year, line.previous_level, line.previous_decision, line.level) == (
        cell_year,
        level["HTTNV"],
        first,
        level["HTNV"],
    )
    assert not line.commendation_flagged  # no commendation rests on it
    latest = cell_year.history.first()
    assert latest.history_user == committee and "chưa đạt" in latest.history_change_reason
    assert cell_year.history.all()[1].decided_level_id == level["HTTNV"].pk
    assert CellYear.objects.get(period=period, cell=tree.c2).decision == first
    assert_counts_agree()


def test_r9_a_commendation_resting_on_a_result_re_rated_lower_is_flagged(
    period, tree, committee, cells_done, level
):
    """Re-rated up to excellent (a complaint upheld, say), the cell is proposed as an exemplary
    organization (R20); found wrong again and re-rated lower, the proposal is flagged."""
    up = corrections.unit_rerate(
        row=cells_done,
        grounds=ReratingGrounds.WRONG,
        level=level["HTXSNV"],
        reason="Bỏ sót thành tích",
        by=committee,
        **DOC,
    )
    assert not up.reratings.get().commendation_flagged
    cells_done.refresh_from_db()
    commendations.commendation_propose(
        kind=CommendationKind.EXEMPLARY_UNIT, subject=cells_done, proposer=tree.g1, by=committee
    )
    down = corrections.unit_rerate(
        row=cells_done,
        grounds=ReratingGrounds.DISHONEST,
        level=level["HTTNV"],
        reason="Báo cáo thành tích không trung thực",
        by=committee,
        **DOC,
    )
    assert down.reratings.get().commendation_flagged
    # The list the province receives flags the proposal too (issue 15 item 3's export).
    [row] = [r for r in commendations.commendation_rows(tree.g1, period) if r[1] == "Chi bộ thôn 1"]
    assert row[-1].startswith("Kết quả xếp loại đã được xếp loại lại")
    assert [r.level.code for r in cells_done.reratings.order_by("pk")] == ["HTXSNV", "HTTNV"]


def test_r9_an_organization_is_re_rated_by_its_superior_in_a_closed_year(
    period, tree, committee, district_board, provincial, g1_decided, level
):
    machine.take(period, "close", by=provincial)
    decision = corrections.unit_rerate(
        row=g1_decided,
        grounds=ReratingGrounds.DISHONEST,
        level=level["HTNV"],
        reason="Báo cáo không trung thực về kết quả thu ngân sách",
        by=district_board,
        **DOC,
    )
    g1_decided.refresh_from_db()
    assert decision.issuer == tree.district_a and g1_decided.decided_level == level["HTNV"]
    assert g1_decided.state == "decided" and period.state == PeriodState.CLOSED
    assert Notification.objects.filter(user=committee, text__contains="Đảng bộ xã G1")
    assert_counts_agree()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"level": "HTTNV"}, "level"),  # the level already decided
        ({"grounds": ReratingGrounds.LATER_DISCIPLINE}, "grounds"),  # not under the 2025 rules
    ],
)
def test_r9_a_unit_re_rating_needs_a_reason_another_level_and_admitted_grounds(
    committee, cells_done, level, change, field
):
    args = {"grounds": ReratingGrounds.WRONG, "level": "HTNV", "reason": "Sai sót"} | change
    with pytest.raises(ValidationError) as error:
        corrections.unit_rerate(
            row=cells_done, by=committee, **(args | {"level": level[args["level"]]}), **DOC
        )
    assert field in error.value.message_dict


def test_r9_only_a_locked_unit_result_is_re_rated(period, tree, committee, level):
    year = grassroots.grassroots_year_open(period=period, organization=tree.g1)
    with pytest.raises(ValidationError) as error:
        corrections.unit_rerate(
            row=year,
            grounds=ReratingGrounds.WRONG,
            level=level["HTNV"],
            reason="x",
            by=committee,
            **DOC,
        )
    assert error.value.code == "not_final"


# --- Complaints -----------------------------------------------------------------------------------


@pytest.fixture
def alice_decided(period, tree, secretary, committee, alice_member):
    """Alice's result in C1: good, by G1's decision of 28/12/2025."""
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    accept_proposals(cell_year, committee)
    issue(cell_year, committee)
    return cell_year.assessments.get(member=alice_member)


def test_a_complaint_is_filed_within_the_window_and_refused_after_it(
    tree, committee, secretary, alice_member, alice_decided
):
    decision = alice_decided.decision
    assert decision.period.rule_set.complaint_window_days == 30
    alice = alice_member.user
    late = decision.signed_on + datetime.timedelta(days=31)
    on = decision.signed_on + datetime.timedelta(days=2)
    with pytest.raises(machine.Refused) as error:
        complaints.complaint_file(
            subject=alice_decided, text="Tôi không đồng ý", by=alice, filed_on=late
        )
    assert error.value.code == "window"
    with pytest.raises(machine.Refused) as error:
        complaints.complaint_file(subject=alice_decided, text="  ", by=alice, filed_on=on)
    assert error.value.code == "text"
    with pytest.raises(machine.Refused) as error:  # only the member contests their result
        complaints.complaint_file(subject=alice_decided, text="Thay mặt", by=secretary, filed_on=on)
    assert error.value.code == "who"
    complaint = complaints.complaint_file(
        subject=alice_decided,
        text="Tôi đã hoàn thành xuất sắc các nhiệm vụ được giao",
        by=alice,
        filed_on=decision.signed_on + datetime.timedelta(days=30),
    )
    assert (complaint.state, complaint.handler, complaint.decision) == (
        ComplaintState.RECEIVED,
        tree.g1,
        decision,
    )
    assert Notification.objects.filter(user=committee, text__contains="Lê Thị Alice")


def test_an_upheld_complaint_re_rates_and_a_rejected_one_keeps_the_result(
    tree, committee, secretary, alice_member, alice_decided, level
):
    alice = alice_member.user
    on = alice_decided.decision.signed_on + datetime.timedelta(days=3)
    complaint = complaints.complaint_file(
        subject=alice_decided, text="Xin xem xét lại", by=alice, filed_on=on
    )
    with pytest.raises(machine.Refused) as error:  # upheld needs the re-rating it leads to
        complaints.complaint_answer(
            complaint=complaint,
            outcome=ComplaintOutcome.UPHELD,
            answer="Đúng",
            by=committee,
            version=None,
        )
    assert error.value.code == "outcome"
    with pytest.raises(machine.Refused) as error:  # only the body that issued the decision
        complaints.complaint_answer(
            complaint=complaint,
            outcome=ComplaintOutcome.REJECTED,
            answer="Không",
            by=secretary,
            version=None,
        )
    assert error.value.code == "who"
    complaint = complaints.complaint_answer(
        complaint=complaint,
        outcome=ComplaintOutcome.UPHELD,
        answer="Kiểm tra lại hồ sơ: đồng chí hoàn thành xuất sắc nhiệm vụ",
        by=committee,
        version=complaint.version,
        level=level["HTXSNV"],
        **DOC,
    )
    alice_decided.refresh_from_db()
    assert complaint.state == ComplaintState.ANSWERED and complaint.answered_by == committee
    assert complaint.rerating == alice_decided.decision
    assert complaint.rerating.kind == DecisionKind.RERATING
    assert alice_decided.decided_level == level["HTXSNV"]
    assert [h.state for h in complaint.history.order_by("history_id")] == ["received", "answered"]
    assert Notification.objects.filter(
        user=alice, url=reverse("assessment:complaint", args=[complaint.pk])
    )
    # a new complaint contests the decision now in force: the re-rating
    second = complaints.complaint_file(
        subject=alice_decided, text="Lần hai", by=alice, filed_on=datetime.date(2026, 2, 25)
    )
    assert second.decision == complaint.rerating
    second = complaints.complaint_answer(
        complaint=second,
        outcome=ComplaintOutcome.REJECTED,
        answer="Giữ nguyên",
        by=committee,
        version=None,
    )
    alice_decided.refresh_from_db()
    assert second.rerating is None and alice_decided.decided_level == level["HTXSNV"]
    assert_counts_agree()


def test_a_cell_contests_its_level_and_its_committee_handles_it(
    period, tree, secretary, committee, cells_done
):
    complaint = complaints.complaint_file(
        subject=cells_done,
        text="Chi bộ đề nghị xem xét lại",
        by=secretary,
        filed_on=datetime.date(2026, 1, 5),
    )
    assert (complaint.handler, complaint.cell_year) == (tree.g1, cells_done)
    with pytest.raises(ValidationError) as error:  # a grassroots year not decided
        complaints.complaint_file(
            subject=grassroots.grassroots_year_open(period=period, organization=tree.g1),
            text="x",
            by=committee,
        )
    assert error.value.code == "decision"


def test_the_dossier_lists_the_complaints_about_the_units_results_with_their_answer(
    login, period, tree, committee, district_board, alice_member, alice_decided
):
    """R26 (Quy định 366 art. 17): complaints and their answers are in the dossier of the unit
    whose result is contested and of its grassroots organization, not in a sibling cell's."""
    from assessment.dossier import MSG_COMPLAINT_LINE, dossier_build
    from assessment.models import DossierKind

    on = alice_decided.decision.signed_on + datetime.timedelta(days=3)
    complaint = complaints.complaint_file(
        subject=alice_decided, text="Xin xem xét lại", by=alice_member.user, filed_on=on
    )
    url = reverse("assessment:complaint", args=[complaint.pk])

    def listed(unit):
        item = dossier_build(unit=unit, period=period).item(DossierKind.COMPLAINTS)
        return [(d.title, d.url, d.source) for d in item.produced]

    line = str(MSG_COMPLAINT_LINE) % {
        "subject": "Lê Thị Alice",
        "date": on.strftime("%d/%m/%Y"),
        "state": str(ComplaintState.RECEIVED.label),
    }
    assert listed(tree.c1) == [(line, url, "records")]
    assert listed(tree.g1) == [(line, url, "records")]
    assert listed(tree.c2) == []
    assert listed(tree.district_a) == []  # G1 handles it; the district keeps its own dossier
    complaints.complaint_answer(
        complaint=complaint,
        outcome=ComplaintOutcome.REJECTED,
        answer="Giữ nguyên kết quả",
        by=committee,
        version=None,
    )
    ((title, _, _),) = listed(tree.c1)
    assert title.endswith(str(ComplaintOutcome.REJECTED.label))
    page = login(committee).get(reverse("reports:dossier", args=[2025, tree.c1.pk]))
    assert page.status_code == 200
    assert f'href="{url}"' in page.content.decode()
    assert "Khiếu nại về kết quả của Lê Thị Alice" in page.content.decode()
