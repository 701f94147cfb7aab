"""Builders for the regional-side tests: sponsors, budget lines, programmes, paid months, registry
members and denominators, made directly with the ORM (the write-side services are not needed).

Used by test_region_*.py, test_rosters.py and test_simulator.py."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from cakupan.coverage.facts import facts_refresh
from cakupan.coverage.models import CoverageTarget, Workforce
from cakupan.programmes.models import (
    Beneficiary,
    Funding,
    Invoice,
    Payment,
    Programme,
    ProgrammeVillage,
    Sponsor,
    SponsoredMonth,
)
from cakupan.registry.models import Membership, Participant

BLAHBATUH = "51.04.02"  # Gianyar district with 9 villages
BLAHBATUH_VILLAGES = [f"51.04.02.{2000 + i}" for i in range(1, 10)]
SABA, PERING, KERAMAS = BLAHBATUH_VILLAGES[:3]
BATUBULAN = "51.04.01.2001"
SERANGAN = "51.71.01.1001"  # Denpasar: another regency

_serial = itertools.count(1)


def next_nik() -> str:
    return f"9{next(_serial):015d}"


def make_sponsor(nama="Desa Saba", jenis="desa", kode=SABA, users=(), npp=""):
    sponsor = Sponsor.objects.create(nama=nama, jenis=jenis, kode_wilayah=kode, npp=npp)
    if users:
        sponsor.users.set(users)
    return sponsor


def make_funding(sponsor, sumber="ADD", tahun=2023, jumlah=20_160_000, keterangan=""):
    return Funding.objects.create(
        sponsor=sponsor, sumber=sumber, tahun_anggaran=tahun, jumlah=jumlah, keterangan=keterangan
    )


def make_programme(
    sponsor,
    funding,
    *,
    kode=None,
    villages=None,
    kelompok="petani",
    status="disetujui",
    bulan_mulai="2023-01",
    durasi=12,
    iuran=16_800,
    nama=None,
):
    villages = villages if villages is not None else {sponsor.kode_wilayah: 100}
    programme = Programme.objects.create(
        nama=nama or f"Perlindungan {sponsor.nama}",
        sponsor=sponsor,
        funding=funding,
        kode_wilayah=kode or sponsor.kode_wilayah,
        kelompok_sasaran=kelompok,
        penghasilan=1_000_000,
        iuran=iuran,
        bulan_mulai=bulan_mulai,
        durasi_bulan=durasi,
        status=status,
        dasar_hukum="Permendagri 20/2018; Permendagri 15/2023",
    )
    ProgrammeVillage.objects.bulk_create(
        ProgrammeVillage(programme=programme, kode_wilayah=code, kuota=kuota)
        for code, kuota in villages.items()
    )
    return programme


def make_people(village: str, n: int, *, nama="Warga") -> list[Participant]:
    people = [
        Participant(
            nik=next_nik(),
            nama=f"{nama} {i}",
            jenis_kelamin="L",
            kode_wilayah=village,
            tanggal_lahir=date(1980, 1, 1),
        )
        for i in range(n)
    ]
    Participant.objects.bulk_create(people)
    return list(Participant.objects.filter(nik__in=[p.nik for p in people]).order_by("nik"))


def protect(
    programme, village: str, periods: list[str], n: int, *, unit="", paid=True, nama="Warga"
):
    """`n` new people on `programme` in `village`, each with a paid month in every period.

    Returns the participants. One invoice per programme and month (created when missing)."""
    people = make_people(village, n, nama=nama)
    start = Beneficiary.objects.filter(programme=programme).count()
    Beneficiary.objects.bulk_create(
        Beneficiary(
            programme=programme,
            kode_wilayah=village,
            baris=start + i + 1,
            nik=p.nik,
            nama=p.nama,
            unit=unit,
            match_nik=p.nik,
            kelas="baru",
            participant=p,
        )
        for i, p in enumerate(people)
    )
    beneficiaries = {
        b.participant_id: b
        for b in Beneficiary.objects.filter(programme=programme, participant__in=people)
    }
    for periode in periods:
        invoice, created = Invoice.objects.get_or_create(
            programme=programme,
            bulan=periode,
            defaults={
                "nomor": f"INV-{programme.pk}-{periode}",
                "peserta": 0,
                "jumlah": 0,
            },
        )
        invoice.peserta += n
        invoice.jumlah += n * programme.iuran
        invoice.save()
        if paid:
            Payment.objects.create(
                invoice=invoice, tanggal=date(2023, 1, 15), jumlah=n * programme.iuran
            )
        SponsoredMonth.objects.bulk_create(
            SponsoredMonth(
                participant=p,
                periode=periode,
                programme=programme,
                beneficiary=beneficiaries[p.pk],
                invoice=invoice,
            )
            for p in people
        )
    return people


def add_members(village: str, periode: str, n: int, *, segmen="BPU") -> None:
    """`n` active registry members living in `village` in `periode` (facts not refreshed)."""
    people = make_people(village, n, nama="Peserta")
    Membership.objects.bulk_create(
        Membership(
            periode=periode,
            participant=p,
            segmen=segmen,
            kode_wilayah=village,
            jenis_kelamin="L",
            tanggal_lahir=p.tanggal_lahir,
            program="JKK,JKM",
            upah=1_000_000,
            tmt=date(2022, 1, 1),
            bulan_iuran_terakhir=periode,
        )
        for p in people
    )


def add_workforce(code: str, periode: str, n: int, *, sektor="semua") -> None:
    Workforce.objects.create(
        kode_wilayah=code,
        periode=periode,
        sektor=sektor,
        jenis_kelamin="semua",
        penduduk_bekerja=n,
        sumber="Sakernas uji",
    )


@pytest.fixture
def region_coverage(db):
    """2023-12: 300 active participants in Blahbatuh (100 each in Saba, Pering and Keramas, BPU),
    one in Denpasar; employed people: Blahbatuh 10,000, Gianyar 50,000, Bali 2,000,000; informal
    employed 6,000 in Blahbatuh, per village 1,000 (Saba, Pering, Keramas) and 500 (the other
    six); target for
    Bali 50%."""
    for village in (SABA, PERING, KERAMAS):
        add_members(village, "2023-12", 100)
    add_members(SERANGAN, "2023-12", 1, segmen="PU")
    facts_refresh("2023-12")
    add_workforce(BLAHBATUH, "2023-12", 10_000)
    add_workforce(BLAHBATUH, "2023-12", 6_000, sektor="informal")
    add_workforce("51.04", "2023-12", 50_000)
    add_workforce("51", "2023-12", 2_000_000)
    for village in BLAHBATUH_VILLAGES:
        n = 1_000 if village in (SABA, PERING, KERAMAS) else 500
        add_workforce(village, "2023-12", n, sektor="informal")
    CoverageTarget.objects.create(kode_wilayah="51", periode="2024-12", persen=50, sumber="RPJMD")
    return "2023-12"


@pytest.fixture
def officer_gianyar(make_user):
    return make_user("officer_gianyar", "pemda_officer", "51.04")


@pytest.fixture
def officer_denpasar(make_user):
    return make_user("officer_denpasar", "pemda_officer", "51.71")


@pytest.fixture
def officer_bali(make_user):
    return make_user("officer_bali", "pemda_officer", "51")


@pytest.fixture
def region_sponsor_user(make_user):
    return make_user("csr_bank", "sponsor", "51")


@pytest.fixture
def region_scene(db):
    """Programmes around Gianyar in 2023 (sponsored months in 2023-11 and 2023-12):

    A  Desa Saba, ADD 2023, petani, approved 2023-01 × 12, Saba quota 100: 95 protected
       in 2023-11 and 2023-12
    B  Desa Pering, submitted, Pering quota 100: nobody yet
    C  Desa Keramas, approved from 2024-01: not running in 2023
    D  Provinsi Bali, BKK 2023, perangkat_desa, region 51, Saba quota 10: 8 protected in 2023-12
    E  Pemkab Gianyar, APBD 2023, non_asn, region 51.04, no villages: 30 protected in 2023-12
       (unit "dinas kesehatan ", living in Batubulan)
    F  Provinsi Bali, APBD 2023, non_asn, region 51: 99 protected in 2023-12 (unit
       "Dinas Sosial", living in Serangan, Denpasar)
    Rosters: Saba perangkat_desa 10 (2023-06); Gianyar non-ASN Dinas Kesehatan 40 and Dinas
    Pendidikan 60 (2023-01); Bali non-ASN Dinas Sosial 100 (2023-01).
    """
    from cakupan.programmes.models import Roster

    saba = make_sponsor("Desa Saba", "desa", SABA)
    a = make_programme(saba, make_funding(saba), nama="Petani Saba", villages={SABA: 100})
    pering = make_sponsor("Desa Pering", "desa", PERING)
    b = make_programme(
        pering,
        make_funding(pering),
        status="diajukan",
        nama="Petani Pering",
        villages={PERING: 100},
    )
    keramas = make_sponsor("Desa Keramas", "desa", KERAMAS)
    c = make_programme(
        keramas,
        make_funding(keramas, tahun=2024),
        bulan_mulai="2024-01",
        nama="Nelayan Keramas",
        kelompok="nelayan",
        villages={KERAMAS: 100},
    )
    bali = make_sponsor("Pemerintah Provinsi Bali", "provinsi", "51")
    bkk = make_funding(bali, sumber="BKK", jumlah=500_000_000)
    d = make_programme(
        bali,
        bkk,
        kode="51",
        kelompok="perangkat_desa",
        nama="Perangkat desa Bali",
        villages={SABA: 10},
    )
    gianyar = make_sponsor("Pemerintah Kabupaten Gianyar", "kabupaten", "51.04")
    e = make_programme(
        gianyar,
        make_funding(gianyar, sumber="APBD", jumlah=100_000_000),
        kode="51.04",
        kelompok="non_asn",
        nama="Non-ASN Gianyar",
        villages={},
    )
    f = make_programme(
        bali,
        make_funding(bali, sumber="APBD", jumlah=300_000_000),
        kode="51",
        kelompok="non_asn",
        nama="Non-ASN Provinsi Bali",
        villages={},
    )
    protect(a, SABA, ["2023-11", "2023-12"], 95, nama="Petani")
    protect(d, SABA, ["2023-12"], 8, nama="Perangkat")
    protect(e, BATUBULAN, ["2023-12"], 30, unit="dinas kesehatan ", nama="Staf")
    protect(f, SERANGAN, ["2023-12"], 99, unit="Dinas Sosial", nama="Staf Provinsi")
    Roster.objects.create(
        kode_wilayah=SABA, jenis="perangkat_desa", unit="Desa Saba", periode="2023-06", jumlah=10
    )
    for unit, n in (("Dinas Kesehatan", 40), ("Dinas Pendidikan", 60)):
        Roster.objects.create(
            kode_wilayah="51.04",
            jenis="non_asn",
            unit=unit,
            periode="2023-01",
            jumlah=n,
            sumber="BKPSDM Gianyar",
        )
    Roster.objects.create(
        kode_wilayah="51",
        jenis="non_asn",
        unit="Dinas Sosial",
        periode="2023-01",
        jumlah=100,
        sumber="BKD Provinsi Bali",
    )
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}
