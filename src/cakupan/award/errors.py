"""The award's errors: each says what was refused and why, in Indonesian and English."""

from __future__ import annotations

from cakupan.errors import CakupanError


class StageLate(CakupanError):
    """The stage that allows the change has closed: a late submission."""

    kode = "tahap_sudah_ditutup"
    pesan = (
        "Terlambat: {apa_id} hanya dapat dilakukan sampai tahap {tahap_id} ditutup, dan tahap "
        "itu sudah ditutup ({kapan}). Tidak ada yang diubah."
    )
    message = (
        "Too late: {what} was only possible until the {stage} stage closed, and it closed "
        "({kapan}). Nothing was changed."
    )
    http_status = 409


class StageNotOpen(CakupanError):
    """The stage that allows the change has not begun yet."""

    kode = "tahap_belum_dibuka"
    pesan = (
        "{apa_id} baru dapat dilakukan pada tahap {tahap_id}; siklus {siklus} masih pada tahap "
        "{sekarang_id}. Tidak ada yang diubah."
    )
    message = (
        "{what} is only possible in the {stage} stage; cycle {siklus} is still in the {now} "
        "stage. Nothing was changed."
    )
    http_status = 409


class CycleDecided(CakupanError):
    kode = "keputusan_final"
    pesan = (
        "Keputusan siklus {siklus} sudah ditetapkan ({kapan}): {apa_id} tidak dapat diubah lagi. "
        "Percobaan ini dicatat di log audit."
    )
    message = (
        "The decision of cycle {siklus} has been made ({kapan}): {what} can no longer be "
        "changed. This attempt is recorded in the audit log."
    )
    http_status = 409


class RubricWeights(CakupanError):
    kode = "bobot_tidak_100"
    pesan = "Bobot {apa_id} berjumlah {jumlah}%, padahal harus tepat 100%. Rubrik tidak disimpan."
    message = "The weights of {what} add up to {jumlah}%; they must add up to exactly 100%. The rubric was not saved."
    http_status = 422


class ScoreOutOfScale(CakupanError):
    kode = "nilai_di_luar_skala"
    pesan = "Nilai {nilai} untuk indikator {indikator} di luar skalanya ({skala}). Tidak ada yang diubah."
    message = "Score {nilai} for indicator {indikator} is outside its scale ({skala}). Nothing was changed."
    http_status = 422


class EvidenceTooLarge(CakupanError):
    kode = "berkas_terlalu_besar"
    pesan = (
        "Berkas {nama} berukuran {ukuran_id} bita; batasnya {batas_id} bita ({batas}). Berkas "
        "tidak disimpan."
    )
    message = (
        "File {nama} is {ukuran_en} bytes; the limit is {batas_en} bytes ({batas}). The file was "
        "not stored."
    )
    http_status = 413


class EvidenceTypeNotAllowed(CakupanError):
    kode = "jenis_berkas_ditolak"
    pesan = "Berkas {nama}: jenis .{ext} tidak diterima; unggah PDF, PNG atau JPEG."
    message = "File {nama}: .{ext} files are not accepted; upload a PDF, PNG or JPEG."
    http_status = 415


class EvidenceMismatch(CakupanError):
    kode = "isi_berkas_tidak_sesuai"
    pesan = (
        "Berkas {nama} berekstensi .{ext} tetapi isinya bukan {jenis} ({terbaca}). Berkas tidak "
        "disimpan."
    )
    message = (
        "File {nama} is named .{ext} but its content is not {jenis} ({found}). The file was not "
        "stored."
    )
    http_status = 415


class EvidenceUnsafe(CakupanError):
    kode = "berkas_tidak_aman"
    pesan = "Berkas {nama} berisi {apa_id}; berkas seperti itu tidak diterima. Simpan ulang sebagai PDF biasa."
    message = (
        "File {nama} contains {what}; such files are not accepted. Save it again as a plain PDF."
    )
    http_status = 415


class JurorConflicted(CakupanError):
    kode = "konflik_kepentingan"
    pesan = (
        "Juri {juri} menyatakan konflik kepentingan dengan {kandidat} ({alasan}) dan tidak dapat "
        "ditugaskan di sana."
    )
    message = (
        "Juror {juri} declared a conflict of interest with {kandidat} ({alasan}) and cannot be "
        "assigned there."
    )
    http_status = 409


class SheetSubmitted(CakupanError):
    kode = "lembar_nilai_sudah_dikirim"
    pesan = "Lembar nilai untuk {kandidat} sudah dikirim ({kapan}); nilainya tidak dapat diubah."
    message = (
        "The score sheet for {kandidat} was submitted ({kapan}); its scores cannot be changed."
    )
    http_status = 409


class SheetIncomplete(CakupanError):
    kode = "lembar_nilai_belum_lengkap"
    pesan = "Lembar nilai untuk {kandidat} belum lengkap: belum ada nilai untuk {kurang}."
    message = "The score sheet for {kandidat} is not complete: no score yet for {kurang}."
    http_status = 422


class ScoresHidden(CakupanError):
    kode = "nilai_juri_lain_tersembunyi"
    pesan = (
        "Nilai juri lain untuk {kandidat} baru terlihat setelah Anda mengirim lembar nilai Anda."
    )
    message = "Other jurors' scores for {kandidat} are shown only after you submit your own sheet."
    http_status = 403
