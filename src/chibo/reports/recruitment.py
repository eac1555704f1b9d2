"""The `recruitment` report (INTERCHANGE.md): from the awareness class to admission.

For a unit's whole subtree and a period (dates inclusive):

- `class_passed`: the people who passed a class that ended in the period, sent by a unit of
  the subtree (`Attendance.org`). A person who passed two such classes counts once.
- `admitted`: admissions in the period in the subtree: effective `admitted` events, the
  same count as the `summary` report's `events.admitted` (`targets.admitted_by_segment`).
- `conversion_percent`: admitted ÷ class_passed, half-up to two places; null when no one
  passed. Both are counted over the same period, so it is a rate of flow, not the share of
  one cohort (people admitted in the period mostly passed their class in an earlier one).
- `admitted_by_occupation`: the same admissions by the member's occupation, every segment
  listed (0 when none); an admission without an occupation counts as `other`.
- `median_days_class_to_admission`: over the people admitted through the road in (a
  `Candidate` with its admission decision in the period, kept by a cell of the subtree),
  the whole days from the end of the latest class they passed that ended on or before the
  decision, to the decision. People without such a class are left out; null when no one
  is left. Of an even count the lower of the two middle values is taken (the "low
  median"): it is always a number of days someone actually waited, and a whole number
  without any rounding rule.

Callers check scope (the API and the views through `accounts.access`); the command line
has full access.
"""

import datetime as dt
from typing import Any

from django.db.models import Count, F, Max, Q

from chibo.core.percent import percent_str
from chibo.members.models import Occupation
from chibo.orgs.models import Organization
from chibo.recruitment.models import Attendance, Candidate
from chibo.targets.selectors import admitted_by_segment

from .selectors import check_period


def class_passed(org: Organization, start: dt.date, end: dt.date) -> int:
    """People who passed a class ending in the period, sent by a unit of the subtree."""
    found = Attendance.objects.filter(
        passed=True,
        awareness_class__ended_on__gte=start,
        awareness_class__ended_on__lte=end,
        org__path__startswith=org.path,
    ).aggregate(n=Count("candidate_id", distinct=True))
    return int(found["n"] or 0)


def admitted_by_occupation(org: Organization, start: dt.date, end: dt.date) -> dict[str, int]:
    """Every occupation segment with its admissions in the subtree in the period."""
    out = {str(value): 0 for value in Occupation.values}
    for segment, n in admitted_by_segment(org, start, end).items():
        key = segment if segment in out else str(Occupation.OTHER)
        out[key] += n
    return out


def days_class_to_admission(org: Organization, start: dt.date, end: dt.date) -> list[int]:
    """The days from the latest passed class to the decision, of each person admitted
    through the road in in the period in the subtree (those with such a class), sorted."""
    latest = Max(
        "attendances__awareness_class__ended_on",
        filter=Q(
            attendances__passed=True,
            attendances__awareness_class__ended_on__lte=F("decision_on"),
        ),
    )
    rows = (
        Candidate.objects.filter(
            decision_on__gte=start,
            decision_on__lte=end,
            member__isnull=False,
            org__path__startswith=org.path,
        )
        .annotate(class_end=latest)
        .filter(class_end__isnull=False)
        .values_list("decision_on", "class_end")
    )
    return sorted((decided - ended).days for decided, ended in rows)


def low_median(values: list[int]) -> int | None:
    """The middle of the sorted values; of an even count the lower middle (None if empty)."""
    if not values:
        return None
    return sorted(values)[(len(values) - 1) // 2]


def report_recruitment(*, org: Organization, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The report as INTERCHANGE.md gives it; DomainError when the period ends before it starts."""
    check_period(start, end)
    passed = class_passed(org, start, end)
    by_occupation = admitted_by_occupation(org, start, end)
    admitted = sum(by_occupation.values())
    return {
        "org": org.code,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "class_passed": passed,
        "admitted": admitted,
        "conversion_percent": percent_str(admitted, passed),
        "admitted_by_occupation": by_occupation,
        "median_days_class_to_admission": low_median(days_class_to_admission(org, start, end)),
    }
