"""Compliance certificates: a signed code, a one-page bilingual PDF with its QR code, verification
of a code or of a PDF, and revocation when an employer's status changes.

The code (compliance.signing) states the certificate's claims, so a scan verifies without trusting
the page it came from; whether the certificate still holds is judged against the employer's
current ComplianceStatus. A PDF is genuine only byte for byte: its sha256 must be an issued one.
The PDF names the business and counts nothing about its workers but what the reasons say.
"""

from __future__ import annotations

import io
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from hashlib import sha256
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from cakupan.accounts.scope import require_capability, require_scope
from cakupan.audit.services import audit_record
from cakupan.compliance.models import STATUS_ORDER, Certificate, ComplianceStatus, Status
from cakupan.compliance.signing import CertificateInvalid, code_sign, code_verify
from cakupan.coverage.report import (
    BRAND,
    BRAND_SOFT,
    DANGER,
    INK,
    INK_SOFT,
    LINE,
    MONTHS,
    SUCCESS,
    WHITE,
    period_label,
    sanitise,
)
from cakupan.errors import InvalidInput

VALID_DAYS = 90
NAME_BYTES_IN_CODE = 80  # the business name is cut to this many UTF-8 bytes inside the code
BATCH = 500

# Readable claim → its one-letter key inside the code (keeps the code and its QR small).
CLAIM_KEYS = {
    "npp": "p",
    "nib": "b",
    "nama": "n",
    "periode": "m",
    "status": "s",
    "valid_until": "u",
    "issued": "i",
    "nonce": "r",  # two certificates of the same claims on the same day get different codes
}
REQUIRED_CLAIMS = ("nama", "periode", "status", "valid_until", "issued")
DATE_CLAIMS = ("valid_until", "issued")

# Status in words, Indonesian and English, for the PDF and the verify page (shown side by side).
STATUS_WORDS: dict[str, tuple[str, str]] = {
    Status.PWBD: ("Belum terdaftar (PWBD)", "Not registered (PWBD)"),
    Status.TUNGGAKAN: ("Menunggak iuran", "In arrears"),
    Status.PDS_TK: (
        "Belum semua pekerja terdaftar (PDS-TK)",
        "Not all workers registered (PDS-TK)",
    ),
    Status.PDS_UPAH: ("Upah dilaporkan lebih rendah (PDS-Upah)", "Wages under-reported (PDS-Upah)"),
    Status.PDS_PROGRAM: (
        "Belum semua program diikuti (PDS-Program)",
        "Programmes missing (PDS-Program)",
    ),
    Status.PATUH: ("Patuh", "Compliant"),
}

MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Why a certificate does or does not hold: stable code → (Indonesian, English).
VERDICT_VALID = "berlaku"
VERDICT_NO_LONGER = "tidak_berlaku"
VERDICT_NOT_GENUINE = "tidak_sah"
REASONS: dict[str, tuple[str, str]] = {
    "berlaku": (
        "Status kepatuhan usaha ini masih sama dengan yang tertulis di surat keterangan.",
        "The business's compliance status is still the one the certificate states.",
    ),
    "status_berubah": (
        "Status kepatuhan usaha ini telah berubah sejak surat keterangan diterbitkan.",
        "The business's compliance status has changed since the certificate was issued.",
    ),
    "tidak_tercatat": (
        "Usaha ini tidak lagi tercatat dalam data kepatuhan untuk periode surat keterangan.",
        "The business is no longer in the compliance data for the certificate's period.",
    ),
    "dicabut": (
        "Surat keterangan ini telah dicabut pada {tanggal_id}.",
        "The certificate was revoked on {tanggal_en}.",
    ),
    "kedaluwarsa": (
        "Masa berlaku surat keterangan ini berakhir pada {tanggal_id}.",
        "The certificate expired on {tanggal_en}.",
    ),
    "pdf_tidak_dikenal": (
        "Berkas ini tidak sama persis dengan surat keterangan yang diterbitkan Cakupan: "
        "berkas telah diubah atau bukan surat asli.",
        "This file is not identical to a certificate issued by Cakupan: it was changed or is "
        "not genuine.",
    ),
}


# ---------------------------------------------------------------------------------- words


def date_id(day: date) -> str:
    """25 November 2026 (Indonesian month names)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def date_en(day: date) -> str:
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def period_label_en(periode: str) -> str:
    """2026-10 → "October 2026"; anything else as it is."""
    try:
        year, month = (int(p) for p in periode.split("-"))
        return f"{MONTHS_EN[month - 1]} {year}"
    except (ValueError, IndexError):
        return periode


def status_words(status: str) -> tuple[str, str]:
    return STATUS_WORDS.get(status, (status, status))


def _cut_utf8(text: str, limit: int) -> str:
    """`text` cut at a character boundary to at most `limit` UTF-8 bytes, "…" marking a cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    while text and len((text + "…").encode("utf-8")) > limit:
        text = text[:-1]
    return text.rstrip() + "…"


# ---------------------------------------------------------------------------------- claims


def certificate_claims(
    status: ComplianceStatus, *, valid_days: int = VALID_DAYS, today: date | None = None
) -> dict[str, str]:
    """What a certificate of `status` states: npp, nib, nama, periode, status, valid_until and
    issued (ISO dates); the name is cut to NAME_BYTES_IN_CODE bytes so the code stays short."""
    issued = today or timezone.localdate()
    return {
        "npp": status.npp,
        "nib": status.nib,
        "nama": _cut_utf8(status.nama, NAME_BYTES_IN_CODE),
        "periode": status.periode,
        "status": status.status,
        "valid_until": (issued + timedelta(days=valid_days)).isoformat(),
        "issued": issued.isoformat(),
    }


def _compact(claims: dict[str, str]) -> dict[str, str]:
    """The claims as the code carries them: one-letter keys, dates as YYYYMMDD, no empty NPP/NIB."""
    out = {}
    for key, value in claims.items():
        if key in ("npp", "nib") and not value:
            continue
        out[CLAIM_KEYS[key]] = value.replace("-", "") if key in DATE_CLAIMS else value
    return out


def _expand(compact: dict[str, Any]) -> dict[str, Any]:
    """The readable claims of a verified code; CertificateInvalid when something is missing."""
    out: dict[str, Any] = {k: compact.get(short, "") for k, short in CLAIM_KEYS.items()}
    out["kid"] = compact.get("kid", "")
    try:
        if not all(isinstance(out[k], str) and out[k] for k in REQUIRED_CLAIMS):
            raise ValueError("missing claim")
        if not (isinstance(out["npp"], str) and isinstance(out["nib"], str)):
            raise ValueError("identifier is not text")
        if not (out["npp"] or out["nib"]):
            raise ValueError("no identifier")
        for key in DATE_CLAIMS:
            out[key] = datetime.strptime(out[key], "%Y%m%d").date()
    except (TypeError, ValueError):
        raise CertificateInvalid(
            alasan_id="isi kode tidak lengkap", reason="the code's content is incomplete"
        ) from None
    return out


def certificate_code(claims: dict[str, str], *, unique: bool = False) -> str:
    """The signed code of `claims` (as `certificate_claims` gives them). `unique` adds a random
    nonce, so two certificates of the same claims on the same day get different codes."""
    if unique:
        claims = {**claims, "nonce": secrets.token_urlsafe(3)}
    return code_sign(_compact(claims))


# ---------------------------------------------------------------------------------- current status


def _key(npp: str, nib: str) -> tuple[str, str]:
    """Who a certificate is about: the employer (NPP) when it has one, else the business (NIB)."""
    return ("npp", npp) if npp else ("nib", nib)


@dataclass(frozen=True)
class _Current:
    periode: str
    status: str


def _current_statuses(wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[Any]]:
    """(npp, nib) of each certificate → the rows of its newest period, one query per batch."""
    pairs = list(dict.fromkeys(wanted))
    keys = {_key(npp, nib) for npp, nib in pairs}
    npps = sorted(v for kind, v in keys if kind == "npp")
    nibs = sorted(v for kind, v in keys if kind == "nib")
    newest_by_npp = (
        ComplianceStatus.objects.filter(npp=OuterRef("npp")).order_by("-periode").values("periode")
    )
    newest_by_nib = (
        ComplianceStatus.objects.filter(nib=OuterRef("nib")).order_by("-periode").values("periode")
    )
    found: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for start in range(0, max(len(npps), len(nibs), 1), BATCH):
        some_npps, some_nibs = npps[start : start + BATCH], nibs[start : start + BATCH]
        if not some_npps and not some_nibs:
            break
        q = Q(pk__in=[])
        if some_npps:
            q |= Q(npp__in=some_npps, periode=Subquery(newest_by_npp[:1]))
        if some_nibs:
            q |= Q(nib__in=some_nibs, periode=Subquery(newest_by_nib[:1]))
        for npp, nib, periode, status in ComplianceStatus.objects.filter(q).values_list(
            "npp", "nib", "periode", "status"
        ):
            if npp in some_npps:
                found[("npp", npp)].append((nib, periode, status))
            if nib in some_nibs:
                found[("nib", nib)].append((nib, periode, status))
    return found


def _pick(rows: list[Any], nib: str) -> _Current | None:
    """The row that speaks for a certificate: the same NIB if there is one, else the worst."""
    if not rows:
        return None
    same = [r for r in rows if nib and r[0] == nib]
    row = min(same or rows, key=lambda r: STATUS_ORDER.index(r[2]) if r[2] in STATUS_ORDER else 0)
    return _Current(periode=row[1], status=row[2])


def _judge(*, periode: str, status: str, current: _Current | None) -> tuple[str, str] | None:
    """None when `current` still says what the certificate says, else (reason code, revocation
    text kept on the Certificate row)."""
    if current is None or current.periode < periode:
        return (
            "tidak_tercatat",
            "Tidak ada lagi status kepatuhan untuk usaha ini / No compliance status any more",
        )
    if current.status != status:
        new_id, new_en = status_words(current.status)
        return (
            "status_berubah",
            f"Status berubah menjadi {new_id} (periode {current.periode}) / "
            f"Status changed to {new_en} (period {current.periode})",
        )
    return None


# ---------------------------------------------------------------------------------- verification


@dataclass
class Verification:
    """The verdict on a code or a PDF: genuine or not, and whether what it states still holds."""

    valid_signature: bool
    claims: dict[str, Any] | None  # readable claims (npp, nib, nama, …) of a genuine code
    still_holds: bool
    reason_id: str
    reason_en: str
    certificate: Certificate | None = None
    reason_code: str = ""  # berlaku, status_berubah, tidak_tercatat, dicabut, kedaluwarsa, …

    @property
    def verdict(self) -> str:
        """berlaku (valid and holds), tidak_berlaku (genuine, no longer holds) or tidak_sah."""
        if not self.valid_signature:
            return VERDICT_NOT_GENUINE
        return VERDICT_VALID if self.still_holds else VERDICT_NO_LONGER

    @property
    def nama(self) -> str:
        """The business name as the certificate states it (in full when the row is known)."""
        if self.certificate is not None:
            return self.certificate.nama
        return (self.claims or {}).get("nama", "")


def _not_genuine(reason_id: str, reason_en: str, code: str = "tidak_sah") -> Verification:
    return Verification(False, None, False, reason_id, reason_en, None, code)


def _reason(code: str, day: date | None = None) -> tuple[str, str]:
    text_id, text_en = REASONS[code]
    if day is not None:
        return text_id.format(tanggal_id=date_id(day)), text_en.format(tanggal_en=date_en(day))
    return text_id, text_en


def certificate_verify(code: str, *, today: date | None = None) -> Verification:
    """Is `code` genuine, and does what it states still hold? Never raises for a bad code."""
    try:
        claims = _expand(code_verify(code))
    except CertificateInvalid as error:
        return _not_genuine(error.pesan_id, error.message_en)
    cert = Certificate.objects.filter(kode=code).first()
    rows = _current_statuses([(claims["npp"], claims["nib"])])
    current = _pick(rows.get(_key(claims["npp"], claims["nib"]), []), claims["nib"])
    changed = _judge(periode=claims["periode"], status=claims["status"], current=current)
    today = today or timezone.localdate()
    if changed is not None:
        reason_code, day = changed[0], None
    elif cert is not None and cert.revoked_at is not None:
        reason_code, day = "dicabut", timezone.localdate(cert.revoked_at)
    elif claims["valid_until"] < today:
        reason_code, day = "kedaluwarsa", claims["valid_until"]
    else:
        reason_code, day = "berlaku", None
    reason_id, reason_en = _reason(reason_code, day)
    return Verification(
        valid_signature=True,
        claims=claims,
        still_holds=reason_code == "berlaku",
        reason_id=reason_id,
        reason_en=reason_en,
        certificate=cert,
        reason_code=reason_code,
    )


def certificate_verify_pdf(data: bytes, *, today: date | None = None) -> Verification:
    """A PDF is genuine only if it is, byte for byte, one Cakupan issued; then its code decides."""
    cert = None
    if data.startswith(b"%PDF"):
        cert = Certificate.objects.filter(pdf_sha256=sha256(data).hexdigest()).first()
    if cert is None:
        return _not_genuine(*REASONS["pdf_tidak_dikenal"], code="pdf_tidak_dikenal")
    return certificate_verify(cert.kode, today=today)


# ---------------------------------------------------------------------------------- revocation


def certificates_revoke_changed() -> int:
    """Revoke every unrevoked certificate whose employer or business no longer has the status it
    states (or no status at all); returns how many. Set-based: one read of the certificates, one
    of their current statuses per batch, one update per distinct reason."""
    certs = list(
        Certificate.objects.filter(revoked_at__isnull=True).values_list(
            "pk", "npp", "nib", "periode", "status"
        )
    )
    if not certs:
        return 0
    rows = _current_statuses((npp, nib) for _, npp, nib, _, _ in certs)
    by_reason: dict[str, list[int]] = defaultdict(list)
    for pk, npp, nib, periode, status in certs:
        current = _pick(rows.get(_key(npp, nib), []), nib)
        changed = _judge(periode=periode, status=status, current=current)
        if changed is not None:
            by_reason[changed[1][:300]].append(pk)
    now = timezone.now()
    revoked = 0
    with transaction.atomic():
        for reason, pks in by_reason.items():
            for start in range(0, len(pks), BATCH):
                revoked += Certificate.objects.filter(
                    pk__in=pks[start : start + BATCH], revoked_at__isnull=True
                ).update(revoked_at=now, revoked_reason=reason)
        if revoked:
            audit_record(
                actor=None,
                action="certificate.revoke",
                rows=revoked,
                detail={"reasons": {r: len(p) for r, p in by_reason.items()}},
            )
    return revoked


# ---------------------------------------------------------------------------------- issue


def default_verify_url(kode: str) -> str:
    """The public verify address of `kode` on this installation's first allowed host."""
    try:
        path = reverse("certificate_verify", kwargs={"code": kode})
    except NoReverseMatch:
        path = f"/verify/{kode}"
    host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
    scheme = "https" if getattr(settings, "SECURE", False) else "http"
    return f"{scheme}://{host.lstrip('.')}{path}"


@transaction.atomic
def certificate_issue(
    *,
    status: ComplianceStatus,
    acting_user: Any,
    verify_url: Callable[[str], str] | None = None,
    valid_days: int = VALID_DAYS,
) -> tuple[Certificate, bytes]:
    """Issue a certificate stating `status` (whatever it is; the PDF says plainly whether it is
    "compliant"): sign its claims, render the PDF, keep the row with the PDF's sha256, audit."""
    require_capability(acting_user, "compliance.followup")
    require_scope(acting_user, status.kode_wilayah)
    if not (status.npp or status.nib):
        raise InvalidInput(
            kolom="npp/nib",
            pesan_rinci="status ini tidak punya NPP maupun NIB",
            detail="this status has neither NPP nor NIB",
        )
    now = timezone.now()
    claims = certificate_claims(status, valid_days=valid_days, today=timezone.localdate(now))
    kode = certificate_code(claims, unique=True)
    cert = Certificate(
        kode=kode,
        npp=status.npp,
        nib=status.nib,
        nama=status.nama,
        periode=status.periode,
        status=status.status,
        valid_until=date.fromisoformat(claims["valid_until"]),
        issued_at=now,
        issued_by=acting_user if isinstance(acting_user, AbstractBaseUser) else None,
    )
    pdf = certificate_pdf(cert, (verify_url or default_verify_url)(kode), alasan=status.alasan)
    cert.pdf_sha256 = sha256(pdf).hexdigest()
    cert.full_clean()
    cert.save()
    audit_record(
        actor=acting_user,
        action="certificate.issue",
        target=cert,
        region_code=status.kode_wilayah,
        detail={
            "npp": status.npp,
            "nib": status.nib,
            "periode": status.periode,
            "status": status.status,
            "valid_until": claims["valid_until"],
        },
    )
    return cert, pdf


# ---------------------------------------------------------------------------------- PDF

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 18.0
CONTENT_W = PAGE_W - 2 * MARGIN
LABEL_W = 42.0
VALUE_X = MARGIN + LABEL_W
VALUE_W = CONTENT_W - LABEL_W
ROW_H = 6.0
QR_SIZE = 32.0
BODY_TOP = 28.0  # below the letterhead
FOOT_TOP = PAGE_H - 13.0 - QR_SIZE  # the verification block
BODY_BOTTOM = FOOT_TOP - 5.0
FOLD = (BODY_TOP + BODY_BOTTOM) / 2 + 1.0  # between the Indonesian and the English statement
HALF_ROOM = FOLD - BODY_TOP - 4.0  # height each statement may take
# Ways to fit many or long reasons into a half, tried in order: (reasons shown, lines each).
FITS = ((4, 2), (3, 2), (3, 1), (2, 1), (1, 1))


class _Pdf(FPDF):
    """FPDF whose text never raises on a character outside cp1252."""

    def normalize_text(self, text: str) -> str:
        return super().normalize_text(sanitise(text))


@dataclass
class _Half:
    """The words of one half of the page."""

    language: str
    title: str
    subtitle: str
    intro: str
    labels: dict[str, str]
    verdict: str  # PATUH / TIDAK PATUH
    status_words: str
    reasons: list[str]
    more_reasons: str  # "… dan {n} alasan lain"
    periode: str
    valid_until: str
    issued: str
    note: str
    missing: str  # shown for an absent NPP or NIB


def _halves(cert: Certificate, alasan: list[dict[str, Any]]) -> tuple[_Half, _Half]:
    issued = timezone.localtime(cert.issued_at)
    zone = issued.strftime("%Z")
    compliant = cert.status == Status.PATUH
    words_id, words_en = status_words(cert.status)
    indonesian = _Half(
        language="id",
        title="SURAT KETERANGAN KEPATUHAN",
        subtitle="Jaminan Sosial Ketenagakerjaan",
        intro=(
            "Berdasarkan data kepesertaan BPJS Ketenagakerjaan periode "
            f"{period_label(cert.periode)} yang diolah oleh Cakupan, dengan ini diterangkan "
            "status kepatuhan usaha di bawah ini."
        ),
        labels={
            "nama": "Nama usaha",
            "npp": "NPP",
            "nib": "NIB",
            "periode": "Periode data",
            "status": "Status kepatuhan",
            "alasan": "Alasan",
            "valid_until": "Berlaku sampai",
            "issued": "Diterbitkan",
        },
        verdict="PATUH" if compliant else "TIDAK PATUH",
        status_words=words_id,
        reasons=[str(a.get("pesan") or a.get("kode") or "") for a in alasan],
        more_reasons="… dan {n} alasan lain",
        periode=period_label(cert.periode),
        valid_until=f"{date_id(cert.valid_until)}, selama status kepatuhan tidak berubah",
        issued=(
            f"{date_id(issued.date())} pukul {issued:%H.%M} {zone} oleh BPJS Ketenagakerjaan "
            "melalui Cakupan"
        ),
        note=(
            "Status dihitung dari data pendaftaran, upah dan iuran yang tercatat di BPJS "
            "Ketenagakerjaan; sanksi bagi pemberi kerja yang tidak mendaftarkan pekerjanya diatur "
            "dalam PP 86/2013."
            if compliant
            else "Surat keterangan ini menyatakan status TIDAK PATUH dan bukan bukti kepatuhan "
            "untuk perizinan berusaha (PP 86/2013)."
        ),
        missing="belum ada",
    )
    english = _Half(
        language="en",
        title="STATEMENT OF COMPLIANCE",
        subtitle="Employment Social Security",
        intro=(
            f"Based on BPJS Ketenagakerjaan membership data for {period_label_en(cert.periode)}, "
            "as processed by Cakupan, this states the compliance status of the business below."
        ),
        labels={
            "nama": "Business name",
            "npp": "NPP",
            "nib": "NIB",
            "periode": "Data period",
            "status": "Compliance status",
            "alasan": "Reasons",
            "valid_until": "Valid until",
            "issued": "Issued",
        },
        verdict="COMPLIANT" if compliant else "NOT COMPLIANT",
        status_words=words_en,
        reasons=[str(a.get("message") or a.get("kode") or "") for a in alasan],
        more_reasons="… and {n} more",
        periode=period_label_en(cert.periode),
        valid_until=f"{date_en(cert.valid_until)}, as long as the compliance status is unchanged",
        issued=(
            f"{date_en(issued.date())} at {issued:%H:%M} {zone} by BPJS Ketenagakerjaan "
            "through Cakupan"
        ),
        note=(
            "The status is computed from the registration, wage and contribution data held by "
            "BPJS Ketenagakerjaan; sanctions for employers that do not register their workers are "
            "set by Government Regulation PP 86/2013."
            if compliant
            else "This statement records a NOT COMPLIANT status and is not proof of compliance "
            "for business licensing (Government Regulation PP 86/2013)."
        ),
        missing="none yet",
    )
    return indonesian, english


def _text(
    pdf: FPDF,
    x: float,
    y: float,
    w: float,
    h: float,
    text: str,
    size: float,
    style: str = "",
    colour: str = INK,
    align: str = "L",
    family: str = "Helvetica",
) -> None:
    pdf.set_font(family, style, size)
    pdf.set_text_color(colour)
    pdf.set_xy(x, y)
    pdf.cell(w, h, text, align=align)


def _lines(pdf: FPDF, w: float, text: str) -> list[str]:
    """`text` broken into lines of width `w` in the current font, as text."""
    broken = pdf.multi_cell(w, 4, text, align="L", dry_run=True, output=MethodReturnValue.LINES)
    # fpdf2 hands the lines back already encoded for the font; decode them to text.
    return [line.encode("latin-1").decode("cp1252") for line in broken]


def _para(
    pdf: FPDF,
    x: float,
    y: float,
    w: float,
    text: str,
    size: float,
    style: str = "",
    colour: str = INK,
    line_h: float = 4.3,
    max_lines: int = 3,
) -> float:
    """A paragraph wrapped to `w`, at most `max_lines` lines ("…" marks a cut); the y below it."""
    pdf.set_font("Helvetica", style, size)
    lines = _lines(pdf, w, text)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [lines[max_lines - 1].rstrip() + " …"]
    for i, line in enumerate(lines):
        _text(pdf, x, y + i * line_h, w, line_h, line, size, style, colour)
    return y + len(lines) * line_h


def _half(pdf: FPDF, cert: Certificate, words: _Half, top: float, fit: tuple[int, int]) -> float:
    """One language's statement from `top`; returns the y below it."""
    _text(pdf, MARGIN, top, CONTENT_W, 8, words.title, 17, "B", BRAND, "C")
    _text(pdf, MARGIN, top + 8, CONTENT_W, 5, words.subtitle, 10.5, "", INK_SOFT, "C")
    y = _para(pdf, MARGIN, top + 16, CONTENT_W, words.intro, 9.2, line_h=4.4, max_lines=2) + 4

    def label(text: str, at: float) -> None:
        _text(pdf, MARGIN, at, LABEL_W, ROW_H, text, 8.5, "", INK_SOFT)

    label(words.labels["nama"], y)
    y = _para(pdf, VALUE_X, y, VALUE_W, cert.nama, 11.5, "B", line_h=ROW_H, max_lines=2)
    for key, value in (
        ("npp", cert.npp or words.missing),
        ("nib", cert.nib or words.missing),
        ("periode", words.periode),
    ):
        label(words.labels[key], y)
        _text(pdf, VALUE_X, y, VALUE_W, ROW_H, value, 10)
        y += ROW_H

    # The status, in a box coloured by what it means for licensing.
    y += 1.5
    box_h = 8.0
    label(words.labels["status"], y + 1.0)
    compliant = cert.status == Status.PATUH
    pdf.set_fill_color(SUCCESS if compliant else DANGER)
    pdf.rect(VALUE_X, y, VALUE_W, box_h, style="F")
    pdf.set_font("Helvetica", "B", 11.5)
    head_w = pdf.get_string_width(words.verdict)
    _text(pdf, VALUE_X + 3, y, head_w + 1, box_h, words.verdict, 11.5, "B", WHITE)
    if not compliant:
        rest = f"–  {words.status_words}"
        _text(pdf, VALUE_X + 6 + head_w, y, VALUE_W - head_w - 8, box_h, rest, 9.5, "", WHITE)
    y += box_h + 1.8

    shown, lines_each = fit
    if words.reasons:
        label(words.labels["alasan"], y - 0.8)
        for reason in words.reasons[:shown]:
            y = _para(
                pdf, VALUE_X, y, VALUE_W, f"•  {reason}", 8.6, line_h=4.2, max_lines=lines_each
            )
        hidden = len(words.reasons) - shown
        if hidden > 0:
            more = words.more_reasons.format(n=hidden)
            _text(pdf, VALUE_X, y, VALUE_W, 4.2, more, 8.6, "I", INK_SOFT)
            y += 4.2
        y += 1.8
    label(words.labels["valid_until"], y)
    _text(pdf, VALUE_X, y, VALUE_W, ROW_H, words.valid_until, 10, "B")
    y += ROW_H
    label(words.labels["issued"], y)
    y = _para(pdf, VALUE_X, y, VALUE_W, words.issued, 9, line_h=ROW_H, max_lines=2) + 3

    pdf.set_font("Helvetica", "I", 7.8)
    note_lines = min(len(_lines(pdf, CONTENT_W - 7, words.note)), 2)
    note_h = 3.7 * note_lines + 3.4
    pdf.set_fill_color(BRAND_SOFT)
    pdf.rect(MARGIN, y, CONTENT_W, note_h, style="F")
    pdf.set_fill_color(BRAND)
    pdf.rect(MARGIN, y, 1.0, note_h, style="F")
    _para(pdf, MARGIN + 4.5, y + 1.7, CONTENT_W - 7, words.note, 7.8, "I", INK_SOFT, 3.7, 2)
    return y + note_h


def _new_pdf() -> _Pdf:
    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    pdf.core_fonts_encoding = "cp1252"
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.c_margin = 0
    pdf.add_page()
    return pdf


def _fit(cert: Certificate, halves: tuple[_Half, _Half]) -> tuple[int, int]:
    """The most reasons, with the most lines each, that let both statements fit their half."""
    for fit in FITS:
        scratch = _new_pdf()
        if all(_half(scratch, cert, words, 0, fit) <= HALF_ROOM for words in halves):
            return fit
    return FITS[-1]


def _qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=4, border=4)
    return buffer.getvalue()


def _letterhead(pdf: FPDF) -> None:
    pdf.set_fill_color(BRAND)
    pdf.rect(0, 0, PAGE_W, 4, style="F")
    _text(pdf, MARGIN, 9, 120, 6, "BPJS KETENAGAKERJAAN", 13, "B", BRAND)
    _text(
        pdf,
        MARGIN,
        15,
        120,
        4,
        "Badan Penyelenggara Jaminan Sosial Ketenagakerjaan",
        8,
        "",
        INK_SOFT,
    )
    _text(pdf, MARGIN + 100, 9, CONTENT_W - 100, 6, "Cakupan", 11, "B", INK, "R")
    _text(
        pdf,
        MARGIN + 80,
        15,
        CONTENT_W - 80,
        4,
        "Dokumen elektronik / Electronic document",
        8,
        "",
        INK_SOFT,
        "R",
    )
    pdf.set_draw_color(LINE)
    pdf.set_line_width(0.4)
    pdf.line(MARGIN, 21.5, PAGE_W - MARGIN, 21.5)


def _fold(pdf: FPDF) -> None:
    pdf.set_draw_color(LINE)
    pdf.set_line_width(0.3)
    pdf.set_dash_pattern(dash=1.2, gap=1.2)
    pdf.line(MARGIN, FOLD, PAGE_W - MARGIN, FOLD)
    pdf.set_dash_pattern()
    pdf.set_font("Helvetica", "B", 7)
    tag_w = pdf.get_string_width("ENGLISH") + 6
    pdf.set_fill_color(WHITE)
    pdf.rect((PAGE_W - tag_w) / 2, FOLD - 2, tag_w, 4, style="F")
    _text(pdf, (PAGE_W - tag_w) / 2, FOLD - 2, tag_w, 4, "ENGLISH", 7, "B", INK_SOFT, "C")


def _verification(pdf: FPDF, cert: Certificate, verify_url: str) -> None:
    """The QR code of the verify address, the address, and the code in print."""
    pdf.set_draw_color(LINE)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, FOOT_TOP - 3, PAGE_W - MARGIN, FOOT_TOP - 3)
    pdf.image(io.BytesIO(_qr_png(verify_url)), x=MARGIN - 2, y=FOOT_TOP - 1, w=QR_SIZE, h=QR_SIZE)
    x = MARGIN + QR_SIZE + 2
    w = PAGE_W - MARGIN - x
    base = verify_url[: -len(cert.kode)] if verify_url.endswith(cert.kode) else verify_url
    _text(pdf, x, FOOT_TOP + 1, w, 4.4, f"Periksa keaslian di {base}", 9, "B")
    _text(pdf, x, FOOT_TOP + 5.4, w, 4.4, f"Verify at {base}", 9, "", INK_SOFT)
    _text(
        pdf,
        x,
        FOOT_TOP + 10.4,
        w,
        3.6,
        "Pindai kode QR, atau unggah berkas ini di alamat tersebut. / Scan the QR code, or "
        "upload this file there.",
        7.2,
        "I",
        INK_SOFT,
    )
    pdf.set_font("Courier", "", 6.6)
    per_line = max(20, int(w / pdf.get_string_width("M")))
    y = FOOT_TOP + 15.5
    _text(pdf, x, y, w, 3, "Kode / Code:", 6.6, "B", INK_SOFT)
    y += 3.2
    for start in range(0, len(cert.kode), per_line):
        _text(pdf, x, y, w, 3, cert.kode[start : start + per_line], 6.6, "", INK, "L", "Courier")
        y += 2.9
    _text(
        pdf,
        MARGIN,
        PAGE_H - 10.5,
        CONTENT_W,
        3.4,
        "Keaslian surat keterangan elektronik ini dibuktikan oleh kode bertanda tangan digital "
        "di atas, bukan oleh tanda tangan basah atau cap.",
        6.8,
        "",
        INK_SOFT,
    )
    _text(
        pdf,
        MARGIN,
        PAGE_H - 7.3,
        CONTENT_W,
        3.4,
        "This electronic statement is authenticated by the digitally signed code above, not by "
        "a wet signature or stamp.",
        6.8,
        "",
        INK_SOFT,
    )


def certificate_pdf(
    cert: Certificate, verify_url: str, *, alasan: list[dict[str, Any]] | None = None
) -> bytes:
    """The certificate as a one-page A4 PDF: Indonesian on the top half, English on the bottom,
    a QR code of `verify_url` and the code in print. `alasan` are the reasons of the status it
    states (default: those of the employer's row for the certificate's period). The same
    certificate, URL and reasons give the same bytes."""
    if alasan is None:
        npp_or_nib = Q(npp=cert.npp) if cert.npp else Q(nib=cert.nib)
        row = ComplianceStatus.objects.filter(npp_or_nib, periode=cert.periode).first()
        alasan = list(row.alasan) if row is not None else []
    halves = _halves(cert, [a for a in alasan if isinstance(a, dict)])
    fit = _fit(cert, halves)

    pdf = _new_pdf()
    pdf.set_title(f"Surat Keterangan Kepatuhan {cert.nama} {period_label(cert.periode)}")
    pdf.set_author("BPJS Ketenagakerjaan melalui Cakupan")
    pdf.set_subject("Surat keterangan kepatuhan jaminan sosial ketenagakerjaan")
    pdf.set_creator("Cakupan")
    pdf.set_lang("id")
    pdf.set_creation_date(cert.issued_at)
    _letterhead(pdf)
    _half(pdf, cert, halves[0], BODY_TOP, fit)
    _fold(pdf)
    _half(pdf, cert, halves[1], FOLD + 5, fit)
    _verification(pdf, cert, verify_url)
    return bytes(pdf.output())


def certificate_filename(cert: Certificate) -> str:
    """sertifikat-<nib or npp>-<periode>.pdf"""
    return f"sertifikat-{cert.nib or cert.npp}-{cert.periode}.pdf"
