"""Which funding source may pay premiums for which group, on a date: the dated FundingRule table."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from cakupan.errors import CakupanError
from cakupan.programmes.models import FundingRule


class FundingBarred(CakupanError):
    kode = "sumber_dana_dilarang"
    pesan = (
        "Sumber dana {sumber} tidak boleh membayar iuran kelompok {kelompok} pada {tanggal}: "
        "{dasar_hukum}. {keterangan}"
    )
    message = (
        "Funding source {sumber} may not pay premiums for group {kelompok} on {tanggal}: "
        "{dasar_hukum}."
    )
    http_status = 422


class FundingRuleMissing(CakupanError):
    kode = "aturan_dana_tidak_ada"
    pesan = "Tidak ada aturan yang membolehkan {sumber} membayar iuran kelompok {kelompok} pada {tanggal}."
    message = "No rule allows {sumber} to pay premiums for group {kelompok} on {tanggal}."
    http_status = 422


def funding_rule_on(sumber: str, kelompok: str, on: date) -> FundingRule | None:
    """The rule in force for `sumber` paying for `kelompok` on `on`: a rule naming the group
    beats an every-group rule; among those, the latest start wins."""
    rules = (
        FundingRule.objects.filter(sumber=sumber, berlaku_mulai__lte=on)
        .filter(Q(berlaku_sampai__isnull=True) | Q(berlaku_sampai__gte=on))
        .filter(Q(kelompok_sasaran=kelompok) | Q(kelompok_sasaran=""))
    )
    return max(rules, key=lambda r: (r.kelompok_sasaran != "", r.berlaku_mulai), default=None)


def funding_check(sumber: str, kelompok: str, on: date) -> FundingRule:
    """The rule that allows `sumber` to pay for `kelompok` on `on`, or the error quoting why not."""
    rule = funding_rule_on(sumber, kelompok, on)
    fields = {"sumber": sumber, "kelompok": kelompok, "tanggal": on.isoformat()}
    if rule is None:
        raise FundingRuleMissing(**fields)
    if not rule.boleh:
        raise FundingBarred(**fields, dasar_hukum=rule.dasar_hukum, keterangan=rule.keterangan)
    return rule
