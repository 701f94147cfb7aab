"""Evidence: what may be uploaded (type by content, size, no active content), by whom, until
when; where it is kept; verification and the assessors' scores."""

from __future__ import annotations

import io
import os
import stat
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cakupan.audit.models import AuditEntry
from cakupan.award.errors import (
    EvidenceMismatch,
    EvidenceTooLarge,
    EvidenceTypeNotAllowed,
    EvidenceUnsafe,
    ScoreOutOfScale,
    StageLate,
)
from cakupan.award.models import AssessorScore, Evidence, Indicator
from cakupan.award.services.cycles import stage_close
from cakupan.award.services.evidence import (
    MAX_BYTES,
    assessor_score_set,
    evidence_check,
    evidence_download_record,
    evidence_path,
    evidence_upload,
    evidence_verify,
)
from cakupan.errors import InvalidInput, PermissionDenied

from .conftest import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def regulasi(cycle) -> Indicator:
    return Indicator.objects.get(aspect__version=cycle.categories.get().rubric, kode="regulasi")


def upload(cycle, user, name: str, data: bytes, *, kode: str = "51.04", size: int | None = None):
    return evidence_upload(
        candidate=cycle.candidates.get(kode=kode),
        indicator=regulasi(cycle),
        berkas=io.BytesIO(data),
        nama_berkas=name,
        ukuran=len(data) if size is None else size,
        acting_user=user,
    )


def test_an_officer_uploads_a_pdf_kept_outside_the_web_root(
    make_cycle, gianyar_officer, upload_dir
):
    cycle = make_cycle(at="penilaian")
    ev = upload(cycle, gianyar_officer, "Perbup 12 2023.pdf", pdf_bytes())
    assert (
        ev.jenis_berkas == "pdf" and ev.status == "menunggu" and ev.uploaded_by == gianyar_officer
    )
    path = evidence_path(ev)
    assert path.is_file() and str(path).startswith(str(upload_dir.resolve()))
    assert path.name != "Perbup 12 2023.pdf" and path.suffix == ".pdf"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    entry = AuditEntry.objects.get(action="award.evidence_upload")
    assert entry.detail["sha256"] == ev.sha256 and entry.actor == gianyar_officer


def test_images_are_accepted_when_they_are_what_they_say(make_cycle, gianyar_officer):
    cycle = make_cycle()
    assert upload(cycle, gianyar_officer, "foto.png", png_bytes()).jenis_berkas == "png"


def test_a_file_that_is_not_what_its_extension_says_is_refused(
    make_cycle, gianyar_officer, upload_dir
):
    cycle = make_cycle()
    with pytest.raises(EvidenceMismatch) as exc:
        upload(cycle, gianyar_officer, "perbup.pdf", b"PK\x03\x04" + b"\0" * 200)
    assert exc.value.pesan_id == (
        "Berkas perbup.pdf berekstensi .pdf tetapi isinya bukan PDF (isinya terbaca sebagai "
        "ZIP / Office). Berkas tidak disimpan."
    )
    assert exc.value.message_en == (
        "File perbup.pdf is named .pdf but its content is not PDF (its content reads as ZIP / "
        "Office). The file was not stored."
    )
    with pytest.raises(EvidenceMismatch):
        upload(cycle, gianyar_officer, "foto.jpg", png_bytes())
    with pytest.raises(EvidenceMismatch):
        upload(cycle, gianyar_officer, "rusak.png", png_bytes()[:30])
    assert not Evidence.objects.exists()
    assert not any(upload_dir.rglob("*.*"))


def test_a_file_too_large_is_refused_before_it_is_read(make_cycle, gianyar_officer):
    cycle = make_cycle()
    with pytest.raises(EvidenceTooLarge) as exc:
        upload(cycle, gianyar_officer, "besar.pdf", b"%PDF-1.4", size=MAX_BYTES + 1)
    assert exc.value.pesan_id == (
        "Berkas besar.pdf berukuran 10.485.761 bita; batasnya 10.485.760 bita (10.0 MB). Berkas "
        "tidak disimpan."
    )
    with pytest.raises(EvidenceTooLarge):  # a lying size is caught when reading
        upload(cycle, gianyar_officer, "besar.pdf", b"%PDF-1.4\n" + b"0" * MAX_BYTES, size=10)
    assert not Evidence.objects.exists()


def test_other_file_types_are_refused(make_cycle, gianyar_officer):
    cycle = make_cycle()
    with pytest.raises(EvidenceTypeNotAllowed) as exc:
        upload(cycle, gianyar_officer, "anggaran.xlsx", b"PK\x03\x04")
    assert (
        exc.value.message_en
        == "File anggaran.xlsx: .xlsx files are not accepted; upload a PDF, PNG or JPEG."
    )
    with pytest.raises(InvalidInput):
        upload(cycle, gianyar_officer, "kosong.pdf", b"")


def test_pdfs_with_active_content_are_refused_even_hidden_in_a_stream(make_cycle, gianyar_officer):
    cycle = make_cycle()
    plain = pdf_bytes()
    scripted = plain.replace(
        b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
    )
    with pytest.raises(EvidenceUnsafe) as exc:
        upload(cycle, gianyar_officer, "skrip.pdf", scripted)
    assert "JavaScript" in exc.value.pesan_id
    escaped = plain.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /J#61vaScript >>")
    with pytest.raises(EvidenceUnsafe):
        upload(cycle, gianyar_officer, "skrip2.pdf", escaped)
    hidden = zlib.compress(b"<< /Type /Filespec /EF << /F 5 0 R >> /EmbeddedFile >>")
    smuggled = plain.replace(
        b"%%EOF",
        b"9 0 obj\n<< /Filter /FlateDecode >>\nstream\n" + hidden + b"\nendstream\nendobj\n%%EOF",
    )
    with pytest.raises(EvidenceUnsafe):
        upload(cycle, gianyar_officer, "sisip.pdf", smuggled)
    assert not Evidence.objects.exists()


def test_a_truncated_pdf_is_refused():
    with pytest.raises(EvidenceMismatch) as exc:
        evidence_check("potong.pdf", pdf_bytes()[:-20], 100)
    assert "%%EOF" in exc.value.pesan_id


def test_only_the_candidates_officers_or_the_committee_upload(make_cycle, badung_officer, analyst):
    cycle = make_cycle()
    with pytest.raises(PermissionDenied):
        upload(cycle, badung_officer, "perbup.pdf", pdf_bytes())
    with pytest.raises(PermissionDenied):
        upload(cycle, analyst, "perbup.pdf", pdf_bytes())
    upload(cycle, badung_officer, "perbup.pdf", pdf_bytes(), kode="51.03")


def test_a_late_upload_is_refused_and_nothing_is_stored(make_cycle, gianyar_officer, upload_dir):
    cycle = make_cycle(at="verifikasi")
    with pytest.raises(StageLate) as exc:
        upload(cycle, gianyar_officer, "perbup.pdf", pdf_bytes())
    assert exc.value.pesan_id.startswith(
        "Terlambat: mengunggah bukti hanya dapat dilakukan sampai tahap penilaian ditutup"
    )
    assert exc.value.message_en.endswith("Nothing was changed.")
    assert not Evidence.objects.exists() and not any(upload_dir.rglob("*.*"))
    assert AuditEntry.objects.filter(action="award.refused", detail__aksi="evidence").exists()


def test_returned_evidence_may_be_replaced_during_verification(
    make_cycle, committee, gianyar_officer
):
    cycle = make_cycle(at="penilaian")
    ev = upload(cycle, gianyar_officer, "perbup.pdf", pdf_bytes())
    stage_close(cycle=cycle, jenis="penilaian", acting_user=committee)
    with pytest.raises(InvalidInput):
        evidence_verify(evidence=ev, keputusan="kembalikan", acting_user=committee)  # no note
    evidence_verify(
        evidence=ev, keputusan="kembalikan", catatan="Belum ditandatangani", acting_user=committee
    )
    again = upload(cycle, gianyar_officer, "perbup-ttd.pdf", pdf_bytes("ditandatangani"))
    evidence_verify(evidence=again, keputusan="terima", acting_user=committee)
    assert list(Evidence.objects.order_by("id").values_list("status", flat=True)) == [
        "dikembalikan",
        "diterima",
    ]
    with pytest.raises(StageLate):  # accepted now: nothing more to add in verification
        upload(cycle, gianyar_officer, "lagi.pdf", pdf_bytes())


def test_assessor_scores_are_on_the_scale_and_audited(make_cycle, committee):
    cycle = make_cycle(at="penilaian")
    gianyar = cycle.candidates.get(kode="51.04")
    with pytest.raises(ScoreOutOfScale) as exc:
        assessor_score_set(
            candidate=gianyar, indicator=regulasi(cycle), nilai="5", acting_user=committee
        )
    assert (
        exc.value.pesan_id
        == "Nilai 5 untuk indikator regulasi di luar skalanya (0, 1, 2, 3, 4). Tidak ada yang diubah."
    )
    with pytest.raises(ScoreOutOfScale):
        assessor_score_set(
            candidate=gianyar, indicator=regulasi(cycle), nilai="2.5", acting_user=committee
        )
    assessor_score_set(
        candidate=gianyar, indicator=regulasi(cycle), nilai="3", acting_user=committee
    )
    assessor_score_set(
        candidate=gianyar, indicator=regulasi(cycle), nilai="4", acting_user=committee
    )
    assert AssessorScore.objects.get().nilai == 4
    assert [
        e.detail["menjadi"] for e in AuditEntry.objects.filter(action="score.change").order_by("id")
    ] == ["3", "4"]


def test_downloads_are_audited(make_cycle, gianyar_officer, committee):
    cycle = make_cycle()
    ev = upload(cycle, gianyar_officer, "perbup.pdf", pdf_bytes())
    path = evidence_download_record(evidence=ev, acting_user=committee)
    assert path.read_bytes().startswith(b"%PDF-")
    entry = AuditEntry.objects.get(action="export")
    assert entry.detail["what"] == "award.evidence" and entry.actor == committee


def test_upload_through_django_file_objects(make_cycle, gianyar_officer):
    cycle = make_cycle()
    f = SimpleUploadedFile("scan.JPG", b"\x89PNG\r\n\x1a\n" + b"0" * 50)
    with pytest.raises(EvidenceMismatch):
        evidence_upload(
            candidate=cycle.candidates.get(kode="51.04"),
            indicator=regulasi(cycle),
            berkas=f,
            nama_berkas=f.name,
            ukuran=f.size,
            acting_user=gianyar_officer,
        )
