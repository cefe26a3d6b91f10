import subprocess

import pytest
from django.urls import reverse

from assessment.models import CellState, CellYear, Decision, Level

from .tables import table_post
from .test_decisions import submitted_cell

pytestmark = pytest.mark.django_db


def decide_url(cell, name="assessment:decide"):
    return reverse(name, args=[2025, cell.pk])


def test_the_preview_shows_the_quota_as_the_levels_on_the_page_would_make_it(
    login, period, tree, secretary, committee
):
    # 2025 (R11, Quy định 366 art. 11): the base is those rated good
    submitted_cell(period, tree.c1, secretary, 3, {"HTXSNV": 3})
    submitted_cell(period, tree.c2, secretary, 17, {"HTTNV": 17})
    client = login(committee)
    page = client.get(decide_url(tree.c2))
    assert 'data-testid="quota-exceeded"' not in page.content.decode()
    rows = [row for row, _ in page.context["rows"]]
    excellent = Level.objects.get(rule_set__code="QD366-2025", code="HTXSNV")
    what_if = table_post(page, {rows[0].assessment.pk: {"level": excellent.pk}})
    preview = client.post(
        decide_url(tree.c2, "assessment:decide_preview"), what_if, HTTP_HX_REQUEST="true"
    )
    assert preview.context["quota"].excellent == 4
    assert 'data-testid="quota-exceeded"' in preview.content.decode()
    assert "25,00 %" in preview.content.decode()  # 4 of 16 good, decimal comma (R24, R25)
    assert (
        not CellYear.objects.get(cell=tree.c2)
        .assessments.filter(decided_level__isnull=False)
        .exists()
    )  # a preview writes nothing


def test_the_committee_decides_issues_and_the_pdf_lists_names_and_levels(
    login, period, tree, secretary, committee
):
    cell_year = submitted_cell(period, tree.c1, secretary, 3, {"HTTNV": 3})
    client = login(committee)
    page = client.get(decide_url(tree.c1))
    rows = [row for row, _ in page.context["rows"]]
    response = client.post(decide_url(tree.c1), table_post(page))
    assert response.status_code == 302
    response = client.post(
        decide_url(tree.c1, "assessment:decision_issue"),
        {
            "signed_on": "28/12/2025",
            "signer_name": "Trần Văn Bí",
            "signer_title": "Bí thư Đảng ủy",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    cell_year.refresh_from_db()
    assert cell_year.state == CellState.DECIDED
    pdf = client.get(reverse("assessment:decision_pdf", args=[decision.pk]))
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "QUYẾT ĐỊNH" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "01-QĐ/ĐU" in text and "Trần Văn Bí" in text
    for row in rows:
        assert row.assessment.member.full_name in text
    assert text.count("Hoàn thành tốt nhiệm vụ") == 4  # the count by level, then each row

    secretary_view = login(secretary).get(reverse("assessment:decision_pdf", args=[decision.pk]))
    assert secretary_view.status_code == 200  # the cell concerned sees its result


def test_a_row_error_is_shown_on_the_row(login, period, tree, secretary, committee):
    submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    client = login(committee)
    page = client.get(decide_url(tree.c1))
    rows = [row for row, _ in page.context["rows"]]
    completed = Level.objects.get(rule_set__code="QD366-2025", code="HTNV")
    data = table_post(page, {rows[0].assessment.pk: {"level": completed.pk}})  # no reason
    response = client.post(decide_url(tree.c1), data)
    assert response.status_code == 200
    assert rows[0].assessment.pk in response.context["errors"]
    assert 'class="table-danger"' in response.content.decode()


def test_the_other_district_cannot_decide_or_read_decisions(
    login, period, tree, secretary, committee, outsider_board
):
    submitted_cell(period, tree.c1, secretary, 1, {"HTTNV": 1})
    assert login(outsider_board).get(decide_url(tree.c1)).status_code == 404


def test_the_decide_page_runs_the_same_queries_for_5_and_40_members(
    login, period, tree, secretary, committee
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(cell):
        client = login(committee)
        client.get(decide_url(cell))
        with CaptureQueriesContext(connection) as context:
            assert client.get(decide_url(cell)).status_code == 200
        return len(context.captured_queries)

    submitted_cell(period, tree.c1, secretary, 5, {"HTTNV": 5})
    submitted_cell(period, tree.c2, secretary, 40, {"HTTNV": 40})
    assert count(tree.c1) == count(tree.c2)


def test_the_committee_decides_its_cells_and_the_pdf_lists_them(
    login, period, tree, secretary, committee
):
    from .test_decisions import decided_cell

    decided_cell(period, tree.c1, secretary, committee, 2, {"HTTNV": 2})
    decided_cell(period, tree.c2, secretary, committee, 2, {"HTTNV": 2})
    client = login(committee)
    url = reverse("assessment:decide_cells", args=[2025, tree.g1.pk])
    page = client.get(url)
    rows = [row for row, _ in page.context["rows"]]
    assert [r.cell_year.cell.code for r in rows] == ["C1", "C2"]
    assert client.post(url, table_post(page)).status_code == 302
    response = client.post(
        reverse("assessment:decide_cells_issue", args=[2025, tree.g1.pk]),
        {
            "signed_on": "30/12/2025",
            "signer_name": "Trần Văn Bí",
            "signer_title": "Bí thư Đảng ủy",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get(kind="units")
    pdf = client.get(reverse("assessment:decision_pdf", args=[decision.pk]))
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Chi bộ thôn 1" in text and "Chi bộ thôn 2" in text
    assert text.count("Hoàn thành tốt nhiệm vụ") == 3  # the count by level, then each row
