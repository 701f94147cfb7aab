"""What the programme services refuse, in Indonesian (`pesan`) and English (`message`)."""

from __future__ import annotations

from cakupan.errors import CakupanError


class SponsorInvalid(CakupanError):
    kode = "sponsor_tidak_valid"
    pesan = "Sponsor: {pesan_rinci}"
    message = "Sponsor: {detail}"
    http_status = 422


class FundingInvalid(CakupanError):
    kode = "sumber_dana_tidak_valid"
    pesan = "Sumber dana: {pesan_rinci}"
    message = "Funding line: {detail}"
    http_status = 422


class ProgrammeInvalid(CakupanError):
    kode = "program_tidak_valid"
    pesan = "Program: {pesan_rinci}"
    message = "Programme: {detail}"
    http_status = 422


class RegionNotVillage(CakupanError):
    kode = "wilayah_bukan_desa"
    pesan = "Kode wilayah {kode_wilayah} bukan desa/kelurahan: program didaftarkan per desa."
    message = "Region code {kode_wilayah} is not a village: programmes are set up per village."
    http_status = 422


class VillageTaken(CakupanError):
    kode = "desa_sudah_diprogramkan"
    pesan = (
        "Desa {desa} sudah ada di program {program} (kelompok {kelompok}, {mulai} s.d. {sampai}): "
        "satu desa hanya boleh ada di satu program berjalan untuk kelompok sasaran yang sama."
    )
    message = (
        "Village {desa} is already in programme {program} (group {kelompok}, {mulai} to "
        "{sampai}): a village may be in only one running programme of the same target group."
    )
    http_status = 409


class ProgrammeStatusWrong(CakupanError):
    kode = "status_program_salah"
    pesan = "Program {program} berstatus {status}: tidak bisa {tindakan_id}."
    message = "Programme {program} is {status_en}: it cannot be {action}."
    http_status = 409


class BudgetInsufficient(CakupanError):
    kode = "anggaran_tidak_cukup"
    pesan = (
        "Anggaran program {program} Rp{jumlah} ({kuota} orang × Rp{iuran} × {bulan} bulan) "
        "melebihi sisa dana {sumber} {tahun} Rp{sisa} (dana Rp{dana}, sudah terikat program lain "
        "Rp{terikat})."
    )
    message = (
        "Programme {program} needs Rp{jumlah} ({kuota} people × Rp{iuran} × {bulan} months), "
        "more than the Rp{sisa} left on funding line {sumber} {tahun} (Rp{dana}, of which "
        "Rp{terikat} is committed to other programmes)."
    )
    http_status = 422


class VillageNotInProgramme(CakupanError):
    kode = "desa_bukan_bagian_program"
    pesan = "Desa {kode_wilayah} tidak termasuk program {program}."
    message = "Village {kode_wilayah} is not part of programme {program}."
    http_status = 404


class ListLocked(CakupanError):
    kode = "daftar_terkunci"
    pesan = (
        "Program {program} sudah {status}: daftar penerima tidak bisa diganti lagi; "
        "perbaiki baris yang bermasalah satu per satu."
    )
    message = (
        "Programme {program} is already {status_en}: its beneficiary list can no longer be "
        "replaced; fix rows with problems one by one."
    )
    http_status = 409


class ListColumnsWrong(CakupanError):
    kode = "kolom_daftar_salah"
    pesan = (
        "Berkas {berkas} ditolak, tidak ada yang disimpan: kolom wajib {kolom} tidak ada. "
        "Kolom yang ada: {ada}. Pakai templat: {templat}."
    )
    message = (
        "File {berkas} refused, nothing was saved: required columns {kolom} are missing. "
        "Columns found: {ada}. Use the template: {templat}."
    )
    http_status = 422


class ListUnreadable(CakupanError):
    kode = "berkas_daftar_tidak_terbaca"
    pesan = "Berkas {berkas} tidak dapat dibaca, tidak ada yang disimpan: {alasan_id}"
    message = "File {berkas} cannot be read, nothing was saved: {reason}"
    http_status = 422


class ListEmpty(CakupanError):
    kode = "daftar_kosong"
    pesan = "Berkas {berkas} tidak berisi satu baris data pun: tidak ada yang disimpan."
    message = "File {berkas} has no data rows: nothing was saved."
    http_status = 422


class OverQuota(CakupanError):
    kode = "melebihi_kuota"
    pesan = (
        "Daftar desa {desa} berisi {jumlah} orang, melebihi kuota {kuota}: berkas ditolak, "
        "tidak ada yang disimpan. Kurangi {lebih} orang atau minta kuota ditambah."
    )
    message = (
        "The list for village {desa} has {jumlah} people, over its quota of {kuota}: the file "
        "was refused and nothing was saved. Remove {lebih} people or ask for a larger quota."
    )
    http_status = 422


class BeneficiaryLocked(CakupanError):
    kode = "penerima_terkunci"
    pesan = "Penerima baris {baris} sudah ditagihkan: datanya tidak bisa diubah lagi."
    message = "The beneficiary in row {baris} is already invoiced: it can no longer be changed."
    http_status = 409


class ReviewNotPending(CakupanError):
    kode = "tidak_menunggu_tinjauan"
    pesan = "Penerima baris {baris} tidak sedang menunggu tinjauan kecocokan."
    message = "The beneficiary in row {baris} is not waiting for a match review."
    http_status = 409


class MonthOutsideProgramme(CakupanError):
    kode = "bulan_di_luar_program"
    pesan = "Bulan {bulan} di luar masa program {program} ({mulai} s.d. {sampai})."
    message = "Month {bulan} is outside programme {program}'s span ({mulai} to {sampai})."
    http_status = 422


class InvoiceExists(CakupanError):
    kode = "tagihan_sudah_ada"
    pesan = "Tagihan bulan {bulan} program {program} sudah terbit: {nomor}."
    message = "The invoice of {bulan} for programme {program} was already issued: {nomor}."
    http_status = 409


class InvoiceEmpty(CakupanError):
    kode = "tagihan_kosong"
    pesan = (
        "Tidak ada penerima yang perlu dilindungi di program {program}: cocokkan daftar dengan "
        "registri dan selesaikan tinjauan dulu (hanya kelas baru dan reaktivasi yang ditagihkan)."
    )
    message = (
        "Nobody in programme {program} needs protecting: match the lists with the registry and "
        "finish the reviews first (only classes new and reactivate are invoiced)."
    )
    http_status = 422


class InvoiceNotFound(CakupanError):
    kode = "tagihan_tidak_ada"
    pesan = "Tagihan {nomor} tidak ada: periksa nomornya (bentuk INV-<program>-<YYYYMM>)."
    message = "Invoice {nomor} does not exist: check its number (form INV-<programme>-<YYYYMM>)."
    http_status = 404


class InvoiceAlreadyPaid(CakupanError):
    kode = "tagihan_sudah_lunas"
    pesan = "Tagihan {nomor} sudah lunas: pembayaran ini tidak dicatat."
    message = "Invoice {nomor} is already paid: this payment was not recorded."
    http_status = 409


class PaymentAmountWrong(CakupanError):
    kode = "jumlah_bayar_salah"
    pesan = (
        "Pembayaran Rp{jumlah} tidak sama dengan tagihan {nomor} Rp{tagihan}: {selisih_id}. "
        "Pembayaran tidak dicatat."
    )
    message = (
        "A payment of Rp{jumlah} does not equal invoice {nomor}, Rp{tagihan}: {difference}. "
        "The payment was not recorded."
    )
    http_status = 422


class PaymentDateInvalid(CakupanError):
    kode = "tanggal_bayar_salah"
    pesan = "Tanggal bayar {tanggal} sesudah hari ini: tulis tanggal uang diterima."
    message = "Payment date {tanggal} is after today: write the date the money came in."
    http_status = 422


class AlreadySponsored(CakupanError):
    kode = "sudah_disponsori"
    pesan = (
        "{jumlah} penerima di tagihan {nomor} sudah dibayar program lain untuk {bulan} "
        "(mis. baris {baris} desa {desa}, program {program}): pembayaran tidak dicatat."
    )
    message = (
        "{jumlah} beneficiaries on invoice {nomor} are already paid for {bulan} by another "
        "programme (e.g. row {baris} of village {desa}, programme {program}): the payment was "
        "not recorded."
    )
    http_status = 409


class PaymentFileRejected(CakupanError):
    """A payment file with problems: nothing was recorded; `problems` names row and column."""

    kode = "berkas_pembayaran_ditolak"
    pesan = (
        "Berkas pembayaran {berkas} ditolak, tidak ada yang dicatat: {jumlah} masalah. {rinci_id}"
    )
    message = "Payment file {berkas} refused, nothing was recorded: {jumlah} problems. {details}"
    http_status = 422

    def __init__(self, *, problems: list, **fields: object) -> None:
        self.problems = problems
        super().__init__(**fields)


# Row problems of a beneficiary list (stored in Beneficiary.masalah, shown beside the row).


class AgeOutOfRange(CakupanError):
    kode = "usia_di_luar_batas"
    pesan = (
        "Kolom tanggal_lahir: usia {usia} tahun pada awal program ({tanggal}) di luar batas "
        "peserta BPU {minimum}–{maksimum} tahun ({dasar})."
    )
    message = (
        "Column tanggal_lahir: aged {usia} at the programme start ({tanggal}), outside the BPU "
        "age limits {minimum}–{maksimum} ({dasar})."
    )


class VillageMismatch(CakupanError):
    kode = "desa_tidak_sesuai"
    pesan = (
        "Kolom kode_wilayah: {nilai!r} bukan desa daftar ini ({desa}); tulis {desa} atau "
        "kosongkan, dan unggah orang desa lain di daftar desanya."
    )
    message = (
        "Column kode_wilayah: {nilai!r} is not this list's village ({desa}); write {desa} or "
        "leave it empty, and upload people of another village in that village's list."
    )


class DuplicateInList(CakupanError):
    kode = "nik_ganda_di_daftar"
    pesan = "Kolom nik: NIK ini sudah ada di baris {pertama} daftar yang sama."
    message = "Column nik: this NIK already appears in row {pertama} of the same list."


class SexUnknown(CakupanError):
    kode = "jenis_kelamin_tidak_dikenal"
    pesan = "Kolom jenis_kelamin: {nilai!r} tidak dikenal; tulis L (laki-laki) atau P (perempuan)."
    message = "Column jenis_kelamin: unknown value {nilai!r}; write L (male) or P (female)."


class TextTooLong(CakupanError):
    kode = "teks_terlalu_panjang"
    pesan = "Kolom {kolom}: paling banyak {batas} karakter, tertulis {panjang}."
    message = "Column {kolom}: at most {batas} characters, found {panjang}."
