from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What"),
        choices=[
            ("participants", _("Participants (registry snapshot)")),
            ("employers", _("Employers")),
            ("workforce", _("Working population (coverage denominators)")),
            ("wages", _("Minimum wages (UMP/UMK)")),
            ("businesses", _("Businesses from the licensing system (OSS)")),
        ],
    )
    periode = forms.RegexField(
        label=_("Period (YYYY-MM)"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "2023-12", "inputmode": "numeric"}),
    )
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    partial = forms.BooleanField(
        label=_("Import the good rows even if some are rejected"), required=False
    )
    replace = forms.BooleanField(label=_("Replace the whole period with this file"), required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("kind") == "participants" and not data.get("periode"):
            self.add_error("periode", _("A participant snapshot needs its period, e.g. 2023-12."))
        return data
