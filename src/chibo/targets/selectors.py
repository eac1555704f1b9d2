"""Reads of targets and of what they are measured against.

A year's admissions target of a unit is its target for that year, else the yearly
average of a term that covers the year (the shortest such term, if several do).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from chibo.core.scope import Scope
from chibo.members.models import EventKind, MemberEvent
from chibo.orgs.models import Organization

from .models import Metric, Target


def _covering(org_ids: Iterable[int], metric: str, years: range, segment: str = "") -> QuerySet:
    return Target.objects.filter(
        org_id__in=list(org_ids),
        metric=metric,
        segment=segment,
        first_year__lte=years[-1],
        last_year__gte=years[0],
    )


def yearly_targets(
    org_ids: Iterable[int], metric: str, years: range, segment: str = ""
) -> dict[int, dict[int, Decimal]]:
    """{org_id: {year: value}} for the years that have a target (own or from a term)."""
    ids = list(org_ids)
    out: dict[int, dict[int, Decimal]] = {pk: {} for pk in ids}
    if not ids or not years:
        return out
    best: dict[tuple[int, int], tuple[int, Decimal]] = {}  # (org, year) → (span, value)
    for t in _covering(ids, metric, years, segment):
        span = t.last_year - t.first_year
        for year in range(max(t.first_year, years[0]), min(t.last_year, years[-1]) + 1):
            known = best.get((t.org_id, year))
            if known is None or span < known[0]:
                best[(t.org_id, year)] = (span, t.value)
    for (org_id, year), (_span, value) in best.items():
        out[org_id][year] = value
    return out


def _years(start: dt.date, end: dt.date) -> range:
    return range(start.year, end.year + 1)


def admission_target(
    org: Organization, start: dt.date, end: dt.date, segment: str = ""
) -> int | None:
    """The sum of the unit's admissions targets for the years the period covers (None if none)."""
    values = yearly_targets([org.pk], Metric.ADMISSIONS, _years(start, end), segment)[org.pk]
    return int(sum(values.values())) if values else None


def admission_targets(orgs: Iterable[Organization], year: int) -> dict[int, int | None]:
    """Each unit's admissions target (all segments) for the year."""
    found = yearly_targets([o.pk for o in orgs], Metric.ADMISSIONS, range(year, year + 1))
    return {pk: (int(v[year]) if year in v else None) for pk, v in found.items()}


def segment_targets(org: Organization, year: int) -> dict[str, int]:
    """{segment: admissions target} of the unit for the year, for the segments that have one."""
    segments = (
        Target.objects.filter(
            org=org, metric=Metric.ADMISSIONS, first_year__lte=year, last_year__gte=year
        )
        .exclude(segment="")
        .values_list("segment", flat=True)
        .distinct()
    )
    out = {}
    for segment in segments:
        value = yearly_targets([org.pk], Metric.ADMISSIONS, range(year, year + 1), segment)
        if year in value[org.pk]:
            out[segment] = int(value[org.pk][year])
    return out


def good_or_better_target(org: Organization, year: int) -> Decimal | None:
    found = yearly_targets([org.pk], Metric.GOOD_OR_BETTER, range(year, year + 1))[org.pk]
    return found.get(year)


def admitted_by_segment(org: Organization, start: dt.date, end: dt.date) -> dict[str, int]:
    """Admissions in the subtree in the period by the member's occupation ('' when unknown).

    The occupation is the one recorded on the member now: Chibo does not keep a history of
    occupations, and at admission it is the one the dossier gave.
    """
    rows = (
        MemberEvent.objects.filter(
            kind=EventKind.ADMITTED,
            voided_by__isnull=True,
            date__gte=start,
            date__lte=end,
            org__path__startswith=org.path,
        )
        .values("member__occupation")
        .annotate(n=Count("id"))
    )
    out: dict[str, int] = defaultdict(int)
    for row in rows:
        out[row["member__occupation"] or ""] += row["n"]
    return dict(out)


def targets_of(org: Organization, year: int) -> QuerySet[Target]:
    """The targets of the unit and of its direct children that apply in the year."""
    return (
        Target.objects.filter(first_year__lte=year, last_year__gte=year)
        .filter(Q(org=org) | Q(org__parent=org))
        .select_related("org")
        .order_by("org__path", "metric", "segment", "first_year")
    )


def target_get(*, scope: Scope, target_id: int | str, for_write: bool = False) -> Target:
    """One target of a unit in the scope (in its write scope with for_write), else 404."""
    try:
        return (
            Target.objects.filter(scope.path_q("org__path", write=for_write))
            .select_related("org")
            .get(pk=target_id)
        )
    except (Target.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
