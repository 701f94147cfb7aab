"""BPU premiums from the dated rates table (PremiumRate): what one person costs a month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from cakupan.errors import CakupanError
from cakupan.programmes.models import PremiumRate

PACKAGES = ("JKK,JKM", "JKK,JKM,JHT")


class RateMissing(CakupanError):
    kode = "tarif_tidak_ada"
    pesan = "Tidak ada tarif {komponen} yang berlaku pada {tanggal}: tambahkan di tabel tarif."
    message = "No {komponen} rate is in force on {tanggal}: add one to the rates table."
    http_status = 422


class IncomeTooLow(CakupanError):
    kode = "penghasilan_terlalu_rendah"
    pesan = (
        "Penghasilan yang dilaporkan Rp{penghasilan} di bawah batas terendah Rp{minimum} ({dasar})."
    )
    message = "Declared income Rp{penghasilan} is below the lowest allowed, Rp{minimum} ({dasar})."
    http_status = 422


class PackageInvalid(CakupanError):
    kode = "paket_tidak_valid"
    pesan = "Paket program {paket} tidak dikenal: pilih JKK,JKM atau JKK,JKM,JHT."
    message = "Unknown programme package {paket}: choose JKK,JKM or JKK,JKM,JHT."
    http_status = 422


@dataclass(frozen=True)
class PremiumPart:
    komponen: str
    iuran: int
    dasar_hukum: str


@dataclass(frozen=True)
class Premium:
    """One person's monthly premium and its parts, each with the regulation it comes from."""

    penghasilan: int
    parts: tuple[PremiumPart, ...]

    @property
    def iuran(self) -> int:
        return sum(p.iuran for p in self.parts)


def rate_on(komponen: str, on: date) -> PremiumRate:
    """The rate of `komponen` in force on `on` (the latest that started by then)."""
    rate = (
        PremiumRate.objects.filter(komponen=komponen, berlaku_mulai__lte=on)
        .filter(Q(berlaku_sampai__isnull=True) | Q(berlaku_sampai__gte=on))
        .order_by("-berlaku_mulai")
        .first()
    )
    if rate is None:
        raise RateMissing(komponen=komponen, tanggal=on.isoformat())
    return rate


def income_minimum(on: date) -> int:
    """The lowest declared monthly income a BPU member may report on `on`."""
    return int(rate_on("PENGHASILAN_MIN", on).nominal or 0)


def premium_monthly(
    *, on: date, program: str = "JKK,JKM", penghasilan: int | None = None
) -> Premium:
    """The monthly BPU premium of `program` for a declared income (default: the lowest allowed)."""
    if program not in PACKAGES:
        raise PackageInvalid(paket=program)
    minimum_rate = rate_on("PENGHASILAN_MIN", on)
    minimum = int(minimum_rate.nominal or 0)
    income = minimum if penghasilan is None else int(penghasilan)
    if income < minimum:
        raise IncomeTooLow(penghasilan=income, minimum=minimum, dasar=minimum_rate.dasar_hukum)
    parts = []
    for komponen in program.split(","):
        rate = rate_on(komponen, on)
        if rate.persen is not None:
            amount = (Decimal(income) * rate.persen / 100).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
        else:
            amount = Decimal(rate.nominal or 0)
        parts.append(PremiumPart(komponen, int(amount), rate.dasar_hukum))
    return Premium(penghasilan=income, parts=tuple(parts))
