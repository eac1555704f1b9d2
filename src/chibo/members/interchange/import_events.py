"""`import events`: dated history, matched on (member_id, kind, date, org_code).

A row identical to an effective event already recorded is skipped. The new rows of each
member are put among the recorded events in date order and the whole history is
replayed (`rules.replay`), so a back-dated row is accepted only if everything after it
still holds; the first refused event is reported with the rule's reason. An `admitted`
row for a member id not yet recorded creates the member, from the row's full name,
birth date, gender (required then) and occupation; for a recorded member these columns
are not used.
"""

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.core.errors import RuleViolation
from chibo.orgs.kinds import can_hold_members

from ..models import EventKind, Member, MemberEvent
from ..rules import MemberState, apply_event
from . import columns as col
from . import people
from .base import (
    ImportContext,
    ImportReport,
    Rejected,
    RowError,
    UnitRef,
    Units,
    chunks,
    insert_rows,
    records,
    reserve_ids,
)

NEEDS_UNIT = {EventKind.ADMITTED, EventKind.TRANSFERRED}
JOINING = {EventKind.ADMITTED, EventKind.TRANSFERRED, EventKind.REINSTATED}
NOWHERE = UnitRef(0, "", "", "", "", "", "", None, None, None)
PERSON_COLUMNS = ("full_name", "birth_date", "gender")
READERS = (
    ("member_id", col.code),
    ("kind", functools.partial(col.choice, which="event_kind")),
    ("date", col.date),
    ("org_code", col.code),
    ("decision_no", functools.partial(col.text, max_length=64)),
    ("reason", col.text),
    ("occupation", people.occupation),
)


def _name(value: Any) -> tuple[str, str, str] | None:
    return people.full_name(value) if col.text(value) else None


PERSON_READERS = (
    ("full_name", _name),
    ("birth_date", col.date),
    ("gender", functools.partial(col.choice, which="gender")),
)


@dataclass(slots=True, eq=False)
class Ev:
    """An event as the replay reads it: a recorded one (line None) or a row of the file."""

    kind: str
    date: dt.date
    org: UnitRef  # NOWHERE: the member's unit at that point (filled in during the replay)
    line: int | None = None
    decision_no: str = ""
    reason: str = ""
    temporary: bool = False
    end_date: dt.date | None = None
    from_org_id: int | None = None


@dataclass(slots=True)
class Person:
    name: tuple[str, str, str] | None
    birth_date: dt.date | None
    gender: str | None
    occupation: str


@dataclass(slots=True)
class Plan:
    """What one member gets: new events, the state after them, and (if new) the person."""

    code: str
    events: list[Ev]
    state: MemberState
    pk: int | None = None
    version: int | None = None
    person: Person | None = None


class EventImport:
    kind = "events"

    def __init__(self, ctx: ImportContext, report: ImportReport):
        self.ctx = ctx
        self.report = report
        self.units = Units()
        self.plans: list[Plan] = []
        self.stat_changes: list[tuple[list[Any], list[Any]]] = []  # (before, after) histories
        self.touched: list[str] = []

    def error(self, line: int | None, column: str | None, message: str) -> None:
        self.report.errors.append(RowError(line, column, message))

    def read(self, table: Any, columns: list[str | None]) -> None:
        by_member: dict[str, list[tuple[Ev, Person | None]]] = defaultdict(list)
        keys: dict[tuple, int] = {}
        for line, rec in records(table, columns, self.ctx, self.report):
            parsed = self._parse(line, rec)
            if parsed is None:
                continue
            code, event, person = parsed
            key = (code, event.kind, event.date, event.org.pk)
            if key in keys:
                self.error(
                    line,
                    "member_id",
                    _("Same member, event, date and unit as line %(line)d.") % {"line": keys[key]},
                )
                continue
            keys[key] = line
            by_member[code].append((event, person))
        existing = self._existing(list(by_member))
        history = self._history([found[0] for found in existing.values()])
        for code, rows in by_member.items():
            found = existing.get(code)
            if found is None:
                self._plan_new(code, rows)
            else:
                pk, version, org_id, birth_date = found
                if not self.ctx.in_scope(self.units.get(org_id).path):
                    for event, _person in rows:
                        self.error(event.line, "member_id", self.ctx.no_member(code))
                    continue
                plan = Plan(code, [], MemberState(), pk=pk, version=version)
                self._replay(plan, history.get(pk, []), [e for e, _p in rows], birth_date)

    def _parse(self, line: int, rec: dict[str, Any]) -> tuple[str, Ev, Person | None] | None:
        errors = self.report.errors
        bad = len(errors)
        values = col.read_cells(line, rec, READERS, errors, RowError)
        has_person = any(col.text(rec.get(k)) for k in PERSON_COLUMNS)
        if has_person:
            values |= col.read_cells(line, rec, PERSON_READERS, errors, RowError)
        for key in ("member_id", "kind", "date"):
            if key in values and not values[key]:
                self.error(line, key, _("A value is required."))
        for key in ("date", "birth_date"):
            if values.get(key) and values[key] > self.ctx.today:
                self.error(line, key, _("The date is in the future."))
        unit = None
        if values.get("org_code"):
            unit = self.units.by_code.get(values["org_code"])
            if unit is None or not self.ctx.in_scope(unit.path):
                self.error(line, "org_code", self.ctx.no_unit(values["org_code"]))
            elif values.get("kind") in JOINING and not can_hold_members(unit.kind):
                self.error(
                    line,
                    "org_code",
                    _("Members belong to cells; %(unit)s is not a cell.") % {"unit": unit.name},
                )
        elif values.get("kind") in NEEDS_UNIT and "org_code" in values:
            self.error(line, "org_code", _("This kind of event needs the unit."))
        if len(self.report.errors) > bad:
            return None
        event = Ev(
            kind=values["kind"],
            date=values["date"],
            org=unit or NOWHERE,
            line=line,
            decision_no=values["decision_no"],
            reason=values["reason"],
        )
        person = None
        if has_person:
            person = Person(
                values["full_name"], values["birth_date"], values["gender"], values["occupation"]
            )
        elif "occupation" in values:
            person = Person(None, None, None, values["occupation"])
        return values["member_id"], event, person

    def _existing(self, codes: list[str]) -> dict[str, tuple[int, int, int, dt.date]]:
        out: dict[str, tuple[int, int, int, dt.date]] = {}
        for part in chunks(codes):
            for code, *rest in Member.objects.filter(member_code__in=part).values_list(
                "member_code", "pk", "version", "org_id", "birth_date"
            ):
                out[code] = tuple(rest)  # type: ignore[assignment]
        return out

    def _history(self, member_ids: list[int]) -> dict[int, list[Ev]]:
        """The effective events of these members, in date order."""
        out: dict[int, list[Ev]] = defaultdict(list)
        for part in chunks(member_ids):
            rows = (
                MemberEvent.objects.filter(member_id__in=part, voided_by__isnull=True)
                .exclude(kind=EventKind.VOIDED)
                .order_by("member_id", "date", "id")
                .values_list("member_id", "kind", "date", "org_id", "temporary", "end_date")
            )
            for member_id, kind, day, org_id, temporary, end_date in rows:
                out[member_id].append(
                    Ev(kind, day, self.units.get(org_id), temporary=temporary, end_date=end_date)
                )
        return out

    def _plan_new(self, code: str, rows: list[tuple[Ev, Person | None]]) -> None:
        admitted = [(e, p) for e, p in rows if e.kind == EventKind.ADMITTED]
        if not admitted:
            for event, _person in rows:
                self.error(event.line, "member_id", self.ctx.no_member(code))
            return
        event, person = min(admitted, key=lambda pair: (pair[0].date, pair[0].line or 0))
        missing = [
            key
            for key, value in (
                ("full_name", person and person.name),
                ("birth_date", person and person.birth_date),
                ("gender", person and person.gender),
            )
            if not value
        ]
        for key in missing:
            self.error(
                event.line,
                key,
                _("Required: the admitted event of a new member creates the member."),
            )
        if missing or person is None:
            return
        plan = Plan(code, [], MemberState(), person=person)
        self._replay(plan, [], [e for e, _p in rows], person.birth_date)

    def _replay(
        self, plan: Plan, recorded: list[Ev], rows: list[Ev], birth_date: dt.date | None
    ) -> None:
        """Put the new rows among the recorded events, replay, and keep the plan if it holds."""
        new = []
        for event in rows:
            if any(_same(event, old) for old in recorded):
                self.report.unchanged += 1
            else:
                new.append(event)
        if not new:
            return
        history = sorted([*recorded, *new], key=lambda e: e.date)  # stable: recorded first
        state = MemberState()
        last_line = new[0].line
        for event in history:
            if event.line is not None:
                last_line = event.line
            if event.org is NOWHERE and state.org_id:
                event.org = self.units.get(state.org_id)
            if event.kind == EventKind.TRANSFERRED:
                event.from_org_id = state.org_id
            try:
                # (an event still NOWHERE follows no admission: the replay refuses it first)
                state = apply_event(state, event, birth_date=birth_date)
            except RuleViolation as exc:
                self.error(last_line, "kind", str(exc.message))
                return
        plan.events, plan.state = new, state
        self.plans.append(plan)
        self.stat_changes.append((recorded, history))

    def write(self) -> None:
        self._lock()
        actor_id = getattr(self.ctx.actor, "pk", None)
        fresh = [plan for plan in self.plans if plan.pk is None]
        name_keys = people.NameKeys()

        def new_members():  # type: ignore[no-untyped-def]
            for plan in fresh:
                person = plan.person
                assert person is not None and person.name is not None
                assert person.birth_date is not None and person.gender is not None
                assert plan.pk is not None
                yield people.member_row(
                    pk=plan.pk,
                    code=plan.code,
                    name=person.name,
                    keys=name_keys(*person.name),
                    birth_date=person.birth_date,
                    gender=person.gender,
                    personal={"occupation": person.occupation},
                    state=plan.state,
                )

        for plan, pk in zip(fresh, reserve_ids(Member, len(fresh)), strict=True):
            plan.pk = pk
        insert_rows(Member, people.MEMBER_NAMES, new_members())

        def events():  # type: ignore[no-untyped-def]
            for plan in self.plans:
                for e in plan.events:
                    yield (
                        plan.pk,
                        e.kind,
                        e.date,
                        e.org.pk,
                        e.from_org_id,
                        e.decision_no,
                        e.reason,
                        actor_id,
                    )

        created = insert_rows(MemberEvent, people.EVENT_NAMES, events())
        self._store_states([plan for plan in self.plans if plan.version is not None])
        for plan in self.plans:
            self.touched += [e.org.path for e in plan.events]
        self.report.created = created
        self.report.members_created = len(fresh)

    def _lock(self) -> None:
        """Refuse the import if a member it adds events to was changed since it was read."""
        versions = {plan.pk: plan for plan in self.plans if plan.pk is not None}
        stale: list[int] = []
        for part in chunks(list(versions)):
            for pk, version in (
                Member.objects.select_for_update().filter(pk__in=part).values_list("pk", "version")
            ):
                if version != versions[pk].version:
                    stale.append(min(e.line or 0 for e in versions[pk].events))
        if stale:
            raise Rejected(
                [
                    RowError(
                        line,
                        "member_id",
                        _("The member was changed by someone else meanwhile; import again."),
                    )
                    for line in sorted(stale)
                ]
            )

    def _store_states(self, plans: list[Plan]) -> None:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        table = connection.ops.quote_name(Member._meta.db_table)
        sql = (
            f"UPDATE {table} SET status = %s, org_id = %s, temp_org_id = %s, "  # noqa: S608
            "temp_until = %s, admitted_on = %s, recognized_on = %s, status_since = %s, "
            "version = version + 1, updated_at = %s WHERE id = %s"
        )
        params = [
            (
                p.state.status,
                p.state.org_id,
                p.state.temp_org_id,
                p.state.temp_until,
                p.state.admitted_on,
                p.state.recognized_on,
                p.state.status_since,
                now,
                p.pk,
            )
            for p in plans
        ]
        with connection.cursor() as cursor:
            for part in chunks(params, 2000):
                cursor.executemany(sql, part)


def _same(row: Ev, recorded: Ev) -> bool:
    """A row is the recorded event when kind, date and (if the row names one) unit agree."""
    return (
        row.kind == recorded.kind
        and row.date == recorded.date
        and (row.org is NOWHERE or row.org.pk == recorded.org.pk)
    )
