from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.members.models import Occupation

from .models import DocType, Document


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    doc_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any")), *DocType.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *Document.Status.choices]
    )


class _TextForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    must_study = forms.BooleanField(
        label=_("To be studied before the cell meeting"), required=False
    )
    attachments = MultipleFileField(label=_("Attachments (PDF)"), required=False)


class DocumentIssueForm(_TextForm):
    doc_type = forms.ChoiceField(label=_("Type"), choices=DocType.choices)
    number = forms.CharField(
        label=_("Number"), max_length=64, help_text=_("NUMBER-TYPE/ISSUER, e.g. 21-NQ/TW.")
    )
    issued_on = forms.DateField(label=_("Issued on"))
    audience_units = forms.CharField(
        label=_("Send to units (codes)"),
        required=False,
        help_text=_(
            "Unit codes inside the issuing unit, separated by spaces or commas. Empty: the whole subtree."
        ),
    )
    segments = forms.MultipleChoiceField(
        label=_("Only these members"),
        required=False,
        choices=Occupation.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every member of those units."),
    )

    field_order = [
        "doc_type",
        "number",
        "issued_on",
        "title",
        "summary",
        "body",
        "must_study",
        "audience_units",
        "segments",
        "attachments",
    ]

    def unit_codes(self) -> list[str]:
        raw = self.cleaned_data.get("audience_units") or ""
        return [c for c in raw.replace(",", " ").replace(";", " ").split() if c]


class DocumentAmendForm(_TextForm):
    note = forms.CharField(
        label=_("What changed"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DocumentWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)
