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


def counted_voters(*, full_members: int, temporarily_away: int, exempted_absent: int) -> int:
    """R18 (Quy định 294, 9.3.2): the number that counts is the cell's full members, minus those
    temporarily active elsewhere and minus exempted members who are absent; not those present."""
    return max(full_members - temporarily_away - exempted_absent, 0)


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


def proposed_level(votes: Mapping[str, int | None], levels: Sequence, *, counted: int):
    """R18 (Decision): the highest level whose votes for it *or higher* exceed its threshold share
    of the counted members (more than half by default); None when no level reaches it.

    `levels` are the rule set's levels ordered best first, each with `code` and
    `vote_threshold_numerator`/`_denominator`.
    """
    if counted <= 0:
        return None
    cumulative = 0
    for level in levels:
        cumulative += votes.get(level.code) or 0
        if cumulative * level.vote_threshold_denominator > (
            level.vote_threshold_numerator * counted
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

MSG_STATE_LEVEL = _("The party level may not be above the state (civil-service) level “%(state)s”.")
MSG_HEAD_ABOVE_UNIT = _("The head's level may not be above the level of the unit they head.")
MSG_BELOW_COMPLETED = _("%(n)s units or members below are rated below completed.")
MSG_GOOD_SHARE = _(
    "Only %(share)s%% of the units or members below are rated good or above; %(min)s%% is required."
)
MSG_DISCIPLINE_BELOW = _(
    "%(n)s subordinate units or leadership members were disciplined this year."
)


def state_level_errors(*, party_level, state_level, capped: frozenset[str]) -> list[str]:
    """R6 (Hướng dẫn 21): a state employee's party level may not exceed their state level when
    that level is one of `capped` (canonical codes; excellent and not completed by default)."""
    if state_level is None or state_level.maps_to not in capped:
        return []
    if party_level.rank < state_level.rank:
        return [str(MSG_STATE_LEVEL % {"state": state_level.name})]
    return []


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
