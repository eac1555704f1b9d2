"""Reads of the quality classification: a campaign's progress and the counts per level.

The caller passes an organization already within the user's scope (see `accounts.access`);
every read here stays within that organization's subtree.
"""

from collections import Counter
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from chibo.core.percent import percent_str
from chibo.core.scope import Scope
from chibo.members.models import LIVE_STATUSES, Member
from chibo.orgs.kinds import GRASSROOTS_KINDS, Kind
from chibo.orgs.models import STEP_LENGTH, Organization

from .models import Assessment, AssessmentStatus, Campaign, PeriodKind, SubjectKind
from .rules import ASSESSED_KINDS, GOOD_OR_BETTER, Level


def campaign_assessments(
    campaign: Campaign, org: Organization | None = None
) -> QuerySet[Assessment]:
    """The campaign's rows in working order, within `org`'s subtree when given."""
    qs = Assessment.objects.filter(campaign=campaign).select_related("org", "member")
    if org is not None:
        qs = qs.filter(org_path__startswith=org.path)
    return qs.order_by("order")


def campaign_progress(campaign: Campaign, org: Organization | None = None) -> list[dict[str, Any]]:
    """Per assessed unit, in working order: its own status and its rows counted per status.

    `[{"org": Organization, "status": <the unit's own status or None>, "counts":
    {"not_started": n, "self_assessed": n, "appraised": n, "decided": n}, "total": n}]`
    (the counts take the unit's row and its members' rows). Two queries.
    """
    rows = campaign_assessments(campaign, org)
    counts: dict[int, Counter[str]] = {}
    for org_id, status, n in (
        rows.order_by().values_list("org_id", "status").annotate(n=Count("id"))
    ):
        counts.setdefault(org_id, Counter())[status] += n
    result = []
    for a in rows.filter(subject_kind=SubjectKind.ORG):
        c = counts.pop(a.org_id, Counter())
        result.append(_progress_row(a.org, a.status, c))
    if counts:  # members kept by a unit that is not itself assessed
        for unit in Organization.objects.filter(pk__in=counts).order_by("path"):
            result.append(_progress_row(unit, None, counts[unit.pk]))
    return result


def progress_by_child(campaign: Campaign, org: Organization) -> list[dict[str, Any]]:
    """The campaign seen from `org`: per direct child unit with rows below it, the rows of
    its whole subtree counted per status (`{"org", "counts", "total", "decided_percent"}`,
    in tree order). Two queries, however large the subtree."""
    width = len(org.path) + STEP_LENGTH
    grouped: dict[str, Counter[str]] = {}
    for head, status, n in (
        Assessment.objects.filter(campaign=campaign, org_path__startswith=org.path)
        .exclude(org_path=org.path)
        .annotate(head=Substr("org_path", 1, width))
        .order_by()
        .values_list("head", "status")
        .annotate(n=Count("id"))
    ):
        grouped.setdefault(head, Counter())[status] += n
    units = Organization.objects.filter(path__in=grouped).order_by("path")
    rows = []
    for unit in units:
        row = _progress_row(unit, None, grouped[unit.path])
        row["decided_percent"] = percent_str(row["counts"]["decided"], row["total"])
        rows.append(row)
    return rows


def _progress_row(org: Organization, status: str | None, c: Counter[str]) -> dict[str, Any]:
    return {
        "org": org,
        "status": status,
        "counts": {s: c.get(s, 0) for s in AssessmentStatus.values},
        "total": sum(c.values()),
    }


def levels_dict(counts: Counter[str]) -> dict[str, Any]:
    """The INTERCHANGE `levels` dict from {level: n} ('' = not yet classified)."""
    classified = sum(counts[lv] for lv in Level.values)
    good_or_better = sum(counts[lv] for lv in GOOD_OR_BETTER)
    return {
        "excellent": counts[Level.EXCELLENT],
        "good": counts[Level.GOOD],
        "complete": counts[Level.COMPLETE],
        "not_complete": counts[Level.NOT_COMPLETE],
        "unclassified": sum(counts.values()) - classified,
        "good_or_better_percent": percent_str(good_or_better, classified),
        "excellent_percent": percent_str(counts[Level.EXCELLENT], classified),
    }


def classification_levels(org: Organization, year: int) -> dict[str, Any]:
    """The year's classification of `org`'s subtree, counted per level.

    `{"org": code, "year": y, "units_by_kind": {kind: levels}, "grassroots": levels,
    "members": levels}` where `levels` is INTERCHANGE's dict; a subject counts as classified
    once decided (re-rated subjects count at their new level), otherwise as unclassified.
    Leaders' ratings are not counted (they count among the members). Reads the yearly
    campaigns (a subject is in at most one per period). One grouped query.
    """
    rows = (
        Assessment.objects.filter(
            campaign__year=year,
            campaign__period_kind=PeriodKind.YEAR,
            org_path__startswith=org.path,
        )
        .exclude(subject_kind=SubjectKind.LEADER)
        .values_list("subject_kind", "org__kind", "status", "level")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_kind: dict[str, Counter[str]] = {k: Counter() for k in Kind.values if k in ASSESSED_KINDS}
    members: Counter[str] = Counter()
    for subject, kind, status, level, n in rows:
        value = level if status == AssessmentStatus.DECIDED else ""
        if subject == SubjectKind.MEMBER:
            members[value] += n
        else:
            by_kind.setdefault(kind, Counter())[value] += n
    grassroots = by_kind[Kind.GRASSROOTS_COMMITTEE] + by_kind[Kind.GRASSROOTS_CELL]
    # (Counter addition drops zero counts, which the dict does not need)
    return {
        "org": org.code,
        "year": year,
        "units_by_kind": {k: levels_dict(v) for k, v in by_kind.items()},
        "grassroots": levels_dict(grassroots),
        "members": levels_dict(members),
    }


# --- who may see and take which step ---------------------------------------------------------
#
# Reading an assessment needs its unit in the read scope (a member reads their own in the
# handbook). The subject self-assesses: the member themself, or whoever keeps their cell's
# records (its secretary, a clerk above) on their behalf; a unit through its secretary or a
# clerk above. The advisory body appraises: for a member the cell (its secretary or a clerk
# above), for a unit the committee that decides. The competent level decides: a member's
# grassroots organization, a unit's parent committee. The level above the decider re-rates.


def campaigns_for(scope: Scope, org: Organization) -> QuerySet[Campaign]:
    """The campaigns that cover `org` (opened by it or a unit above) or a unit below it."""
    if not scope.can_read_path(org.path):
        return Campaign.objects.none()
    return (
        Campaign.objects.filter(
            Q(org__path__in=[*org.ancestor_paths(), org.path]) | Q(org__path__startswith=org.path)
        )
        .select_related("org")
        .order_by("-year", "-quarter", "org__path")
    )


def campaign_get(scope: Scope, campaign_id: int, org: Organization) -> Campaign:
    """The campaign, seen from `org` (in the read scope): it must cover `org` or a unit below
    it. 404 otherwise."""
    found = campaigns_for(scope, org).filter(pk=campaign_id).first()
    if found is None:
        raise Http404
    return found


def campaign_to_write(scope: Scope, campaign_id: int) -> Campaign:
    """The campaign if the user writes the unit that opened it (to close it); 404 otherwise."""
    found = Campaign.objects.select_related("org").filter(pk=campaign_id).first()
    if found is None or not scope.can_write_path(found.org.path):
        raise Http404
    return found


def assessment_get(scope: Scope, assessment_id: int) -> Assessment:
    """One assessment whose unit is in the read scope; 404 otherwise."""
    found = (
        Assessment.objects.select_related("campaign", "campaign__org", "org", "member")
        .filter(pk=assessment_id)
        .first()
    )
    if found is None or not scope.can_read_path(found.org_path):
        raise Http404
    return found


def deciding_unit(a: Assessment) -> Organization:
    """The competent level: a member's grassroots organization, a unit's parent committee
    (the root unit decides its own)."""
    if a.is_member:
        paths = [*a.org.ancestor_paths(), a.org.path]
        found = (
            Organization.objects.filter(path__in=paths, kind__in=GRASSROOTS_KINDS)
            .order_by("-depth")
            .first()
        )
        return found or a.org.parent or a.org
    return a.org.parent or a.org


def can_self_assess(scope: Scope, a: Assessment) -> bool:
    if a.is_person and scope.member_id is not None and scope.member_id == a.member_id:
        return True
    return scope.can_keep_cell_path(a.org_path)


def can_appraise(scope: Scope, a: Assessment) -> bool:
    if a.is_member:
        return scope.can_keep_cell_path(a.org_path)
    return scope.can_write_path(deciding_unit(a).path)


def can_decide(scope: Scope, a: Assessment) -> bool:
    return scope.can_write_path(deciding_unit(a).path)


def can_rerate(scope: Scope, a: Assessment) -> bool:
    above = deciding_unit(a).parent
    return above is not None and scope.can_write_path(above.path)


def own_assessments(member: Member) -> QuerySet[Assessment]:
    """The member's own assessments, newest period first (the handbook shows these only)."""
    return (
        Assessment.objects.filter(member=member)
        .select_related("campaign", "campaign__org", "org")
        .order_by("-campaign__year", "-campaign__quarter", "-campaign_id")
    )


def leaders_of(campaign: Campaign, org: Organization) -> QuerySet[Assessment]:
    """The unit's leaders rated in the campaign, in their order."""
    return (
        Assessment.objects.filter(campaign=campaign, org=org, subject_kind=SubjectKind.LEADER)
        .select_related("member")
        .order_by("order")
    )


def can_name_leaders(scope: Scope, org: Organization) -> bool:
    """Who names a unit's leaders: those who keep its records (a cell's secretary too)."""
    return scope.can_keep_cell_path(org.path)


def leader_candidate(org: Organization, code: str) -> Member | None:
    """The live member with this code in the unit's subtree (the caller keeps the unit)."""
    return (
        Member.objects.filter(
            member_code=code.strip(), org__path__startswith=org.path, status__in=LIVE_STATUSES
        )
        .select_related("org")
        .first()
    )
