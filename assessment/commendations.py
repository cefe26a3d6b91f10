"""Commendations as a workflow (issue 15 item 3; DOMAIN.md R20, section 6 steps 6 and 10).

A cell proposes its excellent members and itself at its review meeting (the minutes' checkbox,
turned into proposals when the cell submits); a committee or a board proposes excellent members,
members excellent five years running (computed from the decided history), and exemplary
organizations ("trong sạch vững mạnh tiêu biểu"). The body that decides (the grassroots
organization for its members and subordinate cells; the superior committee for grassroots
organizations and the five-year award) refuses a proposal with a reason or commends it in a
numbered decision (quyết định biểu dương, khen thưởng). Every step is a transition of
`machine.COMMENDATION`; R20 and the province's quota per unit are its guards.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from organizations.models import Kind, Organization

from . import machine
from .decisions import next_number
from .models import (
    CanonicalLevel,
    CellYear,
    Commendation,
    CommendationKind,
    CommendationQuota,
    CommendationState,
    Decision,
    DecisionKind,
    GrassrootsYear,
    MemberAssessment,
    Period,
)
from .models_followup import ACTIVE_COMMENDATION_STATES, MEMBER_KINDS

FIVE_YEARS = 5
MSG_NOT_EXCELLENT = _(
    "Only a member or a party organization rated excellent can be proposed for commendation "
    "(the level is “%(level)s”)."
)
MSG_NOT_DECIDED = _("The level is not decided yet: a commendation needs the decided level.")
MSG_FIVE_YEARS = _(
    "Excellent %(n)s years running: the award needs five consecutive years rated excellent."
)
MSG_QUOTA = _(
    "The quota of %(unit)s for “%(kind)s” is %(limit)s proposals; %(n)s are already proposed."
)
MSG_WRONG_SUBJECT = _("This kind of commendation is for %(what)s.")
MSG_NOT_BELOW = _("%(subject)s is not in the subtree of %(unit)s.")
MSG_DUPLICATE = _("%(subject)s is already proposed for “%(kind)s”.")
MSG_VERSION = _("Someone else changed this proposal; reload the page.")
MSG_NOTHING = machine.MSG_NOTHING
MSG_SIGNER = _("Enter the signer's name and title.")
MSG_LIMIT = _("Give a whole number of proposals, 0 or more.")


# --- Who decides, what counts ---------------------------------------------------------------------


def default_decider(kind: str, unit: Organization) -> Organization:
    """The body that decides a commendation of `kind` for a subject in `unit`: the grassroots
    organization for its members and subordinate cells; its superior committee for a grassroots
    organization itself and for the five-year award."""
    grassroots = Organization.objects.grassroots_of(unit)
    if kind == CommendationKind.FIVE_YEARS or unit.is_grassroots:
        return Organization.objects.deciding_superior(grassroots)
    return grassroots


def decider_for(kind: str, unit: Organization, proposer: Organization) -> Organization:
    """A proposal made above the usual decider is decided by the body that made it."""
    usual = default_decider(kind, unit)
    return usual if usual.contains(proposer) else proposer


def subject_level(row: Commendation, *, decided_only: bool = False):
    subject = row.subject
    return subject.decided_level or (None if decided_only else subject.proposed_level)


def excellent_years_running(assessment: MemberAssessment) -> int:
    """How many consecutive years up to the assessment's year the member was rated excellent
    (decided levels; this year's proposal while it is undecided). One query."""
    year = assessment.cell_year.period.year
    level = assessment.decided_level or assessment.proposed_level
    if level is None or level.maps_to != CanonicalLevel.EXCELLENT:
        return 0
    years = set(
        MemberAssessment.objects.filter(
            member_id=assessment.member_id,
            cell_year__period__year__lt=year,
            cell_year__period__year__gte=year - 20,
            decided_level__maps_to=CanonicalLevel.EXCELLENT,
        ).values_list("cell_year__period__year", flat=True)
    )
    running = 1
    while year - running in years:
        running += 1
    return running


def subject_problems(row: Commendation, *, decided_only: bool = False) -> Iterable[str]:
    """R20, as translated messages: the subject's kind fits the award, its level is excellent
    (decided, when `decided_only`), five consecutive years for the five-year award."""
    member_kind = row.kind in MEMBER_KINDS
    if member_kind != (row.assessment_id is not None):
        what = _("party members") if member_kind else _("party organizations")
        yield str(MSG_WRONG_SUBJECT % {"what": what})
        return
    level = subject_level(row, decided_only=decided_only)
    if level is None:
        yield str(MSG_NOT_DECIDED)
        return
    if level.maps_to != CanonicalLevel.EXCELLENT:
        yield str(MSG_NOT_EXCELLENT % {"level": level.name})
        return
    if row.kind == CommendationKind.FIVE_YEARS:
        running = excellent_years_running(row.assessment)
        if running < FIVE_YEARS:
            yield str(MSG_FIVE_YEARS % {"n": running})


def active(queryset: QuerySet | None = None) -> QuerySet:
    return (queryset if queryset is not None else Commendation.objects).filter(
        state__in=ACTIVE_COMMENDATION_STATES
    )


def quota_problems(row: Commendation) -> Iterable[str]:
    """The province's quota for any unit above (or at) the subject's unit, for this kind: the
    active proposals in that unit's subtree, this one included, stay within it."""
    ancestors = [row.unit.path[:end] for end in range(4, len(row.unit.path) + 1, 4)]
    quotas = CommendationQuota.objects.filter(
        period_id=row.period_id, kind=row.kind, unit__path__in=ancestors
    ).select_related("unit")
    for quota in quotas:
        others = (
            active()
            .filter(period_id=row.period_id, kind=row.kind, unit__path__startswith=quota.unit.path)
            .exclude(pk=row.pk)
            .count()
        )
        if others + 1 > quota.limit:
            yield str(
                MSG_QUOTA
                % {
                    "unit": quota.unit.name,
                    "kind": row.get_kind_display(),
                    "limit": quota.limit,
                    "n": others,
                }
            )


# --- The steps ----------------------------------------------------------------------------------


def _subject_unit(subject) -> Organization:
    if isinstance(subject, MemberAssessment):
        return subject.cell_year.cell
    if isinstance(subject, CellYear):
        return subject.cell
    return subject.organization


@transaction.atomic
def commendation_propose(
    *, kind: str, subject, proposer: Organization, achievements: str = "", by
) -> Commendation:
    """Propose `subject` (a MemberAssessment, CellYear or GrassrootsYear) for a commendation of
    `kind` in the name of `proposer`, a unit whose subtree holds it. Raises `machine.Refused`
    (R20, the quota, who may propose) or ValidationError (the subject is outside the proposer's
    subtree, or already proposed)."""
    unit = _subject_unit(subject)
    if not proposer.contains(unit):
        raise ValidationError(
            MSG_NOT_BELOW % {"subject": unit.name, "unit": proposer.name}, code="scope"
        )
    row = Commendation(
        period=subject.period if not isinstance(subject, MemberAssessment) else None,
        kind=kind,
        unit=unit,
        proposer=proposer,
        decider=decider_for(kind, unit, proposer),
        achievements=achievements.strip(),
        proposed_by=by,
    )
    if isinstance(subject, MemberAssessment):
        row.assessment, row.period = subject, subject.cell_year.period
    elif isinstance(subject, CellYear):
        row.cell_year = subject
    else:
        row.grassroots_year = subject
    field = {
        MemberAssessment: "assessment",
        CellYear: "cell_year",
        GrassrootsYear: "grassroots_year",
    }
    lookup = {field[type(subject)]: subject, "kind": kind}
    if active().filter(**lookup).exists():
        raise ValidationError(
            MSG_DUPLICATE % {"subject": row.subject_name, "kind": row.get_kind_display()},
            code="duplicate",
        )
    ancestors = [unit.path[:end] for end in range(4, len(unit.path) + 1, 4)]
    # Proposals against one quota are counted one at a time.
    list(
        CommendationQuota.objects.select_for_update()
        .filter(period=row.period, kind=kind, unit__path__in=ancestors)
        .values_list("pk")
    )
    if kind == CommendationKind.FIVE_YEARS:
        row.years_running = excellent_years_running(subject)
    machine.take(row, "propose", by=by, reason=str(_("Proposed for commendation")))
    return row


def _locked(commendation: Commendation, version: int | None) -> Commendation:
    row = Commendation.objects.select_for_update(of=("self",)).get(pk=commendation.pk)
    if version is not None and row.version != version:
        raise ValidationError(MSG_VERSION, code="conflict")
    return row


@transaction.atomic
def commendation_withdraw(
    *, commendation: Commendation, reason: str, by, version: int | None = None
) -> Commendation:
    """The proposer withdraws a proposal not yet decided, with a written reason."""
    row = _locked(commendation, version)
    machine.take(row, "withdraw", by=by, reason=reason.strip())
    return row


@transaction.atomic
def commendation_refuse(
    *, commendation: Commendation, reason: str, by, version: int | None = None
) -> Commendation:
    """The deciding body does not accept a proposal, with a written reason."""
    row = _locked(commendation, version)
    machine.take(row, "refuse", by=by, reason=reason.strip())
    return row


@transaction.atomic
def commendation_decision_issue(
    *,
    decider: Organization,
    period: Period,
    commendation_ids: Iterable[int],
    signed_on: datetime.date,
    signer_name: str,
    signer_title: str,
    by,
) -> Decision:
    """Issue `decider`'s numbered decision commending the listed proposals of `period` addressed
    to it (quyết định biểu dương, khen thưởng). Raises `machine.Refused` when a listed proposal
    fails R20 on its decided level, its quota, or the list is empty; nothing is written then."""
    if not signer_name.strip() or not signer_title.strip():
        raise ValidationError(MSG_SIGNER, code="signer")
    Organization.objects.select_for_update().filter(pk=decider.pk).first()  # serialize numbering
    rows = list(
        Commendation.objects.select_for_update(of=("self",))
        .filter(
            pk__in=list(commendation_ids),
            period=period,
            decider=decider,
            state=CommendationState.PROPOSED,
        )
        .select_related(
            "unit",
            "assessment__member",
            "assessment__decided_level",
            "assessment__proposed_level",
            "assessment__cell_year__period",
            "cell_year__decided_level",
            "cell_year__proposed_level",
            "grassroots_year__decided_level",
            "grassroots_year__proposed_level",
        )
    )
    decision = Decision(
        period=period,
        issuer=decider,
        kind=DecisionKind.COMMENDATION,
        signed_on=signed_on,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        issued_by=by,
        quota_cap_percent=0,
    )

    def number(decision: Decision) -> Decision:
        decision.number = next_number(decider, period)
        return decision

    machine.take(decision, "issue", by=by, then=number, commendations=rows)
    for row in rows:
        machine.take(row, "commend", by=by, reason=str(decision), decision=decision)
    return decision


@transaction.atomic
def commendation_quota_set(
    *, period: Period, unit: Organization, kind: str, limit: int | None, by
) -> CommendationQuota | None:
    """The province sets (or, with `limit` None, removes) `unit`'s quota of proposals of `kind`
    in `period`. Proposals already made stay; the next proposal and the decision check it."""
    existing = CommendationQuota.objects.select_for_update().filter(
        period=period, unit=unit, kind=kind
    )
    if limit is None:
        for row in existing:
            row._history_user = by
            row.delete()
        return None
    if limit < 0:
        raise ValidationError({"limit": MSG_LIMIT})
    row = existing.first() or CommendationQuota(period=period, unit=unit, kind=kind, limit=limit)
    if row.pk:
        row.limit, row.version = limit, row.version + 1
    row.set_by = by
    row._history_user = by
    row.save()
    return row


def cell_proposals_sync(*, cell_year: CellYear, tallies: dict, by) -> None:
    """At submission the meeting's commendation checkboxes (step 6, in the minutes) become the
    cell's proposals: a new tick proposes, a tick taken away withdraws the cell's own proposal."""
    wanted = {pk for pk, tally in tallies.items() if tally.commendation_proposed}
    cell = cell_year.cell
    if cell.kind != Kind.SUBORDINATE_CELL:
        wanted.discard(None)  # a grassroots cell is proposed by its own committee, above
    existing = {
        (c.assessment_id if c.assessment_id else None): c
        for c in active(Commendation.objects.filter(proposer=cell, period=cell_year.period))
        .filter(Q(assessment__cell_year=cell_year) | Q(cell_year=cell_year))
        .filter(kind__in=[CommendationKind.EXCELLENT_MEMBER, CommendationKind.EXEMPLARY_UNIT])
    }
    for pk, row in existing.items():
        if pk not in wanted and row.state == CommendationState.PROPOSED:
            machine.take(row, "withdraw", by=by, reason=str(_("The cell's vote changed.")))
    assessments = {a.pk: a for a in cell_year.assessments.filter(pk__in=wanted - {None})}
    for pk in wanted - set(existing):
        if pk is None:
            commendation_propose(
                kind=CommendationKind.EXEMPLARY_UNIT, subject=cell_year, proposer=cell, by=by
            )
        else:
            commendation_propose(
                kind=CommendationKind.EXCELLENT_MEMBER,
                subject=assessments[pk],
                proposer=cell,
                by=by,
            )


# --- What a unit's page and the list show -----------------------------------------------------


def proposals_in(unit: Organization, period: Period) -> QuerySet:
    """Every proposal of `period` whose subject lies in `unit`'s subtree, with what a list needs."""
    return (
        Commendation.objects.filter(period=period, unit__path__startswith=unit.path)
        .select_related(
            "unit",
            "proposer",
            "decider",
            "decision__issuer",
            "assessment__member",
            "assessment__decided_level",
            "assessment__proposed_level",
            "cell_year__decided_level",
            "cell_year__proposed_level",
            "grassroots_year__decided_level",
            "grassroots_year__proposed_level",
        )
        .annotate(rerated=Count("assessment__reratings"))
        .order_by("unit__path", "kind", "pk")
    )


def member_candidates(unit: Organization, period: Period, *, limit: int = 300) -> list:
    """Members of the subtree rated (or proposed) excellent this year and not yet proposed for
    the one-year award, with their years running. Three queries."""
    excellent = Q(decided_level__maps_to=CanonicalLevel.EXCELLENT) | Q(
        decided_level__isnull=True, proposed_level__maps_to=CanonicalLevel.EXCELLENT
    )
    rows = list(
        MemberAssessment.objects.filter(
            excellent, cell_year__period=period, cell_year__cell__path__startswith=unit.path
        )
        .exclude(
            commendations__state__in=ACTIVE_COMMENDATION_STATES,
            commendations__kind=CommendationKind.EXCELLENT_MEMBER,
        )
        .select_related("member", "cell_year__cell", "decided_level", "proposed_level")
        .order_by("cell_year__cell__path", "member__full_name")[:limit]
    )
    running = _years_running(rows, period.year)
    for row in rows:
        row.years_running = running.get(row.member_id, 0) + 1
    return rows


def _years_running(rows: list[MemberAssessment], year: int) -> dict[int, int]:
    """Per member: consecutive excellent years before `year` (one query for all)."""
    found: dict[int, set[int]] = {}
    for member_id, y in MemberAssessment.objects.filter(
        member_id__in=[r.member_id for r in rows],
        cell_year__period__year__lt=year,
        cell_year__period__year__gte=year - 20,
        decided_level__maps_to=CanonicalLevel.EXCELLENT,
    ).values_list("member_id", "cell_year__period__year"):
        found.setdefault(member_id, set()).add(y)
    result = {}
    for member_id, years in found.items():
        n = 0
        while year - 1 - n in years:
            n += 1
        result[member_id] = n
    return result


def five_year_candidates(unit: Organization, period: Period) -> list:
    """Members excellent five years running up to `period`, not yet proposed for that award."""
    proposed = set(
        active()
        .filter(period=period, kind=CommendationKind.FIVE_YEARS)
        .values_list("assessment_id", flat=True)
    )
    return [
        row
        for row in member_candidates(unit, period, limit=5000)
        if row.years_running >= FIVE_YEARS and row.pk not in proposed
    ] + [row for row in _proposed_members_five_years(unit, period) if row.pk not in proposed]


def _proposed_members_five_years(unit: Organization, period: Period) -> list:
    """Members already proposed for the one-year award who also qualify for five years."""
    rows = list(
        MemberAssessment.objects.filter(
            cell_year__period=period,
            cell_year__cell__path__startswith=unit.path,
            commendations__state__in=ACTIVE_COMMENDATION_STATES,
            commendations__kind=CommendationKind.EXCELLENT_MEMBER,
        )
        .select_related("member", "cell_year__cell", "decided_level", "proposed_level")
        .distinct()
    )
    running = _years_running(rows, period.year)
    result = []
    for row in rows:
        row.years_running = running.get(row.member_id, 0) + 1
        if row.years_running >= FIVE_YEARS:
            result.append(row)
    return result


def unit_candidates(unit: Organization, period: Period) -> list:
    """Subordinate cells and grassroots organizations of the subtree rated (or proposed)
    excellent and not yet proposed as exemplary."""
    excellent = Q(decided_level__maps_to=CanonicalLevel.EXCELLENT) | Q(
        decided_level__isnull=True, proposed_level__maps_to=CanonicalLevel.EXCELLENT
    )
    taken = Q(
        commendations__state__in=ACTIVE_COMMENDATION_STATES,
        commendations__kind=CommendationKind.EXEMPLARY_UNIT,
    )
    cells = (
        CellYear.objects.filter(
            excellent,
            period=period,
            cell__path__startswith=unit.path,
            cell__kind=Kind.SUBORDINATE_CELL,
        )
        .exclude(taken)
        .select_related("cell", "decided_level", "proposed_level")
    )
    organizations = (
        GrassrootsYear.objects.filter(
            excellent, period=period, organization__path__startswith=unit.path
        )
        .exclude(taken)
        .select_related("organization", "decided_level", "proposed_level")
    )
    return [*cells, *organizations]


def quotas_for(unit: Organization, period: Period) -> list[dict]:
    """The quotas set on `unit`, its ancestors and its subtree, with the proposals they count."""
    ancestors = [unit.path[:end] for end in range(4, len(unit.path) + 1, 4)]
    rows = CommendationQuota.objects.filter(period=period).filter(
        Q(unit__path__in=ancestors) | Q(unit__path__startswith=unit.path)
    )
    result = []
    for quota in rows.select_related("unit").order_by("unit__path", "kind"):
        used = (
            active()
            .filter(period=period, kind=quota.kind, unit__path__startswith=quota.unit.path)
            .count()
        )
        result.append({"quota": quota, "used": used})
    return result


# --- The list the province sends up -------------------------------------------------------------

LIST_HEADER = [
    "STT",
    "Họ và tên / Tổ chức đảng",
    "Đơn vị",
    "Hình thức khen thưởng",
    "Xếp loại chất lượng",
    "Số năm liền HTXSNV",
    "Đơn vị đề nghị",
    "Cấp quyết định",
    "Tình trạng",
    "Quyết định",
    "Ghi chú",
]
FORMULA_START = ("=", "+", "-", "@")


def _put(ws, row: int, col: int, value):
    """Write a cell whose text is never taken for a formula (a leading = + - @)."""
    cell = ws.cell(row, col, value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type, cell.quotePrefix = "s", True
    return cell


def commendation_rows(unit: Organization, period: Period) -> list[list]:
    """The list's rows: every proposal of the subtree still standing (proposed or commended),
    in Vietnamese, a re-rated result flagged (R9)."""
    from .documents import decision_number

    rows = []
    for i, c in enumerate(active(proposals_in(unit, period)), start=1):
        level = subject_level(c)
        flagged = "Kết quả xếp loại đã được xếp loại lại: xem xét lại" if c.rerated else ""
        rows.append(
            [
                i,
                c.subject_name,
                c.unit.name,
                str(CommendationKind(c.kind).label),
                level.name_vi if level else "",
                c.years_running if c.kind == CommendationKind.FIVE_YEARS else "",
                c.proposer.name,
                c.decider.name,
                str(CommendationState(c.state).label),
                decision_number(c.decision) if c.decision_id else "",
                flagged,
            ]
        )
    return rows


def commendation_list_xlsx(*, unit: Organization, period: Period) -> bytes:
    """The workbook of `unit`'s commendations in `period` (issue 15 item 3): the party heading,
    the title, one row per proposal still standing. Always in Vietnamese. Returns the bytes."""
    import io

    from django.utils import translation
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    font = "Times New Roman"
    with translation.override("vi"):
        rows = commendation_rows(unit, period)
    wb = Workbook()
    ws = wb.active
    ws.title = "KhenThuong"
    width = len(LIST_HEADER)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    ws.merge_cells(start_row=1, start_column=5, end_row=1, end_column=width)
    _put(ws, 1, 1, unit.name.upper()).font = Font(name=font, size=12, bold=True)
    ws.cell(1, 5, "ĐẢNG CỘNG SẢN VIỆT NAM").font = Font(
        name=font, size=12, bold=True, underline="single"
    )
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)
    ws.cell(3, 1, f"DANH SÁCH ĐỀ NGHỊ BIỂU DƯƠNG, KHEN THƯỞNG NĂM {period.year}").font = Font(
        name=font, size=14, bold=True
    )
    for row, col in ((1, 1), (1, 5), (3, 1)):
        ws.cell(row, col).alignment = Alignment(horizontal="center")
    for col, title in enumerate(LIST_HEADER, start=1):
        cell = ws.cell(5, col, title)
        cell.font = Font(name=font, size=11, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, values in enumerate(rows, start=6):
        for col, value in enumerate(values, start=1):
            _put(ws, r, col, value).font = Font(name=font, size=11)
    for col, w in zip("ABCDEFGHIJK", (6, 28, 24, 34, 26, 10, 24, 24, 16, 14, 30), strict=True):
        ws.column_dimensions[col].width = w
    ws.cell(6 + len(rows) + 1, 1, f"Tổng số: {len(rows)}").font = Font(name=font, bold=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
