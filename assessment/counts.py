"""The per-unit, per-year counts the summary reads, kept up to date (issue 18 item 1).

Counts are a materialization of the year's records (members' results, cells' and organizations'
years, review prompts): for a (year, unit) they are exactly what `counts_tally` finds in the rows.
Every change that moves them recomputes the units it touched in its own transaction:

- a transition of the state machine (`assessment/machine.py`, `take()`): the units of the row it
  moves, or of every row a decision lists (issue, reopen, re-rating);
- the writes between transitions that change a status, a reason, a decided level or a prompt
  (the roster, a status set by hand, the decision tables, a prompt added): their service calls
  `counts_refresh` for the cell or organization it locked;
- bulk writes (workbook imports, `seed_demo`): `counts_refresh` for the year, or
  `counts_refresh_subtree` for the units under the subtree they wrote.

Restructurings move units, not records: counts are kept per unit and grouped by the unit's path
when read, so they follow. `counts_drift` (and `manage.py counts_check`) recomputes every count
from the rows and lists the differences; tests call `tests.counts.assert_counts_agree()` after
each workflow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Value

from organizations.models import Organization

from .models import (
    CellYear,
    CountSubject,
    GrassrootsYear,
    InputKind,
    MemberAssessment,
    Period,
    PromptLevel,
    UnitYearCount,
)
from .models_followup import ACTIVE_COMMENDATION_STATES

# (unit id, subject, status, reason code, decided level id) → FIGURES
Key = tuple[int, str, str, str, int | None]
Figures = tuple[int, ...]
# What each count row holds besides its key, in this order (R23, R28).
FIGURES = (
    "n",
    "commended",
    "prompted",
    "prompted_central",
    "prompted_province",
    "prompted_superior",
)
NONE: Figures = (0,) * len(FIGURES)
PROMPT_LEVELS = (PromptLevel.CENTRAL, PromptLevel.PROVINCE, PromptLevel.SUPERIOR)


def _distinct(**condition) -> Count:
    return Count("id", distinct=True, filter=Q(**condition) if condition else None)


def _prompted(**condition) -> list:
    """Distinct records given prompts (matching `condition`), then by each managing level."""
    prompt = {"inputs__kind": InputKind.PROMPT, **condition}
    return [_distinct(**prompt)] + [
        _distinct(**prompt, inputs__issuing_level=level) for level in PROMPT_LEVELS
    ]


def counts_tally(*, period: Period, units: Iterable[int] | None = None) -> dict[Key, Figures]:
    """What the counts of `period` should be, recomputed from the rows (four GROUP BY queries).

    `units`: unit ids (cells for members and cells' years, organizations for organizations'
    years) to limit the tally to; None for every unit. Returns {Key: FIGURES values}, without
    empty groups. Leaders (R23) are the member records on the year's rule set's leaders' form."""
    members = MemberAssessment.objects.filter(cell_year__period=period)
    cells = CellYear.objects.filter(period=period)
    organizations = GrassrootsYear.objects.filter(period=period)
    if units is not None:
        units = list(units)
        members = members.filter(cell_year__cell_id__in=units)
        cells = cells.filter(cell_id__in=units)
        organizations = organizations.filter(organization_id__in=units)
    leader_form = (period.rule_set.forms or {}).get("leader", "")
    found: dict[Key, Figures] = {}
    # A subject counts as commended while a commendation of it is proposed or given (issue 15).
    commended = _distinct(commendations__state__in=ACTIVE_COMMENDATION_STATES)
    nothing = [Value(0)] * (len(FIGURES) - 1)
    member_key = ("cell_year__cell_id", "status", "reason_code", "decided_level_id")
    grouped = [
        (CountSubject.MEMBERS, members.values_list(*member_key), [commended, *_prompted()]),
        (
            CountSubject.CELLS,
            cells.values_list("cell_id", "status", "reason_code", "decided_level_id"),
            [commended, *_prompted(inputs__assessment__isnull=True)],
        ),
        (
            CountSubject.GRASSROOTS,
            organizations.values_list(
                "organization_id", "status", "reason_code", "decided_level_id"
            ),
            [commended, *nothing[1:]],
        ),
    ]
    if leader_form:
        grouped.append(
            (
                CountSubject.LEADERS,
                members.filter(form_code=leader_form).values_list(*member_key),
                [commended, *_prompted()],
            )
        )
    for subject, rows, figures in grouped:
        named = {f"f{i}": figure for i, figure in enumerate(figures)}
        for unit, status, reason, level, n, *rest in rows.order_by().annotate(
            n=_distinct(), **named
        ):
            found[(unit, subject, status, reason or "", level)] = (n, *rest)
    return found


def counts_stored(*, period: Period, units: Iterable[int] | None = None) -> dict[Key, Figures]:
    """The counts kept for `period` (limited to `units` when given), in `counts_tally`'s shape."""
    rows = UnitYearCount.objects.filter(period=period)
    if units is not None:
        rows = rows.filter(unit_id__in=list(units))
    found: dict[Key, Figures] = {}
    for unit, subject, status, reason, level, *figures in rows.values_list(
        "unit_id", "subject", "status", "reason_code", "level_id", *FIGURES
    ):
        key = (unit, subject, status, reason, level)
        found[key] = tuple(a + b for a, b in zip(found.get(key, NONE), figures, strict=True))
    return found


@transaction.atomic
def counts_refresh(*, period: Period, units: Iterable[int] | None = None) -> int:
    """Recompute the counts of `period` for `units` (ids of cells and organizations; None: every
    unit of the year) from the rows, in the caller's transaction, and store them.

    Call it after any write that changes a record's status, reason, decided level, commendation
    proposal or review prompt outside `machine.take()` (which calls it itself), with the units
    whose records changed: a member's cell, a cell, an organization. The subtrees' counts
    (`UnitYearRollup`) of those units and their ancestors follow. Returns the number of count
    rows stored. Cheap for a few units (one cell: a few indexed queries)."""
    from .rollups import REBUILD_ABOVE, rollups_add, rollups_lock, rollups_rebuild

    units = None if units is None else sorted({int(u) for u in units if u is not None})
    if units == []:
        return 0
    rebuild = units is None or len(units) > REBUILD_ABOVE
    rollups_lock(period, exclusive=rebuild)  # before the counts, so no writer waits in a cycle
    stored = UnitYearCount.objects.filter(period=period)
    if units is not None:
        stored = stored.filter(unit_id__in=units)
    before = {} if rebuild else counts_stored(period=period, units=units)
    stored.delete()
    after = counts_tally(period=period, units=units)
    rows = [
        UnitYearCount(
            period=period,
            unit_id=unit,
            subject=subject,
            status=status,
            reason_code=reason,
            level_id=level,
            **dict(zip(FIGURES, figures, strict=True)),
        )
        for (unit, subject, status, reason, level), figures in after.items()
    ]
    UnitYearCount.objects.bulk_create(rows, batch_size=5000)
    # The subtrees' counts (assessment/rollups.py) move with them, in this transaction.
    if rebuild:
        rollups_rebuild(period=period)
    else:
        rollups_add(period=period, before=before, after=after)
    return len(rows)


def counts_refresh_subtree(*, period: Period, unit: Organization) -> int:
    """`counts_refresh` for every unit in `unit`'s subtree (itself included), e.g. after a bulk
    import wrote records under it (COPY included). Returns the number of count rows stored."""
    ids = Organization.objects.in_subtree(unit).values_list("pk", flat=True)
    return counts_refresh(period=period, units=list(ids))


def counts_refresh_all() -> int:
    """`counts_refresh` for every year: what a migration or a repair runs. Returns rows stored."""
    return sum(counts_refresh(period=period) for period in Period.objects.all())


@dataclass(frozen=True)
class Drift:
    """A count that differs from the rows: `stored` and `actual` are FIGURES values."""

    year: int
    key: Key
    stored: Figures
    actual: Figures

    def __str__(self) -> str:
        unit, subject, status, reason, level = self.key
        return (
            f"{self.year} unit {unit} {subject} {status}/{reason or '-'}/level {level}: "
            f"stored {self.stored}, rows {self.actual}"
        )


def counts_drift(*, period: Period | None = None) -> list[Drift]:
    """Every count of `period` (None: of every year) that differs from what the rows say.

    Also compares the subtrees' counts (`UnitYearRollup`) with the rows' counts summed onto
    each unit's ancestors. Returns a list of `Drift`, empty when the counts agree. Read-only. Tests
    call it (through `tests.counts.assert_counts_agree`) after every workflow; `manage.py
    counts_check` prints it.
    A new transition or bulk write that forgets to recount shows up here."""
    from .rollups import rollups_expected, rollups_stored

    periods = [period] if period is not None else list(Period.objects.order_by("year"))
    found: list[Drift] = []
    for year in periods:
        stored = counts_stored(period=year)
        actual = counts_tally(period=year)
        for key in sorted(set(stored) | set(actual), key=repr):
            if stored.get(key, NONE) != actual.get(key, NONE):
                found.append(Drift(year.year, key, stored.get(key, NONE), actual.get(key, NONE)))
        # The subtrees' counts against the rows' counts summed onto each unit's ancestors.
        kept, summed = rollups_stored(period=year), rollups_expected(counts=actual)
        for key in sorted(set(kept) | set(summed), key=repr):
            if kept.get(key, NONE) != summed.get(key, NONE):
                unit, subject, kind, status, reason, level = key
                named = (
                    unit,
                    f"{subject} of {kind} units (subtree)",
                    status,
                    reason,
                    level or None,
                )
                found.append(Drift(year.year, named, kept.get(key, NONE), summed.get(key, NONE)))
    return found


def units_of(row) -> set[int]:
    """The units whose counts a transition on `row` moves: a cell's year → its cell; an
    organization's year → the organization; a commendation → its subject's; a member rated later
    → their cell; a decision → the units of every row it lists (a re-rating's: the members,
    cells and organizations it re-rated, which it then holds)."""
    from .models import Commendation, Decision, LaterRating, Rerating

    if isinstance(row, LaterRating):  # rated later (R14): the member's cell
        return {row.assessment.cell_year.cell_id}
    if isinstance(row, CellYear):
        return {row.cell_id}
    if isinstance(row, GrassrootsYear):
        return {row.organization_id}
    if isinstance(row, Commendation):  # proposed, withdrawn, refused, given: its subject's unit
        if row.assessment_id:
            return {row.assessment.cell_year.cell_id}
        return units_of(row.cell_year or row.grassroots_year)
    if isinstance(row, Decision):
        return (
            set(row.assessments.values_list("cell_year__cell_id", flat=True))
            | set(row.cell_years.values_list("cell_id", flat=True))
            | set(row.grassroots_years.values_list("organization_id", flat=True))
            | set(
                Rerating.objects.filter(decision=row).values_list(
                    "assessment__cell_year__cell_id", flat=True
                )
            )
        )
    return set()


def counts_follow(row) -> None:
    """Recount what a transition on `row` moved (called by `machine.take()` after the save)."""
    from .models import Period as PeriodModel

    if isinstance(row, PeriodModel):
        return  # closing a year moves no record
    units = units_of(row)
    if units:
        counts_refresh(period=row.period, units=units)
