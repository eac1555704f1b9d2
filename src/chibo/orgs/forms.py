from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.orgs.services import Decision

from .kinds import Kind, Sector


class DecisionForm(forms.Form):
    decision_no = forms.CharField(label=_("Decision number"), max_length=64)
    decision_date = forms.DateField(label=_("Decision date"))
    issuer = forms.CharField(label=_("Issued by"), max_length=255)

    def decision(self) -> Decision:
        d = self.cleaned_data
        return Decision(number=d["decision_no"], date=d["decision_date"], issuer=d["issuer"])


class EstablishForm(DecisionForm):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)

    field_order = ["code", "name", "kind", "sector", "decision_no", "decision_date", "issuer"]


class RenameForm(DecisionForm):
    name = forms.CharField(label=_("New name"), max_length=255)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)

    field_order = ["name", "sector", "decision_no", "decision_date", "issuer"]


class UnitChoiceForm(DecisionForm):
    """Move, merge and dissolve pick another unit by its code."""

    target_code = forms.CharField(label=_("Code of the other unit"), max_length=32, required=False)

    field_order = ["target_code", "decision_no", "decision_date", "issuer"]


class SplitForm(DecisionForm):
    parts = forms.CharField(
        label=_("New units, one per line: code; name"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = ["parts", "decision_no", "decision_date", "issuer"]

    def parsed_parts(self) -> list[dict[str, str]]:
        parts = []
        for line in self.cleaned_data["parts"].splitlines():
            if line.strip():
                code, _sep, name = line.partition(";")
                parts.append({"code": code.strip(), "name": name.strip()})
        return parts
