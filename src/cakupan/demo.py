"""The synthetic Bali demo: users for every role, employers, two registry snapshots (2022-12 and
2023-12) and working-population denominators, calibrated to Bali's published figures (domain.md)
but wholly made up. Every NIK is synthetic, valid by the NIK rules and agrees with the person's
district, birth date and sex.

Calibration (province 51, N = `participants` = active participants in 2023-12):

- 2023-12: workforce W = N / 0.3941, so total coverage is 39.41 %. 72 % of W is informal, so the
  formal workforce is F = 0.28 W. Formal coverage 59 % makes PU + JAKON = 0.59 × 0.28 / 0.3941 N
  = 0.419 N; PMI are 1 % of N (counted in the total, in neither sector); BPU take the rest,
  0.571 N. Informal coverage is then 0.571 N / (0.72 N / 0.3941) = 31.2 %, not the published 22 %:
  with 72 % informal workers, 59 % formal and 22 % informal give 0.28 × 59 % + 0.72 × 22 % = 32.4 %
  in total, not 39.41 %. The published figures cannot all hold at once; the demo keeps the total,
  the informal share and the formal coverage, and lets informal coverage come out where it must.
- 2022-12: round(N × 753/1027) active (753,000 → 1,027,000 is +36 %), workforce = that / 0.309,
  so total coverage is 30.9 %, again 72 % informal. Formal coverage is set to 53 %; informal
  coverage then comes out at about 21.9 %, close to the published 22 %.
- Regencies: sizes from WORKFORCE_2023 (thousands, Bali ≈ 2.62 million) scaled to W; Badung and
  Denpasar (tourism) have a much larger formal share and higher coverage, Jembrana, Bangli,
  Karangasem and Klungkung (farming, fishing) lower ones. Every figure is shared out by largest
  remainder, so regencies add up exactly to the province and the targets above hold.
- Both snapshots also hold lapsed members (about 9 % beyond the active ones): 2022 members who
  stopped paying during 2023, older lapsed members, new members of 2023 who already stopped.

`demo_plan` fixes every count (no randomness), `demo_generate` draws the people, employers and
memberships from a seed (same seed, same data), `demo_load` writes them in chunks.
"""

from __future__ import annotations

import math
import random
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import Any, NamedTuple

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from stdnum import luhn

from cakupan.accounts.models import User
from cakupan.accounts.roles import Role
from cakupan.coverage.models import Workforce
from cakupan.errors import CakupanError
from cakupan.lib.names import name_key, name_normal
from cakupan.regions.models import Region
from cakupan.registry.models import Employer, Membership, Participant

DEMO_PASSWORD = "cakupan-demo"
PERIODS = ("2022-12", "2023-12")
PROVINCE = "51"
SUMBER = "Demo sintetis, dikalibrasi ke Sakernas/BPJS Bali (domain.md) / synthetic demo"

# --- Published figures the demo is calibrated to (domain.md, "The situation Cakupan serves") ----
ACTIVE_PUBLISHED = {"2022-12": 753_000, "2023-12": 1_027_000}
COVERAGE = {"2022-12": 0.309, "2023-12": 0.3941}  # active (all segments) ÷ penduduk bekerja
INFORMAL_SHARE = 0.72  # of penduduk bekerja, both periods
FORMAL_COVERAGE = {"2022-12": 0.53, "2023-12": 0.59}  # (PU + JAKON) ÷ formal workforce
PMI_SHARE = 0.01  # of active participants
JAKON_SHARE = 0.08  # of formal (PU + JAKON) active participants
# Share of a segment's 2022-12 actives still active in 2023-12 (construction projects end).
RETAINED = {"PU": 0.92, "JAKON": 0.60, "BPU": 0.88, "PMI": 0.85}
LAPSED_EXTRA = 0.09  # non-active rows in each snapshot, as a share of its active ones
# Men's share of penduduk bekerja by sector: 0.28 × 0.60 + 0.72 × 0.555 ≈ 57 % men overall.
MALE_WORKFORCE = {"formal": 0.60, "informal": 0.555}
MALE_MEMBERS = {"PU": 0.60, "JAKON": 0.94, "BPU": 0.56, "PMI": 0.66}
SEGMENTS = ("PU", "JAKON", "BPU", "PMI")

# Minimum wage a month (rupiah) in force from 1 January 2024, decreed in November 2023: UMP Bali
# (Keputusan Gubernur Bali 979/03-M/HK/2023) and the UMK above it (999/03-M/HK/2023), from
# shared/data/wages/umk-bali.csv; regencies without an UMK follow the UMP. The 2023-12 snapshot's
# wages are drawn around these, a few below, so wage checks against them find cases.
MINIMUM_WAGE = {
    "51": 2_813_672,  # UMP
    "51.03": 3_318_628,  # Badung
    "51.71": 3_096_823,  # Denpasar
    "51.04": 2_928_713,  # Gianyar
    "51.02": 2_913_165,  # Tabanan: 2,913,164.74 rounded up, so paying it is compliant
}
WAGE_RISE_2023 = 1.07  # a 2022-12 wage is the 2023-12 one divided by this


@dataclass(frozen=True)
class RegencyProfile:
    """What makes one regency's economy: its size and its relative sector mix and coverage."""

    name: str
    workforce: int  # employed people, thousands (2023), roughly proportional to population
    formal_share: float  # relative share of formal work (scaled so Bali has 28 %)
    formal_coverage: float  # relative formal coverage (scaled so Bali has 59 %)
    informal_coverage: float  # relative informal coverage
    pmi: float  # relative share of migrant workers (cruise ships, spas) per worker
    non_balinese: float  # share of non-Balinese (mostly Javanese, Muslim) names
    places: tuple[str, ...]


REGENCIES: dict[str, RegencyProfile] = {
    "51.01": RegencyProfile(
        "Jembrana", 177, 0.17, 0.75, 0.95, 1.5, 0.18, ("Negara", "Medewi", "Gilimanuk", "Perancak")
    ),
    "51.02": RegencyProfile(
        "Tabanan", 283, 0.22, 0.90, 1.00, 1.3, 0.04, ("Tanah Lot", "Jatiluwih", "Bedugul", "Kediri")
    ),
    "51.03": RegencyProfile(
        "Badung",
        347,
        0.48,
        1.25,
        1.15,
        0.8,
        0.15,
        ("Kuta", "Seminyak", "Canggu", "Jimbaran", "Nusa Dua", "Legian", "Uluwatu", "Mengwi"),
    ),
    "51.04": RegencyProfile(
        "Gianyar", 296, 0.30, 1.00, 1.10, 1.0, 0.04, ("Ubud", "Sukawati", "Tegallalang", "Keramas")
    ),
    "51.05": RegencyProfile(
        "Klungkung", 125, 0.18, 0.80, 0.95, 1.0, 0.04, ("Semarapura", "Nusa Penida", "Lembongan")
    ),
    "51.06": RegencyProfile(
        "Bangli", 162, 0.12, 0.65, 0.85, 0.8, 0.02, ("Kintamani", "Batur", "Penglipuran", "Susut")
    ),
    "51.07": RegencyProfile(
        "Karangasem", 272, 0.12, 0.70, 0.85, 1.4, 0.05, ("Amed", "Candidasa", "Tulamben", "Sidemen")
    ),
    "51.08": RegencyProfile(
        "Buleleng", 425, 0.18, 0.85, 0.90, 1.5, 0.08, ("Lovina", "Pemuteran", "Munduk", "Seririt")
    ),
    "51.71": RegencyProfile(
        "Denpasar", 533, 0.50, 1.15, 1.10, 0.5, 0.20, ("Sanur", "Renon", "Kesiman", "Serangan")
    ),
}
WORKFORCE_2023 = {code: r.workforce for code, r in REGENCIES.items()}
JAKON_WEIGHT = {"51.03": 1.3, "51.71": 1.1, "51.04": 1.2}  # construction booms where tourism is

# --- People -------------------------------------------------------------------------------------
# Balinese birth-order names: first child Wayan/Putu/Gede (men) or Luh (women), second Made/Kadek/
# Nengah, third Nyoman/Komang, fourth Ketut. Weights are rough shares of today's workers.
BIRTH_ORDER = {
    "L": (
        ("Wayan", 17),
        ("Putu", 15),
        ("Gede", 8),
        ("Made", 18),
        ("Kadek", 9),
        ("Nengah", 3),
        ("Nyoman", 11),
        ("Komang", 8),
        ("Ketut", 11),
    ),
    "P": (
        ("Wayan", 16),
        ("Putu", 16),
        ("Luh", 7),
        ("Made", 18),
        ("Kadek", 9),
        ("Nengah", 3),
        ("Nyoman", 11),
        ("Komang", 8),
        ("Ketut", 12),
    ),
}
# Caste titles (brahmana, ksatria, wesia), used instead of I/Ni.
TITLES = {
    "L": (
        ("Ida Bagus", 3),
        ("Anak Agung", 3),
        ("Anak Agung Gede", 1),
        ("I Gusti", 2),
        ("I Gusti Ngurah", 2),
        ("Cokorda", 1),
        ("Dewa", 2),
        ("Dewa Gede", 1),
    ),
    "P": (
        ("Ida Ayu", 3),
        ("Anak Agung Ayu", 3),
        ("I Gusti Ayu", 4),
        ("Cokorda Istri", 1),
        ("Desak", 2),
        ("Desak Ayu", 1),
    ),
}
GIVEN_NAMES = {
    "L": (
        "Putra Adi Suardana Wirawan Astawa Mahendra Sudarsana Arsana Yasa Dharma Suryawan "
        "Suarjana Budiarta Adnyana Darmawan Sukadana Sanjaya Saputra Aditya Pradnyana Sudiarta "
        "Mertayasa Parwata Subawa Ardana Widiana Arimbawa Sukarta Wijaya Antara Sutama Juliawan "
        "Ariawan Agung Raka Wiratama"
    ).split(),
    "P": (
        "Sukerti Ariani Widiastuti Pratiwi Artini Wulandari Sari Dewi Puspitasari Lestari "
        "Suciani Yuliani Sukasih Ratnadi Sriani Astiti Kartini Suastini Mahayani Wahyuni Febriani "
        "Purnami Sudiartini Suwitri Anggreni Rusmini Kusumawati Darmayanti Ayu Sintya"
    ).split(),
    "either": "Santika Eka Dwi Tri Krisna Rai Candra Widya Surya Arta".split(),
}
ORDINAL_NAMES = ("Eka", "Dwi", "Tri")
OTHER_NAMES = {
    "L": (
        "Muhammad Ahmad Agus Budi Eko Rudi Joko Hendra Arif Bambang Dedi Rizal Slamet Andi".split(),
        "Rizki Santoso Fauzi Hidayat Prasetyo Setiawan Gunawan Susilo Hartono Wibowo Kurniawan "
        "Nugroho Firmansyah Hakim".split(),
        "Sutrisno Suparman Mulyadi Sugiarto Purwanto".split(),
    ),
    "P": (
        "Siti Dewi Sri Nur Rina Fitri Endang Yuni Ani Rini".split(),
        "Aminah Lestari Rahayu Wahyuni Handayani Fatimah Kurniasih Susanti Nurhayati Marlina "
        "Rahmawati Safitri".split(),
        "Suparmi Sumiati Sulastri Suyati Tumini".split(),
    ),
}
AGE_BANDS = ((17, 24), (25, 34), (35, 44), (45, 54), (55, 64))
AGE_WEIGHTS = {
    "PU": (14, 32, 28, 18, 8),
    "JAKON": (10, 30, 30, 22, 8),
    "BPU": (6, 20, 28, 27, 19),
    "PMI": (12, 50, 30, 8, 0),
}
EARLIEST_TMT = {
    "PU": date(2008, 1, 1),
    "JAKON": date(2020, 1, 1),
    "BPU": date(2016, 1, 1),
    "PMI": date(2018, 1, 1),
}
BPU_JOBS = ("petani", "nelayan", "buruh harian lepas", "pedagang", "pengrajin", "sopir")
# Weights in BPU_JOBS order: fishing on the coasts of Jembrana, Karangasem, Buleleng (and Nusa
# Penida), farming in Tabanan, Bangli and Gianyar, trade and transport in Badung and Denpasar.
BPU_JOB_WEIGHTS = {
    "51.01": (30, 22, 18, 16, 6, 8),
    "51.02": (40, 6, 18, 18, 8, 10),
    "51.03": (12, 5, 24, 28, 11, 20),
    "51.04": (32, 3, 16, 18, 20, 11),
    "51.05": (28, 14, 18, 20, 10, 10),
    "51.06": (45, 2, 18, 18, 10, 7),
    "51.07": (28, 18, 20, 18, 8, 8),
    "51.08": (28, 18, 18, 18, 8, 10),
    "51.71": (4, 4, 26, 32, 12, 22),
}
BPU_JOB_FEMALE = (0.8, 0.15, 0.8, 1.8, 1.3, 0.1)  # women: more trade and crafts, few fishers
PMI_JOBS = (
    ("awak kapal pesiar", 40),
    ("pekerja hotel", 15),
    ("terapis spa", 15),
    ("perawat", 10),
    ("pekerja migran", 20),
)
JAKON_JOBS = ("pekerja konstruksi", "tukang bangunan", "tukang batu", "tukang kayu", "mandor")

# --- Employers ----------------------------------------------------------------------------------
# KBLI mix by regency kind; weights in KBLI_CODES order.
KBLI_CODES = (
    "55110",  # hotel
    "55130",  # villa
    "55199",  # other accommodation
    "56101",  # restaurant
    "79111",  # travel agency
    "47111",  # retail
    "49421",  # road transport
    "01111",  # crops
    "01135",  # horticulture
    "03111",  # sea fishing
    "10792",  # food processing
    "41011",  # building construction
)
KBLI_MIX = {
    "tourism": (16, 12, 4, 20, 10, 16, 8, 1, 1, 1, 3, 8),  # Badung, Denpasar
    "51.04": (10, 12, 3, 16, 6, 14, 5, 12, 6, 2, 8, 8),  # Gianyar: Ubud and rice terraces
    "51.08": (7, 3, 2, 10, 2, 16, 5, 16, 10, 12, 10, 12),  # Buleleng: Lovina, fishing, farms
    "51.06": (2, 2, 1, 10, 1, 16, 5, 24, 16, 0, 12, 12),  # Bangli: landlocked highlands
    "rural": (4, 3, 1, 10, 1, 16, 5, 18, 10, 12, 12, 12),
}
# Size class weights (mikro, kecil, menengah, besar) by KBLI, and risk group (JKK) by KBLI.
SIZES = ("mikro", "kecil", "menengah", "besar")
SIZE_WEIGHTS = {
    "55110": (20, 35, 30, 15),
    "55130": (50, 35, 12, 3),
    "55199": (70, 25, 5, 0),
    "56101": (60, 30, 8, 2),
    "79111": (60, 30, 8, 2),
    "47111": (55, 30, 10, 5),
    "49421": (60, 30, 8, 2),
    "01111": (70, 22, 6, 2),
    "01135": (70, 22, 6, 2),
    "03111": (75, 20, 4, 1),
    "10792": (55, 30, 12, 3),
    "41011": (40, 35, 18, 7),
}
WORKERS_BY_SIZE = {"mikro": 1.0, "kecil": 4.0, "menengah": 18.0, "besar": 70.0}
RISK_GROUP = {"49421": 3, "01111": 3, "01135": 3, "03111": 4, "10792": 2, "41011": 5}
EMPLOYER_NAMES = {
    "55110": ("PT Bali {word} Resort", "PT Hotel {word} {place}", "PT {place} {word} Beach Hotel"),
    "55130": ("CV Villa {word} {place}", "PT Puri {word} Villas", "CV Griya {word} {place}"),
    "55199": ("CV Pondok Wisata {word}", "CV Homestay {word} {place}", "CV Guest House {word}"),
    "56101": ("CV Warung {word} {place}", "CV Rumah Makan {word}", "PT {place} {word} Kitchen"),
    "79111": ("PT {word} Bali Tour & Travel", "PT Bali {word} Wisata", "CV {place} Tours"),
    "47111": ("CV Toko {word}", "PT {word} Mart {regency}", "CV Swalayan {word} {place}"),
    "49421": ("CV {word} Trans {regency}", "PT Angkutan {word} Bali", "CV Ekspedisi {word}"),
    "01111": ("CV Tani Makmur {regency}", "CV Subak {word}", "CV Tani {word} {regency}"),
    "01135": ("CV Kebun {word} {place}", "CV Hortikultura {word}", "CV Sayur {word} {regency}"),
    "03111": ("CV Segara Mina {regency}", "CV Nelayan {word}", "PT Perikanan {word} {place}"),
    "10792": ("CV Pangan {word}", "CV Jajan Bali {word}", "PT Olahan {word} {regency}"),
    "41011": ("PT {word} Konstruksi", "CV {word} Karya {regency}", "PT Bangun {word} Bali"),
}
NAME_WORDS = (
    "Segara Dewata Santi Sari Kencana Asri Lestari Jaya Sentosa Makmur Mandiri Abadi Tirta Giri "
    "Surya Candra Merta Sedana Wisesa Amerta Shanti Dwipa Bayu Lumbung Ayu"
).split()
PU_JOBS = {
    "55110": ("staf hotel", "housekeeping", "juru masak", "resepsionis", "pelayan", "satpam"),
    "55130": ("staf villa", "housekeeping", "tukang kebun", "juru masak"),
    "55199": ("staf penginapan", "housekeeping"),
    "56101": ("juru masak", "pelayan", "kasir"),
    "79111": ("pemandu wisata", "staf administrasi", "sopir"),
    "47111": ("kasir", "pramuniaga", "staf gudang"),
    "49421": ("sopir truk", "kernet", "staf administrasi"),
    "01111": ("buruh tani", "mandor kebun"),
    "01135": ("buruh tani", "mandor kebun"),
    "03111": ("anak buah kapal", "nelayan"),
    "10792": ("operator produksi", "staf gudang"),
    "41011": ("tukang bangunan", "mandor", "staf administrasi"),
}
OWN_REGENCY_EMPLOYER = 0.85  # PU members working in their own regency; others commute
CHUNK = 5000  # people generated and written at a time
BATCH = 5000  # bulk_create batch size (SQLite lowers it to its parameter limit)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    region_code: str


DEMO_USERS = (
    DemoUser("admin", Role.BPJS_ADMIN, "51"),
    DemoUser("analis", Role.ANALYST, "51"),
    DemoUser("pemda", Role.PEMDA_OFFICER, "51.04"),
    DemoUser("desa", Role.VILLAGE_OPERATOR, "51.04.01.2001"),
    DemoUser("sponsor", Role.SPONSOR, "51"),
    DemoUser("panitia", Role.AWARD_COMMITTEE, "51"),
    DemoUser("juri", Role.JURY, "51"),
)


class DemoVillagesMissing(CakupanError):
    kode = "demo_desa_tidak_ada"
    pesan = "Daftar desa Bali (kode 51.xx.xx.xxxx) kosong; jalankan `cakupan migrate` dahulu."
    message = (
        "The list of Bali villages (codes 51.xx.xx.xxxx) is empty; run `cakupan migrate` first."
    )


class DemoParticipantsInvalid(CakupanError):
    kode = "demo_jumlah_peserta_tidak_valid"
    pesan = "Jumlah peserta demo harus 1 atau lebih, tertulis {nilai}."
    message = "The demo needs 1 participant or more, found {nilai}."


def nik_make(district_code: str, born: date, sex: str, serial: int) -> str:
    """A NIK from its parts (domain.md: district, DDMMYY with +40 for women, serial)."""
    day = born.day + (40 if sex == "P" else 0)
    return f"{district_code.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """`total` shared in proportion to `weights` by largest remainder: integers that add up to it."""
    mass = sum(weights)
    if total <= 0 or mass <= 0:
        return [0] * len(weights)
    quotas = [total * w / mass for w in weights]
    shares = [math.floor(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (shares[i] - quotas[i], i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


# --- The plan: every count, no randomness ---------------------------------------------------------

# How a person's membership runs across the two snapshots.
KINDS = (
    "stayed",  # active in 2022-12 and 2023-12
    "lapsed",  # active in 2022-12, stopped paying during 2023
    "joined",  # joined in 2023, active in 2023-12
    "returned",  # lapsed before 2022-12, active again in 2023-12
    "dormant",  # lapsed before 2022-12, still lapsed in 2023-12
    "dropped",  # joined in 2023, stopped paying before 2023-12
)


@dataclass(frozen=True)
class DemoPlan:
    """Every count of the demo, fixed by the number of participants alone."""

    participants: int
    # (kode_wilayah, periode, sektor, jenis_kelamin) → penduduk_bekerja; regencies and province.
    workforce: dict[tuple[str, str, str, str], int]
    # (periode, regency, segmen) → active participants.
    active: dict[tuple[str, str, str], int]
    # (regency, segmen, kind) → people.
    people: dict[tuple[str, str, str], int]


def demo_plan(participants: int) -> DemoPlan:
    """The counts that make the demo hit the published figures (module docstring)."""
    if participants < 1:
        raise DemoParticipantsInvalid(nilai=participants)
    codes = list(REGENCIES)
    wanted = {
        "2023-12": participants,
        "2022-12": round(participants * ACTIVE_PUBLISHED["2022-12"] / ACTIVE_PUBLISHED["2023-12"]),
    }
    workforce: dict[tuple[str, str, str, str], int] = {}
    active: dict[tuple[str, str, str], int] = {}
    for periode in PERIODS:
        n = wanted[periode]
        total = round(n / COVERAGE[periode])
        sizes = apportion(total, [r.workforce for r in REGENCIES.values()])
        formal = apportion(
            round((1 - INFORMAL_SHARE) * total),
            [s * r.formal_share for s, r in zip(sizes, REGENCIES.values(), strict=True)],
        )
        for code, size, formal_r in zip(codes, sizes, formal, strict=True):
            cells = {"formal": formal_r, "informal": size - formal_r}
            for sektor, count in cells.items():
                men = round(count * MALE_WORKFORCE[sektor])
                workforce[code, periode, sektor, "L"] = men
                workforce[code, periode, sektor, "P"] = count - men
                workforce[code, periode, sektor, "semua"] = count
            for jk in ("L", "P", "semua"):
                workforce[code, periode, "semua", jk] = sum(
                    workforce[code, periode, s, jk] for s in cells
                )
        for sektor in ("formal", "informal", "semua"):
            for jk in ("L", "P", "semua"):
                workforce[PROVINCE, periode, sektor, jk] = sum(
                    workforce[c, periode, sektor, jk] for c in codes
                )

        formal_total = workforce[PROVINCE, periode, "formal", "semua"]
        n_formal = round(FORMAL_COVERAGE[periode] * formal_total)
        n_pmi = round(PMI_SHARE * n)
        n_bpu = n - n_formal - n_pmi
        n_jakon = round(JAKON_SHARE * n_formal)
        formal_r = apportion(
            n_formal,
            [
                workforce[c, periode, "formal", "semua"] * REGENCIES[c].formal_coverage
                for c in codes
            ],
        )
        jakon_r = apportion(
            n_jakon, [f * JAKON_WEIGHT.get(c, 1.0) for c, f in zip(codes, formal_r, strict=True)]
        )
        bpu_r = apportion(
            n_bpu,
            [
                workforce[c, periode, "informal", "semua"] * REGENCIES[c].informal_coverage
                for c in codes
            ],
        )
        pmi_r = apportion(
            n_pmi, [workforce[c, periode, "semua", "semua"] * REGENCIES[c].pmi for c in codes]
        )
        for i, code in enumerate(codes):
            active[periode, code, "PU"] = formal_r[i] - jakon_r[i]
            active[periode, code, "JAKON"] = jakon_r[i]
            active[periode, code, "BPU"] = bpu_r[i]
            active[periode, code, "PMI"] = pmi_r[i]

    # Who is who: stayers in both periods, and the flows between them.
    cells = [(c, s) for c in codes for s in SEGMENTS]
    counts: dict[tuple[str, str, str], int] = {}
    new_members = []
    for code, segmen in cells:
        before, after = active["2022-12", code, segmen], active["2023-12", code, segmen]
        stayed = min(round(RETAINED[segmen] * before), after)
        counts[code, segmen, "stayed"] = stayed
        counts[code, segmen, "lapsed"] = before - stayed
        new_members.append(after - stayed)
    lapsed = sum(counts[c, s, "lapsed"] for c, s in cells)
    extra_2023 = max(0, round(LAPSED_EXTRA * wanted["2023-12"]) - lapsed)
    dormant_total = round(0.6 * extra_2023)
    dormant = apportion(dormant_total, [active["2023-12", c, s] for c, s in cells])
    dropped = apportion(extra_2023 - dormant_total, new_members)
    returned_total = max(0, round(LAPSED_EXTRA * wanted["2022-12"]) - dormant_total)
    returned = apportion(returned_total, new_members)
    for i, (code, segmen) in enumerate(cells):
        back = min(returned[i], new_members[i])
        counts[code, segmen, "returned"] = back
        counts[code, segmen, "joined"] = new_members[i] - back
        counts[code, segmen, "dormant"] = dormant[i]
        counts[code, segmen, "dropped"] = dropped[i]
    people = {(c, s, kind): counts[c, s, kind] for c, s in cells for kind in KINDS}
    return DemoPlan(participants, workforce, active, people)


# --- Generation: people, employers, memberships from a seed ---------------------------------------


class EmployerRow(NamedTuple):
    npp: str
    nib: str
    npwp: str
    nama: str
    kbli: str
    kode_wilayah: str
    kelompok_risiko: int
    skala: str


class MembershipRow(NamedTuple):
    periode: str
    kpj: str
    segmen: str
    employer: int | None  # index into DemoData.employers
    pekerjaan: str
    program: str
    upah: int | None
    tmt: date
    bulan_iuran_terakhir: str


class PersonRow(NamedTuple):
    nik: str
    nama: str
    tanggal_lahir: date
    jenis_kelamin: str
    kode_wilayah: str
    memberships: tuple[MembershipRow, ...]


@dataclass
class DemoData:
    """A generated demo: the plan, the employers, and the people in chunks (drawn lazily)."""

    plan: DemoPlan
    employers: list[EmployerRow]
    people: Iterator[list[PersonRow]]


def _month(year: int, month: int, add: int = 0) -> str:
    """`YYYY-MM` of `add` months after year-month."""
    y, m = divmod(year * 12 + month - 1 + add, 12)
    return f"{y:04d}-{m + 1:02d}"


def _thousands(rupiah: float) -> int:
    """Rupiah rounded to the nearest thousand."""
    return int(round(rupiah, -3))


def _birthday(born: date, age: int) -> date:
    """The day `born` turns `age` (29 February → 28 February)."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return date(born.year + age, 2, 28)


def _weighted(pairs: Sequence[tuple[str, float]]) -> tuple[list[str], list[float]]:
    """Values and cumulative weights, for `_Drawer.pick`."""
    return [v for v, _ in pairs], list(accumulate(w for _, w in pairs))


class _Drawer:
    """Draws the demo from one random generator, always in the same order."""

    def __init__(self, plan: DemoPlan, villages: dict[str, list[str]], seed: int) -> None:
        missing = [code for code in REGENCIES if not villages.get(code)]
        if missing:
            raise DemoVillagesMissing()
        self.plan = plan
        self.rng = random.Random(seed)
        self.villages = {code: sorted(villages[code]) for code in REGENCIES}
        self.serials: dict[str, int] = {}
        self.given = {
            sex: _weighted(
                [(g, 1.0) for g in GIVEN_NAMES[sex]] + [(g, 0.6) for g in GIVEN_NAMES["either"]]
            )
            for sex in ("L", "P")
        }
        self.birth_order = {sex: _weighted(BIRTH_ORDER[sex]) for sex in ("L", "P")}
        self.titles = {sex: _weighted(TITLES[sex]) for sex in ("L", "P")}
        self.bpu_jobs = {
            (code, sex): _weighted(
                [
                    (job, w * (BPU_JOB_FEMALE[i] if sex == "P" else 1.0))
                    for i, (job, w) in enumerate(zip(BPU_JOBS, weights, strict=True))
                ]
            )
            for code, weights in BPU_JOB_WEIGHTS.items()
            for sex in ("L", "P")
        }
        self.pmi_jobs = _weighted(PMI_JOBS)
        self.age_bands = {
            s: _weighted([(str(i), w) for i, w in enumerate(AGE_WEIGHTS[s])]) for s in SEGMENTS
        }

    def pick(self, table: tuple[list[str], list[float]]) -> str:
        values, cumulative = table
        return values[bisect_right(cumulative, self.rng.random() * cumulative[-1])]

    def date_between(self, lo: date, hi: date, recent: bool = False) -> date:
        """A day in [lo, hi]; `recent` leans towards hi (membership grew fast lately)."""
        u = self.rng.random()
        if recent:
            u = math.sqrt(u)
        return lo + timedelta(days=min((hi - lo).days, int(u * ((hi - lo).days + 1))))

    # Employers ----------------------------------------------------------------------------------

    def employers(self) -> list[EmployerRow]:
        """About N/40 employers (at least 50, one per regency or more), placed where PU work."""
        plan, rng = self.plan, self.rng
        count = max(50, plan.participants // 40)
        codes = list(REGENCIES)
        per_regency = [
            1 + k
            for k in apportion(
                count - len(codes), [plan.active["2023-12", c, "PU"] + 0.01 for c in codes]
            )
        ]
        used: dict[str, int] = {}
        # Unique numbers drawn at random: NPP 8 digits, NIB 13, old NPWP's first 8 (+ Luhn digit).
        npps = rng.sample(range(10_000_000, 100_000_000), count)
        nibs = rng.sample(range(10**12), count)
        npwps = rng.sample(range(10**8), count)
        rows: list[EmployerRow] = []
        self.employer_weight: list[float] = []
        for code, k in zip(codes, per_regency, strict=True):
            regency = REGENCIES[code]
            mix_key = "tourism" if code in ("51.03", "51.71") else code
            mix = KBLI_MIX.get(mix_key, KBLI_MIX["rural"])
            kbli_table = _weighted(list(zip(KBLI_CODES, mix, strict=True)))
            for _ in range(k):
                i = len(rows)
                kbli = self.pick(kbli_table)
                skala = self.pick(_weighted(list(zip(SIZES, SIZE_WEIGHTS[kbli], strict=True))))
                base = rng.choice(EMPLOYER_NAMES[kbli]).format(
                    word=rng.choice(NAME_WORDS),
                    place=rng.choice(regency.places),
                    regency=regency.name,
                )
                used[base] = used.get(base, 0) + 1
                npwp9 = f"{npwps[i]:08d}"
                npwp9 += luhn.calc_check_digit(npwp9)
                rows.append(
                    EmployerRow(
                        npp=str(npps[i]),
                        nib=f"9{nibs[i]:012d}",
                        # 0 + the old 15 digits: 9 with their Luhn digit, a (made-up) tax-office
                        # code, 000 for a head office — valid by stdnum.id.npwp.
                        npwp=f"0{npwp9}9{codes.index(code) + 1:02d}000",
                        nama=f"{base} {used[base]}",
                        kbli=kbli,
                        kode_wilayah=rng.choice(self.villages[code]),
                        kelompok_risiko=RISK_GROUP.get(kbli) or rng.choice((1, 1, 2)),
                        skala=skala,
                    )
                )
                self.employer_weight.append(WORKERS_BY_SIZE[skala] * rng.uniform(0.5, 1.5))
        self.employer_rows = rows
        index_by_regency: dict[str, list[int]] = {}
        for i, e in enumerate(rows):
            index_by_regency.setdefault(e.kode_wilayah[:5], []).append(i)
        self.employers_in = {
            code: (idx, list(accumulate(self.employer_weight[i] for i in idx)))
            for code, idx in index_by_regency.items()
        }
        self.employers_all = (list(range(len(rows))), list(accumulate(self.employer_weight)))
        return rows

    def employer_pick(self, regency: str) -> int:
        """An employer, mostly in the worker's regency, larger ones more often."""
        if self.rng.random() < OWN_REGENCY_EMPLOYER:
            idx, cumulative = self.employers_in[regency]
        else:
            idx, cumulative = self.employers_all
        return idx[bisect_right(cumulative, self.rng.random() * cumulative[-1])]

    # People -------------------------------------------------------------------------------------

    def name(self, regency: str, sex: str) -> str:
        rng = self.rng
        if rng.random() < REGENCIES[regency].non_balinese:
            first, last, single = OTHER_NAMES[sex]
            if rng.random() < 0.1:
                return rng.choice(single)
            return f"{rng.choice(first)} {rng.choice(last)}"
        parts: list[str] = []
        if rng.random() < 0.14:
            parts.append(self.pick(self.titles[sex]))
            if rng.random() < 0.4:
                parts.append(self.pick(self.birth_order[sex]))
        else:
            if rng.random() < 0.75:
                parts.append("I" if sex == "L" else "Ni")
            order = self.pick(self.birth_order[sex])
            parts.append(order)
            if order == "Luh" and rng.random() < 0.3:
                parts.append(rng.choice(("Putu", "Made", "Gede")))
        first = self.pick(self.given[sex])
        parts.append(first)
        # Eka, Dwi, Tri (first, second, third) come before another name, never alone.
        if first in ORDINAL_NAMES or rng.random() < 0.4:
            second = rng.choice(GIVEN_NAMES[sex])
            if second != first:
                parts.append(second)
        return " ".join(parts)

    def born(self, segmen: str) -> date:
        """Age 17–64 at the end of 2023, most 25–45."""
        lo, hi = AGE_BANDS[int(self.pick(self.age_bands[segmen]))]
        year = 2023 - self.rng.randint(lo, hi)
        return date(year, 1, 1) + timedelta(days=self.rng.randrange(365))

    def nik(self, village: str, born: date, sex: str) -> str:
        """A unique NIK: the next serial (from 0001) for this district, birth date and sex."""
        prefix = nik_make(village[:8], born, sex, 0)[:12]
        serial = self.serials.get(prefix, 0) + 1
        self.serials[prefix] = serial
        return f"{prefix}{serial:04d}"

    def person(self, index: int, regency: str, segmen: str, kind: str) -> PersonRow:
        rng = self.rng
        village = rng.choice(self.villages[regency])
        sex = "L" if rng.random() < MALE_MEMBERS[segmen] else "P"
        born = self.born(segmen)

        # When membership started and what was paid by each snapshot.
        if kind in ("stayed", "lapsed"):
            window = (EARLIEST_TMT[segmen], date(2022, 12, 31))
        elif kind in ("returned", "dormant"):
            window = (EARLIEST_TMT[segmen], date(2022, 6, 30))
        elif kind == "joined":
            window = (date(2023, 1, 1), date(2023, 12, 31))
        else:
            window = (date(2023, 1, 1), date(2023, 9, 30))
        while _birthday(born, 17) > window[1]:
            born = _birthday(born, -2)
        tmt = self.date_between(max(window[0], _birthday(born, 17)), window[1], segmen != "PU")
        ahead = segmen == "BPU" and rng.random() < 0.04  # BPU may pay months ahead
        paid: dict[str, str] = {}
        if kind in ("stayed", "lapsed"):
            paid["2022-12"] = "2022-12"
        if kind in ("returned", "dormant"):
            months = (2022 * 12 + 11) - (tmt.year * 12 + tmt.month) + 1
            paid["2022-12"] = _month(tmt.year, tmt.month, rng.randrange(months))
        if kind in ("stayed", "joined", "returned"):
            paid["2023-12"] = _month(2023, 12, rng.randint(1, 3) if ahead else 0)
        elif kind == "lapsed":
            paid["2023-12"] = _month(2022, 12, rng.randint(0, 11))
        elif kind == "dormant":
            paid["2023-12"] = paid["2022-12"]
        else:
            months = (2023 * 12 + 11) - (tmt.year * 12 + tmt.month) + 1
            paid["2023-12"] = _month(tmt.year, tmt.month, rng.randrange(months))

        # What the membership is: employer, job, programmes, wage.
        employer: int | None = None
        age_at_start = tmt.year - born.year
        if segmen == "PU":
            employer = self.employer_pick(regency)
            e = self.employer_rows[employer]
            pekerjaan = "karyawan" if rng.random() < 0.5 else rng.choice(PU_JOBS[e.kbli])
            jkp = age_at_start < 54 and rng.random() < (0.7 if e.skala != "mikro" else 0.4)
            program = "JKK,JKM,JHT,JP,JKP" if jkp else "JKK,JKM,JHT,JP"
            upah = self.wage(e.kode_wilayah[:5], e.skala)
        elif segmen == "JAKON":
            pekerjaan = rng.choice(JAKON_JOBS)
            program = "JKK,JKM"
            upah = _thousands(self.minimum(regency) * rng.uniform(1.0, 1.6))
        elif segmen == "BPU":
            pekerjaan = self.pick(self.bpu_jobs[regency, sex])
            program = "JKK,JKM,JHT" if rng.random() < 0.25 else "JKK,JKM"
            upah = 1_000_000 if rng.random() < 0.55 else rng.randint(11, 30) * 100_000
        else:
            pekerjaan = self.pick(self.pmi_jobs)
            program = "JKK,JKM,JHT"
            upah = None
        # Unique: `index` times a number prime to 10^9 is a permutation of 0 … 10^9 - 1.
        kpj = f"{tmt.year % 100:02d}{(index * 387_420_489 + 52_003) % 10**9:09d}"
        memberships = []
        for periode in PERIODS:
            if periode not in paid:
                continue
            wage = upah
            if periode == "2022-12" and upah is not None and segmen in ("PU", "JAKON"):
                wage = _thousands(upah / WAGE_RISE_2023)
            memberships.append(
                MembershipRow(
                    periode, kpj, segmen, employer, pekerjaan, program, wage, tmt, paid[periode]
                )
            )
        return PersonRow(
            nik=self.nik(village, born, sex),
            nama=self.name(regency, sex),
            tanggal_lahir=born,
            jenis_kelamin=sex,
            kode_wilayah=village,
            memberships=tuple(memberships),
        )

    def minimum(self, regency: str) -> int:
        return MINIMUM_WAGE.get(regency, MINIMUM_WAGE[PROVINCE])

    def wage(self, regency: str, skala: str) -> int:
        """A PU wage around the minimum where the employer is: a few below it, most at or above."""
        rng = self.rng
        minimum = self.minimum(regency)
        u = rng.random()
        below = 0.12 if skala == "mikro" else 0.05
        if u < below:
            return _thousands(minimum * rng.uniform(0.88, 0.99))
        if u < below + 0.22:
            return minimum
        top = {"mikro": 1.6, "kecil": 2.2, "menengah": 3.5, "besar": 5.0}[skala]
        factor = 1 + (top - 1) * rng.random() ** 2.5
        return max(minimum, _thousands(minimum * factor))

    def people(self, chunk: int) -> Iterator[list[PersonRow]]:
        """Every planned person, in a random order, `chunk` at a time."""
        keys = list(self.plan.people)
        slots = array("H")
        for i, key in enumerate(keys):
            slots.extend([i] * self.plan.people[key])
        self.rng.shuffle(slots)
        batch: list[PersonRow] = []
        for index, slot in enumerate(slots):
            batch.append(self.person(index, *keys[slot]))
            if len(batch) == chunk:
                yield batch
                batch = []
        if batch:
            yield batch


def demo_generate(
    *, participants: int, seed: int, villages: dict[str, list[str]], chunk: int = CHUNK
) -> DemoData:
    """The whole demo as plain rows, from a seed (same seed, same rows); no database.

    `villages` maps each Bali regency code to its village codes.
    """
    plan = demo_plan(participants)
    drawer = _Drawer(plan, villages, seed)
    employers = drawer.employers()
    return DemoData(plan=plan, employers=employers, people=drawer.people(chunk))


def demo_villages() -> dict[str, list[str]]:
    """Bali's village codes by regency, from the regions table."""
    villages: dict[str, list[str]] = {}
    for code in Region.objects.filter(code__startswith="51.", level="village").values_list(
        "code", flat=True
    ):
        villages.setdefault(code[:5], []).append(code)
    return villages


PARTICIPANT_COLUMNS = (
    "nik",
    "nama",
    "nama_cari",
    "nama_kunci",
    "tanggal_lahir",
    "jenis_kelamin",
    "kode_wilayah",
    "updated_at",
)
MEMBERSHIP_COLUMNS = (
    "periode",
    "participant",
    "kpj",
    "segmen",
    "employer",
    "kode_wilayah",
    "jenis_kelamin",
    "tanggal_lahir",
    "pekerjaan",
    "program",
    "upah",
    "tmt",
    "bulan_iuran_terakhir",
)


def _insert(model: type[Model], fields: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Append `rows` (values in `fields` order) to `model`'s table: COPY on PostgreSQL,
    executemany elsewhere. Ten times faster than bulk_create, which prepares every value."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


@transaction.atomic
def demo_load(
    *,
    participants: int = 20000,
    seed: int = 2023,
    progress: Callable[[int, int | None], None] | None = None,
) -> dict[str, int]:
    """Load the demo into an empty registry; returns the counts of what was made.

    `participants` is the number active in 2023-12 (module docstring for the rest).
    """
    # One hash for every demo user: the password is public, and each hash costs half a second.
    password = make_password(DEMO_PASSWORD)
    for u in DEMO_USERS:
        if not User.objects.filter(username=u.username).exists():
            User.objects.create(
                username=u.username,
                role=u.role,
                region_id=u.region_code,
                is_staff=u.role == Role.BPJS_ADMIN,
                password=password,
            )

    data = demo_generate(participants=participants, seed=seed, villages=demo_villages())
    total = sum(data.plan.people.values())
    if progress:
        progress(0, total)

    employers = [Employer(**row._asdict()) for row in data.employers]
    Employer.objects.bulk_create(employers, batch_size=BATCH)
    if any(e.pk is None for e in employers):  # a backend that returns no ids on bulk insert
        ids = dict(Employer.objects.values_list("npp", "id"))
        for e in employers:
            e.pk = ids[e.npp]
    employer_ids = [e.pk for e in employers]

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    done = memberships = 0
    for chunk in data.people:
        rows: list[tuple[Any, ...]] = []
        for p in chunk:
            normal = name_normal(p.nama)
            key = name_key(p.nama, normal=normal)
            rows.append(
                (p.nik, p.nama, normal, key, p.tanggal_lahir, p.jenis_kelamin, p.kode_wilayah, now)
            )
        _insert(Participant, PARTICIPANT_COLUMNS, rows)
        ids = dict(
            Participant.objects.filter(nik__in=[p.nik for p in chunk]).values_list("nik", "id")
        )
        rows = [
            (
                m.periode,
                ids[p.nik],
                m.kpj,
                m.segmen,
                None if m.employer is None else employer_ids[m.employer],
                p.kode_wilayah,
                p.jenis_kelamin,
                p.tanggal_lahir,
                m.pekerjaan,
                m.program,
                m.upah,
                m.tmt,
                m.bulan_iuran_terakhir,
            )
            for p in chunk
            for m in p.memberships
        ]
        _insert(Membership, MEMBERSHIP_COLUMNS, rows)
        done += len(chunk)
        memberships += len(rows)
        if progress:
            progress(done, total)

    Workforce.objects.bulk_create(
        [
            Workforce(
                kode_wilayah=code,
                periode=periode,
                sektor=sektor,
                jenis_kelamin=jk,
                penduduk_bekerja=count,
                sumber=SUMBER,
                estimasi=False,
            )
            for (code, periode, sektor, jk), count in data.plan.workforce.items()
        ],
        batch_size=BATCH,
    )
    return {
        "users": len(DEMO_USERS),
        "employers": len(data.employers),
        "participants": done,
        "memberships": memberships,
    }


def demo_businesses_load(*, seed: int = 2023, periode: str = "2023-12") -> int:
    """The licensing system's business list for the demo: most employers under their own NIB
    (a tenth declaring more workers than they registered: PDS-TK), some known only by NPWP or
    by name, and one unregistered business with workers for every twenty employers (PWBD)."""
    from django.db.models import Count

    from cakupan.compliance.models import Business

    rng = random.Random(seed + 1)
    workers = dict(
        Membership.objects.filter(periode=periode, bulan_iuran_terakhir__gte=periode)
        .exclude(employer_id=None)
        .values_list("employer_id")
        .annotate(n=Count("id"))
    )
    businesses = []
    for e in Employer.objects.order_by("npp"):
        registered = workers.get(e.pk, 0)
        declared = registered + (rng.randint(1, 8) if rng.random() < 0.1 else 0)
        nib = e.nib if rng.random() < 0.92 else f"{rng.randint(10**12, 10**13 - 1)}"
        businesses.append(
            Business(
                nib=nib,
                npwp=e.npwp,
                nama=e.nama,
                alamat=f"Jl. Raya {e.nama.split()[-2] if len(e.nama.split()) > 2 else 'Bali'}",
                kode_wilayah=e.kode_wilayah,
                kbli=e.kbli,
                skala=e.skala,
                jumlah_pekerja=declared,
            )
        )
    villages = list(Employer.objects.values_list("kode_wilayah", flat=True))
    for i in range(max(5, len(businesses) // 20)):
        businesses.append(
            Business(
                nib=f"{9130000000000 + i:013d}",
                nama=f"UD {rng.choice(NAME_WORDS)} {rng.choice(NAME_WORDS)} {i + 1}",
                alamat="Jl. Desa",
                kode_wilayah=rng.choice(villages),
                kbli=rng.choice(["56101", "47111", "01111", "03111"]),
                skala=rng.choice(["mikro", "kecil"]),
                jumlah_pekerja=rng.randint(2, 40),
            )
        )
    seen: set[str] = set()
    unique = [b for b in businesses if not (b.nib in seen or seen.add(b.nib))]
    Business.objects.bulk_create(unique, batch_size=BATCH)
    return len(unique)
