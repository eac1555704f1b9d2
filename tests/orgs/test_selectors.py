"""Reads of the tree, always within a scope (chibo.orgs.selectors)."""

import datetime as dt

import pytest

from chibo.accounts.access import scope_for
from chibo.core.scope import Scope
from chibo.orgs.models import Organization
from chibo.orgs.selectors import org_ancestors, org_children, org_list, org_roots, org_search
from chibo.orgs.services import mark_dissolved


def codes(qs) -> list[str]:
    return [o.code for o in qs]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("olga", ["BT", "D1", "G1", "C1", "C2", "D2", "C3"]),
        ("alice", ["D1", "G1", "C1", "C2"]),
        ("bob", ["D2", "C3"]),
        ("sam", ["C1"]),
        ("charlie", []),
        ("minh", []),
    ],
)
def test_it_lists_the_scope_in_tree_order(world, persona, expected):
    assert codes(org_list(scope=scope_for(world.users[persona]))) == expected


def test_it_gives_the_top_units_of_the_scope(world):
    assert codes(org_roots(scope=scope_for(world.users["alice"]))) == ["D1"]
    assert codes(org_roots(scope=Scope())) == []


def test_children_leave_out_dissolved_units_unless_asked(world):
    # given C2 dissolved
    mark_dissolved(world.org("C2"), day=dt.date(2020, 1, 1))
    scope = scope_for(world.users["alice"])
    d1 = world.org("D1")
    # then
    assert codes(org_children(scope=scope, org=d1)) == ["G1"]
    assert codes(org_children(scope=scope, org=d1, include_dissolved=True)) == ["G1", "C2"]


def test_children_outside_the_scope_are_not_listed(world):
    bt = world.org("BT")
    assert codes(org_children(scope=scope_for(world.users["alice"]), org=bt)) == ["D1"]
    assert codes(org_children(scope=scope_for(world.users["sam"]), org=bt)) == []
    assert codes(org_children(scope=scope_for(world.users["olga"]), org=bt)) == ["D1", "D2"]


def test_breadcrumbs_stop_at_the_top_of_the_scope(world):
    c1 = world.org("C1")
    assert codes(org_ancestors(scope=scope_for(world.users["olga"]), org=c1)) == [
        "BT",
        "D1",
        "G1",
    ]
    assert codes(org_ancestors(scope=scope_for(world.users["alice"]), org=c1)) == ["D1", "G1"]
    assert codes(org_ancestors(scope=scope_for(world.users["sam"]), org=c1)) == []


def test_search_matches_a_name_part_or_an_exact_code_in_scope(world):
    alice = scope_for(world.users["alice"])
    assert set(codes(org_search(scope=alice, query="chi bộ"))) == {"C1", "C2"}
    assert codes(org_search(scope=alice, query="g1")) == ["G1"]
    # C3 is Bob's
    assert codes(org_search(scope=alice, query="xã Y")) == []
    assert codes(org_search(scope=scope_for(world.users["bob"]), query="xã Y")) == ["C3"]


def test_search_leaves_out_dissolved_units_and_honours_the_limit(world):
    mark_dissolved(world.org("C2"), day=dt.date(2020, 1, 1))
    olga = scope_for(world.users["olga"])
    assert "C2" not in codes(org_search(scope=olga, query="Chi bộ"))
    assert len(org_search(scope=olga, query="", limit=3)) == 3
    assert Organization.objects.count() == 7
