"""Merging, splitting and dissolving units: the tree changes and the members move with it.

Members move by `transferred` events carrying the decision number, so every member's
history says when and why they changed unit, and no member is lost or counted twice.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from chibo.core.audit import audit_record
from chibo.core.errors import RuleViolation
from chibo.orgs import services as org_services
from chibo.orgs.kinds import ALLOWED_PARENTS
from chibo.orgs.models import Organization, OrgDecision
from chibo.orgs.services import Decision, mark_dissolved, org_establish, record_decision

from ..models import LIVE_STATUSES, EventKind, Member
from ..stats import affected_by_move, stats_rebuild
from .events import event_record


def _reparent(child: Organization, target: Organization) -> None:
    """Re-hang a subunit and correct the summary rows of the units whose subtree changed."""
    old_parent = child.parent
    org_services.reparent(child, target)
    target.refresh_from_db()
    stats_rebuild(org_ids=affected_by_move(old_parent, target))


@transaction.atomic
def org_move(
    *, actor: Any, org: Organization, new_parent: Organization, decision: Decision
) -> Organization:
    """Move a unit with its subtree (orgs.services.org_move) and correct the summary rows."""
    old_parent = org.parent
    moved = org_services.org_move(actor=actor, org=org, new_parent=new_parent, decision=decision)
    new_parent.refresh_from_db()
    stats_rebuild(org_ids=affected_by_move(old_parent, new_parent))
    return moved


def _live_members(org: Organization) -> list[Member]:
    return list(Member.objects.filter(org=org, status__in=LIVE_STATUSES).order_by("pk"))


def _active_children(org: Organization) -> list[Organization]:
    return list(Organization.objects.filter(parent=org, status=Organization.Status.ACTIVE))


def _move_contents(
    actor: Any, source: Organization, target: Organization, decision: Decision, why: str
) -> int:
    """Transfer the source's live members to target and re-hang its active children; returns members moved."""
    members = _live_members(source)
    if members and not target.is_cell:
        raise RuleViolation(
            _("%(unit)s has members; they can only go to a cell.") % {"unit": source.name}
        )
    for member in members:
        event_record(
            actor=actor,
            member=member,
            kind=EventKind.TRANSFERRED,
            date=decision.date,
            org=target,
            decision_no=decision.number,
            decided_by=decision.issuer,
            reason=why,
        )
    for child in _active_children(source):
        if target.kind not in ALLOWED_PARENTS[child.kind]:
            raise RuleViolation(
                _("%(child)s cannot be placed under %(target)s.")
                % {"child": child.name, "target": target.name}
            )
        _reparent(child, target)
    return len(members)


@transaction.atomic
def org_merge(
    *, actor: Any, sources: list[Organization], target: Organization, decision: Decision
) -> Organization:
    """Merge `sources` into `target`: members and subunits move to it, sources are dissolved."""
    decision.check()
    target = Organization.objects.select_for_update().get(pk=target.pk)
    if not target.is_active:
        raise RuleViolation(_("The receiving unit has been dissolved."))
    if not sources:
        raise RuleViolation(_("Choose at least one unit to merge."))
    moved = 0
    for source in sources:
        source = Organization.objects.select_for_update().get(pk=source.pk)
        if source.pk == target.pk or target.path.startswith(source.path):
            raise RuleViolation(
                _("A unit cannot be merged into itself or into one of its subunits.")
            )
        if not source.is_active:
            raise RuleViolation(_("%(unit)s has already been dissolved.") % {"unit": source.name})
        moved += _move_contents(actor, source, target, decision, str(_("Merger of units")))
        mark_dissolved(source, day=decision.date, successor=target)
        record_decision(source, OrgDecision.Kind.MERGED, decision, into=target.code)
        audit_record(
            actor=actor,
            action="org.merge",
            obj=source,
            org_id=source.pk,
            changes={"into": target.code},
        )
    record_decision(
        target,
        OrgDecision.Kind.MERGED,
        decision,
        sources=[s.code for s in sources],
        members_moved=moved,
    )
    return target


@transaction.atomic
def org_split(
    *,
    actor: Any,
    source: Organization,
    parts: list[dict[str, str]],
    allocation: dict[int, int],
    decision: Decision,
) -> list[Organization]:
    """Split `source` into new sibling units of the same kind, then dissolve it.

    `parts` are {code, name, sector?}; `allocation` maps each live member id (for a cell)
    or each active child unit id (for a committee) to the index of the part it goes to.
    Everything must be allocated: nothing may be left behind in a dissolved unit.
    """
    decision.check()
    source = Organization.objects.select_for_update().get(pk=source.pk)
    if not source.is_active:
        raise RuleViolation(_("A dissolved unit cannot be split."))
    if source.parent is None:
        raise RuleViolation(_("The top unit cannot be split."))
    if len(parts) < 2:
        raise RuleViolation(_("A split needs at least two new units."))
    members = _live_members(source)
    children = _active_children(source)
    expected = {m.pk for m in members} | {c.pk for c in children}
    if set(allocation) != expected:
        raise RuleViolation(
            _("Every member and subunit must be allocated to one of the new units.")
        )
    if any(i < 0 or i >= len(parts) for i in allocation.values()):
        raise RuleViolation(_("A member or subunit is allocated to a unit that does not exist."))
    new_units = [
        org_establish(
            actor=actor,
            parent=source.parent,
            code=p.get("code", ""),
            name=p.get("name", ""),
            kind=source.kind,
            sector=p.get("sector") or source.sector,
            decision=decision,
        )
        for p in parts
    ]
    why = str(_("Split of %(unit)s") % {"unit": source.name})
    for member in members:
        event_record(
            actor=actor,
            member=member,
            kind=EventKind.TRANSFERRED,
            date=decision.date,
            org=new_units[allocation[member.pk]],
            decision_no=decision.number,
            decided_by=decision.issuer,
            reason=why,
        )
    for child in children:
        target = new_units[allocation[child.pk]]
        target.refresh_from_db()
        _reparent(child, target)
    mark_dissolved(source, day=decision.date)
    record_decision(source, OrgDecision.Kind.SPLIT, decision, into=[u.code for u in new_units])
    audit_record(
        actor=actor,
        action="org.split",
        obj=source,
        org_id=source.pk,
        changes={"into": [u.code for u in new_units]},
    )
    return new_units


@transaction.atomic
def org_dissolve(
    *, actor: Any, org: Organization, decision: Decision, destination: Organization | None = None
) -> Organization:
    """Dissolve a unit. Its live members and active subunits go to `destination`, which
    is required when there are any."""
    decision.check()
    org = Organization.objects.select_for_update().get(pk=org.pk)
    if not org.is_active:
        raise RuleViolation(_("The unit has already been dissolved."))
    if org.parent is None:
        raise RuleViolation(_("The top unit cannot be dissolved."))
    has_contents = bool(_live_members(org) or _active_children(org))
    if has_contents and destination is None:
        raise RuleViolation(_("The unit still has members or subunits: choose where they go."))
    if destination is not None:
        if destination.path.startswith(org.path):
            raise RuleViolation(
                _("The members cannot go to the unit being dissolved or its subunits.")
            )
        if not destination.is_active:
            raise RuleViolation(_("The receiving unit has been dissolved."))
        _move_contents(actor, org, destination, decision, str(_("Dissolution of the unit")))
    mark_dissolved(org, day=decision.date, successor=destination)
    record_decision(
        org,
        OrgDecision.Kind.DISSOLVED,
        decision,
        destination=destination.code if destination else None,
    )
    audit_record(
        actor=actor,
        action="org.dissolve",
        obj=org,
        org_id=org.pk,
        changes={"destination": destination.code if destination else None},
    )
    return org
