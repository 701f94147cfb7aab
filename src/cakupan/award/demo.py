"""The demo's award cycle: Paritrana Award 2024, Bali, provincial level (`paritrana-2024-bali`).

The nine regencies/cities are candidates (as all nine were interviewed on 19 February 2024), with
large businesses from the demo registry (the CSR sponsor among them). Everything goes through
the award's services, as the committee and jurors would do it: data indicators computed from
the demo registry, coverage, compliance and programmes; a generated PDF per evidence indicator,
verified (one returned with a note); assessors' scores; five jurors (`juri` and `juri2`…`juri5`,
password DEMO_PASSWORD) with two declared conflicts, interview sessions on 19 February 2024 and
submitted sheets — one juror harsh, one lenient, so the z-score column differs from the raw one.
Stages up to the interview are closed; the cycle stands at the decision stage, which stays open
for 30 days from the day the demo is loaded. Gianyar (51.04) leads the regency/city category, as
it won the real 2024 round. All data is synthetic.

Stage dates are first set around today so each step happens in its stage, then moved to the 2024
calendar once the interview is closed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from io import BytesIO

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from fpdf import FPDF

from cakupan.accounts.models import User
from cakupan.accounts.roles import Role
from cakupan.award.models import (
    STAGE_ORDER,
    Assignment,
    Category,
    Conflict,
    Cycle,
    Evidence,
    Indicator,
    IndicatorKind,
    Stage,
)
from cakupan.award.services.candidates import candidate_register_business, officer_add
from cakupan.award.services.cycles import cycle_create, stage_close
from cakupan.award.services.evidence import assessor_score_set, evidence_upload, evidence_verify
from cakupan.award.services.indicators import values_compute
from cakupan.award.services.jury import (
    assignment_create,
    conflict_declare,
    jury_sheet_save,
    jury_sheet_submit,
    session_schedule,
)
from cakupan.coverage.report import sanitise

DEMO_CODE = "paritrana-2024-bali"
DEMO_PASSWORD = "cakupan-demo"
JURORS = ("juri", "juri2", "juri3", "juri4", "juri5")
# A juror's leaning, in points on a 0–100 interview scale: harsh below 0, lenient above.
LEANING = {"juri": 0, "juri2": -12, "juri3": 2, "juri4": 9, "juri5": -3}
CONFLICTS = (
    ("juri3", "51.03", "Berasal dari Kabupaten Badung / comes from Badung"),
    (
        "juri4",
        "51.71",
        "Pernah menjadi konsultan Pemerintah Kota Denpasar / consulted for Denpasar",
    ),
)
# How strong each regency's evidence and interview are (0–1): Gianyar leads, as in 2024.
STRENGTH = {
    "51.04": 0.95,  # Gianyar
    "51.03": 0.74,  # Badung
    "51.71": 0.72,  # Denpasar
    "51.02": 0.66,  # Tabanan
    "51.08": 0.60,  # Buleleng
    "51.05": 0.57,  # Klungkung
    "51.01": 0.55,  # Jembrana
    "51.07": 0.50,  # Karangasem
    "51.06": 0.47,  # Bangli
}
DOCUMENTS = {
    "regulasi": "Peraturan Bupati/Wali Kota tentang Perlindungan Jaminan Sosial Ketenagakerjaan",
    "perizinan": "Surat Edaran Kepesertaan sebagai Syarat Perizinan dan Layanan Publik",
    "apbd": "Dokumen Pelaksanaan Anggaran (DPA) Iuran Pekerja Rentan",
    "add": "Keputusan Alokasi Dana Desa untuk Iuran Perangkat Desa",
    "laporan": "Rekap Kepesertaan dan Bukti Bayar Iuran",
    "program_csr": "Perjanjian Kerja Sama Program CSR Perlindungan Pekerja Rentan",
}
DATES_2024 = {
    "registrasi": (date(2024, 1, 8), date(2024, 1, 26)),
    "penilaian": (date(2024, 1, 29), date(2024, 2, 9)),
    "verifikasi": (date(2024, 2, 12), date(2024, 2, 16)),
    "wawancara": (date(2024, 2, 19), date(2024, 2, 19)),
}
INTERVIEW_DAY = date(2024, 2, 19)


def _evidence_pdf(candidate_name: str, title: str, kode: str) -> bytes:
    pdf = FPDF()
    pdf.core_fonts_encoding = "cp1252"
    pdf.set_creation_date(datetime(2024, 1, 15, tzinfo=timezone.get_current_timezone()))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, sanitise(title))
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, sanitise(f"{candidate_name} - dokumen bukti indikator {kode}."))
    pdf.ln(2)
    pdf.set_font("Helvetica", "I", 9)
    pdf.multi_cell(0, 5, "Dokumen contoh yang dibuat untuk demo Cakupan (data sintetis).")
    return bytes(pdf.output())


def _jurors() -> list[User]:
    """`juri` (made by the main demo, or here) and juri2…juri5, all jurors for Bali."""
    users = []
    for username in JURORS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": Role.JURY,
                "region_id": "51",
                "password": make_password(DEMO_PASSWORD),
            },
        )
        users.append(user)
    return users


def _committee() -> User:
    user, _ = User.objects.get_or_create(
        username="panitia",
        defaults={
            "role": Role.AWARD_COMMITTEE,
            "region_id": "51",
            "password": make_password(DEMO_PASSWORD),
        },
    )
    return user


def _level(indicator: Indicator, strength: float, rng: random.Random) -> float:
    """An evidence level for a candidate of `strength`: the top level for the strongest."""
    values = sorted(float(t["nilai"]) for t in indicator.tingkat)
    spot = min(1.0, max(0.0, strength + rng.uniform(-0.12, 0.08)))
    return values[round(spot * (len(values) - 1))]


def _interview(strength: float, leaning: int, rng: random.Random) -> int:
    return int(min(100, max(0, round(40 + 55 * strength + leaning + rng.uniform(-4, 4)))))


def _businesses(limit: int = 3) -> list[str]:
    """NPPs of large Bali businesses for the large-business category: the CSR sponsor first."""
    from cakupan.registry.models import Employer

    npps: list[str] = []
    try:
        from cakupan.programmes.models import Sponsor

        npps += [n for n in Sponsor.objects.exclude(npp="").values_list("npp", flat=True) if n]
    except (ImportError, LookupError):
        pass
    npps += list(
        Employer.objects.filter(kode_wilayah__startswith="51.", skala="besar")
        .order_by("npp")
        .values_list("npp", flat=True)[:limit]
    )
    known = set(Employer.objects.filter(npp__in=npps).values_list("npp", flat=True))
    return [n for n in dict.fromkeys(npps) if n in known][:limit]


def award_demo_load(*, seed: int = 2024) -> None:
    """Build the demo cycle `paritrana-2024-bali` at the decision stage; does nothing when it
    exists already. Call after the registry, coverage facts, compliance and programmes demo."""
    if Cycle.objects.filter(kode=DEMO_CODE).exists():
        return
    with transaction.atomic():
        _load(random.Random(seed))


def _load(rng: random.Random) -> None:
    committee = _committee()
    jurors = _jurors()
    today = timezone.localdate()
    plan = {
        kind: (today + timedelta(days=i), today + timedelta(days=i + 40))
        for i, kind in enumerate(STAGE_ORDER)
    }
    businesses = _businesses()
    cycle = cycle_create(
        kode=DEMO_CODE,
        nama="Paritrana Award 2024 Provinsi Bali",
        tahun=2024,
        tingkat="provinsi",
        kode_wilayah="51",
        periode_data="2023-12",
        periode_banding="2022-12",
        stages=plan,
        kategori=[Category.PEMKAB, *([Category.USAHA_BESAR] if businesses else [])],
        acting_user=committee,
    )
    # registration: businesses registered, officers named, data indicators computed
    for npp in businesses:
        candidate_register_business(
            cycle=cycle,
            npp=npp,
            cara="daftar",
            kategori=Category.USAHA_BESAR,
            acting_user=committee,
        )
    sponsor = User.objects.filter(username="sponsor", role=Role.SPONSOR).first()
    if sponsor is not None and businesses:
        officer_add(
            candidate=cycle.candidates.get(kode=businesses[0]),
            username="sponsor",
            acting_user=committee,
        )
    values_compute(cycle=cycle, acting_user=committee)
    stage_close(cycle=cycle, jenis="registrasi", acting_user=committee)

    # assessment: evidence uploaded (Gianyar's by its own officer), verified and scored
    officer = User.objects.filter(
        username="pemda", role=Role.PEMDA_OFFICER, region_id="51.04"
    ).first()
    candidates = list(cycle.candidates.filter(aktif=True).order_by("kategori", "kode"))
    strength = {c.pk: STRENGTH.get(c.kode, 0.55 + 0.1 * rng.random()) for c in candidates}
    for cand in candidates:
        version = cycle.categories.get(kategori=cand.kategori).rubric
        evidence_indicators = Indicator.objects.filter(
            aspect__version=version, jenis=IndicatorKind.BUKTI
        )
        for ind in evidence_indicators.order_by("aspect__urutan", "urutan"):
            title = DOCUMENTS.get(ind.kode, ind.nama)
            data = _evidence_pdf(cand.nama, title, ind.kode)
            uploader = officer if (officer is not None and cand.kode == "51.04") else committee
            name = f"{ind.kode}-{cand.kode.replace('.', '')}.pdf"
            ev = evidence_upload(
                candidate=cand,
                indicator=ind,
                berkas=BytesIO(data),
                nama_berkas=name,
                ukuran=len(data),
                keterangan=title,
                acting_user=uploader,
            )
            returned = cand.kode == "51.06" and ind.kode == "add"
            evidence_verify(
                evidence=ev,
                keputusan="kembalikan" if returned else "terima",
                catatan="Keputusan alokasi belum ditandatangani; unggah versi yang sah."
                if returned
                else "",
                acting_user=committee,
            )
            level = 0.0 if returned else _level(ind, strength[cand.pk], rng)
            assessor_score_set(
                candidate=cand, indicator=ind, nilai=f"{level:g}", acting_user=committee
            )

    # jury: conflicts first, then assignments everywhere else, and the interview schedule
    by_name = {u.username: u for u in jurors}
    for username, region, reason in CONFLICTS:
        conflict_declare(
            cycle=cycle,
            juror=by_name[username],
            kode_wilayah=region,
            alasan=reason,
            acting_user=by_name[username],
        )
    for cand in candidates:
        for juror in jurors:
            if any(
                u == juror.username
                and (cand.kode_wilayah == r or cand.kode_wilayah.startswith(r + "."))
                for u, r, _ in CONFLICTS
            ):
                continue
            assignment_create(cycle=cycle, juror=juror, candidate=cand, acting_user=committee)
    tz = timezone.get_current_timezone()
    start = datetime.combine(INTERVIEW_DAY, time(8, 30), tzinfo=tz)
    for n, cand in enumerate(candidates):
        mulai = start + timedelta(minutes=50 * n)
        session_schedule(
            cycle=cycle,
            candidate=cand,
            mulai=mulai,
            selesai=mulai + timedelta(minutes=45),
            tempat="Ruang Wiswa Sabha, Kantor Gubernur Bali, Denpasar",
            acting_user=committee,
        )
    stage_close(cycle=cycle, jenis="penilaian", acting_user=committee)
    stage_close(cycle=cycle, jenis="verifikasi", acting_user=committee)

    # interview: every juror scores and submits each assigned sheet
    for a in (
        Assignment.objects.filter(cycle=cycle)
        .select_related("juror", "candidate")
        .order_by("candidate__kode", "juror__username")
    ):
        indicators = Indicator.objects.filter(
            aspect__version=cycle.categories.get(kategori=a.candidate.kategori).rubric,
            jenis=IndicatorKind.WAWANCARA,
        )
        lean = LEANING.get(a.juror.username, 0)
        jury_sheet_save(
            assignment=a,
            nilai={i.pk: _interview(strength[a.candidate_id], lean, rng) for i in indicators},
            catatan={},
            acting_user=a.juror,
        )
        jury_sheet_submit(assignment=a, acting_user=a.juror)
    stage_close(cycle=cycle, jenis="wawancara", acting_user=committee)

    # the 2024 calendar: closed stages on their real dates; the decision open for 30 days
    for kind, (mulai, selesai) in DATES_2024.items():
        Stage.objects.filter(cycle=cycle, jenis=kind).update(
            mulai=mulai,
            selesai=selesai,
            closed_at=datetime.combine(selesai, time(17, 0), tzinfo=tz),
        )
    # what happened in a stage is dated inside it
    Conflict.objects.filter(cycle=cycle).update(declared_at=datetime(2024, 2, 5, 10, 0, tzinfo=tz))
    Evidence.objects.filter(candidate__cycle=cycle).update(
        uploaded_at=datetime(2024, 2, 2, 9, 0, tzinfo=tz),
        verified_at=datetime(2024, 2, 14, 15, 0, tzinfo=tz),
    )
    Assignment.objects.filter(cycle=cycle).update(
        assigned_at=datetime(2024, 2, 6, 9, 0, tzinfo=tz),
        submitted_at=datetime.combine(INTERVIEW_DAY, time(18, 45), tzinfo=tz),
    )
    Stage.objects.filter(cycle=cycle, jenis="keputusan").update(
        mulai=date(2024, 2, 20), selesai=today + timedelta(days=30)
    )
    Stage.objects.filter(cycle=cycle, jenis="penganugerahan").update(
        mulai=today + timedelta(days=31), selesai=today + timedelta(days=45)
    )
