"""Review prompts from above (issue 14 item 7, DOMAIN.md step 1, R28): a superior committee's
board gives prompts to persons and cells in its scope, the reviewee answers in writing, the
answer is part of the review, and Biểu 6F counts the prompts by the level that gave them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment import prompts
from assessment.cell_year import Conflict, cell_year_open
from assessment.forms import MSG_PROMPT_LEVEL
from assessment.models import CellState, CellYear, InputKind, PromptLevel, ReviewInput
from organizations.models import CollectiveKind, LeadershipCollective
from reports.review_counts import review_counts_build
from reports.summary import summary_build

from ..factories import MemberFactory

# Every test here ends with the summary's kept counts checked against the rows (issue 18).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]

GIVE_ON = datetime.date(2025, 11, 20)
GIVE = {"given_on": "20/11/2025", "text": "Làm rõ trách nhiệm trong việc quản lý đất đai."}


def figures(unit, period) -> dict:
    rows = review_counts_build(summary_build(unit=unit, period=period)).rows()
    return {row.key: row.values for row in rows}


def test_the_district_board_gives_a_prompt_to_a_member(
    client, login, period, tree, alice_member, district_board
):
    login(district_board)
    url = reverse("assessment:prompts", args=[2025, tree.district_a.pk])
    response = client.post(url, GIVE | {"card_number": alice_member.card_number})

    assert response.status_code == 302
    prompt = ReviewInput.objects.get(kind=InputKind.PROMPT)
    assert prompt.assessment.member == alice_member
    assert (prompt.issuer, prompt.issuing_level) == (tree.district_a, PromptLevel.SUPERIOR)
    assert prompt.history.get().history_user == district_board
    # the cell's year was opened by the step (its roster drawn), not marked as the cell's work
    assert prompt.cell_year.state == CellState.NOT_STARTED
    assert alice_member.full_name in client.get(url).content.decode()
    assert figures(tree.district_a, period)["4.3"] == (0, 1)


def test_the_provincial_board_gives_prompts_at_the_province_level(
    client, login, period, tree, alice_member, provincial
):
    login(provincial)
    url = reverse("assessment:prompts", args=[2025, tree.province.pk])
    client.post(url, GIVE | {"card_number": alice_member.card_number})
    client.post(url, GIVE | {"cell_code": tree.c3.code.lower()})  # a cell, as a collective
    g2_committee = LeadershipCollective.objects.create(
        organization=tree.g2, kind=CollectiveKind.PARTY_COMMITTEE, name="BCH Đảng bộ xã G2"
    )
    to_collective = GIVE | {"collective_unit": "g2", "collective_kind": "party_committee"}
    assert client.post(url, to_collective).status_code == 302

    prompt = ReviewInput.objects.get(collective_year__collective=g2_committee)
    assert (prompt.cell_year, prompt.issuing_level) == (None, PromptLevel.PROVINCE)
    # Biểu 6F's collectives column counts leadership collectives; the cell's prompt is counted
    # in the summary's cells section.
    assert figures(tree.province, period)["4"] == (1, 1)
    assert figures(tree.province, period)["4.2"] == (1, 1)
    assert figures(tree.province, period)["4.3"] == (0, 0)
    cells = summary_build(unit=tree.province, period=period).rows[0].sections["cells"]
    assert cells.prompted_by_level == {PromptLevel.PROVINCE: 1}


def test_it_refuses_a_member_outside_the_committees_scope(
    client, login, period, tree, c3_member, district_board
):
    login(district_board)
    response = client.post(
        reverse("assessment:prompts", args=[2025, tree.district_a.pk]),
        GIVE | {"card_number": c3_member.card_number},
    )

    assert response.status_code == 200
    expected = str(prompts_form_error()) % {"value": c3_member.card_number}
    assert expected in response.content.decode()
    assert not ReviewInput.objects.exists()


def prompts_form_error():
    from assessment.forms_prompts import MSG_NO_SUCH_MEMBER

    return MSG_NO_SUCH_MEMBER


def test_a_grassroots_committee_gives_no_prompts_from_above(period, tree, alice_member, committee):
    with pytest.raises(ValidationError) as refused:
        prompts.prompt_issue(
            issuer=tree.g1,
            period=period,
            member=alice_member,
            text="…",
            given_on=period.assessment_date,
            by=committee,
        )
    assert str(prompts.MSG_NOT_AN_ISSUER) in str(refused.value)


def test_the_member_answers_in_writing_and_the_answer_is_part_of_the_review(
    client, login, period, tree, alice_member, district_board
):
    prompt = prompts.prompt_issue(
        issuer=tree.district_a,
        period=period,
        member=alice_member,
        text="Làm rõ",
        given_on=period.assessment_date,
        by=district_board,
    )
    login(alice_member.user)
    review = client.get(reverse("assessment:self_review", args=[prompt.assessment.pk]))
    assert reverse("assessment:prompt_answer", args=[prompt.pk]) in review.content.decode()

    url = reverse("assessment:prompt_answer", args=[prompt.pk])
    response = client.post(url, {"answer": "Tôi đã khắc phục.", "version": prompt.version})

    assert response.status_code == 302
    prompt.refresh_from_db()
    assert prompt.answer == "Tôi đã khắc phục." and prompt.answered_at is not None
    assert prompt.history.latest().history_user == alice_member.user
    assert prompt.history.latest().prev_record.answer == ""
    document = client.get(
        reverse("assessment:self_review_document", args=[prompt.assessment.pk, "docx"])
    )
    from ..documents.conftest import docx_text

    assert "Tôi đã khắc phục." in docx_text(document.content)


def test_a_stale_answer_is_a_conflict(period, tree, alice_member, district_board, secretary):
    prompt = prompts.prompt_issue(
        issuer=tree.district_a,
        period=period,
        member=alice_member,
        text="Làm rõ",
        given_on=period.assessment_date,
        by=district_board,
    )
    prompts.prompt_answer(prompt=prompt, answer="Lần một", by=secretary, version=prompt.version)
    with pytest.raises(Conflict):
        prompts.prompt_answer(prompt=prompt, answer="Lần hai", by=secretary, version=1)
    prompt.refresh_from_db()
    assert prompt.answer == "Lần một"


def test_a_submitted_review_takes_no_new_prompt_nor_answer(
    period, tree, alice_member, district_board, secretary
):
    prompt = prompts.prompt_issue(
        issuer=tree.district_a,
        period=period,
        member=alice_member,
        text="Làm rõ",
        given_on=period.assessment_date,
        by=district_board,
    )
    CellYear.objects.filter(pk=prompt.cell_year_id).update(state=CellState.SUBMITTED)
    with pytest.raises(ValidationError) as refused:
        prompts.prompt_answer(prompt=prompt, answer="Muộn", by=secretary, version=None)
    assert alice_member.full_name in str(refused.value)
    with pytest.raises(ValidationError, match="Alice"):
        prompts.prompt_issue(
            issuer=tree.district_a,
            period=period,
            member=alice_member,
            text="Muộn",
            given_on=period.assessment_date,
            by=district_board,
        )
    assert ReviewInput.objects.count() == 1


def test_the_committee_reads_but_does_not_answer(
    client, login, period, tree, alice_member, district_board, committee
):
    prompt = prompts.prompt_issue(
        issuer=tree.district_a,
        period=period,
        member=alice_member,
        text="Làm rõ",
        given_on=period.assessment_date,
        by=district_board,
    )
    login(committee)
    url = reverse("assessment:prompt_answer", args=[prompt.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"answer": "x", "version": prompt.version}).status_code == 403


def test_a_prompt_the_cell_records_names_the_level_that_gave_it(
    client, login, period, tree, secretary
):
    MemberFactory(cell=tree.c1)
    cell_year_open(period=period, cell=tree.c1)
    login(secretary)
    url = reverse("assessment:inputs", args=[2025, tree.c1.pk])
    data = {"kind": "prompt", "source": "Ban Thường vụ Tỉnh ủy", "given_on": "20/11/2025"}
    data["text"] = "Làm rõ"
    response = client.post(url, data)
    assert str(MSG_PROMPT_LEVEL) in response.content.decode()

    client.post(url, data | {"issuing_level": PromptLevel.CENTRAL})
    assert ReviewInput.objects.get().issuing_level == PromptLevel.CENTRAL
    assert figures(tree.g1, period)["4.1"] == (0, 0)  # a cell is not a leadership collective
    cells = summary_build(unit=tree.g1, period=period).rows[0].sections["cells"]
    assert cells.prompted_by_level == {PromptLevel.CENTRAL: 1}


# --- Prompts to leadership collectives (issue 14 item 7) -------------------------------------


def to_collective(unit_code: str, kind: str = "party_committee") -> dict:
    return GIVE | {"collective_unit": unit_code, "collective_kind": kind}


@pytest.fixture
def g1_committee(tree):
    return LeadershipCollective.objects.create(
        organization=tree.g1, kind=CollectiveKind.PARTY_COMMITTEE, name="BCH Đảng bộ xã G1"
    )


def test_the_collective_answers_in_writing_on_its_page(
    client, login, period, tree, district_board, committee, g1_committee
):
    login(district_board)
    url = reverse("assessment:prompts", args=[2025, tree.district_a.pk])
    response = client.post(url, to_collective("G1"))
    assert response.status_code == 302
    prompt = ReviewInput.objects.get()
    assert prompt.collective_year.collective == g1_committee
    assert (prompt.issuer, prompt.issuing_level) == (tree.district_a, PromptLevel.SUPERIOR)
    assert prompt.history.get().history_user == district_board
    assert g1_committee.name in client.get(url).content.decode()
    # the district's board reads the prompt but does not answer for the collective
    answer_url = reverse("assessment:prompt_answer", args=[prompt.pk])
    assert client.get(answer_url).status_code == 200
    assert client.post(answer_url, {"answer": "x", "version": prompt.version}).status_code == 403

    login(committee)  # G1's committee enters its own collective's work
    response = client.post(
        answer_url, {"answer": "Đã kiểm điểm trách nhiệm tập thể.", "version": prompt.version}
    )
    assert response.status_code == 302
    prompt.refresh_from_db()
    assert prompt.answer == "Đã kiểm điểm trách nhiệm tập thể." and prompt.version == 2
    assert prompt.history.first().history_user == committee
    page = client.get(reverse("assessment:collective_year", args=[2025, g1_committee.pk]))
    shown = page.content.decode().split('data-testid="collective-prompts"', 1)[1]
    assert GIVE["text"] in shown and "Đã kiểm điểm trách nhiệm tập thể." in shown
    # a second answer on the version read before the first is a conflict
    with pytest.raises(Conflict):
        prompts.prompt_answer(prompt=prompt, answer="Cũ", by=committee, version=1)


def test_a_collective_outside_the_scope_or_submitted_takes_no_prompt(
    client, login, period, tree, district_board, committee, g1_committee
):
    g2_committee = LeadershipCollective.objects.create(
        organization=tree.g2, kind=CollectiveKind.PARTY_COMMITTEE, name="BCH Đảng bộ xã G2"
    )
    give = {"period": period, "text": "Làm rõ", "given_on": GIVE_ON, "by": district_board}
    with pytest.raises(ValidationError):
        prompts.prompt_issue(issuer=tree.district_a, collective=g2_committee, **give)
    login(district_board)
    url = reverse("assessment:prompts", args=[2025, tree.district_a.pk])
    response = client.post(url, to_collective("G2"))
    assert response.status_code == 200 and not ReviewInput.objects.exists()
    response = client.post(url, to_collective("G1", "standing_committee"))
    assert response.status_code == 200 and not ReviewInput.objects.exists()

    from assessment.models import CollectiveAssessment

    row = prompts.prompt_issue(issuer=tree.district_a, collective=g1_committee, **give)
    CollectiveAssessment.objects.filter(pk=row.collective_year_id).update(state=CellState.SUBMITTED)
    with pytest.raises(ValidationError):
        prompts.prompt_issue(issuer=tree.district_a, collective=g1_committee, **give)
    with pytest.raises(ValidationError):
        prompts.prompt_answer(prompt=row, answer="Muộn", by=committee, version=row.version)


def test_a_collective_prompted_by_two_levels_counts_once_under_each(
    period, tree, district_board, provincial, g1_committee
):
    give = {"period": period, "text": "Làm rõ", "given_on": GIVE_ON, "collective": g1_committee}
    prompts.prompt_issue(issuer=tree.district_a, by=district_board, **give)
    prompts.prompt_issue(issuer=tree.district_a, by=district_board, **give)  # same level again
    prompts.prompt_issue(issuer=tree.province, by=provincial, **give)
    form = figures(tree.province, period)
    assert (form["4"], form["4.1"], form["4.2"], form["4.3"]) == ((1, 0), (0, 0), (1, 0), (1, 0))
    assert figures(tree.district_b, period)["4"] == (0, 0)
