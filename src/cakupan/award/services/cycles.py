"""Cycles and their stages: create a cycle (freezing each category's rubric version and making
every regional government of its region a candidate), move dates, close stages, and the one
guard every award write passes through.

Lock rules. The current stage is the first one not closed; a stage is closed when the committee
closes it or when its last day (`selesai`) has passed. Each kind of change belongs to stages
(ACTIONS): it is allowed only while the current stage is one of them. Once the decision stage is
closed the results are frozen and nothing can change. A refused change is written to the audit
log (`award.refused`) before the error is raised, outside the transaction of the change, so the
record stays even though nothing else is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from cakupan.accounts.scope import Actor, require_capability, require_scope
from cakupan.audit.services import audit_record
from cakupan.award.errors import CycleDecided, StageLate, StageNotOpen
from cakupan.award.models import (
    STAGE_ORDER,
    Candidate,
    Category,
    Cycle,
    CycleCategory,
    How,
    Level,
    RubricVersion,
    Stage,
    StageKind,
)
from cakupan.errors import InvalidInput
from cakupan.regions.models import Region
from cakupan.regions.selectors import code_level, region_get
from cakupan.registry.selectors import period_parse

STAGE_ID = {
    "registrasi": "registrasi",
    "penilaian": "penilaian",
    "verifikasi": "verifikasi dan validasi",
    "wawancara": "wawancara juri",
    "keputusan": "keputusan",
    "penganugerahan": "penganugerahan",
}
STAGE_EN = {
    "registrasi": "registration",
    "penilaian": "assessment",
    "verifikasi": "verification and validation",
    "wawancara": "jury interview",
    "keputusan": "decision",
    "penganugerahan": "ceremony",
}

_BEFORE_INTERVIEW_END = ("registrasi", "penilaian", "verifikasi", "wawancara")

# action → (stages it is allowed in, what it is in Indonesian, in English)
ACTIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "candidate": (
        ("registrasi",),
        "mendaftarkan atau mengubah kandidat",
        "registering or changing candidates",
    ),
    "rubric": (
        ("registrasi",),
        "mengganti versi rubrik siklus",
        "changing the cycle's rubric version",
    ),
    "officer": (
        ("registrasi", "penilaian", "verifikasi"),
        "mengatur petugas kandidat",
        "naming candidate officers",
    ),
    "evidence": (("registrasi", "penilaian"), "mengunggah bukti", "uploading evidence"),
    "evidence_again": (
        ("registrasi", "penilaian", "verifikasi"),
        "mengunggah ulang bukti yang dikembalikan",
        "uploading returned evidence again",
    ),
    "verify": (("penilaian", "verifikasi"), "memverifikasi bukti", "verifying evidence"),
    "assess": (
        ("penilaian", "verifikasi"),
        "menilai indikator bukti",
        "scoring evidence indicators",
    ),
    "compute": (
        ("registrasi", "penilaian", "verifikasi"),
        "menghitung indikator data",
        "computing data indicators",
    ),
    "jury_setup": (
        _BEFORE_INTERVIEW_END,
        "mengatur juri, konflik kepentingan dan jadwal wawancara",
        "arranging jurors, conflicts of interest and interviews",
    ),
    "jury_score": (
        ("wawancara",),
        "memberi atau mengirim nilai juri",
        "scoring or submitting jury scores",
    ),
    "settings": (
        (*_BEFORE_INTERVIEW_END, "keputusan"),
        "mengubah pengaturan peringkat",
        "changing the ranking settings",
    ),
    "stage_dates": (
        (*_BEFORE_INTERVIEW_END, "keputusan"),
        "mengubah tanggal tahap",
        "changing stage dates",
    ),
}

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{2,59}$")


def _invalid(kolom: str, pesan: str, message: str) -> InvalidInput:
    return InvalidInput(kolom=kolom, pesan_rinci=pesan, detail=message)


def today() -> date:
    return timezone.localdate()


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


# ---------------------------------------------------------------------------------- state


@dataclass(frozen=True)
class StageState:
    stage: Stage
    closed: bool
    current: bool

    @property
    def jenis(self) -> str:
        return self.stage.jenis


def stage_states(cycle: Cycle, *, on: date | None = None) -> list[StageState]:
    """Every stage with whether it is closed and which one is current (the first not closed)."""
    day = on or today()
    stages = sorted(cycle.stages.all(), key=lambda s: s.urutan)
    out, found = [], False
    for s in stages:
        closed = s.is_closed(day)
        current = not closed and not found
        found = found or current
        out.append(StageState(s, closed, current))
    return out


def stage_current(cycle: Cycle, *, on: date | None = None) -> str | None:
    """The current stage's kind; None once every stage is closed."""
    return next((s.jenis for s in stage_states(cycle, on=on) if s.current), None)


def is_decided(cycle: Cycle) -> bool:
    return cycle.decided_at is not None


def cycle_catch_up(cycle: Cycle) -> Cycle:
    """Record the closing of stages whose last day has passed; freeze the results once the
    decision stage is closed that way. Idempotent; run before any read or write of a cycle."""
    day = today()
    due = [s for s in cycle.stages.all() if s.closed_at is None and day > s.selesai]
    if not due and not (cycle.decided_at is None and _decision_closed(cycle, day)):
        return cycle
    with transaction.atomic():
        for s in sorted(due, key=lambda s: s.urutan):
            updated = Stage.objects.filter(pk=s.pk, closed_at__isnull=True).update(
                closed_at=_end_of(s.selesai)
            )
            if updated:
                audit_record(
                    actor=None,
                    action="award.stage_close",
                    target=cycle,
                    region_code=cycle.kode_wilayah,
                    detail={"tahap": s.jenis, "cara": "tanggal", "tanggal": s.selesai.isoformat()},
                )
        cycle = Cycle.objects.get(pk=cycle.pk)
        if cycle.decided_at is None and _decision_closed(cycle, day):
            from cakupan.award.services.results import results_freeze

            results_freeze(cycle=cycle, acting_user=None)
            cycle = Cycle.objects.get(pk=cycle.pk)
    return cycle


def _decision_closed(cycle: Cycle, day: date) -> bool:
    return any(s.jenis == StageKind.KEPUTUSAN and s.is_closed(day) for s in cycle.stages.all())


def stage_require(
    cycle: Cycle, action: str, *, acting_user: Actor | None, target: Model | None = None
) -> None:
    """Raise (after auditing the attempt) unless `action` is allowed in the current stage."""
    cycle = cycle_catch_up(cycle)
    allowed, apa_id, what = ACTIONS[action]
    states = stage_states(cycle)
    current = next((s.jenis for s in states if s.current), None)
    if current in allowed:
        return
    error: Exception
    if cycle.decided_at is not None:
        error = CycleDecided(
            siklus=cycle.kode, kapan=_when(cycle.decided_at), apa_id=apa_id, what=what
        )
    elif current is None or STAGE_ORDER.index(current) > STAGE_ORDER.index(allowed[-1]):
        last = next(s.stage for s in states if s.jenis == allowed[-1])
        error = StageLate(
            apa_id=apa_id,
            what=what,
            tahap_id=STAGE_ID[last.jenis],
            stage=STAGE_EN[last.jenis],
            kapan=_when(last.closed_at) if last.closed_at else last.selesai.isoformat(),
        )
    else:
        error = StageNotOpen(
            apa_id=apa_id[0].upper() + apa_id[1:],
            what=what[0].upper() + what[1:],
            tahap_id=" atau ".join(STAGE_ID[s] for s in allowed),
            stage=" or ".join(STAGE_EN[s] for s in allowed),
            siklus=cycle.kode,
            sekarang_id=STAGE_ID[current],
            now=STAGE_EN[current],
        )
    audit_record(
        actor=acting_user,
        action="award.refused",
        target=target or cycle,
        region_code=cycle.kode_wilayah,
        detail={"siklus": cycle.kode, "aksi": action, "tahap": current or "", "kode": error.kode},  # type: ignore[attr-defined]
    )
    raise error


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# ---------------------------------------------------------------------------------- create


def _stage_dates(stages: dict[str, tuple[date, date]]) -> list[tuple[str, date, date]]:
    missing = [s for s in STAGE_ORDER if s not in stages]
    if missing:
        raise _invalid(
            "tahap",
            f"tanggal tahap {', '.join(STAGE_ID[s] for s in missing)} belum diisi",
            f"dates of the {', '.join(STAGE_EN[s] for s in missing)} stage missing",
        )
    out = [(s, *stages[s]) for s in STAGE_ORDER]
    for kind, mulai, selesai in out:
        if selesai < mulai:
            raise _invalid(
                kind,
                f"tahap {STAGE_ID[kind]} selesai ({selesai}) sebelum mulai ({mulai})",
                f"the {STAGE_EN[kind]} stage ends ({selesai}) before it starts ({mulai})",
            )
    for (k1, m1, s1), (k2, m2, s2) in zip(out, out[1:], strict=False):
        if m2 < m1 or s2 < s1:
            raise _invalid(
                k2,
                f"tahap {STAGE_ID[k2]} harus sesudah tahap {STAGE_ID[k1]}",
                f"the {STAGE_EN[k2]} stage must come after the {STAGE_EN[k1]} stage",
            )
    return out


def rubric_latest(kategori: str) -> RubricVersion | None:
    return RubricVersion.objects.filter(kategori=kategori).order_by("-nomor").first()


@transaction.atomic
def cycle_create(
    *,
    kode: str,
    nama: str,
    tahun: int,
    tingkat: str,
    kode_wilayah: str,
    periode_data: str,
    periode_banding: str = "",
    stages: dict[str, tuple[date, date]],
    kategori: list[str],
    acting_user: Actor,
) -> Cycle:
    """A new cycle with its six dated stages and categories, each category freezing the latest
    rubric version; every regional government of the region becomes a candidate."""
    require_capability(acting_user, "award.manage")
    if not CODE_RE.match(kode):
        raise _invalid(
            "kode",
            f"kode {kode!r} harus 3–60 huruf kecil, angka atau tanda hubung",
            f"code {kode!r} must be 3–60 lower-case letters, digits or hyphens",
        )
    if Cycle.objects.filter(kode=kode).exists():
        raise _invalid("kode", f"kode {kode} sudah dipakai", f"code {kode} is already taken")
    if tingkat not in Level.values:
        raise _invalid(
            "tingkat", f"tingkat {tingkat!r} tidak dikenal", f"unknown level {tingkat!r}"
        )
    if tingkat == Level.PROVINSI:
        if not kode_wilayah or code_level(kode_wilayah) != "province":
            raise _invalid(
                "kode_wilayah",
                "siklus provinsi memerlukan kode provinsi, mis. 51",
                "a provincial cycle needs a province code, e.g. 51",
            )
        region_get(kode_wilayah)
    elif kode_wilayah:
        raise _invalid(
            "kode_wilayah",
            "siklus nasional tidak memakai kode wilayah",
            "a national cycle has no region code",
        )
    require_scope(acting_user, kode_wilayah or None)
    if not 2000 <= tahun <= 2100:
        raise _invalid("tahun", f"tahun {tahun} tidak masuk akal", f"year {tahun} is not plausible")
    period_parse(periode_data)
    if periode_banding:
        period_parse(periode_banding)
        if periode_banding >= periode_data:
            raise _invalid(
                "periode_banding",
                "periode banding harus sebelum periode data",
                "the comparison period must be before the data period",
            )
    unknown = [k for k in kategori if k not in Category.values]
    if unknown or not kategori:
        raise _invalid(
            "kategori",
            f"kategori tidak dikenal atau kosong: {', '.join(unknown) or '-'}",
            f"unknown or no categories: {', '.join(unknown) or '-'}",
        )
    if tingkat == Level.PROVINSI and Category.PEMPROV in kategori:
        raise _invalid(
            "kategori",
            "kategori pemerintah provinsi dinilai di tingkat nasional",
            "the provincial government category is assessed at national level",
        )
    versions = {}
    for k in dict.fromkeys(kategori):
        version = rubric_latest(k)
        if version is None:
            raise _invalid(
                "kategori",
                f"kategori {Category(k).label} belum punya rubrik",
                f"category {k} has no rubric yet",
            )
        versions[k] = version
    dates = _stage_dates(stages)
    cycle = Cycle(
        kode=kode,
        nama=nama.strip()[:200] or kode,
        tahun=tahun,
        tingkat=tingkat,
        kode_wilayah=kode_wilayah,
        periode_data=periode_data,
        periode_banding=periode_banding,
        created_by=acting_user,  # type: ignore[misc]
    )
    cycle.full_clean()
    cycle.save()
    Stage.objects.bulk_create(
        Stage(cycle=cycle, jenis=k, urutan=i, mulai=m, selesai=s)
        for i, (k, m, s) in enumerate(dates, start=1)
    )
    CycleCategory.objects.bulk_create(
        CycleCategory(cycle=cycle, kategori=k, rubric=v) for k, v in versions.items()
    )
    made = _government_candidates(cycle, list(versions))
    audit_record(
        actor=acting_user,
        action="award.cycle_create",
        target=cycle,
        region_code=kode_wilayah,
        rows=made,
        detail={
            "siklus": kode,
            "kategori": {k: v.nomor for k, v in versions.items()},
            "tahap": {k: [m.isoformat(), s.isoformat()] for k, m, s in dates},
        },
    )
    return cycle


def _government_candidates(cycle: Cycle, kategori: list[str]) -> int:
    """Every regional government in the cycle's region as a candidate (set-based)."""
    rows: list[Candidate] = []
    if Category.PEMPROV in kategori:
        provinces = Region.objects.filter(level="province")
        rows += [
            Candidate(
                cycle=cycle,
                kategori=Category.PEMPROV,
                kode=r.code,
                nama=f"Pemerintah Provinsi {r.name}",
                kode_wilayah=r.code,
                cara=How.OTOMATIS,
            )
            for r in provinces
        ]
    if Category.PEMKAB in kategori:
        regencies = Region.objects.filter(level="regency")
        if cycle.kode_wilayah:
            regencies = regencies.filter(code__startswith=cycle.kode_wilayah + ".")
        rows += [
            Candidate(
                cycle=cycle,
                kategori=Category.PEMKAB,
                kode=r.code,
                nama=f"Pemerintah {r.name}",
                kode_wilayah=r.code,
                cara=How.OTOMATIS,
            )
            for r in regencies.order_by("code")
        ]
    Candidate.objects.bulk_create(rows, batch_size=500)
    return len(rows)


# ---------------------------------------------------------------------------------- stages


def _committee(acting_user: Actor, cycle: Cycle) -> None:
    require_capability(acting_user, "award.manage")
    require_scope(acting_user, cycle.kode_wilayah or None)


def stage_close(*, cycle: Cycle, jenis: str, acting_user: Actor) -> Stage:
    """Close the current stage now (the committee's decision); closing the decision stage
    freezes the results. Stages close in order."""
    _committee(acting_user, cycle)
    cycle = cycle_catch_up(cycle)
    current = stage_current(cycle)
    if jenis not in STAGE_ORDER:
        raise _invalid("tahap", f"tahap {jenis!r} tidak dikenal", f"unknown stage {jenis!r}")
    if current != jenis:
        if current is None or STAGE_ORDER.index(jenis) < STAGE_ORDER.index(current):
            stage = cycle.stages.get(jenis=jenis)
            audit_record(
                actor=acting_user,
                action="award.refused",
                target=cycle,
                region_code=cycle.kode_wilayah,
                detail={"siklus": cycle.kode, "aksi": "stage_close", "tahap": jenis},
            )
            if cycle.decided_at is not None:
                raise CycleDecided(
                    siklus=cycle.kode,
                    kapan=_when(cycle.decided_at),
                    apa_id="penutupan tahap",
                    what="closing stages",
                )
            raise _invalid(
                "tahap",
                f"tahap {STAGE_ID[jenis]} sudah ditutup ({_closed_label(stage)})",
                f"the {STAGE_EN[jenis]} stage is already closed ({_closed_label(stage)})",
            )
        raise _invalid(
            "tahap",
            f"tutup dahulu tahap {STAGE_ID[current]}",
            f"close the {STAGE_EN[current]} stage first",
        )
    return _stage_close(cycle, jenis, acting_user)


@transaction.atomic
def _stage_close(cycle: Cycle, jenis: str, acting_user: Actor) -> Stage:
    stage = Stage.objects.select_for_update().get(cycle=cycle, jenis=jenis)
    stage.closed_at = timezone.now()
    stage.closed_by = acting_user  # type: ignore[assignment]
    stage.save(update_fields=["closed_at", "closed_by"])
    audit_record(
        actor=acting_user,
        action="award.stage_close",
        target=cycle,
        region_code=cycle.kode_wilayah,
        detail={"tahap": jenis, "cara": "panitia"},
    )
    if jenis == StageKind.KEPUTUSAN:
        from cakupan.award.services.results import results_freeze

        results_freeze(cycle=cycle, acting_user=acting_user)
    return stage


def _closed_label(stage: Stage) -> str:
    return _when(stage.closed_at) if stage.closed_at else stage.selesai.isoformat()


def stage_dates_set(
    *, cycle: Cycle, jenis: str, mulai: date, selesai: date, acting_user: Actor
) -> Stage:
    """Move the dates of a stage that is not closed (its end not before today)."""
    _committee(acting_user, cycle)
    stage_require(cycle, "stage_dates", acting_user=acting_user)
    stage = cycle.stages.filter(jenis=jenis).first()
    if stage is None:
        raise _invalid("tahap", f"tahap {jenis!r} tidak dikenal", f"unknown stage {jenis!r}")
    if stage.is_closed(today()):
        stage_label = _closed_label(stage)
        raise _invalid(
            "tahap",
            f"tahap {STAGE_ID[jenis]} sudah ditutup ({stage_label}); tanggalnya tidak dapat diubah",
            f"the {STAGE_EN[jenis]} stage is closed ({stage_label}); its dates cannot change",
        )
    if selesai < today():
        raise _invalid(
            "selesai",
            "tanggal selesai tidak boleh sebelum hari ini; untuk mengakhiri tahap, tutup tahapnya",
            "the end date cannot be before today; to end the stage, close it",
        )
    dates = {s.jenis: (s.mulai, s.selesai) for s in cycle.stages.all()}
    dates[jenis] = (mulai, selesai)
    _stage_dates(dates)
    return _stage_dates_save(cycle, stage, mulai, selesai, acting_user)


@transaction.atomic
def _stage_dates_save(
    cycle: Cycle, stage: Stage, mulai: date, selesai: date, acting_user: Actor
) -> Stage:
    before = [stage.mulai.isoformat(), stage.selesai.isoformat()]
    stage.mulai, stage.selesai = mulai, selesai
    stage.full_clean()
    stage.save(update_fields=["mulai", "selesai"])
    audit_record(
        actor=acting_user,
        action="award.stage_dates",
        target=cycle,
        region_code=cycle.kode_wilayah,
        detail={
            "tahap": stage.jenis,
            "dari": before,
            "menjadi": [mulai.isoformat(), selesai.isoformat()],
        },
    )
    return stage


def cycle_settings_set(
    *, cycle: Cycle, normalisasi: bool, jumlah_pemenang: int, acting_user: Actor
) -> Cycle:
    """Whether z-score normalised jury scores rank, and how many places win; until the decision."""
    _committee(acting_user, cycle)
    stage_require(cycle, "settings", acting_user=acting_user)
    if not 1 <= jumlah_pemenang <= 10:
        raise _invalid(
            "jumlah_pemenang",
            "jumlah pemenang per kategori harus 1 sampai 10",
            "the number of winners per category must be 1 to 10",
        )
    with transaction.atomic():
        before = {"normalisasi": cycle.normalisasi, "jumlah_pemenang": cycle.jumlah_pemenang}
        cycle.normalisasi = normalisasi
        cycle.jumlah_pemenang = jumlah_pemenang
        cycle.save(update_fields=["normalisasi", "jumlah_pemenang"])
        audit_record(
            actor=acting_user,
            action="award.settings",
            target=cycle,
            region_code=cycle.kode_wilayah,
            detail={
                "dari": before,
                "menjadi": {"normalisasi": normalisasi, "jumlah_pemenang": jumlah_pemenang},
            },
        )
    return cycle


def cycle_rubric_set(
    *, cycle: Cycle, kategori: str, version: RubricVersion, acting_user: Actor
) -> CycleCategory:
    """Give a category of the cycle another rubric version, during registration and only while
    nothing has been scored or uploaded against the one it has."""
    _committee(acting_user, cycle)
    stage_require(cycle, "rubric", acting_user=acting_user)
    cc = cycle.categories.filter(kategori=kategori).first()
    if cc is None or version.kategori != kategori:
        raise _invalid(
            "kategori",
            f"siklus {cycle.kode} tidak punya kategori {kategori} atau versi rubrik bukan untuknya",
            f"cycle {cycle.kode} has no category {kategori}, or the rubric version is not for it",
        )
    from cakupan.award.models import AssessorScore, Evidence, IndicatorValue, JuryScore

    used = (
        Evidence.objects.filter(candidate__cycle=cycle, candidate__kategori=kategori).exists()
        or IndicatorValue.objects.filter(
            candidate__cycle=cycle, candidate__kategori=kategori
        ).exists()
        or AssessorScore.objects.filter(
            candidate__cycle=cycle, candidate__kategori=kategori
        ).exists()
        or JuryScore.objects.filter(
            assignment__cycle=cycle, assignment__candidate__kategori=kategori
        ).exists()
    )
    if used:
        raise _invalid(
            "rubrik",
            "sudah ada bukti, nilai atau hasil hitungan dengan versi rubrik ini",
            "evidence, scores or computed values already use this rubric version",
        )
    with transaction.atomic():
        before = cc.rubric.nomor
        cc.rubric = version
        cc.save(update_fields=["rubric"])
        audit_record(
            actor=acting_user,
            action="award.cycle_rubric",
            target=cycle,
            region_code=cycle.kode_wilayah,
            detail={"kategori": kategori, "dari": before, "menjadi": version.nomor},
        )
    return cc
