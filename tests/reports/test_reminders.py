"""Reminders before each level's deadline and late notices after it (issue 8, item 1; R19).

The year 2025 (deadlines: cells 20/12, grassroots 31/12, superior committees 31/12, the
province's dossier 01/02/2026), with the cast's users and one more secretary:

    C1  no record yet, two members without votes   secretary     → work open
    C2  submitted, waiting for G1's decision        secretary2    → done
    C3  decided                                     outsider      → done
    GC  grassroots cell with no record, nobody holds its secretary role
    G1  one submitted cell to decide, own level open   committee
    A, B  no yearly report                          district_board, outsider_board
    P   no yearly report                            provincial

The last test runs a real `celery beat` and a real worker on Redis; the clock is pinned with the
REMINDERS_TODAY setting (a test hook read by the task).
"""

import datetime
import email
import os
import re
import subprocess
import sys
import time
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from assessment.models import CellState, CellYear, GrassrootsYear
from config.celery_app import app
from organizations.models import Notification, Role
from reports.models import ReminderKind, ReminderSent
from reports.reminders import (
    MSG_LATE,
    MSG_LATE_BELOW,
    MSG_REMINDER,
    WORK_CELL_REVIEW,
    WORK_CELLS_TO_DECIDE,
    WORK_OWN_LEVEL,
    WORK_UNITS_TO_DECIDE,
    WORK_UNVOTED,
    WORK_YEARLY_REPORT,
    late_notice_due,
    open_work,
    reminder_offset,
    reminders_send,
)
from reports.submissions import report_submit
from reports.tasks import send_deadline_reminders
from tests.factories import MemberFactory, UserFactory, assign

DUE = datetime.date(2025, 12, 20)


@pytest.fixture
def secretary2(tree):
    user = UserFactory(username="secretary2")
    assign(user, Role.CELL_SECRETARY, tree.c2)
    return user


@pytest.fixture
def cast(
    period,
    tree,
    secretary,
    secretary2,
    outsider,
    committee,
    district_board,
    outsider_board,
    provincial,
):
    """The year above; every user has an e-mail address named after them."""
    users = {
        u.username: u
        for u in (
            secretary,
            secretary2,
            outsider,
            committee,
            district_board,
            outsider_board,
            provincial,
        )
    }
    for user in users.values():
        user.email = f"{user.username}@example.vn"
        user.save()
    MemberFactory.create_batch(2, cell=tree.c1)
    CellYear.objects.create(
        period=period,
        cell=tree.c2,
        state=CellState.SUBMITTED,
        submitted_at=datetime.datetime(2025, 12, 15, 9, tzinfo=datetime.UTC),
    )
    CellYear.objects.create(period=period, cell=tree.c3, state=CellState.DECIDED)
    return users


def vi(message, **params) -> str:
    """A message as the notices word it: in the site's language (messages are constants)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message % params) if params else str(message)


def work(*items) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return "; ".join(str(item) for item in items)


def step(level: str) -> str:
    from assessment.models import DeadlineLevel

    return vi(DeadlineLevel(level).label)


C1_WORK = (WORK_CELL_REVIEW, WORK_UNVOTED % {"n": 2})


def notices() -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for n in Notification.objects.select_related("user").order_by("id"):
        result.setdefault(n.user.username, []).append(n.text)
    return result


# --- When -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "offset"),
    [(10, None), (8, None), (7, 7), (5, 7), (3, 3), (2, 3), (1, 1), (0, 1), (-1, None)],
)
def test_the_reminder_due_is_the_smallest_offset_at_or_above_the_days_left(days_left, offset):
    today = DUE - datetime.timedelta(days=days_left)
    assert reminder_offset(due=DUE, today=today, offsets=[7, 3, 1]) == offset


def test_a_late_notice_is_due_from_the_day_after_within_the_window():
    day = datetime.timedelta(days=1)
    assert [late_notice_due(due=DUE, today=DUE + n * day, window=7) for n in (0, 1, 7, 8)] == [
        False,
        True,
        True,
        False,
    ]


# --- Who has work open ------------------------------------------------------------------------


@pytest.mark.django_db
def test_who_has_work_open_at_each_level(period, tree, cast):
    cells = {w.unit.code: w.describe() for w in open_work(period=period, level="cell")}
    assert cells == {"C1": work(*C1_WORK), "GC": work(WORK_CELL_REVIEW)}
    grassroots = {w.unit.code: w.describe() for w in open_work(period=period, level="grassroots")}
    assert grassroots == {
        "G1": work(WORK_CELLS_TO_DECIDE % {"n": 1}, WORK_OWN_LEVEL),
        "G2": work(WORK_OWN_LEVEL),
        "GC": work(WORK_OWN_LEVEL),
    }
    GrassrootsYear.objects.create(period=period, organization=tree.g2, state=CellState.SUBMITTED)
    report_submit(
        unit=tree.district_a,
        period=period,
        by=cast["district"],
        signer_name="Bí",
        signer_title="Phó Bí thư",
    )
    superiors = {w.unit.code: w.describe() for w in open_work(period=period, level="superior")}
    assert superiors == {"B": work(WORK_UNITS_TO_DECIDE % {"n": 1}, WORK_YEARLY_REPORT)}
    province = {w.unit.code: w.describe() for w in open_work(period=period, level="province")}
    assert province == {"P": work(WORK_YEARLY_REPORT)}


# --- Sending, in process ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reminder_goes_once_to_those_with_open_work_and_none_to_those_done(period, cast):
    assert reminders_send(today=datetime.date(2025, 12, 12)).notifications == 0  # 8 days left
    sent = reminders_send(today=datetime.date(2025, 12, 17))
    assert (sent.reminders, sent.notifications) == (1, 1)
    text = vi(
        MSG_REMINDER,
        unit="Chi bộ thôn 1",
        year=2025,
        due="20/12/2025",
        step=step("cell"),
        work=work(*C1_WORK),
    )
    assert notices() == {"secretary": [text]}
    assert reminders_send(today=datetime.date(2025, 12, 17)).notifications == 0
    assert reminders_send(today=datetime.date(2025, 12, 18)).notifications == 0  # same offset
    assert reminders_send(today=datetime.date(2025, 12, 19)).notifications == 1  # 1 day left
    row = ReminderSent.objects.get(offset=1)
    assert (row.unit.code, row.kind, row.due, row.recipients) == ("C1", "before", DUE, 1)


@pytest.mark.django_db
def test_each_level_reminds_its_own_board(period, cast):
    # grassroots and (R19, Hướng dẫn 43 §4.1) superior committees: 7 days left; cells: late
    reminders_send(today=datetime.date(2025, 12, 24))
    reminders_send(today=datetime.date(2026, 1, 25))  # the province: 7 days left
    got = notices()
    g1 = vi(
        MSG_REMINDER,
        unit="Đảng bộ xã G1",
        year=2025,
        due="31/12/2025",
        step=step("grassroots"),
        work=work(WORK_CELLS_TO_DECIDE % {"n": 1}, WORK_OWN_LEVEL),
    )
    assert got["committee"][1] == g1  # after the late notice of its cell C1
    assert got["district"] == [
        vi(
            MSG_REMINDER,
            unit="Huyện ủy A",
            year=2025,
            due="31/12/2025",
            step=step("superior"),
            work=work(WORK_YEARLY_REPORT),
        )
    ]
    assert len(got["outsider_board"]) == 2  # GC's late meeting, then B's own report
    assert "01/02/2026" in got["provincial"][0]
    assert {"secretary2", "outsider"}.isdisjoint(got)


@pytest.mark.django_db
def test_the_day_after_a_missed_deadline_the_unit_and_its_superior_board_are_told_once(
    period, cast
):
    sent = reminders_send(today=datetime.date(2025, 12, 21))
    assert (sent.late, sent.late_below) == (1, 2)
    got = notices()
    params = {"year": 2025, "due": "20/12/2025", "step": step("cell")}
    assert got["secretary"] == [vi(MSG_LATE, unit="Chi bộ thôn 1", work=work(*C1_WORK), **params)]
    units = f"Chi bộ thôn 1 ({work(*C1_WORK)})"
    assert got["committee"] == [vi(MSG_LATE_BELOW, unit="Đảng bộ xã G1", units=units, **params)]
    # A grassroots cell answers to the superior committee that decides its level.
    assert "Chi bộ Trạm Y tế" in got["outsider_board"][0]
    assert set(got) == {"secretary", "committee", "outsider_board"}
    assert reminders_send(today=datetime.date(2025, 12, 22)).notifications == 0
    kinds = sorted(ReminderSent.objects.values_list("kind", "unit__code"))
    assert kinds == [("late", "C1"), ("late_below", "B"), ("late_below", "G1")]


@pytest.mark.django_db
def test_units_without_anyone_to_tell_are_tried_again_later(period, tree, cast):
    reminders_send(today=datetime.date(2025, 12, 17))
    assert not ReminderSent.objects.filter(unit=tree.gc).exists()
    gc_secretary = UserFactory(username="gc_secretary")
    assign(gc_secretary, Role.CELL_SECRETARY, tree.gc)
    assert reminders_send(today=datetime.date(2025, 12, 17)).notifications == 1
    assert Notification.objects.get(user=gc_secretary).url == f"/years/2025/cells/{tree.gc.pk}/"


@pytest.mark.django_db
def test_closed_years_send_nothing(period, cast):
    period.state = "closed"
    period.save()
    assert reminders_send(today=datetime.date(2025, 12, 17)).notifications == 0


def test_the_beat_schedule_runs_the_task_and_the_offsets_are_settings():
    entry = settings.CELERY_BEAT_SCHEDULE["deadline-reminders"]
    assert entry["task"] == "reports.tasks.send_deadline_reminders"
    assert entry["task"] == send_deadline_reminders.name
    assert settings.REMINDER_OFFSETS_DAYS == [7, 3, 1]


# --- A real beat and a real worker ------------------------------------------------------------

RUN = re.compile(r"send_deadline_reminders\[[^\]]+\] succeeded in [^:]+: (\{.*\})")


class Celery:
    """Starts `celery beat` and workers as separate processes on this test database, with
    their logs in files the test reads."""

    def __init__(self, folder: Path):
        db = connection.settings_dict
        self.folder = folder
        self.env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "TEST_DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            ),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(folder / "mail"),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "REMINDERS_EVERY_SECONDS": "1",
        }
        self.processes: list[subprocess.Popen] = []

    def start(self, name: str, *args: str, today: str = "") -> Path:
        log = self.folder / f"{name}.log"
        env = self.env | {"REMINDERS_TODAY": today}
        command = [sys.executable, "-m", "celery", "-A", "config", *args, "-l", "info"]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return log

    def beat(self, name: str) -> Path:
        return self.start(name, "beat", "-s", str(self.folder / "schedule"), "--pidfile=")

    def worker(self, name: str, today: str) -> Path:
        return self.start(
            name,
            "worker",
            "-P",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            today=today,
        )

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            process.wait(timeout=20)
        self.processes.clear()


def runs(log: Path) -> list[str]:
    return RUN.findall(log.read_text(errors="replace")) if log.exists() else []


def mails(folder: Path) -> list[str]:
    """The addressee of every e-mail the workers wrote, whose subject names the product."""
    found = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                message = email.message_from_bytes(raw.strip())
                assert str(make_header(decode_header(message["Subject"]))).startswith("[")
                found.append(message["To"])
    return sorted(found)


def wait_until(check, what: str, logs: list[Path], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    tails = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-2500:]}" for log in logs)
    pytest.fail(f"timed out waiting for {what}\n{tails}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_beat_and_worker_remind_once_then_send_one_late_notice(tmp_path, period, cast):
    celery = Celery(tmp_path)
    app.control.purge()  # nothing left on this broker's default queue from an earlier run
    mail = tmp_path / "mail"
    try:
        beat = celery.beat("beat-1")
        worker = celery.worker("worker-1", today="2025-12-17")
        wait_until(lambda: len(runs(worker)) >= 3 and mails(mail), "reminders", [beat, worker])
        assert mails(mail) == ["secretary@example.vn"]
        assert notices() == {"secretary": [Notification.objects.get().text]}

        # Restart both: the runs go on, and nothing is sent twice.
        celery.stop_all()
        beat = celery.beat("beat-2")
        worker = celery.worker("worker-2", today="2025-12-17")
        wait_until(lambda: len(runs(worker)) >= 3, "runs after a restart", [beat, worker])
        assert all("'notifications': 0" in run for run in runs(worker))
        assert mails(mail) == ["secretary@example.vn"]
        assert Notification.objects.count() == ReminderSent.objects.count() == 1

        # The day after the deadline: one late notice to the cell, one to each board above.
        celery.stop_all()
        beat = celery.beat("beat-3")
        worker = celery.worker("worker-3", today="2025-12-21")
        expected = [
            "committee@example.vn",
            "outsider_board@example.vn",
            "secretary@example.vn",
            "secretary@example.vn",
        ]
        wait_until(
            lambda: len(runs(worker)) >= 3 and len(mails(mail)) >= 4, "late notices", [worker]
        )
        assert mails(mail) == expected
        assert {user: len(texts) for user, texts in notices().items()} == {
            "secretary": 2,
            "committee": 1,
            "outsider_board": 1,
        }
        assert ReminderSent.objects.filter(kind=ReminderKind.LATE).count() == 1
        assert sum("'notifications': 0" not in run for run in runs(worker)) == 1
    finally:
        celery.stop_all()
