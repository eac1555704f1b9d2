"""Reads of the quality classification: a campaign's progress and the counts per level.

The caller passes an organization already within the user's scope (see `accounts.access`);
every read here stays within that organization's subtree.
"""

from collections import Counter
from typing import Any

from django.db.models import Count, QuerySet

from chibo.core.percent import percent_str
from chibo.orgs.kinds import Kind
from chibo.orgs.models import Organization

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


def _progress_row(org: Organization, status: str | None, c: Counter[str]) -> dict[str, Any]:
    return {
        "org": org,
        "status": status,
        "counts": {s: c.get(s, 0) for s in AssessmentStatus.values},
        "total": sum(c.values()),
    }


def levels_dict(levels: list[str]) -> dict[str, Any]:
    """The INTERCHANGE `levels` dict for a list of levels ('' = not yet classified)."""
    c = Counter(levels)
    classified = sum(c[lv] for lv in Level.values)
    good_or_better = sum(c[lv] for lv in GOOD_OR_BETTER)
    return {
        "excellent": c[Level.EXCELLENT],
        "good": c[Level.GOOD],
        "complete": c[Level.COMPLETE],
        "not_complete": c[Level.NOT_COMPLETE],
        "unclassified": len(levels) - classified,
        "good_or_better_percent": percent_str(good_or_better, classified),
        "excellent_percent": percent_str(c[Level.EXCELLENT], classified),
    }


def classification_levels(org: Organization, year: int) -> dict[str, Any]:
    """The year's classification of `org`'s subtree, counted per level.

    `{"org": code, "year": y, "units_by_kind": {kind: levels}, "grassroots": levels,
    "members": levels}` where `levels` is INTERCHANGE's dict; a subject counts as classified
    once decided (re-rated subjects count at their new level), otherwise as unclassified.
    Reads the yearly campaigns (a subject is in at most one per period). One query.
    """
    rows = (
        Assessment.objects.filter(
            campaign__year=year,
            campaign__period_kind=PeriodKind.YEAR,
            org_path__startswith=org.path,
        )
        .order_by()
        .values_list("subject_kind", "org__kind", "status", "level")
    )
    by_kind: dict[str, list[str]] = {k: [] for k in Kind.values if k in ASSESSED_KINDS}
    members: list[str] = []
    for subject, kind, status, level in rows:
        value = level if status == AssessmentStatus.DECIDED else ""
        if subject == SubjectKind.MEMBER:
            members.append(value)
        else:
            by_kind.setdefault(kind, []).append(value)
    grassroots = [v for k in (Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL) for v in by_kind[k]]
    return {
        "org": org.code,
        "year": year,
        "units_by_kind": {k: levels_dict(v) for k, v in by_kind.items()},
        "grassroots": levels_dict(grassroots),
        "members": levels_dict(members),
    }
