"""Yearly reports upward (step 9, DOMAIN.md R19, R23): a superior committee and the province
submit the summary table of their subtree, frozen at that moment, with a narrative and a
signature. A report never changes: a correction is a new version with its reason, and every
version stays. Each is on time or late against its level's deadline (late work is accepted and
marked late).

The province's view of a year is built from its superior committees' reports: the latest
version each submitted by a cut-off date (their deadline by default), the committees that had
not submitted by then, and, per committee and section, where the frozen figures differ from
the live ones (summary_build now).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from assessment import quota, rules
from assessment.models import Deadline, DeadlineLevel, Decision, Period
from organizations.models import Kind, Organization, Role
from organizations.notifications import notify, users_with_role

from .exports import section_title
from .models import ReportSubmission
from .summary import SECTIONS, Summary, YearTree, summary_build

# Who reports, against which deadline, signed by which board.
REPORT_LEVELS = {Kind.SUPERIOR: DeadlineLevel.SUPERIOR, Kind.PROVINCE: DeadlineLevel.PROVINCE}
REPORT_ROLES = {Kind.SUPERIOR: Role.SUPERIOR_BOARD, Kind.PROVINCE: Role.PROVINCIAL_BOARD}
NARRATIVE_FIELDS = ("strengths", "weaknesses", "prompts", "commendations", "discipline")

MSG_NOT_REPORTING = _("Only a superior committee or the province submits a yearly report.")
MSG_YEAR_CLOSED = _("The year is not open: its reports can no longer be submitted or corrected.")
MSG_CORRECTION_REASON = _("Say why the report is corrected.")
MSG_SIGNER = _("Give the signer's name and title.")
MSG_ARRIVED = _("%(unit)s submitted its yearly report for %(year)s, on time.")
MSG_ARRIVED_LATE = _("%(unit)s submitted its yearly report for %(year)s, late (due %(due)s).")
MSG_RESTATED = _("Restated after decision %(decision)s (%(kind)s).")
MSG_CORRECTED = _(
    "%(unit)s corrected its yearly report for %(year)s (version %(version)s): %(reason)s"
)
# The figures compared between a frozen report and the live summary, per section.
FIGURES = {
    "total": _("Total"),
    "assessed": _("Assessed"),
    "not_classified": _("Not classified"),
    "pending": _("Not yet classified"),
}


def submits_report(unit: Organization) -> bool:
    return unit.kind in REPORT_LEVELS


from .access import can_submit_report, get_submission_for_user  # noqa: E402,F401


def report_due(unit: Organization, period: Period) -> datetime.date | None:
    """The unit's report deadline (R19): its level's, or 15/01 of the next year for a unit whose
    working year ends later (Hướng dẫn 43 §4.1)."""
    level = REPORT_LEVELS.get(unit.kind)
    due = Deadline.objects.filter(period=period, level=level).values_list("due", flat=True).first()
    return rules.unit_due(due, year_ends_later=unit.year_ends_later)


def versions_of(unit: Organization, period: Period):
    return ReportSubmission.objects.filter(unit=unit, period=period).select_related("submitted_by")


def frozen_rows(summary: Summary) -> list[dict]:
    """One row per child unit with its three sections, as Summary.as_json() gives the head."""
    return [
        {
            "pk": row.unit.pk,
            "code": row.unit.code,
            "name": row.unit.name,
            "kind": row.unit.kind,
            "sections": {name: row.sections[name].as_json() for name in SECTIONS},
        }
        for row in summary.rows[1:]
    ]


@transaction.atomic
def report_submit(
    *,
    unit: Organization,
    period: Period,
    by: AbstractBaseUser,
    signer_name: str,
    signer_title: str,
    strengths: str = "",
    weaknesses: str = "",
    prompts: str = "",
    commendations: str = "",
    discipline: str = "",
    correction_reason: str = "",
    now: datetime.datetime | None = None,
) -> ReportSubmission:
    """Freeze the subtree's summary table into a new version of the unit's report."""
    if not submits_report(unit):
        raise ValidationError(MSG_NOT_REPORTING, code="kind")
    if not period.is_open():
        raise ValidationError(MSG_YEAR_CLOSED, code="closed")
    if not signer_name.strip() or not signer_title.strip():
        raise ValidationError(MSG_SIGNER, code="signer")
    # The unit's row is the lock that numbers versions one after another.
    Organization.objects.select_for_update().filter(pk=unit.pk).first()
    previous = versions_of(unit, period).order_by("-version").first()
    if previous is not None and not correction_reason.strip():
        raise ValidationError({"correction_reason": MSG_CORRECTION_REASON})
    summary = summary_build(unit=unit, period=period)
    submission = ReportSubmission.objects.create(
        period=period,
        unit=unit,
        version=previous.version + 1 if previous else 1,
        summary=summary.as_json(),
        rows=frozen_rows(summary),
        strengths=strengths.strip(),
        weaknesses=weaknesses.strip(),
        prompts=prompts.strip(),
        commendations=commendations.strip(),
        discipline=discipline.strip(),
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        correction_reason=correction_reason.strip() if previous else "",
        due=report_due(unit, period),
        submitted_at=now or timezone.now(),
        submitted_by=by,
    )
    _notify_province(submission)
    return submission


def _notify_province(submission: ReportSubmission) -> None:
    """A superior committee's report goes to the province's organization board."""
    unit = submission.unit
    if unit.kind != Kind.SUPERIOR:
        return
    province = Organization.objects.get_root(unit)
    params = {"unit": unit.name, "year": submission.period.year}
    with translation.override(settings.LANGUAGE_CODE):
        if submission.is_correction:
            text = MSG_CORRECTED % {
                **params,
                "version": submission.version,
                "reason": submission.correction_reason,
            }
        elif submission.is_late:
            due = formats.date_format(submission.due, "SHORT_DATE_FORMAT")
            text = MSG_ARRIVED_LATE % {**params, "due": due}
        else:
            text = MSG_ARRIVED % params
        notify(
            users=users_with_role(Role.PROVINCIAL_BOARD, province),
            text=str(text),
            url=reverse("reports:deadline_aggregate", args=[submission.period.year, province.pk]),
        )


def _changed_paths(decision: Decision, tree: YearTree) -> list[str]:
    """Where in the year's tree `decision` changed results: the cells of the members it rated
    later or re-rated, the units it re-rated."""
    units = [
        *Organization.objects.filter(
            cell_years__assessments__later_rating__decision=decision
        ).distinct(),
        *Organization.objects.filter(cell_years__assessments__reratings__decision=decision),
        *Organization.objects.filter(cell_years__reratings__decision=decision),
        *Organization.objects.filter(grassroots_years__reratings__decision=decision),
    ]
    return [tree.place(unit)[0] for unit in units]


@transaction.atomic
def reports_restate(*, decision: Decision, by: AbstractBaseUser) -> list[ReportSubmission]:
    """Issue 15: a decision after the year (members rated later R14, a re-rating R9) changed
    figures that reports already submitted froze. Each such report (a superior committee's, the
    province's, whose subtree holds a changed unit) gets a new version with the figures as they
    now stand, its narrative and signer kept, restated after `decision`; every earlier version
    stays and shows the difference. The year may be closed: this is the one path that writes
    a report of a closed year, and only as a consequence of such a decision."""
    period = decision.period
    tree = YearTree.of(period)
    changed = _changed_paths(decision, tree)
    restated = []
    reporting = Organization.objects.filter(report_submissions__period=period).distinct()
    for unit in reporting.order_by("path"):
        path, _depth = tree.place(unit)
        if not any(p.startswith(path) for p in changed):
            continue
        Organization.objects.select_for_update().filter(pk=unit.pk).first()
        previous = versions_of(unit, period).order_by("-version").first()
        summary = summary_build(unit=unit, period=period)
        now = summary.as_json()
        if not any(
            differences(name, previous.summary["sections"][name], now["sections"][name], {})
            for name in SECTIONS
        ):
            continue
        with translation.override(settings.LANGUAGE_CODE):
            reason = str(MSG_RESTATED % {"decision": decision, "kind": decision.get_kind_display()})
        submission = ReportSubmission.objects.create(
            period=period,
            unit=unit,
            version=previous.version + 1,
            summary=now,
            rows=frozen_rows(summary),
            **{name: getattr(previous, name) for name in NARRATIVE_FIELDS},
            signer_name=previous.signer_name,
            signer_title=previous.signer_title,
            correction_reason=reason,
            restated_by=decision,
            due=None,  # not a submission of the unit: never late
            submitted_at=timezone.now(),
            submitted_by=by,
        )
        _notify_province(submission)
        restated.append(submission)
    return restated


def version_differences(submission: ReportSubmission) -> list[Difference]:
    """What changed from the version before `submission` (none for a first version)."""
    before = (
        versions_of(submission.unit, submission.period)
        .filter(version__lt=submission.version)
        .order_by("-version")
        .first()
    )
    if before is None:
        return []
    labels = {lv.code: lv.short_name for lv in submission.period.rule_set.levels.all()}
    return [
        d
        for name in SECTIONS
        for d in differences(
            name, before.summary["sections"][name], submission.summary["sections"][name], labels
        )
    ]


# --- The province's view at a cut-off ---------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    section: str
    figure: str  # a FIGURES key or a level code
    label: str
    frozen: int
    live: int

    @property
    def delta(self) -> int:
        return self.live - self.frozen


@dataclass
class ChildReport:
    unit: Organization
    submission: ReportSubmission | None  # the latest version by the cut-off
    live: dict[str, dict]  # section → Section.as_json() now
    differences: list[Difference] = field(default_factory=list)

    def differences_in(self, section: str) -> list[Difference]:
        return [d for d in self.differences if d.section == section]

    def frozen(self, section: str) -> dict | None:
        return self.submission.summary["sections"][section] if self.submission else None


@dataclass
class SectionTotal:
    """The sum of the submitted reports' figures in one section; percents from the counts."""

    total: int = 0
    assessed: int = 0
    not_classified: int = 0
    pending: int = 0
    levels: dict[str, int] = field(default_factory=dict)

    def add(self, figures: dict) -> None:
        self.total += figures["total"]
        self.assessed += figures["assessed"]
        self.not_classified += figures["not_classified"]["total"]
        self.pending += figures["pending"]["total"]
        for level in figures["levels"]:
            self.levels[level["code"]] = self.levels.get(level["code"], 0) + level["count"]

    def percent(self, code: str):
        return quota.percent(self.levels.get(code, 0), self.assessed)


@dataclass
class Aggregate:
    province: Organization
    period: Period
    cutoff: datetime.date
    due: datetime.date | None
    children: list[ChildReport]
    totals: dict[str, SectionTotal]

    @property
    def submitted(self) -> list[ChildReport]:
        return [c for c in self.children if c.submission]

    @property
    def missing(self) -> list[ChildReport]:
        return [c for c in self.children if not c.submission]

    @property
    def changed(self) -> list[ChildReport]:
        return [c for c in self.children if c.differences]


def province_aggregate(
    *, province: Organization, period: Period, cutoff: datetime.date | None = None
) -> Aggregate:
    """The province's year from its superior committees' reports as they stood on `cutoff`
    (the superior committees' deadline by default), beside the live figures."""
    due = (
        Deadline.objects.filter(period=period, level=DeadlineLevel.SUPERIOR)
        .values_list("due", flat=True)
        .first()
    )
    cutoff = cutoff or due or timezone.localdate()
    live = {row.unit.pk: row for row in summary_build(unit=province, period=period).rows[1:]}
    children = [row.unit for row in live.values() if row.unit.kind == Kind.SUPERIOR]
    latest: dict[int, ReportSubmission] = {}
    # The latest version per unit: ordered by version, the last one written wins (portable to
    # SQLite, which the demo uses; one row per version, a handful per unit).
    for s in (
        ReportSubmission.objects.filter(
            period=period, unit__in=children, submitted_at__date__lte=cutoff
        )
        .select_related("submitted_by")
        .order_by("unit_id", "version")
    ):
        latest[s.unit_id] = s
    labels = {lv.code: lv.short_name for lv in period.rule_set.levels.all()}
    reports, totals = [], {name: SectionTotal() for name in SECTIONS}
    for unit in children:
        now = {name: live[unit.pk].sections[name].as_json() for name in SECTIONS}
        report = ChildReport(unit, latest.get(unit.pk), now)
        if report.submission:
            for name in SECTIONS:
                totals[name].add(report.frozen(name))
                report.differences += differences(name, report.frozen(name), now[name], labels)
        reports.append(report)
    return Aggregate(province, period, cutoff, due, reports, totals)


def differences(section: str, frozen: dict, live: dict, labels: dict[str, str]) -> list[Difference]:
    """Each figure of a section whose frozen and live values differ (levels by code)."""

    def figures(data: dict) -> dict[str, int]:
        values = {
            "total": data["total"],
            "assessed": data["assessed"],
            "not_classified": data["not_classified"]["total"],
            "pending": data["pending"]["total"],
        }
        values.update({level["code"]: level["count"] for level in data["levels"]})
        return values

    before, after = figures(frozen), figures(live)
    return [
        Difference(
            section,
            key,
            str(FIGURES[key]) if key in FIGURES else labels.get(key, key),
            before.get(key, 0),
            after.get(key, 0),
        )
        for key in dict.fromkeys([*before, *after])
        if before.get(key, 0) != after.get(key, 0)
    ]


def aggregate_tables(aggregate: Aggregate) -> list[dict]:
    """The aggregate's three tables for the page: per section its levels, a row per superior
    committee (frozen figures, or None when it had not submitted) and the total of the reports."""
    rule_set = aggregate.period.rule_set
    member_levels = list(rule_set.levels.for_members().order_by("rank"))
    unit_levels = list(rule_set.levels.for_organizations().order_by("rank"))
    tables = []
    for name in SECTIONS:
        levels = member_levels if name == "members" else unit_levels
        total = aggregate.totals[name]
        tables.append(
            {
                "name": name,
                "title": section_title(name),
                "levels": levels,
                "rows": [
                    {
                        "report": child,
                        "values": _values(child.frozen(name), levels),
                        "differences": child.differences_in(name),
                    }
                    for child in aggregate.children
                ],
                "total": [total.total, total.assessed, total.not_classified, total.pending]
                + [(total.levels.get(lv.code, 0), total.percent(lv.code)) for lv in levels],
            }
        )
    return tables


def _values(figures: dict | None, levels) -> list | None:
    if figures is None:
        return None
    counts = {level["code"]: level["count"] for level in figures["levels"]}
    assessed = figures["assessed"]
    return [
        figures["total"],
        assessed,
        figures["not_classified"]["total"],
        figures["pending"]["total"],
    ] + [(counts.get(lv.code, 0), quota.percent(counts.get(lv.code, 0), assessed)) for lv in levels]


def submission_tables(submission: ReportSubmission) -> list[dict]:
    """A report's frozen summary table: per section the unit's row, then one per unit below."""
    rule_set = submission.period.rule_set
    member_levels = list(rule_set.levels.for_members().order_by("rank"))
    unit_levels = list(rule_set.levels.for_organizations().order_by("rank"))
    tables = []
    for name in SECTIONS:
        levels = member_levels if name == "members" else unit_levels
        head = {
            "name": submission.summary["unit"]["name"],
            "head": True,
            "values": _values(submission.summary["sections"][name], levels),
        }
        rows = [
            {"name": row["name"], "head": False, "values": _values(row["sections"][name], levels)}
            for row in submission.rows
        ]
        tables.append(
            {"name": name, "title": section_title(name), "levels": levels, "rows": [head, *rows]}
        )
    return tables
