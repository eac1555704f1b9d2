"""The office's document pages: the list of the scope, issue, amend, withdraw, and a
document's page with who received and read it (thin views over services and selectors)."""

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chibo.accounts.access import access_org
from chibo.core.scope import Scope
from chibo.core.views import flash_ok, run_service
from chibo.members.models import Occupation
from chibo.orgs.models import Organization
from chibo.orgs.selectors import org_list, org_roots

from . import forms, selectors, services


def _scope(request: HttpRequest) -> Scope:
    return request.scope  # type: ignore[attr-defined,no-any-return]


def _writable_org(request: HttpRequest, org_id: int) -> Organization:
    org = access_org(_scope(request), org_id)
    if not _scope(request).can_write_path(org.path):
        raise Http404
    return org


@login_required
def list_view(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    org = None
    if request.GET.get("org"):
        org = (
            org_list(scope=scope).filter(pk=request.GET["org"]).first()
            if request.GET["org"].isdigit()
            else None
        )
        if org is None:
            raise Http404
    form = forms.DocumentFilterForm(request.GET)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    filters = selectors.DocumentFilters(
        org=org,
        query=data.get("q") or "",
        doc_type=data.get("doc_type") or "",
        status=data.get("status") or "",
    )
    page = Paginator(selectors.document_list(scope=scope, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    issuers = [org] if org is not None else list(org_roots(scope=scope))
    context = {
        "org": org,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "issuers": [u for u in issuers if scope.can_write_path(u.path)],
    }
    template = (
        "documents/_rows.html" if request.headers.get("HX-Request") else "documents/list.html"
    )
    return render(request, template, context)


def _audience_units(
    form: forms.DocumentIssueForm, issuer: Organization
) -> list[Organization] | None:
    codes = form.unit_codes()
    found = {
        o.code: o for o in Organization.objects.filter(path__startswith=issuer.path, code__in=codes)
    }
    missing = [c for c in codes if c not in found]
    if missing:
        form.add_error(
            "audience_units",
            _("No unit with code %(codes)s inside %(issuer)s.")
            % {"codes": ", ".join(missing), "issuer": issuer.name},
        )
        return None
    return [found[c] for c in codes]


@login_required
def issue_view(request: HttpRequest, org_id: int) -> HttpResponse:
    issuer = _writable_org(request, org_id)
    form = forms.DocumentIssueForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        units = _audience_units(form, issuer)
        if units is not None:
            d = form.cleaned_data
            document = run_service(
                request,
                form,
                lambda: services.document_issue(
                    actor=request.user,
                    issuer=issuer,
                    doc_type=d["doc_type"],
                    number=d["number"],
                    issued_on=d["issued_on"],
                    title=d["title"],
                    summary=d["summary"],
                    body=d["body"],
                    must_study=d["must_study"],
                    audience=services.Audience(units=units, segments=d["segments"]),
                    attachments=d["attachments"],
                ),
            )
            if document is not None:
                flash_ok(request, _("Document issued."))
                return redirect("documents:detail", document_id=document.pk)
    context = {"form": form, "org": issuer, "title": _("Issue a document")}
    return render(request, "documents/form.html", context)


def _duration(value: dt.timedelta | None) -> str:
    """ "2 days 3 hours", "5 hours 10 minutes", "7 minutes"."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes and not days:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts) or ngettext("%(n)d minute", "%(n)d minutes", 0) % {"n": 0}


@login_required
def detail_view(request: HttpRequest, document_id: int) -> HttpResponse:
    scope = _scope(request)
    document = selectors.document_get(scope=scope, document_id=document_id)
    units = selectors.reading_by_unit(document)
    received = sum(u["received"] for u in units)
    read = sum(u["read"] for u in units)
    unread = KnownCountPaginator(selectors.unread_members(document), 50, count=received - read)
    unread_page = unread.get_page(request.GET.get("page"))
    audience = selectors.audience_describe(document)
    context = {
        "document": document,
        "audience_units": audience["units"],
        "audience_segments": [Occupation(s).label for s in audience["segments"]],
        "versions": document.versions.all(),
        "attachments": document.attachments.all(),
        "units": units,
        "received": received,
        "read": read,
        "median": _duration(selectors.median_time_to_read(document)),
        "page": unread_page,
        "can_write": scope.can_write_path(document.issuer.path) and document.is_active,
    }
    template = (
        "documents/_unread.html" if request.headers.get("HX-Request") else "documents/detail.html"
    )
    return render(request, template, context)


class KnownCountPaginator(Paginator):
    """A paginator told its count (the unread members are received − read, already known)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int):
        super().__init__(object_list, per_page)
        self._known = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._known


@login_required
def amend_view(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.document_get(
        scope=_scope(request), document_id=document_id, for_write=True
    )
    initial = {
        "title": document.title,
        "summary": document.summary,
        "body": document.body,
        "must_study": document.must_study,
        "version": document.version,
    }
    form = forms.DocumentAmendForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        saved = run_service(
            request,
            form,
            lambda: services.document_amend(
                actor=request.user,
                document=document,
                title=d["title"],
                summary=d["summary"],
                body=d["body"],
                must_study=d["must_study"],
                note=d["note"],
                version=d["version"],
                attachments=d["attachments"],
            ),
        )
        if saved is not None:
            flash_ok(request, _("Document amended."))
            return redirect("documents:detail", document_id=document.pk)
    context = {
        "form": form,
        "document": document,
        "title": _("Amend %(number)s") % {"number": document.number},
    }
    return render(request, "documents/form.html", context)


@login_required
def withdraw_view(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.document_get(
        scope=_scope(request), document_id=document_id, for_write=True
    )
    form = forms.DocumentWithdrawForm(request.POST or None, initial={"version": document.version})
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            form,
            lambda: services.document_withdraw(
                actor=request.user,
                document=document,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            ),
        )
        if saved is not None:
            flash_ok(request, _("Document withdrawn."))
            return redirect("documents:detail", document_id=document.pk)
    context = {
        "form": form,
        "document": document,
        "title": _("Withdraw %(number)s") % {"number": document.number},
    }
    return render(request, "documents/form.html", context)


@login_required
def attachment_view(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_get(scope=_scope(request), attachment_id=attachment_id)
    return FileResponse(
        attachment.file.open("rb"), content_type="application/pdf", filename=attachment.name
    )
