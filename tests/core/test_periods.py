"""Reporting periods (chibo.core.periods)."""

import datetime as dt
import itertools

import pytest

from chibo.core.periods import (
    Period,
    add_months,
    full_years_between,
    half_month,
    month,
    quarter,
    term,
    year,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (D(2025, 3, 1), D(2025, 3, 1), D(2025, 3, 14)),
        (D(2025, 3, 14), D(2025, 3, 1), D(2025, 3, 14)),
        (D(2025, 3, 15), D(2025, 3, 15), D(2025, 3, 31)),
        (D(2025, 3, 31), D(2025, 3, 15), D(2025, 3, 31)),
        (D(2025, 4, 30), D(2025, 4, 15), D(2025, 4, 30)),
        (D(2024, 2, 15), D(2024, 2, 15), D(2024, 2, 29)),  # leap year
        (D(2024, 2, 29), D(2024, 2, 15), D(2024, 2, 29)),
        (D(2023, 2, 20), D(2023, 2, 15), D(2023, 2, 28)),
        (D(2024, 12, 31), D(2024, 12, 15), D(2024, 12, 31)),
    ],
)
def test_it_cuts_months_into_the_1st_to_14th_and_the_15th_to_the_end(day, start, end):
    period = half_month(day)
    assert (period.kind, period.start, period.end) == ("half_month", start, end)
    assert day in period


def test_half_months_tile_two_years_without_gap_or_overlap():
    # given every day of 2023 and 2024 (a leap year)
    day, seen = D(2023, 1, 1), []
    while day.year < 2025:
        period = half_month(day)
        if not seen or seen[-1] != period:
            seen.append(period)
        day += dt.timedelta(days=1)
    # then the periods follow each other day after day, two per month
    assert len(seen) == 48
    for before, after in itertools.pairwise(seen):
        assert after.start == before.end + dt.timedelta(days=1)


def test_a_period_contains_its_ends_and_nothing_outside():
    period = half_month(D(2025, 6, 20))
    assert D(2025, 6, 15) in period
    assert D(2025, 6, 30) in period
    assert D(2025, 6, 14) not in period
    assert D(2025, 7, 1) not in period


def test_a_period_has_a_readable_label():
    assert half_month(D(2025, 6, 3)).label == "01/06/2025–14/06/2025"


def test_month_ends_on_the_last_day():
    assert month(2024, 2) == Period("month", D(2024, 2, 1), D(2024, 2, 29))
    assert month(2023, 2).end == D(2023, 2, 28)
    assert month(2025, 12).end == D(2025, 12, 31)


@pytest.mark.parametrize(
    ("number", "start", "end"),
    [
        (1, D(2024, 1, 1), D(2024, 3, 31)),
        (2, D(2024, 4, 1), D(2024, 6, 30)),
        (3, D(2024, 7, 1), D(2024, 9, 30)),
        (4, D(2024, 10, 1), D(2024, 12, 31)),
    ],
)
def test_quarters_cover_three_months(number, start, end):
    assert quarter(2024, number) == Period("quarter", start, end)


def test_year_and_congress_term():
    assert year(2025) == Period("year", D(2025, 1, 1), D(2025, 12, 31))
    assert term(2020, 2025) == Period("term", D(2020, 1, 1), D(2025, 12, 31))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # clamped to the leap day
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2024, 5, 31), 1, D(2024, 6, 30)),
        (D(2024, 11, 30), 3, D(2025, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 5, 15), 12, D(2025, 5, 15)),
        (D(2024, 1, 15), -13, D(2022, 12, 15)),
        (D(2024, 12, 10), 1, D(2025, 1, 10)),
        (D(2024, 6, 6), 0, D(2024, 6, 6)),
    ],
)
def test_add_months_clamps_to_the_end_of_shorter_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        (D(1990, 5, 10), D(2008, 5, 9), 17),
        (D(1990, 5, 10), D(2008, 5, 10), 18),
        (D(2000, 2, 29), D(2018, 2, 28), 17),
        (D(2000, 2, 29), D(2018, 3, 1), 18),
        (D(2020, 1, 1), D(2019, 12, 31), -1),
    ],
)
def test_full_years_count_only_completed_years(start, end, years):
    assert full_years_between(start, end) == years
