"""The summary's section of leadership collectives (R23, R24; issue 14 item 8): total, assessed,
not classified and not yet classified by reason, each level's count and percent of the assessed,
the collectives given prompts by level; for the unit and each child row; on the page, in the
workbook and in the document; a fixed number of queries; a closed year counts its records only.

The collectives are those of tests/reports/test_review_counts_collectives.py (district A: seven,
one decided good, one submitted, one new, one under disciplinary review, three not reviewed yet;
district B: one submitted)."""

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from assessment import collectives
from assessment.models import Period
from assessment.services import period_close
from organizations.models import CollectiveKind
from reports.summary import COLLECTIVES, NOT_STARTED, UNDECIDED
from reports.summary_collectives import collectives_section, summary_with_collectives

from ..documents.conftest import pdf_pages, save_pngs
from . import test_review_counts_collectives as shared
from .test_review_counts_collectives import _collective

district = shared.district  # the fixture: district A's and B's collectives

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counts_agree")]


def test_each_row_adds_up_and_gives_each_level_with_its_percent(district, tree, period, level):
    section = collectives_section(tree.province, period)
    rows = {row.unit: row.section for row in section.rows}
    a = rows[tree.district_a]
    assert (a.total, a.assessed) == (7, 1)
    assert a.not_classified == {"moi_thanh_lap": 1}
    # pending: under disciplinary review, the submitted one not decided yet, three not held
    assert a.pending == {"xem_xet_ky_luat": 1, UNDECIDED: 2, NOT_STARTED: 2}
    assert a.total == a.assessed + a.not_classified_total + a.pending_total  # R24
    levels = {lv.code: (n, pct) for lv, n, pct in a.level_rows()}
    assert levels["HTTNV"] == (1, Decimal("100.00")) and levels["HTXSNV"] == (0, Decimal("0.00"))
    assert (a.prompted, a.prompted_by_level) == (2, {"province": 1, "superior": 2})
    b = rows[tree.district_b]
    assert (b.total, b.assessed, b.pending, b.prompted) == (1, 0, {UNDECIDED: 1}, 1)
    head = section.head
    assert (head.total, head.assessed, head.prompted) == (8, 1, 3)


def test_the_province_s_own_collectives_count_on_its_row_only(district, tree, period, committee):
    _collective(tree.province, CollectiveKind.STANDING_COMMITTEE, "BTV Tỉnh ủy", committee)
    section = collectives_section(tree.province, period)
    assert section.head.total == 9
    assert sum(row.section.total for row in section.rows[1:]) == 8


def test_it_takes_a_fixed_number_of_queries(
    district, tree, period, committee, django_assert_max_num_queries
):
    def run() -> None:
        with django_assert_max_num_queries(8):
            collectives_section(tree.province, period)

    run()
    for i in range(20):
        _collective(tree.g2, CollectiveKind.PARTY_COMMITTEE, f"Chi ủy {i}", committee, seats=1)
    run()


def test_a_closed_year_counts_the_collectives_records_only(district, tree, period, administrator):
    period_close(period=period, by=administrator)
    period = Period.objects.get(pk=period.pk)
    head = collectives_section(tree.district_a, period).head
    assert NOT_STARTED not in head.pending  # the two without a record are not counted
    assert head.total == 5


def test_the_summary_shows_the_section_on_the_page_in_the_workbook_and_in_the_document(
    client, login, district, tree, period, district_board
):
    summary = summary_with_collectives(unit=tree.district_a, period=period)
    assert summary.shown_sections[-1] == COLLECTIVES
    login(district_board)
    html = client.get(reverse("reports:summary", args=[2025, tree.district_a.pk])).content
    table = html.decode().split('data-section="collectives"', 1)[1].split("</table>", 1)[0]
    head_row = table.split('class="head fw-bold"', 1)[1].split("</tr>", 1)[0]
    assert head_row.count('class="num text-end">')
    assert head_row.split('class="num text-end">')[1].startswith("7</td>")  # total
    assert "Tập thể lãnh đạo, quản lý" in html.decode()

    response = client.post(
        reverse("reports:export", args=[2025, tree.district_a.pk, "summary_xlsx"])
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["TapTheLanhDao"]
    rows = {r[0]: r[1:3] for r in sheet.iter_rows(values_only=True) if r[0] and r[1] is not None}
    assert rows[tree.district_a.name] == (7, 1)
    assert rows[tree.g1.name] == (6, 1)

    response = client.get(
        reverse("reports:summary_document", args=[2025, tree.district_a.pk, "pdf"])
    )
    save_pngs(response.content, "summary-collectives-2025")
    text = "\n".join(pdf_pages(response.content))
    assert "Tập thể lãnh đạo, quản lý" in text


def test_a_year_without_collectives_shows_no_section(tree, period):
    summary = summary_with_collectives(unit=tree.district_a, period=period)
    assert COLLECTIVES not in summary.shown_sections


def test_a_new_collective_marked_by_the_service_refuses_a_reason_that_does_not_fit(
    tree, period, committee
):
    from django.core.exceptions import ValidationError

    collective = _collective(tree.g1, CollectiveKind.PARTY_COMMITTEE, "BCH", committee)
    row = collectives.collective_year_open(period=period, collective=collective, by=committee)
    with pytest.raises(ValidationError):
        collectives.collective_status_set(
            row=row, status="kpl", reason_code="om_dau", by=committee, version=row.version
        )
    row = collectives.collective_status_set(
        row=row, status="kpl", reason_code="moi_thanh_lap", by=committee, version=row.version
    )
    assert row.history.first().history_user == committee


def test_the_json_export_carries_the_collectives_section(district, tree, period, tmp_path):
    """`export_summary --format json` writes the section the page shows (R23, R28)."""
    out = tmp_path / "summary.json"
    call_command(
        "export_summary", year=2025, org=tree.district_a.code, format="json", output=str(out)
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    section = data["sections"][COLLECTIVES]
    assert (section["total"], section["assessed"]) == (7, 1)
    assert section["not_classified"]["by_reason"] == {"moi_thanh_lap": 1}
    assert section["pending"]["by_reason"] == {NOT_STARTED: 2, UNDECIDED: 2, "xem_xet_ky_luat": 1}
    assert {row["code"]: row["count"] for row in section["levels"]}["HTTNV"] == 1
    assert section["prompted"] == {"total": 2, "by_level": {"province": 1, "superior": 2}}
    assert section["reviewed_undecided"] == 1
    assert (
        data["sections"]["members"]
        == summary_with_collectives(unit=tree.district_a, period=period).as_json()["sections"][
            "members"
        ]
    )  # the other sections as before
