"""Candidates beyond the regional governments a cycle makes itself: businesses registered (by
the committee, from their application) or nominated (by a regional officer or the BPJS office),
public services, withdrawals, and the officers who act for a candidate."""

from __future__ import annotations

import re

from django.db import transaction

from cakupan.accounts.models import User
from cakupan.accounts.roles import Role
from cakupan.accounts.scope import Actor, in_scope, require_capability, require_scope
from cakupan.audit.services import audit_record
from cakupan.award.models import (
    BUSINESS,
    Candidate,
    CandidateOfficer,
    Category,
    Cycle,
    How,
)
from cakupan.award.services.cycles import stage_require
from cakupan.errors import InvalidInput, NotFound
from cakupan.regions.selectors import region_get
from cakupan.registry.models import Employer, Skala

SIZE_CATEGORY = {
    Skala.BESAR: Category.USAHA_BESAR,
    Skala.MENENGAH: Category.USAHA_MENENGAH,
    Skala.KECIL: Category.USAHA_KECIL_MIKRO,
    Skala.MIKRO: Category.USAHA_KECIL_MIKRO,
}
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,19}$")


def _invalid(kolom: str, pesan: str, message: str) -> InvalidInput:
    return InvalidInput(kolom=kolom, pesan_rinci=pesan, detail=message)


def _in_cycle(cycle: Cycle, code: str) -> bool:
    return (
        not cycle.kode_wilayah
        or code == cycle.kode_wilayah
        or code.startswith(cycle.kode_wilayah + ".")
    )


def _runs(cycle: Cycle, kategori: str) -> None:
    if not cycle.categories.filter(kategori=kategori).exists():
        raise _invalid(
            "kategori",
            f"siklus {cycle.kode} tidak menjalankan kategori {kategori}",
            f"cycle {cycle.kode} does not run category {kategori}",
        )


def candidate_register_business(
    *, cycle: Cycle, npp: str, cara: str, acting_user: Actor, kategori: str | None = None
) -> Candidate:
    """A registered employer as a candidate: `daftar` (the committee records its application)
    or `nominasi` (nominated by a regional officer or the BPJS office of its region). Its
    category follows its size unless given."""
    if cara == How.DAFTAR:
        require_capability(acting_user, "award.manage")
    elif cara == How.NOMINASI:
        require_capability(acting_user, "award.nominate")
    else:
        raise _invalid("cara", f"cara {cara!r} tidak dikenal", f"unknown way {cara!r}")
    stage_require(cycle, "candidate", acting_user=acting_user)
    npp = npp.strip()
    employer = Employer.objects.filter(npp=npp).first()
    if employer is None:
        raise NotFound(apa=f"Pemberi kerja NPP {npp}", what=f"Employer NPP {npp}")
    require_scope(acting_user, employer.kode_wilayah)
    if not _in_cycle(cycle, employer.kode_wilayah):
        raise _invalid(
            "npp",
            f"{employer.nama} berada di luar wilayah siklus {cycle.kode}",
            f"{employer.nama} is outside the region of cycle {cycle.kode}",
        )
    kategori = kategori or SIZE_CATEGORY.get(employer.skala)  # type: ignore[call-overload]
    if kategori not in BUSINESS:
        raise _invalid(
            "kategori",
            "skala usaha tidak diketahui: pilih kategori usaha besar, menengah atau kecil/mikro",
            "the business size is unknown: choose the large, medium or small/micro category",
        )
    _runs(cycle, kategori)
    if cycle.candidates.filter(kode=npp).exists():
        raise _invalid(
            "npp", f"NPP {npp} sudah menjadi kandidat", f"NPP {npp} is already a candidate"
        )
    with transaction.atomic():
        cand = Candidate.objects.create(
            cycle=cycle,
            kategori=kategori,
            kode=npp,
            nama=employer.nama,
            kode_wilayah=employer.kode_wilayah,
            npp=npp,
            cara=cara,
            nominated_by=acting_user if isinstance(acting_user, User) else None,
        )
        audit_record(
            actor=acting_user,
            action="award.candidate_add",
            target=cand,
            region_code=cand.kode_wilayah,
            detail={"siklus": cycle.kode, "kategori": kategori, "cara": cara, "npp": npp},
        )
    return cand


def candidate_add_public_service(
    *, cycle: Cycle, kode: str, nama: str, kode_wilayah: str, acting_user: Actor
) -> Candidate:
    """A public-service unit (a licensing office, a hospital…) as a candidate of its category."""
    require_capability(acting_user, "award.manage")
    stage_require(cycle, "candidate", acting_user=acting_user)
    _runs(cycle, Category.LAYANAN_PUBLIK)
    kode, nama = kode.strip(), nama.strip()
    if not CODE_RE.match(kode):
        raise _invalid(
            "kode",
            "kode 2–20 huruf, angka, titik atau tanda hubung",
            "code: 2–20 letters, digits, dots or hyphens",
        )
    if not nama:
        raise _invalid("nama", "nama wajib diisi", "a name is required")
    region_get(kode_wilayah)
    require_scope(acting_user, kode_wilayah)
    if not _in_cycle(cycle, kode_wilayah):
        raise _invalid(
            "kode_wilayah",
            f"{kode_wilayah} di luar wilayah siklus",
            f"{kode_wilayah} is outside the cycle's region",
        )
    if cycle.candidates.filter(kode=kode).exists():
        raise _invalid(
            "kode",
            f"kode {kode} sudah dipakai kandidat lain",
            f"code {kode} is taken by another candidate",
        )
    with transaction.atomic():
        cand = Candidate.objects.create(
            cycle=cycle,
            kategori=Category.LAYANAN_PUBLIK,
            kode=kode,
            nama=nama[:200],
            kode_wilayah=kode_wilayah,
            cara=How.DAFTAR,
            nominated_by=acting_user if isinstance(acting_user, User) else None,
        )
        audit_record(
            actor=acting_user,
            action="award.candidate_add",
            target=cand,
            region_code=kode_wilayah,
            detail={"siklus": cycle.kode, "kategori": cand.kategori, "cara": cand.cara},
        )
    return cand


def candidate_withdraw(*, candidate: Candidate, alasan: str, acting_user: Actor) -> Candidate:
    """Take a candidate out of the cycle (kept, marked withdrawn), during registration."""
    require_capability(acting_user, "award.manage")
    require_scope(acting_user, candidate.kode_wilayah)
    stage_require(candidate.cycle, "candidate", acting_user=acting_user, target=candidate)
    alasan = alasan.strip()
    if not alasan:
        raise _invalid("alasan", "alasan pengunduran wajib diisi", "a reason is required")
    with transaction.atomic():
        candidate.aktif = False
        candidate.save(update_fields=["aktif"])
        audit_record(
            actor=acting_user,
            action="award.candidate_withdraw",
            target=candidate,
            region_code=candidate.kode_wilayah,
            detail={"alasan": alasan[:500]},
        )
    return candidate


def officer_add(*, candidate: Candidate, username: str, acting_user: Actor) -> CandidateOfficer:
    """Let a regional officer or a company user act for a candidate (upload its evidence)."""
    require_capability(acting_user, "award.manage")
    require_scope(acting_user, candidate.kode_wilayah)
    stage_require(candidate.cycle, "officer", acting_user=acting_user, target=candidate)
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise NotFound(apa=f"Pengguna {username}", what=f"User {username}")
    if user.role not in (Role.PEMDA_OFFICER, Role.SPONSOR):
        raise _invalid(
            "username",
            f"{user.username} berperan {user.role}; petugas kandidat harus pemda_officer atau sponsor",
            f"{user.username} has role {user.role}; a candidate officer is a pemda_officer or sponsor",
        )
    if not in_scope(user, candidate.kode_wilayah) and user.region_code is not None:
        raise _invalid(
            "username",
            f"wilayah {user.username} ({user.region_code}) tidak mencakup kandidat ini",
            f"{user.username}'s region ({user.region_code}) does not cover this candidate",
        )
    with transaction.atomic():
        officer, _ = CandidateOfficer.objects.get_or_create(candidate=candidate, user=user)
        audit_record(
            actor=acting_user,
            action="award.officer_add",
            target=candidate,
            region_code=candidate.kode_wilayah,
            detail={"petugas": user.username},
        )
    return officer
