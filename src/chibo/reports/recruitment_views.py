"""The office page of the `recruitment` report and its files (XLSX, CSV, PDF).

The unit is fetched through `accounts.access.access_org`: outside the scope it is a 404.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from chibo.accounts.access import access_org
from chibo.members.models import Occupation
from chibo.orgs.models import Organization

from . import exports, views
from .formats import flatten
from .forms import PeriodForm
from .recruitment import report_recruitment


def _labels() -> dict[str, str]:
    return {
        "org": _("Unit code"),
        "start": _("From"),
        "end": _("To"),
        "class_passed": _("Passed an awareness class"),
        "admitted": _("Admissions"),
        "conversion_percent": _("Admissions per class passed (%)"),
        "median_days_class_to_admission": _("Median days from the class to admission"),
    }


def _label(key: str) -> str:
    group, _dot, name = key.partition(".")
    if group == "admitted_by_occupation":
        return _("Admissions: %(segment)s") % {"segment": Occupation(name).label}
    return _labels().get(key, key)


def recruitment_document(report: dict[str, Any], *, org: Organization) -> exports.Document:
    """The report as a document: one row per figure (label, typed value, key)."""
    title = _("Recruitment report")
    rows: list[list[Any]] = []
    for key, value in flatten(report):
        if key in ("start", "end"):
            value = dt.date.fromisoformat(value)
        elif key.endswith("_percent") and value is not None:
            value = Decimal(value)
        rows.append([_label(key), value, key])
    first, last = (
        formats.date_format(dt.date.fromisoformat(report[k]), "SHORT_DATE_FORMAT")
        for k in ("start", "end")
    )
    return exports.Document(
        title=title,
        about=[(_("Unit"), f"{org.name} ({org.code})"), (_("Period"), f"{first} – {last}")],
        tables=[
            exports.Table(
                header=[_("Figure"), _("Value"), _("Key")],
                rows=rows,
                widths=(6, 2, 4),
                numeric=(1,),
            )
        ],
        stem=exports._stem(title, org.code, report["start"], report["end"]),
    )


@login_required
def recruitment_view(request: HttpRequest, org_id: int) -> HttpResponse:
    org = access_org(request.scope, org_id)  # type: ignore[attr-defined]
    form = PeriodForm(request.GET or None, today=timezone.localdate())
    period = form.period()
    report = report_recruitment(org=org, start=period.start, end=period.end)
    query = urlencode({"start": report["start"], "end": report["end"]})
    occupations = [
        (str(Occupation(key).label), n) for key, n in report["admitted_by_occupation"].items()
    ]
    context = {
        "org": org,
        "form": form,
        "period": period,
        "report": report,
        "conversion": None
        if report["conversion_percent"] is None
        else Decimal(report["conversion_percent"]),
        "occupations": occupations,
        "chart_data": {
            "labels": [label for label, _n in occupations],
            "values": [n for _label, n in occupations],
            "label": _("Admissions"),
        },
        "chart_height": 80 + 28 * len(occupations),
        "downloads": [
            (fmt, reverse("reports:recruitment_export", args=[org.pk, fmt]) + "?" + query)
            for fmt in views.FORMATS
        ],
    }
    return render(request, "reports/recruitment.html", context)


@login_required
def recruitment_export_view(request: HttpRequest, org_id: int, fmt: str) -> HttpResponseBase:
    org = access_org(request.scope, org_id)  # type: ignore[attr-defined]
    form = PeriodForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return HttpResponseBadRequest(" ".join(errors), content_type="text/plain; charset=utf-8")
    period = form.period()
    report = report_recruitment(org=org, start=period.start, end=period.end)
    return views._file(recruitment_document(report, org=org), fmt)
