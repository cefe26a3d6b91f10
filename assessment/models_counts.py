"""Per-unit, per-year counts of the year's records, kept up to date (issue 18 item 1).

The summary table (reports/summary.py) reads these instead of the 100,000 result rows of a
province: one row per (year, unit, subject, status, reason, decided level) with how many
records fall in it. They are a materialization of the rows and nothing else: assessment/counts.py
recomputes them for the units a change touches, in the same transaction, and `manage.py
counts_check` finds any drift.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CountSubject(models.TextChoices):
    MEMBERS = "members", _("Members")
    CELLS = "cells", _("Cells' years")  # every CellYear; the summary keeps subordinate cells
    GRASSROOTS = "grassroots", _("Organizations' years")  # every GrassrootsYear
    # R23's optional leaders row: the member records reviewed on the rule set's leaders' form
    # (2A), counted a second time apart from MEMBERS.
    LEADERS = "leaders", _("Leaders")


class UnitYearCount(models.Model):
    """How many records of `subject` of `unit` in `period` have this status, reason and decided
    level; `commended` of them are proposed for commendation, `prompted` were given a review
    prompt (for cells' years: a prompt to the collective). The unit is the member's cell for
    members, the cell for cells' years, the organization for organizations' years."""

    period = models.ForeignKey(
        "assessment.Period", on_delete=models.CASCADE, related_name="+", verbose_name=_("year")
    )
    unit = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="year_counts",
        verbose_name=_("unit"),
    )
    subject = models.CharField(_("subject"), max_length=12, choices=CountSubject.choices)
    status = models.CharField(_("status"), max_length=10)
    reason_code = models.CharField(_("reason code"), max_length=30, blank=True)
    level = models.ForeignKey(
        "assessment.Level",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided level"),
    )
    n = models.PositiveIntegerField(_("count"))
    commended = models.PositiveIntegerField(_("proposed for commendation"), default=0)
    prompted = models.PositiveIntegerField(_("given review prompts"), default=0)
    prompted_central = models.PositiveIntegerField(
        _("given prompts by the central level"), default=0
    )
    prompted_province = models.PositiveIntegerField(_("given prompts by the province"), default=0)
    prompted_superior = models.PositiveIntegerField(
        _("given prompts by the superior committee"), default=0
    )

    class Meta:
        verbose_name = _("unit's count for the year")
        verbose_name_plural = _("units' counts for the year")
        indexes = [models.Index(fields=["period", "unit"], name="unit_year_count")]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.unit_id} {self.subject} {self.status}: {self.n}"


class UnitYearRollup(models.Model):
    """The counts of a unit's whole subtree for a year (issue 18 item 1): for a (year, unit) the
    sum of the `UnitYearCount` rows of every unit under it on today's tree, itself included,
    grouped by the subject, the kind of the unit whose records they are (a subordinate or a
    grassroots cell's year count in different sections), status, reason and decided level.

    The summary of a unit then reads its own rollup and its children's, a few rows each,
    instead of summing every count under it. assessment/rollups.py moves them with the counts,
    in the same transaction (the change of each count added to the unit and its ancestors), and
    with the tree when a unit moves; `manage.py counts_check` finds any drift. A closed year
    with a frozen tree (R22) is summed from the counts over its snapshot instead."""

    period = models.ForeignKey(
        "assessment.Period", on_delete=models.CASCADE, related_name="+", verbose_name=_("year")
    )
    unit = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="year_rollups",
        verbose_name=_("unit"),
    )
    subject = models.CharField(_("subject"), max_length=12, choices=CountSubject.choices)
    source_kind = models.CharField(_("kind of the counted unit"), max_length=20)
    status = models.CharField(_("status"), max_length=10)
    reason_code = models.CharField(_("reason code"), max_length=30, blank=True)
    # The decided level's id, 0 for none: a key column that is never NULL, so that the upsert's
    # conflict target matches on PostgreSQL and SQLite alike.
    level_ref = models.IntegerField(_("decided level"), default=0)
    n = models.IntegerField(_("count"), default=0)
    commended = models.IntegerField(_("proposed for commendation"), default=0)
    prompted = models.IntegerField(_("given review prompts"), default=0)
    prompted_central = models.IntegerField(_("given prompts by the central level"), default=0)
    prompted_province = models.IntegerField(_("given prompts by the province"), default=0)
    prompted_superior = models.IntegerField(_("given prompts by the superior committee"), default=0)

    class Meta:
        verbose_name = _("subtree's count for the year")
        verbose_name_plural = _("subtrees' counts for the year")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "period",
                    "unit",
                    "subject",
                    "source_kind",
                    "status",
                    "reason_code",
                    "level_ref",
                ],
                name="unit_year_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.unit_id}* {self.subject} {self.status}: {self.n}"
