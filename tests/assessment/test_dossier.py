"""Issue 15 item 8 (R26, Quy định 366 art. 17): the dossier's services. Uploads are checked by
content and size, stored under a random name, attributable; a unit reports upward only with the
signed scans its rule set requires, and what the application produces counts by itself."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from assessment import cell_year as work
from assessment import grassroots, machine
from assessment.dossier import (
    MSG_MISSING_SCANS,
    dossier_build,
    dossier_missing,
    dossier_scan_add,
    dossier_scan_remove,
    scan_check,
)
from assessment.models import DossierKind, DossierScan, PeriodState

from ..factories import dossier_scans_file, scan_upload
from .test_decisions import submitted_cell
from .test_grassroots import g1_done

pytestmark = pytest.mark.django_db


def require(period, *kinds):
    period.rule_set.dossier_scans_required = list(kinds)
    period.rule_set.save()


def code_of(call):
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.code, " ".join(error.value.messages)


def test_it_accepts_a_pdf_and_a_png_by_their_content(period, tree, secretary):
    pdf = dossier_scan_add(
        unit=tree.c1, period=period, kind="minutes", upload=scan_upload(), by=secretary
    )
    png = dossier_scan_add(
        unit=tree.c1,
        period=period,
        kind="residence",
        upload=scan_upload("nhan-xet.jpg", kind="png"),  # the name lies; the content decides
        by=secretary,
    )
    assert (pdf.content_type, png.content_type) == ("application/pdf", "image/png")
    assert png.file.name.endswith(".png") and "nhan-xet" not in png.file.name
    assert png.original_name == "nhan-xet.jpg"
    assert pdf.history.get().history_user == secretary
    with pdf.file.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"


@override_settings(DOSSIER_SCAN_MAX_BYTES=1000)
def test_it_refuses_a_file_too_large(period, tree):
    code, text = code_of(lambda: scan_check(scan_upload("lon.pdf", size=1500)))
    assert code == "too_large" and "lon.pdf" in text
    scan_check(scan_upload("vua.pdf", size=900))  # under the limit: accepted


def test_it_refuses_a_file_of_the_wrong_type_whatever_its_name(period, tree):
    program = SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    code, text = code_of(
        lambda: dossier_scan_add(
            unit=tree.c1, period=period, kind="minutes", upload=program, by=None
        )
    )
    assert code == "type" and "bien-ban.pdf" in text
    html = SimpleUploadedFile("scan.png", b"<html><script>alert(1)</script></html>")
    assert code_of(lambda: scan_check(html))[0] == "type"
    assert not DossierScan.objects.exists()


def test_it_refuses_a_damaged_file_that_only_starts_right(period, tree):
    truncated = SimpleUploadedFile("cut.pdf", b"%PDF-1.4\n" + b"x" * 5000)
    assert code_of(lambda: scan_check(truncated))[0] == "damaged"
    fake_png = SimpleUploadedFile("fake.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert code_of(lambda: scan_check(fake_png))[0] == "damaged"
    assert code_of(lambda: scan_check(None))[0] == "empty"


def test_a_closed_year_keeps_its_dossier(period, tree, secretary):
    scan = dossier_scan_add(
        unit=tree.c1, period=period, kind="minutes", upload=scan_upload(), by=secretary
    )
    type(period).objects.filter(pk=period.pk).update(state=PeriodState.CLOSED)
    period.refresh_from_db()
    add = lambda: dossier_scan_add(  # noqa: E731
        unit=tree.c1, period=period, kind="minutes", upload=scan_upload(), by=secretary
    )
    assert code_of(add)[0] == "closed"
    scan.refresh_from_db()
    assert code_of(lambda: dossier_scan_remove(scan=scan, by=secretary))[0] == "closed"


def test_removing_a_scan_keeps_who_removed_it(
    period, tree, secretary, django_capture_on_commit_callbacks
):
    scan = dossier_scan_add(
        unit=tree.c1, period=period, kind="minutes", upload=scan_upload(), by=secretary
    )
    storage, name, pk = scan.file.storage, scan.file.name, scan.pk
    with django_capture_on_commit_callbacks(execute=True):
        dossier_scan_remove(scan=scan, by=secretary)
    assert not storage.exists(name)
    removed = DossierScan.history.filter(id=pk, history_type="-").get()
    assert removed.history_user == secretary


def test_a_cell_with_its_dossier_incomplete_cannot_submit(period, tree, secretary):
    require(period, DossierKind.MINUTES, DossierKind.RESIDENCE)
    with pytest.raises(machine.Refused) as refusal:
        submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    assert refusal.value.code == "dossier"
    expected = MSG_MISSING_SCANS % {
        "kinds": f"{DossierKind.RESIDENCE.label}; {DossierKind.MINUTES.label}"
    }
    assert str(expected) in refusal.value.messages
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    dossier_scans_file(tree.c1, period, by=secretary)
    assert dossier_missing(tree.c1, period) == []
    assert work.cell_submit(cell_year=cell_year, by=secretary).state == "submitted"


def test_an_organization_with_its_dossier_incomplete_cannot_report_upward(
    period, tree, secretary, committee, level
):
    year = g1_done(period, tree, secretary, committee, level)
    require(period, DossierKind.APPRAISAL)
    with pytest.raises(machine.Refused) as refusal:
        grassroots.grassroots_submit(
            grassroots_year=year, report="", proposed_level=level["HTTNV"], by=committee
        )
    assert refusal.value.code == "dossier"
    dossier_scans_file(tree.g1, period, by=committee)
    year.refresh_from_db()
    submitted = grassroots.grassroots_submit(
        grassroots_year=year, report="", proposed_level=level["HTTNV"], by=committee
    )
    assert submitted.state == "submitted"


def test_without_required_scans_what_the_app_produces_is_the_dossier(
    period, tree, secretary, committee, level
):
    g1_done(period, tree, secretary, committee, level)
    dossier = dossier_build(unit=tree.g1, period=period)
    assert dossier.complete
    produced = {item.kind: len(item.produced) for item in dossier.items}
    assert produced[DossierKind.MINUTES] >= 1
    assert produced[DossierKind.REPORTS] >= 1
    assert produced[DossierKind.RESULTS] >= 2  # the decisions and the cells' notices
    assert produced[DossierKind.REVIEWS] >= 1
    minutes = dossier.item(DossierKind.MINUTES).produced[0]
    assert minutes.url.endswith("minutes.pdf") and minutes.build() is not None
    assert dossier_build(unit=tree.g2, period=period).item(DossierKind.MINUTES).produced == []


def test_a_scan_belongs_to_its_units_dossier_only(period, tree, secretary):
    require(period, DossierKind.MINUTES)
    dossier_scan_add(unit=tree.c1, period=period, kind="minutes", upload=scan_upload(), by=None)
    assert dossier_build(unit=tree.c1, period=period).complete
    assert dossier_missing(tree.c2, period) == [str(DossierKind.MINUTES.label)]
    assert dossier_build(unit=tree.c2, period=period).missing[0].kind == "minutes"


def test_a_superior_committees_dossier_holds_what_it_issued_not_its_subtree(
    period, tree, secretary, committee, district_board, level
):
    from .test_step_8b_and_reopen import g1_decided_by_district

    decision = g1_decided_by_district(period, tree, secretary, committee, district_board, level)
    district = dossier_build(unit=tree.district_a, period=period)
    (result,) = district.item(DossierKind.RESULTS).produced
    assert str(decision) in result.title and result.build() is not None
    assert district.item(DossierKind.REVIEWS).produced == []
    assert district.item(DossierKind.MINUTES).produced == []
    g1 = dossier_build(unit=tree.g1, period=period)
    assert len(g1.item(DossierKind.RESULTS).produced) > 1  # its own decisions and the cells'


def test_the_prompts_to_leadership_collectives_are_in_the_dossier(
    period, tree, district_board, provincial
):
    import datetime

    from assessment.prompts import prompt_issue
    from organizations.models import CollectiveKind, LeadershipCollective

    def collective(unit, kind, name):
        return LeadershipCollective.objects.create(organization=unit, kind=kind, name=name)

    g1 = collective(tree.g1, CollectiveKind.PARTY_COMMITTEE, "BCH Đảng bộ xã G1")
    own = collective(tree.district_a, CollectiveKind.STANDING_COMMITTEE, "BTV Huyện ủy A")
    give = {"period": period, "text": "Làm rõ", "given_on": datetime.date(2025, 11, 20)}
    for _ in range(2):
        prompt_issue(issuer=tree.district_a, collective=g1, by=district_board, **give)
    prompt_issue(issuer=tree.province, collective=own, by=provincial, **give)

    (line,) = dossier_build(unit=tree.g1, period=period).item(DossierKind.PROMPTS).produced
    assert g1.name in line.title and line.count == 2
    assert line.url == f"/years/2025/collectives/{g1.pk}/"
    # a superior committee's dossier holds its own collectives' prompts, not its subtree's
    (line,) = dossier_build(unit=tree.district_a, period=period).item(DossierKind.PROMPTS).produced
    assert own.name in line.title and line.count == 1
