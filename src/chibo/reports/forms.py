"""The period chooser of the dashboard and the exports: a year, or a start and an end date."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ChosenPeriod:
    start: dt.date
    end: dt.date
    year: int  # the year the ranking is for

    def as_query(self) -> dict[str, str]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "year": str(self.year),
        }


def _date_input() -> forms.DateInput:
    # Day first, as everywhere in the app (the browser's own date picker would follow the
    # browser's language, month first in an English one); ISO dates are read as well.
    return forms.DateInput(attrs={"placeholder": _("dd/mm/yyyy"), "size": 10})


class PeriodForm(forms.Form):
    """Dates win over the year; with neither, the current year up to today.

    A year is the whole calendar year, cut at today while it is still running; a start
    without an end runs to today, an end without a start from the first of its year.
    """

    year = forms.IntegerField(label=_("Year"), required=False, min_value=1930, max_value=2100)
    start = forms.DateField(label=_("From"), required=False, widget=_date_input())
    end = forms.DateField(label=_("To"), required=False, widget=_date_input())

    def __init__(self, data: Any, *, today: dt.date) -> None:
        super().__init__(data)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and not end and start > self.today:
            self.add_error("start", _("The period ends before it starts."))
        if start and end and start > end:
            self.add_error("end", _("The period ends before it starts."))
        return data

    def period(self) -> ChosenPeriod:
        """The chosen period (the default one when the form is not valid)."""
        data = self.cleaned_data if self.is_valid() else {}
        year, start, end = data.get("year"), data.get("start"), data.get("end")
        if start or end:
            end = end or self.today
            start = start or dt.date(end.year, 1, 1)
        else:
            chosen = year or self.today.year
            start = dt.date(chosen, 1, 1)
            end = dt.date(chosen, 12, 31)
            if start <= self.today < end:
                end = self.today
        return ChosenPeriod(start=start, end=end, year=year or end.year)
