"""A real Celery worker on Redis checks, then imports, a 30,000-member workbook (issue 18 item 2)
while the run's page shows its progress; the web request only keeps the file."""

import re
import time

import pytest
import xlsxwriter
from django.test import Client
from django.urls import reverse

from members.models import Member
from organizations.models import AuditEvent
from reports.imports import HEADERS
from reports.models import ImportRun, ImportState

from ..counts import assert_counts_agree
from ..test_celery_worker import worker  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ROWS = 30_000


def follow(client: Client, run: ImportRun, process) -> list[tuple[str, int]]:
    """Poll the run's page as htmx does until the run is over; the states and progress seen."""
    seen = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        page = client.get(
            reverse("reports:import_run", args=[run.pk]), headers={"HX-Request": "true"}
        )
        if page.headers.get("HX-Refresh") == "true":  # over: the page reloads whole
            run.refresh_from_db()
            return seen
        html = page.content.decode()
        state = re.search(r'data-state="(\w+)"', html).group(1)
        progress = int(re.search(r'<progress [^>]*value="(\d+)"', html).group(1))
        seen.append((state, progress))
        time.sleep(0.2)
    process.terminate()
    pytest.fail("the worker did not finish:\n" + process.stdout.read().decode()[-3000:])


def test_a_worker_checks_and_imports_a_large_workbook(
    worker,  # noqa: F811
    tree,
    provincial,
    settings,
    tmp_path,
):
    _, process = worker
    settings.IMPORT_SYNC_MAX_BYTES = 100_000
    path = tmp_path / "lon.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("DangVien")
        sheet.write_row(0, 0, HEADERS["DangVien"])
        for i in range(ROWS):
            row = [f"96{i:08d}", f"Nguyễn Văn Lớn {i}", "02/01/1985", "Nam", "C1", "03/04/2010"]
            sheet.write_row(i + 1, 0, row)
    assert path.stat().st_size > settings.IMPORT_SYNC_MAX_BYTES
    client = Client()
    client.force_login(provincial)

    with path.open("rb") as handle:
        response = client.post(reverse("reports:import_upload"), {"file": handle})

    check = ImportRun.objects.get()
    assert response["Location"] == reverse("reports:import_run", args=[check.pk])
    seen = follow(client, check, process)
    assert check.state == ImportState.DONE, check.error
    assert check.ok and check.counts["DangVien"] == {"created": ROWS, "updated": 0}
    assert any(state == ImportState.RUNNING and 0 < p < 100 for state, p in seen), seen
    assert Member.objects.filter(card_number__startswith="96").count() == 0

    response = client.post(reverse("reports:import_confirm", args=[check.pk]))

    real = ImportRun.objects.get(confirms=check)
    assert response["Location"] == reverse("reports:import_run", args=[real.pk])
    follow(client, real, process)
    assert (real.state, real.ok, real.user) == (ImportState.DONE, True, provincial)
    assert Member.objects.filter(card_number__startswith="96").count() == ROWS
    assert Member.history.filter(card_number__startswith="96", history_type="+").count() == ROWS
    assert AuditEvent.objects.filter(object_repr__startswith="Nguyễn Văn Lớn").count() == ROWS
    page = client.get(reverse("reports:import_run", args=[real.pk])).content.decode()
    assert 'data-testid="import-ok"' in page
    assert_counts_agree()
