"""Reporting periods as explicit objects: half-month, month, quarter, year, congress term."""

import calendar
import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def half_month(day: dt.date) -> Period:
    """The twice-monthly report periods: the 1st–14th and the 15th–end."""
    if day.day <= 14:
        return Period("half_month", day.replace(day=1), day.replace(day=14))
    return Period("half_month", day.replace(day=15), _month_end(day.year, day.month))


def month(year: int, month_no: int) -> Period:
    return Period("month", dt.date(year, month_no, 1), _month_end(year, month_no))


def quarter(year: int, quarter_no: int) -> Period:
    first = 3 * (quarter_no - 1) + 1
    return Period("quarter", dt.date(year, first, 1), _month_end(year, first + 2))


def year(year_no: int) -> Period:
    return Period("year", dt.date(year_no, 1, 1), dt.date(year_no, 12, 31))


def term(first_year: int, last_year: int) -> Period:
    """A congress term, e.g. 2020–2025."""
    return Period("term", dt.date(first_year, 1, 1), dt.date(last_year, 12, 31))


def full_years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from start to end (birthdays and party age)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def add_months(day: dt.date, months: int) -> dt.date:
    total = day.month - 1 + months
    y, m = day.year + total // 12, total % 12 + 1
    return dt.date(y, m, min(day.day, calendar.monthrange(y, m)[1]))
