"""Builders for the write-side tests (services, walkthrough, views): users, lists as files,
registry people, a programme made through the services. Holds no tests itself."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from cakupan.coverage.facts import facts_refresh
from cakupan.coverage.models import CoverageFact
from cakupan.lib.names import name_key, name_normal
from cakupan.programmes.services.lists import COLUMNS
from cakupan.programmes.services.programmes import programme_create
from cakupan.programmes.services.sponsors import funding_create, sponsor_create
from cakupan.registry.models import Membership, Participant

BATUBULAN = "51.04.01.2001"
KETEWEL = "51.04.01.2002"
GIANYAR = "51.04"
PASSWORD = "sandi-uji-123"


def pemda(make_user, username: str = "pemda_gianyar", region: str = GIANYAR):
    """A regency officer of Gianyar: approves and invoices programmes of its villages."""
    return make_user(username, "pemda_officer", region)


def nik(day: int, month: int, year: int, serial: int, *, female: bool = False) -> str:
    """A valid Batubulan-district NIK (51.04.01) for a birth date — domain.md "NIK"."""
    return f"510401{day + (40 if female else 0):02d}{month:02d}{year % 100:02d}{serial:04d}"


def row(
    nik_: str,
    nama: str,
    lahir: str,
    jk: str,
    desa: str = BATUBULAN,
    pekerjaan: str = "petani",
    unit: str = "",
) -> list[str]:
    return [nik_, nama, lahir, jk, desa, pekerjaan, unit]


def write_list(path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = COLUMNS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def registry_person(
    nik_: str,
    nama: str,
    born: date,
    sex: str,
    *,
    village: str = BATUBULAN,
    periode: str = "2024-01",
    paid_through: str | None = "2024-01",
    tmt: date = date(2022, 1, 1),
    segmen: str = "BPU",
) -> Participant:
    """A participant with a membership in `periode` (lapsed when `paid_through` < periode;
    no membership at all when `paid_through` is None)."""
    p = Participant.objects.create(
        nik=nik_,
        nama=nama,
        nama_cari=name_normal(nama),
        nama_kunci=name_key(nama),
        tanggal_lahir=born,
        jenis_kelamin=sex,
        kode_wilayah=village,
    )
    if paid_through is not None:
        Membership.objects.create(
            periode=periode,
            participant=p,
            segmen=segmen,
            kode_wilayah=village,
            jenis_kelamin=sex,
            tanggal_lahir=born,
            program="JKK,JKM",
            upah=1_000_000,
            tmt=tmt,
            bulan_iuran_terakhir=paid_through,
        )
    return p


def village_active(periode: str, code: str = BATUBULAN) -> int:
    """Active participants of a village in a period, as the coverage facts count them."""
    facts = CoverageFact.objects.filter(periode=periode, tingkat=4, kode_wilayah=code)
    return sum(f.peserta for f in facts)


def refresh(periode: str = "2024-01") -> None:
    facts_refresh(periode)


def make_programme(
    user,
    *,
    villages: dict[str, int] | None = None,
    sumber: str = "ADD",
    tahun: int = 2024,
    jumlah: int = 20_160_000,
    kelompok: str = "petani",
    bulan_mulai: str = "2024-01",
    durasi: int = 12,
    program: str = "JKK,JKM",
    penghasilan: int | None = None,
    sponsor_kode: str = BATUBULAN,
    nama: str = "Perlindungan petani Batubulan 2024",
):
    """A draft programme made through the services (sponsor, funding line, programme)."""
    sponsor = sponsor_create(
        jenis="desa", nama="Desa Batubulan", kode_wilayah=sponsor_kode, acting_user=user
    )
    funding = funding_create(
        sponsor=sponsor, sumber=sumber, tahun_anggaran=tahun, jumlah=jumlah, acting_user=user
    )
    return programme_create(
        sponsor=sponsor,
        funding=funding,
        nama=nama,
        kelompok_sasaran=kelompok,
        villages=villages or {BATUBULAN: 100},
        program=program,
        penghasilan=penghasilan,
        bulan_mulai=bulan_mulai,
        durasi_bulan=durasi,
        acting_user=user,
    )


def beneficiary(programme, baris: int, nik_: str, nama: str, born: date, sex: str, **fields):
    """A list row made directly (its class set by hand), for tests past matching."""
    from cakupan.programmes.models import Beneficiary

    return Beneficiary.objects.create(
        programme=programme,
        kode_wilayah=fields.pop("kode_wilayah", BATUBULAN),
        baris=baris,
        nik=nik_,
        nama=nama,
        tanggal_lahir=born,
        jenis_kelamin=sex,
        pekerjaan=fields.pop("pekerjaan", "petani"),
        **fields,
    )


def paid_month(person: Participant, periode: str, *, village: str = BATUBULAN):
    """One month of a village programme paid for `person`, written straight to the tables (no
    services): sponsor, funding line, approved programme, beneficiary, paid invoice, paid month."""
    from cakupan.programmes.models import (
        Beneficiary,
        Funding,
        Invoice,
        Programme,
        Sponsor,
        SponsoredMonth,
    )

    sponsor = Sponsor.objects.create(jenis="desa", nama="Desa Batubulan", kode_wilayah=village)
    year = int(periode[:4])
    funding = Funding.objects.create(
        sponsor=sponsor, sumber="ADD", tahun_anggaran=year, jumlah=20_160_000
    )
    programme = Programme.objects.create(
        nama=f"Batubulan {year}",
        sponsor=sponsor,
        funding=funding,
        kode_wilayah=village,
        kelompok_sasaran="petani",
        penghasilan=1_000_000,
        iuran=16_800,
        bulan_mulai=f"{year}-01",
        durasi_bulan=12,
        status="disetujui",
    )
    beneficiary = Beneficiary.objects.create(
        programme=programme,
        kode_wilayah=village,
        baris=1,
        nama=person.nama,
        jenis_kelamin=person.jenis_kelamin,
        pekerjaan="petani",
        participant=person,
    )
    invoice = Invoice.objects.create(
        nomor=f"INV-{programme.pk}-{periode.replace('-', '')}",
        programme=programme,
        bulan=periode,
        peserta=1,
        jumlah=16_800,
        status="lunas",
    )
    return SponsoredMonth.objects.create(
        participant=person,
        periode=periode,
        programme=programme,
        beneficiary=beneficiary,
        invoice=invoice,
    )
