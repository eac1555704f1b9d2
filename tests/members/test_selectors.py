"""Reads of members, always within a scope (chibo.members.selectors)."""

import datetime as dt

import pytest
from django.http import Http404

from chibo.accounts.access import scope_for
from chibo.core.scope import Scope
from chibo.members.models import Member
from chibo.members.selectors import (
    MemberFilters,
    live_counts,
    member_get,
    member_history,
    member_list,
    status_counts,
)
from chibo.members.services import event_record, event_void, member_create

D = dt.date
TODAY = D(2026, 11, 25)


def names(qs) -> list[str]:
    return [m.full_name for m in qs]


def listed(world, persona="olga", **filters) -> list[str]:
    return names(
        member_list(
            scope=scope_for(world.users[persona]), filters=MemberFilters(**filters), today=TODAY
        )
    )


def add(world, cell, code, name, **extra):
    family, *middle, given = name.split()
    data = {
        "birth_date": D(1985, 3, 4),
        "gender": "male",
        "admitted_on": D(2012, 5, 1),
        "recognized_on": D(2013, 5, 2),
    }
    data.update(extra)
    return member_create(
        actor=None,
        org=world.org(cell),
        member_code=code,
        family_name=family,
        middle_name=" ".join(middle),
        given_name=given,
        **data,
    )


# --- search --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["nguyen van duc", "Nguyễn Văn Đức", "DUC", "đức", "  duc  ", "van DUC", "NGUYEN duc"]
)
def test_search_ignores_diacritics_and_case(world, query):
    assert listed(world, query=query) == ["Nguyễn Văn Đức"]


def test_search_matches_every_word(world):
    assert listed(world, query="nguyen van") == ["Nguyễn Văn Đức", "Nguyễn Văn Minh"]
    assert listed(world, query="nguyen van minh") == ["Nguyễn Văn Minh"]
    assert listed(world, query="nguyen lan") == []


def test_search_by_national_id_or_card_is_exact(world):
    assert listed(world, query="012345678901") == ["Nguyễn Văn Đức"]
    assert listed(world, query="01234567890") == []


def test_search_never_reaches_outside_the_scope(world):
    assert listed(world, "bob", query="nguyen") == []
    assert listed(world, "alice", query="hai") == []
    assert listed(world, "bob", query="hai") == ["Lê Hải"]


# --- filters -------------------------------------------------------------------------------


def test_the_list_is_in_vietnamese_name_order(world):
    # given names: Đức < Hải < Lan < Minh (d-with-stroke sorts after d, before h)
    assert listed(world) == ["Nguyễn Văn Đức", "Lê Hải", "Trần Thị Lan", "Nguyễn Văn Minh"]


def test_it_filters_by_status(world):
    event_record(actor=None, member=world.members["hai"], kind="died", date=D(2024, 1, 1))
    assert listed(world, status="probationary") == ["Trần Thị Lan"]
    assert listed(world, status="official") == ["Nguyễn Văn Đức", "Nguyễn Văn Minh"]
    assert listed(world, status="deceased") == ["Lê Hải"]
    assert listed(world, status="live") == ["Nguyễn Văn Đức", "Trần Thị Lan", "Nguyễn Văn Minh"]


def test_it_filters_by_occupation_and_gender(world):
    add(world, "C2", "T1", "Phan Thị Hoa", occupation="teacher", gender="female")
    assert listed(world, occupation="teacher") == ["Phan Thị Hoa"]
    assert listed(world, gender="female") == ["Phan Thị Hoa", "Trần Thị Lan"]
    assert listed(world, gender="female", occupation="teacher", query="lan") == []


@pytest.mark.parametrize(
    ("birth_date", "band"),
    [
        (D(1995, 11, 26), "18-30"),  # 30 until tomorrow
        (D(1995, 11, 25), "31-40"),  # 31 today
        (D(1985, 11, 26), "31-40"),
        (D(1985, 11, 25), "41-50"),
        (D(1955, 11, 25), "71+"),
    ],
)
def test_the_age_band_counts_full_years_on_the_day(world, birth_date, band):
    add(
        world,
        "C2",
        "AGE",
        "Tạ Văn Tuổi",
        birth_date=birth_date,
        admitted_on=D(2015, 1, 1),
        recognized_on=None,
    )
    assert "Tạ Văn Tuổi" in listed(world, age_band=band)
    others = {"18-30", "31-40", "41-50", "51-60", "61-70", "71+"} - {band}
    for other in others:
        assert "Tạ Văn Tuổi" not in listed(world, age_band=other), other


def test_the_age_bands_split_the_personas(world):
    # Hải (1970) is 56, the others (1985) are 41
    assert listed(world, age_band="51-60") == ["Lê Hải"]
    assert len(listed(world, age_band="41-50")) == 3
    assert len(listed(world, age_band="no-such-band")) == 4


def test_it_filters_by_admission_year(world):
    assert listed(world, admission_year=2025) == ["Trần Thị Lan"]
    assert len(listed(world, admission_year=2012)) == 3
    assert listed(world, admission_year=1999) == []


def test_it_narrows_to_a_units_subtree(world):
    assert listed(world, org=world.org("G1")) == ["Nguyễn Văn Đức", "Nguyễn Văn Minh"]
    assert listed(world, org=world.org("D1")) == [
        "Nguyễn Văn Đức",
        "Trần Thị Lan",
        "Nguyễn Văn Minh",
    ]
    # a unit outside the scope narrows to nothing rather than widening it
    assert listed(world, "alice", org=world.org("D2")) == []


# --- scope ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("olga", {"duc", "hai", "lan", "minh"}),
        ("alice", {"duc", "lan", "minh"}),
        ("bob", {"hai"}),
        ("sam", {"duc", "minh"}),
        ("charlie", set()),
        ("minh", {"minh"}),
    ],
)
def test_each_persona_lists_only_their_scope(world, persona, expected):
    pks = {
        m.pk for m in member_list(scope=scope_for(world.users[persona]), filters=MemberFilters())
    }
    assert pks == {world.members[name].pk for name in expected}


def test_a_member_out_of_scope_is_not_found(world):
    alice = scope_for(world.users["alice"])
    with pytest.raises(Http404):
        member_get(scope=alice, member_id=world.members["hai"].pk)
    with pytest.raises(Http404):
        member_get(scope=scope_for(world.users["charlie"]), member_id=world.members["duc"].pk)
    assert member_get(scope=alice, member_id=world.members["duc"].pk) == world.members["duc"]


@pytest.mark.parametrize("bad_id", ["abc", None, "", 10**9])
def test_a_malformed_member_id_is_not_found(world, bad_id):
    with pytest.raises(Http404):
        member_get(scope=scope_for(world.users["olga"]), member_id=bad_id)


def test_a_member_sees_their_own_record_only(world):
    minh = scope_for(world.users["minh"])
    assert member_get(scope=minh, member_id=world.members["minh"].pk) == world.members["minh"]
    for other in ("duc", "lan", "hai"):
        with pytest.raises(Http404):
            member_get(scope=minh, member_id=world.members[other].pk)


def test_an_empty_scope_sees_no_one(world):
    assert not member_list(scope=Scope(), filters=MemberFilters()).exists()


# --- history and counts ---------------------------------------------------------------------


def test_the_history_is_newest_first_and_keeps_voided_events(world):
    duc = world.members["duc"]
    wrong = event_record(actor=None, member=duc, kind="exempted", date=D(2020, 1, 1))
    event_void(actor=None, event=wrong, reason="Sai")
    kinds = [e.kind for e in member_history(member=duc)]
    assert kinds[-2:] == ["recognized", "admitted"]
    assert set(kinds[:2]) == {"voided", "exempted"}


def test_live_counts_add_up_each_subtree(world):
    olga = scope_for(world.users["olga"])
    orgs = [world.org(c) for c in ("BT", "D1", "D2", "G1", "C1", "C2", "C3")]
    counts = live_counts(scope=olga, orgs=orgs)
    totals = {o.code: counts[o.pk]["total"] for o in orgs}
    assert totals == {"BT": 4, "D1": 3, "D2": 1, "G1": 2, "C1": 2, "C2": 1, "C3": 1}
    assert counts[world.org("D1").pk] == {
        "official": 2,
        "probationary": 1,
        "exempted": 0,
        "total": 3,
    }


def test_live_counts_count_each_member_once_whatever_the_depths_asked(world):
    # C3 (depth 3) asked next to C1 (depth 4): Hải must not be counted twice
    olga = scope_for(world.users["olga"])
    c1, c3 = world.org("C1"), world.org("C3")
    counts = live_counts(scope=olga, orgs=[c3, c1])
    assert (counts[c3.pk]["total"], counts[c1.pk]["total"]) == (1, 2)


def test_live_counts_leave_out_members_who_are_gone(world):
    event_record(actor=None, member=world.members["minh"], kind="left", date=D(2024, 1, 1))
    event_record(actor=None, member=world.members["duc"], kind="exempted", date=D(2024, 1, 1))
    c1 = world.org("C1")
    counts = live_counts(scope=scope_for(world.users["olga"]), orgs=[c1])
    assert counts[c1.pk] == {"official": 0, "probationary": 0, "exempted": 1, "total": 1}


def test_live_counts_are_scoped(world):
    bt = world.org("BT")
    assert live_counts(scope=scope_for(world.users["alice"]), orgs=[bt])[bt.pk]["total"] == 3
    assert live_counts(scope=scope_for(world.users["charlie"]), orgs=[bt])[bt.pk]["total"] == 0
    assert live_counts(scope=scope_for(world.users["olga"]), orgs=[]) == {}


def test_status_counts_cover_every_status(world):
    event_record(actor=None, member=world.members["minh"], kind="died", date=D(2024, 1, 1))
    counts = status_counts(scope=scope_for(world.users["olga"]), org=world.org("D1"))
    assert counts["official"] == 1
    assert counts["probationary"] == 1
    assert counts["deceased"] == 1
    assert counts["expelled"] == 0
    assert set(counts) == {s for s, _label in Member._meta.get_field("status").choices}
