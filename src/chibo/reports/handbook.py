"""The `handbook` report (INTERCHANGE.md): how many of a subtree's members use the handbook.

members = live members of the subtree on the day (from the summary table, as every report);
activated = those of them who had activated the handbook on or before the day. Whether an
activated member was live in the subtree on that day is read from their event history
(replayed up to the day), so a past day gives the same figures when run again, whatever
transfers came after. Callers check scope; the command line has full access.
"""

import datetime as dt
from itertools import groupby
from typing import Any

from django.db.models import Q

from chibo.core.errors import RuleViolation
from chibo.core.percent import percent, percent_str
from chibo.documents.models import HandbookActivation
from chibo.members.models import LIVE_STATUSES, EventKind, MemberEvent
from chibo.members.rules import replay
from chibo.members.stats import stocks_on
from chibo.orgs.models import Organization


def _live_members(org: Organization, on: dt.date) -> int:
    # an opening balance and that year's daily rows, not the whole history
    return stocks_on(org_ids=[org.pk], day=on, metrics=("live",))[org.pk]["live"]


def _activated(org: Organization, on: dt.date) -> int:
    units = set(Organization.objects.filter(path__startswith=org.path).values_list("pk", flat=True))
    # Only members placed in the subtree by some event up to the day can be in it on the day.
    candidates = HandbookActivation.objects.filter(
        activated_on__lte=on,
        member__in=MemberEvent.objects.filter(org__in=units, date__lte=on).values("member_id"),
    ).values("member_id")
    events = (
        MemberEvent.objects.filter(member__in=candidates, date__lte=on, voided_by__isnull=True)
        .exclude(kind=EventKind.VOIDED)
        .select_related("org")
        .order_by("member_id", "date", "id")
    )
    count = 0
    for _member, history in groupby(events.iterator(chunk_size=2000), key=lambda e: e.member_id):
        try:
            state = replay(list(history), birth_date=None)
        except RuleViolation:  # a history the rules refuse is not counted, rather than guessed
            continue
        if state.status in LIVE_STATUSES and state.org_id in units:
            count += 1
    return count


def report_handbook(*, org: Organization, on: dt.date) -> dict[str, Any]:
    members = _live_members(org, on)
    activated = _activated(org, on)
    return {
        "org": org.code,
        "on": on.isoformat(),
        "members": members,
        "activated": activated,
        "activated_percent": percent_str(activated, members),
    }


def handbook_ranking(*, parent: Organization, on: dt.date) -> list[dict[str, Any]]:
    """The parent's children live on the day, by share of members activated, best first
    (ties share a rank; a unit without members comes last, unranked)."""
    children = (
        Organization.objects.filter(parent=parent)
        .filter(Q(established_on__isnull=True) | Q(established_on__lte=on))
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on))
        .order_by("path")
    )
    rows = []
    for child in children:
        report = report_handbook(org=child, on=on)
        value = percent(report["activated"], report["members"])
        rows.append({**report, "unit": child, "value": value})
    known = sorted((r["value"] for r in rows if r["value"] is not None), reverse=True)
    for row in rows:
        value = row["value"]
        row["rank"] = None if value is None else 1 + sum(1 for v in known if v > value)
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["unit"].path))
    return rows
