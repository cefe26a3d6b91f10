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
