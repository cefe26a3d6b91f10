"""Working groups of a superior committee (issue 15 item 7): the standing committee forms groups
(tổ công tác) of named officials for a year, assigns each the grassroots organizations it guides
(one group per unit and year), and records which official attended each unit's review meeting
and what they concluded (Bắc Bình 2017: ten groups over 43 grassroots organizations).

Every write runs in one transaction, is refused in a closed year, leaves a history row with its
author, and compares the version the form was loaded with (STYLE.md rule 10)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from organizations.models import GRASSROOTS_KINDS, Organization

from .cell_year import Conflict
from .models import Period, WorkingGroup, WorkingGroupOfficial, WorkingGroupUnit

MSG_YEAR_CLOSED = _("The year %(year)s is closed: its working groups can no longer be changed.")
MSG_NAME = _("Give the working group a name.")
MSG_NAME_TAKEN = _("A working group named “%(name)s” already exists this year.")
MSG_NO_OFFICIAL = _("Name at least one official of the working group.")
MSG_OFFICIAL_LINE = _(
    "Line %(line)s: write “full name — title”, e.g. “Nguyễn Văn An — Phó Bí thư”."
)
MSG_NOT_DECIDED_HERE = _("%(unit)s is not a party organization this committee decides.")
MSG_IN_OTHER_GROUP = _("%(unit)s is already assigned to the working group “%(group)s”.")
MSG_ATTENDEE_OUTSIDE = _("The attending official must be a member of the working group.")
MSG_ATTENDED_ASSIGNED = _(
    "%(unit)s cannot leave the group: its review meeting was attended by %(official)s."
)

# Between a name and a title: an em or en dash, a hyphen between spaces, or a comma.
SEPARATOR = re.compile(r"\s*[—–]\s*|\s+-\s+|^-\s*|\s*,\s*")


def decides(superior: Organization, unit: Organization) -> bool:
    """Whether `superior` decides `unit`'s level (step 8): a grassroots organization whose
    deciding superior it is."""
    return unit.kind in GRASSROOTS_KINDS and (
        Organization.objects.deciding_superior(unit).pk == superior.pk
    )


def decided_units(superior: Organization) -> QuerySet[Organization]:
    """The grassroots organizations `superior` decides, in tree order."""
    below = Organization.objects.in_subtree(superior).filter(kind__in=GRASSROOTS_KINDS)
    # A superior committee's children; the province decides those directly under it.
    return below.filter(depth=superior.depth + 1)


def parse_officials(text: str) -> list[tuple[str, str]]:
    """Officials typed one a line as "full name — title" (a dash, an en or em dash, or a comma
    separates them; the title may be left out). Raises ValidationError naming the line."""
    officials = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = " ".join(line.split())
        if not line:
            continue
        parts = SEPARATOR.split(line, maxsplit=1)
        name, title = parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")
        if not name or len(name) > 120 or len(title) > 255:
            raise ValidationError(MSG_OFFICIAL_LINE % {"line": number}, code="official")
        officials.append((name, title))
    return officials


def _check_open(period: Period) -> None:
    if not period.is_open():
        raise ValidationError(MSG_YEAR_CLOSED % {"year": period.year}, code="closed")


def _check_units(superior, period, units, group_pk) -> None:
    for unit in units:
        if not decides(superior, unit):
            raise ValidationError(MSG_NOT_DECIDED_HERE % {"unit": unit.name}, code="unit")
    taken = (
        WorkingGroupUnit.objects.filter(period=period, unit__in=units)
        .exclude(group_id=group_pk)
        .select_related("unit", "group")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            MSG_IN_OTHER_GROUP % {"unit": taken.unit.name, "group": taken.group.name},
            code="taken",
        )


@transaction.atomic
def working_group_save(
    *,
    superior: Organization,
    period: Period,
    name: str,
    officials: Sequence[tuple[str, str]],
    units: Sequence[Organization],
    by: AbstractBaseUser | None,
    group: WorkingGroup | None = None,
    version: int | None = None,
) -> WorkingGroup:
    """Form (`group` None) or change a working group of `superior` for `period`: its name, its
    officials (names and titles, in order) and the units it guides. An official who attended a
    meeting keeps their row when their name stays; a unit whose meeting was attended stays.
    Raises ValidationError (closed year, no name, no official, a unit not decided by `superior`
    or already in another group) or Conflict (the group changed since `version`)."""
    _check_open(period)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": MSG_NAME})
    if not officials:
        raise ValidationError({"officials": MSG_NO_OFFICIAL})
    if group is not None:
        group = WorkingGroup.objects.select_for_update().get(pk=group.pk)
        if version is not None and group.version != version:
            raise Conflict(group)
    same_name = WorkingGroup.objects.filter(period=period, superior=superior, name=name)
    if same_name.exclude(pk=group.pk if group else None).exists():
        raise ValidationError({"name": MSG_NAME_TAKEN % {"name": name}})
    _check_units(superior, period, units, group.pk if group else None)
    if group is None:
        group = WorkingGroup(period=period, superior=superior, created_by=by)
    else:
        group.version += 1
    group.name = name
    group._history_user = by
    group.save()
    _officials_replace(group, officials, by)
    _units_replace(group, period, units, by)
    return group


def _officials_replace(group: WorkingGroup, officials, by) -> None:
    existing = {(o.full_name, o.title): o for o in group.officials.all()}
    keep = set()
    for order, (full_name, title) in enumerate(officials):
        row = existing.get((full_name, title)) or WorkingGroupOfficial(
            group=group, full_name=full_name, title=title
        )
        if row.pk is None or row.order != order:
            row.order = order
            row._history_user = by
            row.save()
        keep.add(row.pk)
    for row in group.officials.exclude(pk__in=keep):
        row._history_user = by
        row.delete()  # an attended meeting's attendee becomes empty (SET_NULL) in its history


def _units_replace(group: WorkingGroup, period: Period, units, by) -> None:
    wanted = {unit.pk for unit in units}
    current = {row.unit_id: row for row in group.units.select_related("attendee", "unit")}
    for unit_pk, row in current.items():
        if unit_pk in wanted:
            continue
        if row.attendee_id:
            raise ValidationError(
                MSG_ATTENDED_ASSIGNED % {"unit": row.unit.name, "official": row.attendee},
                code="attended",
            )
        row._history_user = by
        row.delete()
    for unit in units:
        if unit.pk not in current:
            row = WorkingGroupUnit(period=period, group=group, unit=unit)
            row._history_user = by
            row.save()


@transaction.atomic
def attendance_record(
    *,
    row: WorkingGroupUnit,
    version: int,
    attendee: WorkingGroupOfficial | None,
    meeting_on: datetime.date | None,
    conclusion: str,
    by: AbstractBaseUser | None,
) -> WorkingGroupUnit:
    """Record which official of the group attended the unit's review meeting, on which day, and
    their conclusion. An unchanged row is not written. Raises ValidationError (closed year, an
    official of another group) or Conflict (the row changed since `version`)."""
    locked = WorkingGroupUnit.objects.select_for_update().select_related("period").get(pk=row.pk)
    if locked.version != version:
        raise Conflict(locked)
    _check_open(locked.period)
    if attendee is not None and attendee.group_id != locked.group_id:
        raise ValidationError({"attendee": MSG_ATTENDEE_OUTSIDE})
    conclusion = conclusion.strip()
    new = (attendee.pk if attendee else None, meeting_on, conclusion)
    if (locked.attendee_id, locked.meeting_on, locked.conclusion) == new:
        return locked
    locked.attendee, locked.meeting_on, locked.conclusion = attendee, meeting_on, conclusion
    locked.version += 1
    locked._history_user = by
    locked.save()
    return locked


def units_without_attendee(unit: Organization, period: Period) -> QuerySet[Organization]:
    """The grassroots organizations in `unit`'s subtree (active in the year) with no official
    recorded as attending their review meeting for `period`: not assigned to a working group,
    or assigned without an attendee. For the progress dashboard."""
    attended = WorkingGroupUnit.objects.filter(
        period=period, unit=OuterRef("pk"), attendee__isnull=False
    )
    day = period.assessment_date
    return (
        Organization.objects.in_subtree(unit)
        .filter(kind__in=GRASSROOTS_KINDS)
        .active_on(day)
        .filter(~Exists(attended))
    )
