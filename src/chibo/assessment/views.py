"""The pages of the classification (thin: parse, call one service or selector, render).

Reading needs the unit in the read scope (404 otherwise). Opening and closing a campaign
need write scope over the opening unit; each step on an assessment needs the scope that
`selectors.can_*` names. A step the user may not take answers 404.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chibo.accounts.access import access_org
from chibo.core.errors import DomainError
from chibo.core.scope import Scope
from chibo.core.views import flash_ok, run_service
from chibo.orgs.models import Organization

from . import forms as f
from . import selectors, services
from .models import Assessment, AssessmentStatus, SubjectKind
from .rules import OPENING_KINDS, RuleSet

MEMBER_ROWS = 500


def _scope(request: HttpRequest) -> Scope:
    return request.scope  # type: ignore[attr-defined,no-any-return]


@login_required
def campaigns_view(request: HttpRequest, org_id: int) -> HttpResponse:
    """The campaigns that cover the unit or units below it."""
    scope = _scope(request)
    org = access_org(scope, org_id)
    return render(
        request,
        "assessment/campaigns.html",
        {
            "org": org,
            "campaigns": selectors.campaigns_for(scope, org)[:100],
            "can_open": _can_open(scope, org),
        },
    )


def _can_open(scope: Scope, org: Organization) -> bool:
    return scope.can_write_path(org.path) and org.kind in OPENING_KINDS


@login_required
def open_view(request: HttpRequest, org_id: int) -> HttpResponse:
    """Open a classification over the unit's subtree (those who write the unit)."""
    scope = _scope(request)
    org = access_org(scope, org_id)
    if not _can_open(scope, org):
        raise Http404
    form = f.OpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        campaign = run_service(
            request,
            form,
            lambda: services.campaign_open(
                actor=request.user,
                org=org,
                year=d["year"],
                rule_set=d["rule_set"],
                period_kind=d["period_kind"],
                quarter=d["quarter"],
            ),
        )
        if campaign is not None:
            flash_ok(
                request,
                _("The classification %(period)s is open over %(org)s.")
                % {"period": campaign, "org": org.name},
            )
            return redirect("assessment:progress", campaign.pk, org.pk)
    return render(request, "assessment/open.html", {"org": org, "form": form})


@login_required
def progress_view(
    request: HttpRequest,
    campaign_id: int,
    org_id: int,
    leader_form: forms.Form | None = None,
) -> HttpResponse:
    """The campaign seen from a unit: its units below with their progress, the unit's own
    assessment, its leaders' and its members'."""
    scope = _scope(request)
    org = access_org(scope, org_id)
    campaign = selectors.campaign_get(scope, campaign_id, org)
    own = list(
        selectors.campaign_assessments(campaign)
        .filter(org=org)
        .exclude(subject_kind=SubjectKind.LEADER)[: MEMBER_ROWS + 1]
    )
    unit_row = next((a for a in own if not a.is_member), None)
    members = [a for a in own if a.is_member]
    can_name = bool(unit_row and campaign.is_open and selectors.can_name_leaders(scope, org))
    parent = org.parent if org.parent and scope.can_read_path(org.parent.path) else None
    return render(
        request,
        "assessment/progress.html",
        {
            "org": org,
            "campaign": campaign,
            "children": selectors.progress_by_child(campaign, org),
            "unit_row": unit_row,
            "members": members[:MEMBER_ROWS],
            "more_members": len(members) > MEMBER_ROWS,
            "parent": parent if parent and parent.path.startswith(campaign.org.path) else None,
            "can_close": campaign.is_open and scope.can_write_path(campaign.org.path),
            "statuses": AssessmentStatus.choices,
            "leaders": selectors.leaders_of(campaign, org) if unit_row else [],
            "leader_form": (leader_form or f.LeaderForm(prefix="leader")) if can_name else None,
        },
    )


@login_required
def leader_add_view(request: HttpRequest, campaign_id: int, org_id: int) -> HttpResponse:
    """Name a leader of the unit to be rated as such (those who keep the unit's records)."""
    scope = _scope(request)
    org = access_org(scope, org_id)
    campaign = selectors.campaign_get(scope, campaign_id, org)
    if not selectors.can_name_leaders(scope, org):
        raise Http404
    if request.method != "POST":
        return progress_view(request, campaign_id, org_id)
    form = f.LeaderForm(request.POST, prefix="leader")
    if form.is_valid():
        member = selectors.leader_candidate(org, form.cleaned_data["member_code"])
        if member is None:
            form.add_error(
                "member_code",
                _("No member with this code in %(org)s or below.") % {"org": org.name},
            )
        else:
            done = run_service(
                request,
                form,
                lambda: services.leader_add(
                    actor=request.user,
                    campaign=campaign,
                    unit=org,
                    member=member,
                    title=form.cleaned_data["title"],
                ),
            )
            if done is not None:
                flash_ok(
                    request,
                    _("%(name)s will be rated as a leader of %(org)s.")
                    % {"name": member.full_name, "org": org.name},
                )
                return redirect("assessment:progress", campaign.pk, org.pk)
    return progress_view(request, campaign_id, org_id, leader_form=form)


@login_required
def close_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Close a campaign (those who write the unit that opened it); GET asks first."""
    scope = _scope(request)
    campaign = selectors.campaign_to_write(scope, campaign_id)
    if request.method == "POST":
        try:
            services.campaign_close(actor=request.user, campaign=campaign)
            flash_ok(request, _("The classification %(period)s is closed.") % {"period": campaign})
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("assessment:progress", campaign.pk, campaign.org_id)
    undecided = campaign.assessments.exclude(status=AssessmentStatus.DECIDED).count()
    return render(request, "assessment/close.html", {"campaign": campaign, "undecided": undecided})


@dataclass(frozen=True)
class Step:
    title: Any
    statuses: tuple[str, ...]
    allowed: Callable[[Scope, Assessment], bool]
    form: Callable[..., forms.Form]
    call: Callable[[HttpRequest, Assessment, dict[str, Any]], Any]
    ok: Any
    # after the step, back to the unit's page (the row itself is gone)
    to_unit: bool = False


def _self_form(a: Assessment, *args: Any, **kwargs: Any) -> forms.Form:
    return f.SelfForm(*args, scored=a.campaign.rule_set == RuleSet.SCORE_2025, **kwargs)


def _appraise_form(a: Assessment, *args: Any, **kwargs: Any) -> forms.Form:
    return f.AppraiseForm(*args, member=a.is_member, **kwargs)


STEPS: dict[str, Step] = {
    "self": Step(
        gettext_lazy("Self-assessment"),
        (AssessmentStatus.NOT_STARTED, AssessmentStatus.SELF_ASSESSED),
        selectors.can_self_assess,
        _self_form,
        lambda r, a, d: services.self_assess(
            actor=r.user,
            assessment=a,
            level=d["level"],
            general=d.get("general"),
            results=d.get("results"),
            version=d["version"],
        ),
        gettext_lazy("The self-assessment is recorded."),
    ),
    "appraise": Step(
        gettext_lazy("Appraisal and proposal"),
        (AssessmentStatus.SELF_ASSESSED, AssessmentStatus.APPRAISED),
        selectors.can_appraise,
        _appraise_form,
        lambda r, a, d: services.appraise(
            actor=r.user,
            assessment=a,
            proposed_level=d["proposed_level"],
            disciplined=d.get("disciplined", False),
            version=d["version"],
        ),
        gettext_lazy("The appraisal is recorded."),
    ),
    "decide": Step(
        gettext_lazy("Decision"),
        (AssessmentStatus.APPRAISED,),
        selectors.can_decide,
        lambda a, *args, **kw: f.DecideForm(*args, **kw),
        lambda r, a, d: services.decide(
            actor=r.user, assessment=a, level=d["level"], version=d["version"]
        ),
        gettext_lazy("The level is decided."),
    ),
    "rerate": Step(
        gettext_lazy("Cancel the decision and re-rate"),
        (AssessmentStatus.DECIDED,),
        selectors.can_rerate,
        lambda a, *args, **kw: f.RerateForm(*args, **kw),
        lambda r, a, d: services.rerate(
            actor=r.user, assessment=a, level=d["level"], reason=d["reason"], version=d["version"]
        ),
        gettext_lazy("The decision is cancelled and the subject re-rated."),
    ),
    "remove": Step(
        gettext_lazy("No longer rate as a leader"),
        (AssessmentStatus.NOT_STARTED,),
        lambda scope, a: a.is_leader and selectors.can_name_leaders(scope, a.org),
        lambda a, *args, **kw: f.RemoveForm(*args, **kw),
        lambda r, a, d: services.leader_remove(actor=r.user, assessment=a) or True,
        gettext_lazy("The leader is no longer rated as such."),
        to_unit=True,
    ),
}


def _initial(a: Assessment, name: str) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": a.version}
    if name == "self":
        initial |= {"level": a.self_level, "general": a.self_general, "results": a.self_results}
    elif name == "appraise":
        initial |= {
            "proposed_level": a.proposed_level or a.self_level,
            "disciplined": a.disciplined,
        }
    elif name == "decide":
        initial["level"] = a.proposed_level
    return initial


def _detail(
    request: HttpRequest, a: Assessment, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    scope = _scope(request)
    bound = bound or {}
    steps = []
    if a.campaign.is_open:
        for name, step in STEPS.items():
            if a.status in step.statuses and step.allowed(scope, a):
                form = bound.get(name) or step.form(a, prefix=name, initial=_initial(a, name))
                steps.append((name, step, form))
    shown = {name for name, _step, _form in steps}
    for name, form in bound.items():  # a refused step whose form is no longer offered
        if name not in shown:
            for errors in form.errors.values():
                messages.error(request, " ".join(str(e) for e in errors))
    return render(
        request,
        "assessment/item.html",
        {
            "a": a,
            "campaign": a.campaign,
            "steps": steps,
            "decider": selectors.deciding_unit(a),
            "scored": a.campaign.rule_set == RuleSet.SCORE_2025,
        },
    )


@login_required
def item_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    return _detail(request, selectors.assessment_get(_scope(request), assessment_id))


@login_required
def step_view(request: HttpRequest, assessment_id: int, name: str) -> HttpResponse:
    scope = _scope(request)
    a = selectors.assessment_get(scope, assessment_id)
    step = STEPS.get(name)
    if step is None or not step.allowed(scope, a):
        raise Http404
    if request.method != "POST":
        return _detail(request, a)
    form = step.form(a, request.POST, prefix=name)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if run_service(request, form, lambda: step.call(request, a, data)) is not None:
            flash_ok(request, str(step.ok))
            if step.to_unit:
                return redirect("assessment:progress", a.campaign_id, a.org_id)
            return redirect("assessment:item", a.pk)
    return _detail(request, selectors.assessment_get(scope, assessment_id), {name: form})
