"""Beneficiary lists: the XLSX template, a village's upload (every row checked, the whole file
refused for wrong columns or over quota), fixing a row, then matching and review
(`matching.py`, re-exported here)."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from cakupan.accounts.scope import Actor, require_capability, require_scope
from cakupan.audit.services import audit_record
from cakupan.imports.services.readers import MissingColumns, UnreadableFile, open_table
from cakupan.programmes.errors import (
    BeneficiaryLocked,
    ListColumnsWrong,
    ListEmpty,
    ListLocked,
    ListUnreadable,
    OverQuota,
    VillageNotInProgramme,
)
from cakupan.programmes.models import (
    Beneficiary,
    InvoiceLine,
    Programme,
    ProgrammeStatus,
    ProgrammeVillage,
)
from cakupan.programmes.services.common import month_first
from cakupan.programmes.services.lists import (
    ALIASES,
    COLUMNS,
    REQUIRED_COLUMNS,
    RowChecker,
    age_limits,
    duplicate_problem,
)
from cakupan.programmes.services.matching import (  # noqa: F401 - part of this module's contract
    MatchSummary,
    beneficiaries_match,
    beneficiary_review,
)
from cakupan.regions.models import Region

EXAMPLE_NAME = "CONTOH - hapus baris ini / EXAMPLE - delete this row"
LOCKED_STATUSES = (ProgrammeStatus.APPROVED,)
STATUS_EN = {ProgrammeStatus.APPROVED: "approved"}


@dataclass(frozen=True)
class UploadResult:
    """What an upload saved for one village."""

    kode_wilayah: str
    baris: int
    valid: int
    bermasalah: int
    diganti: int
    kolom_diabaikan: tuple[str, ...]
    contoh_dilewati: bool


def _village(programme: Programme, kode_wilayah: str) -> ProgrammeVillage:
    village = programme.villages.filter(kode_wilayah=kode_wilayah).first()
    if village is None:
        raise VillageNotInProgramme(kode_wilayah=kode_wilayah, program=programme.nama)
    return village


def beneficiary_template_xlsx(programme: Programme) -> bytes:
    """The list template: a `penerima` sheet (header and one example row) and a `petunjuk` sheet
    of instructions in Indonesian and English."""
    village = programme.villages.order_by("kode_wilayah").first()
    code = village.kode_wilayah if village else programme.kode_wilayah
    limits = age_limits(month_first(programme.bulan_mulai))
    digits = code.replace(".", "")[:6].ljust(6, "0")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False})
    text = book.add_format({"num_format": "@"})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("penerima")
    sheet.set_column(0, 0, 20, text)  # NIK as text: a spreadsheet would round 16 digits
    sheet.set_column(1, 1, 40, text)
    sheet.set_column(2, 6, 18, text)
    sheet.write_row(0, 0, COLUMNS, bold)
    example = [
        f"{digits}5505959999",
        EXAMPLE_NAME,
        "1995-05-15",
        "P",
        code,
        programme.kelompok_sasaran.replace("_", " "),
        "",
    ]
    sheet.write_row(1, 0, [str(v) for v in example], text)
    help_sheet = book.add_worksheet("petunjuk")
    help_sheet.set_column(0, 0, 18)
    help_sheet.set_column(1, 2, 70)
    help_sheet.write_row(0, 0, ["kolom / column", "Petunjuk", "Instructions"], bold)
    rows = [
        (
            "nik",
            "NIK 16 angka dari KTP/KK, ditulis sebagai teks.",
            "The 16-digit NIK from the ID or family card, written as text.",
        ),
        ("nama", "Nama lengkap sesuai KTP (wajib).", "Full name as on the ID card (required)."),
        (
            "tanggal_lahir",
            "YYYY-MM-DD atau DD/MM/YYYY. Usia "
            f"{limits.minimum}–{limits.maksimum} tahun pada awal program ({programme.bulan_mulai}).",
            f"YYYY-MM-DD or DD/MM/YYYY. Aged {limits.minimum}–{limits.maksimum} at the programme "
            f"start ({programme.bulan_mulai}).",
        ),
        ("jenis_kelamin", "L (laki-laki) atau P (perempuan).", "L (male) or P (female)."),
        (
            "kode_wilayah",
            f"Kode desa ({code}) atau kosong.",
            f"The village code ({code}) or empty.",
        ),
        (
            "pekerjaan",
            "Pekerjaan, mis. petani, nelayan, buruh harian lepas.",
            "Occupation, e.g. farmer, fisher, daily labourer.",
        ),
        (
            "unit",
            "Pilihan: instansi/OPD (non-ASN) atau unit kerja.",
            "Optional: the agency/OPD (non-ASN staff) or work unit.",
        ),
        (
            "",
            "Satu baris satu orang; paling banyak sebanyak kuota desa. Hapus baris contoh.",
            "One row per person, at most the village's quota. Delete the example row.",
        ),
    ]
    for i, row in enumerate(rows, start=1):
        help_sheet.write_row(i, 0, row)
    book.close()
    return buffer.getvalue()


@contextmanager
def _local_path(file: UploadedFile | str | Path) -> Iterator[tuple[Path, str]]:
    """A path on disk for `file` and the name to show (an upload is spooled to a temp file)."""
    if isinstance(file, str | Path):
        yield Path(file), Path(file).name
        return
    name = Path(file.name or "berkas").name[:200]
    if hasattr(file, "temporary_file_path"):
        yield Path(file.temporary_file_path()), name
        return
    handle, temp = tempfile.mkstemp(suffix=Path(name).suffix[:5])
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in file.chunks():
                out.write(chunk)
        yield Path(temp), name
    finally:
        os.unlink(temp)


@dataclass
class _ListFile:
    rows: list[tuple[int, dict[str, str]]]
    count: int
    ignored: list[str]
    sha256: str
    example_skipped: bool


def _read(path: Path, name: str, keep: int) -> _ListFile:
    """The first `keep` rows of a list file, how many there are, and what was left out."""
    try:
        table = open_table(path, aliases=ALIASES, required=REQUIRED_COLUMNS, display_name=name)
        rows: list[tuple[int, dict[str, str]]] = []
        count = 0
        example_skipped = False
        for baris, row in table.rows:
            if row.get("nama", "").strip() == EXAMPLE_NAME:
                example_skipped = True
                continue
            count += 1
            if count <= keep:
                rows.append((baris, row))
    except MissingColumns as exc:
        raise ListColumnsWrong(
            berkas=name,
            kolom=exc.fields["kolom"],
            ada=exc.fields["ada"],
            templat=",".join(COLUMNS),
        ) from exc
    except UnreadableFile as exc:
        raise ListUnreadable(
            berkas=name, alasan_id=exc.fields["alasan_id"], reason=exc.fields["reason"]
        ) from exc
    return _ListFile(rows, count, table.ignored, table.sha256.hexdigest(), example_skipped)


@transaction.atomic
def beneficiaries_upload(
    *, programme: Programme, kode_wilayah: str, file: Any, acting_user: Actor
) -> UploadResult:
    """Replace one village's list with a file (CSV or XLSX), checking every row.

    Refused whole, saving nothing: wrong or missing columns, an unreadable or empty file, more
    people than the village's quota, a programme already approved. Rows with problems are kept
    with their `masalah` to be fixed in the browser. Cells are stored as text, never evaluated.
    """
    require_capability(acting_user, "programmes.beneficiaries")
    require_scope(acting_user, kode_wilayah)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    village = _village(programme, kode_wilayah)
    if programme.status in LOCKED_STATUSES:
        raise ListLocked(
            program=programme.nama,
            status=programme.status,
            status_en=STATUS_EN.get(programme.status, programme.status),
        )
    with _local_path(file) as (path, name):
        listed = _read(path, name, keep=village.kuota)
    count = listed.count
    if count == 0:
        raise ListEmpty(berkas=name)
    if count > village.kuota:
        desa = Region.objects.filter(code=kode_wilayah).values_list("name", flat=True).first()
        raise OverQuota(
            desa=f"{desa or ''} {kode_wilayah}".strip(),
            jumlah=count,
            kuota=village.kuota,
            lebih=count - village.kuota,
        )
    checker = RowChecker(programme, kode_wilayah)
    first_row: dict[str, int] = {}
    objects = []
    for baris, row in listed.rows:
        values, masalah = checker.check(row)
        nik = values["nik"]
        if nik and not any(m["kolom"] == "nik" for m in masalah):
            first = first_row.setdefault(nik, baris)
            if first != baris:
                masalah.append(duplicate_problem(first))
        objects.append(Beneficiary(programme=programme, baris=baris, masalah=masalah, **values))
    replaced, _ = Beneficiary.objects.filter(
        programme=programme, kode_wilayah=kode_wilayah
    ).delete()
    Beneficiary.objects.bulk_create(objects, batch_size=500)
    bad = sum(1 for b in objects if b.masalah)
    audit_record(
        actor=acting_user,
        action="beneficiary.upload",
        target=programme,
        rows=len(objects),
        region_code=kode_wilayah,
        detail={
            "desa": kode_wilayah,
            "berkas": name,
            "sha256": listed.sha256,
            "bermasalah": bad,
            "diganti": replaced,
        },
    )
    return UploadResult(
        kode_wilayah=kode_wilayah,
        baris=len(objects),
        valid=len(objects) - bad,
        bermasalah=bad,
        diganti=replaced,
        kolom_diabaikan=tuple(listed.ignored),
        contoh_dilewati=listed.example_skipped,
    )


@transaction.atomic
def beneficiary_fix(
    *, beneficiary: Beneficiary, data: dict[str, str], acting_user: Actor
) -> Beneficiary:
    """Change cells of one row and check it again; its match is cleared (match again after).

    `data` holds the cells to change (COLUMNS; `nik` empty keeps the stored NIK). A row already
    on an invoice cannot change.
    """
    require_capability(acting_user, "programmes.beneficiaries")
    require_scope(acting_user, beneficiary.kode_wilayah)
    beneficiary = (
        Beneficiary.objects.select_for_update().select_related("programme").get(pk=beneficiary.pk)
    )
    if InvoiceLine.objects.filter(beneficiary=beneficiary).exists():
        raise BeneficiaryLocked(baris=beneficiary.baris)
    current = {
        "nik": beneficiary.nik,
        "nama": beneficiary.nama,
        "tanggal_lahir": beneficiary.tanggal_lahir.isoformat() if beneficiary.tanggal_lahir else "",
        "jenis_kelamin": beneficiary.jenis_kelamin,
        "kode_wilayah": beneficiary.kode_wilayah,
        "pekerjaan": beneficiary.pekerjaan,
        "unit": beneficiary.unit,
    }
    changed = sorted(
        k
        for k in COLUMNS
        if k in data
        and str(data[k] or "").strip() != current[k]
        and not (k == "nik" and not str(data[k] or "").strip())
    )
    row = {**current, **{k: str(data[k] or "").strip() for k in changed}}
    values, masalah = RowChecker(beneficiary.programme, beneficiary.kode_wilayah).check(row)
    nik = values["nik"]
    if nik and not any(m["kolom"] == "nik" for m in masalah):
        first = (
            Beneficiary.objects.filter(
                programme=beneficiary.programme_id, kode_wilayah=beneficiary.kode_wilayah, nik=nik
            )
            .exclude(pk=beneficiary.pk)
            .order_by("baris")
            .values_list("baris", flat=True)
            .first()
        )
        if first is not None:
            masalah.append(duplicate_problem(first))
    for field, value in values.items():
        setattr(beneficiary, field, value)
    beneficiary.masalah = masalah
    beneficiary.match_nik = ""
    beneficiary.match_skor = None
    beneficiary.match_metode = ""
    beneficiary.match_status = ""
    beneficiary.kelas = ""
    beneficiary.ganda_programme = None
    beneficiary.save()
    audit_record(
        actor=acting_user,
        action="beneficiary.fix",
        target=beneficiary,
        region_code=beneficiary.kode_wilayah,
        detail={"kolom": changed, "masalah": len(masalah), "baris": beneficiary.baris},
    )
    return beneficiary
