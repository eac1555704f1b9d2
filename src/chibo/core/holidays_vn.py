"""Vietnam's public days off (ngày nghỉ lễ, tết), 2020–2030: the seed of `core.Holiday`.

Holidays are data, not code: migration 0002 copies `HOLIDAYS` into the database once, and
from then on administrators correct the rows in the admin (a decision published late, a
mistake here). Editing this module changes only databases created afterwards.

The rules (Labour Code 2019, art. 112; Labour Code 2012, art. 115 for 2020):
- 1 January; Tết, 5 days; Hùng Kings' day (10th day of the 3rd lunar month); 30 April;
  1 May; 2 September, plus one day before or after it from 2021.
- A holiday that falls on a Saturday or Sunday gives a compensating day off (nghỉ bù) on
  the next working day that is not already a holiday.
- The Prime Minister fixes the Tết days and the second National Day each year. Where that
  decision is known it is used as published (the Tết range includes its weekends);
  otherwise Tết is the last day of the lunar year and the first four of the new one.

Not modelled: swapped working days (hoán đổi), e.g. Friday 2 January 2026 off and worked
back on a Saturday. A Saturday cannot be made a working day here, so both halves of a
swap are left out; a count of working days over a span holding both halves stays exact.
"""

import datetime as dt

D = dt.date

FIRST_YEAR, LAST_YEAR = 2020, 2030

# The first day of the lunar year (mùng 1 Tết) in the Gregorian calendar.
LUNAR_NEW_YEAR = {
    2020: D(2020, 1, 25),
    2021: D(2021, 2, 12),
    2022: D(2022, 2, 1),
    2023: D(2023, 1, 22),
    2024: D(2024, 2, 10),
    2025: D(2025, 1, 29),
    2026: D(2026, 2, 17),
    2027: D(2027, 2, 6),
    2028: D(2028, 1, 26),
    2029: D(2029, 2, 13),
    2030: D(2030, 2, 3),
}

# The 10th day of the 3rd lunar month.
HUNG_KINGS_DAY = {
    2020: D(2020, 4, 2),
    2021: D(2021, 4, 21),
    2022: D(2022, 4, 10),
    2023: D(2023, 4, 29),
    2024: D(2024, 4, 18),
    2025: D(2025, 4, 7),
    2026: D(2026, 4, 26),
    2027: D(2027, 4, 16),
    2028: D(2028, 4, 4),
    2029: D(2029, 4, 23),
    2030: D(2030, 4, 12),
}

# Tết as the government decided it for the public sector: first and last day off.
TET_DECIDED = {
    2020: (D(2020, 1, 23), D(2020, 1, 29)),
    2021: (D(2021, 2, 10), D(2021, 2, 16)),
    2022: (D(2022, 1, 29), D(2022, 2, 6)),
    2023: (D(2023, 1, 20), D(2023, 1, 26)),
    2024: (D(2024, 2, 8), D(2024, 2, 14)),
    2025: (D(2025, 1, 25), D(2025, 2, 2)),
    2026: (D(2026, 2, 14), D(2026, 2, 22)),
}

# The day beside 2 September, from 2021. Decided up to 2026; later years follow the
# choice made so far for the same weekday (the side that joins a weekend).
NATIONAL_DAY_SECOND = {
    2021: D(2021, 9, 3),
    2022: D(2022, 9, 1),
    2023: D(2023, 9, 1),
    2024: D(2024, 9, 3),
    2025: D(2025, 9, 1),
    2026: D(2026, 9, 1),
    2027: D(2027, 9, 3),
    2028: D(2028, 9, 1),
    2029: D(2029, 9, 3),
    2030: D(2030, 9, 3),
}

NEW_YEAR = "Tết Dương lịch"
TET = "Tết Nguyên đán"
HUNG_KINGS = "Giỗ Tổ Hùng Vương"
VICTORY_DAY = "Ngày Chiến thắng"
LABOUR_DAY = "Ngày Quốc tế Lao động"
NATIONAL_DAY = "Quốc khánh"
COMPENSATING = "Nghỉ bù"


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _year(year: int) -> list[tuple[dt.date, str]]:
    """The days off of one year, compensating days included, in date order."""
    # Holidays that give a compensating day when they fall on a weekend.
    statutory = [
        (D(year, 1, 1), NEW_YEAR),
        (HUNG_KINGS_DAY[year], HUNG_KINGS),
        (D(year, 4, 30), VICTORY_DAY),
        (D(year, 5, 1), LABOUR_DAY),
        (D(year, 9, 2), NATIONAL_DAY),
    ]
    if year in NATIONAL_DAY_SECOND:
        statutory.append((NATIONAL_DAY_SECOND[year], NATIONAL_DAY))
    if year in TET_DECIDED:
        # A decided range already holds its compensation.
        decided = [(day, TET) for day in _days(*TET_DECIDED[year])]
    else:
        decided = []
        new_year = LUNAR_NEW_YEAR[year]
        first, last = new_year - dt.timedelta(days=1), new_year + dt.timedelta(days=3)
        statutory += [(day, TET) for day in _days(first, last)]

    days_off = {day for day, _ in statutory + decided}
    compensating = []
    for day, name in sorted(statutory):
        if day.weekday() < 5:
            continue
        substitute = day + dt.timedelta(days=1)
        while substitute.weekday() >= 5 or substitute in days_off:
            substitute += dt.timedelta(days=1)
        days_off.add(substitute)
        compensating.append((substitute, f"{COMPENSATING} {name}"))
    return sorted(statutory + decided + compensating)


HOLIDAYS: list[tuple[dt.date, str]] = [
    holiday for year in range(FIRST_YEAR, LAST_YEAR + 1) for holiday in _year(year)
]
