"""Biểu 6F's collectives column (R28, issue 14 item 8): the leadership collectives of the unit's
subtree, made and run through the services the pages use (created, opened, reviewed, met,
submitted, decided, marked new or not yet classified, given prompts by two levels), one test
per row of the form, and the same figures on the summary page, in the workbook and in the PDF.

District A's subtree (A, G1, C1, C2) has seven collectives active in 2025:
  C1's party committee       decided by G1                   row 2
  G1's party committee       submitted to district A          row 2
  C2's party committee       newly established                row 3.1
  G1's government leadership under disciplinary review        row 3.2
  G1's mass-org leadership   its review written, not met      row 3.3
  A's standing committee     no record yet                    row 3.3
  G1's standing committee    no record yet                    row 3.3
and two that do not count: C1's previous committee (dissolved in 2024) and G2's party committee
(district B)."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from assessment import collectives, prompts
from assessment.models import AssessmentStatus
from organizations.models import CollectiveKind, LeadershipCollective, SeatRole
from reports.review_counts import review_counts_build
from reports.summary import summary_build
from reports.summary_collectives import collectives_section

from ..assessment.test_collectives import decide, reviewed
from ..documents.conftest import pdf_pages, save_pngs
from ..factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]

ON = datetime.date(2025, 11, 20)


def _collective(unit, kind, name, by, seats=3):
    collective = collectives.collective_create(organization=unit, kind=kind, name=name, by=by)
    for i, member in enumerate(MemberFactory.create_batch(seats, cell=_a_cell(unit))):
        collectives.seat_add(
            collective=collective,
            member=member,
            role=SeatRole.HEAD if i == 0 else SeatRole.MEMBER,
            start=datetime.date(2020, 10, 1),
            end=None,
            by=by,
        )
    return collective


def _a_cell(unit):
    from organizations.models import CELL_KINDS, Organization

    return (
        Organization.objects.in_subtree(unit).filter(kind__in=CELL_KINDS).order_by("path").first()
    )


def _prompt(issuer, period, collective, by):
    return prompts.prompt_issue(
        issuer=issuer, period=period, collective=collective, by=by, text="Làm rõ.", given_on=ON
    )


@pytest.fixture
def district(tree, period, level, secretary, committee, district_board, provincial, administrator):
    """District A's collectives through the services; returns the district."""
    party = CollectiveKind.PARTY_COMMITTEE
    c1 = _collective(tree.c1, party, "Chi ủy Chi bộ thôn 1", committee)
    g1 = _collective(tree.g1, party, "Ban Chấp hành Đảng bộ xã G1", committee)
    c2 = _collective(tree.c2, party, "Chi ủy Chi bộ thôn 2", committee)
    government = _collective(
        tree.g1, CollectiveKind.GOVERNMENT_LEADERSHIP, "Lãnh đạo UBND xã G1", committee
    )
    mass = _collective(
        tree.g1,
        CollectiveKind.MASS_ORGANIZATION_LEADERSHIP,
        "Lãnh đạo Mặt trận xã G1",
        committee,
    )
    _collective(tree.district_a, CollectiveKind.STANDING_COMMITTEE, "BTV Huyện ủy A", committee)
    _collective(tree.g1, CollectiveKind.STANDING_COMMITTEE, "BTV Đảng ủy xã G1", committee)
    old = _collective(tree.c1, party, "Chi ủy Chi bộ thôn 1 khóa trước", committee)
    LeadershipCollective.objects.filter(pk=old.pk).update(active_to=datetime.date(2024, 6, 30))
    g2 = _collective(tree.g2, party, "Ban Chấp hành Đảng bộ xã G2", committee)

    # Row 4: prompts from the province and from the district, before the reviews are submitted.
    _prompt(tree.province, period, c1, provincial)
    _prompt(tree.district_a, period, c1, district_board)  # two levels, one collective
    _prompt(tree.district_a, period, mass, district_board)
    _prompt(tree.province, period, g2, provincial)  # district B: not counted for A

    row = reviewed(c1, period, secretary, votes={"HTTNV": 3})  # the cell's secretary enters it
    row = collectives.collective_submit(row=row, by=secretary)
    decide(tree.g1, period, committee, row, level["HTTNV"])  # G1 manages its cells' collectives
    collectives.collective_submit(
        row=reviewed(g1, period, committee, votes={"HTTNV": 3}), by=committee
    )
    collectives.collective_submit(
        row=reviewed(g2, period, administrator, votes={"HTTNV": 3}), by=administrator
    )
    for collective, status, reason in (
        (c2, AssessmentStatus.NOT_CLASSIFIED, "moi_thanh_lap"),
        (government, AssessmentStatus.PENDING, "xem_xet_ky_luat"),
    ):
        row = collectives.collective_year_open(period=period, collective=collective, by=committee)
        collectives.collective_status_set(
            row=row, status=status, reason_code=reason, by=committee, version=row.version
        )
    row = collectives.collective_year_open(period=period, collective=mass, by=committee)
    collectives.collective_review_save(
        row=row,
        by=committee,
        version=row.version,
        strengths="Đoàn kết.",
        shortcomings="",
        causes="",
        remedies="",
    )
    return tree.district_a


def form_of(unit, period) -> dict:
    rows = review_counts_build(summary_build(unit=unit, period=period)).rows()
    return {row.key: row.values[0] for row in rows}


def test_row_1_counts_the_collectives_active_in_the_year(district, period):
    assert form_of(district, period)["1"] == 7


def test_row_2_counts_the_collectives_whose_review_was_held(district, period):
    assert form_of(district, period)["2"] == 2  # one decided, one submitted


def test_row_3_counts_the_collectives_not_yet_reviewed_with_their_reasons(district, period):
    form = form_of(district, period)
    assert form["3"] == 5
    assert form["3.1"] == 1 and form["moi_thanh_lap"] == 1  # newly established
    assert form["3.2"] == 1 and form["xem_xet_ky_luat"] == 1  # under disciplinary review
    assert form["3.3"] == 3  # the review not held: not met, or no record yet


def test_row_4_splits_the_collectives_prompted_by_the_level_that_gave_them(district, period):
    form = form_of(district, period)
    assert form["4"] == 2  # C1's committee once, though two levels prompted it
    assert (form["4.1"], form["4.2"], form["4.3"]) == (0, 1, 2)


def test_the_province_counts_every_district(district, tree, period):
    form = form_of(tree.province, period)
    assert (form["1"], form["2"], form["4"], form["4.2"]) == (8, 3, 3, 2)


def test_a_collective_of_a_later_year_is_not_due(district, tree, period, committee):
    later = _collective(tree.c2, CollectiveKind.STANDING_COMMITTEE, "Chi ủy mới", committee)
    LeadershipCollective.objects.filter(pk=later.pk).update(active_from=datetime.date(2026, 3, 1))
    assert form_of(district, period)["1"] == 7


def test_the_collectives_section_has_a_row_per_child_unit(district, tree, period, level):
    section = collectives_section(district, period)
    by_unit = {row.unit: row.section for row in section.rows}
    assert by_unit[district].total == 7
    assert by_unit[tree.g1].total == 6  # G1's own four and its cells' two
    assert by_unit[tree.g1].counts == {level["HTTNV"].pk: 1}
    assert section.head.total == sum(row.section.total for row in section.rows[1:]) + 1


def test_the_summary_page_the_workbook_and_the_pdf_show_the_column(
    client, login, district, period, district_board
):
    login(district_board)
    html = client.get(reverse("reports:summary", args=[2025, district.pk])).content.decode()
    for number, expected in (("1", "7"), ("2", "2"), ("3", "5"), ("3.3", "3"), ("4.3", "2")):
        row = html.split(f'data-row="{number}">', 1)[1].split("</tr>", 1)[0]
        values = row.split('class="num text-end">')[1:]
        assert values[0].startswith(f"{expected}</td>"), (number, row)

    response = client.post(reverse("reports:export", args=[2025, district.pk, "summary_xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Bieu6F"]
    rows = {r[0]: r[2] for r in sheet.iter_rows(values_only=True) if r[0] and r[2] is not None}
    assert (rows["1"], rows["2"], rows["3"], rows["4"], rows["4.3"]) == (7, 2, 5, 2, 2)

    response = client.get(reverse("reports:summary_document", args=[2025, district.pk, "pdf"]))
    assert response.status_code == 200
    save_pngs(response.content, "bieu-6f-collectives-2025")
    text = "\n".join(pdf_pages(response.content)).split("BIỂU 6F-BTCTW", 1)[1]
    lines = {line.split()[0]: line.split() for line in text.splitlines() if line.split()}
    assert lines["1"][-2] == "7" and lines["2"][-2] == "2" and lines["4"][-2] == "2"
