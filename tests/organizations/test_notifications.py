import logging

import pytest
from django.core import mail
from django.urls import reverse
from kombu.exceptions import OperationalError

from assessment import cell_year as work
from organizations.models import Notification
from organizations.notifications import _enqueue, notify
from organizations.tasks import send_notification_emails

from ..assessment.test_decisions import accept_proposals, issue, submitted_cell

pytestmark = pytest.mark.django_db


def texts(user):
    return [n.text for n in Notification.objects.filter(user=user)]


def test_a_submission_notifies_the_grassroots_committee(
    period, tree, secretary, committee, outsider_board, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})
    assert texts(committee) == [
        "Chi bộ thôn 1 đã gửi kết quả kiểm điểm và mức xếp loại đề xuất năm 2025."
    ]
    assert texts(outsider_board) == [] and texts(secretary) == []
    assert len(callbacks) == 1  # the e-mail is queued once the transaction commits


def test_a_return_notifies_the_secretary_and_a_decision_the_persons_concerned(
    period, tree, secretary, committee, alice_member
):
    cell_year = submitted_cell(period, tree.c1, secretary, 2, {"HTTNV": 2})  # + Alice absent
    work.cell_return(cell_year=cell_year, reason="Thiếu biên bản", by=committee)
    assert any("Thiếu biên bản" in t for t in texts(secretary))
    cell_year = work.cell_submit(cell_year=cell_year, by=secretary)
    accept_proposals(cell_year, committee)
    decision = issue(cell_year, committee)
    assert any(str(decision) in t for t in texts(secretary))
    assert any(str(decision) in t for t in texts(alice_member.user))


def test_the_task_sends_each_email_once(tree, committee):
    committee.email = "dangbo@example.vn"
    committee.save()
    [row] = notify(users=[committee, committee], text="Chi bộ thôn 1 đã gửi kết quả", url="/x/")
    assert send_notification_emails([row.pk]) == 1
    assert send_notification_emails([row.pk]) == 0  # a redelivered task sends nothing twice
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dangbo@example.vn"]
    assert "Chi bộ thôn 1" in mail.outbox[0].subject


def test_a_broker_that_is_down_does_not_fail_the_request(caplog, monkeypatch):
    """The broker is outside the system: its client's own error stands in for an outage."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_notification_emails, "delay", refuse)
    with caplog.at_level(logging.WARNING, logger="organizations.notifications"):
        _enqueue([1, 2])
    assert "not queued" in caplog.text


def test_the_page_lists_only_ones_own_notices_and_marks_them_read(
    login, tree, secretary, committee
):
    notify(users=[secretary], text="Cho bí thư")
    notify(users=[committee], text="Cho đảng ủy")
    client = login(secretary)
    page = client.get(reverse("organizations:notifications"))
    html = page.content.decode()
    assert "Cho bí thư" in html and "Cho đảng ủy" not in html
    assert 'data-testid="unread">1<' in html
    client.post(reverse("organizations:notifications"))
    assert not Notification.objects.filter(user=secretary, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=committee, read_at__isnull=True).exists()


def test_anonymous_users_are_sent_to_login(client, db):
    assert client.get(reverse("organizations:notifications")).status_code == 302


def test_a_superiors_return_of_a_report_notifies_the_organizations_committee(
    period, tree, secretary, committee, district_board, level, django_capture_on_commit_callbacks
):
    """Issue 12, fault 10: like a cell's return, the superior's return of an organization's
    report tells the committee why, in the app and by e-mail."""
    from assessment import grassroots

    from ..assessment.test_grassroots import g1_done

    year = g1_done(period, tree, secretary, committee, level)
    grassroots.grassroots_submit(
        grassroots_year=year, report="Báo cáo", proposed_level=level["HTTNV"], by=committee
    )
    with django_capture_on_commit_callbacks() as callbacks:
        grassroots.grassroots_return(
            grassroots_year=year, reason="Bổ sung số liệu đảng viên", by=district_board
        )
    [notice] = [n for n in Notification.objects.filter(user=committee) if "Bổ sung" in n.text]
    assert tree.g1.name in notice.text
    assert notice.url == reverse("assessment:grassroots_year", args=[period.year, tree.g1.pk])
    assert len(callbacks) == 1  # its e-mail is queued on commit
    assert not Notification.objects.filter(user=secretary, text__contains="Bổ sung").exists()


def test_notices_saved_while_the_broker_is_down_are_emailed_by_the_periodic_sweep(
    tree, committee, secretary, monkeypatch, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from organizations.tasks import send_unsent_notification_emails

    committee.email = "dangbo@example.vn"
    committee.save()  # the secretary has no address: nothing to send them

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_notification_emails, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[committee, secretary], text="Chi bộ thôn 1 đã gửi kết quả", url="/x/")
        [old] = notify(users=[committee], text="Thông báo cũ")
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=settings.NOTIFICATION_RETRY_HOURS + 1)
    )
    assert mail.outbox == []  # the broker was down: nothing was sent with the notice
    assert send_unsent_notification_emails() == 1
    assert [m.to for m in mail.outbox] == [["dangbo@example.vn"]]
    assert "Chi bộ thôn 1" in mail.outbox[0].subject
    assert send_unsent_notification_emails() == 0  # sent once
    assert len(mail.outbox) == 1


def test_the_beat_runs_the_sweep():
    from django.conf import settings

    from config.celery_app import app

    entry = settings.CELERY_BEAT_SCHEDULE["notification-emails-retry"]
    assert entry["task"] == "organizations.tasks.send_unsent_notification_emails"
    assert entry["schedule"] == settings.NOTIFICATION_RETRY_EVERY_SECONDS
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
