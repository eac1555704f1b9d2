"""The reports of INTERCHANGE.md ("Reports out"), computed from the member event history.

Counts come from OrgPeriodStat (a unit's rows hold its whole subtree), so a report for
any unit is a handful of indexed sums, and a report for a past period gives the same
numbers when run again. Callers check scope (the API and the views through
`accounts.access`); the command line has full access.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils.translation import gettext_lazy as _

from chibo.assessment.models import Assessment, AssessmentStatus, PeriodKind, SubjectKind
from chibo.assessment.rules import GOOD_OR_BETTER, Level
from chibo.core.errors import DomainError
from chibo.core.percent import percent, percent_str
from chibo.core.periods import add_months
from chibo.members.models import EventKind, MemberEvent
from chibo.members.stats import FLOW_METRICS, stocks_on, unit_metric
from chibo.members.stats_models import OrgPeriodStat
from chibo.orgs.kinds import Kind
from chibo.orgs.models import STEP_LENGTH, Organization
from chibo.targets import selectors as targets

SUMMARY_UNIT_KINDS = (
    Kind.GRASSROOTS_COMMITTEE,
    Kind.GRASSROOTS_CELL,
    Kind.PARTIAL_COMMITTEE,
    Kind.SUBORDINATE_CELL,
)
SCREENING_KINDS = (EventKind.REMOVED, EventKind.EXPELLED, EventKind.LEFT)
RANKING_METRICS = ("admission_rate", "admission_attainment", "good_or_better")


def check_period(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise DomainError(_("The period ends before it starts."), code="invalid_period")


def _sums(
    org: Organization, *, metrics: tuple[str, ...], start: dt.date | None, end: dt.date
) -> dict[str, int]:
    """Flows summed over start…end; with start None, stocks at the end of `end` (its
    opening balance plus the year's daily rows, see `stats.stocks_on`)."""
    if start is None:
        return stocks_on(org_ids=[org.pk], day=end, metrics=metrics)[org.pk]
    qs = OrgPeriodStat.objects.filter(org=org, metric__in=metrics, day__gte=start, day__lte=end)
    found = {
        row["metric"]: row["total"] or 0 for row in qs.values("metric").annotate(total=Sum("value"))
    }
    return {m: int(found.get(m, 0)) for m in metrics}


def units_on(org: Organization, day: dt.date) -> dict[str, int]:
    """Live units of each summary kind in the subtree (the unit itself included) on `day`:
    established on or before it (or without a date) and not dissolved by it. Summed from the
    unit's `units:<kind>` rows (`stats.unit_facts`), not by reading the subtree."""
    metrics = {unit_metric(k): str(k) for k in SUMMARY_UNIT_KINDS}
    counts = dict.fromkeys(metrics.values(), 0)
    rows = (
        OrgPeriodStat.objects.filter(org=org, metric__in=list(metrics), day__lte=day)
        .values("metric")
        .annotate(n=Sum("value"))
    )
    for row in rows:
        counts[metrics[row["metric"]]] = int(row["n"] or 0)
    return counts


def admission_target(org: Organization, start: dt.date, end: dt.date) -> int | None:
    """Sum of the admissions targets set for the unit for the years the period covers."""
    return targets.admission_target(org, start, end)


def report_summary(*, org: Organization, start: dt.date, end: dt.date) -> dict[str, Any]:
    check_period(start, end)
    before = start - dt.timedelta(days=1)
    at_start = _sums(org, metrics=("live",), start=None, end=before)["live"]
    at_end = _sums(org, metrics=("live", "official", "probationary"), start=None, end=end)
    flows = _sums(org, metrics=FLOW_METRICS, start=start, end=end)
    target = admission_target(org, start, end)
    return {
        "org": org.code,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "members_at_start": at_start,
        "members_at_end": at_end["live"],
        "official_at_end": at_end["official"],
        "probationary_at_end": at_end["probationary"],
        "events": flows,
        "admission_target": target,
        "admission_attainment_percent": percent_str(flows["admitted"], target),
        "admission_rate_percent": percent_str(flows["admitted"], at_start),
        "units": units_on(org, end),
    }


def _children_in(parent: Organization, day: dt.date) -> list[Organization]:
    return list(
        Organization.objects.filter(parent=parent)
        .filter(Q(established_on__isnull=True) | Q(established_on__lte=day))
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day))
        .order_by("path")
    )


def _rank(rows: list[dict[str, Any]], values: dict[int, Decimal | None]) -> list[dict[str, Any]]:
    """Best first; equal values share a rank and the next rank skips (1, 2, 2, 4); no value last."""
    known = sorted((v for v in values.values() if v is not None), reverse=True)
    out = []
    for row in rows:
        value = values[row["_id"]]
        rank = None if value is None else 1 + sum(1 for v in known if v > value)
        out.append(
            {
                "org": row["org"],
                "name": row["name"],
                "value": None if value is None else str(value),
                "rank": rank,
            }
        )
    out.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["org"]))
    return out


def report_ranking(*, parent: Organization, year: int, metric: str) -> dict[str, Any]:
    """The parent's direct children ranked on `metric` for the year.

    admission_rate = admissions in the year ÷ members on 31 December of the year before;
    admission_attainment = admissions in the year ÷ the unit's admissions target for the
    year (null without a target); good_or_better = members rated good or excellent ÷
    members classified, in the year's decided yearly classification (null when no member
    of the child is classified).
    """
    if metric not in RANKING_METRICS:
        raise DomainError(
            _("Unknown ranking metric: %(m)s.") % {"m": metric}, code="invalid_metric"
        )
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    children = _children_in(parent, end)
    values: dict[int, Decimal | None] = {c.pk: None for c in children}
    if metric == "admission_rate" and children:
        ids = [c.pk for c in children]
        at_start = stocks_on(org_ids=ids, day=start - dt.timedelta(days=1), metrics=("live",))
        admitted = _admitted(ids, start, end)
        for pk in ids:  # no members at the start: None, as percent() gives for 0
            values[pk] = percent(admitted.get(pk) or 0, at_start[pk]["live"])
    if metric == "admission_attainment" and children:
        goals = targets.admission_targets(children, year)
        admitted = _admitted([c.pk for c in children], start, end)
        for child in children:
            values[child.pk] = percent(admitted.get(child.pk) or 0, goals.get(child.pk))
    if metric == "good_or_better" and children:
        values.update(_good_or_better(parent, children, year))
    rows = [{"_id": c.pk, "org": c.code, "name": c.name} for c in children]
    return {"parent": parent.code, "year": year, "metric": metric, "rows": _rank(rows, values)}


def _admitted(org_ids: list[int], start: dt.date, end: dt.date) -> dict[int, int]:
    """{org_id: admissions in start…end} (units with none left out)."""
    return dict(
        OrgPeriodStat.objects.filter(
            org_id__in=org_ids, metric="admitted", day__gte=start, day__lte=end
        )
        .values("org_id")
        .annotate(n=Sum("value"))
        .values_list("org_id", "n")
    )


def _good_or_better(
    parent: Organization, children: list[Organization], year: int
) -> dict[int, Decimal | None]:
    """{child id: members' good_or_better percent} from the year's decided yearly
    classification. One query grouped by the child's part of the assessments' path (every
    child's path is its parent's plus one step, so they all have the same length)."""
    by_path = {c.path: c.pk for c in children}
    size = len(parent.path) + STEP_LENGTH
    rows = (
        Assessment.objects.filter(
            campaign__year=year,
            campaign__period_kind=PeriodKind.YEAR,
            subject_kind=SubjectKind.MEMBER,
            status=AssessmentStatus.DECIDED,
            org_path__startswith=parent.path,
        )
        .exclude(org_path=parent.path)
        .annotate(child=Substr("org_path", 1, size))
        .values("child")
        .annotate(
            classified=Count("id", filter=Q(level__in=Level.values)),
            good=Count("id", filter=Q(level__in=GOOD_OR_BETTER)),
        )
        .order_by()
    )
    out: dict[int, Decimal | None] = {}
    for row in rows:
        if row["child"] in by_path:
            out[by_path[row["child"]]] = percent(row["good"], row["classified"])
    return out


def report_screening(*, org: Organization, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Removals, expulsions and leavings in the subtree in the period, by kind and by reason."""
    check_period(start, end)
    events = MemberEvent.objects.filter(
        kind__in=SCREENING_KINDS,
        voided_by__isnull=True,
        date__gte=start,
        date__lte=end,
        org__path__startswith=org.path,
    )
    by_kind = {str(k): 0 for k in SCREENING_KINDS}
    for row in events.values("kind").annotate(n=Count("id")):
        by_kind[row["kind"]] = row["n"]
    by_reason: dict[str, int] = {}
    for reason_row in events.values("reason").annotate(n=Count("id")).order_by("reason"):
        key = reason_row["reason"] or "unspecified"
        by_reason[key] = by_reason.get(key, 0) + reason_row["n"]
    return {
        "org": org.code,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "total": sum(by_kind.values()),
        "by_kind": by_kind,
        "by_reason": by_reason,
    }


# --- The dashboard's series ---------------------------------------------------------------

REMOVAL_METRICS = ("removed", "expelled", "left", "probation_failed")


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from `first`'s month to `last`'s month, in order."""
    out, month = [], first.replace(day=1)
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def members_by_month(*, org: Organization, months: int, end: dt.date) -> list[dict[str, Any]]:
    """Live members of the subtree at the end of each of the `months` months up to `end`.

    Returns [{"month": first day of the month, "members": n}, …], oldest first; the last
    month counts up to `end` itself. The stock on the eve of the window (an opening balance
    and that year's daily rows, `stats.stocks_on`) plus one grouped query over the window's
    "live" rows: the cost follows the window, not the length of the history.
    """
    starts = _month_starts(add_months(end.replace(day=1), -(months - 1)), end)
    eve = starts[0] - dt.timedelta(days=1)
    running = stocks_on(org_ids=[org.pk], day=eve, metrics=("live",))[org.pk]["live"]
    deltas = {
        row["month"]: row["total"] or 0
        for row in OrgPeriodStat.objects.filter(
            org=org, metric="live", day__gte=starts[0], day__lte=end
        )
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(total=Sum("value"))
    }
    out = []
    for month in starts:
        running += deltas.get(month, 0)
        out.append({"month": month, "members": int(running)})
    return out


def flows_by_month(*, org: Organization, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Admissions and removals (removed, expelled, left, probation failed) of the subtree
    in each month of the period, zero months included.

    Returns [{"month": first day of the month, "admitted": n, "removals": n}, …]; the first
    and last months count only the days inside the period. One grouped query.
    """
    check_period(start, end)
    rows = (
        OrgPeriodStat.objects.filter(
            org=org, metric__in=("admitted", *REMOVAL_METRICS), day__gte=start, day__lte=end
        )
        .annotate(month=TruncMonth("day"))
        .values("month", "metric")
        .annotate(total=Sum("value"))
    )
    by_month: dict[dt.date, dict[str, Any]] = {
        m: {"month": m, "admitted": 0, "removals": 0} for m in _month_starts(start, end)
    }
    for row in rows:
        key = "admitted" if row["metric"] == "admitted" else "removals"
        by_month[row["month"]][key] += int(row["total"] or 0)
    return list(by_month.values())


def rank_among_siblings(
    *, org: Organization, parent: Organization, year: int
) -> dict[str, Any] | None:
    """The unit's place among its parent's children by admission rate for the year:
    {"rank": 3, "of": 67, "value": "5.11"} ("hạng 3/67"; rank None when it has no rate),
    or None when the unit is not among them (dissolved by the end of the year).

    The caller checks that the parent is in the user's scope (the count of siblings is
    the parent's business).
    """
    rows = report_ranking(parent=parent, year=year, metric="admission_rate")["rows"]
    for row in rows:
        if row["org"] == org.code:
            return {"rank": row["rank"], "of": len(rows), "value": row["value"]}
    return None
