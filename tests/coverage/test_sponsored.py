"""Sponsored participants are their own breakdown of coverage: a paid month of a programme."""

from __future__ import annotations

import pytest

from cakupan.accounts.scope import SystemActor
from cakupan.coverage.facts import facts_refresh
from cakupan.coverage.selectors import coverage_table


@pytest.fixture
def sponsored(participants):
    """Ni Made Batubulan's December 2023 paid by her village's programme."""
    from cakupan.programmes.models import (
        Beneficiary,
        Funding,
        Invoice,
        Programme,
        Sponsor,
        SponsoredMonth,
    )

    sponsor = Sponsor.objects.create(
        jenis="desa", nama="Desa Batubulan", kode_wilayah="51.04.01.2001"
    )
    funding = Funding.objects.create(
        sponsor=sponsor, sumber="ADD", tahun_anggaran=2023, jumlah=10**7
    )
    programme = Programme.objects.create(
        nama="Batubulan 2023",
        sponsor=sponsor,
        funding=funding,
        kode_wilayah="51.04.01.2001",
        kelompok_sasaran="petani",
        penghasilan=1_000_000,
        iuran=16_800,
        bulan_mulai="2023-01",
        durasi_bulan=12,
        status="disetujui",
    )
    person = participants[0]
    beneficiary = Beneficiary.objects.create(
        programme=programme,
        kode_wilayah="51.04.01.2001",
        baris=1,
        nama=person.nama,
        participant=person,
    )
    invoice = Invoice.objects.create(
        nomor="INV-1-202312", programme=programme, bulan="2023-12", peserta=1, jumlah=16_800
    )
    SponsoredMonth.objects.create(
        participant=person,
        periode="2023-12",
        programme=programme,
        beneficiary=beneficiary,
        invoice=invoice,
    )
    facts_refresh("2023-12")


def test_sponsored_count_at_every_level(sponsored):
    for level, region, expected in (
        ("village", "51.04.01", {"51.04.01.2001": 1, "51.04.01.2002": 0}),
        ("regency", "51", {"51.04": 1, "51.71": 0}),
    ):
        table = coverage_table(
            actor=SystemActor(), region_code=region, level=level, periode="2023-12"
        )
        counts = {r.kode_wilayah: r.peserta_disponsori for r in table.rows}
        for code, n in expected.items():
            assert counts[code] == n, (level, code)
    village = coverage_table(
        actor=SystemActor(), region_code="51.04.01.2001", level="village", periode="2023-12"
    ).rows[0]
    assert village.peserta_aktif == 2  # sponsored people are part of the active count, not extra


def test_no_sponsored_months_counts_none(participants):
    table = coverage_table(
        actor=SystemActor(), region_code="51", level="regency", periode="2023-12"
    )
    assert sum(r.peserta_disponsori for r in table.rows) == 0
    assert sum(r.peserta_aktif for r in table.rows) == 4
