"""Issue 17: decisions (members, units, re-rating) in the party's document format, as PDF and
.docx, always in Vietnamese."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessment import cell_year as work
from assessment import corrections
from assessment.documents import decision_document, last_signer
from assessment.forms import DecisionIssueForm
from assessment.models import Decision, Level, MemberAssessment
from organizations.documents import render_pdf
from organizations.models import Kind, Organization

from ..assessment.tables import table_post
from ..assessment.test_decisions import accept_proposals, issue, issue_cells, submitted_cell
from ..factories import UserFactory
from .conftest import pdf_pages, save_pngs

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing(tree):
    """The cast's grassroots committee G1 signs as a commune's party committee."""
    tree.district_a.official_name = "Huyện ủy Tân Hòa"
    tree.district_a.document_symbol = "HU"
    tree.district_a.save()
    tree.g1.official_name = "Đảng ủy xã Tân Hòa"
    tree.g1.document_symbol = "ĐU"
    tree.g1.place_name = "Tân Hòa"
    tree.g1.save()
    return tree


def test_a_members_decision_has_every_prescribed_part(
    login, period, signing, secretary, committee, both
):
    cell_year = submitted_cell(period, signing.c1, secretary, 3, {"HTTNV": 3})
    accept_proposals(cell_year, committee)
    decision = issue(cell_year, committee)
    login(committee)
    pages, docx = both("assessment:decision_document", [decision.pk], "decision-members")
    text = "\n".join(pages)
    for part in (
        "ĐẢNG BỘ HUYỆN TÂN HÒA",  # the superior's party organization
        "ĐẢNG ỦY XÃ TÂN HÒA",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 01-QĐ/ĐU",
        "Tân Hòa, ngày 28 tháng 12 năm 2025",
        "QUYẾT ĐỊNH",
        "về việc xếp loại chất lượng đảng viên năm 2025",
        "Căn cứ Điều lệ Đảng Cộng sản Việt Nam",
        "Căn cứ Quy định 366-QĐ/TW",
        "Điều 1.",
        "Điều 2.",
        "Điều 3.",
        "Nơi nhận:",
        "T/M ĐẢNG ỦY",
        "BÍ THƯ ĐẢNG ỦY",
        "Trần Văn Bí",
    ):
        assert part in text, part
        assert part in docx, part
    for a in cell_year.assessments.select_related("member"):
        assert a.member.full_name in text and a.member.full_name in docx
    assert text.count("Hoàn thành tốt nhiệm vụ") == 4  # the count line and three rows
    assert str(decision) == "01-QĐ/ĐU (2025)"
    # the signature shares its page with the last article
    assert "Điều 3." in pages[-1] and "Trần Văn Bí" in pages[-1]


def test_the_quota_justification_is_not_printed_in_the_body(
    login, period, signing, secretary, committee
):
    cell_year = submitted_cell(period, signing.c1, secretary, 2, {"HTXSNV": 2})
    accept_proposals(cell_year, committee)
    decision = issue(cell_year, committee, quota_justification="Lý do nội bộ vượt tỷ lệ")
    text = "\n".join(pdf_pages(render_pdf(decision_document(decision))))
    assert decision.quota_justification and "Lý do nội bộ" not in text


def test_a_demo_grassroots_committee_numbers_its_first_decision_01_qd_du(period):
    """The acceptance example: "Số 01-QĐ/ĐU" under the superior's name, with the place name."""
    call_command("seed_demo", "--scale", "tiny", "--year", "2025", "--seed", "1")
    committee = Organization.objects.filter(
        kind=Kind.GRASSROOTS_COMMITTEE, document_symbol="ĐU"
    ).first()
    superior = Organization.objects.get_parent(committee)
    cell = Organization.objects.in_subtree(committee).cells().first()
    cell_year = work.cell_year_open(period=period, cell=cell)
    good = Level.objects.get(rule_set=period.rule_set, code="HTTNV")
    decision = Decision.objects.create(
        period=period,
        issuer=committee,
        number=1,
        signed_on=datetime.date(2025, 12, 18),
        signer_name="Nguyễn Văn Thành",
        signer_title="Bí thư",
        quota_cap_percent=20,
        issued_by=UserFactory(),
    )
    MemberAssessment.objects.filter(cell_year=cell_year, status="assess").update(
        decision=decision, decided_level=good
    )
    pdf = render_pdf(decision_document(decision))
    save_pngs(pdf, "decision-demo")
    text = pdf_pages(pdf)[0]
    assert "Số 01-QĐ/ĐU" in text
    assert superior.name.replace("Đảng ủy", "Đảng bộ").upper() in text
    assert committee.official_name.upper() in text
    assert f"{committee.place_name}, ngày 18 tháng 12 năm 2025" in text


def test_a_units_decision_lists_the_cells(login, period, signing, secretary, committee, both):
    for cell in (signing.c1, signing.c2):
        cell_year = submitted_cell(period, cell, secretary, 2, {"HTTNV": 2})
        accept_proposals(cell_year, committee)
        issue(cell_year, committee)
    client = login(committee)
    cells_url = reverse("assessment:decide_cells", args=[2025, signing.g1.pk])
    client.post(cells_url, table_post(client.get(cells_url)))  # the proposals, as loaded
    decision = issue_cells(committee, period, signing)
    pages, docx = both("assessment:decision_document", [decision.pk], "decision-units")
    text = "\n".join(pages)
    for part in ("Số 03-QĐ/ĐU", "xếp loại chất lượng tổ chức đảng năm 2025", "Chi bộ thôn 1"):
        assert part in text and part in docx, part
    assert "Chi bộ thôn 2" in text and "T/M ĐẢNG ỦY" in docx


def test_a_rerating_decision_is_form_03_and_keeps_the_old_result(
    login, period, signing, secretary, committee, both, level
):
    cell_year = submitted_cell(period, signing.c1, secretary, 1, {"HTTNV": 1})
    accept_proposals(cell_year, committee)
    first = issue(cell_year, committee)
    period.state = "closed"
    period.save()
    assessment = cell_year.assessments.get()
    decision = corrections.member_rerate(
        assessment=assessment,
        grounds="dishonest",
        level=level["KHTNV"],
        reason="Kê khai không trung thực",
        signed_on=datetime.date(2026, 3, 2),
        signer_name="Trần Văn Bí",
        signer_title="Bí thư",
        by=committee,
    )
    login(committee)
    pages, docx = both("assessment:decision_document", [decision.pk], "decision-rerating")
    text = "\n".join(pages)
    for part in (
        "Mẫu 03",
        "Số 02-QĐ/ĐU",
        "Tân Hòa, ngày 02 tháng 3 năm 2026",
        "về việc xếp loại lại chất lượng đảng viên năm 2025",
        "Xét phát hiện kiểm điểm không trung thực",
        "Kê khai không trung thực",
        "Không hoàn thành",
    ):
        assert part in text and part in docx, part
    assert f"Quyết định số {first.number:02d}-QĐ/ĐU" in docx  # wraps in the PDF's table cell


def test_the_signer_and_date_default_from_the_units_last_decision(
    period, signing, secretary, committee
):
    cell_year = submitted_cell(period, signing.c1, secretary, 1, {"HTTNV": 1})
    accept_proposals(cell_year, committee)
    issue(cell_year, committee)
    form = DecisionIssueForm(issuer=signing.g1)
    assert form.initial["signer_name"] == "Trần Văn Bí"
    assert form.initial["signer_title"] == "Bí thư Đảng ủy"
    assert form.initial["signed_on"] == datetime.date.today()
    assert last_signer(signing.g2) == {"signed_on": datetime.date.today()}


def test_the_word_copy_is_a4_with_the_prescribed_margins_and_font(
    period, signing, secretary, committee
):
    import io

    from docx import Document as WordDocument
    from docx.shared import Mm, Pt

    from organizations.documents import render_docx

    cell_year = submitted_cell(period, signing.c1, secretary, 2, {"HTTNV": 2})
    accept_proposals(cell_year, committee)
    word = WordDocument(io.BytesIO(render_docx(decision_document(issue(cell_year, committee)))))
    section = word.sections[0]
    sizes = {
        "page_width": 210,
        "page_height": 297,
        "left_margin": 30,
        "right_margin": 15,
        "top_margin": 20,
        "bottom_margin": 20,
    }
    for name, mm in sizes.items():  # Word stores twentieths of a point: within 0.1 mm
        assert abs(getattr(section, name) - Mm(mm)) < Mm(0.1), name
    normal = word.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))
    assert section.different_first_page_header_footer  # numbers from the second page
    grid = word.tables[1]  # the heading is table 0, the list table 1
    assert grid.rows[0]._tr.trPr.xpath("./w:tblHeader")  # the header row repeats


def test_english_interface_gives_the_same_vietnamese_decision(
    client, login, period, signing, secretary, committee
):
    from .conftest import docx_text

    cell_year = submitted_cell(period, signing.c1, secretary, 2, {"HTTNV": 2})
    accept_proposals(cell_year, committee)
    decision = issue(cell_year, committee)
    login(committee)
    url = reverse("assessment:decision_document", args=[decision.pk, "docx"])
    vietnamese = docx_text(client.get(url).content)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = docx_text(client.get(url).content)
    assert english == vietnamese
    good = Level.objects.get(rule_set=period.rule_set, code="HTTNV")
    assert good.name_vi in english and good.name_en not in english
