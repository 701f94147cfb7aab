"""The synthetic Bali demo: users for every role, employers, two registry snapshots (2022-12 and
2023-12) and working-population denominators, shaped like Bali's published figures (domain.md)
but wholly made up. Every NIK is synthetic and valid by the NIK rules."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from cakupan.accounts.models import User
from cakupan.accounts.roles import Role
from cakupan.coverage.models import Workforce
from cakupan.lib.names import name_key, name_normal
from cakupan.regions.models import Region
from cakupan.registry.models import Employer, Membership, Participant

DEMO_PASSWORD = "cakupan-demo"
PERIODS = ("2022-12", "2023-12")
# Employed people per regency (thousands), roughly proportional to population; Bali ≈ 2.62 million.
WORKFORCE_2023 = {
    "51.01": 177,
    "51.02": 283,
    "51.03": 347,
    "51.04": 296,
    "51.05": 125,
    "51.06": 162,
    "51.07": 272,
    "51.08": 425,
    "51.71": 533,
}
FIRST_NAMES_L = ["Made", "Wayan", "Nyoman", "Ketut", "Putu", "Komang", "Gede", "Agus", "Dewa"]
FIRST_NAMES_P = ["Ni Made", "Ni Wayan", "Ni Nyoman", "Ni Ketut", "Ni Putu", "Ni Komang", "Ayu"]
LAST_NAMES = [
    "Sudarsana",
    "Astawa",
    "Wirawan",
    "Suarjana",
    "Ariani",
    "Sukerti",
    "Adnyana",
    "Darmawan",
    "Widiastuti",
    "Yasa",
    "Mahendra",
    "Pratiwi",
    "Santika",
    "Arsana",
]
JOBS_BPU = ["petani", "nelayan", "buruh harian lepas", "pedagang", "pengrajin", "sopir"]


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


def nik_make(district_code: str, born: date, sex: str, serial: int) -> str:
    """A NIK from its parts (domain.md: district, DDMMYY with +40 for women, serial)."""
    day = born.day + (40 if sex == "P" else 0)
    return f"{district_code.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


@transaction.atomic
def demo_load(
    *,
    participants: int = 20000,
    seed: int = 2023,
    progress: Callable[[int, int | None], None] | None = None,
) -> dict[str, int]:
    """Load the demo into an empty registry; returns the counts of what was made."""
    rng = random.Random(seed)
    villages_by_regency: dict[str, list[str]] = {}
    for code in Region.objects.filter(code__startswith="51.", level="village").values_list(
        "code", flat=True
    ):
        villages_by_regency.setdefault(code[:5], []).append(code)
    regencies = list(WORKFORCE_2023)
    weights = [WORKFORCE_2023[r] for r in regencies]

    def village_pick() -> str:
        """A village, regencies weighted by their working population."""
        return rng.choice(villages_by_regency[rng.choices(regencies, weights)[0]])

    for u in DEMO_USERS:
        if not User.objects.filter(username=u.username).exists():
            user = User(
                username=u.username,
                role=u.role,
                region_id=u.region_code,
                is_staff=u.role == Role.BPJS_ADMIN,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()

    employers = []
    for i in range(max(50, participants // 40)):
        village = village_pick()
        employers.append(
            Employer(
                npp=f"{10000000 + i:08d}",
                nib=f"{9120000000000 + i:013d}",
                nama=f"PT Demo Bali {i + 1}",
                kbli=rng.choice(["55110", "56101", "47111", "41011", "01111", "10792"]),
                kode_wilayah=village,
                kelompok_risiko=rng.randint(1, 5),
                skala=rng.choice(["mikro", "kecil", "menengah", "besar"]),
            )
        )
    Employer.objects.bulk_create(employers, batch_size=2000)
    employers = list(Employer.objects.filter(npp__startswith="1"))

    people = []
    seen: set[str] = set()
    while len(people) < participants:
        village = village_pick()
        sex = rng.choice("LP")
        born = date(1960, 1, 1) + timedelta(days=rng.randint(0, 365 * 45))
        nik = nik_make(village[:8], born, sex, rng.randint(1, 9999))
        if nik in seen:
            continue
        seen.add(nik)
        first = rng.choice(FIRST_NAMES_L if sex == "L" else FIRST_NAMES_P)
        nama = f"{first} {rng.choice(LAST_NAMES)}"
        people.append(
            Participant(
                nik=nik,
                nama=nama,
                nama_cari=name_normal(nama),
                nama_kunci=name_key(nama),
                tanggal_lahir=born,
                jenis_kelamin=sex,
                kode_wilayah=village,
            )
        )
    Participant.objects.bulk_create(people, batch_size=5000)
    ids = dict(Participant.objects.values_list("nik", "id"))
    if progress:
        progress(participants, 3 * participants)

    memberships = []
    for n, p in enumerate(people):
        segmen = rng.choices(["PU", "BPU", "JAKON", "PMI"], weights=[62, 30, 6, 2])[0]
        employer = rng.choice(employers) if segmen == "PU" else None
        tmt = date(2015, 1, 1) + timedelta(days=rng.randint(0, 365 * 8 + 300))
        # About 73% of today's members were already paying at the end of 2022 (753k → 1,027k).
        joined_2023 = tmt.year == 2023 or rng.random() < 0.2
        for periode in PERIODS:
            if periode == "2022-12" and (joined_2023 or tmt > date(2022, 12, 31)):
                continue
            lapsed = rng.random() < 0.08
            paid = periode if not lapsed else f"{int(periode[:4])}-{rng.randint(1, 9):02d}"
            memberships.append(
                Membership(
                    periode=periode,
                    participant_id=ids[p.nik],
                    kpj=f"{23000000000 + n:011d}",
                    segmen=segmen,
                    employer=employer,
                    kode_wilayah=p.kode_wilayah,
                    jenis_kelamin=p.jenis_kelamin,
                    tanggal_lahir=p.tanggal_lahir,
                    pekerjaan="karyawan" if segmen == "PU" else rng.choice(JOBS_BPU),
                    program="JKK,JKM,JHT,JP" if segmen == "PU" else "JKK,JKM",
                    upah=rng.randint(2_900_000, 9_000_000) if segmen == "PU" else 1_000_000,
                    tmt=tmt,
                    bulan_iuran_terakhir=paid,
                )
            )
        if progress and n % 5000 == 0:
            progress(participants + 2 * n, 3 * participants)
    Membership.objects.bulk_create(memberships, batch_size=5000)

    # Denominators scaled so the demo's coverage is near Bali's published ~39% (2023-12).
    scale = participants / 1_027_000
    workforce = []
    for periode, factor in (("2023-12", 1.0), ("2022-12", 0.97)):
        for code, thousands in WORKFORCE_2023.items():
            total = round(thousands * 1000 * factor * scale)
            for sex, share in (("semua", 1.0), ("L", 0.56), ("P", 0.44)):
                workforce.append(
                    Workforce(
                        kode_wilayah=code,
                        periode=periode,
                        sektor="semua",
                        jenis_kelamin=sex,
                        penduduk_bekerja=round(total * share),
                        sumber="demo sintetis, skala Sakernas Bali / synthetic demo",
                        estimasi=True,
                    )
                )
    Workforce.objects.bulk_create(workforce)
    if progress:
        progress(3 * participants, 3 * participants)
    return {
        "users": len(DEMO_USERS),
        "employers": len(employers),
        "participants": len(people),
        "memberships": len(memberships),
    }
