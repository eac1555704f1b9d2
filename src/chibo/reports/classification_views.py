"""The office page of the `classification` report and its files (XLSX, CSV, PDF).

The unit is fetched through `accounts.access.access_org`: outside the scope it is a 404.
The page adds, to the report, the unit's target for grassroots organizations good or
better (the metric `good_or_better_percent` of the targets app is set for them), the same
figures for the previous years (a chart across years) and the ranking of the unit's
children by their members rated good or better.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chibo.accounts.access import access_org
from chibo.assessment.rules import Level
from chibo.core.scope import Scope
from chibo.orgs.kinds import Kind
from chibo.orgs.models import Organization
from chibo.orgs.selectors import org_ancestors
from chibo.targets.models import Metric
from chibo.targets.selectors import good_or_better_target

from . import exports, selectors, views
from .classification import (
    FIRST_YEAR,
    LAST_YEAR,
    classification_by_year,
    latest_year,
    report_classification,
)

LEVEL_KEYS = ("excellent", "good", "complete", "not_complete")


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )

    def chosen(self, org: Organization) -> int:
        """The year asked for; else the latest year classified, else the current year."""
        year = self.cleaned_data.get("year") if self.is_valid() else None
        if year:
            return int(year)
        today = timezone.localdate().year
        return latest_year(org, until=today) or today


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _groups(report: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(key, label, levels) of each line of the report: members, grassroots organizations,
    then each kind of unit."""
    out = [
        ("members", _("Members"), report["members"]),
        ("grassroots", _("Grassroots organizations"), report["grassroots"]),
    ]
    for kind, levels in report["units_by_kind"].items():
        out.append((f"units_by_kind.{kind}", str(Kind(kind).label), levels))
    return out


def _subjects(levels: dict[str, Any]) -> int:
    return sum(levels[k] for k in (*LEVEL_KEYS, "unclassified"))


def classification_document(
    report: dict[str, Any], *, org: Organization, target: Decimal | None = None
) -> exports.Document:
    """The report as a document: one row per group of subjects (members, grassroots
    organizations, each kind of unit) with its counts per level and percentages."""
    title = _("Quality classification report")
    rows: list[list[Any]] = []
    for key, label, levels in _groups(report):
        rows.append(
            [
                label,
                *(levels[k] for k in (*LEVEL_KEYS, "unclassified")),
                _decimal(levels["good_or_better_percent"]),
                _decimal(levels["excellent_percent"]),
                key,
            ]
        )
    about = [exports._unit_line(org), (_("Year"), str(report["year"]))]
    if target is not None:
        about.append(
            (str(Metric.GOOD_OR_BETTER.label), formats.number_format(target, decimal_pos=2))
        )
    return exports.Document(
        title=title,
        about=about,
        tables=[
            exports.Table(
                header=[
                    _("Subjects"),
                    *(str(Level(k).label) for k in LEVEL_KEYS),
                    _("Not yet classified"),
                    _("Good or better (%)"),
                    _("Excellent (%)"),
                    _("Key"),
                ],
                rows=rows,
                widths=(5, 2.2, 2.2, 2.2, 2.2, 2.2, 2.2, 2.2, 4.5),
                numeric=(1, 2, 3, 4, 5, 6, 7),
            )
        ],
        stem=exports._stem(title, org.code, report["year"]),
        landscape=True,
    )


def _ranking(scope: Scope, org: Organization, year: int) -> dict[str, Any]:
    """The children ranked by members good or better, and the unit's own place among its
    siblings when its parent is in the scope."""
    rows = selectors.report_ranking(parent=org, year=year, metric="good_or_better")["rows"]
    ancestors = org_ancestors(scope=scope, org=org)
    parent = ancestors[-1] if ancestors and ancestors[-1].pk == org.parent_id else None
    own = None
    if parent is not None:
        siblings = selectors.report_ranking(parent=parent, year=year, metric="good_or_better")
        for row in siblings["rows"]:
            if row["org"] == org.code:
                own = {"rank": row["rank"], "of": len(siblings["rows"])}
    return {
        "ancestors": ancestors,
        "parent": parent,
        "own_rank": own,
        "ranking": [{**row, "value": _decimal(row["value"])} for row in rows],
        "children_ids": dict(Organization.objects.filter(parent=org).values_list("code", "pk")),
    }


def _history(org: Organization, year: int) -> dict[str, Any]:
    history = classification_by_year(org=org, year=year)
    labels = [str(h["year"]) for h in history]

    def series(key: str) -> list[float | None]:
        values = [_decimal(h["members"][key]) for h in history]
        return [None if v is None else float(v) for v in values]

    good, excellent = series("good_or_better_percent"), series("excellent_percent")
    return {
        "history": [
            {
                "year": h["year"],
                "classified": _subjects(h["members"]) - h["members"]["unclassified"],
                "good_or_better": _decimal(h["members"]["good_or_better_percent"]),
                "excellent": _decimal(h["members"]["excellent_percent"]),
                "grassroots": _decimal(h["grassroots"]["good_or_better_percent"]),
            }
            for h in history
        ],
        "has_chart": any(v is not None for v in good),
        "chart_good": {"labels": labels, "values": good, "label": _("Good or better (%)")},
        "chart_excellent": {"labels": labels, "values": excellent, "label": _("Excellent (%)")},
        "chart_height": 80 + 28 * len(history),
    }


def _figures(report: dict[str, Any], target: Decimal | None) -> dict[str, Any]:
    """The members per level, the grassroots organizations against the target, and the
    lines by kind of unit (the grassroots line and the kinds that have subjects)."""
    members = report["members"]
    grassroots = _decimal(report["grassroots"]["good_or_better_percent"])
    return {
        "members": [(str(Level(k).label), k, members[k]) for k in LEVEL_KEYS],
        "members_good": _decimal(members["good_or_better_percent"]),
        "members_excellent": _decimal(members["excellent_percent"]),
        "grassroots_good": grassroots,
        "target": target,
        "target_met": None if target is None or grassroots is None else grassroots >= target,
        "groups": [
            {
                "key": key,
                "label": label,
                "levels": levels,
                "good": _decimal(levels["good_or_better_percent"]),
                "excellent": _decimal(levels["excellent_percent"]),
            }
            for key, label, levels in _groups(report)[1:]
            if key == "grassroots" or _subjects(levels)
        ],
    }


@login_required
def classification_view(request: HttpRequest, org_id: int) -> HttpResponse:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    org = access_org(scope, org_id)
    form = YearForm(request.GET or None)
    year = form.chosen(org)
    report = report_classification(org=org, year=year)
    context = {
        "org": org,
        "form": form,
        "year": year,
        "report": report,
        **_figures(report, good_or_better_target(org, year)),
        **_history(org, year),
        **_ranking(scope, org, year),
        "downloads": [
            (fmt, reverse("reports:classification_export", args=[org.pk, fmt]) + f"?year={year}")
            for fmt in views.FORMATS
        ],
    }
    return render(request, "reports/classification.html", context)


@login_required
def classification_export_view(request: HttpRequest, org_id: int, fmt: str) -> HttpResponseBase:
    org = access_org(request.scope, org_id)  # type: ignore[attr-defined]
    form = YearForm(request.GET)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return HttpResponseBadRequest(" ".join(errors), content_type="text/plain; charset=utf-8")
    year = form.chosen(org)
    report = report_classification(org=org, year=year)
    target = good_or_better_target(org, year)
    return views._file(classification_document(report, org=org, target=target), fmt)
