"""The web flow of the workbook import (issue 5): upload → dry run (every error, or the counts)
→ confirm → import. Only administrators and the provincial board import (an import writes
anywhere in the province); each step is recorded as an ImportRun."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from .exchange import XLSX_CONTENT_TYPE
from .import_jobs import import_check_start, import_confirm_start, is_large
from .import_template import TEMPLATE_FILE_NAME, template_workbook
from .imports import (
    RowError,
    can_import,
    get_import_run_for_user,
    import_confirm,
    is_confirmable,
    kept_file_save,
    visible_import_runs,
    workbook_import,
)
from .models import ImportState

RECENT_RUNS = 20
COUNT_LABELS = {
    "ToChuc": gettext_lazy("Party organizations (sheet ToChuc)"),
    "DangVien": gettext_lazy("Party members (sheet DangVien)"),
    "KetQua": gettext_lazy("Results (sheet KetQua)"),
    "periods": gettext_lazy("Assessment years (created closed)"),
}


class UploadForm(forms.Form):
    # Empty files reach the import, which says so in its own words with the other checks.
    file = forms.FileField(label=gettext_lazy("Workbook (.xlsx)"), allow_empty_file=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", gettext_lazy("Check the workbook")))


def _require_importer(user) -> None:
    if not can_import(user):
        raise PermissionDenied


@login_required
def import_upload(request):
    _require_importer(request.user)
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if is_large(upload):  # checked by a worker; the run's page follows it (issue 18)
            run = import_check_start(upload=upload, by=request.user)
            return redirect("reports:import_run", pk=run.pk)
        result = workbook_import(file=upload, by=request.user, dry_run=True)
        if result.ok:
            kept_file_save(run=result.run, upload=upload)
        return redirect("reports:import_run", pk=result.run.pk)
    runs = visible_import_runs(request.user)[:RECENT_RUNS]
    return render(request, "reports/import_upload.html", {"form": form, "runs": runs})


@login_required
@require_safe
def import_run_view(request, pk: int):
    run = get_import_run_for_user(request.user, pk)
    _require_importer(request.user)
    if run.state in (ImportState.QUEUED, ImportState.RUNNING) and request.htmx:
        return render(request, "reports/partials/import_progress.html", {"run": run})
    if request.htmx:  # finished while the page polled: show it whole
        return HttpResponseClientRefresh()
    return render(
        request,
        "reports/import_run.html",
        {
            "run": run,
            "errors": [RowError(**error) for error in run.errors],
            "counts": [(COUNT_LABELS.get(k, k), c) for k, c in run.counts.items()],
            "ignored": run.ignored,
            "can_confirm": is_confirmable(run),
        },
    )


@login_required
@require_POST
def import_confirm_view(request, pk: int):
    run = get_import_run_for_user(request.user, pk)
    _require_importer(request.user)
    try:
        if run.size > settings.IMPORT_SYNC_MAX_BYTES:  # imported by a worker (issue 18)
            confirmation = import_confirm_start(run=run, by=request.user)
            return redirect("reports:import_run", pk=confirmation.pk)
        result = import_confirm(run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:import_run", pk=run.pk)
    if result.ok:
        messages.success(request, _("The workbook was imported."))
    else:
        messages.error(request, _("The workbook was not imported; nothing was written."))
    return redirect("reports:import_run", pk=result.run.pk)


@login_required
@require_safe
def import_template_view(request):
    _require_importer(request.user)
    return HttpResponse(
        template_workbook(),
        content_type=XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{TEMPLATE_FILE_NAME}"'},
    )
