"""Issue 15 item 8: a real Celery worker on Redis builds a unit's whole dossier as one zip
archive while the page shows its progress; the province downloads it: form 04, the documents
the application produces (minutes, reports, self-reviews, decisions, notices, the appraisal
summary) and the signed scans as filed. Another board cannot fetch the archive."""

import io
import time
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from assessment.dossier import dossier_scan_add
from reports.dossier import FOLDERS, FORM_04_NAME
from reports.models import ExportJob, ExportKind, ExportState

from ..assessment.test_grassroots import g1_done
from ..conftest import ensure_seeded
from ..factories import scan_upload
from ..test_celery_worker import worker  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_worker_builds_the_dossier_archive_the_province_downloads(  # noqa: PLR0913
    worker,  # noqa: F811
    period,
    tree,
    secretary,
    committee,
    provincial,
    outsider_board,
    level,
):
    _, process = worker
    ensure_seeded()
    g1_done(period, tree, secretary, committee, level)
    scan = dossier_scan_add(
        unit=tree.g1,
        period=period,
        kind="residence",
        upload=scan_upload("nhan-xet-noi-cu-tru.png", kind="png"),
        by=committee,
    )
    client = Client()
    client.force_login(provincial)
    response = client.post(reverse("reports:dossier_archive", args=[2025, tree.g1.pk]))
    job = ExportJob.objects.get()
    assert job.kind == ExportKind.DOSSIER_ZIP
    assert response["Location"] == reverse("reports:export_job", args=[job.pk])

    seen, deadline = [], time.monotonic() + 240
    while time.monotonic() < deadline:
        html = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
        job.refresh_from_db()
        seen.append((job.state, job.progress))
        if job.state in (ExportState.DONE, ExportState.FAILED):
            break
        time.sleep(0.2)
    else:
        process.terminate()
        pytest.fail("the worker did not finish:\n" + process.stdout.read().decode()[-3000:])
    assert job.state == ExportState.DONE, job.error
    assert any(state == ExportState.RUNNING and 0 < p < 100 for state, p in seen), seen
    assert 'data-testid="export-download"' in html

    download = client.get(reverse("reports:export_download", args=[job.pk]))
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    assert names[0] == FORM_04_NAME and len(names) == job.rows
    folders = {name.split("/")[0] for name in names[1:]}
    for kind in ("reviews", "reports", "minutes", "appraisal", "results", "residence"):
        assert FOLDERS[kind] in folders, (kind, names)
    minutes = [n for n in names if n.startswith(FOLDERS["minutes"])]
    assert len(minutes) == 2  # the review meetings of C1 and C2
    assert all(archive.read(n).startswith(b"%PDF-") for n in names if n.endswith(".pdf"))
    (filed,) = [n for n in names if n.startswith(FOLDERS["residence"])]
    assert filed.endswith(".png") and archive.read(filed) == scan.file.open("rb").read()

    other = Client()
    other.force_login(outsider_board)
    assert other.get(reverse("reports:export_download", args=[job.pk])).status_code == 404
