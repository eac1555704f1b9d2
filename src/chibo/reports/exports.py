"""Reports and the member list as files people open: XLSX and CSV here, PDF in `pdf`.

Each report becomes a `Document` (a title, a few lines saying what it covers, tables of
plain values); one writer per format turns any document into a file. Values stay typed
until the writer: numbers and dates are real cells in XLSX, ISO text in CSV (for
machines), and written the reader's way in PDF (for people). Rows may be a generator, so
the member list streams from the database to the file without being held in memory.
"""

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from chibo.core.text import fold
from chibo.members.models import Gender, Member, Occupation, Status
from chibo.orgs.kinds import Kind
from chibo.orgs.models import Organization

from .formats import flatten

FONT_DIR = Path(__file__).resolve().parent / "fonts"
PDF_MAX_ROWS = 5000
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX_MIME, "csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


@dataclass
class Table:
    header: list[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[float] = ()  # relative column widths in the PDF (equal if empty)
    numeric: Sequence[int] = ()  # columns right-aligned in the PDF


@dataclass
class Document:
    title: str
    about: list[tuple[str, str]]  # (label, value) lines under the title
    tables: list[Table]
    stem: str  # the file name without its extension
    note: str = ""
    landscape: bool = False
    created: dt.datetime = field(default_factory=timezone.localtime)

    def filename(self, fmt: str) -> str:
        return f"{self.stem}.{fmt}"


def _stem(title: str, *parts: object) -> str:
    """A file name: "Báo cáo tổng hợp", "BT", 2024 → "bao-cao-tong-hop-BT-2024" (plain ASCII)."""
    words = [slugify(fold(title))]
    for part in parts:
        text = str(part)
        plain = text.replace("-", "").replace("_", "")
        words.append(text if plain.isascii() and plain.isalnum() else slugify(fold(text)))
    return "-".join(w for w in words if w)


def _day(value: str | dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _period_line(start: str | dt.date, end: str | dt.date) -> tuple[str, str]:
    first, last = (formats.date_format(_day(d), "SHORT_DATE_FORMAT") for d in (start, end))
    return (_("Period"), f"{first} – {last}")


def _unit_line(org: Organization) -> tuple[str, str]:
    return (_("Unit"), f"{org.name} ({org.code})")


# --- The reports ---------------------------------------------------------------------------


def flow_labels() -> dict[str, str]:
    """The translated name of each flow of the summary, in the order the dashboard shows."""
    return {
        "admitted": _("Admissions"),
        "recognized": _("Recognitions as official"),
        "transferred_in": _("Transfers in"),
        "transferred_out": _("Transfers out"),
        "removed": _("Removals from the list"),
        "expelled": _("Expulsions"),
        "left": _("Leavings"),
        "died": _("Deaths"),
        "reinstated": _("Reinstatements"),
        "probation_failed": _("Probations failed"),
    }


def _summary_label(key: str) -> str:
    fixed = {
        "org": _("Unit code"),
        "start": _("From"),
        "end": _("To"),
        "members_at_start": _("Members at the start"),
        "members_at_end": _("Members at the end"),
        "official_at_end": _("Official members at the end"),
        "probationary_at_end": _("Probationary members at the end"),
        "admission_target": _("Admission target"),
        "admission_attainment_percent": _("Admission target attained (%)"),
        "admission_rate_percent": _("Admission rate (%)"),
        "total": _("Total"),
    }
    if key in fixed:
        return fixed[key]
    group, _dot, name = key.partition(".")
    if group == "events":
        return flow_labels().get(name, name)
    if group == "units":
        return _("Units: %(kind)s") % {"kind": Kind(name).label}
    if group == "by_kind":
        return flow_labels().get(name, name)
    if group == "by_reason":
        reason = _("not given") if name == "unspecified" else name
        return _("Reason: %(reason)s") % {"reason": reason}
    return key


def _key_value_rows(report: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for key, value in flatten(report):
        if key in ("start", "end"):
            value = _day(value)
        elif key.endswith("_percent"):
            value = _decimal(value)
        rows.append([_summary_label(key), value, key])
    return rows


def _key_value_table(report: dict[str, Any]) -> Table:
    return Table(
        header=[_("Figure"), _("Value"), _("Key")],
        rows=_key_value_rows(report),
        widths=(6, 2, 4),
        numeric=(1,),
    )


def summary_document(report: dict[str, Any], *, org: Organization) -> Document:
    title = _("Summary report")
    return Document(
        title=title,
        about=[_unit_line(org), _period_line(report["start"], report["end"])],
        tables=[_key_value_table(report)],
        stem=_stem(title, org.code, report["start"], report["end"]),
    )


def screening_document(report: dict[str, Any], *, org: Organization) -> Document:
    title = _("Screening report")
    return Document(
        title=title,
        about=[_unit_line(org), _period_line(report["start"], report["end"])],
        tables=[_key_value_table(report)],
        stem=_stem(title, org.code, report["start"], report["end"]),
    )


def ranking_document(report: dict[str, Any], *, org: Organization) -> Document:
    title = _("Ranking of the subunits")
    rows = [[r["rank"], r["org"], r["name"], _decimal(r["value"])] for r in report["rows"]]
    return Document(
        title=title,
        about=[
            _unit_line(org),
            (_("Year"), str(report["year"])),
            (_("Ranked by"), _("Admission rate (%)")),
        ],
        tables=[
            Table(
                header=[_("Rank"), _("Code"), _("Unit"), _("Admission rate (%)")],
                rows=rows,
                widths=(1.2, 2, 7, 2.5),
                numeric=(0, 3),
            )
        ],
        stem=_stem(title, org.code, report["year"]),
    )


# --- The member list -----------------------------------------------------------------------


def member_header() -> list[str]:
    return [
        _("Member id"),
        _("Full name"),
        _("Birth date"),
        _("Gender"),
        _("Unit code"),
        _("Unit"),
        _("Status"),
        _("Admitted on"),
        _("Recognized on"),
        _("Occupation"),
    ]


def member_rows(members: QuerySet[Member], *, limit: int | None = None) -> Iterator[list[Any]]:
    """The rows of the member list, read in chunks (a large list never sits in memory).

    The labels are translated now, in the request's language: a streamed file is written
    after the view has returned.
    """
    labels = {
        name: {value: str(label) for value, label in choices}
        for name, choices in (
            ("gender", Gender.choices),
            ("status", Status.choices),
            ("occupation", Occupation.choices),
        )
    }
    qs = members.values_list(
        "member_code",
        "family_name",
        "middle_name",
        "given_name",
        "birth_date",
        "gender",
        "org__code",
        "org__name",
        "status",
        "admitted_on",
        "recognized_on",
        "occupation",
    )
    if limit is not None:
        qs = qs[:limit]
    return _member_rows(qs, labels)


def _member_rows(qs: Any, labels: dict[str, dict[str, str]]) -> Iterator[list[Any]]:
    for row in qs.iterator(chunk_size=2000):
        code, family, middle, given, born, gender, unit, unit_name, status, *rest = row
        admitted, recognized, occupation = rest
        yield [
            code,
            " ".join(p for p in (family, middle, given) if p),
            born,
            labels["gender"].get(gender, gender),
            unit,
            unit_name,
            labels["status"].get(status, status),
            admitted,
            recognized,
            labels["occupation"].get(occupation, occupation or ""),
        ]


def members_document(
    members: QuerySet[Member],
    *,
    org: Organization | None,
    filters: list[tuple[str, str]],
    total: int,
    fmt: str,
    actor_label: str,
) -> Document:
    """The member list as a document; a PDF holds at most PDF_MAX_ROWS rows, with a note."""
    title = _("List of party members")
    capped = fmt == "pdf" and total > PDF_MAX_ROWS
    note = ""
    if capped:
        note = _(
            "This PDF holds the first %(shown)s of %(total)s members; download the XLSX or CSV file for the whole list."
        ) % {
            "shown": formats.number_format(PDF_MAX_ROWS, force_grouping=True),
            "total": formats.number_format(total, force_grouping=True),
        }
    created = timezone.localtime()
    about = [
        _unit_line(org) if org else (_("Unit"), _("All units you may see")),
        *filters,
        (_("Members"), formats.number_format(total, force_grouping=True)),
        (
            _("Exported"),
            f"{formats.date_format(created, 'SHORT_DATETIME_FORMAT')} · {actor_label}",
        ),
    ]
    return Document(
        title=title,
        about=about,
        tables=[
            Table(
                header=member_header(),
                rows=member_rows(members, limit=PDF_MAX_ROWS if fmt == "pdf" else None),
                widths=(2.2, 4.6, 2, 1.5, 1.8, 5, 2.2, 2, 2, 2.6),
                numeric=(),
            )
        ],
        stem=_stem(title, org.code if org else "", created.date().isoformat()),
        note=note,
        landscape=True,
        created=created,
    )


# --- CSV -------------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe_text(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return _safe_text(value)
    return str(value)


def csv_chunks(doc: Document, *, batch: int = 500) -> Iterator[str]:
    """The tables as CSV text in chunks: UTF-8 with a byte-order mark (so that Excel reads
    the diacritics), comma-separated, ISO dates, a blank line between tables."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for index, table in enumerate(doc.tables):
        lines = ["\r\n"] if index else []
        lines.append(writer.writerow(table.header))
        for row in table.rows:
            lines.append(writer.writerow([_csv_cell(v) for v in row]))
            if len(lines) >= batch:
                yield "".join(lines)
                lines = []
        if lines:
            yield "".join(lines)


# --- XLSX ------------------------------------------------------------------------------------


def write_xlsx(doc: Document, out: IO[bytes]) -> None:
    """The document as one sheet (title, what it covers, then the tables), in openpyxl's
    write-only mode: rows go to disk as they come."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(doc.title))
    bold, big = Font(bold=True), Font(bold=True, size=14)
    widths = doc.tables[0].widths if doc.tables else ()
    for index, width in enumerate(widths):
        sheet.column_dimensions[_column_letter(index)].width = max(10, width * 5)

    def styled(value: Any, font: Font) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = font
        return cell

    def cell(value: Any) -> Any:
        if isinstance(value, dt.date):
            c = WriteOnlyCell(sheet, value=value)
            c.number_format = "dd/mm/yyyy"
            return c
        if isinstance(value, Decimal):
            c = WriteOnlyCell(sheet, value=value)
            c.number_format = "0.00"
            return c
        if isinstance(value, str) and value.startswith("="):
            c = WriteOnlyCell(sheet, value=value)
            c.data_type = "s"  # text, never a formula
            return c
        return value

    sheet.append([styled(doc.title, big)])
    for label, value in doc.about:
        sheet.append([styled(label, bold), value])
    if doc.note:
        sheet.append([doc.note])
    for table in doc.tables:
        sheet.append([])
        sheet.append([styled(h, bold) for h in table.header])
        for row in table.rows:
            sheet.append([cell(v) for v in row])
    book.save(out)


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31] or "Sheet"


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


REPORT_DOCUMENTS: dict[str, Callable[..., Document]] = {
    "summary": summary_document,
    "ranking": ranking_document,
    "screening": screening_document,
}
