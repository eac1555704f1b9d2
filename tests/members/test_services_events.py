"""Recording and voiding events (chibo.members.services.events)."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from chibo.accounts.access import scope_for
from chibo.core.errors import RuleViolation, StaleEdit
from chibo.core.models import AuditEntry
from chibo.members.models import EventKind, Member, MemberEvent
from chibo.members.selectors import live_counts
from chibo.members.services import (
    event_record,
    event_void,
    member_create,
    member_rederive,
    org_dissolve,
)
from chibo.orgs.models import Organization
from chibo.orgs.services import Decision, org_establish

D = dt.date
LIVE = {"probationary", "official", "exempted"}
ALLOWED_FROM = {
    "admitted": set(),  # never again once a member exists
    "recognized": {"probationary"},
    "probation_failed": {"probationary"},
    "transferred": LIVE,
    "removed": LIVE,
    "expelled": LIVE,
    "left": LIVE,
    "died": LIVE,
    "reinstated": {"removed", "expelled", "left"},
    "exempted": {"official"},
    "exemption_ended": {"exempted"},
}
STATUS_AFTER = {
    "recognized": "official",
    "probation_failed": "removed",
    "removed": "removed",
    "expelled": "expelled",
    "left": "left",
    "died": "deceased",
    "reinstated": "official",
    "exempted": "exempted",
    "exemption_ended": "official",
}
STATUSES = ["probationary", "official", "exempted", "removed", "expelled", "left", "deceased"]
# How a member reaches each status (after admission on 2010-01-01 in C2).
ROAD_TO = {
    "probationary": [],
    "official": ["recognized"],
    "exempted": ["recognized", "exempted"],
    "removed": ["recognized", "removed"],
    "expelled": ["recognized", "expelled"],
    "left": ["recognized", "left"],
    "deceased": ["recognized", "died"],
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def counts() -> tuple[int, ...]:
    return (
        MemberEvent.objects.count(),
        Member.objects.count(),
        Organization.objects.count(),
        AuditEntry.objects.count(),
    )


def cached(member: Member) -> tuple:
    member = Member.objects.get(pk=member.pk)
    return (
        member.status,
        member.org_id,
        member.temp_org_id,
        member.temp_until,
        member.admitted_on,
        member.recognized_on,
        member.version,
    )


def member_in(world, status: str, code: str = "M-NEW") -> Member:
    member = member_create(
        actor=None,
        org=world.org("C2"),
        member_code=code,
        family_name="Phan",
        middle_name="Thị",
        given_name="Hoa",
        birth_date=D(1980, 1, 1),
        gender="female",
        admitted_on=D(2010, 1, 1),
    )
    day = D(2011, 1, 10)
    for kind in ROAD_TO[status]:
        event_record(actor=None, member=member, kind=kind, date=day)
        day = D(2012, 1, 1)
    member.refresh_from_db()
    assert member.status == status
    return member


def destination(world, kind: str) -> Organization | None:
    if kind == "transferred":
        return world.org("C3")
    if kind == "admitted":
        return world.org("C2")
    return None


@pytest.mark.parametrize(
    ("kind", "status"), [(k, s) for k in ALLOWED_FROM for s in STATUSES if s in ALLOWED_FROM[k]]
)
def test_each_transition_is_recorded_from_an_allowed_status(world, kind, status):
    # given a member in an allowed status
    member = member_in(world, status)
    events_before = MemberEvent.objects.filter(member=member).count()
    # when the event is recorded
    recorded = event_record(
        actor=world.users["alice"],
        member=member,
        kind=kind,
        date=D(2015, 6, 1),
        org=destination(world, kind),
        decision_no="7-QĐ/HU",
    )
    # then it is stored and the cached status follows
    member.refresh_from_db()
    assert member.status == STATUS_AFTER.get(kind, status)
    assert MemberEvent.objects.filter(member=member).count() == events_before + 1
    assert recorded.decision_no == "7-QĐ/HU"
    assert recorded.created_by == world.users["alice"]
    assert AuditEntry.objects.filter(
        action=f"member.event.{kind}", object_id=str(member.pk)
    ).exists()


@pytest.mark.parametrize(
    ("kind", "status"),
    [(k, s) for k in ALLOWED_FROM for s in STATUSES if s not in ALLOWED_FROM[k]],
)
def test_each_transition_is_refused_from_any_other_status_and_nothing_is_written(
    world, kind, status
):
    member = member_in(world, status)
    before, state = counts(), cached(member)
    with pytest.raises(RuleViolation):
        event_record(
            actor=world.users["alice"],
            member=member,
            kind=kind,
            date=D(2015, 6, 1),
            org=destination(world, kind),
        )
    assert counts() == before
    assert cached(member) == state


def test_it_refuses_recognition_before_admission(world):
    # given a member admitted on 2010-01-01
    member = member_in(world, "probationary")
    before, state = counts(), cached(member)
    # when recognition is back-dated before the admission
    with pytest.raises(RuleViolation, match="not been admitted"):
        event_record(actor=None, member=member, kind="recognized", date=D(2009, 12, 1))
    # then nothing changed
    assert counts() == before
    assert cached(member) == state


def test_it_refuses_recognition_before_twelve_months(world):
    # given Lan, admitted on 2025-09-01
    lan = world.members["lan"]
    before, state = counts(), cached(lan)
    # when she is recognized a day early
    with pytest.raises(RuleViolation, match="probation lasts 12 months"):
        event_record(
            actor=None, member=lan, kind="recognized", date=D(2026, 8, 31), today=D(2026, 12, 1)
        )
    # then nothing changed
    assert counts() == before
    assert cached(lan) == state
    # and at twelve months exactly she is recognized
    event_record(
        actor=None, member=lan, kind="recognized", date=D(2026, 9, 1), today=D(2026, 12, 1)
    )
    lan.refresh_from_db()
    assert (lan.status, lan.recognized_on) == ("official", D(2026, 9, 1))


@pytest.mark.parametrize("kind", [k for k in ALLOWED_FROM if k != "admitted"])
def test_it_refuses_any_event_after_death(world, kind):
    member = member_in(world, "deceased")
    before, state = counts(), cached(member)
    with pytest.raises(RuleViolation, match="has died"):
        event_record(
            actor=None, member=member, kind=kind, date=D(2016, 1, 1), org=destination(world, kind)
        )
    assert counts() == before
    assert cached(member) == state


def test_it_refuses_a_transfer_to_a_dissolved_unit(world):
    # given a cell established and dissolved again
    c4 = org_establish(
        actor=None,
        parent=world.org("D2"),
        code="C4",
        name="Chi bộ cũ",
        kind="grassroots_cell",
        sector="commune",
        established_on=D(2005, 1, 1),
    )
    org_dissolve(
        actor=None,
        org=c4,
        decision=Decision(number="3-QĐ", date=D(2020, 1, 1), issuer="Huyện ủy B"),
    )
    duc = world.members["duc"]
    before, state = counts(), cached(duc)
    # when Đức is transferred to it after the dissolution (c4 is a copy from before it)
    with pytest.raises(RuleViolation, match="does not exist"):
        event_record(actor=None, member=duc, kind="transferred", date=D(2021, 1, 1), org=c4)
    # then nothing changed
    assert counts() == before
    assert cached(duc) == state


@pytest.mark.parametrize("code", ["G1", "D2", "BT"])
def test_it_refuses_a_transfer_to_a_unit_that_is_not_a_cell(world, code):
    duc = world.members["duc"]
    before, state = counts(), cached(duc)
    with pytest.raises(RuleViolation, match="not a cell"):
        event_record(
            actor=None, member=duc, kind="transferred", date=D(2021, 1, 1), org=world.org(code)
        )
    assert counts() == before
    assert cached(duc) == state


def test_it_refuses_a_transfer_to_the_members_own_cell(world):
    duc = world.members["duc"]
    before = counts()
    with pytest.raises(RuleViolation, match="already in"):
        event_record(
            actor=None, member=duc, kind="transferred", date=D(2021, 1, 1), org=world.org("C1")
        )
    assert counts() == before


def test_a_permanent_transfer_moves_the_member_and_is_counted_by_the_new_unit(world):
    duc = world.members["duc"]
    event = event_record(
        actor=None, member=duc, kind="transferred", date=D(2021, 1, 1), org=world.org("C3")
    )
    duc.refresh_from_db()
    assert duc.org == world.org("C3")
    assert (event.from_org, event.org) == (world.org("C1"), world.org("C3"))
    olga = scope_for(world.users["olga"])
    counted = live_counts(scope=olga, orgs=[world.org("C1"), world.org("C3")])
    assert counted[world.org("C1").pk]["total"] == 1
    assert counted[world.org("C3").pk]["total"] == 2


def test_a_temporary_transfer_keeps_the_home_unit_and_the_host_does_not_count_it(world):
    # given Đức in C1, and the counts of his home and of C3
    duc = world.members["duc"]
    olga = scope_for(world.users["olga"])
    orgs = [world.org(c) for c in ("C1", "C3", "D1", "D2", "BT")]
    counted_before = live_counts(scope=olga, orgs=orgs)
    # when he goes to C3 for six months
    event = event_record(
        actor=None,
        member=duc,
        kind="transferred",
        date=D(2024, 1, 10),
        org=world.org("C3"),
        temporary=True,
        end_date=D(2024, 7, 10),
    )
    # then his unit is still C1, C3 is where he is staying, and no count moves
    duc.refresh_from_db()
    assert duc.org == world.org("C1")
    assert (duc.temp_org, duc.temp_until) == (world.org("C3"), D(2024, 7, 10))
    assert event.temporary
    assert live_counts(scope=olga, orgs=orgs) == counted_before


@pytest.mark.parametrize(
    "end_date", [None, D(2024, 1, 10), D(2024, 4, 9), D(2026, 1, 11), D(2023, 12, 1)]
)
def test_it_refuses_a_temporary_transfer_outside_three_to_twenty_four_months(world, end_date):
    duc = world.members["duc"]
    before, state = counts(), cached(duc)
    with pytest.raises(RuleViolation, match="temporary transfer"):
        event_record(
            actor=None,
            member=duc,
            kind="transferred",
            date=D(2024, 1, 10),
            org=world.org("C3"),
            temporary=True,
            end_date=end_date,
        )
    assert counts() == before
    assert cached(duc) == state


def test_the_temporary_flag_is_ignored_for_other_kinds(world):
    duc = world.members["duc"]
    event = event_record(
        actor=None,
        member=duc,
        kind="exempted",
        date=D(2024, 1, 1),
        temporary=True,
        end_date=D(2025, 1, 1),
    )
    assert (event.temporary, event.end_date) == (False, None)


def test_it_refuses_a_future_dated_event(world):
    duc = world.members["duc"]
    before, state = counts(), cached(duc)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(RuleViolation, match="future") as exc:
        event_record(actor=None, member=duc, kind="exempted", date=tomorrow)
    assert exc.value.field == "date"
    with pytest.raises(RuleViolation, match="future"):
        event_record(
            actor=None, member=duc, kind="exempted", date=D(2024, 1, 2), today=D(2024, 1, 1)
        )
    assert counts() == before
    assert cached(duc) == state


def test_an_event_dated_today_is_accepted(world):
    duc = world.members["duc"]
    event_record(actor=None, member=duc, kind="exempted", date=timezone.localdate())
    duc.refresh_from_db()
    assert duc.status == "exempted"


def test_it_refuses_an_event_without_a_date_or_a_voided_kind(world):
    duc = world.members["duc"]
    before = counts()
    with pytest.raises(RuleViolation):
        event_record(actor=None, member=duc, kind="exempted", date=None)  # type: ignore[arg-type]
    with pytest.raises(RuleViolation, match="correction"):
        event_record(actor=None, member=duc, kind=EventKind.VOIDED, date=D(2024, 1, 1))
    assert counts() == before


def test_a_back_dated_event_is_accepted_when_the_later_history_still_holds(world):
    # given Đức (C1) transferred to C3 in 2018
    duc = world.members["duc"]
    event_record(
        actor=None, member=duc, kind="transferred", date=D(2018, 1, 1), org=world.org("C3")
    )
    # when a forgotten transfer to C2 in 2015 is recorded now
    event = event_record(
        actor=None, member=duc, kind="transferred", date=D(2015, 1, 1), org=world.org("C2")
    )
    # then the history is C1 → C2 → C3 and he is still in C3
    duc.refresh_from_db()
    assert duc.org == world.org("C3")
    kinds = list(
        MemberEvent.objects.filter(member=duc).order_by("date").values_list("kind", "org__code")
    )
    assert kinds == [
        ("admitted", "C1"),
        ("recognized", "C1"),
        ("transferred", "C2"),
        ("transferred", "C3"),
    ]
    # and the back-dated transfer left from where he was at the time
    assert event.from_org == world.org("C1")


def test_a_back_dated_event_is_refused_when_the_later_history_breaks(world):
    # given Đức exempted in 2020
    duc = world.members["duc"]
    event_record(actor=None, member=duc, kind="exempted", date=D(2020, 1, 1))
    before, state = counts(), cached(duc)
    # when a death in 2019 is recorded
    with pytest.raises(RuleViolation, match="has died"):
        event_record(actor=None, member=duc, kind="died", date=D(2019, 1, 1))
    # then nothing changed
    assert counts() == before
    assert cached(duc) == state


def test_a_back_dated_transfer_that_makes_a_later_one_pointless_is_refused(world):
    duc = world.members["duc"]
    event_record(
        actor=None, member=duc, kind="transferred", date=D(2018, 1, 1), org=world.org("C3")
    )
    before = counts()
    with pytest.raises(RuleViolation, match="already in"):
        event_record(
            actor=None, member=duc, kind="transferred", date=D(2015, 1, 1), org=world.org("C3")
        )
    assert counts() == before


def test_a_stale_version_is_refused_and_nothing_is_written(world):
    # given Đức opened at one version and changed by someone else since
    duc = world.members["duc"]
    opened = Member.objects.get(pk=duc.pk).version
    event_record(actor=None, member=duc, kind="exempted", date=D(2020, 1, 1), version=opened)
    before, state = counts(), cached(duc)
    # when the first form is saved
    with pytest.raises(StaleEdit):
        event_record(actor=None, member=duc, kind="removed", date=D(2021, 1, 1), version=opened)
    # then nothing changed
    assert counts() == before
    assert cached(duc) == state


def test_recording_writes_an_audit_row_with_the_changed_fields(world):
    duc, alice = world.members["duc"], world.users["alice"]
    event = event_record(
        actor=alice,
        member=duc,
        kind="transferred",
        date=D(2021, 1, 1),
        org=world.org("C2"),
        decision_no="9-QĐ/HU",
    )
    entry = AuditEntry.objects.get(action="member.event.transferred", object_id=str(duc.pk))
    assert entry.actor == alice
    assert entry.org_id == world.org("C2").pk
    assert entry.changes["event"] == event.pk
    assert entry.changes["decision_no"] == "9-QĐ/HU"
    assert entry.changes["org_id"] == [world.org("C1").pk, world.org("C2").pk]
    assert entry.changes["date"] == "2021-01-01"


# --- voiding ------------------------------------------------------------------------------


def test_voiding_creates_a_correction_marks_the_target_and_rederives(world):
    # given Đức wrongly transferred to C3
    duc, alice = world.members["duc"], world.users["alice"]
    wrong = event_record(
        actor=None, member=duc, kind="transferred", date=D(2021, 1, 1), org=world.org("C3")
    )
    events_before = MemberEvent.objects.count()
    # when the transfer is voided
    void = event_void(actor=alice, event=wrong, reason="Nhập nhầm")
    # then a voided event points at it, it is marked, nothing is deleted, and he is back in C1
    assert void.kind == "voided"
    assert void.target == wrong
    assert void.reason == "Nhập nhầm"
    assert void.created_by == alice
    wrong.refresh_from_db()
    assert wrong.voided_by == void
    assert not wrong.is_effective
    assert MemberEvent.objects.count() == events_before + 1
    duc.refresh_from_db()
    assert duc.org == world.org("C1")
    entry = AuditEntry.objects.get(action="member.event.void")
    assert entry.changes["voided_event"] == wrong.pk
    assert entry.changes["org_id"] == [world.org("C3").pk, world.org("C1").pk]


def test_voiding_a_recognition_makes_the_member_probationary_again(world):
    duc = world.members["duc"]
    recognition = MemberEvent.objects.get(member=duc, kind="recognized")
    event_void(actor=None, event=recognition, reason="Chưa đủ thủ tục")
    duc.refresh_from_db()
    assert (duc.status, duc.recognized_on) == ("probationary", None)


def test_voiding_is_refused_when_the_rest_of_the_history_would_not_hold(world):
    # given Đức exempted after his recognition
    duc = world.members["duc"]
    event_record(actor=None, member=duc, kind="exempted", date=D(2020, 1, 1))
    recognition = MemberEvent.objects.get(member=duc, kind="recognized")
    before, state = counts(), cached(duc)
    # when the recognition is voided
    with pytest.raises(RuleViolation, match="Void the later events first"):
        event_void(actor=None, event=recognition, reason="Sai")
    # then nothing changed
    assert counts() == before
    assert cached(duc) == state
    recognition.refresh_from_db()
    assert recognition.voided_by is None


def test_voiding_the_admission_is_refused(world):
    lan = world.members["lan"]  # only the admission
    admission = MemberEvent.objects.get(member=lan, kind="admitted")
    before = counts()
    with pytest.raises(RuleViolation, match="only remaining event"):
        event_void(actor=None, event=admission, reason="Sai")
    duc_admission = MemberEvent.objects.get(member=world.members["duc"], kind="admitted")
    with pytest.raises(RuleViolation, match="no longer holds"):
        event_void(actor=None, event=duc_admission, reason="Sai")
    assert counts() == before


def test_voiding_twice_or_without_a_reason_is_refused(world):
    duc = world.members["duc"]
    wrong = event_record(actor=None, member=duc, kind="exempted", date=D(2021, 1, 1))
    before = counts()
    with pytest.raises(RuleViolation, match="why"):
        event_void(actor=None, event=wrong, reason="   ")
    assert counts() == before
    void = event_void(actor=None, event=wrong, reason="Sai")
    before = counts()
    with pytest.raises(RuleViolation, match="already been voided"):
        event_void(actor=None, event=wrong, reason="Sai")
    with pytest.raises(RuleViolation, match="already been voided"):
        event_void(actor=None, event=void, reason="Sai")
    assert counts() == before


def test_voiding_from_a_stale_form_is_refused(world):
    duc = world.members["duc"]
    opened = Member.objects.get(pk=duc.pk).version
    wrong = event_record(actor=None, member=duc, kind="exempted", date=D(2021, 1, 1))
    before, state = counts(), cached(duc)
    with pytest.raises(StaleEdit):
        event_void(actor=None, event=wrong, reason="Sai", version=opened)
    assert counts() == before
    assert cached(duc) == state


def test_a_voided_event_no_longer_blocks_a_later_one(world):
    # given a wrong death, voided
    duc = world.members["duc"]
    death = event_record(actor=None, member=duc, kind="died", date=D(2021, 1, 1))
    event_void(actor=None, event=death, reason="Nhầm người")
    # when he is exempted later
    event_record(actor=None, member=duc, kind="exempted", date=D(2022, 1, 1))
    # then it holds
    duc.refresh_from_db()
    assert duc.status == "exempted"


def test_rederive_rebuilds_a_tampered_cache(world):
    duc = world.members["duc"]
    Member.objects.filter(pk=duc.pk).update(status="deceased", org=world.org("C3"))
    duc.refresh_from_db()
    state = member_rederive(duc)
    duc.refresh_from_db()
    assert (
        (duc.status, duc.org_id) == ("official", world.org("C1").pk) == (state.status, state.org_id)
    )
