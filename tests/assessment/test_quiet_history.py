"""Quiet history (issue 19, item 6): votes typed in a burst are one change in the history,
still attributed to their user; another user, a pause longer than the window or a setting of 0
start a new history row."""

import datetime

import pytest
from django.urls import reverse

from assessment import cell_year as work
from assessment.models import Tally
from organizations.models import AuditAction, AuditEvent

from .test_cell_year_services import hold_meeting, members

pytestmark = pytest.mark.django_db


@pytest.fixture
def subject(period, tree, secretary):
    everyone = members(tree, 20)
    cell_year = work.cell_year_open(period=period, cell=tree.c1)
    meeting = hold_meeting(cell_year, secretary, present=everyone)
    assessment = cell_year.assessments.first()
    assert assessment is not None
    return meeting, assessment


def typed(meeting, assessment, by, counts):
    """One save per keystroke, as the meeting page saves while the secretary types."""
    tally = None
    for n in counts:
        tally = work.tally_save(
            meeting=meeting,
            assessment=assessment,
            votes={"HTXSNV": n},
            commendation_proposed=False,
            by=by,
            version=tally.version if tally else None,
        )
    return tally


def test_a_burst_of_votes_is_one_history_row_with_the_last_values(subject, secretary):
    meeting, assessment = subject
    tally = typed(meeting, assessment, secretary, [1, 12, 1, 15])
    rows = list(tally.history.filter(history_user=secretary))
    assert len(rows) == 1
    assert rows[0].votes == {"HTXSNV": 15} and rows[0].version == tally.version
    assert Tally.objects.get(pk=tally.pk).votes == {"HTXSNV": 15}
    events = AuditEvent.objects.filter(
        object_id=str(tally.pk), object_type=Tally._meta.verbose_name, actor=secretary
    )
    assert events.count() == 1
    changes = {c["field"]: (c["old"], c["new"]) for c in events.get().changes}
    assert changes["votes"] == ("{}", "{'HTXSNV': 15}")  # the whole burst: before → after
    assert changes["version"] == (1, 5)


def test_another_user_or_a_pause_starts_a_new_row(subject, secretary, administrator):
    meeting, assessment = subject
    tally = typed(meeting, assessment, secretary, [1, 2])
    tally = typed(meeting, assessment, administrator, [3])
    tally.history.filter(history_user=administrator).update(
        history_date=datetime.datetime(2025, 12, 10, 8, tzinfo=datetime.UTC)
    )
    tally = typed(meeting, assessment, administrator, [4])
    users = [(h.history_user.username, h.votes) for h in tally.history.exclude(history_user=None)]
    assert users == [
        ("admin", {"HTXSNV": 4}),
        ("secretary", {"HTXSNV": 2}),
        ("admin", {"HTXSNV": 3}),
    ]


def test_a_window_of_zero_keeps_every_save(subject, secretary, settings):
    settings.HISTORY_COALESCE_SECONDS = 0
    meeting, assessment = subject
    tally = typed(meeting, assessment, secretary, [1, 2, 3])
    assert tally.history.filter(history_user=secretary).count() == 3


def test_votes_typed_on_the_page_are_one_change(client, subject, secretary, tree):
    meeting, assessment = subject
    client.force_login(secretary)
    url = reverse("assessment:tally", args=[2025, tree.c1.pk])
    version = 0
    for n in ("1", "10", "1", "12"):
        answer = client.post(
            url,
            {"subject": assessment.pk, "version": version, "votes_HTXSNV": n},
            HTTP_HX_REQUEST="true",
        )
        assert answer.status_code == 200
        version = Tally.objects.get(assessment=assessment).version
    tally = Tally.objects.get(assessment=assessment)
    assert tally.votes == {"HTXSNV": 12}
    history = list(tally.history.all())
    assert [(h.history_user, h.votes) for h in history] == [(secretary, {"HTXSNV": 12})]
    created = AuditEvent.objects.get(object_id=str(tally.pk), object_type=Tally._meta.verbose_name)
    assert created.action == AuditAction.CREATE and created.actor == secretary
