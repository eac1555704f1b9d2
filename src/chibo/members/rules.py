"""The member life cycle as data, and the replay that derives a member's state from events.

Each event kind lists the statuses it may follow and the status it leads to; the replay
walks the effective events in date order and refuses the first impossible step, with
the reason. Numbers that regulations revise live here as named configuration.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Protocol

from django.utils.translation import gettext as _

from chibo.core.errors import RuleViolation
from chibo.core.periods import add_months, full_years_between
from chibo.orgs.kinds import can_hold_members

from .models import LIVE_STATUSES, EventKind, Status

MIN_ADMISSION_AGE_YEARS = 18
PROBATION_MONTHS = 12
TEMPORARY_TRANSFER_MIN_MONTHS = 3
TEMPORARY_TRANSFER_STUDY_MAX_MONTHS = 24

LEAVING = {Status.REMOVED, Status.EXPELLED, Status.LEFT}

# kind → (statuses it may follow (None: not yet a member), status after; None keeps it)
TRANSITIONS: dict[str, tuple[set[str | None], str | None]] = {
    EventKind.ADMITTED: ({None}, Status.PROBATIONARY),
    EventKind.RECOGNIZED: ({Status.PROBATIONARY}, Status.OFFICIAL),
    EventKind.PROBATION_FAILED: ({Status.PROBATIONARY}, Status.REMOVED),
    EventKind.TRANSFERRED: (set(LIVE_STATUSES), None),
    EventKind.REMOVED: (set(LIVE_STATUSES), Status.REMOVED),
    EventKind.EXPELLED: (set(LIVE_STATUSES), Status.EXPELLED),
    EventKind.LEFT: (set(LIVE_STATUSES), Status.LEFT),
    EventKind.DIED: (set(LIVE_STATUSES), Status.DECEASED),
    EventKind.REINSTATED: (set(LEAVING), None),  # back to official or probationary
    EventKind.EXEMPTED: ({Status.OFFICIAL}, Status.EXEMPTED),
    EventKind.EXEMPTION_ENDED: ({Status.EXEMPTED}, Status.OFFICIAL),
}
RECORDABLE_KINDS = list(TRANSITIONS)


class OrgLike(Protocol):
    @property
    def pk(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...

    def is_live_on(self, day: dt.date) -> bool: ...


class EventLike(Protocol):
    """What the replay needs of an event: a MemberEvent row, or any object alike."""

    @property
    def kind(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def org(self) -> OrgLike: ...
    @property
    def temporary(self) -> bool: ...
    @property
    def end_date(self) -> dt.date | None: ...


@dataclass(slots=True, eq=False)
class PlainEvent:
    """An event as the replay reads it, without the ORM (imports, the shapes of histories)."""

    kind: str
    date: dt.date
    org: OrgLike
    temporary: bool = False
    end_date: dt.date | None = None


@dataclass(frozen=True)
class MemberState:
    status: str | None = None
    org_id: int | None = None
    temp_org_id: int | None = None
    temp_until: dt.date | None = None
    admitted_on: dt.date | None = None
    recognized_on: dt.date | None = None
    status_since: dt.date | None = None
    last_date: dt.date | None = None


_STATE_FIELDS = frozenset(f.name for f in fields(MemberState))


def _refuse(message: str, event: EventLike) -> RuleViolation:
    return RuleViolation(
        _("%(event)s on %(date)s: %(reason)s")
        % {
            "event": EventKind(event.kind).label,
            "date": event.date.strftime("%d/%m/%Y"),
            "reason": message,
        }
    )


def apply_event(state: MemberState, event: EventLike, *, birth_date: dt.date | None) -> MemberState:
    """The state after `event`, or RuleViolation saying why the event is impossible."""
    if event.kind not in TRANSITIONS:
        raise _refuse(_("this kind of event cannot be recorded here."), event)
    allowed, after = TRANSITIONS[event.kind]
    if state.last_date and event.date < state.last_date:
        raise _refuse(_("it is dated before the member's latest event."), event)
    if state.status not in allowed:
        if state.status is None:
            raise _refuse(_("the person has not been admitted yet."), event)
        if state.status == Status.DECEASED:
            raise _refuse(_("the member has died."), event)
        raise _refuse(
            _("not possible while the member is %(status)s.")
            % {"status": Status(state.status).label.lower()},
            event,
        )
    org = event.org
    # what changes, gathered first: one new state per event (the replay of a big import
    # calls this for every row)
    changes: dict[str, object] = {"last_date": event.date}
    if event.kind in (EventKind.ADMITTED, EventKind.TRANSFERRED, EventKind.REINSTATED):
        if not can_hold_members(org.kind):
            raise _refuse(
                _("members belong to cells; %(unit)s is not a cell.") % {"unit": org.name}, event
            )
        if not org.is_live_on(event.date):
            raise _refuse(
                _("%(unit)s does not exist (or was dissolved) on that date.") % {"unit": org.name},
                event,
            )
    if event.kind == EventKind.ADMITTED:
        if birth_date and full_years_between(birth_date, event.date) < MIN_ADMISSION_AGE_YEARS:
            raise _refuse(
                _("a person must be at least %(n)d years old.") % {"n": MIN_ADMISSION_AGE_YEARS},
                event,
            )
        changes.update(org_id=org.pk, admitted_on=event.date)
    elif event.kind == EventKind.RECOGNIZED:
        assert state.admitted_on is not None
        earliest = add_months(state.admitted_on, PROBATION_MONTHS)
        if event.date < earliest:
            raise _refuse(
                _("probation lasts %(n)d months; recognition is possible from %(day)s.")
                % {"n": PROBATION_MONTHS, "day": earliest.strftime("%d/%m/%Y")},
                event,
            )
        changes["recognized_on"] = event.date
    elif event.kind == EventKind.TRANSFERRED:
        changes.update(_transfer_changes(state, event))
    elif event.kind == EventKind.REINSTATED:
        after = Status.OFFICIAL if state.recognized_on else Status.PROBATIONARY
        changes.update(org_id=org.pk, temp_org_id=None, temp_until=None)
    if event.kind in (
        EventKind.REMOVED,
        EventKind.EXPELLED,
        EventKind.LEFT,
        EventKind.DIED,
        EventKind.PROBATION_FAILED,
    ):
        changes.update(temp_org_id=None, temp_until=None)
    if after is not None:
        changes.update(status=after, status_since=event.date)
    return _changed(state, changes)


def _changed(state: MemberState, changes: dict[str, object]) -> MemberState:
    """`dataclasses.replace(state, **changes)` without its __init__ (under a third
    of the time; the replay of a big import makes one per row and event).
    MemberState has no __post_init__ and no InitVar, so the result is the same; a name
    that is not one of its fields is refused, as `replace` refuses it."""
    if not changes.keys() <= _STATE_FIELDS:
        raise TypeError(f"not fields of MemberState: {sorted(changes.keys() - _STATE_FIELDS)}")
    new = object.__new__(MemberState)
    values = new.__dict__
    values.update(state.__dict__)
    values.update(changes)
    return new


def _transfer_changes(state: MemberState, event: EventLike) -> dict[str, object]:
    org = event.org
    if not event.temporary:
        if org.pk == state.org_id:
            raise _refuse(_("the member is already in %(unit)s.") % {"unit": org.name}, event)
        return {"org_id": org.pk, "temp_org_id": None, "temp_until": None}
    if org.pk == state.org_id:
        raise _refuse(_("a temporary transfer must go to another unit."), event)
    if event.end_date is None or event.end_date <= event.date:
        raise _refuse(_("a temporary transfer needs an end date after its start."), event)
    if event.end_date < add_months(event.date, TEMPORARY_TRANSFER_MIN_MONTHS):
        raise _refuse(
            _("a temporary transfer lasts at least %(n)d months.")
            % {"n": TEMPORARY_TRANSFER_MIN_MONTHS},
            event,
        )
    if event.end_date > add_months(event.date, TEMPORARY_TRANSFER_STUDY_MAX_MONTHS):
        raise _refuse(
            _("a temporary transfer lasts at most %(n)d months.")
            % {"n": TEMPORARY_TRANSFER_STUDY_MAX_MONTHS},
            event,
        )
    return {"temp_org_id": org.pk, "temp_until": event.end_date}


def replay(events: Iterable[EventLike], *, birth_date: dt.date | None) -> MemberState:
    """Derive the state from effective events already in date order; refuse the first bad one."""
    state = MemberState()
    for event in events:
        state = apply_event(state, event, birth_date=birth_date)
    return state
