"""Access to the year's work (STYLE.md rule 3). Outside the user's scope: 404, as if missing.
Inside it, a role that may read but not change (a committee on a cell's votes, a member on
someone else's self-review) is refused with 403."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from members.access import visible_members
from organizations.access import (
    get_organization_for_user,
    is_administrator,
    unit_assignments,
    visible_organizations,
)
from organizations.models import Kind, LeadershipCollective, Organization, Role
from organizations.models_collectives import managing_unit

from .models import CellYear, Decision, MemberAssessment, Period


def can_enter_cell_work(user: AbstractBaseUser, cell: Organization) -> bool:
    """The cell secretary enters the cell's work (an administrator may stand in)."""
    return is_administrator(user) or any(
        a.role == Role.CELL_SECRETARY and a.organization.contains(cell)
        for a in unit_assignments(user)
    )


def can_decide_cell_work(user: AbstractBaseUser, cell: Organization) -> bool:
    """The grassroots committee above the cell decides its members' levels and may return its
    work (step 7, R17); a grassroots cell's own committee decides for its members."""
    return (
        is_administrator(user)
        or any(
            a.role == Role.GRASSROOTS_COMMITTEE
            and a.organization.contains(cell)
            and a.organization != cell
            for a in unit_assignments(user)
        )
        or any(
            # a grassroots cell decides for its own members (step 7)
            a.role == Role.GRASSROOTS_COMMITTEE and a.organization == cell
            for a in unit_assignments(user)
        )
    )


def get_period(year: int) -> Period:
    return get_object_or_404(Period.objects.select_related("rule_set"), year=year)


def get_cell_for_user(
    user: AbstractBaseUser, year: int, cell_pk: int, *, write: bool = False
) -> tuple[Organization, Period]:
    """A cell in the user's scope and the year (404 outside it; 403 to write without the
    secretary's role)."""
    return _cell_in_scope(user, cell_pk, write=write), get_period(year)


def _cell_in_scope(user: AbstractBaseUser, cell_pk: int, *, write: bool) -> Organization:
    cell = get_organization_for_user(user, cell_pk)
    if not cell.is_cell:
        raise Http404
    if write and not can_enter_cell_work(user, cell):
        raise PermissionDenied
    return cell


def get_cell_year_for_user(
    user: AbstractBaseUser, year: int, cell_pk: int, *, write: bool = False
) -> CellYear:
    """The cell's year, read only: a lookup never opens it (fault 8 of issue 12); a year the
    cell has not opened, or an unknown year, is missing (404). The year comes with its rule set
    and its review meeting if any (`cell_year.meeting`, read by `cell_year.meeting_of`), in
    one query (issue 18: the meeting page read the year twice and the meeting apart)."""
    cell = _cell_in_scope(user, cell_pk, write=write)
    cell_year = (
        CellYear.objects.filter(period__year=year, cell=cell)
        .select_related("period__rule_set", "meeting")
        .first()
    )
    if cell_year is None:
        raise Http404
    cell_year.cell = cell  # already read: the page's later uses of the cell ask nothing more
    return cell_year


def get_assessment_for_user(
    user: AbstractBaseUser, pk: int, *, write: bool = False
) -> MemberAssessment:
    """A member's assessment: in the user's scope, or the member's own. Writing a self-review
    is for the member themself or the cell secretary entering it from paper."""
    assessment = (
        MemberAssessment.objects.select_related(
            "member",
            "cell_year__cell",
            "cell_year__period__rule_set",
            "self_level",
            "self_review_entered_by",
        )
        .filter(member__in=visible_members(user).values("pk"))
        .filter(pk=pk)
        .first()
    )
    if assessment is None:
        raise Http404
    own = assessment.member.user_id == user.pk
    if write and not (own or can_enter_cell_work(user, assessment.cell_year.cell)):
        raise PermissionDenied
    return assessment


def get_decision_for_user(user: AbstractBaseUser, pk: int) -> Decision:
    """A decision is seen by whoever sees its issuing body, and by whoever sees a member or a
    unit it lists (the cell's secretary, the member): those concerned learn their result."""
    decision = get_object_or_404(
        Decision.objects.select_related("issuer", "period", "issued_by"), pk=pk
    )
    if visible_organizations(user).filter(pk=decision.issuer_id).exists():
        return decision
    if decision.assessments.filter(member__in=visible_members(user).values("pk")).exists():
        return decision
    units = visible_organizations(user).values("pk")
    if (
        decision.cell_years.filter(cell__in=units).exists()
        or decision.grassroots_years.filter(organization__in=units).exists()
        or decision.collective_assessments.filter(collective__organization__in=units).exists()
        or decision.reratings.filter(
            assessment__member__in=visible_members(user).values("pk")
        ).exists()
    ):
        return decision
    raise Http404


def can_submit_grassroots(user: AbstractBaseUser, organization: Organization) -> bool:
    """The grassroots committee submits its organization's own report and level; a commune or
    ward committee's board submits the committee's own (step 8b)."""
    role = Role.SUPERIOR_BOARD if organization.kind == Kind.SUPERIOR else Role.GRASSROOTS_COMMITTEE
    return is_administrator(user) or any(
        a.role == role and a.organization == organization for a in unit_assignments(user)
    )


def can_decide_for_superior(user: AbstractBaseUser, superior: Organization) -> bool:
    """Step 8: the superior committee's board (the province's board for units directly under
    the province) decides its grassroots organizations' levels."""
    role = Role.SUPERIOR_BOARD if superior.kind == Kind.SUPERIOR else Role.PROVINCIAL_BOARD
    return is_administrator(user) or any(
        a.role == role and a.organization == superior for a in unit_assignments(user)
    )


def can_issue_prompts(user: AbstractBaseUser, unit: Organization) -> bool:
    """Review prompts from above (step 1, R28) are given by the committee of a province or of a
    superior committee, through its board (the province's board for the province)."""
    from .models import PROMPT_LEVEL_OF_KIND

    return unit.kind in PROMPT_LEVEL_OF_KIND and can_decide_for_superior(user, unit)


def get_prompt_for_user(user: AbstractBaseUser, pk: int, *, write: bool = False):
    """A review prompt: seen by whoever sees its cell, and by the member it is given to (their
    own); 404 otherwise. Answering (`write`) is for that member, or the cell secretary entering
    the answer from paper (403 for others). A prompt to a leadership collective is seen by
    whoever sees the collective and answered by whoever enters its work."""
    from .models import InputKind, ReviewInput

    prompt = (
        ReviewInput.objects.filter(kind=InputKind.PROMPT, pk=pk)
        .select_related(
            "cell_year__cell",
            "cell_year__period",
            "assessment__member",
            "issuer",
            "collective_year__period",
            "collective_year__collective__organization",
        )
        .first()
    )
    if prompt is None:
        raise Http404
    if prompt.collective_year_id:
        collective = prompt.collective_year.collective
        if not visible_collectives(user).filter(pk=collective.pk).exists():
            raise Http404
        if write and not can_enter_collective_work(user, collective):
            raise PermissionDenied
        return prompt
    own = prompt.assessment_id is not None and prompt.assessment.member.user_id == user.pk
    if not own and not visible_organizations(user).filter(pk=prompt.cell_year.cell_id).exists():
        raise Http404
    if write and not (own or can_enter_cell_work(user, prompt.cell_year.cell)):
        raise PermissionDenied
    return prompt


def rerating_grounds_for_user(user: AbstractBaseUser, assessment: MemberAssessment) -> list[str]:
    """R9: the grounds on which `user` may re-rate a locked result: those the year's rule set
    admits, issued by a body the user decides for (the body that decided the result; the
    superior committee for a later discipline under the 2023–2024 rules)."""
    from .corrections import allowed_grounds, rerating_issuer
    from .models import DecisionState, ReratingGrounds

    decision = assessment.decision
    if decision is None or decision.state != DecisionState.ISSUED:
        return []
    result = []
    for grounds in allowed_grounds(assessment.cell_year.period.rule_set):
        issuer = rerating_issuer(assessment, grounds)
        if grounds == ReratingGrounds.LATER_DISCIPLINE:
            allowed = can_decide_for_superior(user, issuer)
        else:  # the body that decided the cell's members
            allowed = can_decide_cell_work(user, assessment.cell_year.cell)
        if allowed:
            result.append(grounds)
    return result


def can_manage_years(user: AbstractBaseUser) -> bool:
    """Opening and closing a year is the provincial board's (DOMAIN.md section 6, step 0)."""
    return is_administrator(user) or any(
        a.role == Role.PROVINCIAL_BOARD for a in unit_assignments(user)
    )


# --- The cell's meetings (issue 16) --------------------------------------------------------------


def get_meetings_cell_for_user(
    user: AbstractBaseUser, pk: int, *, write: bool = False
) -> Organization:
    """A cell whose meetings the user reads (anyone whose scope holds it) or, with `write`,
    records (its secretary; an administrator may stand in): 404 outside the scope or for a unit
    that is not a cell, 403 inside it without the role."""
    cell = get_organization_for_user(user, pk)
    if not cell.is_cell:
        raise Http404
    if write and not can_enter_cell_work(user, cell):
        raise PermissionDenied
    return cell


def get_cell_meeting_for_user(
    user: AbstractBaseUser, year: int, cell_pk: int, pk: int, *, write: bool = False
):
    """One meeting of a cell in `year`, through `get_meetings_cell_for_user`."""
    from .models import CellMeeting

    cell = get_meetings_cell_for_user(user, cell_pk, write=write)
    return get_object_or_404(
        CellMeeting.objects.select_related("cell", "recorded_by"),
        pk=pk,
        cell=cell,
        held_on__year=year,
    )


# --- Leadership collectives (issue 14 item 1) ----------------------------------------------------


def can_enter_collective_work(user: AbstractBaseUser, collective: LeadershipCollective) -> bool:
    """The collective's own unit enters its review and meeting: the cell's secretary for a
    cell's committee; the grassroots committee for its own and its partial committees'; a
    commune committee's board, or the province's, for their own."""
    unit = collective.organization
    if unit.is_cell:
        return can_enter_cell_work(user, unit)
    if unit.kind == Kind.PARTIAL_COMMITTEE:
        return can_submit_grassroots(user, Organization.objects.grassroots_of(unit))
    if unit.submits_own_level:
        return can_submit_grassroots(user, unit)
    return can_decide_for_superior(user, unit)


def can_decide_collective(user: AbstractBaseUser, collective: LeadershipCollective) -> bool:
    """The board of the unit that manages the collective (`managing_unit`) decides its level."""
    return can_decide_collectives_of(user, managing_unit(collective))


def can_decide_collectives_of(user: AbstractBaseUser, manager: Organization) -> bool:
    """The board that decides for `manager`: a superior's or the province's board, or a
    grassroots committee for the collectives of its cells and partial committees."""
    if manager.decides_grassroots:
        return can_decide_for_superior(user, manager)
    return is_administrator(user) or any(
        a.role == Role.GRASSROOTS_COMMITTEE and a.organization == manager
        for a in unit_assignments(user)
    )


# --- Quarterly assessment of leaders (issue 14 item 6, R27) ------------------------------------


def get_quarter_assessment_for_user(user: AbstractBaseUser, pk: int):
    """A leader's quarter, for whoever sees the member (their cell's scope, or themself); 404
    otherwise, as if missing."""
    from .models_quarters import QuarterAssessment

    row = (
        QuarterAssessment.objects.select_related(
            "member__cell", "quarter__period__rule_set", "self_level", "decided_level"
        )
        .filter(member__in=visible_members(user).values("pk"), pk=pk)
        .first()
    )
    if row is None:
        raise Http404
    return row


def can_write_quarter(user: AbstractBaseUser, row) -> bool:
    """The leader writes their own quarter; the cell secretary may enter it from paper."""
    return row.member.user_id == user.pk or can_enter_cell_work(user, row.member.cell)


def can_decide_quarter(user: AbstractBaseUser, row) -> bool:
    """The committee that decides the member's year decides their quarters."""
    return can_decide_cell_work(user, row.member.cell)


# --- The dossier and the working groups (issue 15 items 7–8) -----------------------------------


def can_keep_dossier(user: AbstractBaseUser, unit: Organization) -> bool:
    """Who files and removes the signed scans of a unit's dossier (R26): the unit's own
    secretary or committee and the boards above it (whoever manages the unit), a cell's
    secretary for the cell; an administrator may stand in."""
    from organizations.access import can_manage

    return can_manage(user, unit) or (unit.is_cell and can_enter_cell_work(user, unit))


def get_dossier_unit_for_user(
    user: AbstractBaseUser, pk: int, *, write: bool = False
) -> Organization:
    """A unit whose dossier the user reads (anyone whose scope holds it) or, with `write`,
    keeps (`can_keep_dossier`): 404 outside the scope, 403 inside it without the role."""
    unit = get_organization_for_user(user, pk)
    if write and not can_keep_dossier(user, unit):
        raise PermissionDenied
    return unit


def get_dossier_scan_for_user(user: AbstractBaseUser, pk: int, *, write: bool = False):
    """A filed scan, only while its unit is in the user's scope (another unit's file answers
    404, as if missing); removing it needs `can_keep_dossier` (403)."""
    from .models import DossierScan

    scan = (
        DossierScan.objects.select_related("unit", "period__rule_set", "uploaded_by")
        .filter(unit__in=visible_organizations(user).values("pk"), pk=pk)
        .first()
    )
    if scan is None:
        raise Http404
    if write and not can_keep_dossier(user, scan.unit):
        raise PermissionDenied
    return scan


def get_group_superior_for_user(
    user: AbstractBaseUser, pk: int, *, write: bool = False
) -> Organization:
    """A superior committee (or the province, for the units directly under it) whose working
    groups the user reads (whoever sees it) or, with `write`, forms (its deciding board)."""
    superior = get_organization_for_user(user, pk)
    if superior.kind not in (Kind.SUPERIOR, Kind.PROVINCE):
        raise Http404
    if write and not can_decide_for_superior(user, superior):
        raise PermissionDenied
    return superior


def get_working_group_for_user(user: AbstractBaseUser, pk: int, *, write: bool = False):
    """A working group, through its superior committee (`get_group_superior_for_user`)."""
    from .models import WorkingGroup

    group = get_object_or_404(WorkingGroup.objects.select_related("period", "superior"), pk=pk)
    get_group_superior_for_user(user, group.superior_id, write=write)
    return group


def get_working_group_unit_for_user(user: AbstractBaseUser, pk: int, *, write: bool = False):
    """A unit's row in a working group (its attendee and conclusion), through the group."""
    from .models import WorkingGroupUnit

    row = get_object_or_404(
        WorkingGroupUnit.objects.select_related("group__superior", "unit", "period", "attendee"),
        pk=pk,
    )
    get_group_superior_for_user(user, row.group.superior_id, write=write)
    return row


# --- After the decision (issue 15): later ratings, re-rating units, complaints -------------------


def get_later_assessment_for_user(user: AbstractBaseUser, pk: int) -> MemberAssessment:
    """A member's assessment whose later rating (R14) the user reads: anyone whose scope holds
    the member (404 outside it). Writing asks the machine (the cell's secretary proposes, the
    grassroots committee returns and decides)."""
    return get_assessment_for_user(user, pk)


def get_grassroots_for_later(user: AbstractBaseUser, pk: int) -> Organization:
    """A grassroots organization whose members rated later the user decides (its committee): 404
    outside the scope or for a unit that is not grassroots, 403 inside it without the role."""
    unit = get_organization_for_user(user, pk)
    if not unit.is_grassroots:
        raise Http404
    if not can_decide_cell_work(user, unit):
        raise PermissionDenied
    return unit


def unit_rerating_grounds_for_user(user: AbstractBaseUser, row) -> list[str]:
    """R9 for a cell's or an organization's year: the grounds the rule set admits, when the user
    decides for the body that issued the decision holding the result."""
    from .corrections import allowed_grounds
    from .models import DecisionState

    decision = row.decision
    if decision is None or decision.state != DecisionState.ISSUED:
        return []
    issuer = decision.issuer
    allowed = (
        can_decide_for_superior(user, issuer)
        if issuer.decides_grassroots
        else can_decide_cell_work(user, issuer)
    )
    return allowed_grounds(row.period.rule_set) if allowed else []


def get_unit_year_for_user(user: AbstractBaseUser, year: int, pk: int):
    """The year of a unit whose own level is decided by a decision (a subordinate cell's cell
    year, a grassroots organization's year), in the user's scope (404 outside it)."""
    from .models import GrassrootsYear

    unit = get_organization_for_user(user, pk)
    period = get_period(year)
    if unit.kind == Kind.SUBORDINATE_CELL:
        row = CellYear.objects.filter(period=period, cell=unit).first()
    else:
        row = GrassrootsYear.objects.filter(period=period, organization=unit).first()
    if row is None:
        raise Http404
    return row


def can_file_complaint(user: AbstractBaseUser, subject) -> bool:
    """Who contests a result: the member themself; for a subordinate cell its secretary; for a
    grassroots organization its own committee (an administrator may stand in)."""
    from .models import GrassrootsYear

    if is_administrator(user):
        return True
    if isinstance(subject, MemberAssessment):
        return subject.member.user_id == user.pk
    if isinstance(subject, GrassrootsYear):
        return can_submit_grassroots(user, subject.organization)
    return any(
        a.role == Role.CELL_SECRETARY and a.organization == subject.cell
        for a in unit_assignments(user)
    )


def can_handle_complaint(user: AbstractBaseUser, handler: Organization) -> bool:
    """The body that issued the contested decision answers (its board or committee)."""
    if handler.decides_grassroots:
        return can_decide_for_superior(user, handler)
    return can_decide_cell_work(user, handler)


def get_complaint_for_user(user: AbstractBaseUser, pk: int):
    """A complaint, seen by whoever sees the handling body or the contested result (the member,
    the cell, the organization): 404 otherwise."""
    from .models import Complaint

    complaint = get_object_or_404(
        Complaint.objects.select_related(
            "decision__issuer",
            "decision__period",
            "handler",
            "assessment__member",
            "assessment__cell_year__cell",
            "cell_year__cell",
            "grassroots_year__organization",
            "filed_by",
            "answered_by",
            "rerating",
        ),
        pk=pk,
    )
    units = visible_organizations(user)
    if units.filter(pk=complaint.handler_id).exists():
        return complaint
    if complaint.assessment_id:
        if visible_members(user).filter(pk=complaint.assessment.member_id).exists():
            return complaint
    else:
        unit = complaint.cell_year.cell if complaint.cell_year_id else None
        unit = unit or complaint.grassroots_year.organization
        if units.filter(pk=unit.pk).exists():
            return complaint
    raise Http404


# --- After the decision: commendations, registrations, remedial plans (issue 15) -----------------


def can_propose_commendations(user: AbstractBaseUser, unit: Organization) -> bool:
    """Who proposes in the name of `unit`: a cell's secretary (a grassroots cell's committee
    too), a grassroots committee, a superior committee's board, the province's board."""
    if unit.decides_grassroots:
        return can_decide_for_superior(user, unit)
    if unit.kind == Kind.SUBORDINATE_CELL:
        return can_enter_cell_work(user, unit)
    if unit.kind == Kind.GRASSROOTS_CELL and can_enter_cell_work(user, unit):
        return True
    return is_administrator(user) or any(
        a.role == Role.GRASSROOTS_COMMITTEE and a.organization == unit
        for a in unit_assignments(user)
    )


def visible_collectives(user: AbstractBaseUser):
    """Collectives of the units the user sees (a member: none)."""
    return LeadershipCollective.objects.filter(
        organization__in=visible_organizations(user).values("pk")
    ).select_related("organization")


def get_collective_for_user(
    user: AbstractBaseUser, pk: int, *, write: bool = False
) -> LeadershipCollective:
    """A collective in the user's scope (404 outside it); with `write`, 403 unless the user
    enters its work or decides it."""
    collective = visible_collectives(user).filter(pk=pk).first()
    if collective is None:
        raise Http404
    if write and not (
        can_enter_collective_work(user, collective) or can_decide_collective(user, collective)
    ):
        raise PermissionDenied
    return collective


def can_decide_commendations(user: AbstractBaseUser, decider: Organization) -> bool:
    """The body that decides a commendation acts through its board (superior, province) or its
    committee (a grassroots organization)."""
    if decider.decides_grassroots:
        return can_decide_for_superior(user, decider)
    return is_administrator(user) or any(
        a.role == Role.GRASSROOTS_COMMITTEE and a.organization == decider
        for a in unit_assignments(user)
    )


def get_commendation_for_user(user: AbstractBaseUser, pk: int):
    """A commendation whose subject's unit the user sees (404 otherwise)."""
    from .models import Commendation

    commendation = (
        Commendation.objects.select_related(
            "period", "unit", "proposer", "decider", "assessment__member", "decision"
        )
        .filter(unit__in=visible_organizations(user).values("pk"), pk=pk)
        .first()
    )
    if commendation is None:
        raise Http404
    return commendation


def can_register(user: AbstractBaseUser, *, member=None, unit: Organization | None = None) -> bool:
    """A member registers for themself; a cell's secretary for the cell's members and the cell;
    a committee for its organization (and its cells)."""
    if member is not None:
        own = member.user_id is not None and member.user_id == user.pk
        return own or can_enter_cell_work(user, member.cell)
    if unit.is_cell and can_enter_cell_work(user, unit):
        return True
    return can_propose_commendations(user, unit) or (
        unit.kind == Kind.SUBORDINATE_CELL and can_decide_cell_work(user, unit)
    )


def can_follow_up(user: AbstractBaseUser, unit: Organization) -> bool:
    """A remedial plan of a member or cell is the grassroots committee's to make and follow (the
    cell's secretary records its steps); a grassroots organization's, its superior's board."""
    if unit.is_cell and can_enter_cell_work(user, unit):
        return True
    if unit.is_grassroots and unit.kind == Kind.GRASSROOTS_COMMITTEE:
        superior = Organization.objects.deciding_superior(unit)
        return can_decide_for_superior(user, superior) or can_propose_commendations(user, unit)
    if unit.kind == Kind.GRASSROOTS_CELL:
        superior = Organization.objects.deciding_superior(unit)
        return can_decide_for_superior(user, superior) or can_decide_cell_work(user, unit)
    return can_decide_cell_work(user, unit)


def get_remedial_plan_for_user(user: AbstractBaseUser, pk: int):
    """A remedial plan whose unit the user sees (404 otherwise)."""
    from .models import RemedialPlan

    plan = (
        RemedialPlan.objects.select_related("period", "unit", "member", "organization")
        .filter(unit__in=visible_organizations(user).values("pk"), pk=pk)
        .first()
    )
    if plan is None:
        raise Http404
    return plan
