"""The pages of the road in (thin: parse, call one service or selector, render).

Reading needs the unit in the read scope (404 otherwise). The cell's steps need the cell
kept by the user (its secretary or a clerk above); the committee's steps need write scope
over the committee directly above the cell. A step the user may not take answers 404.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chibo.accounts.access import access_org
from chibo.core.errors import DomainError
from chibo.core.scope import Scope
from chibo.core.views import flash_ok, run_service
from chibo.orgs.kinds import can_hold_members
from chibo.orgs.models import Organization

from . import forms as f
from . import selectors, services
from .models import BOARD_STAGES, Candidate, DossierPaper, Introducer, Paper, Stage


def _scope(request: HttpRequest) -> Scope:
    return request.scope  # type: ignore[attr-defined,no-any-return]


@login_required
def board_view(request: HttpRequest, org_id: int) -> HttpResponse:
    scope = _scope(request)
    org = access_org(scope, org_id)
    columns = selectors.board(scope, org)
    return render(
        request,
        "recruitment/board.html",
        {
            "org": org,
            "columns": columns,
            "total": sum(c.count for c in columns),
            "can_propose": can_hold_members(org.kind) and scope.can_keep_cell_path(org.path),
            "children": Organization.objects.filter(parent=org, status="active").order_by("path")[
                :200
            ],
        },
    )


@login_required
def stage_view(request: HttpRequest, org_id: int) -> HttpResponse:
    scope = _scope(request)
    org = access_org(scope, org_id)
    stage = request.GET.get("stage", "")
    if stage and stage not in Stage.values:
        raise Http404
    q = request.GET.get("q", "")
    rows = selectors.stage_list(scope, org, stage, q)[:500]
    return render(
        request,
        "recruitment/list.html",
        {"org": org, "rows": rows, "stage": stage, "stages": Stage.choices, "q": q},
    )


@login_required
def due_view(request: HttpRequest, org_id: int) -> HttpResponse:
    scope = _scope(request)
    org = access_org(scope, org_id)
    return render(
        request, "recruitment/due.html", {"org": org, "due": selectors.due_list(scope, org)}
    )


@login_required
def propose_view(request: HttpRequest, org_id: int) -> HttpResponse:
    scope = _scope(request)
    org = access_org(scope, org_id)
    if not can_hold_members(org.kind) or not scope.can_keep_cell_path(org.path):
        raise Http404
    form = f.ProposeForm(
        request.POST or None,
        helpers=selectors.official_members(scope, org),
        initial={"proposed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        c = run_service(
            request,
            form,
            lambda: services.candidate_propose(actor=request.user, org=org, **form.cleaned_data),
        )
        if c is not None:
            flash_ok(request, _("%(name)s is on the list of sympathizers.") % {"name": c.full_name})
            return redirect("recruitment:candidate", c.pk)
    return render(request, "recruitment/propose.html", {"org": org, "form": form})


@dataclass(frozen=True)
class Step:
    title: Any
    form: type[forms.Form]
    stages: tuple[str, ...]
    decide: bool  # the committee's step (else the cell's)
    call: Callable[[HttpRequest, Candidate, dict[str, Any]], Any]
    ok: Any


STEPS: dict[str, Step] = {
    "cell_resolution": Step(
        gettext_lazy("Cell resolution proposing admission (6-KNĐ)"),
        f.CellResolutionForm,
        (Stage.SYMPATHIZER, Stage.CLASS_ATTENDED, Stage.DOSSIER),
        False,
        lambda r, c, d: services.cell_resolution_record(actor=r.user, candidate=c, **d),
        gettext_lazy("The cell's resolution is recorded."),
    ),
    "committee_resolution": Step(
        gettext_lazy("Committee resolution on admission (8-KNĐ)"),
        f.CommitteeResolutionForm,
        (Stage.CELL_RESOLUTION,),
        True,
        lambda r, c, d: services.committee_resolution_record(actor=r.user, candidate=c, **d),
        gettext_lazy("The committee's resolution is recorded."),
    ),
    "decision": Step(
        gettext_lazy("Admission decision (9-KNĐ)"),
        f.DecisionForm,
        (Stage.COMMITTEE_RESOLUTION,),
        True,
        lambda r, c, d: services.admission_decide(actor=r.user, candidate=c, **d),
        gettext_lazy("Admitted: the probationary member is in the register."),
    ),
    "ceremony": Step(
        gettext_lazy("Admission ceremony"),
        f.CeremonyForm,
        (Stage.ADMITTED,),
        False,
        lambda r, c, d: services.ceremony_record(actor=r.user, candidate=c, **d),
        gettext_lazy("The ceremony is recorded; the probation runs 12 months from it."),
    ),
    "recognition_resolution": Step(
        gettext_lazy("Cell resolution proposing recognition (13-KNĐ)"),
        f.RecognitionResolutionForm,
        (Stage.ADMITTED,),
        False,
        lambda r, c, d: services.recognition_resolution_record(actor=r.user, candidate=c, **d),
        gettext_lazy("The cell's resolution on recognition is recorded."),
    ),
    "recognition_decision": Step(
        gettext_lazy("Decision on recognition"),
        f.RecognitionDecisionForm,
        (Stage.ADMITTED,),
        True,
        lambda r, c, d: services.recognition_decide(actor=r.user, candidate=c, **d),
        gettext_lazy("Recognized as an official member; the party card number is issued."),
    ),
    "probation_failed": Step(
        gettext_lazy("Probation failed"),
        f.EndForm,
        (Stage.ADMITTED,),
        True,
        lambda r, c, d: services.probation_fail(actor=r.user, candidate=c, **d),
        gettext_lazy("The probation is recorded as failed."),
    ),
    "drop": Step(
        gettext_lazy("No longer follow this person"),
        f.EndForm,
        (
            Stage.SYMPATHIZER,
            Stage.CLASS_ATTENDED,
            Stage.DOSSIER,
            Stage.CELL_RESOLUTION,
            Stage.COMMITTEE_RESOLUTION,
        ),
        False,
        lambda r, c, d: services.candidate_drop(actor=r.user, candidate=c, **d),
        gettext_lazy("The person is no longer followed."),
    ),
}


def _step_open(name: str, c: Candidate) -> bool:
    """Whether the step makes sense now (its rules are checked by the service)."""
    if c.stage not in STEPS[name].stages:
        return False
    if name == "ceremony":
        return not c.ceremony_on
    if name == "recognition_resolution":
        return bool(c.ceremony_on) and not c.recognition_cell_on
    if name == "recognition_decision":
        return bool(c.recognition_cell_on)
    return True


def _allowed(scope: Scope, c: Candidate, step: Step) -> bool:
    return selectors.can_decide(scope, c) if step.decide else selectors.can_keep(scope, c)


def _detail(
    request: HttpRequest, c: Candidate, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    scope = _scope(request)
    bound = bound or {}
    keep = selectors.can_keep(scope, c)
    steps = []
    for name, step in STEPS.items():
        if _step_open(name, c) and _allowed(scope, c, step):
            form = bound.get(name) or step.form(
                prefix=name, initial={"version": c.version, "on": timezone.localdate()}
            )
            steps.append((name, step, form))
    papers = {p.code: p for p in c.papers.all()}
    members = selectors.official_members(scope, c.org)
    return render(
        request,
        "recruitment/candidate.html",
        {
            "c": c,
            "keep": keep,
            "decide": selectors.can_decide(scope, c),
            "steps": steps,
            "papers": [(code, label, papers.get(code)) for code, label in Paper.choices],
            "introducers": c.introducers.select_related("member").order_by("id"),
            "attendances": c.attendances.select_related("awareness_class").order_by(
                "-awareness_class__ended_on"
            ),
            "paper_form": bound.get("paper")
            or f.PaperForm(prefix="paper", initial={"dated": timezone.localdate()}),
            "introducer_form": bound.get("introducer")
            or f.IntroducerForm(prefix="intro", members=members),
            "helper_form": bound.get("helper")
            or f.HelperForm(prefix="helper", initial={"helper": c.helper_id}, helpers=members),
            "extend_form": bound.get("extend") or f.ExtendForm(prefix="extend"),
            "person_form": bound.get("person")
            or f.PersonForm(
                prefix="person",
                initial={k: getattr(c, k) for k in services.PERSON_FIELDS} | {"version": c.version},
            ),
            "person_open": keep and not c.member_id,
            "can_extend": c.stage in (Stage.CELL_RESOLUTION, Stage.COMMITTEE_RESOLUTION)
            and selectors.can_decide(scope, c),
            "dossier_open": keep
            and c.stage not in (Stage.RECOGNIZED, Stage.PROBATION_FAILED, Stage.DROPPED),
            "introducers_open": keep
            and c.stage in (Stage.SYMPATHIZER, Stage.CLASS_ATTENDED, Stage.DOSSIER),
            "board_stages": BOARD_STAGES,
        },
    )


@login_required
def candidate_view(request: HttpRequest, candidate_id: int) -> HttpResponse:
    return _detail(request, selectors.candidate_get(_scope(request), candidate_id))


def _back(c: Candidate) -> HttpResponse:
    return redirect(reverse("recruitment:candidate", args=[c.pk]))


@login_required
def step_view(request: HttpRequest, candidate_id: int, name: str) -> HttpResponse:
    scope = _scope(request)
    c = selectors.candidate_get(scope, candidate_id)
    step = STEPS.get(name)
    if step is None or not _allowed(scope, c, step):
        raise Http404
    if request.method != "POST":
        return _detail(request, c)
    form = step.form(request.POST, prefix=name)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if run_service(request, form, lambda: step.call(request, c, data)) is not None:
            flash_ok(request, str(step.ok))
            return _back(c)
    return _detail(request, selectors.candidate_get(scope, candidate_id), {name: form})


def _keep_or_404(request: HttpRequest, candidate_id: int) -> Candidate:
    """The candidate, if the user keeps their cell's records (404 otherwise)."""
    scope = _scope(request)
    c = selectors.candidate_get(scope, candidate_id)
    if not selectors.can_keep(scope, c):
        raise Http404
    return c


@login_required
def paper_view(request: HttpRequest, candidate_id: int) -> HttpResponse:
    c = _keep_or_404(request, candidate_id)
    if request.method != "POST":
        return _detail(request, c)
    form = f.PaperForm(request.POST, request.FILES, prefix="paper")
    if form.is_valid():
        d = form.cleaned_data
        done = run_service(
            request,
            form,
            lambda: services.paper_record(
                actor=request.user, candidate=c, code=d["code"], dated=d["dated"], upload=d["file"]
            ),
        )
        if done is not None:
            flash_ok(request, _("%(code)s is recorded.") % {"code": d["code"]})
            return _back(c)
    return _detail(request, c, {"paper": form})


@login_required
def paper_file_view(request: HttpRequest, paper_id: int) -> FileResponse:
    paper = get_object_or_404(DossierPaper.objects.select_related("candidate"), pk=paper_id)
    selectors.candidate_get(_scope(request), paper.candidate_id)  # 404 outside the scope
    if not paper.file:
        raise Http404
    return FileResponse(
        paper.file.open("rb"),
        as_attachment=False,
        filename=paper.file_name or "scan",
        content_type=paper.content_type or "application/octet-stream",
    )


@login_required
def introducer_view(request: HttpRequest, candidate_id: int) -> HttpResponse:
    c = _keep_or_404(request, candidate_id)
    if request.method != "POST":
        return _detail(request, c)
    form = f.IntroducerForm(
        request.POST, prefix="intro", members=selectors.official_members(_scope(request), c.org)
    )
    if form.is_valid():
        d = form.cleaned_data
        done = run_service(
            request,
            form,
            lambda: services.introducer_add(
                actor=request.user, candidate=c, member=d["member"], known_since=d["known_since"]
            ),
        )
        if done is not None:
            flash_ok(request, _("The introducer is recorded."))
            return _back(c)
    return _detail(request, c, {"introducer": form})


@login_required
def introducer_remove_view(request: HttpRequest, introducer_id: int) -> HttpResponse:
    intro = get_object_or_404(Introducer, pk=introducer_id)
    c = _keep_or_404(request, intro.candidate_id)
    if request.method != "POST":
        return _detail(request, c)
    try:
        services.introducer_remove(actor=request.user, introducer=intro)
    except DomainError as exc:
        messages.error(request, str(exc))
    return _back(c)


@login_required
def person_view(request: HttpRequest, candidate_id: int) -> HttpResponse:
    c = _keep_or_404(request, candidate_id)
    if request.method != "POST":
        return _detail(request, c)
    form = f.PersonForm(request.POST, prefix="person")
    if form.is_valid():
        done = run_service(
            request,
            form,
            lambda: services.candidate_update(actor=request.user, candidate=c, **form.cleaned_data),
        )
        if done is not None:
            flash_ok(request, _("The person's particulars are saved."))
            return _back(c)
    return _detail(request, c, {"person": form})


@login_required
def helper_view(request: HttpRequest, candidate_id: int) -> HttpResponse:
    c = _keep_or_404(request, candidate_id)
    if request.method != "POST":
        return _detail(request, c)
    form = f.HelperForm(
        request.POST, prefix="helper", helpers=selectors.official_members(_scope(request), c.org)
    )
    if form.is_valid():
        done = run_service(
            request,
            form,
            lambda: services.helper_assign(
                actor=request.user, candidate=c, helper=form.cleaned_data["helper"]
            ),
        )
        if done is not None:
            flash_ok(request, _("The helping member is recorded."))
            return _back(c)
    return _detail(request, c, {"helper": form})


@login_required
def extend_view(request: HttpRequest, candidate_id: int) -> HttpResponse:
    scope = _scope(request)
    c = selectors.candidate_get(scope, candidate_id)
    if not selectors.can_decide(scope, c):
        raise Http404
    if request.method != "POST":
        return _detail(request, c)
    form = f.ExtendForm(request.POST, prefix="extend")
    if form.is_valid():
        done = run_service(
            request,
            form,
            lambda: services.decision_extend(
                actor=request.user, candidate=c, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            flash_ok(request, _("The time for the decision is extended."))
            return _back(c)
    return _detail(request, c, {"extend": form})


@login_required
def classes_view(request: HttpRequest, org_id: int) -> HttpResponse:
    scope = _scope(request)
    org = access_org(scope, org_id)
    can_create = scope.can_write_path(org.path)
    form = f.ClassForm(request.POST or None)
    if request.method == "POST":
        if not can_create:
            raise Http404
        if form.is_valid():
            klass = run_service(
                request,
                form,
                lambda: services.class_create(actor=request.user, org=org, **form.cleaned_data),
            )
            if klass is not None:
                flash_ok(request, _("The class is created."))
                return redirect("recruitment:class", klass.pk)
    return render(
        request,
        "recruitment/classes.html",
        {
            "org": org,
            "classes": [
                (k, k.org is not None and scope.can_read_path(k.org.path))
                for k in selectors.classes_in(scope, org)[:200]
            ],
            "form": form,
            "can_create": can_create,
        },
    )


@login_required
def class_view(request: HttpRequest, class_id: int) -> HttpResponse:
    scope = _scope(request)
    klass = selectors.class_get(scope, class_id)
    form = f.AttendanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        c = selectors.candidate_kept(scope, d["person_id"])
        if c is None:
            form.add_error("person_id", _("No person with this id in the cells you keep."))
        else:
            done = run_service(
                request,
                form,
                lambda: services.attendance_record(
                    actor=request.user,
                    awareness_class=klass,
                    candidate=c,
                    passed=d["passed"],
                    certificate_no=d["certificate_no"],
                ),
            )
            if done is not None:
                flash_ok(request, _("%(name)s is recorded in the class.") % {"name": c.full_name})
                return redirect("recruitment:class", klass.pk)
    return render(
        request,
        "recruitment/class.html",
        {
            "klass": klass,
            "org_visible": klass.org is not None and scope.can_read_path(klass.org.path),
            "rows": selectors.attendances_seen(scope, klass),
            "form": form,
            "can_record": bool(scope.cell_prefixes or scope.write_prefixes),
        },
    )
