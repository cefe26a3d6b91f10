"""A member's posts over time: party, government and mass-organization posts and the work unit,
the header of the self-review forms 2A/2B/2C (Quy định 366-QĐ/TW art. 10, Hướng dẫn 43).

The review framework a member is assessed under follows their posts on the review date
(issue 14 item 5): whoever holds a leadership or management post is a leader (form 2A); a member
whose work unit is outside the political system (retired, studying, a private firm) is reviewed
on form 2C; everyone else is a member without a leadership post (form 2B). Posts are recorded
once, so frameworks, heads and collectives are derived from them, not typed twice.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.audited_history import AuditedHistoryManager

MSG_POST_DATES = _("The end date must not be before the start date.")
MSG_LEADERSHIP_WORK_UNIT = _("A work unit is not a leadership post; record the post itself.")


class FrameworkKind(models.TextChoices):
    """The review frameworks of Quy định 366 art. 10–11 (R3), each with its form in the year's
    rule set (`RuleSet.forms`): 01 for collectives, 2A, 2B and 2C for individuals."""

    COLLECTIVE = "collective", _("Leadership collective (form 01)")
    LEADER = "leader", _("Leader or manager (form 2A)")
    MEMBER = "member", _("Member without a leadership post (form 2B)")
    OUTSIDE = "outside_political_system", _("Member outside the political system (form 2C)")


INDIVIDUAL_FRAMEWORKS = (FrameworkKind.LEADER, FrameworkKind.MEMBER, FrameworkKind.OUTSIDE)


class PostKind(models.TextChoices):
    PARTY = "party", _("Party post")
    GOVERNMENT = "government", _("Government post")
    MASS_ORGANIZATION = "mass_organization", _("Mass-organization post")
    WORK_UNIT = "work_unit", _("Work unit")


class PostQuerySet(models.QuerySet):
    def on(self, day: datetime.date) -> PostQuerySet:
        """Posts held on `day` (start and end dates included)."""
        return self.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))

    def leading(self) -> PostQuerySet:
        return self.filter(leadership=True).exclude(kind=PostKind.WORK_UNIT)


class Post(models.Model):
    """One post a member held from `start` to `end` (open while `end` is empty)."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="posts", verbose_name=_("member")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PostKind.choices)
    title = models.CharField(_("post"), max_length=255)
    unit_name = models.CharField(
        _("body or unit"),
        max_length=255,
        blank=True,
        help_text=_("The government body, mass organization or workplace, as written on forms."),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("party organization led"),
        help_text=_("For a party post: the party organization whose committee the member sits on."),
    )
    leadership = models.BooleanField(
        _("leadership or management post"),
        default=False,
        help_text=_("Reviewed on form 2A and assessed each quarter."),
    )
    outside_political_system = models.BooleanField(
        _("outside the political system"),
        default=False,
        help_text=_("For a work unit: retired, studying, a private firm (form 2C)."),
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = PostQuerySet.as_manager()
    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["member", "-start", "kind"]
        indexes = [models.Index(fields=["member", "start"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.start:%d/%m/%Y})"

    def clean(self) -> None:
        errors = {}
        if self.end and self.start and self.end < self.start:
            errors["end"] = MSG_POST_DATES
        if self.kind == PostKind.WORK_UNIT and self.leadership:
            errors["leadership"] = MSG_LEADERSHIP_WORK_UNIT
        if errors:
            raise ValidationError(errors)


def framework_on(member, day: datetime.date) -> FrameworkKind:
    """The framework `member` (a members.Member) is reviewed under on `day` (issue 14 item 5,
    Quy định 366 art. 10; R3's frameworks):

    - LEADER (form 2A) while they hold a party, government or mass-organization post marked as
      leadership or management;
    - OUTSIDE (form 2C) while their work unit is outside the political system;
    - MEMBER (form 2B) otherwise.

    A member with no post recorded at all keeps the flags typed on their record before posts
    existed (`holds_leadership_post`, `outside_political_system`). Reads the member's posts
    (prefetched `posts` are used when present); an object without `posts` (an import's new
    member) is read by its flags; raises nothing."""
    # A record made in bulk without a model instance (an import's new member) has no posts yet.
    posts = list(member.posts.all()) if hasattr(member, "posts") else []
    if not posts:
        if member.holds_leadership_post:
            return FrameworkKind.LEADER
        if member.outside_political_system:
            return FrameworkKind.OUTSIDE
        return FrameworkKind.MEMBER
    held = [p for p in posts if p.start <= day and (p.end is None or p.end >= day)]
    if any(p.leadership and p.kind != PostKind.WORK_UNIT for p in held):
        return FrameworkKind.LEADER
    if any(p.kind == PostKind.WORK_UNIT and p.outside_political_system for p in held):
        return FrameworkKind.OUTSIDE
    return FrameworkKind.MEMBER


def led_organizations_on(member, day: datetime.date) -> list:
    """The party organizations `member` leads on `day` through a leadership party post (the
    units whose results a leader's conditions read, R5); in path order, without repeats."""
    units = {
        p.organization_id: p.organization
        for p in member.posts.on(day).leading().select_related("organization")
        if p.organization_id
    }
    return sorted(units.values(), key=lambda unit: unit.path)
