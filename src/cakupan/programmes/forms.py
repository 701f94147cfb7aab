"""Forms of the village-side programme screens: they parse text; the services decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cakupan.accounts.scope import Actor
from cakupan.programmes.models import Funding, FundingKind, SponsorKind, TargetGroup
from cakupan.programmes.rates import PACKAGES
from cakupan.regions.selectors import within_q

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_VILLAGE_LINE = re.compile(r"^(\d{2}\.\d{2}\.\d{2}\.\d{4})(?:\s*[=:, ]\s*(\d+))?$")


def month_field(label: Any, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        **kwargs,
    )


def clean_month(value: str) -> str:
    if not _MONTH.match(value or ""):
        raise ValidationError(_("Write a month as YYYY-MM, e.g. 2024-01."))
    return value


class SponsorForm(forms.Form):
    jenis = forms.ChoiceField(label=_("Kind of sponsor"), choices=SponsorKind.choices)
    nama = forms.CharField(label=_("Name"), max_length=200)
    kode_wilayah = forms.CharField(
        label=_("Region code of its seat"),
        max_length=13,
        help_text=_("The village, regency or company seat, e.g. 51.04.01.2001."),
    )
    npp = forms.CharField(
        label=_("NPP (company CSR only)"), max_length=8, required=False, strip=True
    )


class FundingForm(forms.Form):
    sponsor = forms.ModelChoiceField(label=_("Sponsor"), queryset=None)  # type: ignore[arg-type]
    sumber = forms.ChoiceField(label=_("Funding source"), choices=FundingKind.choices)
    tahun_anggaran = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    jumlah = forms.IntegerField(label=_("Amount (Rp)"), min_value=1)
    keterangan = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, sponsors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = sponsors  # type: ignore[attr-defined]


class FundingChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Funding) -> str:
        return f"{obj.sponsor.nama} · {obj.sumber} {obj.tahun_anggaran} · Rp{obj.jumlah:,}".replace(
            ",", "."
        )


class ProgrammeForm(forms.Form):
    funding = FundingChoice(label=_("Sponsor and funding line"), queryset=None)  # type: ignore[arg-type]
    nama = forms.CharField(label=_("Programme name"), max_length=200)
    kelompok_sasaran = forms.ChoiceField(label=_("Target group"), choices=TargetGroup.choices)
    villages = forms.CharField(
        label=_("Villages and quotas"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One village code per line, optionally followed by its quota "
            "(51.04.01.2001 100). Without a quota a village gets the default quota below."
        ),
    )
    kuota = forms.IntegerField(
        label=_("Default quota per village"), min_value=1, max_value=100_000, initial=100
    )
    program = forms.ChoiceField(
        label=_("Package"),
        choices=[(p, p) for p in PACKAGES],
        help_text=_("JKK and JKM; JHT is optional."),
    )
    penghasilan = forms.IntegerField(
        label=_("Declared monthly income (Rp)"),
        required=False,
        min_value=0,
        help_text=_("Empty: the lowest declared income the rates table allows."),
    )
    bulan_mulai = month_field(_("Start month"))
    durasi_bulan = forms.IntegerField(
        label=_("Duration (months)"), min_value=1, max_value=60, initial=12
    )

    def __init__(self, *args: Any, fundings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funding"].queryset = fundings  # type: ignore[attr-defined]

    def clean_bulan_mulai(self) -> str:
        return clean_month(self.cleaned_data["bulan_mulai"])

    def village_quotas(self) -> dict[str, int]:
        """The villages field as {code: quota} (call after is_valid)."""
        default = self.cleaned_data["kuota"]
        villages: dict[str, int] = {}
        for line in re.split(r"[\n;]+", self.cleaned_data["villages"]):
            line = line.strip()
            if not line:
                continue
            m = _VILLAGE_LINE.match(line)
            if m is None:
                raise ValidationError(
                    _("%(line)s is not a village code with an optional quota.") % {"line": line}
                )
            villages[m.group(1)] = int(m.group(2)) if m.group(2) else default
        if not villages:
            raise ValidationError(_("Choose at least one village."))
        return villages

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "villages" in cleaned and "kuota" in cleaned:
            try:
                cleaned["village_quotas"] = self.village_quotas()
            except ValidationError as error:
                self.add_error("villages", error)
        return cleaned


def fundings_for(actor: Actor) -> Any:
    """Funding lines of the sponsors seated in the actor's region."""
    return (
        Funding.objects.filter(within_q("sponsor__kode_wilayah", actor.region_code))
        .select_related("sponsor")
        .order_by("sponsor__nama", "-tahun_anggaran", "sumber")
    )


class UploadForm(forms.Form):
    desa = forms.ChoiceField(label=_("Village"))
    file = forms.FileField(
        label=_("List file (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["desa"].choices = villages  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is larger than 5 MB: a village list is much smaller.")
            )
        return upload


class FixForm(forms.Form):
    """The cells of one row, as text; the NIK field is empty unless retyped."""

    nik = forms.CharField(label="NIK", max_length=32, required=False)
    nama = forms.CharField(label=_("Name"), max_length=200, required=False)
    tanggal_lahir = forms.CharField(
        label=_("Date of birth"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "YYYY-MM-DD"}),
    )
    jenis_kelamin = forms.ChoiceField(
        label=_("Sex"),
        required=False,
        choices=[("", "–"), ("L", _("L (male)")), ("P", _("P (female)"))],
    )
    kode_wilayah = forms.CharField(label=_("Village code"), max_length=40, required=False)
    pekerjaan = forms.CharField(label=_("Occupation"), max_length=100, required=False)
    unit = forms.CharField(label=_("Unit (agency/OPD)"), max_length=200, required=False)


class ReviewForm(forms.Form):
    penerima = forms.IntegerField(min_value=1)
    keputusan = forms.ChoiceField(choices=[("terima", "terima"), ("tolak", "tolak")])


class RejectForm(forms.Form):
    alasan = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class InvoiceForm(forms.Form):
    bulan = forms.ChoiceField(label=_("Month"))

    def __init__(self, *args: Any, months: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bulan"].choices = [(m, m) for m in months]  # type: ignore[attr-defined]


class PaymentForm(forms.Form):
    nomor = forms.CharField(label=_("Invoice number"), max_length=40)
    tanggal = forms.DateField(
        label=_("Date paid"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    jumlah = forms.IntegerField(label=_("Amount (Rp)"), min_value=1)
    referensi = forms.CharField(label=_("Reference"), max_length=100, required=False)


class PaymentImportForm(forms.Form):
    file = forms.FileField(
        label=_("Payment file (CSV or XLSX: nomor,tanggal,jumlah,referensi)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload


class MonthForm(forms.Form):
    bulan = month_field(_("Month"))

    def clean_bulan(self) -> str:
        return clean_month(self.cleaned_data["bulan"])
