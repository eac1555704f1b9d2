"""`chibo import classes FILE`: awareness-class attendance, the source pool (INTERCHANGE.md).

One row is one person in one class: `person_id, full_name, birth_date, occupation,
org_code, class_code, class_ended_on, passed`. Rows are matched on (class_code,
person_id): an attendance already recorded with the same result is unchanged, one with
the other result is updated, any other is created.

- A new `person_id` puts the person on the list of sympathizers of the sending unit (a
  live cell in the importer's scope), with no gender (the file has none) and `other` as
  the proposing mass organization, proposed on the day the class starts (or ends).
  A person already recorded keeps their data: a row giving another name, birth date or
  unit for them is an error, never an edit. Their occupation is not compared (it may
  have changed since): the recorded one stays.
- A new `class_code` creates the class, ending on `class_ended_on` and organized by the
  committee above the sending units (`_organizer`). A class already recorded with
  another end day is an error.
- `passed` is yes/no, có/không, true/false or 1/0. A class that has not ended yet may
  list its attendees, not their results.

Every row is checked first, against the file and the database; one bad row and nothing
is written. The writes go through the services, each with its audit row.
"""

import datetime as dt
import functools
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from chibo.core.errors import DomainError
from chibo.core.text import fold
from chibo.members.interchange import columns as col
from chibo.members.interchange import people
from chibo.members.interchange.base import (
    ImportContext,
    ImportReport,
    Rejected,
    RowError,
    UnitRef,
    Units,
    chunks,
    records,
)
from chibo.orgs.kinds import can_hold_members
from chibo.orgs.models import Organization

from .models import Attendance, AwarenessClass, Candidate
from .services import attendance_record, candidate_import, class_create

COLUMNS = (
    col.Column("person_id", "Mã người", required=True),
    col.Column("full_name", "Họ và tên", required=True),
    col.Column("birth_date", "Ngày sinh", required=True),
    col.Column("occupation", "Nghề nghiệp"),
    col.Column("org_code", "Mã đơn vị", required=True),
    col.Column("class_code", "Mã lớp", required=True),
    col.Column("class_ended_on", "Ngày bế giảng", required=True),
    col.Column("passed", "Đạt", required=True),
)

_PASSED = {
    "yes": True,
    "co": True,  # có
    "true": True,
    "1": True,
    "no": False,
    "khong": False,  # không
    "false": False,
    "0": False,
}


def passed(value: Any) -> bool | None:
    """yes/no, có/không, true/false, 1/0 in any case (None for an empty cell). Raises CellError."""
    raw = col.text(value)
    if not raw:
        return None
    found = _PASSED.get(fold(raw))
    if found is None:
        raise col.CellError(
            _("“%(value)s” is neither yes nor no (có/không, true/false, 1/0).") % {"value": raw}
        )
    return found


READERS = (
    ("person_id", col.code),
    ("full_name", people.full_name),
    ("birth_date", col.date),
    ("occupation", people.occupation),
    ("org_code", col.code),
    ("class_code", functools.partial(col.text, max_length=64)),
    ("class_ended_on", col.date),
    ("passed", passed),
)
REQUIRED = ("person_id", "birth_date", "org_code", "class_code", "class_ended_on", "passed")
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
# The column a service's refusal points at (by the field the service names).
SERVICE_FIELDS = {
    "person_id": "person_id",
    "given_name": "full_name",
    "birth_date": "birth_date",
    "occupation": "occupation",
    "org": "org_code",
    "code": "class_code",
    "ended_on": "class_ended_on",
    "passed": "passed",
}


def _same_name(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).split()).casefold()

    return norm(a) == norm(b)


def _full(name: tuple[str, str, str]) -> str:
    return " ".join(p for p in name if p)


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(slots=True)
class ClassRow:
    line: int
    person_id: str
    name: tuple[str, str, str]
    birth_date: dt.date
    occupation: str
    org: UnitRef
    class_code: str
    ended_on: dt.date
    passed: bool
    outcome: str = CREATED
    certificate_no: str = ""  # the recorded one, kept when the result changes


@dataclass(slots=True)
class KnownPerson:
    pk: int
    name: str
    birth_date: dt.date
    org_id: int
    org_path: str
    org_code: str


class ClassImport:
    kind = "classes"

    def __init__(self, ctx: ImportContext, report: ImportReport):
        self.ctx = ctx
        self.report = report
        self.units: Units | None = None
        self.rows: list[ClassRow] = []
        self.organizers: dict[str, int] = {}  # new class code → the id of its organizing unit
        self.touched: list[str] = []
        self.stat_changes: list[tuple[list[Any], list[Any]]] = []  # no member events here

    def error(self, line: int, column: str | None, message: str) -> None:
        self.report.errors.append(RowError(line, column, message))

    # --- reading ------------------------------------------------------------------------

    def read(self, table: Any, columns: list[str | None]) -> None:
        self.units = Units()
        rows = self._read_file(table, columns)
        people_known = self._people([r.person_id for r in rows])
        classes_known = dict(
            AwarenessClass.objects.filter(code__in={r.class_code for r in rows}).values_list(
                "code", "ended_on"
            )
        )
        attended = self._attendances(rows)
        for row in rows:
            bad = len(self.report.errors)
            known = people_known.get(row.person_id)
            if known is not None:
                self._compare(row, known)
            ended_on = classes_known.get(row.class_code)
            if ended_on is not None and ended_on != row.ended_on:
                self.error(
                    row.line,
                    "class_ended_on",
                    _("The class %(code)s is recorded as ending on %(day)s.")
                    % {"code": row.class_code, "day": _d(ended_on)},
                )
            if len(self.report.errors) > bad:
                continue
            recorded = attended.get((row.class_code, row.person_id))
            if recorded is None:
                row.outcome = CREATED
            elif recorded[0] == row.passed:
                row.outcome = UNCHANGED
            else:
                row.outcome, row.certificate_no = UPDATED, recorded[1]
            self.rows.append(row)
            setattr(self.report, row.outcome, getattr(self.report, row.outcome) + 1)
        if not self.report.errors:
            self._choose_organizers(set(classes_known))

    def _read_file(self, table: Any, columns: list[str | None]) -> list[ClassRow]:
        """The rows of the file, each checked alone and against the rows above it."""
        rows: list[ClassRow] = []
        pairs: dict[tuple[str, str], int] = {}
        first_of_person: dict[str, ClassRow] = {}
        first_of_class: dict[str, ClassRow] = {}
        for line, rec in records(table, columns, self.ctx, self.report):
            row = self._parse(line, rec)
            if row is None:
                continue
            pair = (row.class_code, row.person_id)
            if pair in pairs:
                self.error(
                    line,
                    "person_id",
                    _("This person is also in class %(code)s on line %(line)d.")
                    % {"code": row.class_code, "line": pairs[pair]},
                )
                continue
            bad = len(self.report.errors)
            person = first_of_person.setdefault(row.person_id, row)
            if person is not row:
                self._compare_with_line(row, person)
            klass = first_of_class.setdefault(row.class_code, row)
            if klass is not row and klass.ended_on != row.ended_on:
                self.error(
                    line,
                    "class_ended_on",
                    _("The class %(code)s ends on %(day)s on line %(line)d.")
                    % {"code": row.class_code, "day": _d(klass.ended_on), "line": klass.line},
                )
            if len(self.report.errors) > bad:
                continue
            pairs[pair] = line
            rows.append(row)
        return rows

    def _parse(self, line: int, rec: dict[str, Any]) -> ClassRow | None:
        errors = self.report.errors
        bad = len(errors)
        values = col.read_cells(line, rec, READERS, errors, RowError)
        for key in REQUIRED:
            if key in values and values[key] in (None, ""):
                self.error(line, key, _("A value is required."))
        born = values.get("birth_date")
        if born and born > self.ctx.today:
            self.error(line, "birth_date", _("The date is in the future."))
        ended_on = values.get("class_ended_on")
        if values.get("passed") and ended_on and ended_on > self.ctx.today:
            self.error(line, "passed", _("A class that has not ended yet has no results."))
        unit = self._sending_unit(line, values.get("org_code"))
        if len(errors) > bad or unit is None:
            return None
        return ClassRow(
            line=line,
            person_id=values["person_id"],
            name=values["full_name"],
            birth_date=values["birth_date"],
            occupation=values.get("occupation") or people.occupation(None),
            org=unit,
            class_code=values["class_code"],
            ended_on=values["class_ended_on"],
            passed=values["passed"],
        )

    def _sending_unit(self, line: int, code: str | None) -> UnitRef | None:
        if not code:
            return None
        assert self.units is not None
        unit = self.units.by_code.get(code)
        if unit is None or not self.ctx.in_scope(unit.path):
            self.error(line, "org_code", self.ctx.no_unit(code))
            return None
        live = unit.status == Organization.Status.ACTIVE and unit.is_live_on(self.ctx.today)
        if not can_hold_members(unit.kind) or not live:
            self.error(
                line,
                "org_code",
                _("Sympathizers are kept by a live cell; %(unit)s is not one.")
                % {"unit": unit.name},
            )
            return None
        return unit

    def _compare_with_line(self, row: ClassRow, first: ClassRow) -> None:
        """A person on several lines must be the same person on each."""
        differs = [
            ("full_name", not _same_name(_full(row.name), _full(first.name))),
            ("birth_date", row.birth_date != first.birth_date),
            ("org_code", row.org.pk != first.org.pk),
        ]
        for column, different in differs:
            if different:
                self.error(
                    row.line,
                    column,
                    _("The person %(id)s is on line %(line)d with another value here.")
                    % {"id": row.person_id, "line": first.line},
                )

    def _people(self, person_ids: list[str]) -> dict[str, KnownPerson]:
        out: dict[str, KnownPerson] = {}
        fields = ("person_id", "pk", "family_name", "middle_name", "given_name", "birth_date")
        for part in chunks(sorted(set(person_ids))):
            for values in Candidate.objects.filter(person_id__in=part).values_list(
                *fields, "org_id", "org__path", "org__code"
            ):
                pid, pk, family, middle, given, born, org_id, path, code = values
                out[pid] = KnownPerson(pk, _full((family, middle, given)), born, org_id, path, code)
        return out

    def _compare(self, row: ClassRow, known: KnownPerson) -> None:
        """A person already recorded keeps their data; the file may not change it."""
        if not self.ctx.in_scope(known.org_path):
            self.error(
                row.line,
                "person_id",
                _("The person %(id)s is kept by a unit outside your scope.")
                % {"id": row.person_id},
            )
            return
        if not _same_name(_full(row.name), known.name):
            self.error(
                row.line,
                "full_name",
                _("The person %(id)s is recorded as %(name)s; the file cannot change it.")
                % {"id": row.person_id, "name": known.name},
            )
        if row.birth_date != known.birth_date:
            self.error(
                row.line,
                "birth_date",
                _("The person %(id)s is recorded as born on %(day)s; the file cannot change it.")
                % {"id": row.person_id, "day": _d(known.birth_date)},
            )
        if row.org.pk != known.org_id:
            self.error(
                row.line,
                "org_code",
                _("The person %(id)s is kept by unit %(code)s.")
                % {"id": row.person_id, "code": known.org_code},
            )

    def _attendances(self, rows: list[ClassRow]) -> dict[tuple[str, str], tuple[bool, str]]:
        """(class code, person id) → (passed, certificate number) as recorded."""
        codes = sorted({r.class_code for r in rows})
        person_ids = {r.person_id for r in rows}
        out: dict[tuple[str, str], tuple[bool, str]] = {}
        for part in chunks(codes):
            found = Attendance.objects.filter(awareness_class__code__in=part).values_list(
                "awareness_class__code", "candidate__person_id", "passed", "certificate_no"
            )
            for code, pid, result, certificate in found.iterator(chunk_size=5000):
                if pid in person_ids:
                    out[(code, pid)] = (result, certificate)
        return out

    def _choose_organizers(self, recorded: set[str]) -> None:
        """The unit each new class is organized by: the committee directly above its sending
        unit (the unit itself when it is the root). When the file sends people from several
        units, the deepest unit above all of them; a web upload keeps it inside its subtree."""
        assert self.units is not None
        heads: dict[str, list[UnitRef]] = {}
        for row in self.rows:
            if row.class_code in recorded:
                continue
            unit = row.org
            head = self.units.get(unit.parent_id) if unit.parent_id else unit
            heads.setdefault(row.class_code, []).append(head)
        for code, units in heads.items():
            organizer = self._common(units)
            root = self.ctx.root
            if root is not None and not self.ctx.in_scope(organizer.path):
                self.organizers[code] = root.pk
            else:
                self.organizers[code] = organizer.pk

    def _common(self, units: list[UnitRef]) -> UnitRef:
        """The deepest unit whose subtree holds every one of `units`."""
        assert self.units is not None
        found: UnitRef | None = units[0]
        paths = {u.path for u in units}
        while found is not None and not all(p.startswith(found.path) for p in paths):
            found = self.units.get(found.parent_id) if found.parent_id else None
        return found or units[0]

    # --- writing ------------------------------------------------------------------------

    def write(self) -> None:
        writes = [r for r in self.rows if r.outcome != UNCHANGED]
        if not writes:
            return
        orgs = Organization.objects.in_bulk(
            {r.org.pk for r in writes} | set(self.organizers.values())
        )
        person_ids = sorted({r.person_id for r in writes})
        candidates = {
            c.person_id: c
            for part in chunks(person_ids)
            for c in Candidate.objects.filter(person_id__in=part).select_related("org")
        }
        classes = {
            k.code: k
            for k in AwarenessClass.objects.filter(code__in={r.class_code for r in writes})
        }
        for row in writes:
            try:
                self._write(row, orgs, candidates, classes)
            except DomainError as exc:  # the rows were checked: only a race comes here
                column = SERVICE_FIELDS.get(exc.field or "")
                raise Rejected([RowError(row.line, column, str(exc))]) from exc
            self.touched.append(row.org.path)

    def _write(
        self,
        row: ClassRow,
        orgs: dict[int, Organization],
        candidates: dict[str, Candidate],
        classes: dict[str, AwarenessClass],
    ) -> None:
        klass = classes.get(row.class_code)
        if klass is None:
            klass = classes[row.class_code] = class_create(
                actor=self.ctx.actor,
                org=orgs[self.organizers[row.class_code]],
                code=row.class_code,
                ended_on=row.ended_on,
            )
        candidate = candidates.get(row.person_id)
        if candidate is None:
            family, middle, given = row.name
            candidate = candidates[row.person_id] = candidate_import(
                actor=self.ctx.actor,
                org=orgs[row.org.pk],
                person_id=row.person_id,
                family_name=family,
                middle_name=middle,
                given_name=given,
                birth_date=row.birth_date,
                occupation=row.occupation,
                proposed_on=min(klass.started_on or klass.ended_on, self.ctx.today),
            )
        attendance_record(
            actor=self.ctx.actor,
            awareness_class=klass,
            candidate=candidate,
            passed=row.passed,
            certificate_no=row.certificate_no,
        )
