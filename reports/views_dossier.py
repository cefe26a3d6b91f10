"""Pages of a unit's dossier (issue 15 item 8; R26, Quy định 366 art. 17): the list with its
completeness, filing and removing signed scans, reading a scan, form 04, and the archive built
in the background. Every object comes through the access helpers: a scan of a unit outside the
user's scope answers 404, as if missing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from assessment.access import (
    can_keep_dossier,
    get_dossier_scan_for_user,
    get_dossier_unit_for_user,
    get_period,
)
from assessment.dossier import dossier_scan_add, dossier_scan_remove, max_scan_bytes
from organizations.documents import FORMATS, response

from . import jobs
from .dossier import dossier_for, form04_document
from .forms_dossier import DossierScanForm
from .models import ExportJob, ExportKind


def _page(request, unit, period, form=None, status=200):
    return render(
        request,
        "reports/dossier/dossier.html",
        {
            "unit": unit,
            "period": period,
            "dossier": dossier_for(unit=unit, period=period),
            "form": form or DossierScanForm(),
            "can_keep": can_keep_dossier(request.user, unit),
            "max_mb": max_scan_bytes() // 1_048_576,
            "archives": ExportJob.objects.filter(
                user=request.user, unit=unit, period=period, kind=ExportKind.DOSSIER_ZIP
            )[:5],
        },
        status=status,
    )


@login_required
@require_safe
def dossier_view(request, year: int, pk: int):
    """Anyone whose scope holds the unit reads its dossier."""
    unit = get_dossier_unit_for_user(request.user, pk)
    return _page(request, unit, get_period(year))


@login_required
@require_POST
def dossier_upload_view(request, year: int, pk: int):
    """The unit's secretary or committee, or a board above it, files a signed scan; a refused
    file shows the page again with the reason on the form."""
    unit = get_dossier_unit_for_user(request.user, pk, write=True)
    period = get_period(year)
    form = DossierScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            dossier_scan_add(
                unit=unit,
                period=period,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("file" if error.code != "closed" else None, error)
        else:
            messages.success(request, _("The scan was filed in the dossier."))
            return redirect("reports:dossier", year=year, pk=unit.pk)
    return _page(request, unit, period, form)


@login_required
@require_safe
def dossier_scan_view(request, pk: int):
    """A filed scan, as an attachment with the type read from its content when it was filed."""
    scan = get_dossier_scan_for_user(request.user, pk)
    return FileResponse(
        scan.file.open("rb"),
        as_attachment=True,
        filename=scan.original_name,
        content_type=scan.content_type,
    )


@login_required
@require_POST
def dossier_scan_delete_view(request, pk: int):
    scan = get_dossier_scan_for_user(request.user, pk, write=True)
    year, unit_pk = scan.period.year, scan.unit_id
    try:
        dossier_scan_remove(scan=scan, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The scan was removed from the dossier."))
    return redirect("reports:dossier", year=year, pk=unit_pk)


@login_required
@require_safe
def form04_view(request, year: int, pk: int, fmt: str):
    """Form 04, the list of the dossier, as PDF or Word."""
    if fmt not in FORMATS:
        raise Http404
    unit = get_dossier_unit_for_user(request.user, pk)
    dossier = dossier_for(unit=unit, period=get_period(year))
    return response(form04_document(dossier), fmt)


@login_required
@require_POST
def dossier_archive_view(request, year: int, pk: int):
    """The whole dossier as one zip archive, built by a worker while its page shows progress."""
    unit = get_dossier_unit_for_user(request.user, pk)
    job = jobs.export_job_create(
        user=request.user, unit=unit, period=get_period(year), kind=ExportKind.DOSSIER_ZIP
    )
    return redirect("reports:export_job", pk=job.pk)
