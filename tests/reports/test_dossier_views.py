"""Issue 15 item 8 through HTTP: filing signed scans (refused when too large or not a PDF/PNG/JPEG
by content), reading them only inside one's scope, form 04 as the party prints it, and a cell
refused at submission while its dossier lacks a required scan."""

import subprocess

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from assessment import cell_year as work
from assessment.dossier import MSG_TOO_LARGE, dossier_scan_add
from assessment.models import DossierKind, DossierScan

from ..factories import cell_documents_write, scan_upload

pytestmark = pytest.mark.django_db


def upload(client, cell, kind="minutes", file=None):
    return client.post(
        reverse("reports:dossier_upload", args=[2025, cell.pk]),
        {"kind": kind, "title": "Biên bản có chữ ký", "file": file or scan_upload()},
    )


def test_the_secretary_files_a_scan_and_the_committee_reads_it(
    login, period, tree, secretary, committee
):
    answer = upload(login(secretary), tree.c1)
    assert answer.status_code == 302
    scan = DossierScan.objects.get()
    assert (scan.unit, scan.uploaded_by, scan.kind) == (tree.c1, secretary, "minutes")
    page = login(committee).get(reverse("reports:dossier", args=[2025, tree.c1.pk]))
    assert "Biên bản có chữ ký" in page.content.decode()
    served = login(committee).get(reverse("reports:dossier_scan", args=[scan.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("attachment")
    assert b"".join(served.streaming_content).startswith(b"%PDF-")


@override_settings(DOSSIER_SCAN_MAX_BYTES=2048)
def test_an_upload_too_large_is_refused_with_the_reason(login, period, tree, secretary):
    answer = upload(login(secretary), tree.c1, file=scan_upload("to.pdf", size=5000))
    assert answer.status_code == 200
    (error,) = answer.context["form"].errors["file"]
    assert error == MSG_TOO_LARGE % {"name": "to.pdf", "size": "0,0", "max": "0,0"}
    assert "“to.pdf” có dung lượng 0,0 MB" in answer.content.decode()
    assert not DossierScan.objects.exists()


def test_an_upload_of_the_wrong_type_is_refused_whatever_its_name(login, period, tree, secretary):
    disguised = SimpleUploadedFile("bien-ban.pdf", b"<svg onload=alert(1)></svg>" * 10)
    answer = upload(login(secretary), tree.c1, file=disguised)
    assert answer.status_code == 200
    assert "bien-ban.pdf" in answer.content.decode()
    assert answer.context["form"].errors["file"]
    assert not DossierScan.objects.exists()


def test_files_of_another_unit_are_never_served(
    login, period, tree, secretary, committee, outsider, outsider_board, district_board
):
    inside = dossier_scan_add(
        unit=tree.c1, period=period, kind="minutes", upload=scan_upload(), by=secretary
    )
    other = dossier_scan_add(
        unit=tree.c3, period=period, kind="minutes", upload=scan_upload(), by=outsider
    )
    url = reverse("reports:dossier_scan", args=[inside.pk])
    for user in (outsider, outsider_board):
        assert login(user).get(url).status_code == 404
        assert (
            login(user).get(reverse("reports:dossier", args=[2025, tree.c1.pk])).status_code == 404
        )
    for user in (secretary, committee, district_board):
        assert login(user).get(url).status_code == 200
        assert login(user).get(reverse("reports:dossier_scan", args=[other.pk])).status_code == 404
    # Nor is anything under MEDIA_ROOT reachable by its path.
    assert inside.file.path.startswith(str(settings.MEDIA_ROOT))
    assert login(secretary).get(f"/media/{inside.file.name}").status_code == 404
    assert login(secretary).get(f"/{inside.file.name}").status_code == 404
    # Removing another unit's scan: 404 too, and it stays.
    assert (
        login(secretary).post(reverse("reports:dossier_scan_remove", args=[other.pk])).status_code
        == 404
    )
    assert DossierScan.objects.filter(pk=other.pk).exists()


def test_the_secretary_removes_a_scan_and_the_history_says_who(login, period, tree, secretary):
    scan = dossier_scan_add(
        unit=tree.c1, period=period, kind="minutes", upload=scan_upload(), by=secretary
    )
    answer = login(secretary).post(reverse("reports:dossier_scan_remove", args=[scan.pk]))
    assert answer.status_code == 302 and not DossierScan.objects.exists()
    assert DossierScan.history.filter(history_type="-").get().history_user == secretary


def test_a_cell_is_refused_at_submission_while_its_dossier_is_incomplete(
    login, period, tree, secretary, c1_members
):
    period.rule_set.dossier_scans_required = [DossierKind.MINUTES]
    period.rule_set.save()
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    cell_documents_write(cell_year, secretary)
    client = login(secretary)
    answer = client.post(
        reverse("assessment:submit", args=[2025, tree.c1.pk]), {"confirm": "on"}, follow=True
    )
    page = answer.content.decode()
    assert "Hồ sơ còn thiếu bản chụp có chữ ký của: Biên bản hội nghị kiểm điểm." in page
    cell_year.refresh_from_db()
    assert cell_year.state != "submitted"
    dossier = client.get(reverse("reports:dossier", args=[2025, tree.c1.pk])).content.decode()
    assert 'data-testid="dossier-missing"' in dossier


def test_form_04_lists_the_dossier_in_the_official_layout(login, period, tree, provincial):
    period.rule_set.dossier_scans_required = [DossierKind.MINUTES]
    period.rule_set.save()
    dossier_scan_add(unit=tree.c1, period=period, kind="residence", upload=scan_upload(), by=None)
    answer = login(provincial).get(
        reverse("reports:dossier_form04", args=[2025, tree.c1.pk, "pdf"])
    )
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=answer.content, capture_output=True, check=True
    ).stdout.decode()
    text = " ".join(text.split())
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "DANH MỤC HỒ SƠ" in text
    assert "Mẫu 04" in text and "Nhận xét của chi bộ nơi cư trú" in text
    # the minutes' scan is required and missing
    assert "Hồ sơ còn thiếu: Biên bản hội nghị kiểm điểm." in text
    assert "T/M CHI BỘ" in text
