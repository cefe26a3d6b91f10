"""Registrations for the next year and the follow-up of those rated not completed (issue 15,
items 4 and 5).

A member and a unit register, for a year, the level they strive for and their commitments (bản
đăng ký phấn đấu, đăng ký thi đua); the province sees who registered; that year's review shows
the registration and last year's shortcomings beside it. A unit rated not completed (or "yếu
kém" before 2018, which the rule sets map to not completed) and a member rated not completed get
a remedial plan: the shortcomings, who owns it, steps with due dates; the superior follows its
progress. The 2025 rules (Quy định 366 art. 10, DOMAIN.md R3) make "all shortcomings named at
the last review remedied" a condition of the excellent level: `unremedied_plans` is the rule
check the decisions run."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member
from organizations.counts import path_prefix
from organizations.models import Kind, Organization

from .models import (
    CanonicalLevel,
    CellYear,
    GrassrootsYear,
    MemberAssessment,
    Period,
    Registration,
    RemedialPlan,
    RemedialStep,
)

REMEDIED_CONDITION = "shortcomings_remedied"  # the rule sets' code of R3's condition
MSG_TARGET = _("Choose the level striven for.")
MSG_COMMITMENTS = _("Write the commitments.")
MSG_YEAR = _("Registrations are for a year between %(first)s and %(last)s.")
MSG_CONFLICT = _("Someone else saved this after you opened it; reload the page.")
MSG_NOT_WEAK = _(
    "A remedial plan is for a member or a party organization rated not completed (or weak) in "
    "%(year)s."
)
MSG_PLAN_EXISTS = _("%(subject)s already has a remedial plan for %(year)s.")
MSG_SHORTCOMINGS = _("Name the shortcomings to remedy.")
MSG_OWNER = _("Name who is responsible.")
MSG_STEPS = _("Give at least one step with its due date.")
MSG_STEP_ROW = _("Step %(n)s: give both the step and its due date.")
MSG_REMEDIED_NOTE = _("Say how the shortcomings were remedied.")
MSG_NOT_REMEDIED = _(
    "The shortcomings named in %(year)s (remedial plan) are not marked remedied: the excellent "
    "level requires it."
)


def _attributed_save(row, by, version: int | None) -> None:
    if version is not None and row.pk and row.version != version:
        raise ValidationError(MSG_CONFLICT, code="conflict")
    if row.pk:
        row.version += 1
    row._history_user = by
    row.save()


# --- Registrations ------------------------------------------------------------------------------


@transaction.atomic
def registration_save(
    *,
    year: int,
    target: str,
    commitments: str,
    by,
    member: Member | None = None,
    organization: Organization | None = None,
    version: int | None = None,
) -> Registration:
    """Save the registration of `member` or `organization` for `year`: the level striven for (a
    canonical level) and the commitments. `version` is the one the form showed (0: none yet);
    a stale one raises ValidationError (code "conflict"). Returns the row."""
    errors = {}
    if target not in CanonicalLevel.values:
        errors["target"] = MSG_TARGET
    if not commitments.strip():
        errors["commitments"] = MSG_COMMITMENTS
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year + 1:
        errors["year"] = MSG_YEAR % {"first": 2000, "last": this_year + 1}
    if errors:
        raise ValidationError(errors)
    subject = {"member": member} if member is not None else {"organization": organization}
    row = Registration.objects.select_for_update().filter(year=year, **subject).first()
    if row is None:
        if version not in (None, 0):
            raise ValidationError(MSG_CONFLICT, code="conflict")
        row = Registration(year=year, **subject)
    elif version == 0:
        raise ValidationError(MSG_CONFLICT, code="conflict")
    row.target, row.commitments, row.registered_by = target, commitments.strip(), by
    _attributed_save(row, by, version)
    return row


def registration_rows(unit: Organization, year: int) -> list[dict]:
    """Who registered for `year`: for the unit and each child unit, its current members and
    those registered, its cells and grassroots organizations and those registered. Counted in
    the database on the tree path (a fixed number of queries)."""
    children = list(Organization.objects.filter(path__startswith=unit.path, depth=unit.depth + 1))
    length = (unit.depth + 1) * Organization.steplen
    members = dict(
        Member.objects.in_subtree(unit)
        .current()
        .annotate(prefix=path_prefix("cell__path", length))
        .order_by()
        .values_list("prefix")
        .annotate(n=Count("id"))
    )
    registered = dict(
        Registration.objects.filter(year=year, member__cell__path__startswith=unit.path)
        .annotate(prefix=path_prefix("member__cell__path", length))
        .order_by()
        .values_list("prefix")
        .annotate(n=Count("id"))
    )
    units_kinds = [Kind.SUBORDINATE_CELL, Kind.GRASSROOTS_CELL, Kind.GRASSROOTS_COMMITTEE]
    units = dict(
        Organization.objects.filter(path__startswith=unit.path, kind__in=units_kinds)
        .annotate(prefix=path_prefix("path", length))
        .order_by()
        .values_list("prefix")
        .annotate(n=Count("id"))
    )
    units_registered = dict(
        Registration.objects.filter(
            year=year,
            organization__path__startswith=unit.path,
            organization__kind__in=units_kinds,
        )
        .annotate(prefix=path_prefix("organization__path", length))
        .order_by()
        .values_list("prefix")
        .annotate(n=Count("id"))
    )

    def row(label_unit, paths: Iterable[str]) -> dict:
        paths = list(paths)
        return {
            "unit": label_unit,
            "members": sum(members.get(p, 0) for p in paths),
            "members_registered": sum(registered.get(p, 0) for p in paths),
            "units": sum(units.get(p, 0) for p in paths),
            "units_registered": sum(units_registered.get(p, 0) for p in paths),
        }

    everything = set(members) | set(units) | {unit.path[:length]}
    return [row(unit, everything), *(row(child, [child.path]) for child in children)]


def cell_registrations(cell: Organization, year: int) -> tuple[list, Registration | None]:
    """A cell's current members with their registration for `year` (or None), and the cell's."""
    found = {r.member_id: r for r in Registration.objects.filter(year=year, member__cell=cell)}
    members = Member.objects.filter(cell=cell).current().order_by("full_name", "pk")
    own = Registration.objects.filter(year=year, organization=cell).first()
    return [(m, found.get(m.pk)) for m in members], own


# --- What the next review shows beside it ---------------------------------------------------------


def review_context(*, member: Member | None = None, unit: Organization | None = None, year: int):
    """For the review of `year`: the registration made for it, last year's shortcomings (the
    member's self-review or the cell's report), and last year's remedial plan with its steps."""
    subject = {"member": member} if member is not None else {"organization": unit}
    registration = Registration.objects.filter(year=year, **subject).first()
    plan = (
        RemedialPlan.objects.filter(period__year=year - 1, **subject)
        .prefetch_related("steps")
        .first()
    )
    if member is not None:
        last = (
            MemberAssessment.objects.filter(member=member, cell_year__period__year=year - 1)
            .select_related("decided_level")
            .first()
        )
        shortcomings = last.shortcomings if last else ""
    else:
        last = (
            CellYear.objects.filter(cell=unit, period__year=year - 1)
            .select_related("decided_level")
            .first()
        )
        shortcomings = last.report_shortcomings if last else ""
    return {
        "registration": registration,
        "last_year": last,
        "last_shortcomings": shortcomings,
        "plan": plan,
        "year": year,
    }


# --- Remedial plans -----------------------------------------------------------------------------


def _not_completed(level) -> bool:
    return level is not None and level.maps_to == CanonicalLevel.NOT_COMPLETED


def subject_rated_weak(period: Period, *, member=None, organization=None) -> bool:
    """Whether the subject's decided level in `period` is not completed (or "yếu kém")."""
    if member is not None:
        rows = MemberAssessment.objects.filter(member=member, cell_year__period=period)
    elif organization.is_grassroots and organization.kind != Kind.GRASSROOTS_CELL:
        rows = GrassrootsYear.objects.filter(organization=organization, period=period)
    else:
        rows = CellYear.objects.filter(cell=organization, period=period)
        if organization.kind == Kind.GRASSROOTS_CELL:
            rows = [*rows, *GrassrootsYear.objects.filter(organization=organization, period=period)]
    return any(_not_completed(row.decided_level) for row in rows)


@transaction.atomic
def remedial_plan_create(
    *,
    period: Period,
    shortcomings: str,
    owner: str,
    steps: Sequence[tuple[str, datetime.date | None]],
    by,
    member: Member | None = None,
    organization: Organization | None = None,
) -> RemedialPlan:
    """A remedial plan for a member or unit rated not completed in `period`, with its steps
    (text, due date). Raises ValidationError naming the field or the step row; nothing is
    written then."""
    subject_name = member.full_name if member is not None else organization.name
    if not subject_rated_weak(period, member=member, organization=organization):
        raise ValidationError(MSG_NOT_WEAK % {"year": period.year}, code="not_weak")
    subject = {"member": member} if member is not None else {"organization": organization}
    if RemedialPlan.objects.filter(period=period, **subject).exists():
        raise ValidationError(
            MSG_PLAN_EXISTS % {"subject": subject_name, "year": period.year}, code="exists"
        )
    errors = {}
    if not shortcomings.strip():
        errors["shortcomings"] = MSG_SHORTCOMINGS
    if not owner.strip():
        errors["owner"] = MSG_OWNER
    given = [(i, text.strip(), due) for i, (text, due) in enumerate(steps, start=1)]
    bad = [i for i, text, due in given if bool(text) != bool(due)]
    if bad:
        errors["steps"] = [MSG_STEP_ROW % {"n": i} for i in bad]
    elif not any(text for _i, text, _due in given):
        errors["steps"] = MSG_STEPS
    if errors:
        raise ValidationError(errors)
    plan = RemedialPlan(
        period=period,
        unit=member.cell if member is not None else organization,
        shortcomings=shortcomings.strip(),
        owner=owner.strip(),
        created_by=by,
        **subject,
    )
    _attributed_save(plan, by, None)
    for _i, text, due in given:
        if text:
            step = RemedialStep(plan=plan, text=text, due=due)
            _attributed_save(step, by, None)
    return plan


@transaction.atomic
def remedial_step_done(
    *, step: RemedialStep, done_on: datetime.date | None, by, version: int | None
) -> RemedialStep:
    """Mark a step done on `done_on` (None: not done)."""
    row = RemedialStep.objects.select_for_update().get(pk=step.pk)
    row.done_on = done_on
    _attributed_save(row, by, version)
    return row


@transaction.atomic
def remedial_plan_remedied(
    *, plan: RemedialPlan, remedied_on: datetime.date, note: str, by, version: int | None
) -> RemedialPlan:
    """The follower records that the shortcomings were remedied, and how."""
    row = RemedialPlan.objects.select_for_update().get(pk=plan.pk)
    if not note.strip():
        raise ValidationError({"remedy_note": MSG_REMEDIED_NOTE})
    row.remedied_on, row.remedy_note = remedied_on, note.strip()
    _attributed_save(row, by, version)
    return row


def plans_in(unit: Organization, period: Period) -> QuerySet:
    """The plans of `period` in `unit`'s subtree with their progress: steps, steps done, steps
    past due and not done."""
    today = timezone.localdate()
    return (
        RemedialPlan.objects.filter(period=period, unit__path__startswith=unit.path)
        .select_related("member", "organization", "unit")
        .prefetch_related("steps")
        .annotate(
            n_steps=Count("steps"),
            n_done=Count("steps", filter=Q(steps__done_on__isnull=False)),
            n_late=Count("steps", filter=Q(steps__done_on__isnull=True, steps__due__lt=today)),
        )
        .order_by("unit__path", "pk")
    )


def plans_missing(unit: Organization, period: Period) -> list[tuple[str, object, str]]:
    """Members and units of the subtree rated not completed in `period` without a plan yet, as
    (subject key "m<pk>"/"u<pk>", subject, name)."""
    weak = Q(decided_level__maps_to=CanonicalLevel.NOT_COMPLETED)
    members = (
        MemberAssessment.objects.filter(
            weak, cell_year__period=period, cell_year__cell__path__startswith=unit.path
        )
        .exclude(member__remedial_plans__period=period)
        .select_related("member", "cell_year__cell")
    )
    cells = (
        CellYear.objects.filter(weak, period=period, cell__path__startswith=unit.path)
        .exclude(cell__remedial_plans__period=period)
        .select_related("cell")
    )
    organizations = (
        GrassrootsYear.objects.filter(weak, period=period, organization__path__startswith=unit.path)
        .exclude(organization__remedial_plans__period=period)
        .select_related("organization")
    )
    result = [(f"m{a.member_id}", a.member, a.member.full_name) for a in members]
    seen = set()
    for row in [*cells, *organizations]:
        org = getattr(row, "cell", None) or row.organization
        if org.pk not in seen:
            seen.add(org.pk)
            result.append((f"u{org.pk}", org, org.name))
    return result


# --- The rule check (R3, 2025: shortcomings remedied) ------------------------------------------


def requires_remedy(level) -> bool:
    """Whether `level`'s conditions include "all shortcomings named at the last review
    remedied" (rule-set data; Quy định 366 art. 10 for the excellent level)."""
    return level is not None and any(
        c.get("code") == REMEDIED_CONDITION for c in (level.conditions or [])
    )


def unremedied_plans(plans: Iterable[RemedialPlan], year: int) -> list[RemedialPlan]:
    """The plans of years before `year` not marked remedied (`plans` may be prefetched)."""
    return [p for p in plans if p.period.year < year and p.remedied_on is None]


def remedy_problems(plans: Iterable[RemedialPlan], level, year: int) -> list[str]:
    """R3 (2025–): an excellent level with shortcomings of an earlier review not remedied."""
    if not requires_remedy(level):
        return []
    return [str(MSG_NOT_REMEDIED % {"year": p.period.year}) for p in unremedied_plans(plans, year)]
