"""Sponsors (who pays) and their funding lines (a source, a fiscal year, an amount)."""

from __future__ import annotations

from django.db import transaction

from cakupan.accounts.scope import Actor, require_capability, require_scope
from cakupan.audit.services import audit_record
from cakupan.programmes.errors import FundingInvalid, SponsorInvalid
from cakupan.programmes.models import Funding, FundingKind, Sponsor, SponsorKind
from cakupan.regions.models import Region

MAX_FUNDING = 10**15  # Rp 1,000 trillion: beyond any regional budget, so a typing error


@transaction.atomic
def sponsor_create(
    *, jenis: str, nama: str, kode_wilayah: str, npp: str = "", acting_user: Actor
) -> Sponsor:
    """A sponsor seated in `kode_wilayah` (inside the acting user's region)."""
    require_capability(acting_user, "programmes.manage")
    require_scope(acting_user, kode_wilayah)
    nama = nama.strip()
    npp = npp.strip()
    if jenis not in SponsorKind.values:
        raise SponsorInvalid(
            pesan_rinci=f"jenis {jenis!r} tidak dikenal; pilih {', '.join(SponsorKind.values)}",
            detail=f"unknown kind {jenis!r}; choose {', '.join(SponsorKind.values)}",
        )
    if not nama:
        raise SponsorInvalid(pesan_rinci="nama wajib diisi", detail="a name is required")
    if not Region.objects.filter(code=kode_wilayah).exists():
        raise SponsorInvalid(
            pesan_rinci=f"kode wilayah {kode_wilayah} tidak ada",
            detail=f"region code {kode_wilayah} does not exist",
        )
    if npp and not (len(npp) == 8 and npp.isascii() and npp.isdigit()):
        raise SponsorInvalid(
            pesan_rinci=f"NPP harus 8 angka, tertulis {npp!r}",
            detail=f"an NPP has 8 digits, found {npp!r}",
        )
    sponsor = Sponsor.objects.create(
        jenis=jenis, nama=nama[:200], kode_wilayah=kode_wilayah, npp=npp
    )
    audit_record(
        actor=acting_user,
        action="sponsor.create",
        target=sponsor,
        region_code=kode_wilayah,
        detail={"jenis": jenis},
    )
    return sponsor


@transaction.atomic
def funding_create(
    *,
    sponsor: Sponsor,
    sumber: str,
    tahun_anggaran: int,
    jumlah: int,
    keterangan: str = "",
    acting_user: Actor,
) -> Funding:
    """A budget line of `sponsor`: `jumlah` rupiah from `sumber` in fiscal year `tahun_anggaran`."""
    require_capability(acting_user, "programmes.manage")
    require_scope(acting_user, sponsor.kode_wilayah)
    if sumber not in FundingKind.values:
        raise FundingInvalid(
            pesan_rinci=f"sumber {sumber!r} tidak dikenal; pilih {', '.join(FundingKind.values)}",
            detail=f"unknown source {sumber!r}; choose {', '.join(FundingKind.values)}",
        )
    if not 2000 <= int(tahun_anggaran) <= 2100:
        raise FundingInvalid(
            pesan_rinci=f"tahun anggaran {tahun_anggaran} tidak wajar",
            detail=f"fiscal year {tahun_anggaran} is not plausible",
        )
    if not 0 < int(jumlah) < MAX_FUNDING:
        raise FundingInvalid(
            pesan_rinci=f"jumlah harus lebih dari Rp0, tertulis {jumlah}",
            detail=f"the amount must be above Rp0, found {jumlah}",
        )
    funding = Funding.objects.create(
        sponsor=sponsor,
        sumber=sumber,
        tahun_anggaran=int(tahun_anggaran),
        jumlah=int(jumlah),
        keterangan=keterangan.strip()[:200],
    )
    audit_record(
        actor=acting_user,
        action="funding.create",
        target=funding,
        region_code=sponsor.kode_wilayah,
        detail={"sumber": sumber, "tahun_anggaran": int(tahun_anggaran), "jumlah": int(jumlah)},
    )
    return funding
