from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EventKind, Gender, Occupation, Status
from .rules import RECORDABLE_KINDS
from .selectors import AGE_BANDS


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), ("live", _("Current members")), *Status.choices],
    )
    occupation = forms.ChoiceField(
        label=_("Occupation"), required=False, choices=[("", _("Any")), *Occupation.choices]
    )
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("Any")), *Gender.choices]
    )
    age = forms.ChoiceField(
        label=_("Age"), required=False, choices=[("", _("Any")), *((k, k) for k in AGE_BANDS)]
    )
    year = forms.IntegerField(
        label=_("Admission year"), required=False, min_value=1930, max_value=2100
    )


class PersonalForm(forms.Form):
    family_name = forms.CharField(label=_("Family name"), max_length=64, required=False)
    middle_name = forms.CharField(label=_("Middle name"), max_length=64, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=64)
    birth_date = forms.DateField(label=_("Birth date"))
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=64, required=False)
    religion = forms.CharField(label=_("Religion"), max_length=64, required=False)
    national_id = forms.CharField(label=_("National ID"), max_length=12, required=False)
    hometown = forms.CharField(label=_("Hometown"), max_length=255, required=False)
    education = forms.CharField(label=_("Education"), max_length=64, required=False)
    occupation = forms.ChoiceField(label=_("Occupation"), choices=Occupation.choices)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)


class MemberEditForm(PersonalForm):
    card_number = forms.CharField(label=_("Party card number"), max_length=9, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class MemberCreateForm(PersonalForm):
    member_code = forms.CharField(label=_("Member id"), max_length=32)
    admitted_on = forms.DateField(label=_("Admitted on"))
    recognized_on = forms.DateField(label=_("Recognized on"), required=False)
    decision_no = forms.CharField(
        label=_("Admission decision number"), max_length=64, required=False
    )

    field_order = [
        "member_code",
        "family_name",
        "middle_name",
        "given_name",
        "birth_date",
        "gender",
    ]


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Event"), choices=[(k, EventKind(k).label) for k in RECORDABLE_KINDS]
    )
    date = forms.DateField(label=_("Date"))
    org_code = forms.CharField(
        label=_("Unit code (transfer destination, or unit of reinstatement)"), required=False
    )
    temporary = forms.BooleanField(label=_("Temporary transfer"), required=False)
    end_date = forms.DateField(label=_("Temporary until"), required=False)
    decision_no = forms.CharField(label=_("Decision number"), max_length=64, required=False)
    decided_by = forms.CharField(label=_("Decided by"), max_length=255, required=False)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this event wrong?"), widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
