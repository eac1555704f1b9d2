"""The office page of handbook adoption: a unit's figures on a day and its children ranked."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chibo.accounts.access import access_org

from .handbook import handbook_ranking, report_handbook


class DayForm(forms.Form):
    on = forms.DateField(
        label=_("On"),
        required=False,
        widget=forms.DateInput(attrs={"placeholder": _("dd/mm/yyyy")}),
    )


@login_required
def handbook_view(request: HttpRequest, org_id: int) -> HttpResponse:
    org = access_org(request.scope, org_id)  # type: ignore[attr-defined]
    form = DayForm(request.GET or None)
    on = (form.cleaned_data.get("on") if form.is_valid() else None) or timezone.localdate()
    ranking = handbook_ranking(parent=org, on=on)
    context = {
        "org": org,
        "form": form,
        "on": on,
        "report": report_handbook(org=org, on=on),
        "ranking": ranking,
        "chart_data": {
            "labels": [r["unit"].name for r in ranking],
            "values": [float(r["activated_percent"] or 0) for r in ranking],
            "label": _("Activated (%)"),
        },
        "chart_height": 80 + 28 * len(ranking),
    }
    return render(request, "reports/handbook.html", context)
