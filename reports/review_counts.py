"""Biểu 6F-BTCTW, the review counts (DOMAIN.md R28), in the form's own layout: rows 1 due for
review, 2 reviewed, 3 not yet reviewed ("chưa kiểm điểm") with its reasons, 4 given review
prompts split 4.1/4.2/4.3 by the managing level that gave them; columns collectives and members.

It is read from the summary table of the same unit and year (reports.summary), so the two
never disagree: due is the summary's total; not yet reviewed are the not classified by rule
(R13: new collectives, admitted less than 6 months before, exempted, suspended, temporarily
elsewhere up to 2018), the not yet classified of R14 (ill, working far away, under disciplinary
review) and, in a year still open, those whose review has not been held (row 3.3: no record yet,
or their cell has drawn its roster but not met); reviewed is the rest, so a member reviewed at
the cell's meeting and awaiting the committee's decision (the summary's "assessed, not yet
decided") is reviewed, whether or not the cell has submitted yet. Bắc Bình 2017 reads 2,904
due, 2,584 reviewed, 320 not yet reviewed: 313 by rule and 7 not yet classified.

The collectives column counts the leadership collectives of the unit's subtree (R28; issue 14
item 8): party committees, standing committees and the leaderships of government bodies and
mass organizations (organizations.LeadershipCollective), read from the summary's collectives
section (reports.summary_collectives) in the same way: due, not reviewed by rule (a newly
established collective), not yet classified (R14), the review not held yet (no record, or no
meeting yet: a collective met and awaiting its decision is reviewed), and the collectives given
prompts by the managing level that gave them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from assessment import rules
from assessment.machine import DONE_STATES
from assessment.models import (
    AssessmentStatus,
    MemberAssessment,
    PromptLevel,
)

from .summary import COLLECTIVES, NOT_STARTED, UNDECIDED, Section, Summary, YearTree
from .summary_collectives import CollectivesSummary, collectives_section

COLUMNS = ("collectives", "members")
# Row 3's third group: due, in an open year, but the review not held yet.
NOT_HELD = "chua_to_chuc"
PROMPT_ROWS = (
    ("4.1", PromptLevel.CENTRAL),
    ("4.2", PromptLevel.PROVINCE),
    ("4.3", PromptLevel.SUPERIOR),
)


@dataclass
class Column:
    """One column of the form (collectives or members)."""

    due: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)  # R13, by reason code
    not_yet_classified: dict[str, int] = field(default_factory=dict)  # R14, by reason code
    not_held: int = 0
    prompted: int = 0
    prompted_by_level: dict[str, int] = field(default_factory=dict)

    @property
    def not_reviewed(self) -> int:
        """Row 3: every reason together."""
        return sum(self.by_rule.values()) + sum(self.not_yet_classified.values()) + self.not_held

    @property
    def reviewed(self) -> int:
        """Row 2: row 1 less row 3."""
        return self.due - self.not_reviewed

    def add(self, section: Section, *, reviewed_undecided: int) -> None:
        """Add one summary section; `reviewed_undecided` of its undecided subjects have been
        reviewed (their meeting held, or submitted) and count as reviewed."""
        self.due += section.total
        _add(self.by_rule, section.not_classified)
        pending = dict(section.pending)
        not_held = pending.pop(NOT_STARTED, 0) + pending.pop(UNDECIDED, 0) - reviewed_undecided
        _add(self.not_yet_classified, pending)
        self.not_held += not_held
        self.prompted += section.prompted
        _add(self.prompted_by_level, section.prompted_by_level)


def _add(into: dict[str, int], other: dict[str, int]) -> None:
    for key, n in other.items():
        into[key] = into.get(key, 0) + n


@dataclass
class FormRow:
    """A row of the form: its number, label and one value per column."""

    number: str
    label: str
    values: tuple[int, int]
    total: bool = False  # a numbered row of the form, not one of its breakdowns
    code: str = ""  # a breakdown's reason code

    @property
    def key(self) -> str:
        return self.number or self.code


@dataclass
class ReviewCounts:
    summary: Summary
    columns: dict[str, Column]

    def rows(self) -> list[FormRow]:
        """The form's rows in order: rows 1–4 and 3.1, 3.2, 4.1–4.3 always, 3.3 in an open
        year; under 3.1 and 3.2 each reason that occurs, in the regulation's order."""
        collectives, members = self.columns["collectives"], self.columns["members"]

        def row(number, label, get, *, total=False, code="") -> FormRow:
            return FormRow(number, str(label), (get(collectives), get(members)), total, code)

        result = [
            row("1", _("Due for review"), lambda c: c.due, total=True),
            row("2", _("Reviewed"), lambda c: c.reviewed, total=True),
            row("3", _("Not yet reviewed"), lambda c: c.not_reviewed, total=True),
            row("3.1", _("Not reviewed by rule"), lambda c: sum(c.by_rule.values())),
        ]
        labels = reason_labels()
        for code in _codes((collectives.by_rule, members.by_rule), standard=_BY_RULE):
            result.append(
                row("", labels.get(code, code), lambda c, k=code: c.by_rule.get(k, 0), code=code)
            )
        result.append(
            row(
                "3.2",
                _("Not yet classified"),
                lambda c: sum(c.not_yet_classified.values()),
            )
        )
        pending = (collectives.not_yet_classified, members.not_yet_classified)
        for code in _codes(pending, standard=tuple(rules.CPL_REASONS)):
            result.append(
                row(
                    "",
                    labels.get(code, code),
                    lambda c, k=code: c.not_yet_classified.get(k, 0),
                    code=code,
                )
            )
        if self.summary.period.is_open() or collectives.not_held or members.not_held:
            result.append(row("3.3", _("Review not held yet"), lambda c: c.not_held))
        result.append(row("4", _("Given review prompts"), lambda c: c.prompted, total=True))
        for number, level in PROMPT_ROWS:
            result.append(
                row(
                    number,
                    prompt_level_label(level),
                    lambda c, k=level: c.prompted_by_level.get(k, 0),
                )
            )
        return [row for row in result if row.number or any(row.values)]


_BY_RULE = (*rules.UNIT_KPL_REASONS, *rules.KPL_REASONS)


def _codes(found: tuple[dict, ...], *, standard: tuple[str, ...]) -> list[str]:
    """The regulation's reasons in its order, then any other found in the data."""
    seen = {code for counts in found for code in counts}
    return [*standard, *sorted(seen - set(standard))]


def reason_labels() -> dict[str, str]:
    """Every reason code of row 3 in the active language."""
    labels = {**rules.UNIT_KPL_REASONS, **rules.KPL_REASONS, **rules.CPL_REASONS}
    return {code: str(label) for code, label in labels.items()}


def prompt_level_label(level: str) -> str:
    """Rows 4.1–4.3: "by" the managing level."""
    return str(
        {
            PromptLevel.CENTRAL: _("By the Politburo or the Secretariat"),
            PromptLevel.PROVINCE: _("By the province's committee"),
            PromptLevel.SUPERIOR: _("By the superior committee"),
        }[level]
    )


def prompt_level_short(level: str) -> str:
    """The managing level's short name, as a column head of the summary table."""
    return str(
        {
            PromptLevel.CENTRAL: _("Central level"),
            PromptLevel.PROVINCE: _("Province level"),
            PromptLevel.SUPERIOR: _("Superior level"),
        }[level]
    )


def review_counts_build(
    summary: Summary, collectives: CollectivesSummary | None = None
) -> ReviewCounts:
    """Biểu 6F of `summary.unit` for `summary.period` (R28). The members column is read from
    the summary's own counts (its first row: the unit with its subtree) and one count of the
    undecided that have been reviewed; the collectives column from the leadership collectives'
    section (`collectives`; else the one attached to the summary, else computed here).
    Returns a ReviewCounts; raises nothing."""
    head = summary.rows[0].sections.get(COLLECTIVES)  # attached by summary_with_collectives
    if collectives is not None or head is None:
        head = (collectives or collectives_section(summary.unit, summary.period)).head
    columns = {name: Column() for name in COLUMNS}
    columns["members"].add(
        summary.rows[0].sections["members"], reviewed_undecided=_reviewed_undecided(summary)
    )
    columns["collectives"].add(head, reviewed_undecided=head.held_undecided)
    return ReviewCounts(summary=summary, columns=columns)


def _reviewed_undecided(summary: Summary) -> int:
    """The members to assess with no decided level whose review was held: their cell has held
    its review meeting (a meeting date recorded, as assessment.dossier reads it) or submitted its
    work. They are some of the summary's undecided, the rest having their roster drawn and no
    meeting yet (row 3.3): with none there, nothing is asked of the database (issue 18: a
    decided year's summary page)."""
    if not summary.rows[0].sections["members"].pending.get(UNDECIDED):
        return 0
    tree = YearTree.of(summary.period)
    path, _depth = tree.place(summary.unit)
    undecided = Q(status=AssessmentStatus.ASSESS, decided_level__isnull=True)
    held = Q(cell_year__state__in=DONE_STATES) | Q(cell_year__meeting__held_on__isnull=False)
    queryset, path_field = tree.on(
        MemberAssessment.objects.filter(cell_year__period=summary.period), "cell_year__cell"
    )
    return (
        queryset.filter(undecided, held, **{f"{path_field}__startswith": path})
        .order_by()
        .aggregate(n=Count("id"))["n"]
    )
