"""The upload page, a job's progress (polled by htmx) and its error report (thin views)."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chibo.orgs.models import Organization

from .interchange import jobs
from .interchange.forms import ImportForm


def _write_roots(request: HttpRequest) -> list[Organization]:
    """The units at the top of the user's write scope; none means no import page (404)."""
    prefixes = request.scope.write_prefixes  # type: ignore[attr-defined]
    units = list(Organization.objects.filter(path__in=prefixes).order_by("path"))
    if not units:
        raise Http404
    return units


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    units = _write_roots(request)
    form = ImportForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        job = jobs.job_start(
            actor=request.user,
            kind=form.cleaned_data["kind"],
            org=form.units[form.cleaned_data["org"]],
            upload=form.cleaned_data["file"],
            language=get_language() or "",
        )
        return redirect("members:import_job", job_id=job.pk)
    recent = jobs.job_list(user=request.user)[:20]
    return render(request, "members/import_upload.html", {"form": form, "jobs": recent})


@login_required
def import_job_view(request: HttpRequest, job_id: int) -> HttpResponse:
    job = jobs.job_get(user=request.user, job_id=job_id)
    return render(request, "members/import_job.html", {"job": job})


@login_required
def import_status_view(request: HttpRequest, job_id: int) -> HttpResponse:
    job = jobs.job_get(user=request.user, job_id=job_id)
    return render(request, "members/import_status.html", {"job": job})


@login_required
def import_errors_view(request: HttpRequest, job_id: int) -> HttpResponse:
    """The per-row error report as CSV (UTF-8 with a BOM, for Excel)."""
    job = jobs.job_get(user=request.user, job_id=job_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Line"), _("Column"), _("Error")])
    for error in job.result.get("errors", []):
        writer.writerow([error.get("line") or "", error.get("column") or "", error.get("message")])
    return response
