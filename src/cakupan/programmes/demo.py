"""Sponsored programmes for the synthetic Bali demo: what villages, regencies, the province and a
CSR company paid for in 2023, and the staff rosters the province and Gianyar's villages keep.

Beneficiaries are drawn from the demo registry's BPU members active at the demo's last period,
so the calibrated coverage figures do not move: the programmes explain part of who is active.
Every programme runs January–December of that year with all twelve months invoiced and paid.
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import Model

from cakupan.accounts.models import User
from cakupan.programmes.models import (
    Beneficiary,
    Funding,
    Invoice,
    InvoiceLine,
    Kelas,
    MatchStatus,
    Payment,
    Programme,
    ProgrammeStatus,
    ProgrammeVillage,
    Roster,
    RosterKind,
    Sponsor,
    SponsoredMonth,
    SponsorKind,
    TargetGroup,
)
from cakupan.programmes.rates import premium_monthly
from cakupan.programmes.rules import funding_check
from cakupan.programmes.services.beneficiaries import beneficiaries_match, beneficiaries_upload
from cakupan.programmes.services.lists import COLUMNS
from cakupan.programmes.services.programmes import programme_create
from cakupan.programmes.services.sponsors import funding_create, sponsor_create
from cakupan.regions.models import Region
from cakupan.registry.models import Employer, Membership, Participant
from cakupan.registry.selectors import active_q

# Share of each regency's villages running a programme (Gianyar leads, as it did in the award).
VILLAGE_SHARE = {
    "51.01": 0.30,  # Jembrana
    "51.02": 0.35,  # Tabanan
    "51.03": 0.45,  # Badung
    "51.04": 0.62,  # Gianyar
    "51.05": 0.33,  # Klungkung
    "51.06": 0.28,  # Bangli
    "51.07": 0.20,  # Karangasem
    "51.08": 0.25,  # Buleleng
    "51.71": 0.40,  # Denpasar
}
GROUP_WEIGHTS = (
    (TargetGroup.PETANI, 0.45),
    (TargetGroup.NELAYAN, 0.15),
    (TargetGroup.BURUH_HARIAN_LEPAS, 0.30),
    (TargetGroup.PEKERJA_RENTAN, 0.10),
)
# The province's agencies (OPD) and their non-civil-servant staff, before scaling to the demo.
PROVINCE_AGENCIES = (
    ("Sekretariat Daerah Provinsi Bali", 410),
    ("Dinas Pendidikan, Kepemudaan dan Olahraga", 1650),
    ("Dinas Kesehatan", 520),
    ("RSUD Bali Mandara", 780),
    ("Satuan Polisi Pamong Praja", 360),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", 300),
    ("Badan Penanggulangan Bencana Daerah", 140),
    ("Dinas Sosial P3A", 120),
    ("Dinas Tenaga Kerja dan ESDM", 90),
    ("Dinas Pariwisata", 110),
    ("Dinas Perhubungan", 230),
    ("Badan Perencanaan Pembangunan Daerah", 60),
)
# Scale of the demo registry against Bali's real one (about 20,000 of 1,027,000 active).
STAFF_SCALE = 0.02


@dataclass
class _Plan:
    """Rows to insert, in dependency order."""

    programmes: list[Programme]
    villages: list[ProgrammeVillage]
    beneficiaries: list[tuple[Programme, str, int, str]]  # programme, village, participant, unit


def _months(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def _bpu_active_by_village(periode: str) -> dict[str, list[int]]:
    """Participant ids of BPU members active in `periode`, by village of residence."""
    people: dict[str, list[int]] = defaultdict(list)
    rows = (
        Membership.objects.filter(active_q(periode), segmen="BPU", kode_wilayah__regex=r"^51\.")
        .order_by("participant_id")
        .values_list("kode_wilayah", "participant_id")
    )
    for village, pid in rows:
        if len(village) == 13:
            people[village].append(pid)
    return people


@transaction.atomic
def programmes_demo_load(*, seed: int = 2023, periode: str = "2023-12") -> dict[str, int]:
    """Load the demo's sponsors, programmes, beneficiaries, invoices, payments and rosters."""
    rng = random.Random(seed)
    year = int(periode[:4])
    start = date(year, 1, 1)
    premium = premium_monthly(on=start)
    names = dict(Region.objects.filter(code__startswith="51").values_list("code", "name"))
    people = _bpu_active_by_village(periode)
    villages_by_regency: dict[str, list[str]] = defaultdict(list)
    for code in sorted(c for c in names if len(c) == 13):
        villages_by_regency[code[:5]].append(code)

    used: set[int] = set()
    plan = _Plan([], [], [])

    def take(village: str, share: float, limit: int) -> list[int]:
        free = [pid for pid in people.get(village, []) if pid not in used]
        chosen = rng.sample(free, min(limit, round(len(free) * share)))
        used.update(chosen)
        return chosen

    def programme(
        sponsor: Sponsor, funding: Funding, nama: str, group: str, region: str
    ) -> Programme:
        rule = funding_check(funding.sumber, group, start)
        p = Programme(
            nama=nama,
            sponsor=sponsor,
            funding=funding,
            kode_wilayah=region,
            kelompok_sasaran=group,
            program="JKK,JKM",
            penghasilan=premium.penghasilan,
            iuran=premium.iuran,
            bulan_mulai=f"{year}-01",
            durasi_bulan=12,
            status=ProgrammeStatus.APPROVED,
            dasar_hukum=rule.dasar_hukum,
        )
        plan.programmes.append(p)
        return p

    def budget(quota: int) -> int:
        return quota * premium.iuran * 12

    # Vulnerable workers: each chosen village funds its own (ADD) or is in its regency's programme
    # (APBD); a CSR company and the regional bank fund some of Denpasar's and Badung's.
    for regency, share in VILLAGE_SHARE.items():
        codes = villages_by_regency.get(regency, [])
        chosen = sorted(rng.sample(codes, round(len(codes) * share)))
        pemkab = Sponsor.objects.create(
            jenis=SponsorKind.KABUPATEN,
            nama=f"Pemerintah {names.get(regency, regency)}",
            kode_wilayah=regency,
        )
        regency_villages = [c for c in chosen if rng.random() < 0.4]
        apbd = Funding.objects.create(
            sponsor=pemkab,
            sumber="APBD",
            tahun_anggaran=year,
            jumlah=budget(100 * max(1, len(regency_villages))) + 5_000_000,
            keterangan="Belanja jaminan sosial pekerja rentan",
        )
        if regency_villages:
            p = programme(
                pemkab,
                apbd,
                f"Perlindungan pekerja rentan {names.get(regency, regency)} {year}",
                TargetGroup.BURUH_HARIAN_LEPAS,
                regency,
            )
            for village in regency_villages:
                plan.villages.append(ProgrammeVillage(programme=p, kode_wilayah=village))
                for pid in take(village, 0.5, 100):
                    plan.beneficiaries.append((p, village, pid, ""))
        for village in chosen:
            if village in regency_villages:
                continue
            desa = Sponsor.objects.create(
                jenis=SponsorKind.DESA,
                nama=f"Desa {names.get(village, village)}",
                kode_wilayah=village,
            )
            add = Funding.objects.create(
                sponsor=desa,
                sumber="ADD",
                tahun_anggaran=year,
                jumlah=budget(100),
                keterangan="Alokasi Dana Desa: jaminan sosial 100 pekerja rentan",
            )
            group = rng.choices([g for g, _ in GROUP_WEIGHTS], [w for _, w in GROUP_WEIGHTS])[0]
            p = programme(
                desa, add, f"Desa {names.get(village, village)} melindungi {year}", group, village
            )
            plan.villages.append(ProgrammeVillage(programme=p, kode_wilayah=village))
            for pid in take(village, 0.6, 100):
                plan.beneficiaries.append((p, village, pid, ""))

    # CSR: a hotel group through the regional bank protects fishers of two Badung villages.
    csr = Sponsor.objects.create(
        jenis=SponsorKind.PERUSAHAAN, nama="PT Demo Resor Nusantara (CSR)", kode_wilayah="51.03"
    )
    csr.npp = _first_npp("51.03")
    csr.save(update_fields=["npp"])
    if (user := User.objects.filter(username="sponsor").first()) is not None:
        csr.users.add(user)
    csr_funding = Funding.objects.create(
        sponsor=csr,
        sumber="CSR",
        tahun_anggaran=year,
        jumlah=budget(200),
        keterangan="Dana CSR disalurkan lewat BPD Bali",
    )
    free_villages = [
        c
        for c in villages_by_regency.get("51.03", [])
        if c not in {v.kode_wilayah for v in plan.villages}
    ][:2]
    if free_villages:
        p = programme(csr, csr_funding, f"CSR nelayan Badung {year}", TargetGroup.NELAYAN, "51.03")
        for village in free_villages:
            plan.villages.append(ProgrammeVillage(programme=p, kode_wilayah=village))
            for pid in take(village, 0.6, 100):
                plan.beneficiaries.append((p, village, pid, ""))

    # The province protects its non-civil-servant staff, agency by agency (almost all of them).
    province = Sponsor.objects.create(
        jenis=SponsorKind.PROVINSI, nama="Pemerintah Provinsi Bali", kode_wilayah="51"
    )
    staff = [(unit, max(2, round(n * STAFF_SCALE))) for unit, n in PROVINCE_AGENCIES]
    pool = [
        (village, pid)
        for village in villages_by_regency.get("51.71", []) + villages_by_regency.get("51.03", [])
        for pid in people.get(village, [])
        if pid not in used
    ]
    rng.shuffle(pool)
    prov_funding = Funding.objects.create(
        sponsor=province,
        sumber="APBD",
        tahun_anggaran=year,
        jumlah=budget(sum(n for _, n in staff)) + 1_000_000,
        keterangan="Jaminan sosial tenaga non-ASN Pemprov Bali",
    )
    nonasn = programme(
        province, prov_funding, f"Non-ASN Pemprov Bali {year}", TargetGroup.NON_ASN, "51"
    )
    rosters = []
    nonasn_villages: dict[str, int] = defaultdict(int)
    for unit, count in staff:
        protected = count - (1 if count >= 20 else 0)  # a new hire not yet enrolled
        for _ in range(protected):
            if not pool:
                break
            village, pid = pool.pop()
            used.add(pid)
            nonasn_villages[village] += 1
            plan.beneficiaries.append((nonasn, village, pid, unit))
        for p_year, factor in ((year - 1, 0.95), (year, 1.0)):
            rosters.append(
                Roster(
                    kode_wilayah="51",
                    jenis=RosterKind.NON_ASN,
                    unit=unit,
                    periode=f"{p_year}-12",
                    jumlah=round(count * factor) if p_year < year else count,
                    sumber="Data kepegawaian BKD Provinsi Bali (demo)",
                )
            )
    plan.villages += [
        ProgrammeVillage(programme=nonasn, kode_wilayah=v, kuota=n)
        for v, n in sorted(nonasn_villages.items())
    ]

    # Gianyar's village officials: every village keeps a roster; the regency protects those of
    # about half its villages so far.
    gianyar = Sponsor.objects.get(jenis=SponsorKind.KABUPATEN, kode_wilayah="51.04")
    officials_funding = Funding.objects.create(
        sponsor=gianyar,
        sumber="APBD",
        tahun_anggaran=year,
        jumlah=budget(12 * len(villages_by_regency.get("51.04", []))),
        keterangan="Jaminan sosial perangkat desa",
    )
    officials = programme(
        gianyar,
        officials_funding,
        f"Perangkat desa Gianyar {year}",
        TargetGroup.PERANGKAT_DESA,
        "51.04",
    )
    for village in villages_by_regency.get("51.04", []):
        count = rng.randint(9, 14)
        rosters.append(
            Roster(
                kode_wilayah=village,
                jenis=RosterKind.PERANGKAT_DESA,
                unit=f"Desa {names.get(village, village)}",
                periode=f"{year}-12",
                jumlah=count,
                sumber="Data perangkat desa Kabupaten Gianyar (demo)",
            )
        )
        chosen = take(village, 1.0, count) if rng.random() < 0.55 else []
        if chosen:
            plan.villages.append(
                ProgrammeVillage(programme=officials, kode_wilayah=village, kuota=count)
            )
            for pid in chosen:
                plan.beneficiaries.append(
                    (officials, village, pid, f"Desa {names.get(village, village)}")
                )
    Roster.objects.bulk_create(rosters)
    return _write(plan, year)


def _first_npp(regency: str) -> str:
    return (
        Employer.objects.filter(kode_wilayah__startswith=regency)
        .values_list("npp", flat=True)
        .first()
        or ""
    )


def _bulk(model: type[Model], rows: list) -> None:
    model.objects.bulk_create(rows, batch_size=2000)


def _write(plan: _Plan, year: int) -> dict[str, int]:
    """Insert the plan with the ids Django gives back, then invoices, payments and paid months."""
    for p in plan.programmes:
        p.save()
    for v in plan.villages:
        v.programme_id = v.programme.pk
    _bulk(ProgrammeVillage, plan.villages)
    persons = Participant.objects.in_bulk([pid for _, _, pid, _ in plan.beneficiaries])
    rows = []
    counters: dict[int, int] = defaultdict(int)
    for programme, village, pid, unit in plan.beneficiaries:
        person = persons[pid]
        counters[programme.pk] += 1
        rows.append(
            Beneficiary(
                programme=programme,
                kode_wilayah=village,
                baris=counters[programme.pk],
                nik=person.nik,
                nama=person.nama,
                tanggal_lahir=person.tanggal_lahir,
                jenis_kelamin=person.jenis_kelamin,
                unit=unit,
                match_nik=person.nik,
                match_skor=1.0,
                match_metode="nik",
                match_status=MatchStatus.OTOMATIS,
                kelas=Kelas.BARU,
                participant_id=pid,
            )
        )
    _bulk(Beneficiary, rows)
    by_programme: dict[int, list[Beneficiary]] = defaultdict(list)
    for b in Beneficiary.objects.filter(programme__in=plan.programmes).only(
        "id", "programme_id", "participant_id"
    ):
        by_programme[b.programme_id].append(b)
    invoices = [
        Invoice(
            nomor=f"INV-{p.pk}-{bulan.replace('-', '')}",
            programme=p,
            bulan=bulan,
            peserta=len(by_programme[p.pk]),
            jumlah=len(by_programme[p.pk]) * p.iuran,
            status="lunas",
        )
        for p in plan.programmes
        for bulan in _months(year)
        if by_programme[p.pk]
    ]
    _bulk(Invoice, invoices)
    invoice_ids = {
        (i.programme_id, i.bulan): i for i in Invoice.objects.filter(programme__in=plan.programmes)
    }
    lines, months, payments = [], [], []
    for (programme_id, bulan), invoice in invoice_ids.items():
        iuran = invoice.jumlah // max(1, invoice.peserta)
        payments.append(
            Payment(
                invoice=invoice,
                tanggal=date(int(bulan[:4]), int(bulan[5:]), 10),
                jumlah=invoice.jumlah,
                referensi=f"BPD-{invoice.nomor}",
                metode="impor",
            )
        )
        for b in by_programme[programme_id]:
            lines.append(InvoiceLine(invoice=invoice, beneficiary_id=b.pk, iuran=iuran))
            months.append(
                SponsoredMonth(
                    participant_id=b.participant_id,
                    periode=bulan,
                    programme_id=programme_id,
                    beneficiary_id=b.pk,
                    invoice=invoice,
                )
            )
    _bulk(Payment, payments)
    _bulk(InvoiceLine, lines)
    _bulk(SponsoredMonth, months)
    return {
        "program": len(plan.programmes),
        "penerima": len(rows),
        "tagihan": len(invoices),
    }


BATUBULAN = "51.04.01.2001"


def village_demo_load(*, seed: int = 2023, periode: str = "2023-12") -> dict[str, int]:
    """The demo village operator's own work in progress, made through the real services: Batubulan
    (Gianyar) plans to protect its farmers from January of the next year with ADD money; its list
    is uploaded and matched, with a few rows still to fix and a few matches to review."""
    operator = User.objects.filter(username="desa").first()
    if operator is None or not Participant.objects.filter(kode_wilayah=BATUBULAN).exists():
        return {}
    rng = random.Random(seed)
    year = int(periode[:4]) + 1
    sponsor = sponsor_create(
        jenis=SponsorKind.DESA, nama="Desa Batubulan", kode_wilayah=BATUBULAN, acting_user=operator
    )
    funding = funding_create(
        sponsor=sponsor,
        sumber="ADD",
        tahun_anggaran=year,
        jumlah=100 * 16_800 * 12,
        keterangan="Alokasi Dana Desa: 100 petani",
        acting_user=operator,
    )
    programme = programme_create(
        sponsor=sponsor,
        funding=funding,
        nama=f"Batubulan melindungi petani {year}",
        kelompok_sasaran=TargetGroup.PETANI,
        villages={BATUBULAN: 100},
        bulan_mulai=f"{year}-01",
        durasi_bulan=12,
        acting_user=operator,
    )
    rows: list[list[str]] = []
    people = list(
        Participant.objects.filter(kode_wilayah=BATUBULAN).order_by("id")[:60]
    )  # active and lapsed members of the village, as the village knows them
    for i, p in enumerate(people):
        nik, nama = p.nik, p.nama
        if i % 9 == 1:  # a digit typed wrong
            nik = nik[:-1] + str((int(nik[-1]) + 1) % 10)
        elif i % 9 == 4:  # no NIK on the village's list
            nik = ""
        elif i % 9 == 7:  # name without its prefix, birth-order name abbreviated
            nama = nama.replace("Ni ", "").replace("I ", "").replace("Made ", "Md. ")
        born = p.tanggal_lahir.isoformat() if p.tanggal_lahir else ""
        rows.append([nik, nama, born, p.jenis_kelamin, BATUBULAN, "petani", ""])
    for i in range(100 - len(rows) - 2):  # farmers never registered
        sex = "L" if i % 2 else "P"
        born = date(1965 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28))
        day = born.day + (40 if sex == "P" else 0)
        nik = f"510401{day:02d}{born.month:02d}{born.year % 100:02d}{7000 + i:04d}"
        nama = f"{'I' if sex == 'L' else 'Ni'} {rng.choice(['Wayan', 'Made', 'Nyoman', 'Ketut'])} "
        nama += rng.choice(["Sutama", "Arsana", "Suartini", "Wirawan", "Sukerti", "Darma"])
        rows.append([nik, nama, born.isoformat(), sex, BATUBULAN, "petani", ""])
    rows.append(["5104011203", "I Ketut Pendek", "1970-03-12", "L", BATUBULAN, "petani", ""])
    rows.append(["5104012505400033", "I Made Sepuh", "1940-05-25", "L", BATUBULAN, "petani", ""])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "daftar-batubulan.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(COLUMNS)
            writer.writerows(rows)
        upload = beneficiaries_upload(
            programme=programme, kode_wilayah=BATUBULAN, file=path, acting_user=operator
        )
    beneficiaries_match(programme=programme, acting_user=operator)
    return {"daftar_desa": upload.baris}
