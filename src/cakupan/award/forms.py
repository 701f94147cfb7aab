"""Award forms: they only read and shape input; every rule is checked by the services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cakupan.award.models import STAGE_ORDER, Category, IndicatorKind, Level, ScaleKind, StageKind
from cakupan.award.services.indicators import METRICS

PERIOD_RE = r"^\d{4}-(0[1-9]|1[0-2])$"


class DateInput(forms.DateInput):
    input_type = "date"


class CycleForm(forms.Form):
    kode = forms.SlugField(label=_("Code"), max_length=60, help_text=_("e.g. paritrana-2025-bali"))
    nama = forms.CharField(label=_("Name"), max_length=200)
    tahun = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    tingkat = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    kode_wilayah = forms.CharField(
        label=_("Province code (empty for national)"), max_length=13, required=False
    )
    periode_data = forms.RegexField(label=_("Data period (YYYY-MM)"), regex=PERIOD_RE)
    periode_banding = forms.RegexField(
        label=_("Comparison period for growth (YYYY-MM)"), regex=PERIOD_RE, required=False
    )
    kategori = forms.MultipleChoiceField(
        label=_("Categories"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in STAGE_ORDER:
            label = StageKind(kind).label
            self.fields[f"{kind}_mulai"] = forms.DateField(label=label, widget=DateInput)
            self.fields[f"{kind}_selesai"] = forms.DateField(label=label, widget=DateInput)

    def stages(self) -> dict[str, tuple[date, date]]:
        d = self.cleaned_data
        return {k: (d[f"{k}_mulai"], d[f"{k}_selesai"]) for k in STAGE_ORDER}


class StageDatesForm(forms.Form):
    mulai = forms.DateField(label=_("Start"), widget=DateInput)
    selesai = forms.DateField(label=_("Last day"), widget=DateInput)


class SettingsForm(forms.Form):
    normalisasi = forms.BooleanField(
        label=_("Rank on z-score normalised jury scores"), required=False
    )
    jumlah_pemenang = forms.IntegerField(label=_("Winners per category"), min_value=1, max_value=10)


class BusinessForm(forms.Form):
    npp = forms.RegexField(label="NPP", regex=r"^\d{8}$", max_length=8)
    kategori = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("By the employer's size"))]
        + [c for c in Category.choices if c[0].startswith("usaha")],
    )


class PublicServiceForm(forms.Form):
    kode = forms.CharField(label=_("Code"), max_length=20)
    nama = forms.CharField(label=_("Name"), max_length=200)
    kode_wilayah = forms.CharField(label=_("Region code"), max_length=13)


class WithdrawForm(forms.Form):
    alasan = forms.CharField(label=_("Reason"), max_length=500)


class OfficerForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)


class EvidenceForm(forms.Form):
    indikator = forms.TypedChoiceField(label=_("Indicator"), coerce=int)
    berkas = forms.FileField(label=_("Document (PDF, PNG or JPEG, at most 10 MB)"))
    keterangan = forms.CharField(label=_("Description"), max_length=500, required=False)

    def __init__(self, *args: Any, indicators: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indikator"].choices = [(i.pk, f"{i.kode} — {i.nama}") for i in indicators]


class VerifyForm(forms.Form):
    keputusan = forms.ChoiceField(choices=[("terima", _("Accept")), ("kembalikan", _("Return"))])
    catatan = forms.CharField(label=_("Note"), max_length=1000, required=False)


class ConflictForm(forms.Form):
    juri = forms.CharField(label=_("Juror"), max_length=150, required=False)
    kandidat = forms.IntegerField(label=_("Candidate"), required=False)
    kode_wilayah = forms.CharField(
        label=_("or a whole region (code)"), max_length=13, required=False
    )
    alasan = forms.CharField(label=_("Reason"), max_length=500)


class AssignForm(forms.Form):
    juri = forms.CharField(label=_("Juror"), max_length=150)
    kandidat = forms.CharField(label=_("Candidate"), max_length=20)  # an id, or "semua"


class SessionForm(forms.Form):
    kandidat = forms.IntegerField(label=_("Candidate"))
    tanggal = forms.DateField(label=_("Date"), widget=DateInput)
    mulai = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    selesai = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    tempat = forms.CharField(label=_("Place"), max_length=200)

    def moments(self) -> tuple[datetime, datetime]:
        d = self.cleaned_data
        tz = timezone.get_current_timezone()
        day = d["tanggal"]
        return (
            datetime.combine(day, d["mulai"], tzinfo=tz),
            datetime.combine(day, d["selesai"], tzinfo=tz),
        )


class ReasonForm(forms.Form):
    alasan = forms.CharField(label=_("Reason"), max_length=300)


# --- the rubric editor: every row of a version at once


class AspectRow(forms.Form):
    kode = forms.CharField(label=_("Code"), max_length=40, required=False)
    nama = forms.CharField(label=_("Name"), max_length=200, required=False)
    nama_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    bobot = forms.CharField(label=_("Weight %"), max_length=8, required=False)


class IndicatorRow(forms.Form):
    aspek = forms.CharField(label=_("Aspect code"), max_length=40, required=False)
    kode = forms.CharField(label=_("Code"), max_length=40, required=False)
    nama = forms.CharField(label=_("Name"), max_length=300, required=False)
    nama_en = forms.CharField(label=_("Name in English"), max_length=300, required=False)
    bobot = forms.CharField(label=_("Weight % of its aspect"), max_length=8, required=False)
    jenis = forms.ChoiceField(label=_("Kind"), choices=IndicatorKind.choices)
    skala = forms.ChoiceField(label=_("Scale"), choices=ScaleKind.choices)
    skala_min = forms.CharField(label=_("Minimum"), max_length=12, required=False)
    skala_max = forms.CharField(label=_("Maximum"), max_length=12, required=False)
    tingkat = forms.CharField(
        label=_("Levels, one a line: value = descriptor"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    metrik = forms.ChoiceField(
        label=_("Metric"), required=False, choices=[("", "—")] + [(k, k) for k in METRICS]
    )
    batas_bawah = forms.CharField(
        label=_("Value giving the minimum"), max_length=14, required=False
    )
    batas_atas = forms.CharField(label=_("Value giving the maximum"), max_length=14, required=False)
    saran = forms.CharField(
        label=_("Advice to candidates"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


AspectFormSet = formset_factory(AspectRow, extra=1)
IndicatorFormSet = formset_factory(IndicatorRow, extra=2)


class RubricNoteForm(forms.Form):
    catatan = forms.CharField(label=_("What changed and why"), max_length=500)


def levels_text(levels: list[dict[str, Any]]) -> str:
    return "\n".join(f"{lv['nilai']} = {lv['deskripsi']}" for lv in levels)


def levels_parse(text: str) -> list[dict[str, Any]]:
    """'0 = Belum ada' lines as levels; a line without '=' is kept for the service to refuse."""
    out: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        value, _sep, descriptor = line.partition("=")
        out.append({"nilai": value.strip(), "deskripsi": descriptor.strip()})
    return out


def spec_initial(spec: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A rubric spec as the editor's initial rows."""
    aspects, indicators = [], []
    for a in spec["aspek"]:
        aspects.append({k: a[k] for k in ("kode", "nama", "nama_en")} | {"bobot": _num(a["bobot"])})
        for i in a["indikator"]:
            indicators.append(
                {
                    "aspek": a["kode"],
                    **{
                        k: i[k]
                        for k in ("kode", "nama", "nama_en", "jenis", "skala", "metrik", "saran")
                    },
                    "bobot": _num(i["bobot"]),
                    "skala_min": _num(i["skala_min"]),
                    "skala_max": _num(i["skala_max"]),
                    "tingkat": levels_text(i["tingkat"]),
                    "batas_bawah": _num(i["batas_bawah"]),
                    "batas_atas": _num(i["batas_atas"]),
                }
            )
    return aspects, indicators


def _num(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def spec_from_rows(
    aspects: list[dict[str, Any]], indicators: list[dict[str, Any]], catatan: str
) -> dict[str, Any]:
    """The editor's rows (empty ones dropped) as a spec for award.services.rubrics."""
    spec: dict[str, Any] = {"catatan": catatan, "aspek": []}
    by_code: dict[str, dict[str, Any]] = {}
    for a in aspects:
        if not (a.get("kode") or a.get("nama")):
            continue
        row = {**a, "indikator": []}
        spec["aspek"].append(row)
        by_code[a.get("kode", "")] = row
    orphans = []
    for i in indicators:
        if not (i.get("kode") or i.get("nama")):
            continue
        row = {k: v for k, v in i.items() if k != "aspek"}
        row["tingkat"] = (
            levels_parse(i.get("tingkat", "")) if i.get("skala") == ScaleKind.TINGKAT else []
        )
        for key in ("skala_min", "skala_max"):
            if row.get(key) in ("", None):
                row.pop(key, None)
        target = by_code.get(i.get("aspek", ""))
        if target is None:
            orphans.append(i.get("kode") or i.get("nama"))
            continue
        target["indikator"].append(row)
    spec["yatim"] = orphans
    return spec


def default_stage_initial() -> dict[str, date]:
    """Six stages of four weeks from today, as the new-cycle form's starting dates."""
    start = timezone.localdate()
    out = {}
    for n, kind in enumerate(STAGE_ORDER):
        out[f"{kind}_mulai"] = start + timedelta(days=28 * n)
        out[f"{kind}_selesai"] = start + timedelta(days=28 * n + 27)
    return out
