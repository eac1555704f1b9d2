"""Working days and public holidays (chibo.core.workdays, chibo.core.holidays_vn)."""

import datetime as dt
from collections import Counter

import pytest

from chibo.core.holidays_vn import HOLIDAYS
from chibo.core.models import Holiday
from chibo.core.workdays import (
    add_working_days,
    holiday_set,
    holiday_set_clear,
    is_working_day,
    working_days_between,
)

D = dt.date
NONE: frozenset[dt.date] = frozenset()
SEEDED = frozenset(day for day, _ in HOLIDAYS)
NAMES = dict(HOLIDAYS)


@pytest.fixture(autouse=True)
def _fresh_holiday_cache():
    # The cache lives in the process; a test's rolled-back rows must not reach the next test.
    holiday_set_clear()
    yield
    holiday_set_clear()


# --- weekends ----------------------------------------------------------------------------


def test_saturday_and_sunday_are_not_working_days():
    assert [is_working_day(D(2026, 3, 2) + dt.timedelta(days=i), NONE) for i in range(7)] == [
        True,
        True,
        True,
        True,
        True,
        False,
        False,
    ]


def test_it_skips_the_weekend():
    # given Friday 6 March 2026
    friday = D(2026, 3, 6)
    # then the next working day is Monday, and the fifth is the next Friday
    assert add_working_days(friday, 1, NONE) == D(2026, 3, 9)
    assert add_working_days(friday, 5, NONE) == D(2026, 3, 13)
    # and from a Saturday, the first working day is Monday
    assert add_working_days(D(2026, 3, 7), 1, NONE) == D(2026, 3, 9)


def test_zero_working_days_is_the_start_itself_even_on_a_holiday():
    assert add_working_days(D(2026, 3, 7), 0, NONE) == D(2026, 3, 7)
    assert add_working_days(D(2026, 2, 17), 0, SEEDED) == D(2026, 2, 17)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 6), -1, NONE)


def test_a_holiday_on_a_weekday_is_not_a_working_day():
    assert not is_working_day(D(2025, 9, 2), SEEDED)  # Quốc khánh, a Tuesday
    assert is_working_day(D(2025, 9, 3), SEEDED)


# --- legal deadlines over the seeded calendar ----------------------------------------------


@pytest.mark.django_db
def test_the_60th_working_day_across_tet_2026():
    # Counting after Friday 2 January 2026 (Tết 2026: days off Sat 14 – Sun 22 February):
    #   January  5–9, 12–16, 19–23, 26–30            20
    #   February 2–6, 9–13                           30
    #            16–20 Tết                           (0)
    #            23–27                               35
    #   March    2–6, 9–13, 16–20, 23–27             55
    #            30, 31                              57
    #   April    1, 2, 3                             60  → Friday 3 April
    # (without Tết it would be 12 weeks: Friday 27 March)
    assert add_working_days(D(2026, 1, 2), 60) == D(2026, 4, 3)
    assert add_working_days(D(2026, 1, 2), 60, NONE) == D(2026, 3, 27)


@pytest.mark.django_db
def test_the_60th_working_day_across_30_april_and_1_may_2026():
    # Counting after Monday 2 March 2026:
    #   March    3–6, 9–13, 16–20, 23–27             19
    #            30, 31                              21
    #   April    1–3, 6–10, 13–17, 20–24             39
    #            27 nghỉ bù (Giỗ Tổ on Sunday 26)    (0)
    #            28, 29                              41
    #            30 April, 1 May holidays            (0)
    #   May      4–8, 11–15, 18–22                   56
    #            25, 26, 27, 28                      60  → Thursday 28 May
    # (without holidays it would be 12 weeks: Monday 25 May)
    assert add_working_days(D(2026, 3, 2), 60) == D(2026, 5, 28)
    assert add_working_days(D(2026, 3, 2), 60, NONE) == D(2026, 5, 25)


@pytest.mark.django_db
def test_30_working_days_from_the_eve_of_30_april_2025():
    # After Tuesday 29 April 2025: 30 April (Wed) and 1 May (Thu) are off,
    # then 2 May 1, 5–9 6, 12–16 11, 19–23 16, 26–30 21, June 2–6 26, 9–12 30.
    assert add_working_days(D(2025, 4, 29), 30) == D(2025, 6, 12)


def test_a_holiday_on_a_weekend_gives_the_next_working_day_off():
    # given Giỗ Tổ Hùng Vương 2026 on Sunday 26 April
    assert D(2026, 4, 26).weekday() == 6
    assert NAMES[D(2026, 4, 26)] == "Giỗ Tổ Hùng Vương"
    # then Monday 27 April is its compensating day off
    assert NAMES[D(2026, 4, 27)] == "Nghỉ bù Giỗ Tổ Hùng Vương"
    assert not is_working_day(D(2026, 4, 27), SEEDED)
    # so the first working day after Friday 24 April is Tuesday 28 April
    assert add_working_days(D(2026, 4, 24), 1, SEEDED) == D(2026, 4, 28)


def test_a_compensating_day_skips_days_that_are_already_holidays():
    # given 2023: Giỗ Tổ on Saturday 29 April, 30 April a Sunday, 1 May a Monday
    # then the two compensating days are Tuesday 2 and Wednesday 3 May (officially: 29/4–3/5)
    assert NAMES[D(2023, 5, 1)] == "Ngày Quốc tế Lao động"
    assert NAMES[D(2023, 5, 2)] == "Nghỉ bù Giỗ Tổ Hùng Vương"
    assert NAMES[D(2023, 5, 3)] == "Nghỉ bù Ngày Chiến thắng"
    # and a New Year on Sunday gives Monday 2 January
    assert NAMES[D(2023, 1, 2)] == "Nghỉ bù Tết Dương lịch"


def test_decided_tet_ranges_are_kept_as_published():
    tet_2025 = {day for day, name in HOLIDAYS if name == "Tết Nguyên đán" and day.year == 2025}
    assert (min(tet_2025), max(tet_2025), len(tet_2025)) == (D(2025, 1, 25), D(2025, 2, 2), 9)
    tet_2024 = sorted(
        day for day, name in HOLIDAYS if name == "Tết Nguyên đán" and day.year == 2024
    )
    assert (tet_2024[0], tet_2024[-1], len(tet_2024)) == (D(2024, 2, 8), D(2024, 2, 14), 7)


def test_every_year_has_its_statutory_number_of_weekdays_off():
    # 11 days a year (Labour Code 2019, art. 112): 1 New Year, 5 Tết, 1 Giỗ Tổ, 30/4, 1/5
    # and 2 National Day; 10 in 2020 (one National Day). A day that falls on a weekend is
    # given back on a weekday, so every year loses exactly that many working days.
    weekdays_off = Counter(day.year for day in SEEDED if day.weekday() < 5)
    assert weekdays_off == {year: 10 if year == 2020 else 11 for year in range(2020, 2031)}


def test_the_seed_has_one_name_per_day():
    assert len(SEEDED) == len(HOLIDAYS)
    assert all(name.strip() for _, name in HOLIDAYS)


# --- counting back ----------------------------------------------------------------------


def test_working_days_between_is_the_inverse_of_add_working_days():
    # for every start day of 2025–2026, weekends and holidays included
    start = D(2025, 1, 1)
    while start < D(2027, 1, 1):
        for n in (0, 1, 2, 5, 30, 60, 90):
            end = add_working_days(start, n, SEEDED)
            assert working_days_between(start, end, SEEDED) == n, (start, n)
            # and the day before the n-th working day holds one fewer
            if n:
                assert working_days_between(start, end - dt.timedelta(days=1), SEEDED) == n - 1
        start += dt.timedelta(days=1)


def test_working_days_between_counts_the_end_but_not_the_start():
    monday, friday = D(2026, 3, 2), D(2026, 3, 6)
    assert working_days_between(monday, friday, NONE) == 4
    assert working_days_between(monday, monday, NONE) == 0
    assert working_days_between(friday, monday, NONE) == 0
    # Tết 2026: the week of 16–20 February holds no working day
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 22), SEEDED) == 0


# --- the holidays in the database -------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_seeds_the_holidays():
    assert Holiday.objects.get(date=D(2026, 2, 17)).name == "Tết Nguyên đán"
    assert Holiday.objects.get(date=D(2025, 9, 2)).name == "Quốc khánh"
    assert holiday_set() == SEEDED


@pytest.mark.django_db
def test_the_holidays_are_read_once_per_process(django_assert_num_queries):
    with django_assert_num_queries(1):
        for _ in range(100):
            add_working_days(D(2026, 1, 2), 60)


@pytest.mark.django_db
def test_saving_or_deleting_a_holiday_refreshes_the_calendar():
    # given the deadline of 1 working day after Friday 6 March 2026, read once
    friday = D(2026, 3, 6)
    assert add_working_days(friday, 1) == D(2026, 3, 9)
    # when an administrator adds Monday 9 March as a holiday
    holiday = Holiday.objects.create(date=D(2026, 3, 9), name="Ngày nghỉ thêm")
    # then the deadline moves to Tuesday
    assert add_working_days(friday, 1) == D(2026, 3, 10)
    # when the holiday is moved to Tuesday
    holiday.date = D(2026, 3, 10)
    holiday.save()
    assert add_working_days(friday, 2) == D(2026, 3, 11)
    assert add_working_days(friday, 1) == D(2026, 3, 9)
    # and when it is deleted, the calendar is back
    holiday.delete()
    assert add_working_days(friday, 2) == D(2026, 3, 10)


@pytest.mark.django_db
def test_a_holiday_change_is_read_again_after_the_commit(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    # another thread may cache the old rows between the save and the commit
    with django_capture_on_commit_callbacks(execute=True):
        Holiday.objects.create(date=D(2026, 3, 9), name="Ngày nghỉ thêm")
        holiday_set()
    # so the commit makes the next read go to the database again
    with django_assert_num_queries(1):
        assert D(2026, 3, 9) in holiday_set()
