"""The forms of the classification: opening a campaign and one form per step."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import LeaderTitle, PeriodKind
from .rules import GENERAL_MAX, RESULTS_MAX, Level, RuleSet


class OpenForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    period_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    quarter = forms.IntegerField(label=_("Quarter"), min_value=1, max_value=4, required=False)
    rule_set = forms.ChoiceField(label=_("Rules"), choices=RuleSet.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "year": timezone.localdate().year,
                "period_kind": PeriodKind.YEAR,
                "rule_set": RuleSet.SCORE_2025,
            },
        )
        super().__init__(*args, **kwargs)


def _level(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", "—"), *Level.choices])


class _Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class SelfForm(_Versioned):
    level = _level(_("Level"))
    general = forms.IntegerField(min_value=0, max_value=GENERAL_MAX, required=False)
    results = forms.IntegerField(min_value=0, max_value=RESULTS_MAX, required=False)

    def __init__(self, *args: Any, scored: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not scored:
            del self.fields["general"]
            del self.fields["results"]
            return
        # labels made here, in the request's language
        self.fields["general"].label = gettext("General criteria (of %(n)d points)") % {
            "n": GENERAL_MAX
        }
        self.fields["results"].label = gettext("Results of duties (of %(n)d points)") % {
            "n": RESULTS_MAX
        }


class AppraiseForm(_Versioned):
    proposed_level = _level(_("Proposed level"))
    disciplined = forms.BooleanField(label=_("Disciplined in the year"), required=False)

    def __init__(self, *args: Any, member: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not member:
            del self.fields["disciplined"]


class DecideForm(_Versioned):
    level = _level(_("Level"))


class RerateForm(_Versioned):
    level = _level(_("New level"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class LeaderForm(forms.Form):
    member_code = forms.CharField(label=_("Member code"), max_length=32)
    title = forms.ChoiceField(label=_("Post"), choices=LeaderTitle.choices)


class RemoveForm(_Versioned):
    pass
