"""Reads of members and their history, always within a scope."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Count, Expression, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from chibo.core.periods import add_months
from chibo.core.scope import Scope
from chibo.core.text import search_words
from chibo.orgs.models import Organization

from .models import LIVE_STATUSES, EventKind, Member, MemberEvent, Status
from .pagination import TEXT_COUNT_CAP

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


def _scope_q(scope: Scope) -> Q:
    q = scope.path_q("org__path")
    if scope.member_id:
        q |= Q(pk=scope.member_id)
    return q


def _scoped(scope: Scope) -> QuerySet[Member]:
    return Member.objects.filter(_scope_q(scope))


# --- how a list is read ---------------------------------------------------------------------
#
# member_list returns the same rows on every database. On PostgreSQL it also chooses how they
# are read, because at a million members the planner's own choice can cost seconds
# (docs/benchmarks.md, "Why"):
#
# - whole tree (the scope or the unit holds every root): no path filter at all;
# - unit by unit: the ids of the subtree's units, then their members from the covering
#   index `members_member_org_cover`, sorted; the cost grows with the size of the subtree;
# - by name: the distinct names that hold every query word (the table `members_searchname`,
#   migration 0005, with its trigram index), sorted, then their members in name order from
#   `members_member_name_cover`, each checked against the list of the subtree's units, until
#   the page is full (`member_ids`); the cost grows with the number of names, and with how
#   small a share of all members the subtree holds.
#
# A search over the whole tree goes by name; a search in a subtree goes unit by unit, unless
# the subtree holds so large a share of all members that by name is cheaper. SQLite reads the
# way its planner chooses, and returns the same rows.

# Past this many matching names the words are common ones (a family or middle name): walking
# the name order finds a page at once, and collecting the names would cost more than it saves.
NAME_SET_MAX = 10_000
# Rough costs, in microseconds, of one member read unit by unit (index-only, filtered, then
# sorted) and of one member read in name order and checked against the subtree; measured at
# a million members (docs/benchmarks.md).
UNIT_ROW_COST = 0.8
NAME_ROW_COST = 2.8
# A search reads at most this many rows: the list counts a search up to a thousand.
SEARCH_ROWS = TEXT_COUNT_CAP + 1


def _like_patterns(words: list[str]) -> list[str]:
    """LIKE patterns finding each word anywhere, with LIKE's own characters escaped."""
    escaped = (w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words)
    return [f"%{w}%" for w in escaped]


def _names_matching(words: list[str], *, limit: int) -> int:
    """How many distinct names hold every word (" w"), counted up to `limit`. PostgreSQL."""
    patterns = _like_patterns(words)
    likes = " AND ".join("search_name LIKE %s" for _ in patterns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM members_searchname WHERE {likes} LIMIT %s) n",  # noqa: S608 (only placeholders are interpolated)
            [*patterns, limit],
        )
        return int(cursor.fetchone()[0])


class _NameAmong(Expression):
    """`sort_key = ANY(ARRAY(<sort keys of the names holding every word>))`. PostgreSQL.

    The array is computed once per query, from the trigram index of the distinct names; a
    B-tree scan over an array on its first column returns rows in key order, so PostgreSQL
    can stop at a LIMIT however late in the alphabet the names are (whether it does is its
    choice: `member_ids` reads the list page's ids in a way that does not depend on it). The
    caller still filters `search_name` itself, so a sort key shared by two spellings cannot
    let a non-matching member through.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, words: list[str]) -> None:
        super().__init__()
        self.key: Any = F("sort_key")
        self.patterns = _like_patterns(words)

    def get_source_expressions(self) -> list[Any]:
        return [self.key]

    def set_source_expressions(self, exprs: Any) -> None:
        (self.key,) = exprs

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        key_sql, key_params = compiler.compile(self.key)
        likes = " AND ".join("n.search_name LIKE %s" for _ in self.patterns)
        sql = f"{key_sql} = ANY(ARRAY(SELECT n.sort_key FROM members_searchname n WHERE {likes}))"  # noqa: S608
        return sql, (*key_params, *self.patterns)


class _InUnits(Expression):
    """`org_id = ANY(<the units' ids, one array parameter>)`. PostgreSQL.

    One parameter for thousands of units keeps the query short to build, and PostgreSQL
    looks a constant array up by hashing, so the check costs next to nothing per row. (The
    type matters: bigint = smallint, say, cannot be hashed, which leaves a linear search
    through the array for every row.)
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, units: list[int]) -> None:
        super().__init__()
        self.org: Any = F("org_id")
        self.units = units

    def get_source_expressions(self) -> list[Any]:
        return [self.org]

    def set_source_expressions(self, exprs: Any) -> None:
        (self.org,) = exprs

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        org_sql, org_params = compiler.compile(self.org)
        # written out as one array literal: psycopg's own adaptation of a list of thousands
        # of numbers costs milliseconds
        literal = "{" + ",".join(str(int(pk)) for pk in self.units) + "}"
        return f"{org_sql} = ANY(%s::bigint[])", (*org_params, literal)


def _holds_every_root(prefixes: tuple[str, ...]) -> bool:
    roots = Organization.objects.filter(parent__isnull=True).values_list("path", flat=True)
    return all(any(root.startswith(p) for p in prefixes) for root in roots)


def _paths_q(prefixes: tuple[str, ...], own: int | None, field: str) -> Q:
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{field}__startswith": prefix})
    if own:
        q |= Q(pk=own)
    return q


def _reading_by_name_is_cheaper(units: int) -> bool:
    """Whether a search in a subtree of `units` units is cheaper read by name than unit by unit.

    Unit by unit reads every member of the subtree: `units` × (members per unit, from
    PostgreSQL's row counts). By name reads matching members of the whole tree in name order
    until a thousand of them lie in the subtree, about a thousand divided by the subtree's
    share of all members: cheaper for a large subtree, whatever the words.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE oid = ANY(ARRAY["
            "'members_member'::regclass, 'orgs_organization'::regclass])"
        )
        rows = {name: max(0.0, float(n)) for name, n in cursor.fetchall()}
    members, all_units = rows.get("members_member", 0.0), rows.get("orgs_organization", 0.0)
    if not (members and all_units):
        return True  # never analyzed: a new, small database, where either way is fast
    subtree = max(1.0, units * members / all_units)
    return SEARCH_ROWS * members / subtree * NAME_ROW_COST < subtree * UNIT_ROW_COST


def member_list(
    *, scope: Scope, filters: MemberFilters, today: dt.date | None = None
) -> QuerySet[Member]:
    """Members in the scope matching the filters, in Vietnamese name order.

    `filters.org` narrows to that unit's whole subtree. The query matches the folded full
    name (diacritics and case ignored) word by word, each word at the start of a word of the
    name ("nguy" and "duc" find Nguyễn Văn Đức, "anh" does not find Thanh), or exactly a
    member id, card or national ID. How the rows are read is chosen above.
    """
    f = filters
    qs = Member.objects.all()
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
    words = search_words(f.query)
    raw = f.query.strip()
    if len(words) == 1 and any(ch.isdigit() for ch in raw):
        # one of three unique identifiers: at most three rows, whatever the scope
        qs = qs.filter(Q(member_code=raw) | Q(card_number=raw) | Q(national_id=raw))
        qs = qs.filter(_scope_q(scope))
        if f.org is not None:
            qs = qs.filter(org__path__startswith=f.org.path)
        return qs.order_by("sort_key", "id").select_related("org")
    for word in words:
        qs = qs.filter(search_name__contains=word)
    return _read(qs, scope=scope, org=f.org, words=words).select_related("org")


def _read(
    qs: QuerySet[Member], *, scope: Scope, org: Organization | None, words: list[str]
) -> QuerySet[Member]:
    """`qs` within the scope (and the unit's subtree), in name order, read as chosen above."""
    prefixes: tuple[str, ...]
    if org is not None and scope.can_read_path(org.path):
        # the unit lies in the scope: the scope's own filter would add nothing
        prefixes, own = (org.path,), None
    elif org is None and scope.read_prefixes:
        prefixes, own = scope.read_prefixes, scope.member_id
    else:
        prefixes, own = (), None  # a unit outside the scope, or no scope but one's own record
    if not prefixes or connection.vendor != "postgresql":
        qs = qs.filter(_scope_q(scope))
        if org is not None:
            qs = qs.filter(org__path__startswith=org.path)
        return qs.order_by("sort_key", "id")

    if _holds_every_root(prefixes):
        if words and _names_matching(words, limit=NAME_SET_MAX + 1) <= NAME_SET_MAX:
            qs = qs.filter(_NameAmong(words))
        return qs.order_by("sort_key", "id")
    # The subtree as the list of its units: a hashed lookup per row, which leaves PostgreSQL
    # no join to order (a join may re-sort the rows) and no per-row index search to pay.
    units = list(
        Organization.objects.filter(_paths_q(prefixes, None, "path"))
        .order_by()
        .values_list("pk", flat=True)
    )
    qs = qs.filter(_InUnits(units) | Q(pk=own) if own else _InUnits(units))
    if not words:
        # Without a search the subtree's members are spread evenly over the name order, as
        # the planner assumes: it walks the name order or sorts the subtree, whichever is
        # cheaper.
        return qs.order_by("sort_key", "id")
    if (
        _reading_by_name_is_cheaper(len(units))
        and _names_matching(words, limit=NAME_SET_MAX + 1) <= NAME_SET_MAX
    ):
        return qs.filter(_NameAmong(words)).order_by("sort_key", "id")
    # NULLS FIRST (sort_key is never null: the order is the same) keeps PostgreSQL from
    # walking the whole country's name order for a search's few rows, which cluster at their
    # given name: it reads the subtree's members from `members_member_org_cover` and sorts.
    return qs.order_by(F("sort_key").asc(nulls_first=True), "id")


def _name_among(members: QuerySet[Member]) -> tuple[_NameAmong | None, list[Any]]:
    """The `_NameAmong` filter of a member_list queryset, if any, and its other filters."""
    among, others = None, []
    for child in members.query.where.children:
        lhs = getattr(child, "lhs", None)
        if isinstance(lhs, _NameAmong):
            among = lhs
        else:
            others.append(child)
    return among, others


def member_ids(*, members: QuerySet[Member], offset: int, limit: int) -> list[int]:
    """The ids of `members[offset:offset + limit]`, for a queryset from `member_list`.

    A search read by name is read here in an order fixed by the shape of the query rather
    than left to the planner: the sort keys of the matching names, sorted into an array and
    numbered (`WITH ORDINALITY`), then each name's members in a LATERAL subquery ordered by
    id. The query orders by the number only: PostgreSQL knows the numbered array is in that
    order, so it adds no sort, emits each name's members as the subquery orders them, and
    stops at the LIMIT after the first few names. The plain queryset leaves it free to fetch
    every candidate and sort them all, which it does when its estimates are off (the row
    count of `= ANY(<subquery>)` is a guess) and which costs hundreds of milliseconds for a
    common name.
    """
    among, others = _name_among(members)
    if among is None or connection.vendor != "postgresql":
        return list(members.values_list("pk", flat=True)[offset : offset + limit])
    unfiltered = members.order_by()
    unfiltered.query.where.children = others
    inner = unfiltered.filter(sort_key=RawSQL("k.sort_key", ())).order_by("pk").values_list("pk")
    inner_sql, inner_params = inner.query.sql_with_params()
    likes = " AND ".join("n.search_name LIKE %s" for _ in among.patterns)
    sql = (
        "SELECT m.id FROM unnest(ARRAY("  # noqa: S608 (only placeholders and Django's SQL)
        f"SELECT DISTINCT n.sort_key FROM members_searchname n WHERE {likes} ORDER BY 1"
        ")) WITH ORDINALITY AS k(sort_key, ord) "
        # OFFSET 0 keeps the subquery from being pulled up into a plain join
        f"CROSS JOIN LATERAL ({inner_sql} OFFSET 0) AS m(id) "
        "ORDER BY k.ord LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*among.patterns, *inner_params, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def member_rows(*, scope: Scope, ids: Iterable[int]) -> dict[int, Member]:
    """The members with these ids that the scope may read, with their unit: {id: member}.

    The second step of a page (`CappedPaginator(rows=…)`): the ids come in name order from
    `member_ids`, these rows are fetched by primary key.
    """
    return _scoped(scope).select_related("org").in_bulk(list(ids))


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
