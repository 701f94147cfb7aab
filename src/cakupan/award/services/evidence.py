"""Evidence: documents candidates upload per evidence indicator, their verification by the
assessors (accept, or return with a note), and the assessors' scores.

File checks (in this order, nothing stored unless all pass): the size limit, an accepted
extension (.pdf, .png, .jpg, .jpeg), the content's magic bytes agree with the extension
(inspected here, no library: `%PDF-`, `\\x89PNG\\r\\n\\x1a\\n`, `\\xff\\xd8\\xff`), a PDF ends with
`%%EOF` and carries no active content (JavaScript, launch actions, embedded files, rich media,
XFA forms — looked for in the file and inside its compressed streams, names with #xx escapes
decoded), and an image decodes (Pillow, already installed with fpdf2). Files are stored outside
the web root under CAKUPAN_DATA_DIR/uploads/award/<cycle>/ by a random name, readable by the
server's user only, and are only ever served as downloads (never inline).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import uuid
import zlib
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cakupan.accounts.scope import Actor, require_capability, require_scope
from cakupan.audit.services import audit_record
from cakupan.award.errors import (
    EvidenceMismatch,
    EvidenceTooLarge,
    EvidenceTypeNotAllowed,
    EvidenceUnsafe,
    ScoreOutOfScale,
)
from cakupan.award.models import (
    AssessorScore,
    Candidate,
    Evidence,
    EvidenceState,
    Indicator,
    IndicatorKind,
)
from cakupan.award.services.cycles import stage_require
from cakupan.award.services.scores import score_write
from cakupan.errors import InvalidInput, PermissionDenied

MAX_BYTES = 10 * 1024 * 1024
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpg": "jpeg", "jpeg": "jpeg"}
KIND_LABEL = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG"}
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
)
# What other content looks like, to say what a mislabelled file really is.
OTHER_SIGNATURES = (
    (b"PK\x03\x04", "ZIP / Office"),
    (b"MZ", "program Windows (EXE)"),
    (b"\x7fELF", "program (ELF)"),
    (b"GIF8", "GIF"),
    (b"{\\rtf", "RTF"),
    (b"\xd0\xcf\x11\xe0", "Office lama (DOC/XLS)"),
    (b"Rar!", "RAR"),
    (b"\x1f\x8b", "GZIP"),
)
ACTIVE_PDF = (
    (b"/JavaScript", "JavaScript"),
    (b"/JS", "JavaScript"),
    (b"/Launch", "perintah menjalankan program / a launch action"),
    (b"/EmbeddedFile", "berkas tersemat / embedded files"),
    (b"/RichMedia", "media aktif / rich media"),
    (b"/XFA", "formulir XFA / XFA forms"),
)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
MAX_INFLATED = 50 * 1024 * 1024


def _invalid(kolom: str, pesan: str, message: str) -> InvalidInput:
    return InvalidInput(kolom=kolom, pesan_rinci=pesan, detail=message)


def size_label(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} B"


def sniff(head: bytes) -> str | None:
    """The accepted kind the first bytes announce (pdf, png, jpeg), or None."""
    return next((kind for sig, kind in SIGNATURES if head.startswith(sig)), None)


def _looks_like(head: bytes) -> str:
    found = next((label for sig, label in OTHER_SIGNATURES if head.startswith(sig)), None)
    if found:
        return found
    if head.lstrip()[:1] in (b"<",):
        return "HTML/XML"
    if head and all(32 <= b < 127 or b in (9, 10, 13) for b in head[:64]):
        return "teks / text"
    return "tidak dikenal / unknown"


def _pdf_active(data: bytes) -> str | None:
    """The first active-content marker in a PDF, in the file or its Flate streams."""
    chunks = [data]
    inflated = 0
    for m in _STREAM.finditer(data):
        if inflated > MAX_INFLATED:
            break
        try:
            body = zlib.decompressobj().decompress(m.group(1), MAX_INFLATED - inflated)
        except zlib.error:
            continue
        inflated += len(body)
        chunks.append(body)
    for chunk in chunks:
        plain = _NAME_ESCAPE.sub(lambda g: bytes([int(g.group(1), 16)]), chunk)
        for marker, label in ACTIVE_PDF:
            if re.search(re.escape(marker) + rb"(?![A-Za-z])", plain):
                return label
    return None


def evidence_check(name: str, data: bytes, size: int) -> str:
    """The file's kind (pdf, png, jpeg) or the error that refuses it."""
    if size > MAX_BYTES:
        raise EvidenceTooLarge(
            nama=name,
            ukuran_id=f"{size:,}".replace(",", "."),
            ukuran_en=f"{size:,}",
            batas_id=f"{MAX_BYTES:,}".replace(",", "."),
            batas_en=f"{MAX_BYTES:,}",
            batas=size_label(MAX_BYTES),
        )
    if size == 0 or not data:
        raise _invalid("berkas", f"berkas {name} kosong", f"file {name} is empty")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EXTENSIONS:
        raise EvidenceTypeNotAllowed(nama=name, ext=ext or "-")
    expected = EXTENSIONS[ext]
    found = sniff(data[:16])
    if found != expected:
        what = KIND_LABEL[found] if found else _looks_like(data[:64])
        raise EvidenceMismatch(
            nama=name,
            ext=ext,
            jenis=KIND_LABEL[expected],
            terbaca=f"isinya terbaca sebagai {what}",
            found=f"its content reads as {what}",
        )
    if expected == "pdf":
        if b"%%EOF" not in data[-2048:]:
            raise EvidenceMismatch(
                nama=name,
                ext=ext,
                jenis="PDF utuh",
                terbaca="penanda akhir %%EOF tidak ada: berkas terpotong atau rusak",
                found="the %%EOF end marker is missing: the file is cut short or damaged",
            )
        active = _pdf_active(data)
        if active:
            raise EvidenceUnsafe(nama=name, apa_id=active, what=active)
    else:
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as img:
                img.verify()
        except Exception:
            raise EvidenceMismatch(
                nama=name,
                ext=ext,
                jenis=f"gambar {KIND_LABEL[expected]} yang utuh",
                terbaca="gambarnya tidak dapat dibaca",
                found="the image cannot be read",
            ) from None
    return expected


def _evidence_dir() -> Path:
    return Path(settings.UPLOAD_DIR) / "award"


def evidence_path(evidence: Evidence) -> Path:
    """Where an evidence file lies (always inside UPLOAD_DIR/award)."""
    base = _evidence_dir().resolve()
    path = (Path(settings.UPLOAD_DIR) / evidence.berkas).resolve()
    if base not in path.parents:
        raise PermissionDenied(alasan_id="lokasi berkas tidak sah", reason="invalid file location")
    return path


def _store(cycle_code: str, kind: str, data: bytes) -> str:
    folder = _evidence_dir() / cycle_code
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    ext = "jpg" if kind == "jpeg" else kind
    name = f"{uuid.uuid4().hex}.{ext}"
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return f"award/{cycle_code}/{name}"


def is_officer(user: Any, candidate: Candidate) -> bool:
    """Whether `user` acts for `candidate`: named as its officer, or a regional officer of the
    region a government candidate is."""
    if not getattr(user, "is_active", False) or not user.can("award.evidence"):
        return False
    if candidate.is_government and user.role == "pemda_officer":
        if user.region_code == candidate.kode_wilayah:
            return True
    return candidate.officers.filter(user_id=user.pk).exists()


def _indicator_of(candidate: Candidate, indicator: Indicator, kind: str) -> None:
    version = candidate.cycle.categories.get(kategori=candidate.kategori).rubric_id
    if indicator.aspect.version_id != version or indicator.jenis != kind:
        raise _invalid(
            "indikator",
            f"indikator {indicator.kode} bukan indikator {kind} rubrik kategori ini",
            f"indicator {indicator.kode} is not a {kind} indicator of this category's rubric",
        )


def evidence_upload(
    *,
    candidate: Candidate,
    indicator: Indicator,
    berkas: IO[bytes],
    nama_berkas: str,
    ukuran: int,
    keterangan: str = "",
    acting_user: Actor,
) -> Evidence:
    """Store a document for an evidence indicator, uploaded by an officer of the candidate (or
    by the committee for a paper submission). Returned evidence may be replaced until
    verification closes; new evidence only until assessment closes."""
    if not (is_officer(acting_user, candidate) or acting_user.can("award.manage")):
        raise PermissionDenied(
            alasan_id="hanya petugas kandidat atau panitia yang mengunggah bukti",
            reason="only the candidate's officers or the committee upload evidence",
        )
    if acting_user.can("award.manage"):
        require_scope(acting_user, candidate.kode_wilayah)
    _indicator_of(candidate, indicator, IndicatorKind.BUKTI)
    if not candidate.aktif:
        raise _invalid("kandidat", "kandidat sudah mundur", "the candidate has withdrawn")
    latest = (
        Evidence.objects.filter(candidate=candidate, indicator=indicator)
        .order_by("-uploaded_at", "-id")
        .first()
    )
    again = latest is not None and latest.status == EvidenceState.DIKEMBALIKAN
    stage_require(
        candidate.cycle,
        "evidence_again" if again else "evidence",
        acting_user=acting_user,
        target=candidate,
    )
    nama_berkas = Path(nama_berkas or "berkas").name[:200]
    if ukuran > MAX_BYTES:
        evidence_check(nama_berkas, b"", ukuran)
    data = berkas.read(MAX_BYTES + 1)
    kind = evidence_check(nama_berkas, data, len(data))
    relative = _store(candidate.cycle.kode, kind, data)
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                candidate=candidate,
                indicator=indicator,
                berkas=relative,
                nama_berkas=nama_berkas,
                jenis_berkas=kind,
                ukuran=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                keterangan=keterangan.strip()[:500],
                uploaded_by=acting_user if hasattr(acting_user, "pk") else None,  # type: ignore[misc]
            )
            audit_record(
                actor=acting_user,
                action="award.evidence_upload",
                target=evidence,
                region_code=candidate.kode_wilayah,
                detail={
                    "kandidat": candidate.kode,
                    "indikator": indicator.kode,
                    "nama_berkas": nama_berkas,
                    "ukuran": len(data),
                    "sha256": evidence.sha256,
                    "ulang": again,
                },
            )
    except Exception:
        (Path(settings.UPLOAD_DIR) / relative).unlink(missing_ok=True)
        raise
    return evidence


def evidence_verify(
    *, evidence: Evidence, keputusan: str, catatan: str = "", acting_user: Actor
) -> Evidence:
    """Accept a document, or return it to the candidate with a note saying what is missing."""
    require_capability(acting_user, "award.assess")
    candidate = evidence.candidate
    require_scope(acting_user, candidate.kode_wilayah)
    stage_require(candidate.cycle, "verify", acting_user=acting_user, target=evidence)
    catatan = catatan.strip()
    if keputusan == "terima":
        state = EvidenceState.DITERIMA
    elif keputusan == "kembalikan":
        state = EvidenceState.DIKEMBALIKAN
        if not catatan:
            raise _invalid(
                "catatan",
                "bukti yang dikembalikan memerlukan catatan apa yang kurang",
                "returned evidence needs a note saying what is missing",
            )
    else:
        raise _invalid(
            "keputusan", f"keputusan {keputusan!r} tidak dikenal", f"unknown decision {keputusan!r}"
        )
    with transaction.atomic():
        before = evidence.status
        evidence.status = state
        evidence.catatan_verifikasi = catatan[:1000]
        evidence.verified_at = timezone.now()
        evidence.verified_by = acting_user  # type: ignore[assignment]
        evidence.save(update_fields=["status", "catatan_verifikasi", "verified_at", "verified_by"])
        audit_record(
            actor=acting_user,
            action="award.evidence_verify",
            target=evidence,
            region_code=candidate.kode_wilayah,
            detail={
                "kandidat": candidate.kode,
                "dari": before,
                "menjadi": state,
                "catatan": catatan[:300],
            },
        )
    return evidence


def score_parse(value: Any, indicator: Indicator) -> Decimal:
    """A score typed by a person, checked against the indicator's scale."""
    text = str(value if value is not None else "").strip().replace(",", ".")
    try:
        nilai = Decimal(text)
        if not nilai.is_finite():
            raise ValueError
    except (ArithmeticError, ValueError):
        raise ScoreOutOfScale(
            nilai=text or "(kosong)", indikator=indicator.kode, skala=indicator.scale_label()
        ) from None
    if not indicator.allows(nilai) or nilai != nilai.quantize(Decimal("0.01")):
        raise ScoreOutOfScale(nilai=text, indikator=indicator.kode, skala=indicator.scale_label())
    return nilai


def assessor_score_set(
    *, candidate: Candidate, indicator: Indicator, nilai: Any, catatan: str = "", acting_user: Actor
) -> AssessorScore:
    """An assessor's score of an evidence indicator; every change audited with before/after."""
    require_capability(acting_user, "award.assess")
    require_scope(acting_user, candidate.kode_wilayah)
    _indicator_of(candidate, indicator, IndicatorKind.BUKTI)
    stage_require(candidate.cycle, "assess", acting_user=acting_user, target=candidate)
    value = score_parse(nilai, indicator)
    return score_write(
        model=AssessorScore,
        lookup={"candidate": candidate, "indicator": indicator, "assessor": acting_user},
        value=value,
        catatan=catatan,
        candidate=candidate,
        cycle=candidate.cycle,
        indicator=indicator,
        penilai="asesor",
        acting_user=acting_user,
    )


def evidence_download_record(
    *, evidence: Evidence, acting_user: Actor, request: Any = None
) -> Path:
    """The file to send, after writing the download to the audit log."""
    path = evidence_path(evidence)
    audit_record(
        actor=acting_user,
        action="export",
        target=evidence,
        rows=1,
        request=request,
        region_code=evidence.candidate.kode_wilayah,
        detail={"what": "award.evidence", "sha256": evidence.sha256},
    )
    return path
