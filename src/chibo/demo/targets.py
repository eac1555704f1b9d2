"""Admissions targets for the demo province, so the dashboard shows attainment and rankings.

Each year's target of the province and of each unit directly under it is about 3.5% of
its members at the start of the year (the national aim is 3–4%), varied a little so that
the ranking by attainment has something to rank; the province also gets a target for
students and the term target of at least 75% of grassroots organizations good or better.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Sum

from chibo.members.stats_models import OrgPeriodStat
from chibo.orgs.models import Organization
from chibo.targets.models import Metric, Target

RATE = Decimal("0.035")


def demo_targets(root: Organization, today: dt.date, rng: random.Random) -> int:
    """Write the targets; returns how many."""
    units = [root, *Organization.objects.filter(parent=root).order_by("path")]
    rows = []
    for year in range(today.year - 2, today.year + 1):
        start = dt.date(year, 1, 1)
        live = dict(
            OrgPeriodStat.objects.filter(org__in=units, metric="live", day__lt=start)
            .values("org_id")
            .annotate(n=Sum("value"))
            .values_list("org_id", "n")
        )
        for unit in units:
            members = live.get(unit.pk) or 0
            if not members:
                continue
            spread = Decimal(rng.randint(85, 120)) / 100
            value = max(1, int((members * RATE * spread).to_integral_value()))
            rows.append(Target(org=unit, metric=Metric.ADMISSIONS, first_year=year,
                               last_year=year, value=value))  # fmt: skip
        students = max(1, int(((live.get(root.pk) or 0) * RATE / 10).to_integral_value()))
        rows.append(Target(org=root, metric=Metric.ADMISSIONS, segment="student",
                           first_year=year, last_year=year, value=students))  # fmt: skip
    rows.append(Target(org=root, metric=Metric.GOOD_OR_BETTER, first_year=2025,
                       last_year=2030, value=75))  # fmt: skip
    Target.objects.bulk_create(rows)
    return len(rows)
