"""Indonesian identifiers — NIK, KPJ, NPP, NIB, NPWP: pure parsing and checks, no database.

Rules from domain.md ("NIK" and "Words"); NPWP check digits from python-stdnum. Every message masks
a NIK with `mask_nik`, also where a NIK turns up in another column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError
from stdnum.id import npwp

from cakupan.errors import CakupanError
from cakupan.lib.masking import mask_nik

RegionExists = Callable[[str], bool]
"""Whether a dotted region code such as "51.03.01" exists (the caller's lookup)."""

NIK_LENGTH = 16
FEMALE_DAY_OFFSET = 40
KPJ_LENGTH = 11
NPP_LENGTH = 8
NIB_LENGTH = 13


class NikWrongLength(CakupanError):
    kode = "nik_panjang_salah"
    pesan = 'NIK "{nilai}": harus 16 angka, tertulis {panjang} karakter.'
    message = 'NIK "{nilai}": must have 16 digits, found {panjang} characters.'


class NikNotDigits(CakupanError):
    kode = "nik_bukan_angka"
    pesan = 'NIK "{nilai}": hanya boleh berisi angka 0–9, ada karakter lain di posisi {posisi}.'
    message = 'NIK "{nilai}": must be digits 0–9 only, found something else at position {posisi}.'


class NikRegionUnknown(CakupanError):
    kode = "nik_wilayah_tidak_ada"
    pesan = (
        'NIK "{nilai}": 6 angka pertama harus kode kecamatan (provinsi, kabupaten/kota, kecamatan) '
        "yang ada dalam daftar wilayah, tetapi kode ini tidak ada."
    )
    message = (
        'NIK "{nilai}": the first 6 digits must be a district code (province, regency, district) '
        "in the region list, but this code is not there."
    )


class NikBirthDateInvalid(CakupanError):
    kode = "nik_tanggal_lahir_tidak_valid"
    pesan = (
        'NIK "{nilai}": angka ke-7 sampai ke-12 harus tanggal lahir DDMMYY (hari 01–31, '
        "ditambah 40 untuk perempuan: 41–71), tetapi {alasan_id}."
    )
    message = (
        'NIK "{nilai}": digits 7 to 12 must be a birth date DDMMYY (day 01–31, plus 40 for women: '
        "41–71), but {reason}."
    )


class NikSerialZero(CakupanError):
    kode = "nik_nomor_urut_nol"
    pesan = 'NIK "{nilai}": nomor urut (4 angka terakhir) 0000, padahal dimulai dari 0001.'
    message = 'NIK "{nilai}": the serial (last 4 digits) is 0000, but serials start at 0001.'


class NikSuspicion(CakupanError):
    """A valid NIK that disagrees with other stated facts: a warning, not a rejection."""

    kode = "nik_mencurigakan"
    pesan = 'NIK "{nilai}" tidak cocok dengan data lain pada baris yang sama.'
    message = 'NIK "{nilai}" disagrees with other data in the same row.'


class NikBirthDateMismatch(NikSuspicion):
    kode = "nik_tanggal_lahir_berbeda"
    pesan = (
        'NIK "{nilai}": tanggal lahir di NIK (angka ke-7 sampai ke-12) berbeda dari tanggal_lahir '
        "tertulis; seharusnya sama, periksa keduanya."
    )
    message = (
        'NIK "{nilai}": the birth date in the NIK (digits 7 to 12) differs from the stated '
        "tanggal_lahir; they should agree, check both."
    )


class NikSexMismatch(NikSuspicion):
    kode = "nik_jenis_kelamin_berbeda"
    pesan = (
        'NIK "{nilai}": menurut NIK jenis_kelamin {jenis_kelamin_nik} (hari lahir ditambah 40 '
        "untuk perempuan), tetapi tertulis {jenis_kelamin}; seharusnya sama, periksa keduanya."
    )
    message = (
        'NIK "{nilai}": the NIK says jenis_kelamin {jenis_kelamin_nik} (40 is added to the birth '
        "day for women), but the stated one is {jenis_kelamin}; they should agree, check both."
    )


class KpjInvalid(CakupanError):
    kode = "kpj_tidak_valid"
    pesan = 'KPJ harus 11 angka tanpa tanda baca, tertulis "{nilai}".'
    message = 'KPJ must be 11 digits with no punctuation, found "{nilai}".'


class NppInvalid(CakupanError):
    kode = "npp_tidak_valid"
    pesan = 'NPP harus 8 angka tanpa tanda baca, tertulis "{nilai}".'
    message = 'NPP must be 8 digits with no punctuation, found "{nilai}".'


class NibInvalid(CakupanError):
    kode = "nib_tidak_valid"
    pesan = 'NIB harus 13 angka tanpa tanda baca, tertulis "{nilai}".'
    message = 'NIB must be 13 digits with no punctuation, found "{nilai}".'


class NpwpInvalid(CakupanError):
    kode = "npwp_tidak_valid"
    pesan = (
        'NPWP "{nilai}": {alasan_id}; NPWP harus 15 angka (format lama) atau 16 angka, '
        "boleh dengan titik, tanda hubung atau spasi."
    )
    message = (
        'NPWP "{nilai}": {reason}; an NPWP has 15 digits (old format) or 16, '
        "optionally with dots, dashes or spaces."
    )


@dataclass(frozen=True)
class NikInfo:
    """A valid NIK and what it encodes — domain.md "NIK". `repr` leaves the NIK out."""

    nik: str = field(repr=False)
    province_code: str
    regency_code: str
    district_code: str
    tanggal_lahir: date
    jenis_kelamin: str
    serial: str

    @property
    def masked(self) -> str:
        """The NIK as messages and reports may show it, `5103********0001`."""
        return mask_nik(self.nik)


def _is_digits(value: str) -> bool:
    """Whether `value` is one or more ASCII digits 0–9 (`str.isdigit` also takes other scripts)."""
    return value.isascii() and value.isdigit()


def _shown(value: str) -> str:
    """`value` as a message may show it: masked when it looks like a NIK (16 digits, not 0…)."""
    if len(value) == NIK_LENGTH and _is_digits(value) and not value.startswith("0"):
        return mask_nik(value)
    return value


def _district_code(nik: str) -> str:
    """The dotted district code of digits 1–6, "51.03.01" — domain.md "NIK"."""
    return f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"


def _birth(nik: str, today: date) -> tuple[date, str]:
    """Birth date and sex from digits 7–12, DDMMYY with 40 added to the day for women — domain.md.

    The year is 20YY unless that is after `today`, then 19YY. Raises NikBirthDateInvalid.
    """
    coded_day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    jenis_kelamin = "P" if coded_day > FEMALE_DAY_OFFSET else "L"
    day = coded_day - FEMALE_DAY_OFFSET if jenis_kelamin == "P" else coded_day
    reasons: list[tuple[str, str]] = []
    if not 1 <= day <= 31:
        reasons.append(("harinya bukan 01–31 atau 41–71", "the day is neither 01–31 nor 41–71"))
    if not 1 <= month <= 12:
        reasons.append(("bulannya bukan 01–12", "the month is not 01–12"))
    if not reasons:
        candidates: list[date] = []
        for century in (2000, 1900):
            try:
                candidates.append(date(century + yy, month, day))
            except ValueError:
                continue
        for candidate in candidates:
            if candidate <= today:
                return candidate, jenis_kelamin
        if candidates:
            reasons.append(("tanggalnya sesudah hari ini", "the date is after today"))
        else:
            reasons.append(("tanggal itu tidak ada di kalender", "that date does not exist"))
    raise NikBirthDateInvalid(
        nilai=mask_nik(nik),
        alasan_id=" dan ".join(alasan for alasan, _ in reasons),
        reason=" and ".join(reason for _, reason in reasons),
    )


def nik_problems(
    value: str, region_exists: RegionExists, *, today: date | None = None
) -> list[CakupanError]:
    """Every problem of a NIK: 16 digits, known district, DDMMYY (+40), serial ≠ 0000 — domain.md.

    Surrounding whitespace is ignored. A wrong length or a non-digit is reported alone, since the
    parts cannot then be located; otherwise region, birth date and serial are all checked.
    `region_exists` is called once, with the dotted district code ("51.03.01").
    """
    nik = value.strip()
    shown = mask_nik(nik)
    found: list[CakupanError] = []
    if len(nik) != NIK_LENGTH:
        found.append(NikWrongLength(nilai=shown, panjang=len(nik)))
    non_digits = [str(position) for position, char in enumerate(nik, 1) if not _is_digits(char)]
    if non_digits:
        found.append(NikNotDigits(nilai=shown, posisi=", ".join(non_digits)))
    if found:
        return found
    if not region_exists(_district_code(nik)):
        found.append(NikRegionUnknown(nilai=shown))
    try:
        _birth(nik, today or date.today())
    except NikBirthDateInvalid as error:
        found.append(error)
    if nik[12:] == "0000":
        found.append(NikSerialZero(nilai=shown))
    return found


def parse_nik(value: str, region_exists: RegionExists, *, today: date | None = None) -> NikInfo:
    """A NIK's parts, or the first of `nik_problems` raised — domain.md "NIK"."""
    today = today or date.today()
    nik = value.strip()
    try:
        # The common case, a valid NIK, in one pass; any doubt goes to the full check.
        if not (len(nik) == NIK_LENGTH and nik.isascii() and nik.isdigit()):
            raise ValueError
        if not region_exists(_district_code(nik)) or nik[12:] == "0000":
            raise ValueError
        tanggal_lahir, jenis_kelamin = _birth(nik, today)
    except (ValueError, NikBirthDateInvalid):
        raise nik_problems(value, region_exists, today=today)[0] from None
    return NikInfo(
        nik=nik,
        province_code=nik[0:2],
        regency_code=f"{nik[0:2]}.{nik[2:4]}",
        district_code=_district_code(nik),
        tanggal_lahir=tanggal_lahir,
        jenis_kelamin=jenis_kelamin,
        serial=nik[12:],
    )


def nik_suspicions(
    info: NikInfo, tanggal_lahir: date | None, jenis_kelamin: str | None
) -> list[CakupanError]:
    """Warnings where the stated birth date or sex ("L"/"P") disagrees with the NIK — domain.md.

    The NIK holds a 2-digit year, so only day, month and the year's last two digits are compared.
    A missing fact, or a jenis_kelamin other than L/P (the caller's to reject), is not compared.
    """
    suspicions: list[CakupanError] = []
    if tanggal_lahir is not None:
        from_nik = info.tanggal_lahir
        if (tanggal_lahir.day, tanggal_lahir.month, tanggal_lahir.year % 100) != (
            from_nik.day,
            from_nik.month,
            from_nik.year % 100,
        ):
            suspicions.append(NikBirthDateMismatch(nilai=info.masked))
    stated = (jenis_kelamin or "").strip().upper()
    if stated in ("L", "P") and stated != info.jenis_kelamin:
        suspicions.append(
            NikSexMismatch(
                nilai=info.masked, jenis_kelamin_nik=info.jenis_kelamin, jenis_kelamin=stated
            )
        )
    return suspicions


def _parse_digits(value: str, length: int, error: type[CakupanError]) -> str:
    """`value` without surrounding whitespace when it is exactly `length` digits, else `error`."""
    compact = value.strip()
    if len(compact) != length or not _is_digits(compact):
        raise error(nilai=_shown(compact))
    return compact


def parse_kpj(value: str) -> str:
    """A KPJ, the participant card number: 11 digits — domain.md "Words"."""
    return _parse_digits(value, KPJ_LENGTH, KpjInvalid)


def parse_npp(value: str) -> str:
    """An NPP, the employer's registration number at BPJS Ketenagakerjaan: 8 digits — domain.md."""
    return _parse_digits(value, NPP_LENGTH, NppInvalid)


def parse_nib(value: str) -> str:
    """A NIB, the business identification number from OSS: 13 digits — domain.md "Words"."""
    return _parse_digits(value, NIB_LENGTH, NibInvalid)


def _npwp_reason(error: ValidationError, compact: str) -> tuple[str, str]:
    """Why python-stdnum refused an NPWP, in Indonesian and English."""
    if isinstance(error, InvalidLength) or not compact:
        count = len(compact)
        return f"jumlahnya {count} angka", f"it has {count} digits"
    if isinstance(error, InvalidChecksum):
        return (
            "angka pemeriksa (ke-9, atau ke-10 pada 16 angka berawalan 0) salah",
            "the check digit (the 9th, or the 10th in 16 digits starting with 0) is wrong",
        )
    if isinstance(error, InvalidComponent):
        return (
            "16 angka yang tidak berawalan 0 harus NIK yang sah (wilayah dan tanggal lahir)",
            "16 digits not starting with 0 must be a valid NIK (region and birth date)",
        )
    return "ada karakter selain angka", "it has characters other than digits"


def parse_npwp(value: str) -> str:
    """An NPWP's digits: 15 (old) or 16 (a NIK, or 0 + the old 15), checked by `stdnum.id.npwp`.

    Dots, dashes and spaces are removed. python-stdnum checks the Luhn digit over the first 9
    digits (15-digit form) or 10 digits (16 digits starting with 0); 16 digits not starting with 0
    must pass its NIK check (province and regency in its own list, a real birth date).
    """
    compact = npwp.compact(value)
    try:
        return npwp.validate(compact)
    except ValidationError as error:
        alasan_id, reason = _npwp_reason(error, compact)
        raise NpwpInvalid(nilai=_shown(compact), alasan_id=alasan_id, reason=reason) from error


def problems(parser: Callable[[str], object], value: str) -> list[CakupanError]:
    """What `parser` (`parse_kpj`, `parse_npwp`, …) refuses in `value`: empty when it parses."""
    try:
        parser(value)
    except CakupanError as error:
        return [error]
    return []
