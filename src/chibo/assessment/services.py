"""Every write of the quality classification, each in one transaction with its audit row.

The caller has checked the scope: opening a campaign needs write scope over `org`; the
subject (or its secretary) self-assesses; the advisory body appraises; the competent level
decides; the level above the decider re-rates (see the later views). Each step checks its
rule (`rules`) and refuses with the reason, writing nothing.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.core.audit import audit_record
from chibo.core.errors import RuleViolation, StaleEdit
from chibo.members.models import LIVE_STATUSES, Member
from chibo.orgs.kinds import CELL_KINDS, GRASSROOTS_KINDS
from chibo.orgs.models import Organization

from . import rules
from .models import Assessment, AssessmentStatus, Campaign, LeaderTitle, PeriodKind, SubjectKind
from .rules import ASSESSED_KINDS, Level, RuleSet

BATCH = 1000
# Units and members are numbered this far apart, so that a unit's leaders, added later,
# take the places right after it (`leader_add`).
ORDER_GAP = 100
_FIELDS = [
    "status",
    "self_level",
    "self_general",
    "self_results",
    "self_total",
    "downgraded",
    "proposed_level",
    "disciplined",
    "level",
    "previous_level",
    "cancelled_reason",
]


def _changes(a: Assessment, before: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before[k], getattr(a, k)] for k in _FIELDS if before[k] != getattr(a, k)}


def _before(a: Assessment) -> dict[str, Any]:
    return {k: getattr(a, k) for k in _FIELDS}


def _lock(assessment: Assessment, version: int | None) -> Assessment:
    fresh = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("campaign", "org", "member")
        .get(pk=assessment.pk)
    )
    if version is not None and fresh.version != version:
        raise StaleEdit(
            _("This record was changed by someone else after you opened it. Reload and try again.")
        )
    if not fresh.campaign.is_open:
        raise RuleViolation(_("The classification campaign is closed."))
    return fresh


def _expect(a: Assessment, statuses: list[str], what: str) -> None:
    if a.status not in statuses:
        raise RuleViolation(
            _("%(what)s is not possible at this step (%(status)s).")
            % {"what": what, "status": AssessmentStatus(a.status).label}
        )


def _save(
    actor: Any, a: Assessment, before: dict[str, Any], action: str, fields: list[str]
) -> None:
    a.version += 1
    a.save(update_fields=[*fields, "version", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        obj=a,
        org_id=a.org_id,
        changes=_changes(a, before),
    )


def _overlapping(org: Organization) -> Q:
    """Campaigns whose subtree shares units with `org`'s: an ancestor's, its own, a descendant's."""
    return Q(org__path__in=[*org.ancestor_paths(), org.path]) | Q(org__path__startswith=org.path)


@transaction.atomic
def campaign_open(
    *,
    actor: Any,
    org: Organization,
    year: int,
    rule_set: str,
    period_kind: str = PeriodKind.YEAR,
    quarter: int | None = None,
    opened_on: dt.date | None = None,
) -> Campaign:
    """Open the classification of `org`'s subtree for one period and return the campaign.

    Creates, in bulk and in working order, one assessment per live grassroots organization
    or cell of the subtree and one per live member: deeper units first, each unit before its
    members. Refuses (writing nothing) a period that an open or closed campaign of this
    unit, an ancestor or a descendant already covers, so a subject is classified once.
    """
    org = Organization.objects.select_for_update().get(pk=org.pk)
    if rule_set not in RuleSet.values:
        raise RuleViolation(_("Choose the rules of the classification."), field="rule_set")
    if period_kind not in PeriodKind.values:
        raise RuleViolation(_("Choose the period."), field="period_kind")
    if period_kind == PeriodKind.QUARTER:
        if quarter not in (1, 2, 3, 4):
            raise RuleViolation(_("Choose the quarter (1 to 4)."), field="quarter")
    else:
        quarter = None
    if not org.is_active:
        raise RuleViolation(_("The unit is dissolved."))
    if org.kind not in rules.OPENING_KINDS:
        raise RuleViolation(
            _("A classification is opened by a committee or a grassroots cell, not by %(org)s.")
            % {"org": org.name}
        )
    same_period = Campaign.objects.filter(year=year, period_kind=period_kind, quarter=quarter)
    if same_period.filter(_overlapping(org)).exists():
        raise RuleViolation(
            _("A classification for this period already covers %(org)s.") % {"org": org.name},
            field="year",
        )
    campaign = Campaign.objects.create(
        org=org,
        year=year,
        period_kind=period_kind,
        quarter=quarter,
        rule_set=rule_set,
        opened_on=opened_on or timezone.localdate(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    units = list(
        Organization.objects.filter(
            path__startswith=org.path,
            status=Organization.Status.ACTIVE,
            kind__in=ASSESSED_KINDS,
        )
        .order_by("-depth", "path")
        .values_list("id", "path")
    )
    members: dict[int, list[int]] = {}
    member_paths: dict[int, str] = {}
    for member_id, org_id, path in (
        Member.objects.filter(org__path__startswith=org.path, status__in=LIVE_STATUSES)
        .order_by("org__path", "sort_key", "id")
        .values_list("id", "org_id", "org__path")
    ):
        members.setdefault(org_id, []).append(member_id)
        member_paths[org_id] = path
    rows: list[Assessment] = []

    def add(org_id: int, path: str, member_id: int | None) -> None:
        rows.append(
            Assessment(
                campaign=campaign,
                subject_kind=SubjectKind.MEMBER if member_id else SubjectKind.ORG,
                org_id=org_id,
                org_path=path,
                member_id=member_id,
                order=(len(rows) + 1) * ORDER_GAP,
            )
        )

    for unit_id, path in units:
        add(unit_id, path, None)
        for member_id in members.pop(unit_id, []):
            add(unit_id, path, member_id)
    # Members kept by a unit that is not itself assessed (e.g. a dissolved cell) come last.
    for org_id, ids in sorted(members.items(), key=lambda kv: member_paths[kv[0]]):
        for member_id in ids:
            add(org_id, member_paths[org_id], member_id)
    Assessment.objects.bulk_create(rows, batch_size=BATCH)
    audit_record(
        actor=actor,
        action="assessment.campaign_open",
        obj=campaign,
        org_id=org.pk,
        changes={
            "year": year,
            "period_kind": period_kind,
            "quarter": quarter,
            "rule_set": rule_set,
            "units": len(units),
            "members": sum(1 for r in rows if r.member_id),
        },
        label=f"{org.code} {campaign}",
    )
    return campaign


@transaction.atomic
def self_assess(
    *,
    actor: Any,
    assessment: Assessment,
    level: str,
    general: int | None = None,
    results: int | None = None,
    version: int | None = None,
) -> Assessment:
    """Record the subject's self-assessment (tự đánh giá); may be redone until appraised.

    With the 2025 rules the score parts are required and the level must match the score,
    except a lower level, which is kept as a voluntary downgrade (`downgraded`).
    """
    a = _lock(assessment, version)
    _expect(a, [AssessmentStatus.NOT_STARTED, AssessmentStatus.SELF_ASSESSED], _("Self-assessment"))
    level = rules.check_level(level)
    before = _before(a)
    if a.campaign.rule_set == RuleSet.SCORE_2025:
        total = rules.check_score(general, results)
        a.downgraded = rules.check_level_matches_score(level, total, self_assessment=True)
        a.self_general, a.self_results, a.self_total = general, results, total
    else:
        if general is not None or results is not None:
            raise RuleViolation(_("These rules give no score; choose the level only."))
        a.downgraded = False
        a.self_general = a.self_results = a.self_total = None
    a.self_level = level
    a.status = AssessmentStatus.SELF_ASSESSED
    a.self_assessed_at = timezone.now()
    fields = ["self_level", "self_general", "self_results", "self_total", "downgraded"]
    _save(actor, a, before, "assessment.self_assess", [*fields, "status", "self_assessed_at"])
    return a


@transaction.atomic
def appraise(
    *,
    actor: Any,
    assessment: Assessment,
    proposed_level: str,
    disciplined: bool = False,
    version: int | None = None,
) -> Assessment:
    """The advisory body's appraisal: the proposed level, and whether the member was
    disciplined in the year (then only `not_complete` may be proposed). May be redone until
    decided."""
    a = _lock(assessment, version)
    _expect(a, [AssessmentStatus.SELF_ASSESSED, AssessmentStatus.APPRAISED], _("Appraisal"))
    proposed_level = rules.check_level(proposed_level, field="proposed_level")
    if a.is_person:
        rules.check_disciplined(proposed_level, disciplined=disciplined)
    before = _before(a)
    a.proposed_level = proposed_level
    a.disciplined = bool(disciplined) and a.is_person
    a.status = AssessmentStatus.APPRAISED
    a.appraised_at = timezone.now()
    _save(
        actor,
        a,
        before,
        "assessment.appraise",
        ["proposed_level", "disciplined", "status", "appraised_at"],
    )
    return a


def _grassroots_path(a: Assessment) -> str:
    """The path of the grassroots organization the member's unit belongs to (or the unit's)."""
    paths = [*a.org.ancestor_paths(), a.org.path]
    found = (
        Organization.objects.filter(path__in=paths, kind__in=GRASSROOTS_KINDS)
        .order_by("-depth")
        .values_list("path", flat=True)
        .first()
    )
    return found or a.org.path


def _check_rules(a: Assessment, level: str) -> None:
    """Rules (a)–(c) for `a` rated `level`, counting the other decided rows of the campaign."""
    decided = Assessment.objects.filter(
        campaign_id=a.campaign_id, status=AssessmentStatus.DECIDED
    ).exclude(pk=a.pk)
    if a.is_member:
        rules.check_disciplined(level, disciplined=a.disciplined)
        others = list(
            decided.filter(
                subject_kind=SubjectKind.MEMBER, org_path__startswith=_grassroots_path(a)
            ).values_list("level", flat=True)
        )
        levels = [*others, level]
        rules.check_excellent_share(levels.count(Level.EXCELLENT), levels.count(Level.GOOD))
    elif a.is_leader:
        rules.check_disciplined(level, disciplined=a.disciplined)
    elif a.org.kind in CELL_KINDS:
        members = Assessment.objects.filter(
            campaign_id=a.campaign_id, subject_kind=SubjectKind.MEMBER, org_id=a.org_id
        )
        waiting = members.exclude(status=AssessmentStatus.DECIDED).count()
        if waiting:
            raise RuleViolation(
                _("%(n)d member(s) of the cell are not yet classified; decide them first.")
                % {"n": waiting}
            )
        rules.check_cell_level(level, members.values_list("level", flat=True))


@transaction.atomic
def decide(
    *, actor: Any, assessment: Assessment, level: str, version: int | None = None
) -> Assessment:
    """The competent level's decision. Checks, for a member: (c) discipline and (a) the share
    of excellent members in their grassroots organization, this decision included; for a
    cell: every member decided first, then (b) against their levels."""
    a = _lock(assessment, version)
    _expect(a, [AssessmentStatus.APPRAISED], _("The decision"))
    level = rules.check_level(level)
    _check_rules(a, level)
    before = _before(a)
    a.level = level
    a.status = AssessmentStatus.DECIDED
    a.decided_by = actor if getattr(actor, "pk", None) else None
    a.decided_at = timezone.now()
    _save(actor, a, before, "assessment.decide", ["level", "status", "decided_by", "decided_at"])
    return a


@transaction.atomic
def rerate(
    *, actor: Any, assessment: Assessment, level: str, reason: str, version: int | None = None
) -> Assessment:
    """The level above cancels a decision and rates again (the caller checks that scope).

    Keeps the replaced level in `previous_level` and the reason; the same rules hold.
    """
    a = _lock(assessment, version)
    _expect(a, [AssessmentStatus.DECIDED], _("Re-rating"))
    level = rules.check_level(level)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Give the reason for re-rating."), field="reason")
    if level == a.level:
        raise RuleViolation(_("The new level is the same as the decided one."), field="level")
    _check_rules(a, level)
    before = _before(a)
    a.previous_level = a.level
    a.level = level
    a.cancelled_reason = reason
    a.rerated_by = actor if getattr(actor, "pk", None) else None
    a.rerated_at = timezone.now()
    _save(
        actor,
        a,
        before,
        "assessment.rerate",
        ["previous_level", "level", "cancelled_reason", "rerated_by", "rerated_at"],
    )
    return a


@transaction.atomic
def leader_add(
    *, actor: Any, campaign: Campaign, unit: Organization, member: Member, title: str
) -> Assessment:
    """Add a leader of `unit` to the campaign: rated as such after the unit, by the level
    that rates the unit, besides their own rating as a member. The leader is a live member
    of the unit's subtree; the unit is assessed in the campaign."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_open:
        raise RuleViolation(_("The classification campaign is closed."))
    if title not in LeaderTitle.values:
        raise RuleViolation(_("Choose the leader's post."), field="title")
    unit_row = Assessment.objects.filter(
        campaign=campaign, org=unit, subject_kind=SubjectKind.ORG
    ).first()
    if unit_row is None:
        raise RuleViolation(
            _("%(org)s is not assessed in this classification.") % {"org": unit.name}
        )
    if member.status not in LIVE_STATUSES or not member.org.path.startswith(unit.path):
        raise RuleViolation(
            _("A leader of %(org)s must be a member of it or of a unit below it.")
            % {"org": unit.name},
            field="member",
        )
    leaders = Assessment.objects.filter(
        campaign=campaign, org=unit, subject_kind=SubjectKind.LEADER
    )
    if leaders.filter(member=member).exists():
        raise RuleViolation(
            _("%(name)s is already rated as a leader of %(org)s.")
            % {"name": member.full_name, "org": unit.name},
            field="member",
        )
    taken = leaders.count()
    if taken >= ORDER_GAP - 1:
        raise RuleViolation(_("No more leaders can be added to this unit."))
    a = Assessment.objects.create(
        campaign=campaign,
        subject_kind=SubjectKind.LEADER,
        org=unit,
        org_path=unit.path,
        member=member,
        leader_title=title,
        order=unit_row.order + taken + 1,
    )
    audit_record(
        actor=actor,
        action="assessment.leader_add",
        obj=a,
        org_id=unit.pk,
        changes={"member": member.member_code, "title": title},
        label=f"{unit.code} {member.member_code}",
    )
    return a


@transaction.atomic
def leader_remove(*, actor: Any, assessment: Assessment) -> None:
    """Take a leader off the campaign before anything was recorded for them."""
    a = _lock(assessment, None)
    if not a.is_leader:
        raise RuleViolation(_("Only a leader's assessment can be removed."))
    _expect(a, [AssessmentStatus.NOT_STARTED], _("Removing the leader"))
    audit_record(
        actor=actor,
        action="assessment.leader_remove",
        obj=a,
        org_id=a.org_id,
        changes={"member": a.member.member_code if a.member else None},
        label=f"{a.org.code} {a.member.member_code if a.member else ''}",
    )
    a.delete()


def paths_follow_the_tree(*, old_path: str, new_path: str, **kwargs: Any) -> None:
    """A subtree moved: the assessments' copy of their unit's path moves with it."""
    Assessment.objects.filter(org_path__startswith=old_path).update(
        org_path=Concat(Value(new_path), Substr("org_path", len(old_path) + 1))
    )


@transaction.atomic
def campaign_close(*, actor: Any, campaign: Campaign) -> Campaign:
    """Close the campaign: its rows are then read-only. Rows not yet decided stay
    unclassified (the audit row counts them); the reports count what was decided."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_open:
        raise RuleViolation(_("The classification campaign is closed."))
    undecided = campaign.assessments.exclude(status=AssessmentStatus.DECIDED).count()
    campaign.status = Campaign.Status.CLOSED
    campaign.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="assessment.campaign_close",
        obj=campaign,
        org_id=campaign.org_id,
        changes={"status": [Campaign.Status.OPEN, Campaign.Status.CLOSED], "undecided": undecided},
        label=f"{campaign.org.code} {campaign}",
    )
    return campaign
