from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cakupan.coverage.models import CoverageDefinition, Measure


class PublishedFigureForm(forms.Form):
    kode_wilayah = forms.CharField(label=_("Region code"), max_length=13, initial="51")
    periode = forms.RegexField(
        label=_("Period (YYYY-MM)"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        widget=forms.TextInput(attrs={"placeholder": "2023-12"}),
    )
    ukuran = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    nilai = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2, min_value=0)
    label = forms.CharField(label=_("What the figure says"), max_length=200)
    sumber = forms.CharField(label=_("Source (publisher, date, link)"), max_length=300)
    definisi = forms.ModelChoiceField(
        label=_("Definition meant (if known)"),
        queryset=CoverageDefinition.objects.all(),
        required=False,
    )
