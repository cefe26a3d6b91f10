"""The dossier of a unit's year (DOMAIN.md R26; Quy định 366-QĐ/TW art. 17; form 04).

Each document the regulation lists is either produced by the application (self-reviews, the
cells' reports, minutes, decisions and notices: the existing documents are linked, and built
again for the archive) or recorded in it (prompts, feedback, residence comments), or filed as a
signed scan. What "complete" means is rule-set data (`RuleSet.dossier_scans_required`): the
kinds that must be filed as signed scans before the unit reports upward; what the application
produces counts by itself.

Uploads are checked by their content, not their name: a PDF starts with "%PDF-" and ends with
"%%EOF"; a PNG or JPEG must open as an image (Pillow). They are stored under MEDIA_ROOT with a
random name; MEDIA_ROOT is not served, a scan is read only through the access helpers.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organizations.documents import Document
from organizations.models import Kind, Organization

from .models import (
    AssessmentStatus,
    CellYear,
    Complaint,
    Decision,
    DecisionState,
    DossierKind,
    DossierScan,
    InputKind,
    MemberAssessment,
    Period,
    ReviewInput,
)

MSG_TOO_LARGE = _(
    "“%(name)s” is %(size)s MB: a scan may be at most %(max)s MB. Scan at a lower resolution "
    "or split the file."
)
MSG_WRONG_TYPE = _(
    "“%(name)s” is not a PDF, PNG or JPEG file (its content was checked, not its name)."
)
MSG_DAMAGED = _("“%(name)s” could not be read as a %(type)s file: it is damaged or incomplete.")
MSG_EMPTY = _("Choose a file to upload.")
MSG_KIND = _("Choose which document of the dossier the file is.")
MSG_YEAR_CLOSED = _("The year %(year)s is closed: its dossier can no longer be changed.")
MSG_COMPLAINT_LINE = _("Complaint about the result of %(subject)s, filed %(date)s: %(state)s")
MSG_COLLECTIVE_PROMPTS = _("Review prompts to the leadership collective %(collective)s")
MSG_MISSING_SCANS = _("The dossier lacks the signed scans of: %(kinds)s.")

# (leading bytes, content type, extension, label)
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png", "PNG"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg", "JPEG"),
)
EXTENSIONS = {content_type: ext for _, content_type, ext, _ in SIGNATURES}


def max_scan_bytes() -> int:
    return settings.DOSSIER_SCAN_MAX_BYTES


def scan_type(head: bytes) -> tuple[str, str, str] | None:
    """(content type, extension, label) of a file whose first bytes are `head`, or None when it
    is none of the accepted kinds (PDF, PNG, JPEG)."""
    for magic, content_type, ext, label in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext, label
    return None


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f}".replace(".", ",")


def _readable(upload: UploadedFile, content_type: str) -> bool:
    """Whether the whole file is what its first bytes say: a PDF ends with its %%EOF marker, an
    image opens and verifies (a truncated or disguised file does not)."""
    upload.seek(0)
    if content_type == "application/pdf":
        upload.seek(max(0, upload.size - 2048))
        return b"%%EOF" in upload.read()
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    return True


def scan_check(upload: UploadedFile | None) -> tuple[str, str]:
    """Check an uploaded scan; returns (content type, extension). Raises ValidationError
    (code "empty", "too_large", "type" or "damaged") naming the file."""
    if upload is None or not upload.size:
        raise ValidationError(MSG_EMPTY, code="empty")
    name = upload.name
    if upload.size > max_scan_bytes():
        raise ValidationError(
            MSG_TOO_LARGE
            % {
                "name": name,
                "size": _megabytes(upload.size),
                "max": _megabytes(max_scan_bytes()),
            },
            code="too_large",
        )
    upload.seek(0)
    found = scan_type(upload.read(16))
    if found is None:
        raise ValidationError(MSG_WRONG_TYPE % {"name": name}, code="type")
    content_type, ext, label = found
    if not _readable(upload, content_type):
        raise ValidationError(MSG_DAMAGED % {"name": name, "type": label}, code="damaged")
    upload.seek(0)
    return content_type, ext


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _check_open(period: Period) -> None:
    if not period.is_open():
        raise ValidationError(MSG_YEAR_CLOSED % {"year": period.year}, code="closed")


@transaction.atomic
def dossier_scan_add(
    *,
    unit: Organization,
    period: Period,
    kind: str,
    upload: UploadedFile | None,
    by: AbstractBaseUser | None,
    title: str = "",
) -> DossierScan:
    """File a signed scan in `unit`'s dossier for `period` (R26). The caller has checked that
    `by` keeps the unit's dossier. Raises ValidationError: year closed, unknown kind, or a file
    refused by `scan_check` (too large, not a PDF/PNG/JPEG by content, damaged)."""
    _check_open(period)
    if kind not in DossierKind.values:
        raise ValidationError(MSG_KIND, code="kind")
    content_type, ext = scan_check(upload)
    scan = DossierScan(
        period=period,
        unit=unit,
        kind=kind,
        title=title.strip()[:255],
        stored_name=f"{uuid.uuid4().hex}.{ext}",
        original_name=upload.name[-255:],
        content_type=content_type,
        size=upload.size,
        sha256=_sha256(upload),
        uploaded_by=by,
    )
    scan.file.save(scan.stored_name, upload, save=False)
    scan._history_user = by
    try:
        scan.save()
    except Exception:  # no row, no file
        scan.file.delete(save=False)
        raise
    return scan


@transaction.atomic
def dossier_scan_remove(*, scan: DossierScan, by: AbstractBaseUser | None) -> None:
    """Take a scan out of the dossier; the history keeps who removed it and when, the file is
    deleted once the removal commits. Raises ValidationError when the year is closed."""
    _check_open(scan.period)
    name = scan.file.name
    scan._history_user = by
    scan.delete()
    transaction.on_commit(lambda: _delete_file(name))


def _delete_file(name: str) -> None:
    from django.core.files.storage import default_storage

    default_storage.delete(name)


# --- What the dossier holds ---------------------------------------------------------------------


@dataclass
class DossierDocument:
    """One document of the dossier: produced by the application (`build` makes it for the
    archive, `url` shows it), recorded in it (`url` lists the records), or a signed `scan`."""

    title: str
    url: str | None = None
    build: Callable[[], Document | None] | None = None
    scan: DossierScan | None = None
    count: int = 1  # records behind one line (prompts, feedback)

    @property
    def source(self) -> str:
        return "scan" if self.scan is not None else ("app" if self.build else "records")


@dataclass
class DossierItem:
    kind: str
    label: str
    scan_required: bool
    documents: list[DossierDocument] = field(default_factory=list)

    @property
    def produced(self) -> list[DossierDocument]:
        return [d for d in self.documents if d.scan is None]

    @property
    def scans(self) -> list[DossierDocument]:
        return [d for d in self.documents if d.scan is not None]

    @property
    def complete(self) -> bool:
        return bool(self.scans) if self.scan_required else True


@dataclass
class Dossier:
    unit: Organization
    period: Period
    items: list[DossierItem]

    @property
    def missing(self) -> list[DossierItem]:
        return [item for item in self.items if not item.complete]

    @property
    def complete(self) -> bool:
        return not self.missing

    def item(self, kind: str) -> DossierItem:
        return next(item for item in self.items if item.kind == kind)


def required_scans(period: Period) -> list[str]:
    """The DossierKind codes the year's rule set requires as signed scans, in form 04's order."""
    wanted = set(period.rule_set.dossier_scans_required or [])
    return [kind for kind in DossierKind.values if kind in wanted]


def dossier_missing(unit: Organization, period: Period) -> list[str]:
    """R26: the labels of the documents the rule set requires as signed scans that `unit` has
    not filed for `period` (empty: complete). One query."""
    required = required_scans(period)
    if not required:
        return []
    filed = set(
        DossierScan.objects.filter(unit=unit, period=period, kind__in=required).values_list(
            "kind", flat=True
        )
    )
    labels = dict(DossierKind.choices)
    return [str(labels[kind]) for kind in required if kind not in filed]


def _cell_years(unit: Organization, period: Period):
    return (
        CellYear.objects.filter(period=period, cell__path__startswith=unit.path)
        .select_related("cell", "period__rule_set", "meeting")
        .order_by("cell__path")
    )


def _documents():
    from . import documents  # the renderer pulls WeasyPrint's helpers in only when needed

    return documents


def _self_reviews(unit: Organization, period: Period) -> list[DossierDocument]:
    rows = (
        MemberAssessment.objects.filter(
            cell_year__period=period,
            cell_year__cell__path__startswith=unit.path,
            status=AssessmentStatus.ASSESS,
        )
        .filter(Q(self_score__isnull=False) | ~Q(strengths=""))
        .select_related("member", "cell_year__cell", "cell_year__period__rule_set")
        .order_by("cell_year__cell__path", "member__full_name")
    )
    return [
        DossierDocument(
            title=str(_("Self-review of %(name)s (%(cell)s)"))
            % {"name": a.member.full_name, "cell": a.cell_year.cell.name},
            url=reverse("assessment:self_review_document", args=[a.pk, "pdf"]),
            build=lambda a=a: _documents().self_review_document(a),
        )
        for a in rows
    ]


def _cell_documents(cell_years, kind: str) -> list[DossierDocument]:
    found = []
    for cy in cell_years:
        year, cell = cy.period.year, cy.cell
        if kind == DossierKind.REPORTS and cy.report_strengths.strip():
            found.append(
                DossierDocument(
                    title=str(_("Review report of %(cell)s (form 01)")) % {"cell": cell.name},
                    url=reverse("assessment:cell_report_document", args=[year, cell.pk, "pdf"]),
                    build=lambda cy=cy: _documents().cell_report_document(cy),
                )
            )
        held = getattr(cy, "meeting", None) is not None and cy.meeting.held_on is not None
        if kind == DossierKind.MINUTES and held:
            found.append(
                DossierDocument(
                    title=str(_("Minutes of the review meeting of %(cell)s")) % {"cell": cell.name},
                    url=reverse("assessment:minutes_document", args=[year, cell.pk, "pdf"]),
                    build=lambda cy=cy: _documents().minutes_document(cy),
                )
            )
        if kind == DossierKind.RESULTS and cy.decision_id:
            found.append(
                DossierDocument(
                    title=str(_("Notice of the results of %(cell)s")) % {"cell": cell.name},
                    url=reverse("assessment:notice_document", args=[year, cell.pk, "pdf"]),
                    build=lambda cy=cy: _documents().notice_document(cy),
                )
            )
    return found


def _decisions(unit: Organization, period: Period, *, subtree: bool) -> list[DossierDocument]:
    inside = Q(issuer=unit)
    if subtree:
        inside |= Q(issuer__path__startswith=unit.path)
        inside |= Q(assessments__cell_year__cell__path__startswith=unit.path)
        inside |= Q(cell_years__cell__path__startswith=unit.path)
        inside |= Q(grassroots_years__organization__path__startswith=unit.path)
    ids = (
        Decision.objects.filter(period=period, state=DecisionState.ISSUED)
        .filter(inside)
        .values("pk")
        .distinct()
    )
    rows = Decision.objects.filter(pk__in=ids).select_related("issuer", "period__rule_set")
    return [
        DossierDocument(
            title=str(_("Decision %(decision)s (%(issuer)s)"))
            % {"decision": d, "issuer": d.issuer.name},
            url=reverse("assessment:decision_document", args=[d.pk, "pdf"]),
            build=lambda d=d: _documents().decision_document(d),
        )
        for d in rows.order_by("signed_on", "number")
    ]


def _inputs(cell_years, kinds: set[str]) -> list[DossierDocument]:
    """One line per cell with the number of inputs of `kinds` it recorded, linking its page."""
    counts: dict[int, int] = {}
    for cell_year_id in ReviewInput.objects.filter(
        cell_year__in=[cy.pk for cy in cell_years], kind__in=kinds
    ).values_list("cell_year_id", flat=True):
        counts[cell_year_id] = counts.get(cell_year_id, 0) + 1
    return [
        DossierDocument(
            title=str(_("Recorded in the application for %(cell)s")) % {"cell": cy.cell.name},
            url=reverse("assessment:inputs", args=[cy.period.year, cy.cell_id]),
            count=counts[cy.pk],
        )
        for cy in cell_years
        if cy.pk in counts
    ]


def _collective_prompts(
    unit: Organization, period: Period, *, subtree: bool
) -> list[DossierDocument]:
    """R26 (review prompts), issue 14 item 7: one line per leadership collective given prompts
    in `period` (those of `unit`'s subtree, or for a superior committee or a province its own
    collectives) with their number, linking the collective's page where they are answered.
    One query."""
    where = (
        Q(collective_year__collective__organization__path__startswith=unit.path)
        if subtree
        else Q(collective_year__collective__organization=unit)
    )
    collective = "collective_year__collective"
    rows = (
        ReviewInput.objects.filter(where, kind=InputKind.PROMPT, collective_year__period=period)
        .values_list(f"{collective}_id", f"{collective}__name", f"{collective}__organization__path")
        .annotate(n=Count("id"))
        .order_by(f"{collective}__organization__path", f"{collective}__name")
    )
    return [
        DossierDocument(
            title=str(MSG_COLLECTIVE_PROMPTS) % {"collective": name},
            url=reverse("assessment:collective_year", args=[period.year, collective_id]),
            count=n,
        )
        for collective_id, name, _path, n in rows
    ]


def _complaints(unit: Organization, period: Period, *, subtree: bool) -> list[DossierDocument]:
    """R26 (Quy định 366 art. 17: complaints and their answers): one line per complaint against
    a result of `period` in `unit`'s subtree (a member's, a cell's or an organization's), or,
    for a superior committee or a province, against its own result or handled by it; each
    links the complaint's page, where its answer and any re-rating are. One query."""
    if subtree:
        inside = (
            Q(assessment__cell_year__cell__path__startswith=unit.path)
            | Q(cell_year__cell__path__startswith=unit.path)
            | Q(grassroots_year__organization__path__startswith=unit.path)
        )
    else:
        inside = Q(handler=unit) | Q(grassroots_year__organization=unit)
    rows = (
        Complaint.objects.filter(decision__period=period)
        .filter(inside)
        .select_related(
            "assessment__member", "cell_year__cell", "grassroots_year__organization", "decision"
        )
        .order_by("filed_on", "pk")
    )
    return [
        DossierDocument(
            title=str(MSG_COMPLAINT_LINE)
            % {
                "subject": c.subject_name,
                "date": c.filed_on.strftime("%d/%m/%Y"),
                "state": c.get_outcome_display() if c.outcome else c.get_state_display(),
            },
            url=reverse("assessment:complaint", args=[c.pk]),
        )
        for c in rows
    ]


# Units whose dossier holds what they issue, not their whole subtree (thousands of members).
SUPERIOR_KINDS = frozenset({Kind.SUPERIOR, Kind.PROVINCE, Kind.NATION})
INPUT_KINDS = {
    DossierKind.RESIDENCE: {InputKind.RESIDENCE, InputKind.HOST_COMMENT},
    DossierKind.PROMPTS: {InputKind.PROMPT},
    DossierKind.FEEDBACK: {InputKind.FEEDBACK},
}


def dossier_build(
    *,
    unit: Organization,
    period: Period,
    produced: dict[str, list[DossierDocument]] | None = None,
) -> Dossier:
    """The dossier of `unit` for `period`, item by item in form 04's order: for a cell, a
    grassroots or a partial committee, the documents of its subtree's cells, the decisions on
    them and their recorded inputs; for a superior committee or a province, the decisions it
    issued (the units below keep their own dossiers); and the scans filed on the unit.
    The complaints against its results are listed with a link to each (R26). `produced` adds
    documents that a higher layer makes (the appraisal summary) by DossierKind code."""
    subtree = unit.kind not in SUPERIOR_KINDS
    cell_years = list(_cell_years(unit, period)) if subtree else []
    required = set(required_scans(period))
    scans: dict[str, list[DossierDocument]] = {}
    for scan in DossierScan.objects.filter(unit=unit, period=period).select_related("uploaded_by"):
        scans.setdefault(scan.kind, []).append(
            DossierDocument(title=scan.title or scan.original_name, scan=scan)
        )
    items = []
    for kind, label in DossierKind.choices:
        documents: list[DossierDocument] = []
        if kind == DossierKind.REVIEWS:
            documents = _self_reviews(unit, period) if subtree else []
        elif kind in (DossierKind.REPORTS, DossierKind.MINUTES):
            documents = _cell_documents(cell_years, kind)
        elif kind == DossierKind.RESULTS:
            documents = _decisions(unit, period, subtree=subtree)
            documents += _cell_documents(cell_years, kind)
        elif kind in INPUT_KINDS:
            documents = _inputs(cell_years, INPUT_KINDS[kind])
            if kind == DossierKind.PROMPTS:
                documents += _collective_prompts(unit, period, subtree=subtree)
        elif kind == DossierKind.COMPLAINTS:
            documents = _complaints(unit, period, subtree=subtree)
        documents += (produced or {}).get(kind, [])
        items.append(
            DossierItem(kind, str(label), kind in required, documents + scans.get(kind, []))
        )
    return Dossier(unit=unit, period=period, items=items)
