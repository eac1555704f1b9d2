"""The member row and the event row (chibo.members.models)."""

import datetime as dt

from chibo.members.models import Member, MemberEvent

D = dt.date


def test_the_full_name_skips_empty_parts():
    assert Member(family_name="Lê", middle_name="", given_name="Hải").full_name == "Lê Hải"
    assert str(Member(family_name="Trần", middle_name="Thị", given_name="Lan")) == "Trần Thị Lan"


def test_party_age_counts_from_the_admission_decision():
    member = Member(admitted_on=D(1996, 2, 3), birth_date=D(1970, 1, 1))
    assert member.party_age(on=D(2026, 2, 2)) == 29
    assert member.party_age(on=D(2026, 2, 3)) == 30
    assert Member(admitted_on=None).party_age(on=D(2026, 1, 1)) is None
    assert member.age(on=D(2026, 1, 1)) == 56


def test_live_statuses_are_probationary_official_and_exempted():
    live = {s for s in ("probationary", "official", "exempted") if Member(status=s).is_live}
    gone = {s for s in ("removed", "expelled", "left", "deceased") if Member(status=s).is_live}
    assert live == {"probationary", "official", "exempted"}
    assert gone == set()


def test_an_event_stops_being_effective_when_voided_and_a_void_never_is(world):
    event = MemberEvent.objects.filter(member=world.members["duc"]).first()
    assert event.is_effective
    assert not MemberEvent(kind="voided").is_effective
    event.voided_by_id = event.pk
    assert not event.is_effective
