"""`chibo import classifications FILE`: past years' decided levels (INTERCHANGE.md).

One row is one subject's level in one year: `year, subject, code, level`, where `subject` is
`org` (then `code` is a unit's code) or `member` (then `code` is the member id of the members
file, `Member.member_code`), and `level` one of `excellent`, `good`, `complete`,
`not_complete` (the Vietnamese names are read too).

The rows of a year go into one closed, imported campaign of that year at the root of the
subjects' tree (created by the first import that needs it; the 2019 rules before 2025, the
2025 ones after), decided at once: a unit is assessed in its own row, a member in the unit
they belong to now. Rows are matched on (year, subject):

- a subject already decided at the same level in a yearly campaign of the year (imported or
  not) is `unchanged`, so importing the same file again changes nothing;
- one in the imported campaign at another level is `updated` (audited, old → new);
- one in a campaign opened and worked in Chibo ("live") at another level, or not yet
  decided there, is refused: it is re-rated in that campaign, not overwritten by a file;
- anything else is `created`.

Also refused: an unknown unit or member (or one outside the web uploader's subtree), an
unknown subject or level, a year that is not a whole number from 1930 to this year (or one
before the unit was established, after it was dissolved, or before the member was
admitted), a unit of a kind that is not classified (central), the same subject and year
twice in the file. Every row is checked first; one bad row and nothing is written.
"""

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.core.audit import audit_record
from chibo.core.text import fold
from chibo.members.interchange import columns as col
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
from chibo.members.models import Member
from chibo.orgs.kinds import Kind
from chibo.orgs.models import STEP_LENGTH, Organization

from .models import Assessment, AssessmentStatus, Campaign, PeriodKind, SubjectKind
from .rules import ASSESSED_KINDS, Level, RuleSet
from .services import ORDER_GAP

COLUMNS = (
    col.Column("year", "Năm", required=True),
    col.Column("subject", "Đối tượng", required=True),
    col.Column("code", "Mã", required=True),
    col.Column("level", "Xếp loại", required=True),
)
FIRST_YEAR = 1930
SCORE_RULES_FROM = 2025  # the year the 100-point score replaced the chosen level
CREATED, UPDATED, UNCHANGED, REFUSED = "created", "updated", "unchanged", "refused"

# Short names clerks write besides the labels (folded: no case, no diacritics).
_LEVEL_WORDS: dict[str, str] = {
    "xuat sac": Level.EXCELLENT,
    "hoan thanh xuat sac": Level.EXCELLENT,
    "tot": Level.GOOD,
    "hoan thanh tot": Level.GOOD,
    "hoan thanh": Level.COMPLETE,
    "khong hoan thanh": Level.NOT_COMPLETE,
}
_SUBJECT_WORDS: dict[str, str] = {
    "unit": SubjectKind.ORG,
    "don vi": SubjectKind.ORG,
    "to chuc": SubjectKind.ORG,
    "to chuc dang": SubjectKind.ORG,
    "dang vien": SubjectKind.MEMBER,
}


@functools.cache
def _levels() -> dict[str, str]:
    return {**_LEVEL_WORDS, **col.choice_map(Level, Level.values)}


@functools.cache
def _subjects() -> dict[str, str]:
    # a leader's rating (cá nhân lãnh đạo) is not in the file
    return {**_SUBJECT_WORDS, **col.choice_map(SubjectKind, [SubjectKind.ORG, SubjectKind.MEMBER])}


def rule_set_for(year: int) -> str:
    return RuleSet.LEVELS_2019 if year < SCORE_RULES_FROM else RuleSet.SCORE_2025


@dataclass(slots=True)
class ClassificationRow:
    line: int
    year: int
    subject: str  # SubjectKind
    code: str
    org_id: int  # the unit assessed, or the member's unit now
    path: str
    depth: int
    member_id: int | None
    level: str
    outcome: str = CREATED
    recorded_id: int | None = None  # the imported row an update changes
    recorded_level: str = ""

    @property
    def key(self) -> tuple[int, str, int]:
        return (self.year, self.subject, self.member_id or self.org_id)


@dataclass(slots=True)
class KnownMember:
    pk: int
    org_id: int
    admitted_on: Any


@dataclass(slots=True)
class Recorded:
    """A row of a yearly campaign of the year for one of the file's subjects."""

    pk: int
    imported: bool
    status: str
    level: str
    unit_name: str


class ClassificationImport:
    kind = "classifications"

    def __init__(self, ctx: ImportContext, report: ImportReport):
        self.ctx = ctx
        self.report = report
        self.rows: list[ClassificationRow] = []
        self.roots: dict[str, int] = {}  # path of a root unit → its id
        self.touched: list[str] = []
        self.stat_changes: list[tuple[list[Any], list[Any]]] = []  # no member events here

    def error(self, line: int, column: str | None, message: str) -> None:
        self.report.errors.append(RowError(line, column, message))

    # --- reading ------------------------------------------------------------------------

    def read(self, table: Any, columns: list[str | None]) -> None:
        units = Units()
        self.roots = {u.path: u.pk for u in units.by_pk.values() if u.parent_id is None}
        cells = list(records(table, columns, self.ctx, self.report))
        members = self._members(col.text(rec.get("code")) for _line, rec in cells)
        seen: dict[tuple[int, str, int], int] = {}
        for line, rec in cells:
            row = self._parse(line, rec, units, members)
            if row is None:
                continue
            if row.key in seen:
                self.error(
                    line,
                    "code",
                    _("The same subject and year are also on line %(line)d.")
                    % {"line": seen[row.key]},
                )
                continue
            seen[row.key] = line
            self.rows.append(row)
        self._match(self.rows, report=True)

    def _members(self, codes: Iterable[str]) -> dict[str, KnownMember]:
        """The recorded members among the codes of the file, by member id."""
        wanted = sorted({c for c in codes if c})
        out: dict[str, KnownMember] = {}
        for part in chunks(wanted):
            for code, pk, org_id, admitted_on in Member.objects.filter(
                member_code__in=part
            ).values_list("member_code", "pk", "org_id", "admitted_on"):
                out[code] = KnownMember(pk, org_id, admitted_on)
        return out

    def _year(self, line: int, raw: str) -> int | None:
        if not raw:
            self.error(line, "year", _("A value is required."))
            return None
        if not raw.isdigit():
            self.error(line, "year", _("“%(v)s” is not a year.") % {"v": raw})
            return None
        year, last = int(raw), self.ctx.today.year
        if not FIRST_YEAR <= year <= last:
            self.error(
                line,
                "year",
                _("The year must be from %(first)d to %(last)d.")
                % {"first": FIRST_YEAR, "last": last},
            )
            return None
        return year

    def _choice(self, line: int, column: str, raw: str) -> str | None:
        if not raw:
            self.error(line, column, _("A value is required."))
            return None
        known = _levels() if column == "level" else _subjects()
        found = known.get(raw) or known.get(fold(raw))
        if found is None:
            if column == "level":
                message = _(
                    "Unknown level “%(value)s”: write excellent, good, complete or not_complete."
                )
            else:
                message = _("The subject is “org” (a unit) or “member”, not “%(value)s”.")
            self.error(line, column, message % {"value": raw})
        return found

    def _parse(
        self,
        line: int,
        rec: dict[str, Any],
        units: Units,
        members: dict[str, KnownMember],
    ) -> ClassificationRow | None:
        bad = len(self.report.errors)
        year = self._year(line, col.text(rec.get("year")))
        subject = self._choice(line, "subject", col.text(rec.get("subject")))
        level = self._choice(line, "level", col.text(rec.get("level")))
        code = col.text(rec.get("code"))
        if not code:
            self.error(line, "code", _("A value is required."))
        elif subject == SubjectKind.ORG:
            unit = self._unit(line, code, year, units)
            if unit is not None and len(self.report.errors) == bad:
                assert year is not None and level is not None
                return ClassificationRow(
                    line, year, subject, code, unit.pk, unit.path, _depth(unit), None, level
                )
        elif subject == SubjectKind.MEMBER:
            member = members.get(code)
            unit = units.get(member.org_id) if member else None
            if member is None or unit is None or not self.ctx.in_scope(unit.path):
                self.error(line, "code", self.ctx.no_member(code))
                return None
            if year is not None and member.admitted_on and member.admitted_on.year > year:
                self.error(
                    line,
                    "year",
                    _("Member %(id)s was admitted only in %(admitted)d.")
                    % {"id": code, "admitted": member.admitted_on.year},
                )
            if len(self.report.errors) == bad:
                assert year is not None and level is not None
                return ClassificationRow(
                    line, year, subject, code, unit.pk, unit.path, _depth(unit), member.pk, level
                )
        return None

    def _unit(self, line: int, code: str, year: int | None, units: Units) -> UnitRef | None:
        unit = units.by_code.get(code)
        if unit is None or not self.ctx.in_scope(unit.path):
            self.error(line, "code", self.ctx.no_unit(code))
            return None
        if unit.kind not in ASSESSED_KINDS:
            self.error(
                line,
                "code",
                _("A unit of the kind “%(kind)s” is not classified.")
                % {"kind": Kind(unit.kind).label},
            )
            return None
        if year is not None and (
            (unit.established_on and unit.established_on.year > year)
            or (unit.dissolved_on and unit.dissolved_on.year < year)
        ):
            self.error(
                line,
                "year",
                _("Unit %(code)s did not exist in %(year)d.") % {"code": code, "year": year},
            )
        return unit

    def _recorded(
        self, rows: list[ClassificationRow]
    ) -> dict[tuple[int, str, int], list[Recorded]]:
        """The rows of the years' yearly campaigns for the file's subjects, by (year,
        subject, member or unit id)."""
        out: dict[tuple[int, str, int], list[Recorded]] = defaultdict(list)
        years = sorted({r.year for r in rows})
        member_ids = sorted({r.member_id for r in rows if r.member_id})
        org_ids = sorted({r.org_id for r in rows if r.member_id is None})
        yearly = Assessment.objects.filter(
            campaign__year__in=years, campaign__period_kind=PeriodKind.YEAR
        )
        fields = (
            "pk",
            "campaign__year",
            "subject_kind",
            "member_id",
            "org_id",
            "campaign__imported",
            "status",
            "level",
            "campaign__org__name",
        )
        members = yearly.filter(subject_kind=SubjectKind.MEMBER)
        queries = [members.filter(member_id__in=part) for part in chunks(member_ids)]
        units = yearly.filter(subject_kind=SubjectKind.ORG)
        queries += [units.filter(org_id__in=part) for part in chunks(org_ids)]
        for qs in queries:
            for values in qs.values_list(*fields):
                pk, year, subject, member_id, org_id, imported, status, level, name = values
                key = (year, subject, member_id or org_id)
                out[key].append(Recorded(pk, imported, status, level, name))
        return out

    def _match(self, rows: list[ClassificationRow], *, report: bool) -> list[RowError]:
        """Sets each row's outcome against what is recorded; returns (and, reading, reports)
        the rows a campaign worked in Chibo holds."""
        recorded = self._recorded(rows) if rows else {}
        errors: list[RowError] = []
        for row in rows:
            found = recorded.get(row.key, [])
            same = [
                r for r in found if r.status == AssessmentStatus.DECIDED and r.level == row.level
            ]
            live = [r for r in found if not r.imported]
            if same:
                row.outcome = UNCHANGED
            elif live:
                row.outcome = REFUSED
                errors.append(
                    RowError(
                        row.line,
                        "code",
                        _(
                            "Already classified in the campaign of %(unit)s for %(year)d; "
                            "re-rate it there."
                        )
                        % {"unit": live[0].unit_name, "year": row.year},
                    )
                )
            elif found:
                row.outcome = UPDATED
                row.recorded_id, row.recorded_level = found[0].pk, found[0].level
            else:
                row.outcome = CREATED
        if report:
            self.report.errors.extend(errors)
            for row in rows:
                if row.outcome == CREATED:
                    self.report.created += 1
                elif row.outcome == UPDATED:
                    self.report.updated += 1
                elif row.outcome == UNCHANGED:
                    self.report.unchanged += 1
        return errors

    # --- writing ------------------------------------------------------------------------

    def write(self) -> None:
        writes = [r for r in self.rows if r.outcome != UNCHANGED]
        if not writes:
            return
        # A campaign opened since the file was read may hold a subject now: check again.
        raced = self._match(writes, report=False)
        if raced:
            raise Rejected(raced)
        by_campaign: dict[tuple[int, int], list[ClassificationRow]] = defaultdict(list)
        for row in writes:
            if row.outcome in (UNCHANGED, REFUSED):
                continue
            if row.outcome == CREATED:
                by_campaign[(self.roots[row.path[:STEP_LENGTH]], row.year)].append(row)
            else:
                self._update(row)
            self.touched.append(row.path)
        for (root_id, year), rows in sorted(by_campaign.items()):
            self._create(self._campaign(root_id, year), rows)

    def _campaign(self, root_id: int, year: int) -> Campaign:
        campaign = (
            Campaign.objects.select_for_update()
            .filter(imported=True, org_id=root_id, year=year, period_kind=PeriodKind.YEAR)
            .first()
        )
        if campaign is not None:
            return campaign
        actor = self.ctx.actor
        campaign = Campaign.objects.create(
            org_id=root_id,
            year=year,
            period_kind=PeriodKind.YEAR,
            rule_set=rule_set_for(year),
            opened_on=self.ctx.today,
            status=Campaign.Status.CLOSED,
            imported=True,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        root = Organization.objects.get(pk=root_id)
        audit_record(
            actor=actor,
            action="assessment.campaign_import",
            obj=campaign,
            org_id=root_id,
            changes={"year": year, "rule_set": campaign.rule_set, "imported": True},
            label=f"{root.code} {campaign}",
        )
        return campaign

    def _create(self, campaign: Campaign, rows: list[ClassificationRow]) -> None:
        """The new rows in working order after those already there: deeper units first,
        each unit before its members, ORDER_GAP apart as in a campaign opened in Chibo."""
        start = Assessment.objects.filter(campaign=campaign).aggregate(n=Max("order"))["n"] or 0
        actor = self.ctx.actor
        decided_by = actor if getattr(actor, "pk", None) else None
        now = timezone.now()
        rows.sort(key=lambda r: (-r.depth, r.path, r.member_id is not None, r.code))
        Assessment.objects.bulk_create(
            [
                Assessment(
                    campaign=campaign,
                    subject_kind=row.subject,
                    org_id=row.org_id,
                    org_path=row.path,
                    member_id=row.member_id,
                    order=start + i * ORDER_GAP,
                    status=AssessmentStatus.DECIDED,
                    level=row.level,
                    decided_by=decided_by,
                    decided_at=now,
                )
                for i, row in enumerate(rows, start=1)
            ],
            batch_size=1000,
        )
        audit_record(
            actor=actor,
            action="assessment.import",
            obj=campaign,
            org_id=campaign.org_id,
            changes={
                "units": sum(1 for r in rows if r.member_id is None),
                "members": sum(1 for r in rows if r.member_id is not None),
            },
        )

    def _update(self, row: ClassificationRow) -> None:
        assert row.recorded_id is not None
        a = Assessment.objects.select_for_update().get(pk=row.recorded_id)
        actor = self.ctx.actor
        a.level = row.level
        a.decided_by = actor if getattr(actor, "pk", None) else None
        a.decided_at = timezone.now()
        a.version += 1
        a.save(update_fields=["level", "decided_by", "decided_at", "version", "updated_at"])
        audit_record(
            actor=actor,
            action="assessment.import_update",
            obj=a,
            org_id=a.org_id,
            changes={"level": [row.recorded_level, row.level]},
        )


def _depth(unit: UnitRef) -> int:
    return len(unit.path) // STEP_LENGTH
