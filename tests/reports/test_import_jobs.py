"""Issue 18 item 2: a workbook larger than IMPORT_SYNC_MAX_BYTES is checked, then imported, in
the background; the run's page shows its progress (htmx) and the result when done. Here the
worker's function runs in the test (tests/reports/test_import_worker.py has a real worker)."""

import pytest
from django.urls import reverse

from members.models import Member
from organizations.models import Organization
from reports.import_jobs import import_job_run
from reports.imports import MSG_RUN_DONE
from reports.models import ImportRun, ImportState

from ..counts import assert_counts_agree
from .test_imports import upload, valid_workbook, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def large(settings):
    settings.IMPORT_SYNC_MAX_BYTES = 0  # every workbook goes to the background


def test_a_large_workbook_is_checked_then_imported_in_the_background(
    tree, tmp_path, media, login, provincial, large, django_capture_on_commit_callbacks
):
    client = login(provincial)
    with django_capture_on_commit_callbacks() as queued:
        response = upload(client, valid_workbook(tmp_path))

    run = ImportRun.objects.get()
    assert len(queued) == 1  # the check is queued once the upload is kept
    assert response["Location"] == reverse("reports:import_run", args=[run.pk])
    assert (run.state, run.progress, run.dry_run, run.user) == (
        ImportState.QUEUED,
        0,
        True,
        provincial,
    )
    assert (media / "imports" / f"{run.pk}.xlsx").exists()
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-progress"' in page and 'data-state="queued"' in page
    assert 'hx-trigger="every 1s"' in page
    assert 'data-testid="import-confirm"' not in page

    assert import_job_run(run.pk).state == ImportState.DONE
    run.refresh_from_db()
    assert (run.ok, run.progress, run.counts["DangVien"]) == (
        True,
        100,
        {"created": 3, "updated": 0},
    )
    assert not Organization.objects.filter(code="G9").exists()  # a check writes nothing
    poll = client.get(response["Location"], headers={"HX-Request": "true"})
    assert poll.headers["HX-Refresh"] == "true"  # done: the page reloads whole
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-confirm"' in page and 'data-testid="import-counts"' in page

    with django_capture_on_commit_callbacks() as queued:
        confirmed = client.post(reverse("reports:import_confirm", args=[run.pk]))
    real = ImportRun.objects.get(confirms=run)
    assert len(queued) == 1
    assert confirmed["Location"] == reverse("reports:import_run", args=[real.pk])
    assert (real.state, real.dry_run) == (ImportState.QUEUED, False)
    # A second click while it waits queues nothing more.
    again = client.post(reverse("reports:import_confirm", args=[run.pk]), follow=True)
    assert str(MSG_RUN_DONE) in again.content.decode()
    assert ImportRun.objects.filter(confirms=run).count() == 1

    assert import_job_run(real.pk).ok
    real.refresh_from_db()
    assert (real.state, real.progress, real.user) == (ImportState.DONE, 100, provincial)
    assert Organization.objects.filter(code="G9").exists()
    assert Member.objects.filter(card_number="900000001").exists()
    assert not (media / "imports" / f"{run.pk}.xlsx").exists()
    assert import_job_run(real.pk) is None  # a redelivered task does nothing twice
    assert_counts_agree()


def test_a_large_workbook_with_errors_lists_them_and_drops_the_file(
    tree, tmp_path, media, login, provincial, large
):
    client = login(provincial)
    path = workbook(
        tmp_path / "loi.xlsx",
        DangVien=[("900000001", "A", "32/01/1980", "Nam", "C1", "03/04/2010", "")],
    )
    upload(client, path)
    run = ImportRun.objects.get()

    import_job_run(run.pk)

    run.refresh_from_db()
    assert (run.state, run.ok, run.errors[0]["row"], run.errors[0]["column"]) == (
        ImportState.DONE,
        False,
        2,
        "Ngày sinh",
    )
    assert not (media / "imports" / f"{run.pk}.xlsx").exists()
    page = client.get(reverse("reports:import_run", args=[run.pk])).content.decode()
    assert 'data-testid="import-errors"' in page and "32/01/1980" in page


def test_a_run_whose_file_is_gone_fails_and_says_so(
    tree, tmp_path, media, login, provincial, large
):
    client = login(provincial)
    upload(client, valid_workbook(tmp_path))
    run = ImportRun.objects.get()
    (media / "imports" / f"{run.pk}.xlsx").unlink()

    with pytest.raises(FileNotFoundError):
        import_job_run(run.pk)

    run.refresh_from_db()
    assert run.state == ImportState.FAILED and run.error
    page = client.get(reverse("reports:import_run", args=[run.pk])).content.decode()
    assert 'data-testid="import-failed"' in page


def test_a_district_board_cannot_follow_the_run(
    tree, tmp_path, media, login, provincial, outsider_board, large
):
    upload(login(provincial), valid_workbook(tmp_path))
    run = ImportRun.objects.get()
    client = login(outsider_board)
    assert client.get(reverse("reports:import_run", args=[run.pk])).status_code in (403, 404)
    assert client.post(reverse("reports:import_confirm", args=[run.pk])).status_code in (403, 404)
    assert ImportRun.objects.count() == 1
