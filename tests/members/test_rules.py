"""The member life cycle as data, and the replay (chibo.members.rules). No database."""

import datetime as dt
from dataclasses import replace

import pytest
from django.utils import translation

from chibo.core.errors import RuleViolation
from chibo.members import rules
from chibo.members.models import MemberEvent
from chibo.members.rules import (
    PROBATION_MONTHS,
    TRANSITIONS,
    MemberState,
    apply_event,
    replay,
)
from chibo.orgs.models import Organization

D = dt.date
BIRTH = D(1980, 1, 1)
HOME = Organization(pk=1, kind="subordinate_cell", name="Home cell", established_on=D(2000, 1, 1))
OTHER = Organization(pk=2, kind="grassroots_cell", name="Other cell", established_on=D(2000, 1, 1))
COMMITTEE = Organization(pk=3, kind="grassroots_committee", name="Committee")
GONE = Organization(
    pk=4,
    kind="grassroots_cell",
    name="Gone cell",
    established_on=D(2000, 1, 1),
    dissolved_on=D(2014, 1, 1),
)
LATE = Organization(pk=5, kind="grassroots_cell", name="New cell", established_on=D(2016, 1, 1))

LIVE = {"probationary", "official", "exempted"}
GONE_OUT = {"removed", "expelled", "left"}
# Written out by hand from DOMAIN.md, independently of rules.TRANSITIONS.
ALLOWED_FROM = {
    "admitted": {None},
    "recognized": {"probationary"},
    "probation_failed": {"probationary"},
    "transferred": LIVE,
    "removed": LIVE,
    "expelled": LIVE,
    "left": LIVE,
    "died": LIVE,
    "reinstated": GONE_OUT,
    "exempted": {"official"},
    "exemption_ended": {"exempted"},
}
STATUS_AFTER = {
    "admitted": "probationary",
    "recognized": "official",
    "probation_failed": "removed",
    "removed": "removed",
    "expelled": "expelled",
    "left": "left",
    "died": "deceased",
    "reinstated": "official",  # the states below were recognized before they left
    "exempted": "exempted",
    "exemption_ended": "official",
}
STATUSES = [None, "probationary", "official", "exempted", "removed", "expelled", "left", "deceased"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def event(kind, day, org=HOME, *, temporary=False, end_date=None) -> MemberEvent:
    return MemberEvent(kind=kind, date=day, org=org, temporary=temporary, end_date=end_date)


def state_in(status: str | None) -> MemberState:
    """A member in `status`, admitted in 2010 and (unless probationary) recognized in 2011."""
    if status is None:
        return MemberState()
    recognized = None if status == "probationary" else D(2011, 1, 10)
    return MemberState(
        status=status,
        org_id=HOME.pk,
        admitted_on=D(2010, 1, 1),
        recognized_on=recognized,
        status_since=D(2012, 1, 1),
        last_date=D(2012, 1, 1),
    )


def org_for(kind: str) -> Organization:
    return OTHER if kind == "transferred" else HOME


def test_the_transition_table_is_the_documented_one():
    assert {kind: allowed for kind, (allowed, _after) in TRANSITIONS.items()} == ALLOWED_FROM


@pytest.mark.parametrize(
    ("kind", "status"),
    [(k, s) for k in ALLOWED_FROM for s in STATUSES if s in ALLOWED_FROM[k]],
)
def test_each_transition_is_accepted_from_its_allowed_statuses(kind, status):
    # given a member in an allowed status
    state = state_in(status)
    # when the event happens
    after = apply_event(state, event(kind, D(2015, 6, 1), org_for(kind)), birth_date=BIRTH)
    # then the status is the documented one
    assert after.status == STATUS_AFTER.get(kind, status)
    assert after.last_date == D(2015, 6, 1)


@pytest.mark.parametrize(
    ("kind", "status"),
    [(k, s) for k in ALLOWED_FROM for s in STATUSES if s not in ALLOWED_FROM[k]],
)
def test_each_transition_is_refused_from_every_other_status(kind, status):
    with pytest.raises(RuleViolation):
        apply_event(state_in(status), event(kind, D(2015, 6, 1), org_for(kind)), birth_date=BIRTH)


@pytest.mark.parametrize("kind", list(ALLOWED_FROM))
def test_nothing_happens_after_death(kind):
    with pytest.raises(RuleViolation, match="has died"):
        apply_event(
            state_in("deceased"), event(kind, D(2015, 6, 1), org_for(kind)), birth_date=BIRTH
        )


def test_nothing_but_admission_happens_before_admission():
    with pytest.raises(RuleViolation, match="not been admitted"):
        apply_event(MemberState(), event("recognized", D(2015, 6, 1)), birth_date=BIRTH)


def test_a_voided_event_kind_cannot_be_replayed():
    with pytest.raises(RuleViolation, match="cannot be recorded"):
        apply_event(state_in("official"), event("voided", D(2015, 6, 1)), birth_date=BIRTH)


# --- admission ---------------------------------------------------------------------------


def test_admission_sets_the_unit_and_the_party_age_date():
    after = apply_event(MemberState(), event("admitted", D(2010, 1, 1)), birth_date=BIRTH)
    assert (after.status, after.org_id, after.admitted_on, after.status_since) == (
        "probationary",
        HOME.pk,
        D(2010, 1, 1),
        D(2010, 1, 1),
    )


def test_admission_needs_the_age_of_eighteen():
    young = D(1992, 6, 2)
    with pytest.raises(RuleViolation, match="at least 18"):
        apply_event(MemberState(), event("admitted", D(2010, 6, 1)), birth_date=young)
    after = apply_event(MemberState(), event("admitted", D(2010, 6, 2)), birth_date=young)
    assert after.status == "probationary"


@pytest.mark.parametrize(
    ("org", "reason"),
    [
        (COMMITTEE, "not a cell"),
        (GONE, "does not exist"),
        (LATE, "does not exist"),
    ],
)
def test_admission_needs_a_live_cell(org, reason):
    with pytest.raises(RuleViolation, match=reason):
        apply_event(MemberState(), event("admitted", D(2015, 1, 1), org), birth_date=BIRTH)


# --- recognition -------------------------------------------------------------------------


def test_recognition_comes_no_earlier_than_twelve_months_after_admission():
    state = replay([event("admitted", D(2020, 2, 29))], birth_date=BIRTH)
    assert PROBATION_MONTHS == 12
    with pytest.raises(RuleViolation, match="probation lasts 12 months"):
        apply_event(state, event("recognized", D(2021, 2, 27)), birth_date=BIRTH)
    after = apply_event(state, event("recognized", D(2021, 2, 28)), birth_date=BIRTH)
    assert (after.status, after.recognized_on) == ("official", D(2021, 2, 28))


def test_recognition_is_refused_before_admission():
    with pytest.raises(RuleViolation, match="not been admitted"):
        replay(
            [event("recognized", D(2011, 1, 1)), event("admitted", D(2012, 1, 1))],
            birth_date=BIRTH,
        )


def test_a_failed_probation_removes_the_member():
    state = replay(
        [event("admitted", D(2020, 1, 1)), event("probation_failed", D(2021, 1, 5))],
        birth_date=BIRTH,
    )
    assert state.status == "removed"
    assert state.recognized_on is None


# --- transfers ---------------------------------------------------------------------------


def test_a_permanent_transfer_changes_the_unit():
    after = apply_event(
        state_in("official"), event("transferred", D(2015, 1, 1), OTHER), birth_date=BIRTH
    )
    assert after.org_id == OTHER.pk
    assert after.status == "official"
    assert after.status_since == D(2012, 1, 1)  # a transfer does not change the status


@pytest.mark.parametrize(
    ("org", "reason"),
    [
        (HOME, "already in"),
        (COMMITTEE, "not a cell"),
        (GONE, "does not exist"),
        (LATE, "does not exist"),
    ],
)
def test_a_permanent_transfer_needs_another_live_cell(org, reason):
    with pytest.raises(RuleViolation, match=reason):
        apply_event(
            state_in("official"), event("transferred", D(2015, 1, 1), org), birth_date=BIRTH
        )


def test_a_temporary_transfer_keeps_the_home_unit():
    after = apply_event(
        state_in("official"),
        event("transferred", D(2015, 1, 1), OTHER, temporary=True, end_date=D(2015, 7, 1)),
        birth_date=BIRTH,
    )
    assert (after.org_id, after.temp_org_id, after.temp_until) == (HOME.pk, OTHER.pk, D(2015, 7, 1))


@pytest.mark.parametrize(
    ("end_date", "accepted"),
    [
        (None, False),
        (D(2015, 1, 1), False),
        (D(2014, 12, 1), False),
        (D(2015, 3, 31), False),  # one day short of 3 months
        (D(2015, 4, 1), True),  # exactly 3 months
        (D(2016, 1, 1), True),
        (D(2017, 1, 1), True),  # exactly 24 months (study)
        (D(2017, 1, 2), False),
    ],
)
def test_a_temporary_transfer_lasts_three_to_twenty_four_months(end_date, accepted):
    transfer = event("transferred", D(2015, 1, 1), OTHER, temporary=True, end_date=end_date)
    if accepted:
        assert apply_event(state_in("official"), transfer, birth_date=BIRTH).temp_until == end_date
    else:
        with pytest.raises(RuleViolation, match="temporary transfer"):
            apply_event(state_in("official"), transfer, birth_date=BIRTH)


def test_a_temporary_transfer_must_leave_home():
    transfer = event("transferred", D(2015, 1, 1), HOME, temporary=True, end_date=D(2015, 7, 1))
    with pytest.raises(RuleViolation, match="another unit"):
        apply_event(state_in("official"), transfer, birth_date=BIRTH)


@pytest.mark.parametrize(
    ("kind", "org"),
    [
        ("transferred", OTHER),
        ("removed", HOME),
        ("expelled", HOME),
        ("left", HOME),
        ("died", HOME),
    ],
)
def test_a_later_event_ends_a_temporary_stay(kind, org):
    away = replace(state_in("official"), temp_org_id=OTHER.pk, temp_until=D(2016, 1, 1))
    after = apply_event(away, event(kind, D(2015, 6, 1), org), birth_date=BIRTH)
    assert (after.temp_org_id, after.temp_until) == (None, None)


# --- leaving and coming back -------------------------------------------------------------


def test_reinstatement_restores_the_earlier_rank_and_takes_the_new_unit():
    official_again = apply_event(
        state_in("removed"), event("reinstated", D(2015, 1, 1), OTHER), birth_date=BIRTH
    )
    assert (official_again.status, official_again.org_id) == ("official", OTHER.pk)
    never_recognized = replace(state_in("left"), recognized_on=None)
    probationary_again = apply_event(
        never_recognized, event("reinstated", D(2015, 1, 1)), birth_date=BIRTH
    )
    assert probationary_again.status == "probationary"


def test_reinstatement_needs_a_live_cell():
    with pytest.raises(RuleViolation, match="not a cell"):
        apply_event(
            state_in("removed"), event("reinstated", D(2015, 1, 1), COMMITTEE), birth_date=BIRTH
        )


def test_exemption_comes_and_goes_for_official_members():
    state = replay(
        [
            event("admitted", D(2000, 1, 1)),
            event("recognized", D(2001, 1, 1)),
            event("exempted", D(2020, 1, 1)),
        ],
        birth_date=BIRTH,
    )
    assert (state.status, state.status_since) == ("exempted", D(2020, 1, 1))
    state = apply_event(state, event("exemption_ended", D(2021, 1, 1)), birth_date=BIRTH)
    assert (state.status, state.status_since) == ("official", D(2021, 1, 1))


# --- order -------------------------------------------------------------------------------


def test_events_must_come_in_date_order():
    with pytest.raises(RuleViolation, match="before the member's latest event"):
        apply_event(state_in("official"), event("removed", D(2011, 12, 31)), birth_date=BIRTH)


def test_events_on_the_same_day_are_fine():
    after = apply_event(state_in("official"), event("exempted", D(2012, 1, 1)), birth_date=BIRTH)
    assert after.status == "exempted"


def test_replay_of_a_whole_life():
    state = replay(
        [
            event("admitted", D(2000, 5, 1)),
            event("recognized", D(2001, 5, 1)),
            event("transferred", D(2005, 1, 1), OTHER),
            event("transferred", D(2006, 1, 1), HOME, temporary=True, end_date=D(2006, 12, 1)),
            event("removed", D(2008, 1, 1)),
            event("reinstated", D(2010, 1, 1), OTHER),
            event("exempted", D(2020, 1, 1)),
            event("died", D(2024, 1, 1)),
        ],
        birth_date=BIRTH,
    )
    assert state == MemberState(
        status="deceased",
        org_id=OTHER.pk,
        admitted_on=D(2000, 5, 1),
        recognized_on=D(2001, 5, 1),
        status_since=D(2024, 1, 1),
        last_date=D(2024, 1, 1),
    )


def test_the_refusal_names_the_event_and_its_date():
    with pytest.raises(RuleViolation) as exc:
        apply_event(state_in("deceased"), event("removed", D(2015, 6, 1)), birth_date=BIRTH)
    assert "01/06/2015" in str(exc.value)
    assert "Removed from the list" in str(exc.value)


def test_the_state_after_an_event_is_a_new_state_like_dataclasses_replace_makes():
    state = MemberState(status="probationary", org_id=3, admitted_on=dt.date(2024, 1, 2))
    changes = {"status": "official", "recognized_on": dt.date(2025, 1, 2)}
    made = rules._changed(state, changes)
    assert made == replace(state, **changes)  # type: ignore[arg-type]
    assert hash(made) == hash(replace(state, **changes))  # type: ignore[arg-type]
    assert made is not state and state.status == "probationary"  # the old one is untouched
    with pytest.raises(AttributeError):  # still frozen
        made.status = "deceased"  # type: ignore[misc]
    # nothing in MemberState that `_changed` would skip
    assert not hasattr(MemberState, "__post_init__")
    with pytest.raises(TypeError, match="recognised_on"):  # a misspelled field, as replace
        rules._changed(state, {"recognised_on": dt.date(2025, 1, 2)})
