"""Keeping OrgPeriodStat in step with the events, and rebuilding it from them.

A member's effective events give a list of facts (see `member_facts`): a flow or stock
change in one unit, or a permanent transfer between two units. A fact counts for the unit
and every unit above it — a transfer only for the units above one side and not the
other, so a transfer inside a subtree is neither in nor out for it and leaves its stock
alone. Services call `stats_apply(before, after)` with the member's effective events
before and after a change; the difference is added to the rows in the same transaction.

The units of each kind are counted the same way (`unit_facts`): `units:<kind>` is +1 on the
day a unit was established and −1 on the day it was dissolved, for it and every unit above.
orgs.services sends `unit_dated` when a unit is established or dissolved; a move of a
subtree rebuilds the units whose subtree changed (`affected_by_move`).

Beside the daily rows (OrgPeriodStat) each unit has opening balances (OrgOpeningBalance):
its stocks on 1 January of every year up to BALANCE_LAST_YEAR. A stock delta on a day of
year Y is also added to the balances of Y+1 … BALANCE_LAST_YEAR, so a stock on any date
(`stocks_on`) is one balance plus at most a year of daily rows, however long the history.
"""

import datetime as dt
import secrets
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, connections, models, transaction
from django.db.models import Q, Sum

from chibo.orgs.models import STEP_LENGTH, Organization

from .models import EventKind, Status
from .rules import EventLike, MemberState, PlainEvent, apply_event
from .stats_models import OrgOpeningBalance, OrgPeriodStat

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
# The last year that has opening balances. A stock delta on a day of year Y adds to the
# balances of Y+1 … BALANCE_LAST_YEAR, so this bounds the rows one fact writes per unit (4
# for a fact of 2026, 65 for one of 1965). A stock on a later date is still right: the daily
# rows since this year's 1 January are added, a year more of them for each year past it.
# To raise it, change it here and add a migration that runs `balances_derive`.
BALANCE_LAST_YEAR = 2030
UNITS_PREFIX = "units:"  # + the kind: the unit counts
ALWAYS = dt.date.min  # the day from which a unit without an establishment date counts
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


UnitDates = tuple[str, dt.date | None, dt.date | None]  # kind, established_on, dissolved_on


def unit_metric(kind: str) -> str:
    return f"{UNITS_PREFIX}{kind}"


def unit_facts(org_id: int, dates: UnitDates | None) -> Counter[Key]:
    """The facts of one unit for the unit counts: `units:<kind>` +1 on the day it was
    established (on ALWAYS without a date) and −1 on the day it was dissolved. Summed up to
    a day D, a unit counts when established on or before D and not dissolved by D."""
    facts: Counter[Key] = Counter()
    if dates is None:
        return facts
    kind, established, dissolved = dates
    start = established or ALWAYS
    if dissolved is not None and dissolved < start:  # never live: counts nowhere
        return facts
    facts[(start, unit_metric(kind), org_id, None)] += 1
    if dissolved is not None:
        facts[(dissolved, unit_metric(kind), org_id, None)] -= 1
    return facts


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


Balance = tuple[int, int, int]  # live, official, probationary


def _balances(rows: Mapping[tuple[int, dt.date, str], int]) -> dict[tuple[int, int], Balance]:
    """{(org_id, year): (live, official, probationary)} that the daily rows add to the
    opening balances: each stock row counts in the balances of every year after its own, up
    to BALANCE_LAST_YEAR. Given all of a unit's rows, these are its balances (zeros left out).
    """
    last = BALANCE_LAST_YEAR
    column = {metric: i for i, metric in enumerate(STOCK_METRICS)}
    yearly: dict[int, dict[int, list[int]]] = {}
    for (org_id, day, metric), value in rows.items():
        i = column.get(metric)
        if i is None or not value or day.year >= last:
            continue
        sums = yearly.setdefault(org_id, {}).setdefault(day.year, [0, 0, 0])
        sums[i] += value
    out: dict[tuple[int, int], Balance] = {}
    for org_id, years in yearly.items():
        live = official = probationary = 0
        for year in range(min(years) + 1, last + 1):
            before = years.get(year - 1)
            if before:
                live, official, probationary = (
                    live + before[0],
                    official + before[1],
                    probationary + before[2],
                )
            if live or official or probationary:
                out[(org_id, year)] = (live, official, probationary)
    return out


def _adding(table: str, keys: Sequence[str], values: Sequence[str]) -> str:
    """The ON CONFLICT clause that adds the new values to a row already there."""
    return f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET " + ", ".join(
        f"{v} = {table}.{v} + excluded.{v}" for v in values
    )


def _merge(
    model: type[models.Model], keys: tuple[str, ...], values: tuple[str, ...], params: list[Any]
) -> None:
    """Add `values` to the rows of `model` named by `keys`, creating the missing ones.

    `INSERT … ON CONFLICT DO UPDATE` (PostgreSQL and SQLite alike) adds atomically, so two
    writers adding to the same row at once both count. On PostgreSQL many rows at once
    (an import) go through COPY into a temporary table and one merging INSERT. `params`
    come sorted by key, so concurrent writers lock rows in the same order.
    """
    if not params:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join((*keys, *values))
    merge = _adding(table, keys, values)
    if connection.vendor == "postgresql" and len(params) >= COPY_FROM:
        temp = f"chibo_delta_{model._meta.db_table}"
        fields = [model._meta.get_field(c) for c in (*keys, *values)]
        types = ", ".join(
            f"{f.column} {f.db_type(connection)}" for f in fields if isinstance(f, models.Field)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {temp} ({types}) ON COMMIT DROP")
            with cursor.cursor.copy(f"COPY {temp} ({columns}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608
                f"SELECT {columns} FROM {temp} ORDER BY {', '.join(keys)} {merge}"
            )
            cursor.execute(f"TRUNCATE {temp}")
        return
    # the table and column names are the model's own; the values are parameters
    marks = ", ".join(["%s"] * (len(keys) + len(values)))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) {merge}"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(params), UPSERT_BATCH):
            cursor.executemany(sql, params[start : start + UPSERT_BATCH])


def _add_rows(rows: Counter[tuple[int, dt.date, str]]) -> None:
    """Add the values to the daily rows and what they change to the opening balances."""
    daily = sorted(
        (org_id, metric, day, value) for (org_id, day, metric), value in rows.items() if value
    )
    _merge(OrgPeriodStat, ("org_id", "metric", "day"), ("value",), daily)
    balances = sorted((org_id, year, *b) for (org_id, year), b in _balances(rows).items())
    _merge(OrgOpeningBalance, ("org_id", "year"), STOCK_METRICS, balances)


def _diff(before: Sequence[EventLike], after: Sequence[EventLike]) -> Counter[Key]:
    diff = member_facts(after)
    diff.subtract(member_facts(before))
    return Counter({k: v for k, v in diff.items() if v})


def stats_apply(*, before: Sequence[EventLike], after: Sequence[EventLike]) -> None:
    """Add the difference between two versions of one member's history to the rows."""
    diff = _diff(before, after)
    if diff:
        _add_rows(_Tree(_involved(diff)).expand(diff))


def units_apply(changes: Iterable[tuple[int, UnitDates | None, UnitDates | None]]) -> None:
    """Add the difference between units' (kind, established_on, dissolved_on) before and
    after a change to the unit counts (a new unit: before None)."""
    diff: Counter[Key] = Counter()
    for org_id, before, after in changes:
        diff.update(unit_facts(org_id, after))
        diff.subtract(unit_facts(org_id, before))
    diff = Counter({k: v for k, v in diff.items() if v})
    if diff:
        _add_rows(_Tree(_involved(diff)).expand(diff))


def on_unit_dated(sender: Any, *, org: Organization, before: UnitDates | None, **_: Any) -> None:
    """Receiver of orgs.signals.unit_dated (connected in MembersConfig.ready)."""
    units_apply([(org.pk, before, (org.kind, org.established_on, org.dissolved_on))])


def units_derive() -> int:
    """Rewrite every unit count row from the tree (not from events); returns the rows
    written. For the migration that introduced them. The caller holds the transaction."""
    OrgPeriodStat.objects.filter(metric__startswith=UNITS_PREFIX).delete()
    facts: Counter[Key] = Counter()
    units = Organization.objects.values_list("pk", "kind", "established_on", "dissolved_on")
    for pk, kind, established, dissolved in units.iterator(chunk_size=5000):
        facts.update(unit_facts(pk, (kind, established, dissolved)))
    rows = _Tree.whole().expand(facts)
    _add_rows(rows)
    return sum(1 for v in rows.values() if v)


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


class _ShapeUnit:
    """The one cell of a history shape (see `history_shape`)."""

    pk = 0
    kind = "grassroots_cell"
    name = ""

    def is_live_on(self, day: dt.date) -> bool:
        return True


def history_shape(kinds: Sequence[str]) -> list[tuple[int, str, int]]:
    """The facts of a member whose effective history is one event of each kind, in this
    order, all in one cell: (step, metric, value), the step being the index of the event on
    whose day the fact falls. The facts are `member_facts`' own, so adding many members of
    one shape in SQL (`stats_apply_sql`) counts exactly as the services do."""
    unit = _ShapeUnit()
    start = dt.date(2000, 1, 1)
    events = [PlainEvent(k, start + dt.timedelta(days=400 * i), unit) for i, k in enumerate(kinds)]
    step = {e.date: i for i, e in enumerate(events)}
    out = []
    for (day, metric, org_id, other), value in sorted(member_facts(events).items()):
        assert org_id == unit.pk and other is None, "a shape stays in its cell"
        out.append((step[day], metric, value))
    return out


SUM_WORK_MEM = "128MB"  # PostgreSQL's memory for the sums of `SideSums` (its own session)

# The temporary tables of `stats_apply_sql`: the units above each cell, the sums per row,
# their opening balances (both marked `fresh`: the row is missing from the table).
SUM_TABLES = {
    "chibo_stat_chain": "org_id bigint, anc_id bigint",
    # metric compares as OrgPeriodStat.metric does (`core.db.AsciiCharField`)
    "chibo_stat_delta": "org_id bigint, metric varchar(32) {ascii}, day date, value integer, "
    "fresh boolean",
    "chibo_stat_balance": (
        "org_id bigint, year smallint, live integer, official integer, "
        "probationary integer, fresh boolean"
    ),
}


def _chain(org_ids: Iterable[int]) -> list[tuple[int, int]]:
    """(unit, a unit above it or itself) for every unit named."""
    tree = _Tree(org_ids)
    return [(org_id, tree.id_of[p]) for org_id in tree.path_of for p in tree.chain(org_id)]


def _spec(name: str, vendor: str) -> str:
    """The columns of the table `name` of SUM_TABLES, for the database `vendor`."""
    return SUM_TABLES[name].format(ascii='COLLATE "C"' if vendor == "postgresql" else "")


def _create(cursor: Any, names: Iterable[str], vendor: str) -> None:
    for name in names:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TEMPORARY TABLE {name} ({_spec(name, vendor)})")


def _sum(
    cursor: Any,
    vendor: str,
    facts: str,
    params: Sequence[Any],
    delta: str = "chibo_stat_delta",
    balance: str = "chibo_stat_balance",
    ordered: bool = False,
) -> None:
    """Fill the tables `delta` and `balance` from the facts and chibo_stat_chain;
    `ordered`: write `delta` in key order, the order `_merge_spooled` adds the rows in."""
    stat = OrgPeriodStat._meta.db_table
    # The sums per row, each marked whether its row is missing from the table. A row is
    # looked for only where its unit has rows of its metric (`held`): the units of a new
    # cell's members have none, and most rows of a large file are missing, so most of the
    # millions of look-ups a large import would make are answered from a small hash table.
    cursor.execute(
        f"INSERT INTO {delta} (org_id, metric, day, value, fresh) "  # noqa: S608
        f"WITH held AS (SELECT DISTINCT s.org_id, s.metric FROM {stat} s "
        "WHERE s.org_id IN (SELECT anc_id FROM chibo_stat_chain)) "
        "SELECT g.org_id, g.metric, g.day, g.value, "
        "CASE WHEN (g.org_id, g.metric) IN (SELECT org_id, metric FROM held) "
        f"THEN NOT EXISTS (SELECT 1 FROM {stat} s WHERE s.org_id = g.org_id "
        "AND s.metric = g.metric AND s.day = g.day) ELSE 1 = 1 END "
        "FROM (SELECT c.anc_id AS org_id, f.metric AS metric, f.day AS day, "
        f"SUM(f.value) AS value FROM ({facts}) f "
        "JOIN chibo_stat_chain c ON c.org_id = f.org_id "
        "GROUP BY c.anc_id, f.metric, f.day HAVING SUM(f.value) <> 0) g"
        + (" ORDER BY g.org_id, g.metric, g.day" if ordered else ""),
        params,
    )
    sql, args = balances_sql(vendor, source=delta, into=balance)
    cursor.execute(sql, args)


def _merge_sums(
    delta: str = "chibo_stat_delta", balance: str = "chibo_stat_balance", stored: bool = False
) -> None:
    """`stored`: the rows of `delta` were written in key order (`_sum(ordered=True)`)."""
    _merge_spooled(OrgPeriodStat, ("org_id", "metric", "day"), ("value",), delta, stored)
    _merge_spooled(OrgOpeningBalance, ("org_id", "year"), STOCK_METRICS, balance)


def stats_apply_sql(facts: str, params: Sequence[Any], org_ids: Iterable[int]) -> None:
    """Add facts that a SELECT gives to the daily rows and the opening balances.

    `facts` is a SELECT of (org_id, day, metric, value) rows, `org_ids` the units it names.
    Each fact counts for its unit and every unit above (none is a transfer); the sums per
    row and their balances are made by the database and added to the tables
    (`_merge_spooled`). For imports of many members: nothing per member is built in Python.
    """
    from .interchange.base import copy_rows  # the interchange package imports this module

    chain = _chain(org_ids)
    with connection.cursor() as cursor:
        _create(cursor, SUM_TABLES, connection.vendor)
        try:
            copy_rows("chibo_stat_chain", ("org_id", "anc_id"), chain)
            _sum(cursor, connection.vendor, facts, params)
        except BaseException:
            _drop(cursor, SUM_TABLES)
            raise
    try:
        _merge_sums()
    finally:
        with connection.cursor() as cursor:
            _drop(cursor, SUM_TABLES)


class SideSums:
    """`stats_apply_sql` with the sums made in a second session (PostgreSQL), at the same
    time as the first writes the rows the facts belong to.

    An import of many members spends about as long summing their facts as inserting them
    and their events, each on one core. Here the facts come to a temporary table of the
    second session while the file is read (`add`); `start` sums them there, in a thread,
    into two unlogged tables, while the caller goes on writing in its own transaction;
    `finish` adds the sums to the summary tables in that transaction (all stays one
    transaction) and drops the two tables. The sums read only committed rows (whether a
    row is missing): a row the caller's transaction added meanwhile makes the plain insert
    fail, and `_merge_spooled` adds it again with ON CONFLICT, so the result is the same.
    Tables a session left behind when its process died are dropped by the next one.
    """

    FACTS = "chibo_side_facts"

    def __init__(self, columns: Sequence[tuple[str, str]]):
        self.columns = [c for c, _type in columns]
        # a session of its own, set up as Django's (client-side parameters, adapters)
        self.conn = connection.Database.connect(  # type: ignore[attr-defined]
            **connection.get_connection_params(), autocommit=True
        )
        # the session's pid (to tell orphans) and a token (a pid can come again)
        prefix = f"chibo_side_{self.conn.info.backend_pid}_{secrets.token_hex(4)}"
        self.delta, self.balance = f"{prefix}_delta", f"{prefix}_balance"
        self._drop_orphans()
        spec = ", ".join(f"{c} {t}" for c, t in columns)
        self.conn.execute(f"CREATE TEMPORARY TABLE {self.FACTS} ({spec})")
        self.thread: threading.Thread | None = None
        self.failure: BaseException | None = None

    def _drop_orphans(self) -> None:
        """Drop the tables of sessions that have ended. A table some open transaction holds
        (one that dropped it and has not committed yet) is left to a later import: waiting
        for it could wait for the very import that is starting here."""
        import psycopg  # PostgreSQL only

        rows = self.conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' "
            "AND c.relname ~ '^chibo_side_[0-9]+_[0-9a-f]+_(delta|balance)$' "
            "AND split_part(c.relname, '_', 3)::integer NOT IN "
            "(SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)"
        ).fetchall()
        self.conn.execute("SET lock_timeout = '100ms'")
        try:
            for (name,) in rows:
                try:
                    self.conn.execute(f"DROP TABLE IF EXISTS {name}")
                except psycopg.errors.LockNotAvailable:  # autocommit: nothing is lost
                    continue
        finally:
            self.conn.execute("RESET lock_timeout")

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        from .interchange.base import copy_into

        with self.conn.cursor() as cursor:
            copy_into(cursor, self.FACTS, self.columns, rows)

    def start(self, facts: str, params: Sequence[Any], org_ids: Iterable[int]) -> None:
        """Begin summing `facts` (a SELECT over chibo_side_facts, as for `stats_apply_sql`)."""
        from .interchange.base import copy_into

        chain = _chain(org_ids)

        def run() -> None:
            try:
                with self.conn.cursor() as cursor:
                    _create(cursor, ["chibo_stat_chain"], "postgresql")
                    for name, like in ((self.delta, "delta"), (self.balance, "balance")):
                        spec = _spec(f"chibo_stat_{like}", "postgresql")
                        cursor.execute(f"CREATE UNLOGGED TABLE {name} ({spec})")
                    copy_into(cursor, "chibo_stat_chain", ("org_id", "anc_id"), chain)
                    cursor.execute(f"SET work_mem = '{SUM_WORK_MEM}'")
                    cursor.execute(f"SET maintenance_work_mem = '{SUM_WORK_MEM}'")
                    _sum(
                        cursor, "postgresql", facts, params, self.delta, self.balance, ordered=True
                    )
            except BaseException as exc:  # raised again by `finish`
                self.failure = exc

        self.thread = threading.Thread(target=run, name="chibo-side-sums", daemon=True)
        self.thread.start()

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None

    def finish(self) -> None:
        """Wait for the sums and add them to the tables in the caller's transaction."""
        self.wait()
        if self.failure is not None:
            raise self.failure
        _merge_sums(self.delta, self.balance, stored=True)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {self.delta}, {self.balance}")

    def close(self) -> None:
        """End the second session; its unlogged tables go if the caller's did not."""
        if self.thread is not None:  # the caller failed while the sums ran
            self.conn.cancel_safe()
            self.wait()
        try:
            if not connection.needs_rollback:
                with connection.cursor() as cursor:
                    cursor.execute(f"DROP TABLE IF EXISTS {self.delta}, {self.balance}")
        except DatabaseError:
            pass  # a session that can write no more: the next one drops them (_drop_orphans)
        finally:
            self.conn.close()


def _drop(cursor: Any, names: Iterable[str]) -> None:
    for name in names:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _merge_spooled(
    model: type[models.Model],
    keys: tuple[str, ...],
    values: tuple[str, ...],
    source: str,
    stored: bool = False,
) -> None:
    """Add the rows of the temporary table `source` to the model's table.

    `source` has the key and value columns and `fresh`: whether the key was missing from
    the table when the rows were summed. The others are added with ON CONFLICT, in key order
    (the order every writer locks rows in). The fresh ones go in by a plain INSERT, which
    at a few million rows takes two thirds of the time of ON CONFLICT; should another
    writer have added one of those keys since, the unique index refuses the insert, and the
    same rows are added again with ON CONFLICT.

    `stored`: `source` was written in key order by one statement and not changed since,
    so a plain scan reads it in that order (from its first page: no synchronized scan);
    the fresh rows then need no sort.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join((*keys, *values))
    order = ", ".join(keys)
    conflict = _adding(table, keys, values)
    select = f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {source}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"{select} WHERE NOT fresh ORDER BY {order} {conflict}")
        if stored and connection.vendor == "postgresql":
            cursor.execute("SET LOCAL synchronize_seqscans = off")
        try:
            with transaction.atomic():
                cursor.execute(f"{select} WHERE fresh" + ("" if stored else f" ORDER BY {order}"))
        except IntegrityError:
            cursor.execute(f"{select} WHERE fresh ORDER BY {order} {conflict}")


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
    units = Organization.objects.values_list("pk", "kind", "established_on", "dissolved_on")
    if only is not None:
        inside = Q(pk__in=[])
        for p in paths:
            inside |= Q(path__startswith=p)
        units = units.filter(inside)
    for pk, kind, established, dissolved in units.iterator(chunk_size=5000):
        for key, value in tree.expand(unit_facts(pk, (kind, established, dissolved))).items():
            if only is None or key[0] in only:
                rows[key] += value
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


def _actual_balances(only: set[int] | None = None) -> dict[tuple[int, int], Balance]:
    qs = OrgOpeningBalance.objects.all()
    if only is not None:
        qs = qs.filter(org_id__in=only)
    return {
        (o, y): (live, official, probationary)
        for o, y, live, official, probationary in qs.values_list(
            "org_id", "year", *STOCK_METRICS
        ).iterator()
        if live or official or probationary
    }


REBUILD_BATCH = 5000


@transaction.atomic
def stats_rebuild(*, org_ids: Iterable[int] | None = None) -> int:
    """Recompute the rows and the opening balances (of the given units, or all) from the
    events. Returns the daily rows written."""
    only = set(org_ids) if org_ids is not None else None
    tree = _Tree.whole()
    expected = _expected(tree, only)
    for model in (OrgPeriodStat, OrgOpeningBalance):
        stale = model.objects.all() if only is None else model.objects.filter(org_id__in=only)
        stale.delete()
    day = connection.ops.adapt_datefield_value
    _insert_plain(
        OrgPeriodStat,
        ("org_id", "day", "metric", "value"),
        ((o, day(d), m, v) for (o, d, m), v in expected.items()),
    )
    _insert_plain(
        OrgOpeningBalance,
        ("org_id", "year", "live", "official", "probationary"),
        ((o, y, *b) for (o, y), b in sorted(_balances(expected).items())),
    )
    return len(expected)


def _insert_plain(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """INSERT the rows (values in the order of the columns `fields`, ready for the
    database) in batches of REBUILD_BATCH: a rebuild writes about a million rows for a
    province, where building a model instance per row would cost more than the writing."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f) for f in fields)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    batch: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= REBUILD_BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def stats_verify() -> list[dict[str, Any]]:
    """Differences between the tables and a recomputation from the events (empty when equal).

    An opening balance that differs is listed with its 1 January as the day and the metric
    suffixed `@opening` (`live@opening`).
    """
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
    want, have = _balances(expected), _actual_balances()
    for org_id, year in sorted(set(want) | set(have)):
        pairs = zip(
            want.get((org_id, year), (0, 0, 0)), have.get((org_id, year), (0, 0, 0)), strict=True
        )
        for metric, (wanted, found) in zip(STOCK_METRICS, pairs, strict=True):
            if wanted != found:
                out.append(
                    {
                        "org": codes.get(org_id),
                        "day": dt.date(year, 1, 1).isoformat(),
                        "metric": f"{metric}@opening",
                        "expected": wanted,
                        "actual": found,
                    }
                )
    return out


def balances_sql(
    vendor: str, *, source: str | None = None, into: str | None = None
) -> tuple[str, list[Any]]:
    """SQL (and its parameters) that writes every opening balance from the daily rows into
    an empty OrgOpeningBalance: per unit, the yearly sums of its stock rows, a row for every
    year from its first to BALANCE_LAST_YEAR, and a running sum of the years before each.
    Also used by the national benchmark's loader (bench/national.py).

    `source` names another table of daily rows (org_id, metric, day, value): the deltas an
    import adds. With `into`, the balances go to that table instead, with a column `fresh`:
    whether OrgOpeningBalance has no row for the unit and year yet (see `_merge_spooled`)."""
    last = BALANCE_LAST_YEAR
    table = OrgOpeningBalance._meta.db_table
    if vendor == "postgresql":
        year = "EXTRACT(YEAR FROM day)::integer"
        grid = (
            "grid AS (SELECT f.org_id, g.y FROM (SELECT org_id, min(y) AS y FROM yearly "
            "GROUP BY org_id) f CROSS JOIN LATERAL generate_series(f.y, %s) AS g(y))"
        )
    else:
        year = "CAST(strftime('%%Y', day) AS INTEGER)"
        grid = (
            "grid(org_id, y) AS (SELECT org_id, min(y) FROM yearly GROUP BY org_id "
            "UNION ALL SELECT org_id, y + 1 FROM grid WHERE y < %s)"
        )
    sums = ", ".join(
        f"sum(CASE WHEN metric = '{m}' THEN value ELSE 0 END) AS {m}" for m in STOCK_METRICS
    )
    filled = ", ".join(f"coalesce(t.{m}, 0) AS {m}" for m in STOCK_METRICS)
    running = ", ".join(f"sum({m}) OVER w AS {m}" for m in STOCK_METRICS)
    nonzero = " OR ".join(f"{m} <> 0" for m in STOCK_METRICS)
    metrics = ", ".join(f"'{m}'" for m in STOCK_METRICS)
    fresh_column = fresh_value = ""
    if into:
        fresh_column = ", fresh"
        fresh_value = (
            f", NOT EXISTS (SELECT 1 FROM {table} b "  # noqa: S608
            "WHERE b.org_id = r.org_id AND b.year = r.y)"
        )
    sql = f"""
        INSERT INTO {into or table} (org_id, year, {", ".join(STOCK_METRICS)}{fresh_column})
        WITH RECURSIVE yearly AS (
            SELECT org_id, {year} AS y, {sums}
            FROM {source or OrgPeriodStat._meta.db_table}
            WHERE metric IN ({metrics}) AND day < %s
            GROUP BY org_id, {year}
        ),
        {grid},
        filled AS (
            SELECT g.org_id, g.y, {filled}
            FROM grid g LEFT JOIN yearly t ON t.org_id = g.org_id AND t.y = g.y
        ),
        running AS (
            SELECT org_id, y, {running} FROM filled
            WINDOW w AS (PARTITION BY org_id ORDER BY y
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
        )
        SELECT org_id, y, {", ".join(STOCK_METRICS)}{fresh_value} FROM running r
        WHERE {nonzero}
    """  # noqa: S608  (names are the models' own; the first year's sums are NULL: left out)
    return sql, [dt.date(last, 1, 1), last]


def balances_derive(*, using: str = "default") -> int:
    """Rewrite every opening balance from the daily rows (not from the events); returns the
    rows written. For a migration: when the balances first appear or BALANCE_LAST_YEAR is
    raised. The caller holds the transaction."""
    conn = connections[using]
    sql, params = balances_sql(conn.vendor)
    with conn.cursor() as cursor:
        cursor.execute(f"DELETE FROM {OrgOpeningBalance._meta.db_table}")  # noqa: S608
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def stocks_on(
    *, org_ids: Iterable[int], day: dt.date, metrics: Sequence[str] = STOCK_METRICS
) -> dict[int, dict[str, int]]:
    """{org_id: {metric: n}}: each unit's subtree stocks (live, official, probationary) at
    the end of `day`.

    The opening balance of the year that holds the day after (of BALANCE_LAST_YEAR for a
    later one) plus the daily rows from its 1 January to `day`: two indexed reads for any
    number of units, whatever the length of the history; one when `day` is a 31 December.
    """
    ids = list(org_ids)
    if unknown := set(metrics) - set(STOCK_METRICS):
        raise ValueError(f"not stock metrics: {sorted(unknown)}")
    out = {pk: dict.fromkeys(metrics, 0) for pk in ids}
    if not ids or not metrics:
        return out
    after = day.year + 1 if (day.month, day.day) == (12, 31) else day.year
    year = min(after, BALANCE_LAST_YEAR)
    for row in OrgOpeningBalance.objects.filter(org_id__in=ids, year=year).values(
        "org_id", *metrics
    ):
        for metric in metrics:
            out[row["org_id"]][metric] += row[metric]
    opening = dt.date(year, 1, 1)
    if opening <= day:
        daily = (
            OrgPeriodStat.objects.filter(
                org_id__in=ids, metric__in=metrics, day__gte=opening, day__lte=day
            )
            .values("org_id", "metric")
            .annotate(total=Sum("value"))
            .values_list("org_id", "metric", "total")
        )
        for org_id, metric, total in daily:
            out[org_id][metric] += int(total or 0)
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
