"""A real Celery worker on Redis builds a province-sized export (issue 5 acceptance), and the
page shows its progress; the file is served to the requester only."""

import io
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from assessment.models import MemberAssessment
from organizations.models import Organization
from reports.models import ExportJob, ExportState

from ..conftest import ensure_seeded
from ..test_celery_worker import worker  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_worker_builds_the_province_list_while_the_page_shows_progress(worker):  # noqa: F811
    _, process = worker
    ensure_seeded()  # an earlier transactional test may have flushed the seeded rule set
    call_command("seed_demo", scale="province", year=2025, seed=1, results=90, bulk_results=True)
    province = Organization.objects.get(code="T01")
    expected = MemberAssessment.objects.count()
    assert expected > 80_000
    client = Client()
    client.force_login(get_user_model().objects.get(username="bantochuc"))
    response = client.post(reverse("reports:export", args=[2025, province.pk, "list_xlsx"]))
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reports:export_job", args=[job.pk])

    seen = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        page = client.get(response["Location"], headers={"HX-Request": "true"})
        html = page.content.decode()
        job.refresh_from_db()
        seen.append((job.state, job.progress))
        if job.state == ExportState.RUNNING:
            assert f'value="{job.progress}"' in html or 'data-state="running"' in html
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
    content = b"".join(download.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = sum(1 for _ in sheet.iter_rows(values_only=True))
    assert rows - 3 == job.rows == expected  # three heading rows, then one row per member
