"""Issue 16: the demo year of meetings is written in bulk and reads back through the services."""

import pytest
from django.core.management import CommandError, call_command

from assessment import meetings
from assessment.meetings_demo import meetings_seed
from assessment.models import CellMeeting, CellMeetingAttendance, CellMeetingKind
from tests.factories import MemberFactory


def test_the_seed_gives_every_cell_its_meetings_and_every_member_a_row(tree, period):
    members = MemberFactory.create_batch(10, cell=tree.c1) + MemberFactory.create_batch(
        5, cell=tree.c3
    )
    counts = meetings_seed(year=2025, months=12, seed=3)
    regular = CellMeeting.objects.filter(kind=CellMeetingKind.REGULAR)
    assert counts["cells"] == 4  # C1, C2, C3, GC
    assert 4 * 9 <= regular.count() <= 4 * 12
    assert counts["meetings"] == CellMeeting.objects.count()
    c1_meetings = CellMeeting.objects.filter(cell=tree.c1).count()
    assert CellMeetingAttendance.objects.filter(meeting__cell=tree.c1).count() == 10 * c1_meetings
    assert counts["attendance"] == CellMeetingAttendance.objects.count()
    by_member = meetings.attendance_by_member(members=[m.pk for m in members], year=2025)
    assert by_member[members[0].pk].held == c1_meetings
    # deterministic for a seed
    first = list(CellMeeting.objects.order_by("pk").values_list("held_on", flat=True))
    CellMeeting.objects.all().delete()
    meetings_seed(year=2025, months=12, seed=3)
    assert list(CellMeeting.objects.order_by("pk").values_list("held_on", flat=True)) == first


def test_the_command_refuses_a_year_that_has_meetings(tree, period):
    MemberFactory.create_batch(2, cell=tree.c1)
    call_command("seed_meetings", "--year", "2025", "--months", "3")
    with pytest.raises(CommandError):
        call_command("seed_meetings", "--year", "2025")
    call_command("seed_meetings", "--year", "2025", "--skip-if-present")
