"""Keeping OrgPeriodStat in step with the events, and rebuilding it from them.

A member's effective events give a list of facts (see `member_facts`): a flow or stock
change in one unit, or a permanent transfer between two units. A fact counts for the unit
and every unit above it — a transfer only for the units above one side and not the
other, so a transfer inside a subtree is neither in nor out for it and leaves its stock
alone. Services call `stats_apply(before, after)` with the member's effective events
before and after a change; the difference is added to the rows in the same transaction.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from chibo.orgs.models import STEP_LENGTH, Organization

from .models import EventKind, Status
from .rules import EventLike, MemberState, apply_event
from .stats_models import OrgPeriodStat

FLOW_METRICS = (
    "admitted",
    "recognized",
    "transferred_in",
    "transferred_out",
    "removed",
    "expelled",
    "left",
    "died",
    "reinstated",
    "probation_failed",
)
STOCK_METRICS = ("live", "official", "probationary")
UPSERT_BATCH = 5_000
COPY_FROM = 2_000  # rows from which PostgreSQL takes them by COPY
LEAVING_KINDS = {EventKind.REMOVED, EventKind.EXPELLED, EventKind.LEFT, EventKind.DIED}

# (day, metric, org_id, other_org_id) → count. other_org_id is set for transfer facts:
# org_id is where the member goes (or comes from, for the "out" side) and other the opposite end.
Key = tuple[dt.date, str, int, int | None]


@dataclass(frozen=True)
class _Fact:
    day: dt.date
    metric: str
    org_id: int
    value: int
    away_from: int | None = None  # for transfers: the unit on the other side


def _stock_group(status: str | None) -> str | None:
    if status in (Status.OFFICIAL, Status.EXEMPTED):
        return "official"
    if status == Status.PROBATIONARY:
        return "probationary"
    return None


def member_facts(events: Sequence[EventLike], *, birth_date: dt.date | None = None) -> Counter[Key]:
    """The facts of one member's effective events (already valid, in date order)."""
    facts: Counter[Key] = Counter()
    state = MemberState()
    for event in events:
        before = state
        state = apply_event(state, event, birth_date=None)
        day, kind = event.date, event.kind
        if kind == EventKind.TRANSFERRED:
            if event.temporary or before.org_id == state.org_id:
                continue
            src, dst = before.org_id, state.org_id
            assert src is not None and dst is not None
            group = _stock_group(before.status)
            for metric, sign in (("transferred_out", 1), ("live", -1)):
                facts[(day, metric, src, dst)] += sign
            for metric, sign in (("transferred_in", 1), ("live", 1)):
                facts[(day, metric, dst, src)] += sign
            if group:
                facts[(day, group, src, dst)] -= 1
                facts[(day, group, dst, src)] += 1
            continue
        home = state.org_id if kind in (EventKind.ADMITTED, EventKind.REINSTATED) else before.org_id
        if home is None:
            continue
        if kind in FLOW_METRICS:
            facts[(day, str(kind), home, None)] += 1
        old_group, new_group = _stock_group(before.status), _stock_group(state.status)
        was_live, is_live = old_group is not None, new_group is not None
        if was_live != is_live:
            facts[(day, "live", home, None)] += 1 if is_live else -1
        if old_group != new_group:
            if old_group:
                facts[(day, old_group, before.org_id or home, None)] -= 1
            if new_group:
                facts[(day, new_group, home, None)] += 1
    return Counter({k: v for k, v in facts.items() if v})


class _Tree:
    """Paths of the units involved, to expand a fact to the units above."""

    def __init__(self, org_ids: Iterable[int]):
        ids = set(org_ids)
        self.path_of = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "path"))
        prefixes = {
            p[:i]
            for p in self.path_of.values()
            for i in range(STEP_LENGTH, len(p) + 1, STEP_LENGTH)
        }
        self.id_of = dict(Organization.objects.filter(path__in=prefixes).values_list("path", "pk"))

    @classmethod
    def whole(cls) -> "_Tree":
        tree = cls.__new__(cls)
        pairs = list(Organization.objects.values_list("pk", "path"))
        tree.path_of = dict(pairs)
        tree.id_of = {path: pk for pk, path in pairs}
        return tree

    def chain(self, org_id: int) -> list[str]:
        path = self.path_of[org_id]
        return [path[:i] for i in range(STEP_LENGTH, len(path) + 1, STEP_LENGTH)]

    def expand(self, facts: Counter[Key]) -> Counter[tuple[int, dt.date, str]]:
        rows: Counter[tuple[int, dt.date, str]] = Counter()
        for (day, metric, org_id, other), value in facts.items():
            here = self.chain(org_id)
            if other is not None:
                there = set(self.chain(other))
                here = [p for p in here if p not in there]
            for path in here:
                rows[(self.id_of[path], day, metric)] += value
        return rows


def _involved(facts: Iterable[Key]) -> set[int]:
    ids: set[int] = set()
    for _day, _metric, org_id, other in facts:
        ids.add(org_id)
        if other is not None:
            ids.add(other)
    return ids


def _add_rows(rows: Counter[tuple[int, dt.date, str]]) -> None:
    """Add the values to the rows, creating the missing ones.

    `INSERT … ON CONFLICT DO UPDATE` (PostgreSQL and SQLite alike) adds atomically, so two
    writers adding to the same row at once both count. On PostgreSQL many rows at once
    (an import) go through COPY into a temporary table and one merging INSERT.
    """
    params = [
        (org_id, day, metric, value)
        for (org_id, day, metric), value in sorted(rows.items())
        if value
    ]
    if not params:
        return
    table = connection.ops.quote_name(OrgPeriodStat._meta.db_table)
    merge = (
        f"ON CONFLICT (org_id, metric, day) DO UPDATE SET value = {table}.value + excluded.value"
    )
    if connection.vendor == "postgresql" and len(params) >= COPY_FROM:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS chibo_stat_delta "
                "(org_id integer, day date, metric varchar(24), value integer) "
                "ON COMMIT DROP"
            )
            with cursor.cursor.copy("COPY chibo_stat_delta FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} (org_id, day, metric, value) "  # noqa: S608
                "SELECT org_id, day, metric, value FROM chibo_stat_delta "
                f"ORDER BY org_id, metric, day {merge}"
            )
            cursor.execute("TRUNCATE chibo_stat_delta")
        return
    # the table name is the model's own, quoted; the values are parameters
    sql = f"INSERT INTO {table} (org_id, day, metric, value) VALUES (%s, %s, %s, %s) {merge}"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(params), UPSERT_BATCH):
            cursor.executemany(sql, params[start : start + UPSERT_BATCH])


def _diff(before: Sequence[EventLike], after: Sequence[EventLike]) -> Counter[Key]:
    diff = member_facts(after)
    diff.subtract(member_facts(before))
    return Counter({k: v for k, v in diff.items() if v})


def stats_apply(*, before: Sequence[EventLike], after: Sequence[EventLike]) -> None:
    """Add the difference between two versions of one member's history to the rows."""
    diff = _diff(before, after)
    if diff:
        _add_rows(_Tree(_involved(diff)).expand(diff))


def stats_apply_many(
    changes: Iterable[tuple[Sequence[EventLike], Sequence[EventLike]]],
    *,
    members_per_batch: int = 20_000,
) -> None:
    """`stats_apply` for many members at once (imports).

    The differences of a batch of members are summed first, so a row that many of them
    touch (the province's admissions on one day) is written once per batch, not once per
    member; memory stays bounded by the batch, whatever the size of the file.
    """
    pending: Counter[Key] = Counter()

    def flush() -> None:
        nonzero = Counter({k: v for k, v in pending.items() if v})
        if nonzero:
            _add_rows(_Tree(_involved(nonzero)).expand(nonzero))
        pending.clear()

    for count, (before, after) in enumerate(changes, start=1):
        pending.update(_diff(before, after))
        if count % members_per_batch == 0:
            flush()
    flush()


def _expected(tree: _Tree, only: set[int] | None = None) -> Counter[tuple[int, dt.date, str]]:
    """Rows recomputed from every member's effective events (restricted to `only` units)."""
    from .models import MemberEvent

    rows: Counter[tuple[int, dt.date, str]] = Counter()
    events = (
        MemberEvent.objects.filter(voided_by__isnull=True)
        .exclude(kind=EventKind.VOIDED)
        .select_related("org")
        .only(
            "member_id",
            "kind",
            "date",
            "temporary",
            "end_date",
            "org__kind",
            "org__name",
            "org__established_on",
            "org__dissolved_on",
        )
        .order_by("member_id", "date", "id")
    )
    if only is not None:
        paths = [tree.path_of[i] for i in only if i in tree.path_of]
        members = _members_touching(paths)
        events = events.filter(member_id__in=members)
    current: int | None = None
    history: list[EventLike] = []

    def flush() -> None:
        if history:
            for key, value in tree.expand(member_facts(history)).items():
                if only is None or key[0] in only:
                    rows[key] += value

    for event in events.iterator(chunk_size=5000):
        if event.member_id != current:
            flush()
            history, current = [], event.member_id
        history.append(event)
    flush()
    return Counter({k: v for k, v in rows.items() if v})


def _members_touching(paths: list[str]) -> set[int]:
    from django.db.models import Q

    from .models import MemberEvent

    if not paths:
        return set()
    q = Q()
    for p in paths:
        q |= Q(org__path__startswith=p) | Q(from_org__path__startswith=p)
    return set(MemberEvent.objects.filter(q).values_list("member_id", flat=True).distinct())


def _actual(only: set[int] | None = None) -> Counter[tuple[int, dt.date, str]]:
    qs = OrgPeriodStat.objects.exclude(value=0)
    if only is not None:
        qs = qs.filter(org_id__in=only)
    return Counter(
        {
            (o, d, m): v
            for o, d, m, v in qs.values_list("org_id", "day", "metric", "value").iterator()
        }
    )


@transaction.atomic
def stats_rebuild(*, org_ids: Iterable[int] | None = None) -> int:
    """Recompute the rows (of the given units, or all) from the events. Returns rows written."""
    only = set(org_ids) if org_ids is not None else None
    tree = _Tree.whole()
    expected = _expected(tree, only)
    stale = (
        OrgPeriodStat.objects.all()
        if only is None
        else OrgPeriodStat.objects.filter(org_id__in=only)
    )
    stale.delete()
    OrgPeriodStat.objects.bulk_create(
        (OrgPeriodStat(org_id=o, day=d, metric=m, value=v) for (o, d, m), v in expected.items()),
        batch_size=5000,
    )
    return len(expected)


def stats_verify() -> list[dict[str, Any]]:
    """Differences between the table and a recomputation from the events (empty when equal)."""
    expected = _expected(_Tree.whole())
    actual = _actual()
    codes = dict(Organization.objects.values_list("pk", "code"))
    out = []
    for key in sorted(set(expected) | set(actual), key=lambda k: (k[0], k[1], k[2])):
        if expected.get(key, 0) != actual.get(key, 0):
            org_id, day, metric = key
            out.append(
                {
                    "org": codes.get(org_id),
                    "day": day.isoformat(),
                    "metric": metric,
                    "expected": expected.get(key, 0),
                    "actual": actual.get(key, 0),
                }
            )
    return out


def affected_by_move(old_parent: Organization | None, new_parent: Organization | None) -> set[int]:
    """Units whose subtree changed when a unit moved from old_parent to new_parent:
    the ancestors of either side below their lowest common ancestor."""
    chains: list[list[str]] = []
    for parent in (old_parent, new_parent):
        if parent is None:
            chains.append([])
            continue
        path = parent.path
        chains.append([path[:i] for i in range(STEP_LENGTH, len(path) + 1, STEP_LENGTH)])
    common = set(chains[0]) & set(chains[1])
    paths = [p for chain in chains for p in chain if p not in common]
    return set(Organization.objects.filter(path__in=paths).values_list("pk", flat=True))
