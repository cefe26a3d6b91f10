"""Access to the reports' objects (STYLE.md rule 3): exports, import runs, yearly reports and
the units that report. Outside the user's scope: 404, as if missing; inside it without the
role: 403."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from organizations.access import (
    get_organization_for_user,
    is_administrator,
    unit_assignments,
    visible_organizations,
)
from organizations.models import Organization

from .models import ExportJob, ImportRun, ReportSubmission


def get_export_job_for_user(user: AbstractBaseUser, pk: int) -> ExportJob:
    """A job is its requester's, and only while the unit is still in their scope."""
    job = get_object_or_404(
        ExportJob.objects.select_related("unit", "period"), pk=pk, user_id=user.pk
    )
    get_organization_for_user(user, job.unit_id)
    return job


def can_import(user: AbstractBaseUser) -> bool:
    """An import writes anywhere in a province: administrators, and managers whose scope is a
    whole province (the provincial organization board)."""
    return is_administrator(user) or any(
        a.can_manage and a.organization.is_root() for a in unit_assignments(user)
    )


def visible_import_runs(user: AbstractBaseUser):
    """A user sees their own runs; an administrator every run."""
    runs = ImportRun.objects.select_related("user", "confirms")
    return runs if is_administrator(user) else runs.filter(user=user)


def get_import_run_for_user(user: AbstractBaseUser, pk: int) -> ImportRun:
    """Someone else's run answers 404, as if missing."""
    try:
        return visible_import_runs(user).get(pk=pk)
    except ImportRun.DoesNotExist:
        raise Http404 from None


def can_submit_report(user: AbstractBaseUser, unit: Organization) -> bool:
    """The unit's own board (the superior committee's board, the province's organization
    board) submits its report; an administrator may stand in."""
    from .submissions import REPORT_ROLES

    role = REPORT_ROLES.get(unit.kind)
    return role is not None and (
        is_administrator(user)
        or any(a.role == role and a.organization == unit for a in unit_assignments(user))
    )


def get_reporting_unit_for_user(
    user: AbstractBaseUser, pk: int, *, write: bool = False
) -> Organization:
    """A unit that reports upward (a superior committee, the province) in the user's scope;
    writing (submitting its report) needs its board's role."""
    from .submissions import submits_report

    unit = get_organization_for_user(user, pk)
    if not submits_report(unit):
        raise Http404
    if write and not can_submit_report(user, unit):
        raise PermissionDenied
    return unit


def get_submission_for_user(user: AbstractBaseUser, pk: int) -> ReportSubmission:
    """A report is seen by whoever sees its unit; outside the scope it answers 404."""
    submission = (
        ReportSubmission.objects.select_related("unit", "period__rule_set", "submitted_by")
        .filter(unit__in=visible_organizations(user).values("pk"), pk=pk)
        .first()
    )
    if submission is None:
        raise Http404
    return submission
