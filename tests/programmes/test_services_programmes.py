"""Sponsors, funding lines and programmes: dated funding rules and rates, budget, approval."""

from __future__ import annotations

import pytest

from cakupan.audit.models import AuditEntry
from cakupan.errors import OutOfScope, PermissionDenied
from cakupan.programmes.errors import (
    BudgetInsufficient,
    ProgrammeStatusWrong,
    RegionNotVillage,
    SponsorInvalid,
    VillageTaken,
)
from cakupan.programmes.models import Programme, ProgrammeStatus
from cakupan.programmes.rules import FundingBarred
from cakupan.programmes.services.programmes import (
    budget_preview,
    common_region,
    programme_approve,
    programme_budget,
    programme_reject,
    programme_submit,
)
from cakupan.programmes.services.sponsors import funding_create, sponsor_create
from tests.programmes.test_services_helpers import BATUBULAN, KETEWEL, make_programme, pemda

pytestmark = pytest.mark.django_db


def test_programme_takes_its_premium_and_legal_basis_from_the_dated_tables(village_operator):
    programme = make_programme(village_operator)
    assert programme.status == ProgrammeStatus.DRAFT
    assert (programme.iuran, programme.penghasilan) == (16_800, 1_000_000)
    assert programme.kode_wilayah == BATUBULAN
    assert programme.dasar_hukum == "Permendagri 20/2018; Permendagri 15/2023"
    assert list(programme.villages.values_list("kode_wilayah", "kuota")) == [(BATUBULAN, 100)]
    actions = list(AuditEntry.objects.values_list("action", flat=True).order_by("id"))
    assert actions == ["sponsor.create", "funding.create", "programme.create"]


def test_optional_jht_adds_two_percent_of_declared_income(village_operator):
    programme = make_programme(village_operator, program="JKK,JKM,JHT", penghasilan=1_500_000)
    assert programme.iuran == 15_000 + 6_800 + 30_000


def test_dana_desa_may_not_pay_premiums_from_2024_and_the_refusal_quotes_the_circular(
    village_operator,
):
    with pytest.raises(FundingBarred) as refused:
        make_programme(village_operator, sumber="Dana Desa")
    assert "SE Kemendes PDTT 4/PRI.00/I/2024" in refused.value.pesan_id
    assert refused.value.message_en == (
        "Funding source Dana Desa may not pay premiums for group petani on 2024-01-01: "
        "SE Kemendes PDTT 4/PRI.00/I/2024."
    )
    assert not Programme.objects.exists()


def test_dana_desa_could_pay_in_2023(village_operator):
    programme = make_programme(
        village_operator, sumber="Dana Desa", tahun=2023, bulan_mulai="2023-01"
    )
    assert programme.dasar_hukum == "Permendagri 20/2018 Ps 19(4)"


def test_a_region_that_is_not_a_village_is_refused(make_user):
    officer = pemda(make_user)
    with pytest.raises(RegionNotVillage) as refused:
        make_programme(officer, villages={"51.04.01": 100}, sponsor_kode="51.04")
    assert refused.value.message_en == (
        "Region code 51.04.01 is not a village: programmes are set up per village."
    )


def test_a_programme_of_several_villages_is_read_in_their_smallest_common_region(make_user):
    officer = pemda(make_user)
    programme = make_programme(
        officer, villages={BATUBULAN: 100, KETEWEL: 50}, sponsor_kode="51.04", jumlah=10**9
    )
    assert programme.kode_wilayah == "51.04.01"
    assert common_region(["51.04.01.2001", "51.71.01.1001"]) == "51"


def test_a_village_operator_cannot_put_another_village_in_a_programme(village_operator):
    with pytest.raises(OutOfScope):
        make_programme(village_operator, villages={KETEWEL: 100})
    assert not Programme.objects.exists()


def test_a_village_is_in_one_running_programme_per_target_group(village_operator, make_user):
    first = make_programme(village_operator)
    with pytest.raises(VillageTaken) as refused:
        make_programme(village_operator, nama="Lagi")
    assert refused.value.message_en == (
        "Village 51.04.01.2001 is already in programme Perlindungan petani Batubulan 2024 "
        "(group petani, 2024-01 to 2024-12): a village may be in only one running programme "
        "of the same target group."
    )
    make_programme(village_operator, kelompok="nelayan", nama="Nelayan")
    make_programme(village_operator, bulan_mulai="2025-01", nama="Tahun depan", tahun=2025)
    programme_reject(programme=first, alasan="Salah kelompok", acting_user=pemda(make_user))
    make_programme(village_operator, nama="Pengganti")


def test_budget_is_quota_times_premium_times_months_against_the_funding_line(village_operator):
    programme = make_programme(village_operator, jumlah=20_160_000)
    budget = programme_budget(programme)
    assert (budget.kuota, budget.iuran, budget.bulan, budget.jumlah) == (
        100,
        16_800,
        12,
        20_160_000,
    )
    assert (budget.dana, budget.terikat, budget.sisa, budget.cukup) == (
        20_160_000,
        0,
        20_160_000,
        True,
    )
    assert [(s.tahun, s.bulan, s.jumlah) for s in budget.per_tahun] == [(2024, 12, 20_160_000)]
    assert not budget.lintas_tahun


def test_budget_splits_by_year_when_the_months_cross_a_fiscal_year(village_operator):
    programme = make_programme(village_operator, bulan_mulai="2024-07", jumlah=30_000_000)
    budget = programme_budget(programme)
    assert [(s.tahun, s.bulan, s.jumlah) for s in budget.per_tahun] == [
        (2024, 6, 10_080_000),
        (2025, 6, 10_080_000),
    ]
    assert budget.lintas_tahun


def test_budget_preview_saves_nothing(village_operator):
    sponsor = sponsor_create(
        jenis="desa", nama="Desa Batubulan", kode_wilayah=BATUBULAN, acting_user=village_operator
    )
    funding = funding_create(
        sponsor=sponsor,
        sumber="ADD",
        tahun_anggaran=2024,
        jumlah=1_000_000,
        acting_user=village_operator,
    )
    premium, budget = budget_preview(
        funding=funding, villages={BATUBULAN: 100}, bulan_mulai="2024-01", durasi_bulan=12
    )
    assert premium.iuran == 16_800
    assert (budget.jumlah, budget.cukup, budget.kurang) == (20_160_000, False, 19_160_000)
    assert not Programme.objects.exists()


def test_other_approved_programmes_on_the_same_line_use_up_the_money(make_user):
    officer = pemda(make_user)
    first = make_programme(officer, villages={BATUBULAN: 100}, jumlah=30_000_000)
    programme_approve(programme=first, acting_user=officer)
    second = Programme.objects.create(
        nama="Nelayan",
        sponsor=first.sponsor,
        funding=first.funding,
        kode_wilayah=KETEWEL,
        kelompok_sasaran="nelayan",
        penghasilan=1_000_000,
        iuran=16_800,
        bulan_mulai="2024-01",
        durasi_bulan=12,
    )
    second.villages.create(kode_wilayah=KETEWEL, kuota=50)
    budget = programme_budget(second)
    assert (budget.jumlah, budget.terikat, budget.sisa) == (10_080_000, 20_160_000, 9_840_000)
    with pytest.raises(BudgetInsufficient) as refused:
        programme_approve(programme=second, acting_user=officer)
    assert refused.value.message_en == (
        "Programme Nelayan needs Rp10.080.000 (50 people × Rp16.800 × 12 months), more than the "
        "Rp9.840.000 left on funding line ADD 2024 (Rp30.000.000, of which Rp20.160.000 is "
        "committed to other programmes)."
    )
    second.refresh_from_db()
    assert second.status == ProgrammeStatus.DRAFT


def test_approval_is_refused_when_the_budget_does_not_cover_the_premiums(
    village_operator, make_user
):
    programme = make_programme(village_operator, jumlah=10_000_000)
    programme_submit(programme=programme, acting_user=village_operator)
    with pytest.raises(BudgetInsufficient) as refused:
        programme_approve(programme=programme, acting_user=pemda(make_user))
    assert "Rp20.160.000" in refused.value.pesan_id and "Rp10.000.000" in refused.value.pesan_id
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.SUBMITTED
    assert not AuditEntry.objects.filter(action="programme.approve").exists()


def test_submit_approve_records_who_approved(village_operator, make_user):
    officer = pemda(make_user)
    programme = make_programme(village_operator)
    programme_submit(programme=programme, acting_user=village_operator)
    approved = programme_approve(programme=programme, acting_user=officer)
    assert approved.status == ProgrammeStatus.APPROVED
    assert approved.approved_by == officer and approved.approved_at is not None
    entry = AuditEntry.objects.get(action="programme.approve")
    assert entry.actor == officer and entry.detail["pembuat_sendiri"] is False
    with pytest.raises(ProgrammeStatusWrong):
        programme_approve(programme=programme, acting_user=officer)


def test_a_village_operator_may_not_approve(village_operator):
    programme = make_programme(village_operator)
    with pytest.raises(PermissionDenied):
        programme_approve(programme=programme, acting_user=village_operator)


def test_reject_needs_a_reason_and_the_programme_can_be_submitted_again(
    village_operator, make_user
):
    officer = pemda(make_user)
    programme = make_programme(village_operator)
    programme_submit(programme=programme, acting_user=village_operator)
    programme_reject(programme=programme, alasan="Kuota terlalu besar", acting_user=officer)
    assert AuditEntry.objects.get(action="programme.reject").detail == {
        "alasan": "Kuota terlalu besar"
    }
    programme_submit(programme=programme, acting_user=village_operator)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.SUBMITTED


def test_sponsor_kind_must_be_known(village_operator):
    with pytest.raises(SponsorInvalid):
        sponsor_create(
            jenis="koperasi", nama="X", kode_wilayah=BATUBULAN, acting_user=village_operator
        )
