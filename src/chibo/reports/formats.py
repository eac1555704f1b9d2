"""Reports as tables and spreadsheets: one flattening used by the command line and exports."""

import io
from typing import Any

from openpyxl import Workbook


def flatten(report: dict[str, Any]) -> list[tuple[str, Any]]:
    """{"a": 1, "events": {"b": 2}} → [("a", 1), ("events.b", 2)]; row lists are kept apart."""
    out: list[tuple[str, Any]] = []
    for key, value in report.items():
        if key == "rows":
            continue
        if isinstance(value, dict):
            out.extend((f"{key}.{k}", v) for k, v in value.items())
        else:
            out.append((key, value))
    return out


def as_table(report: dict[str, Any]) -> str:
    lines = [f"{k:<40} {'' if v is None else v}" for k, v in flatten(report)]
    rows = report.get("rows")
    if rows:
        lines.append("")
        lines.append(f"{'rank':>4}  {'org':<16} {'value':>8}  name")
        lines.extend(
            f"{'' if r['rank'] is None else r['rank']:>4}  {r['org']:<16} {'' if r['value'] is None else r['value']:>8}  {r['name']}"
            for r in rows
        )
    return "\n".join(lines) + "\n"


def as_xlsx(report: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "report"
    ws.append(["key", "value"])
    for key, value in flatten(report):
        ws.append([key, value])
    rows = report.get("rows")
    if rows:
        sheet = wb.create_sheet("rows")
        sheet.append(["rank", "org", "name", "value"])
        for r in rows:
            sheet.append([r["rank"], r["org"], r["name"], r["value"]])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
