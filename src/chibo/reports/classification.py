"""The `classification` report (INTERCHANGE.md): the annual quality classification per level.

For a unit's whole subtree and a year, from the yearly campaigns (imported ones included):

- `report_classification`: INTERCHANGE's dict, as `assessment.selectors.classification_levels`
  counts it (a subject counts once decided, at its latest level; else as unclassified).
- `classification_by_year`: the members' and the grassroots organizations' levels for each
  year up to the chosen one that has any row in the subtree (the page's chart across years).
- `latest_year`: the year the page opens on when none is asked for.

The ranking of a unit's children by `good_or_better` is `selectors.report_ranking`.
Callers check scope (the API and the views through `accounts.access`); the command line
has full access.
"""

from collections import Counter
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from chibo.assessment.models import Assessment, AssessmentStatus, PeriodKind, SubjectKind
from chibo.assessment.selectors import classification_levels, levels_dict
from chibo.core.errors import DomainError
from chibo.orgs.kinds import GRASSROOTS_KINDS
from chibo.orgs.models import Organization

FIRST_YEAR, LAST_YEAR = 1930, 2100
HISTORY_YEARS = 10  # the years the chart across years goes back, the chosen one included


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(_("The year is out of range."), code="invalid")


def report_classification(*, org: Organization, year: int) -> dict[str, Any]:
    """The report as INTERCHANGE.md gives it; DomainError for a year out of range."""
    check_year(year)
    return classification_levels(org, year)


def classification_by_year(
    *, org: Organization, year: int, years: int = HISTORY_YEARS
) -> list[dict[str, Any]]:
    """[{"year": y, "members": levels, "grassroots": levels}, …], oldest first, for each of
    the `years` years up to `year` that has a yearly classification row in the subtree.
    One grouped query."""
    rows = (
        Assessment.objects.filter(
            campaign__period_kind=PeriodKind.YEAR,
            campaign__year__lte=year,
            campaign__year__gt=year - years,
            org_path__startswith=org.path,
        )
        .values_list("campaign__year", "subject_kind", "org__kind", "status", "level")
        .annotate(n=Count("id"))
        .order_by()
    )
    members: dict[int, Counter[str]] = {}
    grassroots: dict[int, Counter[str]] = {}
    for y, subject, kind, status, level, n in rows:
        value = level if status == AssessmentStatus.DECIDED else ""
        members.setdefault(y, Counter())
        grassroots.setdefault(y, Counter())
        if subject == SubjectKind.MEMBER:
            members[y][value] += n
        elif subject == SubjectKind.ORG and kind in GRASSROOTS_KINDS:
            grassroots[y][value] += n
    return [
        {
            "year": y,
            "members": levels_dict(members[y]),
            "grassroots": levels_dict(grassroots[y]),
        }
        for y in sorted(members)
    ]


def latest_year(org: Organization, *, until: int) -> int | None:
    """The latest year up to `until` with a yearly classification row in the subtree."""
    found = (
        Assessment.objects.filter(
            campaign__period_kind=PeriodKind.YEAR,
            campaign__year__lte=until,
            org_path__startswith=org.path,
        )
        .order_by("-campaign__year")
        .values_list("campaign__year", flat=True)
        .first()
    )
    return int(found) if found is not None else None
