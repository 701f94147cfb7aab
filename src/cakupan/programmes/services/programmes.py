"""Programmes: create one (funding rule and premium checked, fixed from the dated tables), see its
budget against its funding line, submit, approve or reject it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from cakupan.accounts.scope import Actor, require_capability, require_scope
from cakupan.audit.services import audit_record
from cakupan.programmes import rates, rules
from cakupan.programmes.errors import (
    BudgetInsufficient,
    ProgrammeInvalid,
    ProgrammeStatusWrong,
    RegionNotVillage,
    VillageTaken,
)
from cakupan.programmes.models import (
    Funding,
    Programme,
    ProgrammeStatus,
    ProgrammeVillage,
    Sponsor,
    TargetGroup,
)
from cakupan.programmes.services.common import (
    month_add,
    month_first,
    require_programme_access,
    rp,
    spans_overlap,
)
from cakupan.regions.models import Region

DEFAULT_QUOTA = 100  # the regencies' circular: each village protects 100 vulnerable workers
MAX_QUOTA = 100_000
MAX_MONTHS = 60


@dataclass(frozen=True)
class YearShare:
    """The part of a budget that falls in one calendar (fiscal) year."""

    tahun: int
    bulan: int
    jumlah: int


@dataclass(frozen=True)
class Budget:
    """What a programme costs and whether its funding line covers it.

    `jumlah` = `kuota` × `iuran` × `bulan` (rupiah); `terikat` is what other approved programmes
    on the same funding line already commit; `sisa` what is left of `dana` for this one.
    """

    kuota: int
    iuran: int
    bulan: int
    jumlah: int
    dana: int
    terikat: int
    sumber: str
    tahun_anggaran: int
    per_tahun: tuple[YearShare, ...]

    @property
    def sisa(self) -> int:
        return self.dana - self.terikat

    @property
    def cukup(self) -> bool:
        return self.jumlah <= self.sisa

    @property
    def kurang(self) -> int:
        return max(0, self.jumlah - self.sisa)

    @property
    def lintas_tahun(self) -> bool:
        """Some months fall outside the funding line's fiscal year (it must still pay them)."""
        return any(share.tahun != self.tahun_anggaran for share in self.per_tahun)


def _committed(funding: Funding, *, exclude_pk: int | None) -> int:
    """Rupiah other approved programmes on `funding` commit (their quota × premium × months)."""
    others = (
        Programme.objects.filter(funding=funding, status=ProgrammeStatus.APPROVED)
        .exclude(pk=exclude_pk)
        .annotate(kuota=Sum("villages__kuota"))
        .values_list("kuota", "iuran", "durasi_bulan")
    )
    return sum((kuota or 0) * iuran * months for kuota, iuran, months in others)


def _budget(
    *,
    funding: Funding,
    kuota: int,
    iuran: int,
    bulan_mulai: str,
    durasi_bulan: int,
    exclude_pk: int | None,
) -> Budget:
    years = Counter(int(month_add(bulan_mulai, i)[:4]) for i in range(durasi_bulan))
    return Budget(
        kuota=kuota,
        iuran=iuran,
        bulan=durasi_bulan,
        jumlah=kuota * iuran * durasi_bulan,
        dana=funding.jumlah,
        terikat=_committed(funding, exclude_pk=exclude_pk),
        sumber=funding.sumber,
        tahun_anggaran=funding.tahun_anggaran,
        per_tahun=tuple(
            YearShare(tahun, months, kuota * iuran * months)
            for tahun, months in sorted(years.items())
        ),
    )


def programme_budget(programme: Programme) -> Budget:
    """The budget of a saved programme against its funding line."""
    kuota = programme.villages.aggregate(total=Sum("kuota"))["total"] or 0
    return _budget(
        funding=programme.funding,
        kuota=kuota,
        iuran=programme.iuran,
        bulan_mulai=programme.bulan_mulai,
        durasi_bulan=programme.durasi_bulan,
        exclude_pk=programme.pk,
    )


def budget_preview(
    *,
    funding: Funding,
    villages: dict[str, int],
    program: str = "JKK,JKM",
    penghasilan: int | None = None,
    bulan_mulai: str,
    durasi_bulan: int,
) -> tuple[rates.Premium, Budget]:
    """The premium and budget a programme would have, before it is created (nothing is saved)."""
    _check_span(bulan_mulai, durasi_bulan)
    premium = rates.premium_monthly(
        on=month_first(bulan_mulai), program=program, penghasilan=penghasilan
    )
    budget = _budget(
        funding=funding,
        kuota=sum(villages.values()),
        iuran=premium.iuran,
        bulan_mulai=bulan_mulai,
        durasi_bulan=durasi_bulan,
        exclude_pk=None,
    )
    return premium, budget


def _check_span(bulan_mulai: str, durasi_bulan: int) -> None:
    month_first(bulan_mulai)
    if not 1 <= int(durasi_bulan) <= MAX_MONTHS:
        raise ProgrammeInvalid(
            pesan_rinci=f"durasi harus 1–{MAX_MONTHS} bulan, tertulis {durasi_bulan}",
            detail=f"the duration must be 1–{MAX_MONTHS} months, found {durasi_bulan}",
        )


def common_region(codes: list[str]) -> str:
    """The smallest region holding every code: the longest common prefix of dotted parts."""
    parts = [code.split(".") for code in codes]
    common: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return ".".join(common)


def _check_villages(villages: dict[str, int], acting_user: Actor) -> None:
    if not villages:
        raise ProgrammeInvalid(
            pesan_rinci="pilih minimal satu desa", detail="choose at least one village"
        )
    for code, kuota in villages.items():
        require_scope(acting_user, code)
        if not 1 <= int(kuota) <= MAX_QUOTA:
            raise ProgrammeInvalid(
                pesan_rinci=f"kuota desa {code} harus 1–{MAX_QUOTA}, tertulis {kuota}",
                detail=f"the quota of village {code} must be 1–{MAX_QUOTA}, found {kuota}",
            )
    found = set(
        Region.objects.filter(code__in=villages, level="village").values_list("code", flat=True)
    )
    for code in villages:
        if code not in found:
            raise RegionNotVillage(kode_wilayah=code)


def _check_villages_free(
    villages: Iterable[str],
    kelompok: str,
    bulan_mulai: str,
    durasi_bulan: int,
    exclude_pk: int | None = None,
) -> None:
    """A village may be in only one running (not rejected) programme of a group at a time."""
    taken = (
        ProgrammeVillage.objects.filter(
            kode_wilayah__in=list(villages), programme__kelompok_sasaran=kelompok
        )
        .exclude(programme__status=ProgrammeStatus.REJECTED)
        .exclude(programme_id=exclude_pk)
        .select_related("programme")
    )
    for pv in taken:
        other = pv.programme
        if spans_overlap(other.bulan_mulai, other.durasi_bulan, bulan_mulai, durasi_bulan):
            raise VillageTaken(
                desa=pv.kode_wilayah,
                program=other.nama,
                kelompok=kelompok,
                mulai=other.bulan_mulai,
                sampai=month_add(other.bulan_mulai, other.durasi_bulan - 1),
            )


@transaction.atomic
def programme_create(
    *,
    sponsor: Sponsor,
    funding: Funding,
    nama: str,
    kelompok_sasaran: str,
    villages: dict[str, int],
    program: str = "JKK,JKM",
    penghasilan: int | None = None,
    bulan_mulai: str,
    durasi_bulan: int,
    acting_user: Actor,
) -> Programme:
    """A draft programme; refused when its funding source may not pay for the group (quoting the
    rule), a region is not a village, or a village is already in a running programme of the group.
    The premium comes from the rates table in force in the start month and is fixed here."""
    require_capability(acting_user, "programmes.manage")
    nama = nama.strip()
    if not nama:
        raise ProgrammeInvalid(pesan_rinci="nama wajib diisi", detail="a name is required")
    if funding.sponsor_id != sponsor.pk:
        raise ProgrammeInvalid(
            pesan_rinci=f"sumber dana {funding} bukan milik sponsor {sponsor}",
            detail=f"funding line {funding} does not belong to sponsor {sponsor}",
        )
    if kelompok_sasaran not in TargetGroup.values:
        raise ProgrammeInvalid(
            pesan_rinci=f"kelompok sasaran {kelompok_sasaran!r} tidak dikenal",
            detail=f"unknown target group {kelompok_sasaran!r}",
        )
    _check_span(bulan_mulai, durasi_bulan)
    _check_villages(villages, acting_user)
    start = month_first(bulan_mulai)
    rule = rules.funding_check(funding.sumber, kelompok_sasaran, start)
    premium = rates.premium_monthly(on=start, program=program, penghasilan=penghasilan)
    _check_villages_free(villages, kelompok_sasaran, bulan_mulai, durasi_bulan)
    programme = Programme.objects.create(
        nama=nama[:200],
        sponsor=sponsor,
        funding=funding,
        kode_wilayah=common_region(list(villages)),
        kelompok_sasaran=kelompok_sasaran,
        program=program,
        penghasilan=premium.penghasilan,
        iuran=premium.iuran,
        bulan_mulai=bulan_mulai,
        durasi_bulan=int(durasi_bulan),
        dasar_hukum=rule.dasar_hukum[:200],
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    ProgrammeVillage.objects.bulk_create(
        ProgrammeVillage(programme=programme, kode_wilayah=code, kuota=int(kuota))
        for code, kuota in sorted(villages.items())
    )
    audit_record(
        actor=acting_user,
        action="programme.create",
        target=programme,
        region_code=programme.kode_wilayah,
        detail={
            "desa": len(villages),
            "kuota": sum(villages.values()),
            "iuran": premium.iuran,
            "dasar_hukum": rule.dasar_hukum,
        },
    )
    return programme


STATUS_EN = {
    ProgrammeStatus.DRAFT: "a draft",
    ProgrammeStatus.SUBMITTED: "submitted",
    ProgrammeStatus.APPROVED: "approved",
    ProgrammeStatus.REJECTED: "rejected",
}


def require_status(
    programme: Programme, allowed: tuple[str, ...], tindakan_id: str, action: str
) -> None:
    if programme.status not in allowed:
        raise ProgrammeStatusWrong(
            program=programme.nama,
            status=programme.status,
            status_en=STATUS_EN.get(programme.status, programme.status),
            tindakan_id=tindakan_id,
            action=action,
        )


def _check_again(programme: Programme) -> None:
    """The funding rule and the one-programme-per-village rule, as they stand today (a rule may
    have changed, or another programme taken a village, since the programme was created)."""
    rules.funding_check(
        programme.funding.sumber, programme.kelompok_sasaran, month_first(programme.bulan_mulai)
    )
    _check_villages_free(
        programme.villages.values_list("kode_wilayah", flat=True),
        programme.kelompok_sasaran,
        programme.bulan_mulai,
        programme.durasi_bulan,
        exclude_pk=programme.pk,
    )


def _lock(programme: Programme) -> Programme:
    """The programme row, locked for this transaction (two approvals never race)."""
    return Programme.objects.select_for_update().select_related("funding").get(pk=programme.pk)


@transaction.atomic
def programme_submit(*, programme: Programme, acting_user: Actor) -> Programme:
    """Draft (or rejected) → submitted for approval."""
    require_programme_access(acting_user, programme, "programmes.manage")
    programme = _lock(programme)
    require_status(
        programme,
        (ProgrammeStatus.DRAFT, ProgrammeStatus.REJECTED),
        "diajukan",
        "submitted",
    )
    _check_again(programme)
    programme.status = ProgrammeStatus.SUBMITTED
    programme.save(update_fields=["status"])
    audit_record(
        actor=acting_user,
        action="programme.submit",
        target=programme,
        region_code=programme.kode_wilayah,
    )
    return programme


@transaction.atomic
def programme_approve(*, programme: Programme, acting_user: Actor) -> Programme:
    """Approve a draft or submitted programme whose funding line covers its budget (refused
    otherwise, quoting both amounts). Who approved is audited; it may be the creator."""
    require_programme_access(acting_user, programme, "programmes.approve")
    programme = _lock(programme)
    require_status(
        programme,
        (ProgrammeStatus.DRAFT, ProgrammeStatus.SUBMITTED),
        "disetujui",
        "approved",
    )
    Funding.objects.select_for_update().filter(pk=programme.funding_id).first()
    _check_again(programme)
    budget = programme_budget(programme)
    if not budget.cukup:
        raise BudgetInsufficient(
            program=programme.nama,
            jumlah=rp(budget.jumlah),
            kuota=budget.kuota,
            iuran=rp(budget.iuran),
            bulan=budget.bulan,
            sumber=budget.sumber,
            tahun=budget.tahun_anggaran,
            sisa=rp(budget.sisa),
            dana=rp(budget.dana),
            terikat=rp(budget.terikat),
        )
    programme.status = ProgrammeStatus.APPROVED
    programme.approved_by = acting_user if getattr(acting_user, "pk", None) else None
    programme.approved_at = timezone.now()
    programme.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(
        actor=acting_user,
        action="programme.approve",
        target=programme,
        region_code=programme.kode_wilayah,
        detail={
            "anggaran": budget.jumlah,
            "sisa_dana": budget.sisa,
            "pembuat_sendiri": programme.created_by_id == getattr(acting_user, "pk", None),
        },
    )
    return programme


@transaction.atomic
def programme_reject(*, programme: Programme, alasan: str, acting_user: Actor) -> Programme:
    """Send a draft or submitted programme back, with the reason (it may be submitted again)."""
    require_programme_access(acting_user, programme, "programmes.approve")
    alasan = alasan.strip()
    if not alasan:
        raise ProgrammeInvalid(
            pesan_rinci="tulis alasan penolakan", detail="write the reason for rejecting it"
        )
    programme = _lock(programme)
    require_status(
        programme,
        (ProgrammeStatus.DRAFT, ProgrammeStatus.SUBMITTED),
        "ditolak",
        "rejected",
    )
    programme.status = ProgrammeStatus.REJECTED
    programme.save(update_fields=["status"])
    audit_record(
        actor=acting_user,
        action="programme.reject",
        target=programme,
        region_code=programme.kode_wilayah,
        detail={"alasan": alasan[:500]},
    )
    return programme
