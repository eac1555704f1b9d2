"""What the three imports share: the report, the scope of an import, the units, bulk inserts."""

import datetime as dt
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.orgs.models import Organization

BATCH = 2000
PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class RowError:
    line: int | None  # as in the file (the header is line 1); None for the file as a whole
    column: str | None  # the English key of the column (or the header text as written)
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    """What an import did (or, with errors, would not do): the JSON the CLI prints."""

    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    members_created: int | None = None  # events only: members created by `admitted` rows
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.members_created is not None:
            out["members_created"] = self.members_created
        out["errors"] = [e.as_dict() for e in self.errors]
        return out


class Rejected(Exception):
    """Raised inside the import's transaction to roll everything back."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


@dataclass
class ImportContext:
    """Who imports, into which part of the tree, and where progress goes.

    `root` is None for the command line (the whole tree); for a web upload it is the unit
    the job is scoped to, and every unit a row names must lie in its subtree. A unit
    outside reads exactly like one that does not exist.
    """

    actor: Any = None
    root: Organization | None = None
    today: dt.date = field(default_factory=timezone.localdate)
    on_progress: Callable[[int, int], None] | None = None  # (rows read, rows in the file)
    total: int = 0

    def in_scope(self, path: str) -> bool:
        return self.root is None or path.startswith(self.root.path)

    def no_unit(self, code: str) -> str:
        if self.root is None:
            return _("There is no unit with the code %(code)s.") % {"code": code}
        return _("Unit %(code)s is unknown or outside your scope.") % {"code": code}

    def no_member(self, code: str) -> str:
        if self.root is None:
            return _("There is no member with the id %(id)s.") % {"id": code}
        return _("Member %(id)s is unknown or outside your scope.") % {"id": code}

    def progress(self, done: int, *, force: bool = False) -> None:
        if self.on_progress is not None and (force or done % PROGRESS_EVERY == 0):
            self.on_progress(done, max(done, self.total))


@dataclass(slots=True, eq=False)
class UnitRef:
    """A unit as the import needs it (and as `rules.replay` reads it), without the ORM."""

    pk: int
    code: str
    path: str
    kind: str
    name: str
    sector: str
    status: str
    established_on: dt.date | None
    dissolved_on: dt.date | None
    parent_id: int | None

    def is_live_on(self, day: dt.date) -> bool:  # the rule of Organization.is_live_on
        if self.established_on and day < self.established_on:
            return False
        return not (self.dissolved_on and day >= self.dissolved_on)


class Units:
    """Every unit of the tree, by code and by id (a few hundred thousand at national scale)."""

    FIELDS = (
        "pk",
        "code",
        "path",
        "kind",
        "name",
        "sector",
        "status",
        "established_on",
        "dissolved_on",
        "parent_id",
    )

    def __init__(self) -> None:
        self.by_code: dict[str, UnitRef] = {}
        self.by_pk: dict[int, UnitRef] = {}
        for values in Organization.objects.values_list(*self.FIELDS).iterator(chunk_size=5000):
            self._add(UnitRef(*values))

    def _add(self, unit: UnitRef) -> UnitRef:
        self.by_code[unit.code] = unit
        self.by_pk[unit.pk] = unit
        return unit

    def get(self, pk: int) -> UnitRef:
        """The unit with this id (one created since the import started is fetched)."""
        unit = self.by_pk.get(pk)
        if unit is None:
            unit = self._add(UnitRef(*Organization.objects.values_list(*self.FIELDS).get(pk=pk)))
        return unit


def chunks(values: Sequence[Any], size: int = 5000) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for rows about to be inserted (inside the transaction).

    Knowing the ids up front spares looking the new rows up again. PostgreSQL hands them
    out from the table's sequence (safe under concurrency); SQLite has one writer at a
    time, which holds its lock until the transaction ends.
    """
    if count == 0:
        return []
    table = model._meta.db_table
    column = str(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT COALESCE(MAX({connection.ops.quote_name(column)}), 0) "  # noqa: S608
            f"FROM {connection.ops.quote_name(table)}"
        )
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


def _fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field]:
    """The concrete fields a new row of `model` fills: all of them but the primary key,
    unless `names` (attnames) holds it."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in names]
    unknown = set(names) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"not fields of {model.__name__}: {sorted(unknown)}")
    return fields


def _default(field: models.Field, now: Any) -> Any:
    """The value a field not named gets in a new row (timestamps: now)."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()


def copy_into(
    cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """COPY rows into `table` through a psycopg cursor (of any session); returns the count."""
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write rows (values in the order of `columns`) into `table`; returns the count.

    PostgreSQL gets COPY (several times faster than INSERT at this size, and the memory
    stays flat), SQLite executemany in batches. Table and column names are the caller's
    own, never the user's.
    """
    quoted = connection.ops.quote_name
    names = ", ".join(quoted(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return copy_into(cursor.cursor, quoted(table), [quoted(c) for c in columns], rows)
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quoted(table)} ({names}) VALUES ({marks})"  # noqa: S608
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Iterable[tuple]) -> int:
    """INSERT rows (tuples in the order of `names`, attnames); returns the count.

    bulk_create would build and prepare a model instance per row; these rows are already
    clean. Fields not named get their default (timestamps: now); the primary key comes
    from the database unless `names` holds it (see `reserve_ids`).
    """
    position = {name: i for i, name in enumerate(names)}
    fields = _fields(model, names)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    getters = [(position.get(f.attname), _default(f, now)) for f in fields]
    return copy_rows(
        model._meta.db_table,
        [str(f.column) for f in fields],
        ([default if i is None else row[i] for i, default in getters] for row in rows),
    )


class Spool:
    """A temporary table that holds checked rows between the reading pass and the write.

    An import reads and checks the whole file before it writes anything (all or nothing);
    keeping every checked row in memory until then would grow with the file. The rows go
    here instead, a batch at a time, and the write moves them with INSERT … SELECT. The
    table lives in the connection's session (not in a transaction: a web upload commits
    its progress meanwhile) until `drop`.
    """

    def __init__(self, name: str, columns: Sequence[tuple[str, str]]):
        self.name = name
        self.columns = [c for c, _type in columns]
        quoted = connection.ops.quote_name
        spec = ", ".join(f"{quoted(c)} {t}" for c, t in columns)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {quoted(name)}")
            cursor.execute(f"CREATE TEMPORARY TABLE {quoted(name)} ({spec})")
        self.rows = 0

    @classmethod
    def of(
        cls,
        name: str,
        model: type[models.Model],
        names: Sequence[str],
        extra: Sequence[tuple[str, str]] = (),
    ) -> "Spool":
        """A spool whose columns are the model's fields `names` (attnames) and `extra`
        (name, SQL type) pairs."""
        types = [(n, str(model._meta.get_field(n).db_type(connection))) for n in names]
        return cls(name, [*types, *extra])

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        self.rows += copy_rows(self.name, self.columns, rows)

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(self.name)}")


def insert_select(
    model: type[models.Model],
    given: dict[str, str],
    source: str,
    *,
    fixed: dict[str, Any] | None = None,
) -> int:
    """INSERT INTO the model's table the rows of a SELECT and return their count.

    `given` maps attnames to SQL expressions over `source` (the FROM clause onwards, the
    caller's own SQL, no parameters), `fixed` attnames to one value for every row; every
    other field gets its default, as in `insert_rows`.
    """
    fixed = fixed or {}
    fields = _fields(model, [*given, *fixed])
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    quoted = connection.ops.quote_name
    columns, exprs, values = [], [], []
    for f in fields:
        columns.append(quoted(str(f.column)))
        if f.attname in given:
            exprs.append(given[f.attname])
            continue
        exprs.append("%s")
        values.append(fixed[f.attname] if f.attname in fixed else _default(f, now))
    sql = (
        f"INSERT INTO {quoted(model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(exprs)} {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return max(cursor.rowcount, 0)


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a big import builds its rows.

    The rows hold no reference cycles, and with a few hundred thousand live objects each
    collection walks them all again: pausing it makes the import about a quarter faster.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def records(
    table: Any, columns: list[str | None], ctx: ImportContext, report: ImportReport
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, {key: cell}) for each data row; a value under a blank header is an error.

    `columns` comes from `resolve_header`: a key, "" for a column already refused (unknown
    or repeated: reported once, at the header), None for a blank header cell.
    """
    width = len(columns)
    blank = [i for i, key in enumerate(columns) if key is None]
    for line, cells in table.rows:
        report.rows += 1
        ctx.progress(report.rows)
        stray = any(_filled(cells[i]) for i in blank if i < len(cells)) or any(
            _filled(v) for v in cells[width:]
        )
        if stray:
            report.errors.append(
                RowError(line, None, _("A value stands in a column without a name."))
            )
        yield line, {key: value for key, value in zip(columns, cells, strict=False) if key}


def _filled(value: Any) -> bool:
    return value is not None and bool(str(value).strip())
