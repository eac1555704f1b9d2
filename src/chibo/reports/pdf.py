"""Documents (reports.exports) as PDF, with the packaged DejaVu Sans so Vietnamese renders.

The tables are drawn by `_Grid`, a flowable that puts its text straight onto the page:
reportlab's own Table lays out every cell as an object and takes tens of seconds for the
5,000 rows a member list may hold; this takes about a second. Cells wrap on spaces; the
header repeats on every page.
"""

import datetime as dt
import io
import threading
from collections.abc import Callable, Collection, Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from .exports import FONT_DIR, Document, Table

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
SIZE, LEADING, PAD = 8.0, 10.0, 3.0
HEAD_FILL = colors.HexColor("#e8edf3")
ZEBRA_FILL = colors.HexColor("#f6f8fa")
RULE = colors.HexColor("#c9d1da")
HEAD_RULE = colors.HexColor("#5b6b7c")
MUTED = colors.HexColor("#5b6b7c")
NOTE = colors.HexColor("#8a3b12")

_fonts_lock = threading.Lock()


def register_fonts() -> None:
    """DejaVu Sans from the package (reports/fonts/), so no system font is needed."""
    with _fonts_lock:
        if FONT in pdfmetrics.getRegisteredFontNames():
            return
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        for bold, italic, name in (
            (0, 0, FONT),
            (1, 0, FONT_BOLD),
            (0, 1, FONT),
            (1, 1, FONT_BOLD),
        ):
            addMapping(FONT, bold, italic, name)


def _date_writer() -> Callable[[dt.date], str]:
    """The active language's short date format, as a fast strftime when it is a plain
    day/month/year pattern (Django's formatter is slow for thousands of dates)."""
    pattern = str(formats.get_format("SHORT_DATE_FORMAT"))
    codes = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y"}
    if all(ch in codes or not ch.isalpha() for ch in pattern) and "\\" not in pattern:
        strftime = "".join(codes.get(ch, ch.replace("%", "%%")) for ch in pattern)
        return lambda day: day.strftime(strftime)
    return lambda day: formats.date_format(day, "SHORT_DATE_FORMAT")


def cell_writer() -> Callable[[Any], str]:
    """value → text written the reader's way (the active language's numbers and dates)."""
    write_date = _date_writer()

    def write(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int):
            return formats.number_format(value, force_grouping=True)
        if isinstance(value, Decimal):
            return formats.number_format(value, decimal_pos=2, force_grouping=True)
        if isinstance(value, dt.date):
            return write_date(value)
        return str(value)

    return write


Row = tuple[float, list[list[str]]]  # (height, the lines of each cell)


def _lines(text: str, font: str, width: float) -> list[str]:
    if pdfmetrics.stringWidth(text, font, SIZE) <= width:
        return [text]  # most cells: one measure, no splitting
    return simpleSplit(text, font, SIZE, width) or [""]


def _row(texts: Sequence[str], widths: Sequence[float], font: str) -> Row:
    cells = [_lines(t, font, w - 2 * PAD) for t, w in zip(texts, widths, strict=True)]
    return (max(len(c) for c in cells) * LEADING + 2 * PAD, cells)


class _Grid(Flowable):  # type: ignore[misc]
    """Rows of text under a header, split across pages by platypus."""

    def __init__(
        self,
        header: Row,
        rows: list[Row],
        widths: Sequence[float],
        numeric: Collection[int],
        height: float | None = None,
    ):
        super().__init__()
        self.header, self.rows = header, rows
        self.widths, self.numeric = list(widths), set(numeric)
        self.width = sum(self.widths)
        # (a split passes the heights on: summing the rest again on every page is quadratic)
        self.height = header[0] + sum(h for h, _c in rows) if height is None else height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        room, taken, used = avail_height - self.header[0], 0, 0.0
        for height, _cells in self.rows:
            if room < height:
                break
            room -= height
            used += height
            taken += 1
        if taken == 0:
            return []
        first, rest = self.rows[:taken], self.rows[taken:]
        return [
            _Grid(self.header, first, self.widths, self.numeric, self.header[0] + used),
            _Grid(self.header, rest, self.widths, self.numeric, self.height - used),
        ]

    def draw(self) -> None:
        canvas = self.canv
        top = self.height
        # backgrounds and rules first, then all the text in one text object
        canvas.setFillColor(HEAD_FILL)
        canvas.rect(0, top - self.header[0], self.width, self.header[0], stroke=0, fill=1)
        y = top - self.header[0]
        canvas.setFillColor(ZEBRA_FILL)
        for index, (height, _cells) in enumerate(self.rows):
            if index % 2:
                canvas.rect(0, y - height, self.width, height, stroke=0, fill=1)
            y -= height
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.25)
        y = top - self.header[0]
        for height, _cells in self.rows:
            y -= height
            canvas.line(0, y, self.width, y)
        canvas.setStrokeColor(HEAD_RULE)
        canvas.setLineWidth(0.8)
        canvas.line(0, top - self.header[0], self.width, top - self.header[0])

        text = canvas.beginText()
        text.setFillColor(colors.black)
        code, write = text._code, text._textOut
        y = top
        for index, (height, cells) in enumerate([self.header, *self.rows]):
            font = FONT_BOLD if index == 0 else FONT
            text.setFont(font, SIZE, LEADING)
            x = 0.0
            for column, (lines, width) in enumerate(zip(cells, self.widths, strict=True)):
                baseline = y - PAD - SIZE
                for line in lines:
                    if column in self.numeric:
                        left = x + width - PAD - pdfmetrics.stringWidth(line, font, SIZE)
                    else:
                        left = x + PAD
                    # The public setTextOrigin/textOut measure every string again and
                    # format numbers slowly; position and write directly (the page is
                    # bottom-up, as platypus makes it).
                    code.append(f"1 0 0 1 {left:.2f} {baseline:.2f} Tm")
                    write(line)
                    baseline -= LEADING
                x += width
            y -= height
        canvas.drawText(text)


def _grid(table: Table, usable: float) -> _Grid:
    weights = list(table.widths) or [1.0] * len(table.header)
    widths = [usable * w / sum(weights) for w in weights]
    header = _row(table.header, widths, FONT_BOLD)
    write = cell_writer()
    rows = [_row([write(v) for v in row], widths, FONT) for row in table.rows]
    return _Grid(header, rows, widths, table.numeric)


def pdf_bytes(doc: Document) -> bytes:
    """The document as a PDF (A4, landscape for wide lists): the title and what it covers,
    then the tables, the page number and the export time at the foot of each page."""
    register_fonts()
    size = landscape(A4) if doc.landscape else A4
    margin = 12 * mm
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=size,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin + 4 * mm,
        title=doc.title,
        author="Chibo",
    )
    title = ParagraphStyle("title", fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=6)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5)
    note = ParagraphStyle("note", parent=body, textColor=NOTE, spaceBefore=4)
    story: list[Flowable] = [Paragraph(escape(doc.title), title)]
    for label, value in doc.about:
        story.append(Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", body))
    if doc.note:
        story.append(Paragraph(escape(doc.note), note))
    for table in doc.tables:
        story.append(Spacer(1, 5 * mm))
        story.append(_grid(table, size[0] - 2 * margin))

    foot = f"{doc.title} · {formats.date_format(doc.created, 'SHORT_DATETIME_FORMAT')}"
    page_label = _("Page %(n)s")

    def footer(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(margin, margin - 2 * mm, foot)
        number = page_label % {"n": canvas.getPageNumber()}
        canvas.drawRightString(size[0] - margin, margin - 2 * mm, number)
        canvas.restoreState()

    template.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
