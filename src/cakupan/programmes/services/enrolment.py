"""The enrolment file for the BPJS office (one row per person to register or reactivate) and the
renewals due: who loses protection after a month, and what keeping them protected costs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from cakupan.accounts.scope import Actor, require_capability
from cakupan.audit.services import audit_record
from cakupan.lib.masking import mask_nik
from cakupan.lib.tabular import csv_lines, xlsx_bytes
from cakupan.programmes import rates
from cakupan.programmes.models import Beneficiary, Programme, SponsoredMonth
from cakupan.programmes.services.common import (
    month_add,
    month_first,
    programme_last_month,
    require_programme_access,
)
from cakupan.programmes.services.invoices import beneficiaries_to_protect
from cakupan.regions.selectors import region_name_map, within_q

ENROLMENT_COLUMNS = (
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "kode_wilayah",
    "desa",
    "pekerjaan",
    "unit",
    "jenis_pendaftaran",
    "program",
    "penghasilan",
    "iuran",
    "tmt",
    "sponsor",
    "programme",
)
FORMATS = ("csv", "xlsx")


@transaction.atomic
def enrolment_file(
    *, programme: Programme, acting_user: Actor, format: str = "csv"
) -> tuple[str, bytes]:
    """(file name, content) of the BPU registration file of a programme's people to protect.

    NIKs in full only for roles with `nik.view`, masked otherwise; the export is audited.
    """
    require_programme_access(acting_user, programme, "programmes.payments")
    fmt = format if format in FORMATS else "csv"
    full_nik = acting_user.can("nik.view")
    people = list(beneficiaries_to_protect(programme))
    names = region_name_map(sorted({b.kode_wilayah for b in people}))
    pekerjaan_default = programme.kelompok_sasaran.replace("_", " ")  # data in Indonesian
    tmt = month_first(programme.bulan_mulai).isoformat()
    rows = [
        (
            (b.match_nik or b.nik) if full_nik else mask_nik(b.match_nik or b.nik),
            b.nama,
            b.tanggal_lahir.isoformat() if b.tanggal_lahir else "",
            b.jenis_kelamin,
            b.kode_wilayah,
            names.get(b.kode_wilayah, ""),
            b.pekerjaan or pekerjaan_default,
            b.unit,
            b.kelas,
            programme.program,
            programme.penghasilan,
            programme.iuran,
            tmt,
            programme.sponsor.nama,
            programme.nama,
        )
        for b in people
    ]
    if fmt == "xlsx":
        content = xlsx_bytes(ENROLMENT_COLUMNS, rows)
    else:
        content = "".join(csv_lines(ENROLMENT_COLUMNS, rows)).encode("utf-8")
    audit_record(
        actor=acting_user,
        action="export",
        target=programme,
        rows=len(rows),
        region_code=programme.kode_wilayah,
        detail={"what": "enrolment", "format": fmt, "nik_penuh": full_nik},
    )
    return f"pendaftaran-program-{programme.pk}.{fmt}", content


@dataclass(frozen=True)
class Renewal:
    """The people of one programme whose last paid month is `bulan`, and what renewing costs."""

    programme: Programme
    bulan: str
    bulan_berikut: str
    beneficiaries: tuple[Beneficiary, ...]
    iuran: int
    biaya_bulan: int
    biaya_12_bulan: int
    dalam_masa_program: bool

    @property
    def peserta(self) -> int:
        return len(self.beneficiaries)


def renewals_due(*, actor: Actor, bulan: str) -> list[Renewal]:
    """Who loses protection after `bulan` in the actor's region: paid for `bulan`, not for any
    later month. Costs use the premium in force next month (rates table), not a stored figure."""
    require_capability(actor, "programmes.beneficiaries")
    month_first(bulan)
    later = SponsoredMonth.objects.filter(periode__gt=bulan).values("participant_id")
    ending = (
        SponsoredMonth.objects.filter(periode=bulan)
        .filter(within_q("beneficiary__kode_wilayah", actor.region_code))
        .exclude(participant_id__in=later)
        .select_related("beneficiary", "programme", "programme__sponsor")
        .order_by("programme_id", "beneficiary__kode_wilayah", "beneficiary__baris")
    )
    by_programme: dict[int, list[SponsoredMonth]] = defaultdict(list)
    for sm in ending:
        by_programme[sm.programme_id].append(sm)
    following = month_add(bulan, 1)
    renewals = []
    for rows in by_programme.values():
        programme = rows[0].programme
        premium = rates.premium_monthly(
            on=month_first(following), program=programme.program, penghasilan=programme.penghasilan
        )
        count = len(rows)
        renewals.append(
            Renewal(
                programme=programme,
                bulan=bulan,
                bulan_berikut=following,
                beneficiaries=tuple(sm.beneficiary for sm in rows),
                iuran=premium.iuran,
                biaya_bulan=count * premium.iuran,
                biaya_12_bulan=count * premium.iuran * 12,
                dalam_masa_program=following <= programme_last_month(programme),
            )
        )
    return renewals
