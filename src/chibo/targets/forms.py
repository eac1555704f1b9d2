"""The form that sets a target of a unit or of one of its direct subunits."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.members.models import Occupation
from chibo.orgs.models import Organization

from .models import Metric


class TargetForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    metric = forms.ChoiceField(label=_("Target"), choices=Metric.choices)
    segment = forms.ChoiceField(
        label=_("Segment"),
        required=False,
        choices=[("", _("All members")), *Occupation.choices],
        help_text=_("Admissions targets only."),
    )
    first_year = forms.IntegerField(label=_("From the year"), min_value=1930, max_value=2100)
    last_year = forms.IntegerField(
        label=_("To the year"),
        min_value=1930,
        max_value=2100,
        required=False,
        help_text=_("For a term (e.g. 2020–2025): the admissions target is then a yearly average."),
    )
    value = forms.DecimalField(label=_("Value"), min_value=0, max_digits=12, decimal_places=2)

    def __init__(self, *args: Any, units: list[Organization], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.fields["unit"].choices = [(str(u.pk), f"{u.name} ({u.code})") for u in units]  # type: ignore[attr-defined]

    def chosen_unit(self) -> Organization:
        return self.units[self.cleaned_data["unit"]]
