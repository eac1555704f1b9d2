"""Reading a CSV or XLSX file one row at a time: the header, then (line number, cells).

Nothing is loaded whole: a CSV is decoded line by line (so a byte that is not UTF-8 is
reported with its line), and a workbook is read with openpyxl's read-only mode. The
line number of a row is the one a spreadsheet shows: the header is line 1.
"""

import codecs
import csv
import itertools
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.utils.translation import gettext as _

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


class FileProblem(Exception):
    """The file as a whole cannot be read (wrong format, wrong encoding, empty)."""

    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Table:
    header: list[Any]
    rows: Iterator[tuple[int, list[Any]]]  # (line, cells) of each non-blank data row
    total_hint: int  # about how many data rows (for a progress bar)


def file_format(name: str) -> str:
    """'csv' or 'xlsx', from the file name."""
    fmt = FORMATS.get(PurePath(name).suffix.lower())
    if fmt is None:
        raise FileProblem(_("Use a .csv or .xlsx file."))
    return fmt


@contextmanager
def open_table(source: IO[bytes], *, fmt: str, kind: str) -> Iterator[Table]:
    """The table in `source` (an open binary file). Raises FileProblem."""
    if fmt == "csv":
        yield _csv_table(source)
        return
    yield from _xlsx_table(source, kind)


# --- CSV -----------------------------------------------------------------------------------


class _Lines:
    """The lines of a binary file decoded as UTF-8 (a leading BOM dropped), counted."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        for chunk in self.raw:
            self.number += 1
            if self.number == 1:
                if chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    raise FileProblem(_not_utf8(1), line=1)
                chunk = chunk.removeprefix(codecs.BOM_UTF8)
            try:
                yield chunk.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FileProblem(_not_utf8(self.number), line=self.number) from exc


def _not_utf8(line: int) -> str:
    return _(
        "The file is not UTF-8 text (line %(line)d). Save it as “CSV UTF-8” and upload it again."
    ) % {"line": line}


def _count_outside_quotes(line: str, mark: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == mark and not quoted:
            count += 1
    return count


def _count_lines(source: IO[bytes]) -> int:
    start = source.tell()
    count = 0
    for block in iter(lambda: source.read(1 << 20), b""):
        count += block.count(b"\n")
    source.seek(start)
    return count


def _csv_table(source: IO[bytes]) -> Table:
    total = max(0, _count_lines(source) - 1)
    lines = _Lines(source)
    stream = iter(lines)
    first = next(stream, None)
    if first is None or not first.strip():
        raise FileProblem(_("The first line must hold the column names."), line=1)
    # A comma or a semicolon (what Excel writes where the decimal mark is a comma).
    delimiter = (
        ";" if _count_outside_quotes(first, ";") > _count_outside_quotes(first, ",") else ","
    )
    reader = csv.reader(itertools.chain([first], stream), delimiter=delimiter)
    header = next(reader)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        while True:
            line = lines.number + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileProblem(
                    _("Line %(line)d cannot be read as CSV (%(reason)s).")
                    % {"line": line, "reason": exc},
                    line=line,
                ) from exc
            if any(c.strip() for c in cells):
                yield line, list(cells)

    return Table(header=list(header), rows=rows(), total_hint=total)


# --- XLSX ----------------------------------------------------------------------------------


def _xlsx_table(source: IO[bytes], kind: str) -> Iterator[Table]:
    import openpyxl  # imported here: only workbook imports pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileProblem(_("The file is not an XLSX workbook.")) from exc
    try:
        sheets = {ws.title.strip().lower(): ws for ws in book.worksheets}
        sheet = sheets.get(kind) or (book.worksheets[0] if book.worksheets else None)
        if sheet is None:
            raise FileProblem(_("The workbook has no sheet."))
        stream = sheet.iter_rows(values_only=True)
        header = next(stream, None)
        if header is None or all(_blank(c) for c in header):
            raise FileProblem(_("The first line must hold the column names."), line=1)
        total = max(0, (sheet.max_row or 1) - 1)

        def rows() -> Iterator[tuple[int, list[Any]]]:
            for line, cells in enumerate(stream, start=2):
                if any(not _blank(c) for c in cells):
                    yield line, list(cells)

        yield Table(header=list(header), rows=rows(), total_hint=total)
    finally:
        book.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
