"""The cell's year (DOMAIN.md section 6, steps 2–6): roster, self-reviews, inputs, the cell's
report, the review meeting, votes and submission. Every write is atomic, refuses closed work and
leaves a history row with the user; concurrent saves of one record end in a Conflict.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, transaction
from django.db.models import Model, Prefetch
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from members.models import Member, StatusKind, StatusPeriod
from organizations.collation import name_order
from organizations.history_bursts import history_save_coalesced
from organizations.models import Organization

from . import frameworks, machine, rules
from .counts import counts_refresh
from .models import (
    AssessmentStatus,
    Attendance,
    CanonicalLevel,
    CellState,
    CellYear,
    InputKind,
    Level,
    LevelScope,
    Meeting,
    MemberAssessment,
    Period,
    ReviewInput,
    RuleSet,
    Tally,
)

MSG_CLOSED = _("This work is closed: the year is not open or the cell has submitted it.")
MSG_CONFLICT = _(
    "Someone else saved this record after you opened it. Their values are shown below; "
    "check them and save again."
)
MSG_STATUS_REASON = _("A reason is required.")
MSG_REASON_CODE = _("Choose a reason code for this status.")
MSG_SCORE_RANGE = frameworks.MSG_SCORE_RANGE
MSG_SCORE_NUMBER = frameworks.MSG_SCORE_NUMBER
MSG_CHECKLIST = machine.MSG_CHECKLIST
MSG_DOCUMENTS_MISSING = _("The cell cannot submit yet: %(missing)s.")
# Django's own message for U+0000 in a text, which Django ships without Vietnamese: declared
# here so that the project's catalogue, which takes precedence, carries its translation.
MSG_NULL_CHARACTER = _("Null characters are not allowed.")
MSG_COMMENDATION = _(
    "Only a member or cell proposed as excellent can be proposed for commendation."
)


class Conflict(Exception):
    """A save based on a stale version; `current` holds the newer row."""

    def __init__(self, current: Model):
        super().__init__(str(MSG_CONFLICT))
        self.current = current


def _locked(model: type[Model], pk: int, seen_version: int | None) -> Model:
    """Lock the row; refuse when the caller read an older version than the one stored."""
    row = model.objects.select_for_update().get(pk=pk)
    if seen_version is not None and row.version != seen_version:
        raise Conflict(row)
    return row


def save_attributed(row: Model, by, *, reason: str = "", bump: bool = True) -> Model:
    if bump:
        row.version += 1
    row._history_user = by
    if reason:
        row._change_reason = reason
    row.save()
    return row


def get_or_open(model: type[Model], *, by, **lookup) -> Model:
    """Get or create a row opened by an explicit step (a cell's year, its meeting, an
    organization's year), its history naming `by`. Never called by a page that only reads
    (fault 8 of issue 12)."""
    row = model.objects.filter(**lookup).first()
    if row is not None:
        return row
    row = model(**lookup)
    row._history_user = by
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # opened by a concurrent request in the meantime
        row = model.objects.get(**lookup)
    return row


def _open_cell_year(pk: int) -> CellYear:
    """Lock the cell's year and refuse when it is closed. Read from the database, never from
    the caller's copy, and locked so that a save and a submission cannot interleave."""
    cell_year = (
        CellYear.objects.select_for_update(of=("self",))
        .select_related("period__rule_set")
        .get(pk=pk)
    )
    if not cell_year.is_editable():
        raise ValidationError(MSG_CLOSED, code="closed")
    return cell_year


def _mark_in_progress(cell_year: CellYear, by) -> None:
    if cell_year.state == CellState.NOT_STARTED:
        machine.take(cell_year, "start", by=by)


def form_code_for(member: Member, rule_set: RuleSet, day: datetime.date) -> str:
    """The member's self-review form on `day` (the assessment date): 2A for leaders, 2C for
    members outside the political system, else 2B, as their posts say (issue 14 item 5,
    members.models_posts.framework_on); the rule set names the form of each framework."""
    return frameworks.form_code(member, rule_set, day)


def _derived(member: Member, period: Period) -> rules.Status:
    rule_set = period.rule_set
    return rules.derived_status(
        admission_date=member.admission_date,
        statuses=member.status_periods.all(),
        assessment_date=period.assessment_date,
        year=period.year,
        min_months_since_admission=rule_set.min_months_since_admission,
        temporary_transfer_not_classified=rule_set.temporary_transfer_not_classified,
    )


def cell_year_find(*, period: Period, cell: Organization) -> CellYear | None:
    """The cell's year if it has been opened, holding `cell` (not read again) and its review
    meeting if any (for `meeting_of`); reads only."""
    cell_year = (
        CellYear.objects.filter(period=period, cell=cell)
        .select_related("period__rule_set", "meeting")
        .first()
    )
    if cell_year is not None:
        cell_year.cell = cell
    return cell_year


def own_assessment_find(*, member: Member, period: Period) -> MemberAssessment | None:
    """A member's assessment of the year if their cell has drawn its roster; reads only."""
    return (
        MemberAssessment.objects.filter(member=member, cell_year__period=period)
        .select_related("cell_year__period", "decided_level", "decision__issuer")
        .first()
    )


@transaction.atomic
def cell_year_open(*, period: Period, cell: Organization, by=None, start: bool = False) -> CellYear:
    """Open the cell's year, or refresh its roster: a row per current member admitted by the
    year's assessment date (MemberQuerySet.of_year), derived statuses
    refreshed (R13), members who transferred in bring their assessment and its inputs with them
    (R16). An explicit step attributed to `by` (the cell secretary, or the system when None);
    with `start` (the secretary's own step) the cell's work begins: the year is in progress."""
    cell_year = get_or_open(CellYear, by=by, period=period, cell=cell)
    get_or_open(Meeting, by=by, cell_year=cell_year)
    if not cell_year.is_editable():
        return cell_year
    if start and cell_year.state == CellState.NOT_STARTED:
        cell_year = _open_cell_year(cell_year.pk)  # locked: two clicks start the work once
        _mark_in_progress(cell_year, by)
    members = list(
        Member.objects.of_year(period)
        .filter(cell=cell)
        .prefetch_related(
            Prefetch("status_periods", queryset=StatusPeriod.objects.order_by()), "posts"
        )
    )
    existing = {a.member_id: a for a in cell_year.assessments.all()}
    _send_away_those_who_left(cell_year, cell)
    elsewhere = MemberAssessment.objects.filter(
        cell_year__period=period, member__in=[m for m in members if m.pk not in existing]
    ).exclude(cell_year=cell_year)
    # R16: one result per person per year. A member whose old cell has submitted or decided
    # (the move came after the review) keeps that result: no second row here.
    kept = set(
        elsewhere.exclude(cell_year__state__in=machine.OPEN_STATES).values_list(
            "member_id", flat=True
        )
    )
    moved = elsewhere.filter(cell_year__state__in=machine.OPEN_STATES).select_related("cell_year")
    left_from = set()
    for assessment in moved:
        left_from.add(assessment.cell_year.cell_id)
        Tally.objects.filter(assessment=assessment).delete()  # votes of the old cell do not count
        assessment.inputs.update(cell_year=cell_year)
        assessment.cell_year = cell_year
        save_attributed(assessment, by, reason="R16")
        existing[assessment.member_id] = assessment
    new, changed = [], []
    for member in members:
        if member.pk in kept and member.pk not in existing:
            continue
        derived = _derived(member, period)
        assessment = existing.get(member.pk)
        if assessment is None:
            new.append(
                MemberAssessment(
                    cell_year=cell_year,
                    member=member,
                    status=derived.code,
                    reason_code=derived.reason,
                    form_code=form_code_for(member, period.rule_set, period.assessment_date),
                )
            )
        elif not assessment.status_overridden and (
            (assessment.status, assessment.reason_code) != (derived.code, derived.reason)
        ):
            assessment.status, assessment.reason_code = derived.code, derived.reason
            changed.append(assessment)
    bulk_create_with_history(new, MemberAssessment, default_user=by)
    for assessment in changed:
        save_attributed(assessment, by, reason="R13")
    # The roster moved this cell's counts, and those of the cells members left (R16).
    counts_refresh(period=period, units={cell.pk, *left_from})
    return cell_year


def _send_away_those_who_left(cell_year: CellYear, cell: Organization) -> None:
    """R16: a member who moved to another cell before the review leaves this roster; their row
    and its inputs go to the new cell's year (opened for them), never a second row."""
    gone = cell_year.assessments.exclude(member__cell=cell).filter(member__left_on__isnull=True)
    for cell_id in set(gone.values_list("member__cell", flat=True)):
        cell_year_open(period=cell_year.period, cell=Organization.objects.get(pk=cell_id))


@transaction.atomic
def member_status_set(
    *,
    assessment: MemberAssessment,
    status: str,
    reason_code: str,
    note: str,
    by,
    version: int | None = None,
) -> MemberAssessment:
    """Set a member's status by hand (CPL with a reason, R14; or override the derived one)."""
    cell_year = _open_cell_year(assessment.cell_year_id)
    row = _locked(MemberAssessment, assessment.pk, version)
    note = note.strip()
    if status == AssessmentStatus.ASSESS:
        reason_code = ""
    elif reason_code not in (
        rules.CPL_REASONS if status == AssessmentStatus.PENDING else rules.KPL_REASONS
    ):
        raise ValidationError({"reason_code": MSG_REASON_CODE})
    if not note:
        raise ValidationError({"note": MSG_STATUS_REASON})
    row.status, row.reason_code, row.status_note = status, reason_code, note
    row.status_overridden = True
    _mark_in_progress(cell_year, by)
    save_attributed(row, by, reason=note)
    counts_refresh(period=cell_year.period, units=[cell_year.cell_id])
    return row


@transaction.atomic
def self_review_save(
    *,
    assessment: MemberAssessment,
    texts: Mapping[str, str],
    scores: Mapping[str, object],
    conditions: Mapping[str, bool],
    by,
    version: int | None,
) -> MemberAssessment:
    """Save a self-review (step 3): texts, a score per criterion and the conditions ticked.
    The member's framework on the assessment date (2A, 2B, 2C by their posts:
    frameworks.framework_of) picks the criteria scored and the conditions and grounds the
    self-assessed level derives from (R3, R5, Quy định 366 art. 10–11; a leader's read the
    units they lead); discipline in the year makes it not completed (R4). Raises
    ValidationError for a score out of range (naming the criterion) or a closed cell;
    Conflict on a stale `version`. Records who entered it."""
    later = later_review_open(assessment)
    cell_year = (
        CellYear.objects.select_related("period__rule_set").get(pk=assessment.cell_year_id)
        if later
        else _open_cell_year(assessment.cell_year_id)
    )
    row = _locked(MemberAssessment, assessment.pk, version)
    rule_set = cell_year.period.rule_set
    # the member's framework on the review date (their posts) picks what they score (R3)
    framework = frameworks.framework_of(row.member, cell_year.period)
    criteria = frameworks.criteria_of(rule_set, framework)
    row.scores, row.self_score = frameworks.scores_parse(criteria, scores)
    row.conditions = {code: bool(value) for code, value in conditions.items()}
    for name in (
        "strengths",
        "shortcomings",
        "causes",
        "remedies",
        "commitments",
        "last_year_remedied",
    ):
        setattr(row, name, texts.get(name, "").strip())
    levels = list(rule_set.levels.for_members().order_by("rank"))
    discipline = rules.discipline_grounds(
        row.member.discipline_records.all(), year=cell_year.period.year, rule_set=rule_set
    )
    if framework is None:  # an era without frameworks per form: the rule set's own levels
        result = rules.self_assessed_level(
            score=row.self_score, conditions=row.conditions, levels=levels, grounds=discipline
        )
    else:  # R3 and R5 as the member's framework (2A, 2B, 2C) words them, scored or not
        result = rules.framework_level(
            levels=levels,
            level_conditions=framework.level_conditions,
            grounds=framework.grounds,
            score=row.self_score,
            conditions=row.conditions,
            measures=frameworks.measures_for(row.member, cell_year.period, framework),
            other_grounds=discipline,
        )
    row.self_level, row.self_level_notes = result.level, result.notes
    row.self_level_gap = result.gap
    row.self_review_entered_by = by
    if not later:
        _mark_in_progress(cell_year, by)
    return save_attributed(row, by)


def later_review_open(assessment: MemberAssessment) -> bool:
    """R14: a member not yet classified whose later rating is under way (open or returned)
    writes the same self-review after the cell's decision, in a closed year too."""
    from .models import LaterRating, LaterRatingState

    return LaterRating.objects.filter(
        assessment_id=assessment.pk,
        state__in=(LaterRatingState.OPEN, LaterRatingState.RETURNED),
        assessment__status=AssessmentStatus.PENDING,
    ).exists()


@transaction.atomic
def review_input_add(
    *, cell_year: CellYear, assessment: MemberAssessment | None, by, **fields
) -> ReviewInput:
    cell_year = _open_cell_year(cell_year.pk)
    row = ReviewInput(cell_year=cell_year, assessment=assessment, recorded_by=by, **fields)
    row._history_user = by
    row.save()
    _mark_in_progress(cell_year, by)
    if row.kind == InputKind.PROMPT:  # the summary counts who was given prompts (R23, R28)
        counts_refresh(period=cell_year.period, units=[cell_year.cell_id])
    return row


def _update_fields(
    model: type[Model],
    pk: int,
    cell_year_id: int,
    data: Mapping[str, object],
    by,
    version: int | None,
) -> Model:
    """Set plain fields of one row of the cell's year, checking the version the user read."""
    cell_year = _open_cell_year(cell_year_id)
    row = _locked(model, pk, version)
    for name, value in data.items():
        setattr(row, name, value)
    if model is CellYear:
        return save_starting(row, by)  # the cell's first report starts its work
    _mark_in_progress(cell_year, by)
    return save_attributed(row, by)


def save_starting(row: Model, by, *, reason: str = "") -> Model:
    """Save the changes to `row` (a cell's or a collective's year) attributed to `by`; the first
    save of a row not started starts its work in the same save: one history row, not a start
    then a second save that kept the start's reason. Returns the row."""
    if row.state != CellState.NOT_STARTED:
        return save_attributed(row, by, reason=reason)
    row.version += 1  # the user's changes ride on the start's save
    machine.take(row, "start", by=by, reason=reason)
    return row


@transaction.atomic
def cell_report_save(
    *, cell_year: CellYear, data: Mapping[str, object], by, version: int | None
) -> CellYear:
    """The cell's own report (form 01) and its self-rating (step 4)."""
    return _update_fields(CellYear, cell_year.pk, cell_year.pk, data, by, version)


def meeting_for(cell_year: CellYear, *, by=None) -> Meeting:
    """The cell year's meeting, opened if missing (for writes; pages read `meeting_of`)."""
    return get_or_open(Meeting, by=by, cell_year=cell_year)


def meeting_of(cell_year: CellYear) -> Meeting:
    """The meeting to show: the stored one, else an empty one not saved (reads only); either
    holds `cell_year` as given, so its cell, year and rule set are not read again. A year read
    with its meeting (`select_related("meeting")`, as the lookups above do) asks nothing more."""
    try:
        meeting = cell_year.meeting
    except Meeting.DoesNotExist:
        return Meeting(cell_year=cell_year)
    meeting.cell_year = cell_year
    return meeting


@transaction.atomic
def meeting_save(
    *, meeting: Meeting, data: Mapping[str, object], by, version: int | None
) -> Meeting:
    return _update_fields(Meeting, meeting.pk, meeting.cell_year_id, data, by, version)


@transaction.atomic
def attendance_set(
    *, meeting: Meeting, member: Member, present: bool, absence_reason: str, by
) -> Attendance:
    """Record whether `member` attended the review meeting, with the reason of an absence
    (R18: who counts). The first tap writes the row as tapped; a tap that changes nothing
    writes no history row and no audit event. Raises ValidationError for a closed cell's
    year or a NUL character in the reason. Returns the attendance row."""
    cell_year = _open_cell_year(meeting.cell_year_id)
    # PostgreSQL cannot store U+0000: a refusal, not a 500
    ProhibitNullCharactersValidator(MSG_NULL_CHARACTER)(absence_reason)
    reason = "" if present else absence_reason.strip()
    row = Attendance.objects.select_for_update().filter(meeting=meeting, member=member).first()
    if row is None:  # the first tap writes the row as tapped: one history row, not two
        row = Attendance(meeting=meeting, member=member, present=present, absence_reason=reason)
        row._history_user = by
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # a second tap's request wrote it first
            row = Attendance.objects.select_for_update().get(meeting=meeting, member=member)
    if (row.present, row.absence_reason) != (present, reason):  # a tap that changes nothing
        row.present, row.absence_reason = present, reason  # writes no history and no audit
        row._history_user = by
        row.save()
    _mark_in_progress(cell_year, by)
    return row


@transaction.atomic
def tally_save(
    *,
    meeting: Meeting,
    assessment: MemberAssessment | None,
    votes: Mapping[str, int | None],
    commendation_proposed: bool,
    by,
    version: int | None,
) -> Tally:
    """Votes per level for one person or the cell (R18): never above the full members present."""
    cell_year = _open_cell_year(meeting.cell_year_id)
    tally, created = Tally.objects.get_or_create(meeting=meeting, assessment=assessment)
    if version == 0:  # the user saw an empty row: someone else's first save is a conflict too
        if not created:
            raise Conflict(tally)
        version = tally.version
    row = _locked(Tally, tally.pk, version)
    summary = meeting_summary(meeting)
    errors = rules.vote_errors(votes, present=summary.present)
    if errors:
        raise ValidationError({"votes": errors})
    if commendation_proposed:
        levels = _levels_for(cell_year.period.rule_set, member=assessment is not None)
        proposal = rules.proposed_level(votes, levels, counted=summary.counted)
        if proposal is None or proposal.maps_to != CanonicalLevel.EXCELLENT:
            raise ValidationError({"commendation_proposed": MSG_COMMENDATION})  # R20
    row.votes = {code: n for code, n in votes.items() if n is not None}
    row.commendation_proposed = commendation_proposed
    _mark_in_progress(cell_year, by)
    row.version += 1
    return history_save_coalesced(row, by=by)  # votes typed in a burst: one history row


@dataclass
class MeetingSummary:
    """Who counts at the meeting (R15, R18), and the proposal each tally gives."""

    voters: list[Member]
    away: set[int]
    attendance: dict[int, Attendance]
    full_members: int
    counted: int
    present: int
    quorum: bool
    proposals: dict[int | None, Level | None] = field(default_factory=dict)
    tallies: dict[int | None, Tally] = field(default_factory=dict)
    member_levels: list[Level] = field(default_factory=list)  # in rank order
    cell_levels: list[Level] = field(default_factory=list)
    suspended: int = 0  # full members suspended on the day: they do not count (R18, R13)
    exempted_absent: int = 0  # exempted members absent: they do not count (R18)


def meeting_summary(meeting: Meeting) -> MeetingSummary:
    cell_year = meeting.cell_year
    period = cell_year.period
    day = meeting.held_on or period.assessment_date
    full = list(
        Member.objects.current()
        .filter(cell=cell_year.cell)
        .full_on(day)
        .order_by(*name_order(), "pk")
    )
    active: dict[str, set[int]] = {
        StatusKind.TEMPORARY_TRANSFER: set(),
        StatusKind.EXEMPTION: set(),
        StatusKind.SUSPENSION: set(),
    }
    for member_id, kind in (
        StatusPeriod.objects.filter(member__in=full, start__lte=day, kind__in=active)
        .exclude(end__lt=day)
        .values_list("member", "kind")
    ):  # one query for the three kinds (issue 18: the meeting and cell pages' queries)
        active[kind].add(member_id)
    away = active[StatusKind.TEMPORARY_TRANSFER]
    exempted = active[StatusKind.EXEMPTION]
    # R18/R13: suspended members neither attend nor vote, and do not count.
    suspended = active[StatusKind.SUSPENSION] - away
    attendance = {a.member_id: a for a in meeting.attendance.all()} if meeting.pk else {}
    voters = [m for m in full if m.pk not in away and m.pk not in suspended]
    present_ids = {m.pk for m in voters if attendance.get(m.pk) and attendance[m.pk].present}
    exempted_absent = len([m for m in voters if m.pk in exempted and m.pk not in present_ids])
    counted = rules.counted_voters(
        full_members=len(full),
        temporarily_away=len(away),
        exempted_absent=exempted_absent,
        suspended=len(suspended),
    )
    rule_set = period.rule_set
    member_levels, cell_levels = levels_by_subject(rule_set)
    summary = MeetingSummary(
        voters=voters,
        away=away,
        attendance=attendance,
        full_members=len(full),
        counted=counted,
        present=len(present_ids),
        quorum=rules.quorum_met(
            present=len(present_ids),
            counted=counted,
            numerator=rule_set.quorum_numerator,
            denominator=rule_set.quorum_denominator,
        ),
        member_levels=member_levels,
        cell_levels=cell_levels,
        suspended=len(suspended),
        exempted_absent=exempted_absent,
    )
    levels = {True: member_levels, False: cell_levels}
    for tally in meeting.tallies.all() if meeting.pk else []:
        summary.tallies[tally.assessment_id] = tally
        summary.proposals[tally.assessment_id] = rules.proposed_level(
            tally.votes, levels[tally.assessment_id is not None], counted=counted
        )
    return summary


def levels_by_subject(rule_set: RuleSet) -> tuple[list[Level], list[Level]]:
    """The rule set's levels a member can get and those a cell can get, each in rank order,
    from one query (R1; before 2018 a cell's levels differ from a member's)."""
    levels = list(rule_set.levels.order_by("rank"))
    return (
        [level for level in levels if level.applies_to != LevelScope.ORGANIZATION],
        [level for level in levels if level.applies_to != LevelScope.MEMBER],
    )


ASSESSMENT_LEVELS = ("self_level", "proposed_level", "decided_level")


def levels_attach(assessments: list[MemberAssessment], levels: Iterable[Level]) -> None:
    """Sets each record's self-assessed, proposed and decided level from `levels` (the year's
    rule set's, read already: `levels_by_subject`) rather than three more joins in the records'
    query (issue 18: they doubled the cell page's largest query); a level not among them (one
    of another year's rules) is read with the others in one query. Returns nothing."""
    known = {level.pk: level for level in levels}
    missing = {
        pk
        for a in assessments
        for name in ASSESSMENT_LEVELS
        if (pk := getattr(a, f"{name}_id")) is not None and pk not in known
    }
    if missing:
        known |= Level.objects.in_bulk(missing)
    for a in assessments:
        for name in ASSESSMENT_LEVELS:
            pk = getattr(a, f"{name}_id")
            setattr(a, name, known[pk] if pk is not None else None)


def _levels_for(rule_set: RuleSet, *, member: bool) -> list[Level]:
    levels = rule_set.levels.for_members() if member else rule_set.levels.for_organizations()
    return list(levels.order_by("rank"))


@dataclass(frozen=True)
class CheckItem:
    label: str
    ok: bool
    detail: str = ""
    blocking: bool = True  # a warning is shown but does not stop the submission


MSG_CHECK_QUORUM = _("The meeting had a quorum")
MSG_QUORUM_COUNT = _("%(present)s of %(counted)s full members present")
MSG_CHECK_PROPOSALS = _("Every member to be assessed has a proposed level")
MSG_CHECK_CELL = _("The cell has a proposed level")
MSG_CHECK_PENDING = _("Every member not yet classified has a reason")
MSG_CHECK_MEETING = _("The meeting's date, chair and recorder are recorded")
MSG_CHECK_TALLIES = _("No tally has more votes than the full members present")
MSG_CHECK_REPORT = _("The cell's report (form 01) is written")
MSG_CHECK_SELF_REVIEWS = _("Every member to be assessed has a self-review")
MSG_CHECK_HOST_COMMENT = _("Every member temporarily active elsewhere has a comment from that cell")
MSG_CHECK_REPORT_SENT = _(
    "The draft report went to the members at least 3 working days before the meeting"
)


def submission_checklist(
    cell_year: CellYear,
    summary: MeetingSummary,
    *,
    assessments: list[MemberAssessment] | None = None,
) -> list[CheckItem]:
    """The checks before a cell submits (R15–R18, R26), from the meeting's `summary`;
    `assessments` are the cell year's records with their members when the caller has read
    them already (the cell's page lists them). Returns the items; raises nothing."""
    if assessments is None:
        assessments = list(cell_year.assessments.select_related("member"))
    to_assess = [a for a in assessments if a.status == AssessmentStatus.ASSESS]
    missing = [a.member.full_name for a in to_assess if summary.proposals.get(a.pk) is None]
    pending = [
        a.member.full_name
        for a in assessments
        if a.status == AssessmentStatus.PENDING and not a.reason_code
    ]
    too_many = [
        a.member.full_name if a else cell_year.cell.name
        for a in [None, *to_assess]
        if (tally := summary.tallies.get(a.pk if a else None))
        and rules.vote_errors(tally.votes, present=summary.present)
    ]
    commented = set(
        cell_year.inputs.filter(kind=InputKind.HOST_COMMENT).values_list("assessment", flat=True)
    )
    uncommented = [  # R13 (2025–): rated by the official cell once it holds the host's comment
        a.member.full_name
        for a in to_assess
        if a.member_id in summary.away and a.pk not in commented
    ]
    without_review = [a.member.full_name for a in to_assess if not a.has_self_review]
    meeting = cell_year.meeting
    sent_in_time = rules.report_sent_in_time(
        sent_on=cell_year.report_sent_on, meeting_on=meeting.held_on
    )
    sent_detail = (
        f"{cell_year.report_sent_on:%d/%m/%Y} → {meeting.held_on:%d/%m/%Y}"
        if sent_in_time is not None
        else ""
    )
    return [
        CheckItem(
            str(MSG_CHECK_MEETING), bool(meeting.held_on and meeting.chair and meeting.recorder)
        ),
        CheckItem(
            str(MSG_CHECK_QUORUM),
            summary.quorum,
            str(MSG_QUORUM_COUNT) % {"present": summary.present, "counted": summary.counted},
        ),
        CheckItem(str(MSG_CHECK_PROPOSALS), not missing, ", ".join(missing)),
        CheckItem(str(MSG_CHECK_CELL), summary.proposals.get(None) is not None),
        CheckItem(str(MSG_CHECK_PENDING), not pending, ", ".join(pending)),
        CheckItem(str(MSG_CHECK_TALLIES), not too_many, ", ".join(too_many)),
        CheckItem(str(MSG_CHECK_HOST_COMMENT), not uncommented, ", ".join(uncommented)),
        # Item 8 of issue 13: the documents are required, not a warning (R26).
        CheckItem(str(MSG_CHECK_REPORT), bool(cell_year.report_strengths.strip())),
        CheckItem(str(MSG_CHECK_SELF_REVIEWS), not without_review, ", ".join(without_review)),
        # R18 (Hướng dẫn 43): shown, not blocking: late work is accepted and marked (R19).
        CheckItem(str(MSG_CHECK_REPORT_SENT), bool(sent_in_time), sent_detail, blocking=False),
    ]


@transaction.atomic
def cell_submit(*, cell_year: CellYear, by) -> CellYear:
    """Submit to the grassroots committee (step 6 → 7): the proposals are frozen and the cell's
    work becomes read-only for the cell. The checklist is the transition's guard."""
    row = CellYear.objects.select_for_update(of=("self",)).get(pk=cell_year.pk)
    # the history names the step (its label), not the state the row shows beside it again
    machine.take(row, "submit", by=by, then=_freeze_proposals(by))
    return row


def _freeze_proposals(by):
    def freeze(row: CellYear) -> None:
        meeting = meeting_for(row, by=by)
        summary = meeting_summary(meeting)
        tallies = {t.assessment_id: t for t in meeting.tallies.all()}
        for assessment in row.assessments.select_for_update():
            assessment.proposed_level = summary.proposals.get(assessment.pk)
            save_attributed(assessment, by, reason=str(_("Submitted")))
        row.proposed_level = summary.proposals.get(None)
        from .commendations import cell_proposals_sync

        cell_proposals_sync(cell_year=row, tallies=tallies, by=by)

    return freeze


@transaction.atomic
def cell_return(*, cell_year: CellYear, reason: str, by) -> CellYear:
    """R17: the grassroots committee returns the work with a written reason; editable again."""
    row = _locked(CellYear, cell_year.pk, None)
    machine.take(row, "return", by=by, reason=reason.strip())
    return row
