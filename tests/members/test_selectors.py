"""Reads of members, always within a scope (chibo.members.selectors)."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.http import Http404

from chibo.accounts.access import scope_for
from chibo.core.scope import Scope
from chibo.core.text import search_words
from chibo.members import selectors
from chibo.members.interchange.base import ImportContext
from chibo.members.interchange.importers import import_file
from chibo.members.models import LIVE_STATUSES, Member
from chibo.members.selectors import (
    MemberFilters,
    live_counts,
    member_get,
    member_history,
    member_ids,
    member_list,
    member_rows,
    status_counts,
)
from chibo.members.services import (
    event_record,
    event_void,
    member_create,
    member_update,
    org_merge,
)
from chibo.orgs.services import Decision

from .test_interchange_readers import write_csv

D = dt.date
TODAY = D(2026, 11, 25)
DECISION = Decision(number="45-QĐ/HU", date=D(2026, 1, 15), issuer="Huyện ủy A")


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


# --- search: each word at the start of a word of the name -----------------------------------


@pytest.fixture
def more_names(world):
    add(world, "C2", "T-THANH", "Phạm Văn Thanh")
    add(world, "C2", "T-ANH", "Đỗ Thị Ánh", gender="female")
    add(world, "C3", "T-KHANH", "Võ Khánh")
    return world


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("anh", ["Đỗ Thị Ánh"]),  # not Thanh, not Khánh
        ("an", ["Đỗ Thị Ánh"]),
        ("han", []),
        ("uc", []),
        ("thanh", ["Phạm Văn Thanh"]),
        ("nguy", ["Nguyễn Văn Đức", "Nguyễn Văn Minh"]),  # the first word half typed
        ("nguyen van d", ["Nguyễn Văn Đức"]),  # the last word half typed
        ("đ", ["Đỗ Thị Ánh", "Nguyễn Văn Đức"]),  # đ folds to d
        ("Đỗ ÁNH", ["Đỗ Thị Ánh"]),
        ("minh van", ["Nguyễn Văn Minh"]),  # in any order
        ("van van", ["Nguyễn Văn Đức", "Nguyễn Văn Minh", "Phạm Văn Thanh"]),
    ],
)
def test_each_word_matches_the_start_of_a_word_of_the_name(more_names, query, expected):
    assert listed(more_names, query=query) == expected


def test_a_word_with_like_wildcards_is_matched_literally(more_names):
    assert listed(more_names, query="a%") == []
    assert listed(more_names, query="_nh") == []
    assert listed(more_names, query="\\") == []


# --- how the rows are read: every way gives the same rows ----------------------------------
#
# On PostgreSQL member_list reads the whole tree, a large subtree or a small one in different
# ways (the comment above `NAME_SET_MAX` in the selectors); these tests force each way and
# compare with a plain Python reading. On SQLite there is one way, checked the same.

FAMILIES = ["Nguyễn", "Trần", "Lê", "Đặng", "Vũ", "Thân"]
MIDDLES = ["Văn", "Thị", "Hữu", "Ngọc", ""]
GIVENS = ["Anh", "Ánh", "Thanh", "Đức", "Dũng", "Lan", "Vy", "Yến", "Thu", "Thư"]
QUERIES = ["", "nguyen", "van", "thi a", "tran t", "a", "d", "le thi", "vy", "thu", "zz", "X-003"]
FORCED = ["as chosen", "by name", "unit by unit", "name order walk"]


@pytest.fixture
def crowd(world):
    rng = random.Random(5)
    for i in range(50):
        name = " ".join(p for p in (rng.choice(FAMILIES), rng.choice(MIDDLES), rng.choice(GIVENS)))
        member = add(world, rng.choice(["C1", "C2", "C3"]), f"X-{i:03d}", name)
        if i % 9 == 0:
            event_record(actor=None, member=member, kind="died", date=D(2024, 1, 1))
    return world


@pytest.fixture(params=FORCED)
def reading(request, monkeypatch):
    way = request.param
    if way != "as chosen" and connection.vendor != "postgresql":
        pytest.skip("SQLite has one way of reading")
    if way == "by name":
        monkeypatch.setattr(selectors, "_reading_by_name_is_cheaper", lambda prefixes: True)
    elif way == "unit by unit":
        monkeypatch.setattr(selectors, "_reading_by_name_is_cheaper", lambda prefixes: False)
    elif way == "name order walk":
        monkeypatch.setattr(selectors, "NAME_SET_MAX", 0)
    return way


def reference(scope: Scope, *, query: str, org=None, status="live") -> list[int]:
    """What the list must hold, read the slow and obvious way."""
    words = search_words(query)
    exact = len(words) == 1 and any(ch.isdigit() for ch in query)
    rows = []
    for m in Member.objects.select_related("org"):
        seen = scope.can_read_path(m.org.path) or m.pk == scope.member_id
        if org is not None:
            seen = seen and m.org.path.startswith(org.path)
        live = m.status in LIVE_STATUSES if status == "live" else True
        if exact:
            found = query.strip() in (m.member_code, m.card_number, m.national_id)
        else:
            found = all(w in m.search_name for w in words)
        if seen and live and found:
            rows.append((m.sort_key, m.pk))
    return [pk for _key, pk in sorted(rows)]


@pytest.mark.parametrize("persona", ["olga", "alice", "bob", "sam", "minh", "charlie"])
def test_every_way_of_reading_lists_the_same_members(reading, crowd, persona):
    scope = scope_for(crowd.users[persona])
    for query in QUERIES:
        filters = MemberFilters(query=query, status="live")
        members = member_list(scope=scope, filters=filters)
        expected = reference(scope, query=query)
        assert [m.pk for m in members] == expected, query
        assert members.count() == len(expected), query
        for offset, limit in ((0, 1001), (0, 5), (3, 4), (40, 10)):
            ids = member_ids(members=members, offset=offset, limit=limit)
            assert ids == expected[offset : offset + limit], (query, offset, limit)


@pytest.mark.parametrize(
    ("persona", "unit"), [("olga", "D1"), ("olga", "BT"), ("alice", "G1"), ("alice", "BT")]
)
def test_every_way_of_reading_a_units_subtree_lists_the_same_members(reading, crowd, persona, unit):
    scope = scope_for(crowd.users[persona])
    org = crowd.org(unit)
    for query in QUERIES:
        members = member_list(scope=scope, filters=MemberFilters(org=org, query=query))
        expected = reference(scope, query=query, org=org, status="any")
        assert [m.pk for m in members] == expected, query
        assert member_ids(members=members, offset=2, limit=7) == expected[2:9], query


def test_a_scope_of_units_and_ones_own_record_reads_both(reading, crowd):
    # (an officer of D2 who is also the member Minh, in C1)
    minh = crowd.members["minh"]
    scope = Scope(read_prefixes=(crowd.org("D2").path,), member_id=minh.pk)
    for query in QUERIES:
        members = member_list(scope=scope, filters=MemberFilters(query=query, status="live"))
        expected = reference(scope, query=query)
        assert [m.pk for m in members] == expected, query
        assert member_ids(members=members, offset=0, limit=100) == expected, query
    assert minh.pk in [m.pk for m in member_list(scope=scope, filters=MemberFilters())]


def test_the_rows_of_a_page_are_fetched_within_the_scope(crowd):
    alice, olga = scope_for(crowd.users["alice"]), scope_for(crowd.users["olga"])
    everyone = [m.pk for m in member_list(scope=olga, filters=MemberFilters())]
    rows = member_rows(scope=alice, ids=everyone)
    assert set(rows) == set(reference(alice, query="", status="any"))
    assert all(m.org.path.startswith(crowd.org("D1").path) for m in rows.values())


# --- the names a search reads stay complete under every write --------------------------------


def found(world, query: str, persona: str = "olga") -> list[str]:
    """The names on the first page of the list for this search, as the list page reads it."""
    scope = scope_for(world.users[persona])
    members = member_list(scope=scope, filters=MemberFilters(query=query))
    ids = member_ids(members=members, offset=0, limit=50)
    rows = member_rows(scope=scope, ids=ids)
    return [rows[pk].full_name for pk in ids]


def test_a_new_member_is_found_at_once(reading, world):
    add(world, "C3", "NEW-1", "Quách Thị Yến", gender="female")
    assert found(world, "quach yen") == ["Quách Thị Yến"]
    assert found(world, "yen", "bob") == ["Quách Thị Yến"]
    assert found(world, "yen", "alice") == []


def test_a_renamed_member_is_found_by_the_new_name_only(reading, world):
    duc = world.members["duc"]
    member_update(actor=None, member=duc, version=duc.version, given_name="Dũng", family_name="Lý")
    assert found(world, "ly van dung") == ["Lý Văn Dũng"]
    assert found(world, "nguyen van duc") == []
    assert found(world, "dung", "alice") == ["Lý Văn Dũng"]


def test_a_member_moved_by_a_merge_is_found_in_the_new_unit(reading, world):
    org_merge(actor=None, sources=[world.org("C2")], target=world.org("C1"), decision=DECISION)
    assert found(world, "tran thi lan", "sam") == ["Trần Thị Lan"]
    olga = scope_for(world.users["olga"])
    members = member_list(scope=olga, filters=MemberFilters(org=world.org("C1"), query="lan"))
    assert names(members) == ["Trần Thị Lan"]


def test_an_imported_member_is_found_by_every_word(world, tmp_path):
    header = ["member_id", "full_name", "birth_date", "gender", "org_code", "admitted_on"]
    row = ["M-900", "Phạm Thị Hoa", "1990-06-05", "female", "C1", "2015-02-01"]
    path = write_csv(tmp_path / "roster.csv", [header, row])
    with path.open("rb") as source:
        report = import_file(kind="members", source=source, name=path.name, ctx=ImportContext())
    assert report.errors == []
    assert found(world, "hoa") == ["Phạm Thị Hoa"]
    assert found(world, "pham thi") == ["Phạm Thị Hoa"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the table of names is PostgreSQL's")
def test_the_table_of_names_holds_every_name_ever_written(world):
    def table() -> set[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT sort_key, search_name FROM members_searchname")
            return set(cursor.fetchall())

    member = add(world, "C2", "NEW-2", "Kiều Văn Sơn")
    assert (member.sort_key, member.search_name) in table()
    # a row written without the model (as the imports write them) is followed too
    Member.objects.filter(pk=member.pk).update(sort_key="zz", search_name=" kieu van son x")
    assert ("zz", " kieu van son x") in table()
    assert {(m.sort_key, m.search_name) for m in Member.objects.all()} <= table()
