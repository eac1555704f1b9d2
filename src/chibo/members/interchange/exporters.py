"""Exports: the same columns as the imports (English keys as headers), CSV or XLSX.

What goes where, so that a whole-tree export imports back into an empty database:

- orgs: every unit of the subtree in tree order (a parent before its children);
- members: every member whose unit is in the subtree (whatever their status), with the
  personal data, the unit they belong to now and their admission and recognition dates;
- events: the whole effective history of those members (voided events and corrections
  left out), the `admitted` row carrying the person's name, birth date, gender and
  occupation, so that this file alone can create the members.

The faithful order back is orgs, then events (which creates every member with their
history), then members (which adds the personal data the events file has no column for).
A temporary transfer has no column for its end date in the contract and is left out
(counted in `skipped`).
"""

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from chibo.orgs.models import Organization

from ..models import EventKind, Member, MemberEvent
from .columns import keys
from .readers import file_format


@dataclass
class ExportResult:
    kind: str
    rows: int
    org: str | None
    file: str
    skipped: int = 0  # events that the format cannot hold (temporary transfers)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "org": self.org,
            "file": self.file,
            "skipped": self.skipped,
        }


def _members(org: Organization | None) -> QuerySet[Member]:
    qs = Member.objects.all()
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    return qs


def org_rows(org: Organization | None) -> Iterator[list[Any]]:
    qs = Organization.objects.all()
    if org is not None:
        qs = qs.filter(path__startswith=org.path)
    for code, parent, name, kind, sector, established in (
        qs.order_by("path")
        .values_list("code", "parent__code", "name", "kind", "sector", "established_on")
        .iterator(chunk_size=2000)
    ):
        yield [code, parent or "", name, kind, sector, established]


def member_rows(org: Organization | None) -> Iterator[list[Any]]:
    qs = (
        _members(org)
        .order_by("org__path", "member_code")
        .values_list(
            "member_code",
            "family_name",
            "middle_name",
            "given_name",
            "birth_date",
            "gender",
            "national_id",
            "org__code",
            "admitted_on",
            "recognized_on",
            "occupation",
            "ethnicity",
            "religion",
            "education",
            "phone",
            "email",
        )
    )
    for code, family, middle, given, birth, gender, nid, unit, *rest in qs.iterator(
        chunk_size=2000
    ):
        name = " ".join(p for p in (family, middle, given) if p)
        yield [code, name, birth, gender, nid or "", unit, *rest]


def _effective_events(org: Organization | None) -> QuerySet[MemberEvent]:
    qs = MemberEvent.objects.filter(voided_by__isnull=True).exclude(kind=EventKind.VOIDED)
    if org is not None:
        qs = qs.filter(member__org__path__startswith=org.path)
    return qs


def event_rows(org: Organization | None) -> Iterator[list[Any]]:
    qs = (
        _effective_events(org)
        .filter(temporary=False)
        .order_by("member__org__path", "member__member_code", "date", "id")
        .values_list(
            "member__member_code",
            "kind",
            "date",
            "org__code",
            "decision_no",
            "reason",
            "member__family_name",
            "member__middle_name",
            "member__given_name",
            "member__birth_date",
            "member__gender",
            "member__occupation",
        )
    )
    for code, kind, day, unit, number, reason, family, middle, given, *person in qs.iterator(
        chunk_size=2000
    ):
        if kind == EventKind.ADMITTED:
            name = " ".join(p for p in (family, middle, given) if p)
            yield [code, kind, day, unit, number, reason, name, *person]
        else:
            yield [code, kind, day, unit, number, reason, "", "", "", ""]


ROWS = {"orgs": org_rows, "members": member_rows, "events": event_rows}


def export_file(*, kind: str, path: Path, org: Organization | None = None) -> ExportResult:
    """Write the export of `kind` (the subtree of `org`, or everything) to `path`.

    The format follows the extension (.csv: UTF-8 with a BOM so that Excel reads the
    accents, comma-separated, ISO dates; .xlsx: one sheet named after the kind).
    Raises FileProblem for another extension.
    """
    fmt = file_format(path.name)
    rows = ROWS[kind](org)
    header = keys(kind)
    count = (
        _write_csv(path, header, rows) if fmt == "csv" else _write_xlsx(path, kind, header, rows)
    )
    skipped = 0
    if kind == "events":
        skipped = _effective_events(org).filter(temporary=True).count()
    return ExportResult(kind, count, org.code if org else None, str(path), skipped)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _write_csv(path: Path, header: list[str], rows: Iterator[list[Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
            count += 1
    return count


def _write_xlsx(path: Path, kind: str, header: list[str], rows: Iterator[list[Any]]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind)
    sheet.append(header)
    count = 0
    for row in rows:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            else:
                cells.append(None if value in (None, "") else value)
        sheet.append(cells)
        count += 1
    book.save(path)
    return count
