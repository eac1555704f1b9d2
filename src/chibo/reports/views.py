"""The dashboard of a unit and the file exports of the reports and the member list.

Every unit is fetched through `accounts.access.access_org`: outside the scope it is a 404.
"""

import tempfile
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _

from chibo.accounts.access import access_org
from chibo.core.percent import percent
from chibo.core.scope import Scope
from chibo.members.forms import MemberFilterForm
from chibo.members.models import Occupation
from chibo.members.selectors import MemberFilters, member_list
from chibo.orgs.kinds import Kind
from chibo.orgs.models import Organization
from chibo.orgs.selectors import org_ancestors, org_roots
from chibo.targets import selectors as targets

from . import exports, pdf, selectors, services
from .forms import ChosenPeriod, PeriodForm

CHART_MONTHS = 36
REPORTS = ("summary", "ranking", "screening")
FORMATS = ("xlsx", "csv", "pdf")


def _scope(request: HttpRequest) -> Scope:
    return request.scope  # type: ignore[attr-defined,no-any-return]


def _period_form(request: HttpRequest) -> PeriodForm:
    return PeriodForm(request.GET or None, today=timezone.localdate())


@login_required
def dashboard_view(request: HttpRequest, org_id: int) -> HttpResponse:
    scope = _scope(request)
    org = access_org(scope, org_id)
    form = _period_form(request)
    period = form.period()
    context = {"org": org, "form": form, "period": period, **_dashboard(scope, org, period)}
    return render(request, "reports/dashboard.html", context)


def _dashboard(scope: Scope, org: Organization, period: ChosenPeriod) -> dict[str, Any]:
    summary = selectors.report_summary(org=org, start=period.start, end=period.end)
    screening = selectors.report_screening(org=org, start=period.start, end=period.end)
    ranking = selectors.report_ranking(parent=org, year=period.year, metric="admission_rate")
    by_attainment = selectors.report_ranking(
        parent=org, year=period.year, metric="admission_attainment"
    )
    ancestors = org_ancestors(scope=scope, org=org)
    parent = ancestors[-1] if ancestors and ancestors[-1].pk == org.parent_id else None
    own_rank = (
        selectors.rank_among_siblings(org=org, parent=parent, year=period.year) if parent else None
    )
    members = selectors.members_by_month(org=org, months=CHART_MONTHS, end=period.end)
    flows = selectors.flows_by_month(org=org, start=period.start, end=period.end)
    labels = exports.flow_labels()
    query = urlencode(period.as_query())
    return {
        "ancestors": ancestors,
        "parent": parent,
        "summary": summary,
        "admission_rate": _decimal(summary["admission_rate_percent"]),
        "flows": [(labels[k], v) for k, v in summary["events"].items()],
        "units": [(Kind(k).label, n) for k, n in summary["units"].items()],
        "screening": screening,
        "screening_kinds": [(labels[k], n) for k, n in screening["by_kind"].items()],
        "ranking": [{**row, "value": _decimal(row["value"])} for row in ranking["rows"]],
        "ranking_attainment": [
            {**row, "value": _decimal(row["value"])} for row in by_attainment["rows"]
        ],
        "admission_attainment": _decimal(summary["admission_attainment_percent"]),
        "segments": _segments(org, period),
        "children_ids": dict(Organization.objects.filter(parent=org).values_list("code", "pk")),
        "own_rank": own_rank,
        "period_query": query,
        "members_by_month": members,
        "flows_by_month": flows,
        "chart_data": {
            "members": {
                "labels": [f"{m['month']:%m/%Y}" for m in members],
                "values": [m["members"] for m in members],
                "label": _("Members"),
            },
            "flows": {
                "labels": [f"{m['month']:%m/%Y}" for m in flows],
                "admitted": [m["admitted"] for m in flows],
                "removals": [m["removals"] for m in flows],
                "admittedLabel": _("Admissions"),
                "removalsLabel": _("Removals"),
            },
        },
        "downloads": [
            (
                name,
                _report_title(name),
                [
                    (fmt, reverse("reports:export", args=[org.pk, name, fmt]) + "?" + query)
                    for fmt in FORMATS
                ],
            )
            for name in REPORTS
        ],
    }


def _segments(org: Organization, period: ChosenPeriod) -> list[dict[str, Any]]:
    """Admissions against the unit's targets per segment (the segments that have one)."""
    goals = targets.segment_targets(org, period.year)
    if not goals:
        return []
    admitted = targets.admitted_by_segment(org, period.start, period.end)
    return [
        {
            "segment": segment,
            "label": Occupation(segment).label,
            "target": goal,
            "admitted": admitted.get(segment, 0),
            "attainment": percent(admitted.get(segment, 0), goal),
        }
        for segment, goal in sorted(goals.items())
    ]


def _decimal(value: str | None) -> Decimal | None:
    # the reports carry percentages as strings; the page shows them the reader's way
    return None if value is None else Decimal(value)


def _report_title(name: str) -> str:
    return {
        "summary": _("Summary report"),
        "ranking": _("Ranking of the subunits"),
        "screening": _("Screening report"),
    }[name]


@login_required
def export_view(request: HttpRequest, org_id: int, name: str, fmt: str) -> HttpResponseBase:
    org = access_org(_scope(request), org_id)
    form = PeriodForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return HttpResponseBadRequest(" ".join(errors), content_type="text/plain; charset=utf-8")
    period = form.period()
    if name == "ranking":
        report = selectors.report_ranking(parent=org, year=period.year, metric="admission_rate")
    elif name == "summary":
        report = selectors.report_summary(org=org, start=period.start, end=period.end)
    else:
        report = selectors.report_screening(org=org, start=period.start, end=period.end)
    return _file(exports.REPORT_DOCUMENTS[name](report, org=org), fmt)


@login_required
def members_export_view(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The member list as a file, with the filters of /members/ (current members unless
    another status is asked for). Exporting personal data is audited."""
    scope = _scope(request)
    org = access_org(scope, request.GET["org"]) if request.GET.get("org") else None
    params = request.GET.copy()
    params.setdefault("status", "live")
    form = MemberFilterForm(params)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {"status": "live"}
    filters = MemberFilters(
        org=org,
        query=data.get("q") or "",
        status=data.get("status") or "",
        occupation=data.get("occupation") or "",
        gender=data.get("gender") or "",
        age_band=data.get("age") or "",
        admission_year=data.get("year"),
    )
    members = member_list(scope=scope, filters=filters)
    total = members.count()
    services.members_export_record(
        actor=request.user,
        org=org or org_roots(scope=scope).order_by("path").first(),
        filters={"org": org.code if org else None, **{k: v for k, v in data.items() if v}},
        fmt=fmt,
        rows=min(total, exports.PDF_MAX_ROWS) if fmt == "pdf" else total,
    )
    doc = exports.members_document(
        members,
        org=org,
        filters=_filter_lines(form, data),
        total=total,
        fmt=fmt,
        actor_label=request.user.get_username(),
    )
    return _file(doc, fmt)


def _filter_lines(form: MemberFilterForm, data: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, shown value) of each filter in use, as the file says what it holds."""
    lines = []
    for name, field in form.fields.items():
        value = data.get(name)
        if value in (None, ""):
            continue
        choices = dict(getattr(field, "choices", ()))
        lines.append((str(field.label), str(choices.get(value, value))))
    return lines


def _file(doc: exports.Document, fmt: str) -> HttpResponseBase:
    filename = doc.filename(fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_chunks(doc), content_type=exports.CONTENT_TYPES["csv"]
        )
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    if fmt == "xlsx":
        # write-only rows spill to a temporary file, which the response then streams
        out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        exports.write_xlsx(doc, out)
        out.seek(0)
        return FileResponse(
            out, as_attachment=True, filename=filename, content_type=exports.XLSX_MIME
        )
    document = HttpResponse(pdf.pdf_bytes(doc), content_type=exports.CONTENT_TYPES["pdf"])
    document["Content-Disposition"] = content_disposition_header(True, filename)
    return document
