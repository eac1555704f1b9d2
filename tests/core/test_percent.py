"""Percentages as officials read them (chibo.core.percent)."""

from decimal import Decimal

import pytest

from chibo.core.percent import percent, percent_str


def test_it_gives_two_places_by_default():
    # given 2,071 admissions against a target of 2,000
    # when / then
    assert percent(2071, 2000) == Decimal("103.55")


def test_it_rounds_half_up_not_to_even():
    # 103.55 at one place is 103.6 (a float 103.55 rounds to 103.5); half-even happens
    # to agree on this one, so the cases below are those where half-even differs
    assert percent_str(2071, 2000, places=1) == "103.6"
    assert round(103.55, 1) == 103.5  # why floats are not used
    assert percent(1, 8, places=0) == Decimal("13")  # 12.5 → 13 (half-even: 12)
    assert percent(5, 200, places=0) == Decimal("3")  # 2.5 → 3 (half-even: 2)
    assert percent(1, 400, places=1) == Decimal("0.3")  # 0.25 → 0.3 (half-even: 0.2)


def test_it_matches_the_provinces_published_attainment():
    # Bình Thuận 2024: target 1,980, achieved 2,070 — 104.55 %
    assert percent_str(2070, 1980) == "104.55"


@pytest.mark.parametrize("denominator", [0, None, Decimal(0)])
def test_it_gives_none_without_a_denominator(denominator):
    assert percent(5, denominator) is None
    assert percent_str(5, denominator) is None


def test_it_keeps_trailing_zeros_to_the_places_asked():
    assert percent_str(1, 2) == "50.00"
    assert percent_str(1, 3, places=1) == "33.3"
    assert percent_str(2, 3, places=3) == "66.667"


def test_it_accepts_decimals():
    assert percent(Decimal("1.5"), Decimal("3")) == Decimal("50.00")


def test_it_handles_zero_achievement():
    assert percent(0, 1980) == Decimal("0.00")
