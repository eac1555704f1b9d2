"""Working days (ngày làm việc) for legal deadlines: "within 60 working days".

A working day is Monday to Friday and not a public holiday (`core.Holiday`, data kept in the
admin). The functions take the holidays as a set so they stay pure; left out, they read
`holiday_set()`, which each process keeps in memory: a deadline is computed thousands of
times per page, and the holidays change a few times a year.
"""

import datetime as dt
import time
from collections.abc import Set
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .models import Holiday

ONE_DAY = dt.timedelta(days=1)

# An edit saved in another process (another web worker, the task worker) clears only that
# process's copy, so each copy is also read again after this many seconds.
CACHE_SECONDS = 300

_cached: tuple[float, frozenset[dt.date]] | None = None


def holiday_set() -> frozenset[dt.date]:
    """The dates of every `Holiday` row.

    Read from the database once, then kept in the process until a Holiday is saved or
    deleted here (see `connect_signals`) or `CACHE_SECONDS` have passed.
    """
    global _cached
    cached = _cached
    now = time.monotonic()
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    dates = frozenset(Holiday.objects.values_list("date", flat=True))
    _cached = (now, dates)
    return dates


def holiday_set_clear() -> None:
    """Forget the holidays read so far; the next `holiday_set()` reads them again."""
    global _cached
    _cached = None


def is_working_day(day: dt.date, holidays: Set[dt.date] | None = None) -> bool:
    """Whether `day` is Monday to Friday and not one of `holidays` (default: `holiday_set()`)."""
    if holidays is None:
        holidays = holiday_set()
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.date, n: int, holidays: Set[dt.date] | None = None) -> dt.date:
    """The n-th working day after `start`, which is not counted itself.

    The deadline of "within n working days from `start`". `n` = 0 returns `start`, whatever
    day it is. Raises ValueError when `n` is negative.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    if holidays is None:
        holidays = holiday_set()
    day = start
    while n:
        day += ONE_DAY
        if day.weekday() < 5 and day not in holidays:
            n -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, holidays: Set[dt.date] | None = None) -> int:
    """How many working days fall after `start` up to and including `end`; 0 if `end` <= `start`.

    The inverse of `add_working_days`: `working_days_between(s, add_working_days(s, n)) == n`.
    """
    if end <= start:
        return 0
    if holidays is None:
        holidays = holiday_set()
    count = 0
    day = start + ONE_DAY
    while day <= end:
        if day.weekday() < 5 and day not in holidays:
            count += 1
        day += ONE_DAY
    return count


def _holidays_changed(**kwargs: Any) -> None:
    holiday_set_clear()
    # Once more at commit: another thread may have read the old rows in the meantime. This
    # runs before the on_commit work of apps whose receivers connect after core's.
    transaction.on_commit(holiday_set_clear)


def connect_signals() -> None:
    """Clear the cache whenever a Holiday is saved or deleted (called by CoreConfig.ready)."""
    post_save.connect(_holidays_changed, sender=Holiday, dispatch_uid="core-holidays-saved")
    post_delete.connect(_holidays_changed, sender=Holiday, dispatch_uid="core-holidays-deleted")
