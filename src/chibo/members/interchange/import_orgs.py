"""`import orgs`: units of the tree, matched on their code.

A row whose code exists must say what the tree already says (it is then unchanged): the
tree changes by decision (rename, move, merge …), not by a spreadsheet. A new row is a
new unit under an existing unit or under another new row of the file, in any order.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Max
from django.utils.translation import gettext as _

from chibo.orgs.kinds import ALLOWED_PARENTS, ROOT_KINDS, Kind, Sector
from chibo.orgs.models import STEP_LENGTH, Organization, decode_step, encode_step

from .. import stats
from . import columns as col
from .base import BATCH, ImportContext, ImportReport, Rejected, RowError, UnitRef, Units, records


@dataclass(slots=True)
class OrgRow:
    line: int
    code: str
    parent_code: str
    name: str
    kind: str
    sector: str
    established_on: dt.date | None
    depth: int = 0  # for new units, once placed
    children: int = 0


class OrgImport:
    kind = "orgs"

    def __init__(self, ctx: ImportContext, report: ImportReport):
        self.ctx = ctx
        self.report = report
        self.new: dict[str, OrgRow] = {}
        self.broken: set[str] = set()  # codes of rows refused already (no error for their children)
        self.units: Units | None = None
        self.touched: list[str] = []  # paths, for the unit the audit row belongs to
        self.stat_changes: list[tuple[list[Any], list[Any]]] = []  # a new unit has no history

    def error(self, line: int, column: str | None, message: str) -> None:
        self.report.errors.append(RowError(line, column, message))

    def read(self, table: Any, columns: list[str | None]) -> None:
        present = {c for c in columns if c}
        rows: list[OrgRow] = []
        lines: dict[str, int] = {}
        for line, rec in records(table, columns, self.ctx, self.report):
            row = self._parse(line, rec)
            if row is None:
                continue
            if row.code in lines:
                self.error(
                    line,
                    "code",
                    _("The code %(code)s is also on line %(line)d.")
                    % {"code": row.code, "line": lines[row.code]},
                )
                continue
            lines[row.code] = line
            rows.append(row)
        self.units = Units()
        for row in rows:
            existing = self.units.by_code.get(row.code)
            if existing is None:
                self.new[row.code] = row
            else:
                self._compare(row, existing, present)
        for row in self.new.values():
            self._place(row)

    def _parse(self, line: int, rec: dict[str, Any]) -> OrgRow | None:
        bad = len(self.report.errors)
        values: dict[str, Any] = {}
        readers = {
            "code": lambda v: col.text(v, max_length=32),
            "parent_code": lambda v: col.text(v, max_length=32),
            "name": lambda v: col.text(v, max_length=255),
            "kind": lambda v: col.choice(v, "org_kind"),
            "sector": lambda v: col.choice(v, "sector"),
            "established_on": col.date,
        }
        for key, read in readers.items():
            try:
                values[key] = read(rec.get(key))
            except col.CellError as exc:
                self.error(line, key, str(exc))
        for key in ("code", "name", "kind"):
            if key in values and not values[key]:
                self.error(line, key, _("A value is required."))
        day = values.get("established_on")
        if day and day > self.ctx.today:
            self.error(line, "established_on", _("The date is in the future."))
        if len(self.report.errors) > bad:
            if values.get("code"):
                self.broken.add(values["code"])
            return None
        return OrgRow(
            line=line,
            code=values["code"],
            parent_code=values["parent_code"],
            name=values["name"],
            kind=values["kind"],
            sector=values["sector"] or Sector.OTHER,
            established_on=day,
        )

    def _compare(self, row: OrgRow, unit: UnitRef, present: set[str]) -> None:
        assert self.units is not None
        if not self.ctx.in_scope(unit.path):
            self.error(
                row.line, "code", _("The code %(code)s is already used.") % {"code": row.code}
            )
            return
        parent = self.units.by_pk.get(unit.parent_id) if unit.parent_id else None
        recorded: dict[str, Any] = {
            "parent_code": parent.code if parent else "",
            "name": unit.name,
            "kind": unit.kind,
        }
        if "sector" in present:
            recorded["sector"] = unit.sector
        if "established_on" in present:
            recorded["established_on"] = unit.established_on
        differs = False
        for key, value in recorded.items():
            if getattr(row, key) != value:
                differs = True
                self.error(
                    row.line,
                    key,
                    _(
                        "Differs from unit %(code)s as recorded; the tree changes by decision, not by import."
                    )
                    % {"code": row.code},
                )
        if not differs:
            self.report.unchanged += 1

    def _place(self, row: OrgRow) -> None:
        """Check the parent of a new unit and work out its depth (refusing a circle)."""
        assert self.units is not None
        chain = [row.code]
        current = row
        while True:
            if not current.parent_code:
                if self.ctx.root is not None:
                    self.error(row.line, "parent_code", _("A top unit is outside your scope."))
                    return
                if current is row and row.kind not in ROOT_KINDS:
                    self.error(
                        row.line,
                        "parent_code",
                        _("Only a central or provincial committee can stand at the top."),
                    )
                    return
                base_depth = 0
                break
            parent_row = self.new.get(current.parent_code)
            if parent_row is not None:
                if current is row:
                    self._check_kind(row, parent_row.kind)
                if parent_row.code in chain:
                    self.error(
                        row.line, "parent_code", _("These units would be each other's parents.")
                    )
                    return
                chain.append(parent_row.code)
                current = parent_row
                continue
            parent = self.units.by_code.get(current.parent_code)
            if parent is None or not self.ctx.in_scope(parent.path):
                if current is row and row.parent_code not in self.broken:
                    self.error(row.line, "parent_code", self.ctx.no_unit(row.parent_code))
                return
            if current is row:
                self._check_kind(row, parent.kind)
                if parent.status != Organization.Status.ACTIVE:
                    self.error(row.line, "parent_code", _("The parent unit has been dissolved."))
            base_depth = len(parent.path) // STEP_LENGTH
            break
        row.depth = base_depth + len(chain)

    def _check_kind(self, row: OrgRow, parent_kind: str) -> None:
        if parent_kind not in ALLOWED_PARENTS[row.kind]:
            self.error(
                row.line,
                "kind",
                _("A %(kind)s cannot be placed under a %(parent)s.")
                % {"kind": Kind(row.kind).label, "parent": Kind(parent_kind).label},
            )

    def write(self) -> None:
        """Insert the new units level by level (a parent before its children)."""
        assert self.units is not None
        rows = sorted(self.new.values(), key=lambda r: (r.depth, r.line))
        for row in rows:
            parent_row = self.new.get(row.parent_code)
            if parent_row is not None:
                parent_row.children += 1
        existing_parents = {
            self.units.by_code[r.parent_code].pk
            for r in rows
            if r.parent_code and r.parent_code not in self.new
        }
        locked = list(
            Organization.objects.select_for_update()
            .filter(pk__in=existing_parents)
            .values_list("pk", "path", "status")
        )
        if any(status != Organization.Status.ACTIVE for _pk, _path, status in locked):
            raise Rejected([RowError(None, None, _("The tree changed meanwhile; import again."))])
        paths = {pk: path for pk, path, _status in locked}
        last = dict(
            Organization.objects.filter(parent_id__in=existing_parents)
            .values("parent_id")
            .annotate(last=Max("path"))
            .values_list("parent_id", "last")
        )
        next_step: dict[Any, int] = {
            pk: decode_step(last[pk][-STEP_LENGTH:]) + 1 if pk in last else 1 for pk in paths
        }
        last_root = Organization.objects.filter(depth=1).aggregate(last=Max("path"))["last"]
        next_step[None] = decode_step(last_root) + 1 if last_root else 1
        created: dict[str, Organization] = {}
        added_children: dict[int, int] = {}
        for depth in sorted({r.depth for r in rows}):
            level = []
            for row in (r for r in rows if r.depth == depth):
                parent_org = created.get(row.parent_code)
                if parent_org is not None:
                    parent_key: Any = parent_org.pk
                    parent_path, parent_id = parent_org.path, parent_org.pk
                elif row.parent_code:
                    parent_id = self.units.by_code[row.parent_code].pk
                    parent_key, parent_path = parent_id, paths[parent_id]
                    added_children[parent_id] = added_children.get(parent_id, 0) + 1
                else:
                    parent_key, parent_path, parent_id = None, "", None
                step = next_step.get(parent_key, 1)
                next_step[parent_key] = step + 1
                org = Organization(
                    path=parent_path + encode_step(step),
                    depth=depth,
                    parent_id=parent_id,
                    numchild=row.children,
                    code=row.code,
                    name=row.name,
                    kind=row.kind,
                    sector=row.sector,
                    established_on=row.established_on,
                )
                level.append(org)
            Organization.objects.bulk_create(level, batch_size=BATCH)
            for org in level:
                created[org.code] = org
                self.touched.append(org.path)
        for pk, count in added_children.items():
            Organization.objects.filter(pk=pk).update(numchild=F("numchild") + count)
        stats.units_apply(
            (o.pk, None, (o.kind, o.established_on, o.dissolved_on)) for o in created.values()
        )
        self.report.created = len(created)
