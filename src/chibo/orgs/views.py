"""The tree, the unit page and the decisions that change the tree (thin views).

The unit page shows member counts and merging moves members, so these views compose
the members layer's selectors and services (views are the one place allowed to).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from chibo.core.errors import DomainError
from chibo.core.views import flash_ok, run_service
from chibo.members.models import LIVE_STATUSES, Member
from chibo.members.selectors import live_counts, status_counts
from chibo.members.services import org_dissolve, org_merge, org_move, org_split

from . import forms, selectors, services
from .models import Organization


def _scope(request: HttpRequest):  # type: ignore[no-untyped-def]
    return request.scope  # type: ignore[attr-defined]


def _get(request: HttpRequest, org_id: int, *, for_write: bool = False) -> Organization:
    # The one access check lives in accounts; it reaches this app through the request's scope.
    scope = _scope(request)
    try:
        org = selectors.org_list(scope=scope).get(pk=org_id)
    except Organization.DoesNotExist as exc:
        raise Http404 from exc
    if for_write and not scope.can_write_path(org.path):
        raise Http404
    return org


def _by_code(request: HttpRequest, code: str, *, for_write: bool = True) -> Organization | None:
    scope = _scope(request)
    org = selectors.org_list(scope=scope).filter(code=code.strip()).first()
    if org is None or (for_write and not scope.can_write_path(org.path)):
        return None
    return org


@login_required
def tree_view(request: HttpRequest) -> HttpResponse:

    roots = list(selectors.org_roots(scope=_scope(request)))
    return render(
        request,
        "orgs/tree.html",
        {"roots": roots, "counts": live_counts(scope=_scope(request), orgs=roots)},
    )


@login_required
def children_view(request: HttpRequest, org_id: int) -> HttpResponse:

    org = _get(request, org_id)
    children = list(selectors.org_children(scope=_scope(request), org=org))
    counts = live_counts(scope=_scope(request), orgs=children)
    return render(
        request, "orgs/_children.html", {"org": org, "children": children, "counts": counts}
    )


@login_required
def detail_view(request: HttpRequest, org_id: int) -> HttpResponse:

    scope = _scope(request)
    org = _get(request, org_id)
    children = list(selectors.org_children(scope=scope, org=org, include_dissolved=True))
    context = {
        "org": org,
        "ancestors": selectors.org_ancestors(scope=scope, org=org),
        "children": children,
        "counts": live_counts(scope=scope, orgs=[org, *children]),
        "status_counts": status_counts(scope=scope, org=org),
        "decisions": org.decisions.all()[:20],
        "can_write": scope.can_write_path(org.path),
        "can_restructure": scope.can_restructure_path(org.path) and org.is_active,
    }
    return render(request, "orgs/detail.html", context)


def _decision_page(
    request: HttpRequest, org: Organization, form, title: str, action
) -> HttpResponse:  # type: ignore[no-untyped-def]
    if request.method == "POST" and form.is_valid():
        result = run_service(request, form, lambda: action(form))
        if result is not None:
            flash_ok(request, _("Saved."))
            target = result if isinstance(result, Organization) else org
            return redirect("orgs:detail", org_id=target.pk)
    return render(request, "orgs/decision_form.html", {"org": org, "form": form, "title": title})


@login_required
def establish_view(request: HttpRequest, org_id: int) -> HttpResponse:
    parent = _get(request, org_id, for_write=True)
    form = forms.EstablishForm(request.POST or None)

    def act(f):  # type: ignore[no-untyped-def]
        d = f.cleaned_data
        return services.org_establish(
            actor=request.user,
            parent=parent,
            code=d["code"],
            name=d["name"],
            kind=d["kind"],
            sector=d["sector"],
            decision=f.decision(),
        )

    return _decision_page(
        request, parent, form, _("Establish a unit under %(unit)s") % {"unit": parent.name}, act
    )


def _restructurable(request: HttpRequest, org_id: int) -> Organization:
    org = _get(request, org_id, for_write=True)
    if not _scope(request).can_restructure_path(org.path):
        raise Http404
    return org


@login_required
def rename_view(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _restructurable(request, org_id)
    form = forms.RenameForm(
        request.POST or None,
        initial={"name": org.name, "sector": org.sector, "version": org.version},
    )

    def act(f):  # type: ignore[no-untyped-def]
        d = f.cleaned_data
        return services.org_rename(
            actor=request.user,
            org=org,
            name=d["name"],
            sector=d["sector"],
            decision=f.decision(),
            version=d["version"],
        )

    return _decision_page(request, org, form, _("Rename %(unit)s") % {"unit": org.name}, act)


def _target(request: HttpRequest, form) -> Organization:  # type: ignore[no-untyped-def]
    code = form.cleaned_data.get("target_code") or ""
    target = _by_code(request, code) if code else None
    if target is None:
        raise DomainError(
            _("No unit with code %(code)s in your scope.") % {"code": code}, field="target_code"
        )
    return target


@login_required
def move_view(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _restructurable(request, org_id)
    form = forms.UnitChoiceForm(request.POST or None)
    form.fields["target_code"].label = _("Code of the new parent unit")
    form.fields["target_code"].required = True

    def act(f):  # type: ignore[no-untyped-def]
        return org_move(
            actor=request.user, org=org, new_parent=_target(request, f), decision=f.decision()
        )

    return _decision_page(request, org, form, _("Move %(unit)s") % {"unit": org.name}, act)


@login_required
def merge_view(request: HttpRequest, org_id: int) -> HttpResponse:

    org = _restructurable(request, org_id)
    form = forms.UnitChoiceForm(request.POST or None)
    form.fields["target_code"].label = _("Code of the unit it merges into")
    form.fields["target_code"].required = True

    def act(f):  # type: ignore[no-untyped-def]
        return org_merge(
            actor=request.user, sources=[org], target=_target(request, f), decision=f.decision()
        )

    return _decision_page(
        request, org, form, _("Merge %(unit)s into another unit") % {"unit": org.name}, act
    )


@login_required
def dissolve_view(request: HttpRequest, org_id: int) -> HttpResponse:

    org = _restructurable(request, org_id)
    form = forms.UnitChoiceForm(request.POST or None)
    form.fields["target_code"].label = _(
        "Code of the unit that takes its members and subunits (if any)"
    )

    def act(f):  # type: ignore[no-untyped-def]
        destination = _target(request, f) if f.cleaned_data.get("target_code") else None
        return org_dissolve(
            actor=request.user, org=org, decision=f.decision(), destination=destination
        )

    return _decision_page(request, org, form, _("Dissolve %(unit)s") % {"unit": org.name}, act)


@login_required
def split_view(request: HttpRequest, org_id: int) -> HttpResponse:

    org = _restructurable(request, org_id)
    members = list(Member.objects.filter(org=org, status__in=LIVE_STATUSES).order_by("sort_key"))
    children = list(org.children.filter(status=Organization.Status.ACTIVE))
    form = forms.SplitForm(request.POST or None)

    def act(f):  # type: ignore[no-untyped-def]
        parts = f.parsed_parts()
        allocation = {}
        for item in [*members, *children]:
            prefix = "m" if isinstance(item, Member) else "u"
            raw = request.POST.get(f"{prefix}{item.pk}", "")
            allocation[item.pk] = int(raw) - 1 if raw.isdigit() else -1
        return org_split(
            actor=request.user,
            source=org,
            parts=parts,
            allocation=allocation,
            decision=f.decision(),
        )

    if request.method == "POST" and form.is_valid():
        result = run_service(request, form, lambda: act(form))
        if result is not None:
            flash_ok(request, _("Saved."))
            return redirect("orgs:detail", org_id=result[0].pk)
    return render(
        request,
        "orgs/split.html",
        {"org": org, "form": form, "members": members, "children": children},
    )
