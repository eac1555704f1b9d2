"""Property tests of the member history: random lives checked against a simple model.

Each example runs inside a savepoint that is rolled back, so the examples of one test
share the `world` fixture without seeing each other's members.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from chibo.accounts.access import scope_for
from chibo.core.errors import RuleViolation
from chibo.core.models import AuditEntry
from chibo.core.periods import add_months
from chibo.members.models import Member, MemberEvent
from chibo.members.rules import TRANSITIONS
from chibo.members.selectors import live_counts
from chibo.members.services import event_record, event_void, member_create, org_dissolve
from chibo.orgs.models import Organization
from chibo.orgs.services import Decision, org_establish

D = dt.date
CELLS = ("C1", "C2", "C3")
NOT_CELLS = ("G1", "D1", "D2", "BT")
# The world's subtrees, written out by hand (tests/conftest.py draws the tree).
SUBTREE = {
    "BT": {"C1", "C2", "C3"},
    "D1": {"C1", "C2"},
    "G1": {"C1"},
    "D2": {"C3"},
    "C1": {"C1"},
    "C2": {"C2"},
    "C3": {"C3"},
}
# The world's own members: home cell and status.
PERSONAS = [("C1", "official"), ("C1", "official"), ("C2", "probationary"), ("C3", "official")]

LIVE = {"probationary", "official", "exempted"}
OUT = {"removed", "expelled", "left"}
ALLOWED_FROM: dict[str, set[str | None]] = {
    "admitted": {None},
    "recognized": {"probationary"},
    "probation_failed": {"probationary"},
    "transferred": set(LIVE),
    "removed": set(LIVE),
    "expelled": set(LIVE),
    "left": set(LIVE),
    "died": set(LIVE),
    "reinstated": set(OUT),
    "exempted": {"official"},
    "exemption_ended": {"exempted"},
}
FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Invalid(Exception):
    pass


@dataclass(frozen=True)
class Step:
    kind: str
    date: dt.date
    org: str | None = None
    temporary: bool = False
    end_date: dt.date | None = None


@dataclass(frozen=True)
class Model:
    """What a clerk would say about a member after reading their history top to bottom."""

    status: str | None = None
    org: str | None = None
    temp_org: str | None = None
    temp_until: dt.date | None = None
    admitted_on: dt.date | None = None
    recognized_on: dt.date | None = None

    def then(self, step: Step) -> "Model":
        if self.status not in ALLOWED_FROM[step.kind]:
            raise Invalid(f"{step.kind} while {self.status}")
        kind, home = step.kind, step.org or self.org
        if kind == "admitted":
            return Model(status="probationary", org=home, admitted_on=step.date)
        if kind == "recognized":
            assert self.admitted_on is not None
            if step.date < add_months(self.admitted_on, 12):
                raise Invalid("probation not over")
            return replace(self, status="official", recognized_on=step.date)
        if kind == "transferred":
            if step.org == self.org:
                raise Invalid("already there")
            if step.temporary:
                end = step.end_date
                if end is None or not add_months(step.date, 3) <= end <= add_months(step.date, 24):
                    raise Invalid("a temporary stay lasts 3 to 24 months")
                return replace(self, temp_org=step.org, temp_until=end)
            return replace(self, org=step.org, temp_org=None, temp_until=None)
        if kind == "reinstated":
            status = "official" if self.recognized_on else "probationary"
            return replace(self, status=status, org=home, temp_org=None, temp_until=None)
        status = {
            "probation_failed": "removed",
            "removed": "removed",
            "expelled": "expelled",
            "left": "left",
            "died": "deceased",
            "exempted": "exempted",
            "exemption_ended": "official",
        }[kind]
        if status in LIVE:
            return replace(self, status=status)
        return replace(self, status=status, temp_org=None, temp_until=None)

    @staticmethod
    def of(steps: list[Step]) -> "Model":
        model = Model()
        for step in steps:
            model = model.then(step)
        return model


@dataclass
class Life:
    steps: list[Step] = field(default_factory=list)

    @property
    def model(self) -> Model:
        return Model.of(self.steps)


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def counts() -> tuple[int, ...]:
    return (
        MemberEvent.objects.count(),
        Member.objects.count(),
        Organization.objects.count(),
        AuditEntry.objects.count(),
    )


def draw_life(data: st.DataObject, *, max_steps: int = 9) -> Life:
    """A valid life: at each step a kind that TRANSITIONS allows, later dates, real cells."""
    day = data.draw(st.dates(D(2001, 1, 1), D(2002, 12, 31)), label="admitted on")
    life = Life([Step("admitted", day, data.draw(st.sampled_from(CELLS), label="first cell"))])
    for _ in range(data.draw(st.integers(0, max_steps), label="steps")):
        model = life.model
        day += dt.timedelta(days=data.draw(st.integers(2, 400)))
        kinds = sorted(k for k, (allowed, _after) in TRANSITIONS.items() if model.status in allowed)
        if not kinds:  # nothing follows death
            break
        kind = data.draw(st.sampled_from(kinds))
        org, temporary, end_date = None, False, None
        if kind == "recognized":
            assert model.admitted_on is not None
            day = max(day, add_months(model.admitted_on, 12))
        if kind == "transferred":
            org = data.draw(st.sampled_from([c for c in CELLS if c != model.org]))
            temporary = data.draw(st.booleans())
            if temporary:
                end_date = data.draw(st.dates(add_months(day, 3), add_months(day, 24)))
        if kind == "reinstated":
            org = data.draw(st.sampled_from(CELLS))
        life.steps.append(Step(kind, day, org, temporary, end_date))
    return life


def record(world, life: Life, code: str) -> Member:
    first = life.steps[0]
    assert first.org is not None
    member = member_create(
        actor=None,
        org=world.org(first.org),
        member_code=code,
        family_name="Thử",
        given_name=code,
        birth_date=D(1970, 6, 15),
        gender="male",
        admitted_on=first.date,
    )
    for step in life.steps[1:]:
        record_step(world, member, step)
    member.refresh_from_db()
    return member


def record_step(world, member: Member, step: Step) -> MemberEvent:
    return event_record(
        actor=None,
        member=member,
        kind=step.kind,
        date=step.date,
        org=world.org(step.org) if step.org else None,
        temporary=step.temporary,
        end_date=step.end_date,
    )


def assert_matches(world, member: Member, model: Model) -> None:
    member.refresh_from_db()
    code_of = {world.org(c).pk: c for c in CELLS}
    assert member.status == model.status
    assert code_of[member.org_id] == model.org
    assert (code_of.get(member.temp_org_id), member.temp_until) == (
        model.temp_org,
        model.temp_until,
    )
    assert (member.admitted_on, member.recognized_on) == (model.admitted_on, model.recognized_on)


def cached(member: Member) -> tuple:
    m = Member.objects.get(pk=member.pk)
    return (m.status, m.org_id, m.temp_org_id, m.temp_until, m.recognized_on, m.version)


@FAST
@given(data=st.data())
def test_random_valid_lives_derive_what_the_model_says(world, data):
    with rolled_back():
        # given a few members living random valid lives
        lives = [draw_life(data) for _ in range(data.draw(st.integers(1, 3), label="members"))]
        # when their histories are recorded event by event
        members = [record(world, life, f"H{i}") for i, life in enumerate(lives)]
        # then each member's status and units are the model's
        for member, life in zip(members, lives, strict=True):
            assert_matches(world, member, life.model)
        # and every subtree counts its live members at home, never at a host
        homes = list(PERSONAS)
        homes += [(life.model.org, life.model.status) for life in lives]
        orgs = [world.org(code) for code in SUBTREE]
        counted = live_counts(scope=scope_for(world.users["olga"]), orgs=orgs)
        for org in orgs:
            expected = sum(
                1 for cell, status in homes if status in LIVE and cell in SUBTREE[org.code]
            )
            assert counted[org.pk]["total"] == expected, org.code


@pytest.fixture
def dead_cell(world) -> Organization:
    """A cell that existed in 2000 and was dissolved on 1 June 2000."""
    cell = org_establish(
        actor=None,
        parent=world.org("D2"),
        code="C-DEAD",
        name="Chi bộ đã giải thể",
        kind="grassroots_cell",
        sector="commune",
        established_on=D(2000, 1, 1),
    )
    org_dissolve(
        actor=None,
        org=cell,
        decision=Decision(number="1-QĐ", date=D(2000, 6, 1), issuer="Huyện ủy B"),
    )
    cell.refresh_from_db()
    return cell


def draw_defect(
    data: st.DataObject, life: Life, dead: Organization
) -> tuple[int, Step, Organization | None]:
    """An event that cannot happen where it is put: (position, step, org to pass)."""
    steps = life.steps
    position = data.draw(st.integers(0, len(steps)), label="position")
    if position == 0:
        day = steps[0].date - dt.timedelta(days=1)
    else:
        day = steps[position - 1].date + dt.timedelta(days=1)
    state = Model.of(steps[:position])
    defects = ["wrong status"]
    if state.status in LIVE:
        defects += ["not a cell", "dissolved cell", "same cell", "short stay", "long stay"]
    if (
        state.status == "probationary"
        and state.admitted_on
        and day < add_months(state.admitted_on, 12)
    ):
        defects.append("too early")
    if position == len(steps):
        defects.append("future")
    defect = data.draw(st.sampled_from(defects), label="defect")
    event(defect)
    other = next(c for c in CELLS if c != state.org)
    if defect == "wrong status":
        kind = data.draw(
            st.sampled_from(sorted(k for k in ALLOWED_FROM if state.status not in ALLOWED_FROM[k]))
        )
        return (
            position,
            Step(kind, day, other if kind in ("transferred", "reinstated") else None),
            None,
        )
    if defect == "not a cell":
        return position, Step("transferred", day, data.draw(st.sampled_from(NOT_CELLS))), None
    if defect == "dissolved cell":
        return position, Step("transferred", day), dead
    if defect == "same cell":
        return position, Step("transferred", day, state.org), None
    if defect == "short stay":
        end = data.draw(st.dates(day, add_months(day, 3) - dt.timedelta(days=1)))
        return position, Step("transferred", day, other, True, end), None
    if defect == "long stay":
        end = data.draw(
            st.one_of(
                st.none(), st.dates(add_months(day, 24) + dt.timedelta(days=1), D(2099, 1, 1))
            )
        )
        return position, Step("transferred", day, other, True, end), None
    if defect == "too early":
        return position, Step("recognized", day), None
    # "future": a kind that would be fine on any earlier day
    future = timezone.localdate() + dt.timedelta(days=data.draw(st.integers(1, 1000)))
    kinds = sorted(
        k for k in ALLOWED_FROM if state.status in ALLOWED_FROM[k] and k != "transferred"
    )
    return position, Step(data.draw(st.sampled_from(kinds or ["removed"])), future), None


@FAST
@given(data=st.data())
def test_one_impossible_event_anywhere_is_refused_and_nothing_is_written(world, dead_cell, data):
    with rolled_back():
        # given a member with a valid random history
        life = draw_life(data)
        member = record(world, life, "BAD")
        # when an impossible event is slipped in somewhere
        position, step, org = draw_defect(data, life, dead_cell)
        # the model agrees (it knows statuses, the live cells and durations, not the calendar)
        if org is None and step.org not in NOT_CELLS and step.date <= timezone.localdate():
            with pytest.raises(Invalid):
                Model.of([*life.steps[:position], step, *life.steps[position:]])
        before, state = counts(), cached(member)
        with pytest.raises(RuleViolation):
            if org is not None:
                event_record(actor=None, member=member, kind=step.kind, date=step.date, org=org)
            else:
                record_step(world, member, step)
        # then it is refused and nothing was written
        assert counts() == before
        assert cached(member) == state
        assert_matches(world, member, life.model)


@settings(FAST, max_examples=30)
@given(data=st.data())
def test_voiding_any_event_is_accepted_exactly_when_the_rest_still_holds(world, data):
    with rolled_back():
        # given a member with a valid random history
        life = draw_life(data, max_steps=6)
        member = record(world, life, "VOID")
        events = list(MemberEvent.objects.filter(member=member).order_by("date", "id"))
        assert [e.kind for e in events] == [s.kind for s in life.steps]
        # when one of its events is voided
        index = data.draw(st.integers(0, len(events) - 1), label="voided")
        rest = life.steps[:index] + life.steps[index + 1 :]
        try:
            expected = Model.of(rest) if rest else None
        except Invalid:
            expected = None
        event("refused" if expected is None else "accepted")
        before, state = counts(), cached(member)
        if expected is None:
            # then a history that no longer holds is refused with nothing written
            with pytest.raises(RuleViolation):
                event_void(actor=None, event=events[index], reason="random correction")
            assert counts() == before
            assert cached(member) == state
        else:
            # then the member is what the remaining history says
            event_void(actor=None, event=events[index], reason="random correction")
            assert_matches(world, member, expected)
            assert MemberEvent.objects.get(pk=events[index].pk).voided_by is not None
