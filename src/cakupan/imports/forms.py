from __future__ import annotations

import zipfile
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

SNIFF_BYTES = 64 * 1024
# Files that are plainly not tables, whatever their name says.
BINARY_SIGNATURES = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"MZ",
    b"\x7fELF",
    b"\xd0\xcf\x11\xe0",
)


def upload_is_table(upload: Any) -> bool:
    """Whether an uploaded file is, by its content (never its name), a CSV text file or an XLSX
    workbook: a zip holding xl/workbook.xml, or text in UTF-8 or Windows-1252 without NUL bytes."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    try:
        if head.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(upload) as workbook:
                    return "xl/workbook.xml" in workbook.namelist()
            except (zipfile.BadZipFile, OSError, ValueError):
                return False
        if not head.strip() or b"\x00" in head or head.startswith(BINARY_SIGNATURES):
            return False
        cut = head.rfind(b"\n")
        text = head[: cut + 1] if 0 <= cut < len(head) - 1 else head
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text.decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
        return False
    finally:
        upload.seek(0)


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

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload_is_table(upload):
            raise forms.ValidationError(
                _("This file is not a CSV text file or an XLSX workbook (checked by its content).")
            )
        return upload

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("kind") == "participants" and not data.get("periode"):
            self.add_error("periode", _("A participant snapshot needs its period, e.g. 2023-12."))
        return data
