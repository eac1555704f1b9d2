"""The targets of a unit and its subunits: the page, setting one, removing one (thin views).

Anyone who reads the unit sees its targets; setting and removing need the write scope
over the unit the target belongs to (404 otherwise, as everywhere).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.accounts.access import access_org
from chibo.core.scope import Scope
from chibo.core.views import flash_ok, run_service
from chibo.orgs.models import Organization

from . import selectors, services
from .forms import TargetForm


def _scope(request: HttpRequest) -> Scope:
    return request.scope  # type: ignore[attr-defined,no-any-return]


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 1930 <= int(raw) <= 2100 else timezone.localdate().year


def _page(org: Organization, year: int) -> str:
    return reverse("targets:unit", args=[org.pk]) + f"?year={year}"


def _writable_units(scope: Scope, org: Organization) -> list[Organization]:
    """The unit and its direct subunits, those of them the user may set targets for."""
    units = [org, *Organization.objects.filter(parent=org).order_by("path")]
    return [u for u in units if scope.can_write_path(u.path)]


@login_required
def targets_view(request: HttpRequest, org_id: int) -> HttpResponse:
    scope = _scope(request)
    org = access_org(scope, org_id)
    year = _year(request)
    targets = list(selectors.targets_of(org, year))
    return render(
        request,
        "targets/targets.html",
        {
            "org": org,
            "year": year,
            "years": [year - 1, year + 1],
            "targets": [(t, scope.can_write_path(t.org.path)) for t in targets],
            "can_set": bool(_writable_units(scope, org)),
        },
    )


@login_required
def set_view(request: HttpRequest, org_id: int) -> HttpResponse:
    scope = _scope(request)
    org = access_org(scope, org_id)
    units = _writable_units(scope, org)
    if not units:
        raise Http404
    year = _year(request)
    form = TargetForm(
        request.POST or None, units=units, initial={"first_year": year, "metric": "admissions"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            request,
            form,
            lambda: services.target_set(
                actor=request.user,
                org=form.chosen_unit(),
                metric=data["metric"],
                segment=data["segment"] or "",
                first_year=data["first_year"],
                last_year=data["last_year"],
                value=data["value"],
            ),
        )
        if done is not None:
            flash_ok(request, _("The target is saved."))
            return redirect(_page(org, data["first_year"]))
    return render(request, "targets/set.html", {"org": org, "year": year, "form": form})


@login_required
def remove_view(request: HttpRequest, target_id: int) -> HttpResponse:
    scope = _scope(request)
    target = selectors.target_get(scope=scope, target_id=target_id, for_write=True)
    org = target.org
    # back to the page it was set on: the parent's, unless only the unit itself is visible
    back = org.parent if org.parent and scope.can_read_path(org.parent.path) else org
    if request.method == "POST":
        year = target.first_year
        services.target_remove(actor=request.user, target=target)
        flash_ok(request, _("The target is removed."))
        return redirect(_page(back, year))
    return render(request, "targets/remove.html", {"target": target, "back": back})
