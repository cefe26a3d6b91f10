"""The regulation's arithmetic, as plain functions a view, a command, a task and a test can call.

Nothing here touches the database: callers pass the rule set's rows and the member's records.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import DisciplineForm, StatusKind

# Reason codes for "not classified" (KPL) and "not yet classified" (CPL); the workbook codes.
KPL_REASONS = {
    "mien_sinh_hoat": _("Exempted from party work and meetings"),
    "dinh_chi": _("Suspended from party activity"),
    "moi_ket_nap": _("Admitted less than the required months before the assessment date"),
    "chuyen_tam_thoi": _("Temporarily active in another unit"),
}
# A collective is not classified when newly established (R28: "new collectives").
UNIT_KPL_REASONS = {"moi_thanh_lap": _("Newly established collective")}
CPL_REASONS = {
    "om_dau": _("Ill"),
    "di_xa": _("Working far away"),
    "xem_xet_ky_luat": _("Under disciplinary review"),
    "khac": _("Other reason"),
}
MSG_VOTES_NEGATIVE = _("“%(level)s”: the number of votes cannot be negative.")
MSG_VOTES_ABOVE_PRESENT = _(
    "%(votes)s votes in all, but only %(present)s full members are present."
)
MSG_NO_MAJORITY = _("No level has a majority: the cell must vote again.")
MSG_CONDITION_FAILS = _(
    "The score reaches “%(level)s” but this condition is not met: %(condition)s"
)
MSG_GAP = _(
    "No level's conditions hold for this score; not completed is proposed and the deciding level "
    "must confirm or override it with a reason."
)
MSG_DISCIPLINED = _("Disciplined in the year (%(form)s, %(date)s).")
MSG_GROUND = _("Ground for not completed: %(ground)s")


@dataclass(frozen=True)
class Status:
    """A member's place in the year's classification (R13)."""

    code: str  # "assess", "kpl" or "cpl"
    reason: str = ""


ASSESS = Status("assess")


def derived_status(
    *,
    admission_date: datetime.date,
    statuses: Iterable,
    assessment_date: datetime.date,
    year: int,
    min_months_since_admission: int,
    temporary_transfer_not_classified: bool,
) -> Status:
    """R13: exempted, suspended, admitted < N months before the assessment date are not classified;
    a temporary transfer out too under rule sets up to 2024 (from 2025 the official cell rates)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    kinds = {s.kind for s in statuses if s.start <= end and (s.end is None or s.end >= start)}
    if StatusKind.EXEMPTION in kinds:
        return Status("kpl", "mien_sinh_hoat")
    if StatusKind.SUSPENSION in kinds:
        return Status("kpl", "dinh_chi")
    if admission_date > assessment_date - relativedelta(months=min_months_since_admission):
        return Status("kpl", "moi_ket_nap")
    if StatusKind.TEMPORARY_TRANSFER in kinds and temporary_transfer_not_classified:
        return Status("kpl", "chuyen_tam_thoi")
    return ASSESS


def counted_voters(
    *, full_members: int, temporarily_away: int, exempted_absent: int, suspended: int = 0
) -> int:
    """R18 (Quy định 294, 9.3.2): the number that counts is the cell's full members, minus those
    temporarily active elsewhere, minus exempted members who are absent and minus suspended
    members (đình chỉ sinh hoạt: they neither attend nor vote, R13); not those present.

    All arguments are head counts of distinct members (a suspended member is not also counted
    as away or exempted); returns a count ≥ 0."""
    return max(full_members - temporarily_away - exempted_absent - suspended, 0)


def quorum_met(*, present: int, counted: int, numerator: int, denominator: int) -> bool:
    """R18: the meeting is valid with at least numerator/denominator of the counted members."""
    return counted > 0 and present * denominator >= numerator * counted


def vote_errors(votes: Mapping[str, int | None], *, present: int) -> list[str]:
    """R18: votes per level are whole numbers ≥ 0 and never exceed the full members present."""
    values = [v for v in votes.values() if v is not None]
    negative = [code for code, v in votes.items() if v is not None and v < 0]
    if negative:
        return [str(MSG_VOTES_NEGATIVE % {"level": code}) for code in negative]
    if sum(values) > present:
        return [str(MSG_VOTES_ABOVE_PRESENT % {"votes": sum(values), "present": present})]
    return []


def review_dates(year: int) -> tuple[datetime.date, datetime.date]:
    """The dates a cell's review work for `year` may carry (meeting, report, inputs): within the
    year or the next, since units whose year ends later meet before 15/01 and members not yet
    classified are rated in the next year's first quarter (R14, R19)."""
    return datetime.date(year, 1, 1), datetime.date(year + 1, 12, 31)


def threshold_reached(
    votes: int, counted: int, *, numerator: int, denominator: int, at_least: bool
) -> bool:
    """R18: do `votes` of `counted` members reach numerator/denominator? "More than" (the
    default: Điều lệ art. 10, "more than half") or, when `at_least`, "from … up" (từ … trở lên).
    Integer arithmetic: 6 of 9 is exactly two thirds, so it reaches "at least" and not "more"."""
    if at_least:
        return votes * denominator >= numerator * counted
    return votes * denominator > numerator * counted


def proposed_level(votes: Mapping[str, int | None], levels: Sequence, *, counted: int):
    """R18 (Decision): the highest level whose votes for it *or higher* reach its threshold share
    of the counted members (more than half by default); None when no level reaches it.

    `levels` are the rule set's levels ordered best first, each with `code`,
    `vote_threshold_numerator`/`_denominator` and `vote_threshold_at_least` (rule-set data:
    whether the share must be exceeded or only reached).
    """
    if counted <= 0:
        return None
    cumulative = 0
    for level in levels:
        cumulative += votes.get(level.code) or 0
        if threshold_reached(
            cumulative,
            counted,
            numerator=level.vote_threshold_numerator,
            denominator=level.vote_threshold_denominator,
            at_least=getattr(level, "vote_threshold_at_least", False),
        ):
            return level
    return None


@dataclass
class SelfAssessment:
    level: object | None
    notes: list[str] = field(default_factory=list)
    gap: bool = False


def discipline_grounds(records: Iterable, *, year: int, rule_set) -> list[str]:
    """R4. 2025– (Quy định 366): duty-related discipline at reprimand or above in the year makes
    the person not completed, remedied or not (the decider may override). 2018–2024 (Hướng dẫn 21):
    any discipline in the year, unless the member found the fault and fully remedied it."""
    grounds = []
    for record in records:
        if record.decided_on.year != year or record.form not in DisciplineForm.values:
            continue
        if rule_set.discipline_duty_related_only and not record.duty_related:
            continue
        if rule_set.discipline_cleared_by_remedy and record.self_discovered_and_remedied:
            continue
        grounds.append(
            str(
                MSG_DISCIPLINED
                % {
                    "form": record.get_form_display(),
                    "date": record.decided_on.strftime("%d/%m/%Y"),
                }
            )
        )
    return grounds


def self_assessed_level(
    *,
    score: Decimal | None,
    conditions: Mapping[str, bool],
    levels: Sequence,
    grounds: Sequence[str] = (),
) -> SelfAssessment:
    """R3: the highest level whose score band and conditions both hold; the failing condition is
    shown. A ground of R4/R5 makes it not completed. When none holds, not completed with a gap.

    Conditions decided later by others (the quota, subordinate units) are not checked here.
    """
    lowest = levels[-1]
    if grounds:
        return SelfAssessment(lowest, [str(MSG_GROUND % {"ground": g}) for g in grounds])
    if score is None:
        return SelfAssessment(None)
    notes = []
    for level in levels[:-1]:
        if level.score_min is None or score < level.score_min:
            continue
        failing = [
            c
            for c in level.conditions
            if c.get("scope", "member") != "organization"
            and c["code"] != "quota"
            and not conditions.get(c["code"], False)
        ]
        if not failing:
            return SelfAssessment(level, notes)
        notes.append(
            str(
                MSG_CONDITION_FAILS % {"level": level.name, "condition": condition_text(failing[0])}
            )
        )
    if lowest.score_min is None and any(
        lv.score_min is not None and score >= lv.score_min for lv in levels[:-1]
    ):
        return SelfAssessment(lowest, notes, gap=True)  # worded when shown (MSG_GAP)
    return SelfAssessment(lowest, notes)


def condition_text(condition: Mapping[str, str]) -> str:
    from django.utils.translation import get_language

    return condition["en"] if (get_language() or "vi").startswith("en") else condition["vi"]


# --- Checks at decision time (issue 4) ---------------------------------------------------------

MSG_STATE_EXCELLENT_NEEDED = _(
    "A member who works in the state system can be excellent only if rated excellent as an "
    "employee; the state level is “%(state)s”."
)
MSG_STATE_LEVEL_MISSING = _(
    "A member who works in the state system can be excellent only if rated excellent as an "
    "employee; record the state level first."
)
MSG_STATE_NOT_COMPLETED = _(
    "The state level “%(state)s” is not completed, so the party level must be not completed."
)
MSG_HEAD_ABOVE_UNIT = _("The head's level may not be above the level of the unit they head.")
MSG_BELOW_COMPLETED = _("%(n)s units or members below are rated below completed.")
MSG_GOOD_SHARE = _(
    "Only %(share)s%% of the units or members below are rated good or above; %(min)s%% is required."
)
MSG_DISCIPLINE_BELOW = _(
    "%(n)s subordinate units or leadership members were disciplined this year."
)


def state_level_errors(
    *, party_level, state_level, capped: frozenset[str], state_employee: bool = True
) -> list[str]:
    """R6 (Hướng dẫn 21-HD/BTCTW 2019 §2.3a; Hướng dẫn 25, 2023; Hướng dẫn 43, 2025) for a
    member who works in the state system (`state_employee`), on canonical levels:

    - "excellent" in `capped`: the member can be excellent as a member only if rated excellent
      as an employee (a good, completed or missing state level refuses an excellent party level);
    - "not_completed" in `capped`: a not-completed state rating forces not completed.

    `party_level` and `state_level` are Level rows (`maps_to`, `name`), `state_level` may be
    None; `capped` is the rule set's `state_level_caps` (empty in eras without the rule).
    Returns the failing conditions as messages, empty when the levels are compatible; a member
    outside the state system is not checked."""
    if not state_employee or party_level is None:
        return []
    errors = []
    if "excellent" in capped and party_level.maps_to == "excellent":
        if state_level is None:
            errors.append(str(MSG_STATE_LEVEL_MISSING))
        elif state_level.maps_to != "excellent":
            errors.append(str(MSG_STATE_EXCELLENT_NEEDED % {"state": state_level.name}))
    if (
        "not_completed" in capped
        and state_level is not None
        and state_level.maps_to == "not_completed"
        and party_level.maps_to != "not_completed"
    ):
        errors.append(str(MSG_STATE_NOT_COMPLETED % {"state": state_level.name}))
    return errors


def head_level_errors(*, head_level, unit_level) -> list[str]:
    """R8 (Quy định 366 art. 12): a head's level may not exceed the collective's they head."""
    if unit_level is not None and head_level.rank < unit_level.rank:
        return [str(MSG_HEAD_ABOVE_UNIT)]
    return []


def excellent_unit_errors(*, rule_set, levels_below: list, disciplined_below: int) -> list[str]:
    """R7: prerequisites for rating a unit excellent, as the year's rule set words them.

    `levels_below` are the decided levels of its subordinate units (for a cell: its members)."""
    errors = []
    if rule_set.excellent_unit_all_completed:
        below = [lv for lv in levels_below if lv.maps_to == "not_completed"]
        if below:
            errors.append(str(MSG_BELOW_COMPLETED % {"n": len(below)}))
    if rule_set.excellent_unit_min_good_share is not None and levels_below:
        good = sum(1 for lv in levels_below if lv.maps_to in ("excellent", "good"))
        share = Decimal(good) * 100 / len(levels_below)
        if share < rule_set.excellent_unit_min_good_share:
            errors.append(
                str(
                    MSG_GOOD_SHARE
                    % {
                        "share": share.quantize(Decimal("0.01")),
                        "min": rule_set.excellent_unit_min_good_share,
                    }
                )
            )
    if rule_set.excellent_unit_no_discipline_below and disciplined_below:
        errors.append(str(MSG_DISCIPLINE_BELOW % {"n": disciplined_below}))
    return errors


def unit_due(due: datetime.date | None, *, year_ends_later: bool) -> datetime.date | None:
    """R19 (Hướng dẫn 43 §4.1): reviews and ratings end before 31/12; a unit whose working year
    ends later has until 15/01 of the next year. `due` is the level's deadline of the year;
    returns the deadline for this unit (never earlier than `due`)."""
    if due is None or not year_ends_later:
        return due
    later = datetime.date(due.year + 1 if due.month >= 7 else due.year, 1, 15)
    return max(due, later)


def is_late(
    *, done_at: datetime.datetime | None, due: datetime.date | None, today: datetime.date
) -> bool:
    """R19: work done after its level's deadline, or still open after it, is late (late work
    is accepted, and marked)."""
    if due is None:
        return False
    if done_at is not None:
        return timezone.localtime(done_at).date() > due
    return today > due


# --- The cell's submission (R18, R26; issue 13 item 8) -----------------------------------------

MSG_MISSING_REPORT = _("the cell's report (form 01) is not written")
MSG_MISSING_SELF_REVIEWS = _(
    "these members have neither a self-review nor a not-classified or not-yet-classified "
    "status: %(names)s"
)
REPORT_NOTICE_WORKING_DAYS = 3


def submission_documents_missing(*, report_written: bool, without_review: Sequence[str]) -> list:
    """R26 (Quy định 366 art. 17, the dossier) and steps 3–4: a cell submits only with its own
    report (form 01) and a self-review from every member it assesses; members not classified or
    not yet classified (R13–R14) need none. `without_review` names the members assessed who
    have no self-review. Returns what is missing, as messages (empty: nothing missing)."""
    missing = []
    if not report_written:
        missing.append(str(MSG_MISSING_REPORT))
    if without_review:
        missing.append(str(MSG_MISSING_SELF_REVIEWS % {"names": ", ".join(without_review)}))
    return missing


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Whole working days (Monday to Friday) strictly between `start` and `end`: a report sent
    on Monday for a Friday meeting has had 3 (Tuesday to Thursday). Public holidays are not
    known to the application and count as working days."""
    days, day = 0, start + datetime.timedelta(days=1)
    while day < end:
        if day.weekday() < 5:
            days += 1
        day += datetime.timedelta(days=1)
    return days


def report_sent_in_time(
    *, sent_on: datetime.date | None, meeting_on: datetime.date | None
) -> bool | None:
    """R18 (Hướng dẫn 43): the collective's draft report goes to the members at least 3 working
    days before the review meeting. None while either date is unknown, else whether it held."""
    if sent_on is None or meeting_on is None:
        return None
    return working_days_between(sent_on, meeting_on) >= REPORT_NOTICE_WORKING_DAYS


# --- Frameworks per form (issue 14 items 2–3; R3, R5) ------------------------------------------

MSG_GROUND_NOTE = _("%(ground)s (%(note)s)")
MSG_CONDITION_NOT_MET = _("“%(level)s” needs this condition: %(condition)s")


class FrameworkLevel:
    """A level as one framework words it: the level's row with the framework's conditions."""

    def __init__(self, level, conditions: Sequence[Mapping]):
        self.level, self.conditions = level, list(conditions)

    def __getattr__(self, name):
        return getattr(self.level, name)


def measure_holds(spec: Mapping, measures: Mapping[str, object]) -> bool | None:
    """Does the measured fact `spec["name"]` satisfy the bound `spec` gives ("min"/"max":
    inclusive; "above"/"below": strict)? None when the fact is not known (not measured)."""
    value = measures.get(spec["name"])
    if value is None:
        return None
    value = Decimal(str(value))
    checks = {
        "min": lambda bound: value >= bound,
        "max": lambda bound: value <= bound,
        "above": lambda bound: value > bound,
        "below": lambda bound: value < bound,
    }
    return all(test(Decimal(str(spec[key]))) for key, test in checks.items() if key in spec)


def framework_grounds(
    grounds: Sequence[Mapping], *, flags: Mapping[str, str], measures: Mapping[str, object]
) -> list[str]:
    """R5: the not-completed grounds that hold for a subject, worded with their note. A ground
    holds when the decider recorded it (`flags`: code → note) or when its measure holds on the
    facts of the year (`measures`: name → number, e.g. the percent of the units a leader leads
    rated not completed). Returns the texts in the framework's order."""
    found = []
    for ground in grounds:
        text = condition_text(ground)
        if ground["code"] in flags:
            found.append(str(MSG_GROUND_NOTE % {"ground": text, "note": flags[ground["code"]]}))
        elif "measure" in ground and measure_holds(ground["measure"], measures):
            found.append(text)
    return found


def framework_levels(levels: Sequence, level_conditions: Mapping[str, Sequence]) -> list:
    """The rule set's levels (best first) with the conditions a framework gives each; a level
    the framework does not name keeps its own (`Level.conditions`)."""
    return [FrameworkLevel(lv, level_conditions.get(lv.code, lv.conditions)) for lv in levels]


def framework_level(
    *,
    levels: Sequence,
    level_conditions: Mapping[str, Sequence],
    grounds: Sequence[Mapping],
    score: Decimal | None,
    conditions: Mapping[str, bool],
    measures: Mapping[str, object] | None = None,
    flags: Mapping[str, str] | None = None,
    other_grounds: Sequence[str] = (),
) -> SelfAssessment:
    """R3 and R5 for one framework (collective, 2A, 2B or 2C) of a rule set.

    `levels` are the rule set's levels for the subject, best first; `level_conditions` and
    `grounds` the framework's (Framework.level_conditions, .grounds); `conditions` what the
    reviewee ticked (code → bool); `measures` the facts of the year measured conditions and
    grounds read; `flags` the grounds the decider recorded (code → note); `other_grounds` R4's.

    A ground makes the level not completed. In an era with scores (2025–) the level is the
    highest whose band and conditions hold, not completed with a gap when none holds
    (self_assessed_level). In an era without scores (2023–2024) it is the highest level whose
    conditions, all of them, hold; None when the framework gives no level a condition (nothing
    to derive). Conditions decided later (the quota) are not checked here. Returns the level
    row (not the framework's wrapper) with the notes saying which condition failed."""
    measures, flags = measures or {}, flags or {}
    found = [*other_grounds, *framework_grounds(grounds, flags=flags, measures=measures)]
    rows = framework_levels(levels, level_conditions)
    ticked = dict(conditions)
    for row in rows:
        for condition in row.conditions:
            if "measure" in condition:
                ticked[condition["code"]] = bool(measure_holds(condition["measure"], measures))
    if any(row.score_min is not None for row in rows):
        result = self_assessed_level(score=score, conditions=ticked, levels=rows, grounds=found)
    else:
        result = _conditions_level(rows, ticked, found)
    if isinstance(result.level, FrameworkLevel):
        result.level = result.level.level
    return result


def _conditions_level(rows: Sequence, ticked: Mapping[str, bool], grounds: Sequence[str]):
    """Eras without scores: the highest level whose every condition holds."""
    lowest = rows[-1]
    if grounds:
        return SelfAssessment(lowest, [str(MSG_GROUND % {"ground": g}) for g in grounds])
    if not any(row.conditions for row in rows[:-1]):
        return SelfAssessment(None)
    notes = []
    for row in rows[:-1]:
        failing = [c for c in row.conditions if c["code"] != "quota" and not ticked.get(c["code"])]
        if row.conditions and not failing:
            return SelfAssessment(row, notes)
        if failing:
            notes.append(
                str(
                    MSG_CONDITION_NOT_MET
                    % {"level": row.name, "condition": condition_text(failing[0])}
                )
            )
    return SelfAssessment(lowest, notes, gap=True)
