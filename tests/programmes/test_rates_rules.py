"""Premiums and funding rules come from dated tables, never from constants in code."""

from __future__ import annotations

from datetime import date

import pytest

from cakupan.programmes.models import FundingRule, PremiumRate
from cakupan.programmes.rates import IncomeTooLow, PackageInvalid, RateMissing, premium_monthly
from cakupan.programmes.rules import FundingBarred, FundingRuleMissing, funding_check

pytestmark = pytest.mark.django_db


def test_smallest_package_is_16800_a_month():
    premium = premium_monthly(on=date(2024, 1, 1))
    assert premium.iuran == 16_800
    assert [(p.komponen, p.iuran) for p in premium.parts] == [("JKK", 10_000), ("JKM", 6_800)]
    assert all("PP 44/2015" in p.dasar_hukum for p in premium.parts)
    # domain.md: 100 workers for a year at that rate
    assert 100 * premium.iuran * 12 == 20_160_000


def test_jht_and_higher_income():
    premium = premium_monthly(on=date(2024, 1, 1), program="JKK,JKM,JHT", penghasilan=2_500_000)
    assert premium.iuran == 25_000 + 6_800 + 50_000


def test_covid_discount_period_uses_its_own_rows():
    assert premium_monthly(on=date(2020, 9, 1)).iuran == 100 + 68


def test_a_new_rate_row_changes_the_premium_from_its_date():
    PremiumRate.objects.filter(komponen="JKM", berlaku_sampai__isnull=True).update(
        berlaku_sampai=date(2026, 12, 31)
    )
    PremiumRate.objects.create(
        komponen="JKM", nominal=7_500, berlaku_mulai=date(2027, 1, 1), dasar_hukum="PP uji 1/2026"
    )
    assert premium_monthly(on=date(2026, 12, 1)).iuran == 16_800
    assert premium_monthly(on=date(2027, 1, 1)).iuran == 17_500


def test_bad_package_income_and_missing_rate():
    with pytest.raises(PackageInvalid):
        premium_monthly(on=date(2024, 1, 1), program="JKK")
    with pytest.raises(IncomeTooLow) as exc:
        premium_monthly(on=date(2024, 1, 1), penghasilan=900_000)
    assert "1000000" in exc.value.pesan_id and "Permenaker 5/2021" in exc.value.message_en
    with pytest.raises(RateMissing):
        premium_monthly(on=date(2010, 1, 1))


def test_dana_desa_barred_from_2024_quoting_the_circular():
    assert funding_check("Dana Desa", "petani", date(2023, 6, 1)).boleh
    with pytest.raises(FundingBarred) as exc:
        funding_check("Dana Desa", "petani", date(2024, 1, 1))
    assert "SE Kemendes PDTT 4/PRI.00/I/2024" in exc.value.pesan_id
    assert "SE Kemendes PDTT 4/PRI.00/I/2024" in exc.value.message_en


def test_add_and_apbd_still_allowed_and_group_rule_beats_general():
    assert funding_check("ADD", "buruh_harian_lepas", date(2024, 5, 1)).boleh
    assert funding_check("APBD", "non_asn", date(2024, 5, 1)).boleh
    with pytest.raises(FundingRuleMissing):
        funding_check("APBDes", "petani", date(2024, 5, 1))
    assert funding_check("APBDes", "perangkat_desa", date(2024, 5, 1)).boleh
    FundingRule.objects.create(
        sumber="ADD",
        kelompok_sasaran="non_asn",
        boleh=False,
        berlaku_mulai=date(2024, 1, 1),
        dasar_hukum="Perbup uji 9/2024",
    )
    with pytest.raises(FundingBarred):
        funding_check("ADD", "non_asn", date(2024, 5, 1))
    assert funding_check("ADD", "petani", date(2024, 5, 1)).boleh
