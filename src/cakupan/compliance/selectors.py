"""Compliance reads: lists of non-compliant employers and businesses for follow-up, the summary per
area for the map, one status with its follow-up — all cut to the reader's region."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from cakupan.accounts.scope import Actor, effective_region, require_capability
from cakupan.compliance.models import ComplianceStatus, FollowUp, Status
from cakupan.errors import InvalidInput, NotFound
from cakupan.regions.selectors import region_descendants, region_get
from cakupan.registry.models import Skala

WIDTH = {"province": 2, "regency": 5, "district": 8, "village": 13}


@dataclass(frozen=True)
class ComplianceFilters:
    region_code: str | None = None
    status: str | None = None  # a Status value, or "tidak_patuh" for every non-compliant one
    kbli: str | None = None  # a KBLI prefix (1–5 digits)
    skala: str | None = None
    follow_up: str | None = None


def latest_compliance_period() -> str | None:
    return ComplianceStatus.objects.order_by("-periode").values_list("periode", flat=True).first()


def _check(filters: ComplianceFilters) -> None:
    if filters.status and filters.status not in (*Status.values, "tidak_patuh"):
        raise InvalidInput(
            kolom="status",
            pesan_rinci=f"status {filters.status!r} tidak dikenal",
            detail=f"unknown status {filters.status!r}",
        )
    if filters.kbli and not (filters.kbli.isdigit() and len(filters.kbli) <= 5):
        raise InvalidInput(
            kolom="kbli",
            pesan_rinci="KBLI ditulis dengan 1 sampai 5 angka",
            detail="a KBLI prefix has 1 to 5 digits",
        )
    if filters.skala and filters.skala not in Skala.values:
        raise InvalidInput(
            kolom="skala",
            pesan_rinci=f"skala {filters.skala!r} tidak dikenal",
            detail=f"unknown size class {filters.skala!r}",
        )


def compliance_list(
    *, actor: Actor, filters: ComplianceFilters, periode: str | None = None
) -> QuerySet[ComplianceStatus]:
    """Statuses of a period in the actor's region, filtered, with each one's follow-up state."""
    require_capability(actor, "compliance.view")
    _check(filters)
    region = effective_region(actor, filters.region_code)
    periode = periode or latest_compliance_period()
    qs = ComplianceStatus.objects.visible_to(actor).filter(periode=periode)
    if region:
        qs = qs.filter(Q(kode_wilayah=region) | Q(kode_wilayah__startswith=region + "."))
    if filters.status == "tidak_patuh":
        qs = qs.exclude(status=Status.PATUH)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kbli:
        qs = qs.filter(kbli__startswith=filters.kbli)
    if filters.skala:
        qs = qs.filter(skala=filters.skala)
    follow = FollowUp.objects.filter(
        Q(npp=OuterRef("npp"), npp__gt="") | Q(nib=OuterRef("nib"), npp="", nib__gt="")
    ).values("state")[:1]
    qs = qs.annotate(tindak_lanjut=Subquery(follow))
    if filters.follow_up == "belum":
        qs = qs.filter(tindak_lanjut__isnull=True)
    elif filters.follow_up:
        qs = qs.filter(tindak_lanjut=filters.follow_up)
    return qs.order_by("kode_wilayah", "nama", "id")


def compliance_get(*, actor: Actor, status_id: int) -> ComplianceStatus:
    require_capability(actor, "compliance.view")
    row = ComplianceStatus.objects.visible_to(actor).filter(pk=status_id).first()
    if row is None:
        raise NotFound(apa=f"Status kepatuhan #{status_id}", what=f"Compliance status #{status_id}")
    return row


def follow_up_for(row: ComplianceStatus) -> FollowUp | None:
    if row.npp:
        return FollowUp.objects.filter(npp=row.npp).first()
    return FollowUp.objects.filter(nib=row.nib, npp="").first()


@dataclass
class AreaCompliance:
    kode_wilayah: str
    nama_wilayah: str
    total: int
    patuh: int
    by_status: dict[str, int]

    @property
    def pwbd(self) -> int:
        return self.by_status.get(Status.PWBD, 0)

    @property
    def pds(self) -> int:
        return sum(
            self.by_status.get(s, 0) for s in (Status.PDS_TK, Status.PDS_UPAH, Status.PDS_PROGRAM)
        )

    @property
    def tunggakan(self) -> int:
        return self.by_status.get(Status.TUNGGAKAN, 0)

    @property
    def persen_patuh(self) -> float | None:
        return round(100 * self.patuh / self.total, 2) if self.total else None


def compliance_by_area(
    *, actor: Actor, region_code: str | None, level: str, periode: str | None = None
) -> list[AreaCompliance]:
    """Employers and businesses per status in every area of `level` inside the region."""
    require_capability(actor, "compliance.view")
    region = effective_region(actor, region_code)
    periode = periode or latest_compliance_period()
    areas = list(region_descendants(region, level=level).values_list("code", "name"))
    if region and not areas:
        r = region_get(region)
        areas = [(r.code, r.name)]
    width = WIDTH[level]
    counts = (
        ComplianceStatus.objects.visible_to(actor)
        .filter(periode=periode)
        .annotate(area=Substr("kode_wilayah", 1, width))
        .values("area", "status")
        .annotate(n=Count("id"))
    )
    by_area: dict[str, dict[str, int]] = {}
    for c in counts:
        by_area.setdefault(c["area"], {})[c["status"]] = c["n"]
    out = []
    for code, name in areas:
        statuses = by_area.get(code, {})
        out.append(
            AreaCompliance(
                kode_wilayah=code,
                nama_wilayah=name,
                total=sum(statuses.values()),
                patuh=statuses.get(Status.PATUH, 0),
                by_status=statuses,
            )
        )
    return out
