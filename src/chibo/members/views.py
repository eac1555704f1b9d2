"""Member list, record, personal-data forms, events and corrections (thin views)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from chibo.core.audit import audit_record
from chibo.core.errors import DomainError
from chibo.core.views import flash_ok, run_service
from chibo.orgs.models import Organization
from chibo.orgs.selectors import org_list

from . import forms, selectors, services
from .models import Member, MemberEvent
from .pagination import COUNT_CAP, TEXT_COUNT_CAP, CappedPaginator


def _scope(request: HttpRequest):  # type: ignore[no-untyped-def]
    return request.scope  # type: ignore[attr-defined]


def _org_in_scope(
    request: HttpRequest, org_id: str | int | None, *, code: str = ""
) -> Organization | None:
    if not org_id and not code:
        return None
    if not code and not str(org_id).isdigit():
        raise Http404
    qs = org_list(scope=_scope(request))
    org = qs.filter(code=code.strip()).first() if code else qs.filter(pk=str(org_id)).first()
    if org is None:
        raise Http404
    return org


def _writable_member(request: HttpRequest, member_id: int) -> Member:
    member = selectors.member_get(scope=_scope(request), member_id=member_id)
    if not _scope(request).can_write_path(member.org.path):
        raise Http404
    return member


@login_required
def list_view(request: HttpRequest) -> HttpResponse:
    org = _org_in_scope(request, request.GET.get("org"))
    # Current members unless the user asks for another status (or "any", an empty value).
    params = request.GET.copy()
    params.setdefault("status", "live")
    form = forms.MemberFilterForm(params)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {"status": "live"}
    filters = selectors.MemberFilters(
        org=org,
        query=data.get("q") or "",
        status=data.get("status") or "",
        occupation=data.get("occupation") or "",
        gender=data.get("gender") or "",
        age_band=data.get("age") or "",
        admission_year=data.get("year"),
    )
    scope = _scope(request)
    members = selectors.member_list(scope=scope, filters=filters)
    searching = bool(filters.query.strip())
    paginator = CappedPaginator(
        members,
        50,
        # past a thousand matches a search is to be narrowed, not paged through
        cap=TEXT_COUNT_CAP if searching else COUNT_CAP,
        ids=lambda offset, limit: selectors.member_ids(members=members, offset=offset, limit=limit),
        rows=lambda ids: selectors.member_rows(scope=scope, ids=ids),
    )
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "org": org,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "searching": searching,
    }
    template = "members/_rows.html" if request.headers.get("HX-Request") else "members/list.html"
    return render(request, template, context)


@login_required
def detail_view(request: HttpRequest, member_id: int) -> HttpResponse:
    scope = _scope(request)
    member = selectors.member_get(scope=scope, member_id=member_id)
    # Opening the full record of a person is itself recorded (special-category data).
    audit_record(actor=request.user, action="member.view", obj=member, org_id=member.org_id)
    context = {
        "member": member,
        "history": selectors.member_history(member=member),
        "can_write": scope.can_write_path(member.org.path),
    }
    return render(request, "members/detail.html", context)


@login_required
def create_view(request: HttpRequest) -> HttpResponse:
    org = _org_in_scope(request, request.GET.get("org") or request.POST.get("org"))
    if org is None or not _scope(request).can_write_path(org.path):
        raise Http404
    form = forms.MemberCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        keys = ("member_code", "admitted_on", "recognized_on", "decision_no")
        fixed = {k: d.pop(k) for k in keys}
        member = run_service(
            request, form, lambda: services.member_create(actor=request.user, org=org, **fixed, **d)
        )
        if member is not None:
            flash_ok(request, _("Member created."))
            return redirect("members:detail", member_id=member.pk)
    return render(
        request, "members/form.html", {"form": form, "org": org, "title": _("New member")}
    )


@login_required
def edit_view(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _writable_member(request, member_id)
    initial = {
        name: getattr(member, name)
        for name in forms.MemberEditForm.base_fields
        if name != "version"
    }
    form = forms.MemberEditForm(
        request.POST or None, initial={**initial, "version": member.version}
    )
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        version = d.pop("version")
        saved = run_service(
            request,
            form,
            lambda: services.member_update(actor=request.user, member=member, version=version, **d),
        )
        if saved is not None:
            flash_ok(request, _("Saved."))
            return redirect("members:detail", member_id=member.pk)
    return render(
        request, "members/form.html", {"form": form, "member": member, "title": _("Edit member")}
    )


@login_required
def event_view(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _writable_member(request, member_id)
    form = forms.EventForm(
        request.POST or None,
        initial={"version": member.version, "kind": request.GET.get("kind", "")},
    )

    def act(d):  # type: ignore[no-untyped-def]
        org = None
        if d.get("org_code"):
            org = _org_in_scope_or_error(request, d["org_code"])
        return services.event_record(
            actor=request.user,
            member=member,
            kind=d["kind"],
            date=d["date"],
            org=org,
            decision_no=d["decision_no"],
            decided_by=d["decided_by"],
            reason=d["reason"],
            temporary=d["temporary"],
            end_date=d["end_date"],
            version=d["version"],
        )

    if request.method == "POST" and form.is_valid():
        event = run_service(request, form, lambda: act(form.cleaned_data))
        if event is not None:
            flash_ok(request, _("Event recorded."))
            return redirect("members:detail", member_id=member.pk)
    return render(request, "members/event_form.html", {"form": form, "member": member})


def _org_in_scope_or_error(request: HttpRequest, code: str) -> Organization:
    org = org_list(scope=_scope(request)).filter(code=code.strip()).first()
    if org is None:
        raise DomainError(
            _("No unit with code %(code)s in your scope.") % {"code": code}, field="org_code"
        )
    return org


@login_required
def void_view(request: HttpRequest, member_id: int, event_id: int) -> HttpResponse:
    member = _writable_member(request, member_id)
    event = MemberEvent.objects.filter(member=member, pk=event_id).first()
    if event is None:
        raise Http404
    form = forms.VoidForm(request.POST or None, initial={"version": member.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        void = run_service(
            request,
            form,
            lambda: services.event_void(
                actor=request.user, event=event, reason=d["reason"], version=d["version"]
            ),
        )
        if void is not None:
            flash_ok(request, _("The event was voided."))
            return redirect("members:detail", member_id=member.pk)
    return render(
        request, "members/void_form.html", {"form": form, "member": member, "event": event}
    )
