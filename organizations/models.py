"""The typed tree of party organizations (DOMAIN.md section 7, R22) and roles on its subtrees."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from .audited_history import AuditedHistoryManager


class Kind(models.TextChoices):
    """Kinds of party organization; the values are the codes used in workbooks (issue 5)."""

    NATION = "trung_uong", _("Central level")
    PROVINCE = "tinh_uy", _("Province committee")
    SUPERIOR = "cap_tren_co_so", _("Superior committee")
    GRASSROOTS_COMMITTEE = "dang_bo_co_so", _("Grassroots committee")
    GRASSROOTS_CELL = "chi_bo_co_so", _("Grassroots cell")
    PARTIAL_COMMITTEE = "dang_bo_bo_phan", _("Partial committee")
    SUBORDINATE_CELL = "chi_bo_truc_thuoc", _("Subordinate cell")


# Which parent kinds each kind may sit under. A grassroots unit may sit directly under the
# province (DOMAIN.md section 7); since 2025 commune and ward committees are superior committees.
ALLOWED_PARENTS: dict[str, frozenset[str]] = {
    Kind.NATION: frozenset(),
    Kind.PROVINCE: frozenset({Kind.NATION}),
    Kind.SUPERIOR: frozenset({Kind.PROVINCE}),
    Kind.GRASSROOTS_COMMITTEE: frozenset({Kind.SUPERIOR, Kind.PROVINCE}),
    Kind.GRASSROOTS_CELL: frozenset({Kind.SUPERIOR, Kind.PROVINCE}),
    Kind.PARTIAL_COMMITTEE: frozenset({Kind.GRASSROOTS_COMMITTEE}),
    Kind.SUBORDINATE_CELL: frozenset({Kind.GRASSROOTS_COMMITTEE, Kind.PARTIAL_COMMITTEE}),
}
# Kinds that may stand at the top of a tree: a province's own database, or the country's with the
# central level above the provinces (issue 18: the country's summary by province in one call).
ROOT_KINDS = frozenset({Kind.NATION, Kind.PROVINCE})
CELL_KINDS = frozenset({Kind.GRASSROOTS_CELL, Kind.SUBORDINATE_CELL})
GRASSROOTS_KINDS = frozenset({Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL})
OWN_LEVEL_KINDS = GRASSROOTS_KINDS | {Kind.SUPERIOR}

CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$",
    _("A code has 1 to 40 characters: letters without accents, digits, '.', '_' or '-'."),
    code="invalid_code",
)
MSG_PARENT_KIND = _("A unit of kind “%(kind)s” cannot be placed under a unit of kind “%(parent)s”.")
MSG_ROOT_KIND = _(
    "Only the central level or a province committee can stand at the top of the tree."
)
MSG_DATES = _("The end date must not be before the start date.")


class OrganizationQuerySet(MP_NodeQuerySet):
    def in_subtree(self, root: Organization) -> OrganizationQuerySet:
        return self.filter(path__startswith=root.path)

    def cells(self) -> OrganizationQuerySet:
        return self.filter(kind__in=CELL_KINDS)

    def depth_within(self, root: Organization, *, max_depth: int, max_rows: int) -> int:
        """The most levels below `root` (at least 1, at most `max_depth`) within `max_rows` rows."""
        per_depth = dict(
            self.filter(depth__lte=root.depth + max_depth)
            .order_by()
            .values_list("depth")
            .annotate(n=models.Count("id"))
        )
        depth, rows = 1, per_depth.get(root.depth, 1) + per_depth.get(root.depth + 1, 0)
        while depth < max_depth and rows + per_depth.get(root.depth + depth + 1, 0) <= max_rows:
            depth += 1
            rows += per_depth.get(root.depth + depth, 0)
        return depth

    def active_on(self, day: datetime.date) -> OrganizationQuerySet:
        return self.filter(Q(active_from__isnull=True) | Q(active_from__lte=day)).filter(
            Q(active_to__isnull=True) | Q(active_to__gte=day)
        )


class OrganizationManager(MP_NodeManager):
    def get_queryset(self) -> OrganizationQuerySet:
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")

    def in_subtree(self, root: Organization) -> OrganizationQuerySet:
        return self.get_queryset().in_subtree(root)

    def ancestor_ids(self, path: str) -> list[int]:
        """The ids of the units above the one at `path`, root first (itself excluded)."""
        step = self.model.steplen
        paths = [path[:end] for end in range(step, len(path), step)]
        by_path = dict(self.get_queryset().filter(path__in=paths).values_list("path", "pk"))
        return [by_path[p] for p in paths if p in by_path]

    def move(self, node, target, pos=None):
        """treebeard's move (the node and its subtree to `pos` relative to `target`), then
        `organizations.signals.subtree_moved` with the node's ancestors before and after, in
        the same transaction, so that figures kept per subtree follow (issue 18)."""
        from .signals import subtree_moved

        with transaction.atomic():
            fresh = self.get_queryset().get(pk=node.pk)
            before = self.ancestor_ids(fresh.path)
            result = super().move(node, target, pos)
            after = self.ancestor_ids(self.get_queryset().get(pk=node.pk).path)
            if before != after:
                subtree_moved.send(sender=self.model, unit_id=node.pk, before=before, after=after)
        return result

    def cells(self) -> OrganizationQuerySet:
        return self.get_queryset().cells()

    def deciding_superior(self, grassroots: Organization) -> Organization:
        """Who decides a grassroots organization's level (step 8): its parent superior committee,
        or the province for one directly under it (since 2025 also commune committees)."""
        parent = self.get_parent(grassroots)
        if parent.kind == Kind.SUPERIOR:
            return parent
        return self.get_root(grassroots)

    def grassroots_of(self, unit: Organization) -> Organization | None:
        """The grassroots organization a unit belongs to (itself when it is one)."""
        paths = [
            unit.path[:end]
            for end in range(self.model.steplen, len(unit.path) + 1, self.model.steplen)
        ]
        return (
            self.get_queryset()
            .filter(path__in=paths, kind__in=GRASSROOTS_KINDS)
            .order_by("-depth")
            .first()
        )


class Organization(MP_Node):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)
    # How the unit signs its documents (issue 17, Hướng dẫn 36-HD/VPTW): organizations/documents.py
    official_name = models.CharField(
        _("official name"),
        max_length=255,
        blank=True,
        help_text=_("The issuing committee as it signs, e.g. “Đảng ủy phường Kinh Bắc”."),
    )
    document_symbol = models.CharField(
        _("symbol in document numbers"),
        max_length=20,
        blank=True,
        help_text=_("E.g. ĐU, HU, TU, CB: “Số 01-QĐ/ĐU”. Unique among the units of one superior."),
    )
    place_name = models.CharField(
        _("place name"),
        max_length=100,
        blank=True,
        help_text=_("The place name in the date line, e.g. “Kinh Bắc, ngày 18 tháng 12 năm 2025”."),
    )
    heading_superior = models.CharField(
        _("superior's line in the heading"),
        max_length=255,
        blank=True,
        help_text=_("E.g. “Đảng bộ tỉnh Bắc Ninh”; empty: derived from the parent unit."),
    )
    # R19 (Hướng dẫn 43 §4.1): reviews and ratings end before 31/12, except for units whose
    # working year ends later, which have until 15/01 of the next year.
    year_ends_later = models.BooleanField(
        _("working year ends after 31 December"),
        default=False,
        help_text=_("Its reviews and ratings may end by 15 January of the next year (R19)."),
    )

    objects = OrganizationManager()
    history = HistoricalRecords(excluded_fields=["numchild"], history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")
        indexes = [
            models.Index(fields=["kind", "path"]),
            # Subtree queries are `path LIKE 'prefix%'`; PostgreSQL needs this operator class
            # to use an index for them under a non-C collation.
            models.Index(
                fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            # A unit's children (`depth = d + 1 AND path LIKE 'prefix%'`): read by index, so
            # that the central root's few provinces do not cost a scan of the whole country.
            models.Index(
                fields=["depth", "path"],
                name="org_depth_path",
                opclasses=["", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def is_grassroots(self) -> bool:
        return self.kind in GRASSROOTS_KINDS

    @property
    def decides_cells(self) -> bool:
        """A grassroots committee decides its subordinate cells' levels (step 7)."""
        return self.kind == Kind.GRASSROOTS_COMMITTEE

    @property
    def submits_own_level(self) -> bool:
        """Grassroots organizations report their own level up (step 7), and so do commune and
        ward committees, which the province decides (step 8b)."""
        return self.kind in OWN_LEVEL_KINDS

    @property
    def decides_grassroots(self) -> bool:
        """Superior committees, and the province for units directly under it (step 8)."""
        return self.kind in (Kind.SUPERIOR, Kind.PROVINCE)

    def contains(self, other: Organization) -> bool:
        return other.path.startswith(self.path)

    def clean(self) -> None:
        if self.active_from and self.active_to and self.active_to < self.active_from:
            raise ValidationError({"active_to": MSG_DATES})
        from .documents import check_symbol_unique

        check_symbol_unique(self)

    def check_parent(self, parent: Organization | None) -> None:
        """Raise a translated ValidationError when this unit's kind may not sit under `parent`."""
        allowed = ALLOWED_PARENTS[self.kind]
        if parent is None:
            if self.kind not in ROOT_KINDS:
                raise ValidationError({"kind": MSG_ROOT_KIND})
            return
        if parent.kind not in allowed:
            raise ValidationError(
                {
                    "kind": ValidationError(
                        MSG_PARENT_KIND,
                        params={
                            "kind": self.get_kind_display(),
                            "parent": parent.get_kind_display(),
                        },
                        code="parent_kind",
                    )
                }
            )


class Role(models.TextChoices):
    MEMBER = "member", _("Party member")
    CELL_SECRETARY = "cell_secretary", _("Cell secretary")
    GRASSROOTS_COMMITTEE = "grassroots_committee", pgettext_lazy("role", "Grassroots committee")
    SUPERIOR_BOARD = "superior_board", _("Superior committee board")
    PROVINCIAL_BOARD = "provincial_board", _("Provincial organization board")
    ADMINISTRATOR = "administrator", _("Administrator")


# The unit kinds each role may be given. A member's scope is their own record only.
ROLE_KINDS: dict[str, frozenset[str]] = {
    Role.MEMBER: CELL_KINDS,
    Role.CELL_SECRETARY: CELL_KINDS,
    Role.GRASSROOTS_COMMITTEE: GRASSROOTS_KINDS,
    Role.SUPERIOR_BOARD: frozenset({Kind.SUPERIOR}),
    Role.PROVINCIAL_BOARD: frozenset({Kind.PROVINCE}),
    Role.ADMINISTRATOR: frozenset(Kind.values),
}
# Roles that may create and edit units and member records inside their subtree.
MANAGING_ROLES = frozenset(
    {Role.GRASSROOTS_COMMITTEE, Role.SUPERIOR_BOARD, Role.PROVINCIAL_BOARD, Role.ADMINISTRATOR}
)
MSG_ROLE_KIND = _("The role “%(role)s” cannot be given on a unit of kind “%(kind)s”.")


class AssignmentQuerySet(models.QuerySet):
    def current(self) -> AssignmentQuerySet:
        return self.filter(is_active=True)


class Assignment(models.Model):
    """A user's role on a unit; the role applies to the unit's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("unit"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()
    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organization"], name="unique_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"

    @property
    def can_manage(self) -> bool:
        return self.role in MANAGING_ROLES

    def clean(self) -> None:
        if self.organization_id and self.organization.kind not in ROLE_KINDS[self.role]:
            raise ValidationError(
                {
                    "organization": ValidationError(
                        MSG_ROLE_KIND,
                        params={
                            "role": self.get_role_display(),
                            "kind": self.organization.get_kind_display(),
                        },
                    )
                }
            )


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def unsent(self, *, since) -> NotificationQuerySet:
        """Notices created since `since` (an aware datetime) not e-mailed yet to a user who has
        an address: the broker was down when they were saved, or sending failed."""
        return self.filter(emailed_at__isnull=True, created_at__gte=since).exclude(user__email="")


class Notification(models.Model):
    """An in-app notice to one user; e-mailed by a Celery task (issue 4, item 8)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Signed out")
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")


class AuditEvent(models.Model):
    """One line of the audit trail (issue 7): who did what, when, from which address, with the
    values before and after. Written by signals and services, never edited: the app has no view
    or admin action that changes or deletes one."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    # The tree path of the unit the object belongs to: a board sees its subtree's events.
    unit_path = models.CharField(_("unit path"), max_length=255, blank=True)
    changes = models.JSONField(_("before and after"), default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(
                fields=["unit_path"], name="audit_unit_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["action", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name} {self.get_action_display()}"


class SuccessionKind(models.TextChoices):
    MERGE = "merge", _("Merged into")
    SPLIT = "split", _("Split into")
    MOVE = "move", _("Moved under")
    DISSOLVE = "dissolve", _("Dissolved; its units went to")


class Succession(models.Model):
    """Which old unit became which new one, and when (R22, 1/7/2025): year-on-year views follow
    a unit across merges, splits and moves."""

    predecessor = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="successions",
        verbose_name=_("before"),
    )
    successor = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="predecessions",
        verbose_name=_("after"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SuccessionKind.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("succession of units")
        verbose_name_plural = _("successions of units")
        ordering = ["on", "predecessor"]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.on:%d/%m/%Y})"


class Profile(models.Model):
    """What the app keeps about an account beyond Django's user: whether its holder must choose
    a new password at the next sign-in (accounts made by an administrator or in bulk)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    must_change_password = models.BooleanField(
        _("must change the password at the next sign-in"), default=False
    )

    history = HistoricalRecords(history_manager=AuditedHistoryManager)

    class Meta:
        verbose_name = _("account profile")
        verbose_name_plural = _("account profiles")

    def __str__(self) -> str:
        return str(self.user)


# --- Leadership collectives and their seats (issue 14 item 1) ----------------------------------
# Defined in organizations/models_collectives.py to stay out of the tree's way.
from .models_collectives import (  # noqa: E402, F401
    CollectiveKind,
    CollectiveSeat,
    LeadershipCollective,
    SeatRole,
)
