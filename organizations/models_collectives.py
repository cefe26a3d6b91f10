"""Leadership collectives (tập thể lãnh đạo, quản lý) and who sat on them (issue 14 item 1).

A collective belongs to a unit: its party committee (ban chấp hành, cấp ủy), its standing
committee (ban thường vụ), or the leadership of the government body or mass organization the
unit leads. It is assessed as a subject of its own (Quy định 366-QĐ/TW art. 3, 12; form 01 for
collectives) and comes before its members and its head (R8).

A seat names a party member: the only link from the tree's app to people, written as a string
reference so that this module imports nothing above it (STYLE.md rule 9).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .audited_history import AuditedHistoryManager

MSG_SEAT_DATES = _("The seat's end date must not be before its start date.")


class CollectiveKind(models.TextChoices):
    """The kinds of leadership collective the 2025 rules assess (Quy định 366 art. 3)."""

    PARTY_COMMITTEE = "party_committee", _("Party committee")
    STANDING_COMMITTEE = "standing_committee", _("Standing committee")
    GOVERNMENT_LEADERSHIP = "government_leadership", _("Leadership of a government body")
    MASS_ORGANIZATION_LEADERSHIP = (
        "mass_organization_leadership",
        _("Leadership of a mass organization"),
    )


# The collectives whose head is the head of the party unit itself (its secretary).
PARTY_KINDS = frozenset({CollectiveKind.PARTY_COMMITTEE, CollectiveKind.STANDING_COMMITTEE})


class LeadershipCollectiveQuerySet(models.QuerySet):
    def in_subtree(self, root) -> LeadershipCollectiveQuerySet:
        """Collectives of `root` and of every unit below it."""
        return self.filter(organization__path__startswith=root.path)

    def active_in(self, year: int) -> LeadershipCollectiveQuerySet:
        """Collectives that existed at some time in `year`."""
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return self.filter(Q(active_from__isnull=True) | Q(active_from__lte=end)).filter(
            Q(active_to__isnull=True) | Q(active_to__gte=start)
        )


class LeadershipCollective(models.Model):
    """A unit's leadership collective (issue 14 item 1; DOMAIN.md R8, R28)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="collectives",
        verbose_name=_("party organization"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=CollectiveKind.choices)
    name = models.CharField(_("name"), max_length=255)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)

    objects = LeadershipCollectiveQuerySet.as_manager()
    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("leadership collective")
        verbose_name_plural = _("leadership collectives")
        ordering = ["organization__path", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "name"], name="unique_collective_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_party_collective(self) -> bool:
        """A party committee or standing committee: its head is the unit's secretary."""
        return self.kind in PARTY_KINDS


class SeatRole(models.TextChoices):
    HEAD = "head", _("Head")
    DEPUTY = "deputy", _("Deputy head")
    MEMBER = "member", _("Member of the collective")


class CollectiveSeatQuerySet(models.QuerySet):
    def in_year(self, year: int) -> CollectiveSeatQuerySet:
        """Seats held at some time in `year` (who sat on the collective that year)."""
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return self.filter(start__lte=end).filter(Q(end__isnull=True) | Q(end__gte=start))

    def heads(self) -> CollectiveSeatQuerySet:
        return self.filter(role=SeatRole.HEAD)


class CollectiveSeat(models.Model):
    """A member's seat on a collective from `start` to `end` (open: still sitting)."""

    collective = models.ForeignKey(
        LeadershipCollective,
        on_delete=models.CASCADE,
        related_name="seats",
        verbose_name=_("leadership collective"),
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="collective_seats",
        verbose_name=_("party member"),
    )
    role = models.CharField(
        _("role in the collective"),
        max_length=10,
        choices=SeatRole.choices,
        default=SeatRole.MEMBER,
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    # The party post the seat comes from (members.Post on this unit), when derived from it:
    # the post is typed once, the seat follows it (issue 14 item 5). One post seats its holder
    # once per collective: a standing committee member sits on the party committee too.
    post = models.ForeignKey(
        "members.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="seats",
        verbose_name=_("party post"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = CollectiveSeatQuerySet.as_manager()
    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("seat on a collective")
        verbose_name_plural = _("seats on collectives")
        ordering = ["collective", "role", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "post"], name="one_seat_per_post_and_collective"
            )
        ]

    def __str__(self) -> str:
        return f"{self.collective}: {self.member} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": MSG_SEAT_DATES})


def managing_unit(collective: LeadershipCollective):
    """The unit whose committee proposes and decides a collective's level (Quy định 366 art. 12,
    step 8): the grassroots committee for the collectives of its subordinate cells and partial
    committees; the deciding superior for those of a grassroots organization or a commune
    committee; a province's (or the central level's) own collectives are recorded by itself.
    Takes a LeadershipCollective, returns an Organization."""
    from .models import Kind, Organization

    unit = collective.organization
    if unit.kind in (Kind.SUBORDINATE_CELL, Kind.PARTIAL_COMMITTEE):
        return Organization.objects.grassroots_of(unit)
    if unit.is_root():
        return unit
    return Organization.objects.deciding_superior(unit)


def managing_units(collectives: Iterable[LeadershipCollective]) -> dict[int, object]:
    """`managing_unit` for many collectives (their `organization` loaded) in one query, the
    ancestors of their units: collective pk → the managing Organization (None for a subordinate
    cell without a grassroots organization above it, as `grassroots_of` gives)."""
    from .models import GRASSROOTS_KINDS, Kind, Organization

    collectives = list(collectives)
    step = Organization.steplen
    paths = {
        c.organization.path[:end]
        for c in collectives
        for end in range(step, len(c.organization.path) + 1, step)
    }
    by_path = {o.path: o for o in Organization.objects.filter(path__in=paths)}
    result = {}
    for collective in collectives:
        unit = collective.organization
        ancestors = [by_path[unit.path[:end]] for end in range(step, len(unit.path) + 1, step)]
        if unit.kind in (Kind.SUBORDINATE_CELL, Kind.PARTIAL_COMMITTEE):
            grassroots = [a for a in ancestors if a.kind in GRASSROOTS_KINDS]
            result[collective.pk] = grassroots[-1] if grassroots else None
        elif unit.depth == 1:
            result[collective.pk] = unit
        else:
            parent = ancestors[-2]
            result[collective.pk] = parent if parent.kind == Kind.SUPERIOR else ancestors[0]
    return result
