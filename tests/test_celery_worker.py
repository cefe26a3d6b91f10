"""A real Celery worker on Redis sends the notification e-mail (issue 4 acceptance).

The worker is a separate process started here, pointed at this test database and a queue of
its own; it writes e-mails with Django's file backend into a temporary folder."""

import email
import os
import subprocess
import sys
import time
import uuid
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery_app import app

from .assessment.test_decisions import submitted_cell

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def worker(tmp_path):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield tmp_path / "mail", process
    finally:
        app.conf.task_default_queue = previous
        process.terminate()
        process.wait(timeout=20)


def wait_for_files(folder: Path, timeout: float = 45) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.log")) if folder.exists() else []
        if files:
            return files
        time.sleep(0.3)
    return []


def test_a_real_worker_emails_the_committee_when_a_cell_submits(
    worker, period, tree, secretary, committee
):
    mail_dir, process = worker
    committee.email = "dangbo.g1@example.vn"
    committee.save()
    submitted_cell(period, tree.c1, secretary, 3, {"HTTNV": 3})
    files = wait_for_files(mail_dir)
    if not files:
        process.terminate()
        pytest.fail("no e-mail from the worker:\n" + process.stdout.read().decode()[-3000:])
    raw = files[0].read_bytes().split(b"\n" + b"-" * 79)[0]
    message = email.message_from_bytes(raw)
    subject = str(make_header(decode_header(message["Subject"])))
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    assert message["To"] == "dangbo.g1@example.vn"
    assert subject.startswith("[XếpLoại] Chi bộ thôn 1")
    assert "Chi bộ thôn 1" in body and "/years/2025/cells/" in body
