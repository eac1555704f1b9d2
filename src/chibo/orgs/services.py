"""Writes to the tree. Each runs in a transaction, checks the rules and records its audit row.

Scope is checked by the caller (`chibo.accounts.access`); these functions check the
domain rules: kinds under kinds, unique codes, no unit moved under itself, decisions
recorded. Merging, splitting and dissolving move members, so they live in
`chibo.members.services.restructure`, which calls the helpers here.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from chibo.core.audit import audit_record
from chibo.core.errors import RuleViolation, StaleEdit

from .kinds import ALLOWED_PARENTS, ROOT_KINDS, Kind
from .models import STEP_LENGTH, Organization, OrgDecision, decode_step, encode_step
from .signals import subtree_moved, unit_dated


@dataclass(frozen=True)
class Decision:
    """The decision behind a change to the tree (number, date, issuing body)."""

    number: str
    date: dt.date
    issuer: str

    def check(self) -> None:
        if not self.number.strip() or not self.issuer.strip() or self.date is None:
            raise RuleViolation(_("A decision needs its number, date and issuing body."))


def _check_kind_under(kind: str, parent: Organization | None) -> None:
    if kind not in Kind.values:
        raise RuleViolation(_("Unknown kind of unit: %(kind)s.") % {"kind": kind}, field="kind")
    if parent is None:
        if kind not in ROOT_KINDS:
            raise RuleViolation(_("Only a central or provincial committee can stand at the top."))
        return
    if parent.kind not in ALLOWED_PARENTS[kind]:
        raise RuleViolation(
            _("A %(kind)s cannot be placed under a %(parent)s.")
            % {"kind": Kind(kind).label, "parent": Kind(parent.kind).label},
            field="kind",
        )
    if not parent.is_active:
        raise RuleViolation(_("The parent unit has been dissolved."))


def _next_child_path(parent: Organization | None) -> str:
    siblings = (
        Organization.objects.filter(parent=parent)
        if parent
        else Organization.objects.filter(depth=1)
    )
    last = siblings.aggregate(last=Max("path"))["last"]
    number = decode_step(last[-STEP_LENGTH:]) + 1 if last else 1
    return (parent.path if parent else "") + encode_step(number)


def _record_decision(
    org: Organization, kind: str, decision: Decision, **details: Any
) -> OrgDecision:
    return OrgDecision.objects.create(
        org=org,
        kind=kind,
        decision_no=decision.number.strip(),
        decision_date=decision.date,
        issuer=decision.issuer.strip(),
        details=details,
    )


@transaction.atomic
def org_establish(
    *,
    actor: Any,
    parent: Organization | None,
    code: str,
    name: str,
    kind: str,
    sector: str,
    decision: Decision | None = None,
    established_on: dt.date | None = None,
) -> Organization:
    """Create a unit under `parent` (or a root). Returns it; raises RuleViolation.

    A decision is required for units established in the UI; imports and the demo may
    pass only a date.
    """
    code = code.strip()
    if not code or not name.strip():
        raise RuleViolation(_("A unit needs a code and a name."))
    if decision:
        decision.check()
        established_on = established_on or decision.date
    if parent is not None:
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
    _check_kind_under(kind, parent)
    if Organization.objects.filter(code=code).exists():
        raise RuleViolation(_("The code %(code)s is already used.") % {"code": code}, field="code")
    org = Organization.objects.create(
        path=_next_child_path(parent),
        depth=(parent.depth + 1) if parent else 1,
        parent=parent,
        code=code,
        name=name.strip(),
        kind=kind,
        sector=sector or "other",
        established_on=established_on,
    )
    if parent is not None:
        Organization.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
    unit_dated.send(sender=Organization, org=org, before=None)
    if decision:
        _record_decision(org, OrgDecision.Kind.ESTABLISHED, decision)
    audit_record(
        actor=actor,
        action="org.establish",
        obj=org,
        org_id=org.pk,
        changes={
            "code": code,
            "name": org.name,
            "kind": kind,
            "parent": parent.code if parent else None,
        },
    )
    return org


def _check_version(org: Organization, version: int | None) -> Organization:
    fresh = Organization.objects.select_for_update().get(pk=org.pk)
    if version is not None and fresh.version != version:
        raise StaleEdit(
            _("This unit was changed by someone else after you opened it. Reload and try again.")
        )
    return fresh


@transaction.atomic
def org_rename(
    *,
    actor: Any,
    org: Organization,
    name: str,
    sector: str | None = None,
    decision: Decision,
    version: int | None = None,
) -> Organization:
    """Rename a unit (and optionally change its sector) by decision."""
    decision.check()
    org = _check_version(org, version)
    if not org.is_active:
        raise RuleViolation(_("A dissolved unit cannot be renamed."))
    if not name.strip():
        raise RuleViolation(_("A unit needs a name."), field="name")
    before = {"name": org.name, "sector": org.sector}
    org.name = name.strip()
    if sector:
        org.sector = sector
    org.version += 1
    org.save(update_fields=["name", "sector", "version"])
    _record_decision(
        org, OrgDecision.Kind.RENAMED, decision, old_name=before["name"], new_name=org.name
    )
    audit_record(
        actor=actor,
        action="org.rename",
        obj=org,
        org_id=org.pk,
        changes={k: [before[k], getattr(org, k)] for k in before if before[k] != getattr(org, k)},
    )
    return org


def reparent(org: Organization, new_parent: Organization) -> Organization:
    """Give `org` and its whole subtree a new path under `new_parent` (no checks, no audit)."""
    old_path, old_depth, old_parent_id = org.path, org.depth, org.parent_id
    new_path = _next_child_path(new_parent)
    delta = new_parent.depth + 1 - old_depth
    Organization.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + delta,
    )
    subtree_moved.send(sender=Organization, old_path=old_path, new_path=new_path)
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    Organization.objects.filter(pk=new_parent.pk).update(numchild=F("numchild") + 1)
    if old_parent_id:
        Organization.objects.filter(pk=old_parent_id).update(numchild=F("numchild") - 1)
    org.refresh_from_db()
    return org


@transaction.atomic
def org_move(
    *, actor: Any, org: Organization, new_parent: Organization, decision: Decision
) -> Organization:
    """Move a unit with its whole subtree under another unit. Members stay in their units."""
    decision.check()
    org = _check_version(org, None)
    new_parent = Organization.objects.select_for_update().get(pk=new_parent.pk)
    if new_parent.path.startswith(org.path):
        raise RuleViolation(_("A unit cannot be moved under itself or its own subunits."))
    if org.parent_id == new_parent.pk:
        raise RuleViolation(_("The unit is already under that parent."))
    if not org.is_active:
        raise RuleViolation(_("A dissolved unit cannot be moved."))
    _check_kind_under(org.kind, new_parent)
    old_parent = org.parent
    reparent(org, new_parent)
    Organization.objects.filter(pk=org.pk).update(version=F("version") + 1)
    org.refresh_from_db()
    _record_decision(
        org,
        OrgDecision.Kind.MOVED,
        decision,
        old_parent=old_parent.code if old_parent else None,
        new_parent=new_parent.code,
    )
    audit_record(
        actor=actor,
        action="org.move",
        obj=org,
        org_id=org.pk,
        changes={"parent": [old_parent.code if old_parent else None, new_parent.code]},
    )
    return org


def mark_dissolved(
    org: Organization, *, day: dt.date, successor: Organization | None = None
) -> None:
    """Mark a unit dissolved on `day` (helper for the restructuring services)."""
    before = Organization.objects.values_list("kind", "established_on", "dissolved_on").get(
        pk=org.pk
    )
    Organization.objects.filter(pk=org.pk).update(
        status=Organization.Status.DISSOLVED,
        dissolved_on=day,
        successor=successor,
        version=F("version") + 1,
    )
    org.refresh_from_db()
    unit_dated.send(sender=Organization, org=org, before=before)


def record_decision(
    org: Organization, kind: str, decision: Decision, **details: Any
) -> OrgDecision:
    return _record_decision(org, kind, decision, **details)
