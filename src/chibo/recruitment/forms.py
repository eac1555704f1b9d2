"""The forms of the road in: proposing a sympathizer, a class, and one form per step."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.members.models import Gender, Member, Occupation

from .models import OrgIntroduction, Paper, Source


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"placeholder": _("dd/mm/yyyy"), "size": 10}),
    )


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.full_name} ({obj.member_code})"


class ProposeForm(forms.Form):
    family_name = forms.CharField(label=_("Family name"), max_length=64, required=False)
    middle_name = forms.CharField(label=_("Middle name"), max_length=64, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=64)
    birth_date = _date(_("Birth date"))
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    occupation = forms.ChoiceField(label=_("Occupation"), choices=Occupation.choices)
    education = forms.CharField(label=_("Education"), max_length=64, required=False)
    national_id = forms.CharField(label=_("National ID"), max_length=12, required=False)
    source = forms.ChoiceField(label=_("Proposed by"), choices=Source.choices)
    proposed_on = _date(_("Proposed on"))
    helper = MemberChoiceField(
        label=_("Helping member"), queryset=Member.objects.none(), required=False
    )

    def __init__(self, *args: Any, helpers: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = helpers  # type: ignore[attr-defined]


class PersonForm(forms.Form):
    family_name = forms.CharField(label=_("Family name"), max_length=64, required=False)
    middle_name = forms.CharField(label=_("Middle name"), max_length=64, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=64)
    birth_date = _date(_("Birth date"))
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    occupation = forms.ChoiceField(label=_("Occupation"), choices=Occupation.choices)
    education = forms.CharField(label=_("Education"), max_length=64, required=False)
    national_id = forms.CharField(label=_("National ID"), max_length=12, required=False)
    source = forms.ChoiceField(label=_("Proposed by"), choices=Source.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class HelperForm(forms.Form):
    helper = MemberChoiceField(
        label=_("Helping member"), queryset=Member.objects.none(), required=False
    )

    def __init__(self, *args: Any, helpers: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = helpers  # type: ignore[attr-defined]


class ClassForm(forms.Form):
    code = forms.CharField(label=_("Class code"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=255, required=False)
    started_on = _date(_("Starts on"), required=False)
    ended_on = _date(_("Ends on"))


class AttendanceForm(forms.Form):
    person_id = forms.CharField(label=_("Person id"), max_length=32)
    passed = forms.BooleanField(label=_("Passed"), required=False)
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=64, required=False)


class PaperForm(forms.Form):
    code = forms.ChoiceField(label=_("Paper"), choices=Paper.choices)
    dated = _date(_("Dated"))
    file = forms.FileField(
        label=_("Scan (PDF, JPEG or PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class IntroducerForm(forms.Form):
    member = MemberChoiceField(label=_("Official member"), queryset=Member.objects.none())
    known_since = _date(_("Has known the person since"))

    def __init__(self, *args: Any, members: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CellResolutionForm(VersionedForm):
    on = _date(_("Date of the cell meeting"))
    votes_for = forms.IntegerField(label=_("Votes in favour"), min_value=0)
    org_introduction = forms.ChoiceField(
        label=_("Introduced by"), choices=OrgIntroduction.choices, required=False
    )
    over_age_approval = forms.CharField(
        label=_("Provincial approval for a person over 60 (decision number)"),
        max_length=64,
        required=False,
    )


class CommitteeResolutionForm(VersionedForm):
    on = _date(_("Date of the committee's resolution"))
    votes_for = forms.IntegerField(label=_("Votes in favour"), min_value=0)
    committee_members = forms.IntegerField(label=_("Members of the committee"), min_value=1)


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the extension"), widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(VersionedForm):
    on = _date(_("Date of the decision"))
    decision_no = forms.CharField(label=_("Decision number"), max_length=64)


class CeremonyForm(VersionedForm):
    on = _date(_("Date of the ceremony"))
    late_reason = forms.CharField(
        label=_("Why later than 30 working days (if so)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RecognitionResolutionForm(VersionedForm):
    on = _date(_("Date of the cell meeting"))
    votes_for = forms.IntegerField(label=_("Votes in favour"), min_value=0)


class RecognitionDecisionForm(VersionedForm):
    on = _date(_("Date of the decision"))
    decision_no = forms.CharField(label=_("Decision number"), max_length=64)


class EndForm(VersionedForm):
    on = _date(_("Date"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
