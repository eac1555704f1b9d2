"""The upload form."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chibo.orgs.models import Organization

from ..models import ImportJob
from .jobs import MAX_UPLOAD_BYTES
from .readers import FORMATS
from .registry import LABELS


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"), choices=ImportJob.Kind.choices
    )
    org = forms.ChoiceField(label=gettext_lazy("Into the subtree of"))
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8, comma or semicolon) or XLSX."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(FORMATS)}),
    )

    def __init__(self, *args: Any, units: list[Organization], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [*ImportJob.Kind.choices, *LABELS.items()]  # type: ignore[attr-defined]
        self.units = {u.code: u for u in units}
        self.fields["org"].choices = [(u.code, f"{u.name} ({u.code})") for u in units]  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not any((upload.name or "").lower().endswith(ext) for ext in FORMATS):
            raise forms.ValidationError(_("Use a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(n)d MB.") % {"n": MAX_UPLOAD_BYTES >> 20}
            )
        return upload
