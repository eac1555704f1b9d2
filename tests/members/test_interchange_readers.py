"""Reading CSV and XLSX files (chibo.members.interchange.readers) and resolving headers.

The helpers at the top write the files the other interchange tests import.
"""

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.utils import translation

from chibo.members.interchange import columns as col
from chibo.members.interchange.readers import FileProblem, file_format, open_table

DOCS = Path(__file__).resolve().parents[2] / "docs" / "interchange.md"


# --- helpers (imported by the other interchange tests) -------------------------------------


def csv_bytes(
    rows: list[list[Any]], *, delimiter: str = ",", bom: bool = False, encoding: str = "utf-8"
) -> bytes:
    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        if delimiter in text or '"' in text or "\n" in text:
            text = '"' + text.replace('"', '""') + '"'
        return text

    body = "".join(delimiter.join(cell(v) for v in row) + "\r\n" for row in rows)
    return (b"\xef\xbb\xbf" if bom else b"") + body.encode(encoding)


def write_csv(path: Path, rows: list[list[Any]], **options: Any) -> Path:
    path.write_bytes(csv_bytes(rows, **options))
    return path


def write_xlsx(
    path: Path, rows: list[list[Any]], *, sheet: str = "Sheet1", before: int = 0
) -> Path:
    """A real workbook made with openpyxl; `before` adds that many other sheets in front."""
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    if before:
        first.title = "Ghi chú"
        first.append(["not", "this", "sheet"])
        for i in range(1, before):
            book.create_sheet(f"Other {i}")
        ws = book.create_sheet(sheet)
    else:
        ws = first
        ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def read_all(data: bytes, fmt: str = "csv", kind: str = "members") -> tuple[list, list]:
    with open_table(io.BytesIO(data), fmt=fmt, kind=kind) as table:
        return table.header, list(table.rows)


# --- CSV ----------------------------------------------------------------------------------------


def test_a_bom_and_semicolons_are_understood():
    data = csv_bytes([["Mã", "Tên đơn vị"], ["BT", "Tỉnh ủy; Bình Thuận"]], delimiter=";", bom=True)
    header, rows = read_all(data)
    assert header == ["Mã", "Tên đơn vị"]
    assert rows == [(2, ["BT", "Tỉnh ủy; Bình Thuận"])]


def test_blank_lines_are_skipped_and_lines_keep_their_numbers():
    data = b'a,b\n1,2\n\n,\n3,"multi\nline"\n5,6\n'
    _header, rows = read_all(data)
    assert rows == [(2, ["1", "2"]), (5, ["3", "multi\nline"]), (7, ["5", "6"])]


def test_a_file_that_is_not_utf8_is_refused_with_its_line():
    data = "member_id,full_name\nM1,An\nM2,Lê Văn Đê\n".encode("cp1258")  # a Windows encoding
    with pytest.raises(FileProblem) as caught:
        read_all(data)
    assert caught.value.line == 3
    assert "UTF-8" in caught.value.message


def test_utf16_is_refused_at_line_one():
    with pytest.raises(FileProblem) as caught:
        read_all("member_id\nM1\n".encode("utf-16"))
    assert caught.value.line == 1


def test_an_empty_file_is_refused():
    with pytest.raises(FileProblem):
        read_all(b"")


def test_only_csv_and_xlsx_are_read():
    assert file_format("a.CSV") == "csv" and file_format("x/b.xlsx") == "xlsx"
    with pytest.raises(FileProblem):
        file_format("roster.xls")


# --- XLSX ---------------------------------------------------------------------------------------


def test_a_workbook_is_read_from_its_first_sheet(tmp_path):
    path = write_xlsx(
        tmp_path / "a.xlsx", [["code", "name"], ["BT", "Tỉnh ủy"], [None, None], ["D1", "A"]]
    )
    header, rows = read_all(path.read_bytes(), "xlsx", "orgs")
    assert header == ["code", "name"]
    assert rows == [(2, ["BT", "Tỉnh ủy"]), (4, ["D1", "A"])]


def test_the_sheet_named_after_the_kind_wins(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [["code"], ["BT"]], sheet="Orgs", before=2)
    header, rows = read_all(path.read_bytes(), "xlsx", "orgs")
    assert header == ["code"] and rows == [(2, ["BT"])]


def test_date_cells_stay_dates(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [["birth_date"], [dt.date(1990, 5, 6)]])
    _header, rows = read_all(path.read_bytes(), "xlsx")
    assert col.date(rows[0][1][0]) == dt.date(1990, 5, 6)


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(FileProblem):
        read_all(b"member_id\nM1\n", "xlsx")


# --- headers and cells ----------------------------------------------------------------------------


def test_headers_match_keys_and_vietnamese_labels_whatever_the_accents():
    found, problems = col.resolve_header(
        "members", ["Mã đảng viên", "HỌ VÀ TÊN", "ngay sinh", "gender", "Mã  đơn vị", "admitted_on"]
    )
    assert problems == []
    assert found == ["member_id", "full_name", "birth_date", "gender", "org_code", "admitted_on"]


def test_unknown_repeated_and_missing_columns_are_reported():
    found, problems = col.resolve_header(
        "orgs", ["code", "Mã", "name", "kind", "colour", None, "parent_code"]
    )
    assert found == ["code", "", "name", "kind", "", None, "parent_code"]
    assert [p.column for p in problems] == ["code", "colour"]
    _found, problems = col.resolve_header("orgs", ["code", "name"])
    assert {p.column for p in problems} == {"parent_code", "kind"}


def test_labels_do_not_collide_within_a_file():
    for kind, columns in col.COLUMNS.items():
        owners: dict[str, str] = {}
        for c in columns:
            for name in (col._header_key(c.key), col._header_key(c.label)):
                assert owners.setdefault(name, c.key) == c.key, (kind, name)


def test_the_docs_list_every_column_with_its_label():
    text = DOCS.read_text(encoding="utf-8")
    for kind, columns in col.COLUMNS.items():
        section = text.split(f"### {kind} ")[1].split("###")[0]
        documented = re.findall(r"^\| (\w+) \| ([^|]+?) \|", section, flags=re.MULTILINE)
        documented = [(k, label) for k, label in documented if k != "key"]
        assert documented == [(c.key, c.label) for c in columns], kind


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("29/02/2024", dt.date(2024, 2, 29)),
        ("5/6/1990", dt.date(1990, 6, 5)),
        (dt.datetime(2020, 1, 2, 0, 0, tzinfo=dt.UTC), dt.date(2020, 1, 2)),
        ("", None),
        (None, None),
    ],
)
def test_dates_are_iso_or_day_first(raw, day):
    assert col.date(raw) == day


@pytest.mark.parametrize(
    "raw", ["31/02/2020", "2023-02-29", "2020/01/02", "02-01-2020", "tomorrow", "44927"]
)
def test_impossible_or_unknown_dates_are_refused(raw):
    with translation.override("en"), pytest.raises(col.CellError):
        col.date(raw)


def test_choices_take_keys_and_labels_in_both_languages():
    assert col.choice("Nữ", "gender") == "female"
    assert col.choice("nam", "gender") == "male"
    assert col.choice("Chi bộ cơ sở", "org_kind") == "grassroots_cell"
    assert col.choice("Grassroots cell", "org_kind") == "grassroots_cell"
    assert col.choice("non_state_enterprise", "sector") == "non_state_enterprise"
    assert col.choice("died", "event_kind") == "died"
    with pytest.raises(col.CellError):
        col.choice("voided", "event_kind")
    with pytest.raises(col.CellError):
        col.choice("other planet", "sector")


def test_numbers_stored_by_a_workbook_get_their_zeros_back():
    assert col.national_id(12345678901) == "012345678901"
    assert col.national_id("012345678901") == "012345678901"
    assert col.phone(912345678) == "0912345678"
    with pytest.raises(col.CellError):
        col.national_id("12345")
