"""Reads of members and their history, always within a scope."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from chibo.core.periods import add_months
from chibo.core.scope import Scope
from chibo.core.text import fold
from chibo.orgs.models import Organization

from .models import LIVE_STATUSES, EventKind, Member, MemberEvent, Status

AGE_BANDS = {
    "18-30": (18, 30),
    "31-40": (31, 40),
    "41-50": (41, 50),
    "51-60": (51, 60),
    "61-70": (61, 70),
    "71+": (71, 200),
}


@dataclass(frozen=True)
class MemberFilters:
    org: Organization | None = None
    query: str = ""
    status: str = ""
    occupation: str = ""
    gender: str = ""
    age_band: str = ""
    admission_year: int | None = None


def _scoped(scope: Scope) -> QuerySet[Member]:
    q = scope.path_q("org__path")
    if scope.member_id:
        q |= Q(pk=scope.member_id)
    return Member.objects.filter(q)


def member_list(
    *, scope: Scope, filters: MemberFilters, today: dt.date | None = None
) -> QuerySet[Member]:
    """Members in the scope matching the filters, in Vietnamese name order.

    `filters.org` narrows to that unit's whole subtree. The query matches the folded full
    name (diacritics and case ignored) word by word, or a member id, card or national ID.
    """
    qs = _scoped(scope).select_related("org")
    f = filters
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.status == "live":
        qs = qs.filter(status__in=LIVE_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.occupation:
        qs = qs.filter(occupation=f.occupation)
    if f.gender:
        qs = qs.filter(gender=f.gender)
    if f.admission_year:
        qs = qs.filter(admitted_on__year=f.admission_year)
    if f.age_band in AGE_BANDS:
        low, high = AGE_BANDS[f.age_band]
        today = today or timezone.localdate()
        # born after (today - (high+1) years) and on or before (today - low years)
        qs = qs.filter(
            birth_date__gt=add_months(today, -12 * (high + 1)),
            birth_date__lte=add_months(today, -12 * low),
        )
    words = fold(f.query).split()
    if words:
        raw = f.query.strip()
        if len(words) == 1 and any(ch.isdigit() for ch in raw):
            qs = qs.filter(Q(member_code=raw) | Q(card_number=raw) | Q(national_id=raw))
        else:
            for word in words:
                qs = qs.filter(search_name__contains=word)
    return qs.order_by("sort_key", "id")


def member_get(*, scope: Scope, member_id: int | str) -> Member:
    """One member in the scope (or the user's own record), else 404."""
    try:
        return _scoped(scope).select_related("org", "temp_org").get(pk=member_id)
    except (Member.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def member_history(*, member: Member) -> QuerySet[MemberEvent]:
    """The full timeline, voided events included (shown struck through), newest first."""
    return (
        MemberEvent.objects.filter(member=member)
        .select_related("org", "from_org", "target", "created_by")
        .order_by("-date", "-id")
    )


def live_counts(*, scope: Scope, orgs: list[Organization]) -> dict[int, dict[str, int]]:
    """For each unit given: its subtree's live members {official, probationary, total}.

    Temporary members count at home, not in the host unit. One grouped query.
    """
    result = {o.pk: {"official": 0, "probationary": 0, "exempted": 0, "total": 0} for o in orgs}
    if not orgs:
        return result
    q = Q()
    for o in orgs:
        q |= Q(org__path__startswith=o.path)
    rows = (
        _scoped(scope)
        .filter(q, status__in=LIVE_STATUSES)
        .values("org__path", "status")
        .annotate(n=Count("id"))
    )
    by_path = {o.path: o.pk for o in orgs}
    lengths = sorted({len(o.path) for o in orgs})
    for row in rows:
        path = row["org__path"]
        # only prefixes strictly within the path: a slice past its end would be the
        # path itself again and count the row twice
        for length in (n for n in lengths if n <= len(path)):
            pk = by_path.get(path[:length])
            if pk is not None:
                result[pk][row["status"]] += row["n"]
                result[pk]["total"] += row["n"]
    return result


def status_counts(*, scope: Scope, org: Organization) -> dict[str, int]:
    rows = (
        _scoped(scope)
        .filter(org__path__startswith=org.path)
        .values("status")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(Status.values, 0)
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def event_list(
    *,
    scope: Scope,
    org: Organization | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    kind: str = "",
) -> QuerySet[MemberEvent]:
    """Effective events (not voided, not corrections) whose unit lies in the scope, by date.

    `org` narrows to that unit's subtree; `start` and `end` are inclusive. Units are those of
    the event (for a transfer, the destination): a unit's history stays its own after its
    members move on. A member's own record gives no units, so it lists nothing here.
    """
    qs = MemberEvent.objects.filter(scope.path_q("org__path"), voided_by__isnull=True).exclude(
        kind=EventKind.VOIDED
    )
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("org", "member").order_by("date", "id")
