"""The file writers (reports.exports) on small documents: names, CSV, XLSX and PDF."""

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from chibo.members.models import Member
from chibo.reports import exports, pdf
from chibo.reports.exports import Document, Table


def _doc(rows: list[list[object]]) -> Document:
    return Document(
        title="Báo cáo thử",
        about=[("Đơn vị", "Chi bộ thôn 1 (C1)")],
        tables=[Table(header=["Tên", "Số", "Ngày", "Tỷ lệ"], rows=rows, numeric=(1, 3))],
        stem="bao-cao-thu",
    )


def test_file_names_are_ascii_and_keep_the_unit_code():
    assert (
        exports._stem("Báo cáo tổng hợp", "BT", "2024-01-01", "2024-12-31")
        == "bao-cao-tong-hop-BT-2024-01-01-2024-12-31"
    )
    assert (
        exports._stem("Danh sách đảng viên", "", "2026-11-25") == "danh-sach-dang-vien-2026-11-25"
    )
    assert exports._stem("Xếp hạng", "ĐB/1", 2024) == "xep-hang-db1-2024"


def test_csv_has_a_bom_iso_dates_and_defused_formulas():
    doc = _doc(
        [["=HYPERLINK(1)", 3, dt.date(2024, 5, 1), Decimal("5.10")], ["An", None, None, None]]
    )
    text = "".join(exports.csv_chunks(doc))
    assert text.startswith("\ufeffTên,Số,Ngày,Tỷ lệ\r\n")
    assert "'=HYPERLINK(1),3,2024-05-01,5.10\r\n" in text
    assert text.endswith("An,,,\r\n")


def test_csv_comes_in_chunks_for_a_long_list():
    doc = _doc([[f"Người {i}", i, None, None] for i in range(1200)])
    chunks = list(exports.csv_chunks(doc, batch=500))
    assert len(chunks) == 1 + 3  # the byte-order mark, then 1,201 lines by 500
    assert sum(chunk.count("\r\n") for chunk in chunks) == 1201


def test_xlsx_keeps_numbers_dates_and_text_as_such():
    doc = _doc([["=1+1", 3, dt.date(2024, 5, 1), Decimal("5.10")]])
    out = io.BytesIO()
    exports.write_xlsx(doc, out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Báo cáo thử"
    assert rows[1][:2] == ("Đơn vị", "Chi bộ thôn 1 (C1)")
    assert rows[3][:4] == ("Tên", "Số", "Ngày", "Tỷ lệ")
    text, number, day, rate = rows[4][:4]
    assert text == "=1+1" and number == 3 and rate == 5.1
    assert isinstance(day, dt.datetime) and day.date() == dt.date(2024, 5, 1)
    assert sheet.cell(row=5, column=1).data_type == "s"  # text, not a formula


def test_the_pdf_writes_vietnamese_with_the_packaged_font():
    body = pdf.pdf_bytes(
        _doc([["Nguyễn Thị Ánh Tuyết ở Đắk Lắk", 1_234, dt.date(2024, 5, 1), Decimal("5.1")]])
    )
    assert body.startswith(b"%PDF")
    assert b"DejaVuSans" in body and b"DejaVuSans-Bold" in body
    assert (exports.FONT_DIR / "DejaVuSans.ttf").exists()
    assert (exports.FONT_DIR / "LICENSE.txt").read_text().count("Bitstream") >= 1


def test_the_member_pdf_stops_at_the_cap_with_a_note(world, monkeypatch):
    monkeypatch.setattr(exports, "PDF_MAX_ROWS", 2)
    members = Member.objects.order_by("sort_key")
    doc = exports.members_document(
        members, org=None, filters=[], total=members.count(), fmt="pdf", actor_label="alice"
    )
    assert len(list(doc.tables[0].rows)) == 2
    assert "2" in doc.note and "4" in doc.note
    full = exports.members_document(
        members, org=None, filters=[], total=members.count(), fmt="xlsx", actor_label="alice"
    )
    assert len(list(full.tables[0].rows)) == 4 and full.note == ""
