"""The tree's materialized path and the unit row (chibo.orgs.models)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chibo.orgs.models import Organization, decode_step, encode_step

MAX_CHILDREN = 36**4


@pytest.mark.parametrize(
    ("number", "step"),
    [(0, "0000"), (1, "0001"), (35, "000Z"), (36, "0010"), (MAX_CHILDREN - 1, "ZZZZ")],
)
def test_a_step_is_four_base_36_digits(number, step):
    assert encode_step(number) == step
    assert decode_step(step) == number


def test_it_refuses_more_children_than_four_digits_hold():
    with pytest.raises(ValueError, match="too many children"):
        encode_step(MAX_CHILDREN)


@given(st.integers(0, MAX_CHILDREN - 1), st.integers(0, MAX_CHILDREN - 1))
def test_step_order_is_number_order(a, b):
    assert decode_step(encode_step(a)) == a
    assert (encode_step(a) < encode_step(b)) == (a < b)


def test_a_unit_is_live_from_its_establishment_until_its_dissolution():
    org = Organization(
        established_on=dt.date(2020, 1, 1),
        dissolved_on=dt.date(2024, 6, 1),
        kind="subordinate_cell",
    )
    assert not org.is_live_on(dt.date(2019, 12, 31))
    assert org.is_live_on(dt.date(2020, 1, 1))
    assert org.is_live_on(dt.date(2024, 5, 31))
    assert not org.is_live_on(dt.date(2024, 6, 1))


def test_a_unit_without_dates_is_always_live():
    assert Organization(kind="grassroots_cell").is_live_on(dt.date(1900, 1, 1))


def test_ancestor_paths_run_from_the_top_down(world):
    c1 = world.org("C1")
    expected = [world.org(code).path for code in ("BT", "D1", "G1")]
    assert c1.ancestor_paths() == expected
    assert world.org("BT").ancestor_paths() == []


def test_cells_are_cells_and_committees_are_not(world):
    assert world.org("C1").is_cell
    assert world.org("C2").is_cell
    assert not world.org("G1").is_cell
    assert not world.org("D1").is_cell


def test_paths_follow_the_tree(world):
    for org in Organization.objects.exclude(parent=None).select_related("parent"):
        assert org.path.startswith(org.parent.path)
        assert len(org.path) == len(org.parent.path) + 4
        assert org.depth == org.parent.depth + 1
    assert world.org("BT").depth == 1
    assert str(world.org("C1")) == "Chi bộ thôn 1"
