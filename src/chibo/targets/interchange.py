"""`chibo import targets FILE`: `org_code, year, metric, value` (INTERCHANGE.md).

`metric` is `admissions`, `admissions:<segment>` (an occupation, e.g. `admissions:student`)
or `good_or_better_percent`. A row sets the unit's target for that one year: a row
already recorded with the same value is unchanged, one with another value updates it.
Every row is checked first; one bad row and nothing is written.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from chibo.core.errors import DomainError
from chibo.members.interchange import columns as col
from chibo.members.interchange.base import ImportContext, ImportReport, RowError, Units, records
from chibo.orgs.models import Organization

from .models import Target
from .services import check_target, target_set

COLUMNS = (
    col.Column("org_code", "Mã đơn vị", required=True),
    col.Column("year", "Năm", required=True),
    col.Column("metric", "Chỉ tiêu", required=True),
    col.Column("value", "Giá trị", required=True),
)


@dataclass(slots=True)
class TargetRow:
    line: int
    org_id: int
    path: str
    year: int
    metric: str
    segment: str
    value: Decimal


class TargetImport:
    kind = "targets"

    def __init__(self, ctx: ImportContext, report: ImportReport):
        self.ctx = ctx
        self.report = report
        self.rows: list[TargetRow] = []
        self.touched: list[str] = []
        self.stat_changes: list[tuple[list[Any], list[Any]]] = []  # targets have no events

    def error(self, line: int, column: str | None, message: str) -> None:
        self.report.errors.append(RowError(line, column, message))

    def read(self, table: Any, columns: list[str | None]) -> None:
        units = Units()
        seen: dict[tuple[int, int, str, str], int] = {}
        for line, rec in records(table, columns, self.ctx, self.report):
            row = self._parse(line, rec, units)
            if row is None:
                continue
            key = (row.org_id, row.year, row.metric, row.segment)
            if key in seen:
                self.error(
                    line,
                    "metric",
                    _("The same target is also on line %(line)d.") % {"line": seen[key]},
                )
                continue
            seen[key] = line
            self.rows.append(row)
        recorded = self._recorded()
        for row in self.rows:
            value = recorded.get((row.org_id, row.year, row.metric, row.segment))
            if value is None:
                self.report.created += 1
            elif value == row.value:
                self.report.unchanged += 1
            else:
                self.report.updated += 1

    def _recorded(self) -> dict[tuple[int, int, str, str], Decimal]:
        """The one-year targets already recorded for the units and years of the file."""
        ids = {r.org_id for r in self.rows}
        years = {r.year for r in self.rows}
        return {
            (t.org_id, t.first_year, t.metric, t.segment): t.value
            for t in Target.objects.filter(
                org_id__in=ids, first_year__in=years, last_year=F("first_year")
            )
        }

    def _parse(self, line: int, rec: dict[str, Any], units: Units) -> TargetRow | None:
        bad = len(self.report.errors)
        code = col.text(rec.get("org_code"))
        unit = units.by_code.get(code) if code else None
        if not code:
            self.error(line, "org_code", _("A value is required."))
        elif unit is None or not self.ctx.in_scope(unit.path):
            self.error(line, "org_code", self.ctx.no_unit(code))
        year_text = col.text(rec.get("year"))
        year = int(year_text) if year_text.isdigit() else None
        if year is None:
            self.error(line, "year", _("“%(v)s” is not a year.") % {"v": year_text})
        metric_text = col.text(rec.get("metric"))
        metric, _sep, segment = metric_text.partition(":")
        value = col.text(rec.get("value"))
        if len(self.report.errors) > bad or unit is None or year is None:
            return None
        try:
            number = check_target(
                metric=metric, segment=segment, first_year=year, last_year=year, value=value
            )
        except DomainError as exc:
            column = {"segment": "metric", "first_year": "year", "last_year": "year"}.get(
                exc.field or "", exc.field or "value"
            )
            self.error(line, column, str(exc))
            return None
        return TargetRow(line, unit.pk, unit.path, year, metric, segment, number)

    def write(self) -> None:
        orgs = Organization.objects.in_bulk({r.org_id for r in self.rows})
        for row in self.rows:
            target_set(
                actor=self.ctx.actor,
                org=orgs[row.org_id],
                metric=row.metric,
                first_year=row.year,
                segment=row.segment,
                value=row.value,
            )
            self.touched.append(row.path)
