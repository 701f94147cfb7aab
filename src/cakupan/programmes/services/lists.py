"""Checking one row of a beneficiary list (design.md "People to match" plus `unit`): NIK rules,
required cells, age limits from the dated rates table, the list's village. Pure, no writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cakupan.errors import CakupanError
from cakupan.identity import nik_problems, nik_suspicions, parse_nik
from cakupan.imports.services.cells import parse_date, required
from cakupan.programmes.errors import (
    AgeOutOfRange,
    DuplicateInList,
    SexUnknown,
    TextTooLong,
    VillageMismatch,
)
from cakupan.programmes.models import Programme
from cakupan.programmes.rates import rate_on
from cakupan.programmes.services.common import month_first
from cakupan.regions.selectors import region_exists

COLUMNS = ("nik", "nama", "tanggal_lahir", "jenis_kelamin", "kode_wilayah", "pekerjaan", "unit")
REQUIRED_COLUMNS = COLUMNS[:6]
ALIASES = {
    **{c: c for c in COLUMNS},
    "national_id": "nik",
    "no_ktp": "nik",
    "nomor_induk_kependudukan": "nik",
    "name": "nama",
    "nama_lengkap": "nama",
    "full_name": "nama",
    "date_of_birth": "tanggal_lahir",
    "birth_date": "tanggal_lahir",
    "tgl_lahir": "tanggal_lahir",
    "dob": "tanggal_lahir",
    "sex": "jenis_kelamin",
    "gender": "jenis_kelamin",
    "jk": "jenis_kelamin",
    "region_code": "kode_wilayah",
    "village_code": "kode_wilayah",
    "kode_desa": "kode_wilayah",
    "occupation": "pekerjaan",
    "job": "pekerjaan",
    "agency": "unit",
    "opd": "unit",
    "instansi": "unit",
}
SEXES = {
    "L": "L",
    "P": "P",
    "LAKI-LAKI": "L",
    "LAKI LAKI": "L",
    "LAKI": "L",
    "PEREMPUAN": "P",
    "WANITA": "P",
    "M": "L",
    "MALE": "L",
    "F": "P",
    "FEMALE": "P",
}
LIMITS = {"nama": 200, "pekerjaan": 100, "unit": 200}


@dataclass(frozen=True)
class AgeLimits:
    minimum: int
    maksimum: int
    dasar: str


def age_limits(on: date) -> AgeLimits:
    """The BPU age limits in force on `on` (rates table, komponen USIA_MIN and USIA_MAX)."""
    low, high = rate_on("USIA_MIN", on), rate_on("USIA_MAX", on)
    return AgeLimits(int(low.nominal or 0), int(high.nominal or 0), high.dasar_hukum)


def age_on(born: date, on: date) -> int:
    """Whole years from `born` to `on`."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def masalah_entry(kolom: str, error: CakupanError) -> dict[str, str]:
    """One stored problem: column, code and the message in both languages (NIKs masked)."""
    return {
        "kolom": kolom,
        "kode": error.kode,
        "pesan": error.pesan_id,
        "message": error.message_en,
    }


class RowChecker:
    """Checks rows of one village's list of one programme."""

    def __init__(self, programme: Programme, kode_wilayah: str) -> None:
        self.village = kode_wilayah
        self.start = month_first(programme.bulan_mulai)
        self.limits = age_limits(self.start)
        self.today = date.today()

    def check(self, row: dict[str, str]) -> tuple[dict[str, Any], list[dict[str, str]]]:
        """(model field values, problems) of one row of text cells."""
        found: list[dict[str, str]] = []

        def bad(kolom: str, error: CakupanError) -> None:
            found.append(masalah_entry(kolom, error))

        cell = {k: (row.get(k) or "").strip() for k in COLUMNS}
        nik = cell["nik"]
        info = None
        if not nik:
            bad("nik", required("nik"))
        else:
            try:
                info = parse_nik(nik, region_exists, today=self.today)
            except CakupanError:
                for error in nik_problems(nik, region_exists, today=self.today):
                    bad("nik", error)
        if not cell["nama"]:
            bad("nama", required("nama"))
        for kolom, batas in LIMITS.items():
            if len(cell[kolom]) > batas:
                bad(kolom, TextTooLong(kolom=kolom, batas=batas, panjang=len(cell[kolom])))
        tanggal_lahir = None
        if cell["tanggal_lahir"]:
            try:
                tanggal_lahir = parse_date(cell["tanggal_lahir"], "tanggal_lahir")
            except CakupanError as error:
                bad("tanggal_lahir", error)
        jenis_kelamin = None
        if cell["jenis_kelamin"]:
            jenis_kelamin = SEXES.get(cell["jenis_kelamin"].upper())
            if jenis_kelamin is None:
                bad("jenis_kelamin", SexUnknown(nilai=cell["jenis_kelamin"][:20]))
        if info is not None:
            for suspicion in nik_suspicions(info, tanggal_lahir, jenis_kelamin):
                bad("jenis_kelamin" if "kelamin" in suspicion.kode else "tanggal_lahir", suspicion)
            tanggal_lahir = tanggal_lahir or info.tanggal_lahir
            jenis_kelamin = jenis_kelamin or info.jenis_kelamin
        if tanggal_lahir is None and not cell["tanggal_lahir"]:
            bad("tanggal_lahir", required("tanggal_lahir"))
        if jenis_kelamin is None and not cell["jenis_kelamin"]:
            bad("jenis_kelamin", required("jenis_kelamin"))
        if tanggal_lahir is not None:
            usia = age_on(tanggal_lahir, self.start)
            if not self.limits.minimum <= usia <= self.limits.maksimum:
                bad(
                    "tanggal_lahir",
                    AgeOutOfRange(
                        usia=usia,
                        tanggal=self.start.isoformat(),
                        minimum=self.limits.minimum,
                        maksimum=self.limits.maksimum,
                        dasar=self.limits.dasar,
                    ),
                )
        if cell["kode_wilayah"] and cell["kode_wilayah"] != self.village:
            bad("kode_wilayah", VillageMismatch(nilai=cell["kode_wilayah"][:40], desa=self.village))
        values = {
            "nik": nik[:32],
            "nama": cell["nama"][:200],
            "tanggal_lahir": tanggal_lahir,
            "jenis_kelamin": jenis_kelamin or "",
            "pekerjaan": cell["pekerjaan"][:100],
            "unit": cell["unit"][:200],
            "kode_wilayah": self.village,
        }
        return values, found


def duplicate_problem(first_baris: int) -> dict[str, str]:
    return masalah_entry("nik", DuplicateInList(pertama=first_baris))
