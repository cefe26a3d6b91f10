"""One home for the year's progress rules (issue 12: "one home per shared rule"). The dashboard,
the calendar, the reminders, the summary and the committee's inbox all ask here:

- done or open: a cell's or an organization's record is *done* once submitted (then decided);
  a returned record is open again and its earlier submission is void;
- late (R19): done work is late when it was done after its level's deadline, open work once the
  deadline has passed; late work is still accepted, and marked;
- members not on a roster yet: in an open year, current members of a cell whose roster for the
  year is not drawn yet; they count as still to be assessed (the roster, when drawn, may find
  some not classified).

Each rule exists once for one record (a function) and once for rows in SQL (a Q or a QuerySet),
and the two agree (tests/reports/test_pages_agree.py).
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from members.models import MemberQuerySet

from . import rules
from .machine import DONE_STATES, OPEN_STATES
from .models import Period


def done_at(record) -> datetime.datetime | None:
    """When a cell year or grassroots year was done: its submission, unless it was returned
    since (or never submitted). Takes a record or None (no record yet: not started)."""
    if record is None or record.state not in DONE_STATES:
        return None
    return record.submitted_at


def record_is_late(record, *, due: datetime.date | None, today: datetime.date) -> bool:
    """R19 for one record (or None: not started), against its level's deadline `due`."""
    return rules.is_late(done_at=done_at(record), due=due, today=today)


def _by_unit_year(q_for_due, due: datetime.date) -> Q:
    """R19 (Hướng dẫn 43 §4.1): units whose working year ends later (Organization.
    year_ends_later) answer to `rules.unit_due`; the rows queried are units."""
    later = rules.unit_due(due, year_ends_later=True)
    if later == due:
        return q_for_due(due)
    return (Q(year_ends_later=False) & q_for_due(due)) | (
        Q(year_ends_later=True) & q_for_due(later)
    )


def late_q(relation: str, *, due: datetime.date | None, today: datetime.date) -> Q:
    """R19 for units, as record_is_late decides it for one: done work submitted after the day,
    or (once the day has passed) work still open. `relation` names the year's record from the
    units queried; it may be missing (a cell nobody has opened yet is not started)."""
    if due is None:
        return Q(pk__in=[])

    def late(day: datetime.date) -> Q:
        q = Q(**{f"{relation}__state__in": DONE_STATES, f"{relation}__submitted_at__date__gt": day})
        if rules.is_late(done_at=None, due=day, today=today):
            q |= open_q(relation)
        return q

    return _by_unit_year(late, due)


def on_time_q(relation: str, *, due: datetime.date | None) -> Q:
    """Units whose record was done on or before the day (any done record when there is none)."""
    done = Q(**{f"{relation}__state__in": DONE_STATES})
    if due is None:
        return done
    return _by_unit_year(
        lambda day: (
            done
            & (
                Q(**{f"{relation}__submitted_at__isnull": True})
                | Q(**{f"{relation}__submitted_at__date__lte": day})
            )
        ),
        due,
    )


def open_q(relation: str) -> Q:
    """Rows with no record of the year yet, or a record not done (returned included)."""
    return Q(**{f"{relation}__isnull": True}) | Q(**{f"{relation}__state__in": OPEN_STATES})


def not_on_roster(members: MemberQuerySet, period: Period) -> MemberQuerySet:
    """The current members among `members` admitted by the year's assessment date
    (MemberQuerySet.of_year) who have no record for `period` yet. Meaningful for an open year
    (a closed year's records are all there is)."""
    return members.of_year(period).exclude(assessments__cell_year__period=period)
