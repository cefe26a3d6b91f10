from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from assessment.access import get_period
from assessment.models import Period
from organizations.access import get_organization_for_user

from . import exports, jobs
from .access import get_export_job_for_user
from .models import ExportJob, ExportKind, ExportState
from .summary_collectives import summary_with_collectives

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "zip": "application/zip",
}
DOCUMENT_KINDS = {"pdf": ExportKind.SUMMARY_PDF, "docx": ExportKind.SUMMARY_DOCX}
# The exports the summary page offers: a dossier's archive is asked for on the dossier's page,
# which the summary page links to instead.
SUMMARY_KINDS = [(k, label) for k, label in ExportKind.choices if k != ExportKind.DOSSIER_ZIP]


def _names(data) -> dict[str, str]:
    """A summary document's signing names from a query or a form, cut to 120 characters."""
    return {k: data.get(k, "")[:120] for k in jobs.DOCUMENT_OPTIONS}


@login_required
@require_safe
def summary_view(request, year: int, pk: int):
    """The summary table (R23–R24) of a unit in the user's scope, for any year."""
    unit = get_organization_for_user(request.user, pk)
    period = get_period(year)
    summary = summary_with_collectives(unit=unit, period=period)
    return render(
        request,
        "reports/summary.html",
        {
            "unit": unit,
            "period": period,
            "summary": summary,
            "tables": exports.summary_tables(summary, cells=True),
            "review_counts": exports.review_count_rows(summary),  # a dozen figures
            "years": Period.objects.order_by("-year").values_list("year", flat=True),
            "kinds": SUMMARY_KINDS,
            "large": jobs.is_large(unit, period, summary=summary),
            "recent": ExportJob.objects.filter(user=request.user, unit=unit, period=period)[:5],
        },
    )


@login_required
@require_safe
def summary_document_view(request, year: int, pk: int, fmt: str):
    """The summary and Biểu 6F as the organization board's document, PDF or .docx (issue 17)."""
    from organizations.documents import FORMATS, response

    from .documents import summary_document

    if fmt not in FORMATS:
        raise Http404
    unit = get_organization_for_user(request.user, pk)
    names, period = _names(request.GET), get_period(year)
    if jobs.is_large(unit, period):  # a province's 48 pages take some 17 s: a worker builds it
        return render(
            request,
            "reports/summary_document_large.html",
            {"unit": unit, "period": period, "kind": DOCUMENT_KINDS[fmt], "names": names},
        )
    summary = summary_with_collectives(unit=unit, period=period)
    return response(summary_document(summary, **names), fmt)


@login_required
@require_POST
def export_view(request, year: int, pk: int, kind: str):
    """A small scope downloads at once; a large one becomes a background job."""
    unit = get_organization_for_user(request.user, pk)
    period = get_period(year)
    if kind not in dict(SUMMARY_KINDS):
        raise Http404  # a dossier's archive is asked for on the dossier's page
    options = _names(request.POST) if kind in DOCUMENT_KINDS.values() else {}
    if jobs.is_large(unit, period):
        job = jobs.export_job_create(
            user=request.user, unit=unit, period=period, kind=kind, options=options
        )
        return redirect("reports:export_job", pk=job.pk)
    out = io.BytesIO()
    rows = jobs.export_build(kind=kind, unit=unit, period=period, out=out, options=options)
    # Answered at once, and still on the record of who exported what (issue 7's audit).
    ExportJob.objects.create(
        user=request.user,
        unit=unit,
        period=period,
        kind=kind,
        state=ExportState.DONE,
        progress=100,
        rows=rows,
        finished_at=timezone.now(),
    )
    name = jobs.filename(kind, unit, period)
    response = HttpResponse(out.getvalue(), content_type=CONTENT_TYPES[jobs.EXTENSIONS[kind]])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _job_for_user(request, pk: int) -> ExportJob:
    return get_export_job_for_user(request.user, pk)


@login_required
@require_safe
def export_job_view(request, pk: int):
    job = _job_for_user(request, pk)
    template = "reports/partials/export_job.html" if request.htmx else "reports/export_job.html"
    return render(request, template, {"job": job, "done": ExportState.DONE})


@login_required
@require_safe
def export_download(request, pk: int):
    job = _job_for_user(request, pk)
    if job.state != ExportState.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=jobs.filename(job.kind, job.unit, job.period),
        content_type=CONTENT_TYPES[jobs.EXTENSIONS[job.kind]],
    )
