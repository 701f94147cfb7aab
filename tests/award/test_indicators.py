"""Data indicators against the real programmes, coverage and compliance modules: each value says
how it was computed and from which period; a metric maps linearly onto the indicator's scale."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from cakupan.award.models import Indicator, IndicatorValue
from cakupan.award.services.candidates import candidate_register_business
from cakupan.award.services.indicators import METRICS, scale_value, values_compute
from cakupan.compliance.models import ComplianceStatus
from cakupan.regions.models import Region
from cakupan.registry.models import Employer

pytestmark = pytest.mark.django_db


def value(cycle, kode_kandidat: str, kode_indikator: str) -> IndicatorValue:
    return IndicatorValue.objects.get(
        candidate__cycle=cycle, candidate__kode=kode_kandidat, indicator__kode=kode_indikator
    )


def test_programme_metrics_come_from_the_real_programmes_module(make_cycle, committee):
    from cakupan.programmes import selectors

    assert callable(selectors.region_protection) and callable(selectors.employer_sponsored)
    cycle = make_cycle()
    values_compute(cycle=cycle, acting_user=committee)
    villages = Region.objects.filter(level="village", code__startswith="51.04.").count()
    v = value(cycle, "51.04", "desa_berprogram")
    assert v.nilai_mentah == 0 and v.nilai == 0 and v.periode == "2023-12"
    assert f"0 ÷ {villages} desa = 0.00%" in v.penjelasan["id"]
    assert f"0 ÷ {villages} villages" in v.penjelasan["en"]
    staff = value(cycle, "51.04", "non_asn")
    assert staff.nilai is None and staff.penjelasan["id"].startswith("Tidak ada data")


def test_a_business_is_scored_on_its_compliance_status_and_sponsored_workers(make_cycle, committee):
    Employer.objects.create(
        npp="51000001", nama="PT Ubud Lestari", kode_wilayah="51.04.01", skala="besar"
    )
    ComplianceStatus.objects.create(
        periode="2023-12",
        npp="51000001",
        nama="PT Ubud Lestari",
        kode_wilayah="51.04.01",
        status="pds_upah",
        computed_at=timezone.now(),
    )
    cycle = make_cycle(kategori=("pemkab", "usaha_besar"))
    candidate_register_business(cycle=cycle, npp="51000001", cara="daftar", acting_user=committee)
    values_compute(cycle=cycle, acting_user=committee, kategori="usaha_besar")
    status = value(cycle, "51000001", "status")
    assert status.nilai_mentah == 50 and status.nilai == 50
    assert status.penjelasan["en"].startswith("Compliance status pds_upah = 50 points")
    sponsored = value(cycle, "51000001", "disponsori")
    assert sponsored.nilai_mentah == 0 and "0 orang" in sponsored.penjelasan["id"]
    assert not IndicatorValue.objects.filter(candidate__kategori="pemkab").exists()


def test_metrics_map_linearly_onto_the_scale_and_clip():
    ind = Indicator(
        skala="angka",
        skala_min=Decimal(0),
        skala_max=Decimal(100),
        batas_bawah=Decimal(10),
        batas_atas=Decimal(60),
    )
    assert scale_value(ind, Decimal(35)) == Decimal("50.0000")
    assert scale_value(ind, Decimal(5)) == 0 and scale_value(ind, Decimal(80)) == 100
    assert scale_value(ind, None) is None
    lower_is_better = Indicator(
        skala="angka",
        skala_min=Decimal(0),
        skala_max=Decimal(10),
        batas_bawah=Decimal(30),
        batas_atas=Decimal(0),
    )
    assert scale_value(lower_is_better, Decimal(6)) == Decimal("8.0000")


def test_every_metric_says_where_it_applies():
    assert {k for k, m in METRICS.items() if "pemkab" in m.untuk} == {
        "cakupan_persen",
        "cakupan_perubahan_poin",
        "peserta_pertumbuhan_persen",
        "desa_berprogram_persen",
        "rentan_per_1000",
        "non_asn_persen",
        "perangkat_persen",
        "kepatuhan_persen",
    }
    assert {k for k, m in METRICS.items() if "usaha_besar" in m.untuk} == {
        "kepatuhan_status",
        "pekerja_disponsori",
    }
