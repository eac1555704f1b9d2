"""`import members`: the roster as it stands, matched on the member id.

A new member is created with the opening events (`admitted` in the unit of the row, and
`recognized` when the row has a recognition date), checked with `rules.replay` like
`services.member_create` does. A member already recorded keeps their history: the row's
unit, admission and recognition must agree with it (a change of unit is a transfer
event, not an edit), and the personal columns of the file update the record.
"""

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.core.errors import RuleViolation
from chibo.orgs.kinds import can_hold_members

from .. import stats
from ..models import EventKind, Member, MemberEvent
from ..rules import MemberState, PlainEvent, apply_event, replay
from . import columns as col
from . import people
from .base import (
    ImportContext,
    ImportReport,
    Rejected,
    RowError,
    Spool,
    UnitRef,
    Units,
    chunks,
    insert_select,
    records,
)

# The columns an update of a recorded member writes (with the personal columns of the file).
UPDATED = (*people.NAME_FIELDS, "sort_key", "search_name", "birth_date", "gender")
READ_BATCH = 5000  # rows checked together: one lookup of the recorded members per batch
# The columns of the new members that their report figures follow from (`stats.SideSums`)
SIDE_FACTS = [("org_id", "bigint"), ("admitted_on", "date"), ("recognized_on", "date")]
WRITE_WORK_MEM = "128MB"  # PostgreSQL's memory per sort or sum while the spool is written


@dataclass(slots=True)
class MemberRow:
    line: int
    code: str
    name: tuple[str, str, str]
    birth_date: dt.date
    gender: str
    org: UnitRef
    admitted_on: dt.date
    recognized_on: dt.date | None
    personal: dict[str, Any]  # the personal columns present in the file
    state: MemberState | None = None


READERS = (
    ("member_id", col.code),
    ("full_name", people.full_name),
    ("birth_date", col.date),
    ("gender", functools.partial(col.choice, which="gender")),
    ("org_code", col.code),
    ("admitted_on", col.date),
    ("recognized_on", col.date),
)
EXISTING_FIELDS = (
    "member_code",
    "pk",
    "version",
    "org_id",
    "sort_key",
    "search_name",
    "admitted_on",
    "recognized_on",
    *people.NAME_FIELDS,
    "birth_date",
    "gender",
    *people.PERSONAL,
)


class MemberImport:
    kind = "members"

    def __init__(self, ctx: ImportContext, report: ImportReport):
        self.ctx = ctx
        self.report = report
        self.units = Units()
        self.name_keys = people.NameKeys()
        self.new: Spool | None = None  # the new members, checked (see `_spool`)
        self.cells: set[int] = set()  # the units of the new members
        self.changed: Spool | None = None  # the recorded members to update (see `_spool_changed`)
        self.pending: list[tuple[Any, ...]] = []  # the current batch's updates
        self.present: list[str] = []  # the personal columns of the file
        self.seen: Spool | None = None  # every row's member id and national ID
        self.touched: list[str] = []  # the first and last path written (for the audit row)
        self.readers: list[tuple[str, Any]] = []
        self.stat_changes: list[tuple[list[Any], list[Any]]] = []  # new members: stats_apply_sql
        self.side: stats.SideSums | None = None  # PostgreSQL: their facts, summed aside

    def error(self, line: int, column: str | None, message: str) -> None:
        self.report.errors.append(RowError(line, column, message))

    def read(self, table: Any, columns: list[str | None]) -> None:
        """Parse and check every row, a batch at a time; the new members go to the spool.

        Nothing grows with the file: the rows leave memory with their batch, and the
        member ids and national IDs go to a temporary table too, where the repeats inside
        the file are looked for once every row is read (`_repeats`).
        """
        present = self.present = [k for k in people.PERSONAL if k in columns]
        self.readers = [*READERS, *((k, people.PERSONAL_READERS[k]) for k in present)]
        self.seen = Spool(
            "chibo_import_seen",
            [("code", "varchar(32)"), ("national_id", "varchar(12)"), ("line", "integer")],
        )
        batch: list[MemberRow] = []
        for line, rec in records(table, columns, self.ctx, self.report):
            row = self._parse(line, rec, present)
            if row is None:
                continue
            batch.append(row)
            if len(batch) >= READ_BATCH:
                self._check(batch, present)
                batch = []
        self._check(batch, present)
        self._repeats()

    def _repeats(self) -> None:
        """A member id, or a national ID, that an earlier line of the file holds too."""
        assert self.seen is not None
        seen = connection.ops.quote_name(self.seen.name)
        # every line after the first of a member id; then the same for the national IDs
        # of the other lines
        by_code = (
            f"SELECT s.line, s.code, f.first FROM {seen} s JOIN (SELECT code, MIN(line) AS "  # noqa: S608
            f"first FROM {seen} GROUP BY code HAVING COUNT(*) > 1) f ON f.code = s.code "
            "WHERE s.line > f.first"
        )
        kept = (
            f"SELECT national_id, line FROM {seen} WHERE national_id IS NOT NULL "  # noqa: S608
            f"AND line NOT IN (SELECT line FROM ({by_code}) d)"
        )
        by_national_id = (
            f"SELECT k.line, f.first FROM ({kept}) k JOIN (SELECT national_id, MIN(line) "  # noqa: S608
            f"AS first FROM ({kept}) a GROUP BY national_id HAVING COUNT(*) > 1) f "
            "ON f.national_id = k.national_id WHERE k.line > f.first"
        )
        with connection.cursor() as cursor:
            cursor.execute(by_code)
            for line, code, first in cursor.fetchall():
                self.error(
                    line,
                    "member_id",
                    _("The member id %(id)s is also on line %(line)d.")
                    % {"id": code, "line": first},
                )
            cursor.execute(by_national_id)
            for line, first in cursor.fetchall():
                self.error(
                    line,
                    "national_id",
                    _("The national ID is also on line %(line)d.") % {"line": first},
                )

    def _check(self, rows: list[MemberRow], present: list[str]) -> None:
        assert self.seen is not None
        self.seen.add((r.code, r.personal.get("national_id") or None, r.line) for r in rows)
        existing = self._existing([r.code for r in rows])
        holders = self._national_id_holders(
            [r.personal["national_id"] for r in rows if r.personal.get("national_id")]
        )
        fresh: list[MemberRow] = []
        for row in rows:
            nid = row.personal.get("national_id")
            if nid and holders.get(nid, row.code) != row.code:
                self.error(
                    row.line, "national_id", _("Another member already has this national ID.")
                )
                continue
            found = existing.get(row.code)
            if found is None:
                if self._check_new(row):
                    fresh.append(row)
            else:
                self._compare(row, found, present)
        if not self.report.errors:  # after an error nothing will be written
            if fresh:
                self._spool(fresh)
            self._spool_changed()
        self.pending = []

    def _parse(self, line: int, rec: dict[str, Any], present: list[str]) -> MemberRow | None:
        errors = self.report.errors
        bad = len(errors)
        values = col.read_cells(line, rec, self.readers, errors, RowError)
        for key in ("member_id", "birth_date", "gender", "org_code", "admitted_on"):
            if key in values and not values[key]:
                self.error(line, key, _("A value is required."))
        for key in ("birth_date", "admitted_on", "recognized_on"):
            if values.get(key) and values[key] > self.ctx.today:
                self.error(line, key, _("The date is in the future."))
        unit = None
        if values.get("org_code"):
            unit = self.units.by_code.get(values["org_code"])
            if unit is None or not self.ctx.in_scope(unit.path):
                self.error(line, "org_code", self.ctx.no_unit(values["org_code"]))
            elif not can_hold_members(unit.kind):
                self.error(
                    line,
                    "org_code",
                    _("Members belong to cells; %(unit)s is not a cell.") % {"unit": unit.name},
                )
        if len(self.report.errors) > bad:
            return None
        assert unit is not None
        return MemberRow(
            line=line,
            code=values["member_id"],
            name=values["full_name"],
            birth_date=values["birth_date"],
            gender=values["gender"],
            org=unit,
            admitted_on=values["admitted_on"],
            recognized_on=values["recognized_on"],
            personal={k: values[k] for k in present},
        )

    def _existing(self, codes: list[str]) -> dict[str, tuple]:
        return {
            values[0]: values for values in _members_among("member_code", codes, EXISTING_FIELDS)
        }

    def _national_id_holders(self, national_ids: list[str]) -> dict[str, str]:
        rows = _members_among("national_id", national_ids, ("national_id", "member_code"))
        return {nid: code for nid, code in rows if nid}

    def _check_new(self, row: MemberRow) -> bool:
        state = MemberState()
        for column, kind, day in self._steps(row):
            try:
                state = apply_event(
                    state, PlainEvent(kind, day, row.org), birth_date=row.birth_date
                )
            except RuleViolation as exc:
                self.error(row.line, column, str(exc.message))
                return False
        row.state = state
        return True

    @staticmethod
    def _steps(row: MemberRow) -> list[tuple[str, str, dt.date]]:
        """The opening events of a new member: (column, kind, day)."""
        steps: list[tuple[str, str, dt.date]] = [
            ("admitted_on", EventKind.ADMITTED, row.admitted_on)
        ]
        if row.recognized_on:
            steps.append(("recognized_on", EventKind.RECOGNIZED, row.recognized_on))
        return steps

    def _spool(self, rows: list[MemberRow]) -> None:
        """Keep checked new members in a temporary table until the write."""
        if self.new is None:
            names = [n for n in people.MEMBER_NAMES if n != "id"]
            self.new = Spool.of("chibo_import_members", Member, names, [("line", "integer")])
        name_keys = self.name_keys
        self.new.add(
            (
                *people.member_row(
                    pk=0,
                    code=row.code,
                    name=row.name,
                    keys=name_keys(*row.name),
                    birth_date=row.birth_date,
                    gender=row.gender,
                    personal=row.personal,
                    state=row.state,  # type: ignore[arg-type]
                )[1:],
                row.line,
            )
            for row in rows
        )
        if connection.vendor == "postgresql":
            if self.side is None:
                self.side = stats.SideSums(SIDE_FACTS)
            self.side.add(
                (state.org_id, state.admitted_on, state.recognized_on)
                for state in (row.state for row in rows)
                if state is not None
            )
        self.cells.update(row.org.pk for row in rows)
        self._touch(min(row.org.path for row in rows), max(row.org.path for row in rows))

    def _touch(self, *paths: str) -> None:
        self.touched = [min(self.touched + list(paths)), max(self.touched + list(paths))]

    def _changed_columns(self) -> list[str]:
        return [*UPDATED, *self.present]

    def _spool_changed(self) -> None:
        """Keep the batch's updates (every updated column's new value) in a temporary table."""
        if not self.pending:
            return
        if self.changed is None:
            self.changed = Spool.of(
                "chibo_import_changed",
                Member,
                self._changed_columns(),
                [("pk", "bigint"), ("version", "integer"), ("line", "integer")],
            )
        self.changed.add(values for values, _path in self.pending)
        paths = [path for _values, path in self.pending]
        self._touch(min(paths), max(paths))

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
        for spool in (self.seen, self.new, self.changed):
            if spool is not None:
                spool.drop()

    def _compare(self, row: MemberRow, found: tuple, present: list[str]) -> None:
        recorded = dict(zip(EXISTING_FIELDS, found, strict=True))
        unit = self.units.get(recorded["org_id"])
        if not self.ctx.in_scope(unit.path):
            self.error(row.line, "member_id", self.ctx.no_member(row.code))
            return
        history = {
            "org_code": (row.org.pk, recorded["org_id"], unit.code),
            "admitted_on": (row.admitted_on, recorded["admitted_on"], recorded["admitted_on"]),
            "recognized_on": (
                row.recognized_on,
                recorded["recognized_on"],
                recorded["recognized_on"],
            ),
        }
        refused = False
        for column, (given, held, shown) in history.items():
            if given != held:
                refused = True
                self.error(
                    row.line,
                    column,
                    _(
                        "The member's history says %(value)s; record an event to change it, not an import."
                    )
                    % {"value": _show(shown)},
                )
        if refused:
            return
        wanted: dict[str, Any] = {"birth_date": row.birth_date, "gender": row.gender}
        changes = {k: v for k, v in (wanted | row.personal).items() if recorded[k] != v}
        # The file holds the full name only: a name that reads the same keeps its split
        # (a two-word family name such as "Tôn Nữ" is not split again).
        held = " ".join(p for p in (recorded[k] for k in people.NAME_FIELDS) if p)
        if " ".join(p for p in row.name if p) != held:
            changes |= dict(zip(people.NAME_FIELDS, row.name, strict=True))
            changes["sort_key"], changes["search_name"] = self.name_keys(*row.name)
        if not changes:
            self.report.unchanged += 1
            return
        if "birth_date" in changes:
            events = list(
                MemberEvent.objects.filter(member_id=recorded["pk"], voided_by__isnull=True)
                .exclude(kind=EventKind.VOIDED)
                .select_related("org")
                .order_by("date", "id")
            )
            try:
                replay(events, birth_date=row.birth_date)
            except RuleViolation as exc:
                self.error(row.line, "birth_date", str(exc.message))
                return
        values = [changes.get(k, recorded[k]) for k in self._changed_columns()]
        self.pending.append(((*values, recorded["pk"], recorded["version"], row.line), unit.path))

    def write(self) -> None:
        self._lock_updated()
        created = self._write_new()
        self.report.created = created
        self.report.updated = self._write_changed()

    def _write_changed(self) -> int:
        """Update the recorded members from the spool: one statement (the columns of the
        file; the version counts up, as every service's write does)."""
        if self.changed is None or not self.changed.rows:
            return 0
        quote = connection.ops.quote_name
        spool = quote(self.changed.name)
        members = quote(Member._meta.db_table)
        sets = ", ".join(f"{quote(n)} = u.{quote(n)}" for n in self._changed_columns())
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {members} SET {sets}, "  # noqa: S608
                f"version = {members}.version + 1, updated_at = %s FROM {spool} u "
                f"WHERE {members}.id = u.pk",
                [connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            return max(cursor.rowcount, 0)

    def _write_new(self) -> int:
        """Move the spooled members into the member table, add their opening events, and
        bring the report figures in step: three statements, whatever the size of the file."""
        if self.new is None or not self.new.rows:
            return 0
        if connection.vendor == "postgresql":
            # the sorts and sums of these statements fit in memory (for this transaction only)
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{WRITE_WORK_MEM}'")
        spool = connection.ops.quote_name(self.new.name)
        if self.side is not None:  # the sums, in the other session while the rows go in
            self.side.start(*self._facts(self.side.FACTS), self.cells)
        names = [n for n in people.MEMBER_NAMES if n != "id"]
        created = insert_select(
            Member, {n: f"s.{n}" for n in names}, f"FROM {spool} s ORDER BY s.line"
        )
        actor_id = getattr(self.ctx.actor, "pk", None)
        members = connection.ops.quote_name(Member._meta.db_table)
        # each kind of opening event in its own SELECT: (kind, the spool's date column, filter)
        parts = [
            (EventKind.ADMITTED, "admitted_on", ""),
            (EventKind.RECOGNIZED, "recognized_on", "WHERE s.recognized_on IS NOT NULL"),
        ]
        for kind, day, where in parts:
            insert_select(
                MemberEvent,
                {"member_id": "m.id", "date": f"s.{day}", "org_id": "s.org_id"},
                f"FROM {spool} s JOIN {members} m ON m.member_code = s.member_code {where} "
                "ORDER BY s.line",
                fixed={"kind": kind, "created_by_id": actor_id},
            )
        if self.side is not None:
            # the foreign keys of the new rows are checked now, while the sums are still
            # being made, instead of at the commit (the summary rows have none to check)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            self.side.finish()
        else:
            stats.stats_apply_sql(*self._facts(spool), self.cells)
        return created

    @staticmethod
    def _facts(spool: str) -> tuple[str, list[Any]]:
        """The new members' facts, by the shape of their history (with or without a
        recognition): a SELECT over the table `spool` (org_id, admitted_on, recognized_on)
        for `stats.stats_apply_sql`, and its parameters."""
        selects: list[str] = []
        params: list[Any] = []
        for recognized in (False, True):
            kinds = [EventKind.ADMITTED, *([EventKind.RECOGNIZED] if recognized else [])]
            days = ["s.admitted_on", "s.recognized_on"]
            test = "IS NOT NULL" if recognized else "IS NULL"
            for step, metric, value in stats.history_shape(kinds):
                selects.append(
                    f"SELECT s.org_id AS org_id, {days[step]} AS day, %s AS metric, "  # noqa: S608
                    f"%s AS value FROM {spool} s WHERE s.recognized_on {test}"
                )
                params += [metric, value]
        return " UNION ALL ".join(selects), params

    def _lock_updated(self) -> None:
        """Refuse the import if a member it updates was changed since the file was read."""
        if self.changed is None or not self.changed.rows:
            return
        quote = connection.ops.quote_name
        members, spool = quote(Member._meta.db_table), quote(self.changed.name)
        join = f"FROM {members} m JOIN {spool} u ON m.id = u.pk"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # SQLite has one writer at a time
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT 1 {join} ORDER BY m.id FOR UPDATE OF m) x"  # noqa: S608
                )
            cursor.execute(f"SELECT u.line {join} WHERE m.version <> u.version ORDER BY u.line")
            stale = [line for (line,) in cursor.fetchall()]
        if stale:
            raise Rejected(
                [
                    RowError(
                        line,
                        "member_id",
                        _("The member was changed by someone else meanwhile; import again."),
                    )
                    for line in stale
                ]
            )


def _members_among(key: str, values: list[str], fields: Sequence[str]) -> list[tuple]:
    """The `fields` of the members whose `key` is one of `values` (a batch of the file).

    PostgreSQL takes the batch as one array parameter: an IN list of 5,000 parameters
    costs more to build and parse than the lookup itself.
    """
    if not values:
        return []
    if connection.vendor != "postgresql":
        out: list[tuple] = []
        for part in chunks(values):
            out += Member.objects.filter(**{f"{key}__in": part}).values_list(*fields)
        return out
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        field = Member._meta.get_field("id" if name == "pk" else name)
        assert isinstance(field, models.Field) and field.column
        return quote(field.column)

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(map(column, fields))} FROM {quote(Member._meta.db_table)} "  # noqa: S608
            f"WHERE {column(key)} = ANY(%s)",
            [values],
        )
        return cursor.fetchall()


def _show(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return "—" if value in (None, "") else str(value)
