"""Writes of the linkage app: staff decisions on proposed matches (with the key that ties a
decision to a list row without storing the row's NIK), and matching a list file to a result file
(`cakupan link`)."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cakupan.accounts.models import User
from cakupan.accounts.scope import Actor, require_capability
from cakupan.audit.services import audit_record
from cakupan.errors import CakupanError
from cakupan.imports.services.cells import parse_date
from cakupan.imports.services.problems import CellProblem
from cakupan.imports.services.readers import MissingColumns, open_table
from cakupan.lib.masking import mask_nik_runs
from cakupan.lib.names import name_normal
from cakupan.lib.tabular import csv_lines
from cakupan.linkage.matcher import METHODS, Person, Progress, people_link
from cakupan.linkage.models import Keputusan, LinkDecision
from cakupan.registry.selectors import period_parse

_KEY_SALT = "cakupan.linkage.person_key"
_BATCH = 500  # keys per query (SQLite's parameter limit)


# Header keys (imports.services.readers.header_key) of a list of people → design.md's columns.
ALIASES = {
    "nik": "nik",
    "national_id": "nik",
    "nama": "nama",
    "name": "nama",
    "tanggal_lahir": "tanggal_lahir",
    "date_of_birth": "tanggal_lahir",
    "jenis_kelamin": "jenis_kelamin",
    "sex": "jenis_kelamin",
    "kode_wilayah": "kode_wilayah",
    "region_code": "kode_wilayah",
    "pekerjaan": "pekerjaan",
    "occupation": "pekerjaan",
}
OUTPUT_COLUMNS = ("baris", "nik", "skor", "metode")
_SEX = {
    **dict.fromkeys(("l", "lk", "laki", "laki-laki", "laki laki", "pria", "m", "male"), "L"),
    **dict.fromkeys(("p", "pr", "perempuan", "wanita", "w", "f", "female"), "P"),
}


class OutputUnwritable(CakupanError):
    kode = "berkas_hasil_tidak_dapat_ditulis"
    pesan = "Berkas hasil {berkas} tidak dapat ditulis: {alasan}"
    message = "Output file {berkas} cannot be written: {alasan}"


class DecisionNikInvalid(CakupanError):
    kode = "keputusan_nik_tidak_valid"
    pesan = "NIK yang diputuskan harus 16 angka."
    message = "The NIK decided on must have 16 digits."


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isascii() and c.isdigit())


def person_key(person: Person) -> str:
    """HMAC-SHA256 (keyed by settings.SECRET_KEY) of a list row's identity as normalised: NIK
    digits, name (`lib.names.name_normal`), birth date, sex and region code. The same person
    written the same way in another upload gets the same key; the row number does not count."""
    born = person.tanggal_lahir
    parts = (
        _digits(person.nik or ""),
        name_normal(person.nama or ""),
        born.isoformat() if isinstance(born, date) else "",
        (person.jenis_kelamin or "").strip().upper()[:1],
        _digits(person.kode_wilayah or ""),
    )
    return salted_hmac(_KEY_SALT, "\x1f".join(parts), algorithm="sha256").hexdigest()


@transaction.atomic
def link_decide(*, person: Person, nik: str, accept: bool, acting_user: Actor) -> LinkDecision:
    """Record that list row `person` is (accept) or is not the participant with `nik`; a later
    decision on the same pair replaces the earlier one. Audited as "linkage.decide"."""
    require_capability(acting_user, "linkage.review")
    nik = nik.strip()
    if not (len(nik) == 16 and nik.isascii() and nik.isdigit()):
        raise DecisionNikInvalid()
    decision, _ = LinkDecision.objects.update_or_create(
        person_key=person_key(person),
        nik=nik,
        defaults={
            "keputusan": Keputusan.DITERIMA if accept else Keputusan.DITOLAK,
            "decided_by": acting_user if isinstance(acting_user, User) else None,
            "decided_at": timezone.now(),
        },
    )
    audit_record(
        actor=acting_user,
        action="linkage.decide",
        target=decision,
        region_code=person.kode_wilayah or None,
        detail={"keputusan": decision.keputusan},
    )
    return decision


def decisions_for(keys: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """The decisions on the list rows with these `person_key`s: key → [(nik, keputusan)], oldest
    first."""
    wanted = sorted(set(keys))
    found: dict[str, list[tuple[str, str]]] = {}
    if not wanted or not LinkDecision.objects.exists():
        return found
    for start in range(0, len(wanted), _BATCH):
        rows = (
            LinkDecision.objects.filter(person_key__in=wanted[start : start + _BATCH])
            .order_by("decided_at", "id")
            .values_list("person_key", "nik", "keputusan")
        )
        for key, nik, keputusan in rows:
            found.setdefault(key, []).append((nik, keputusan))
    return found


@dataclass(frozen=True)
class CellNote:
    """A cell that could not be read and was taken as empty (never holds the cell's NIK)."""

    baris: int
    kolom: str
    kode: str
    pesan: str
    message: str


@dataclass
class FileLinkResult:
    """What `file_link` did: rows per method, the cells taken as empty, how long it took."""

    rows: int = 0
    methods: Counter[str] = field(default_factory=Counter)
    notes: list[CellNote] = field(default_factory=list)
    seconds: float = 0.0


def _person(baris: int, row: dict[str, str], notes: list[CellNote]) -> Person:
    """A list row as a Person; unreadable cells become empty and are noted."""
    nama = row.get("nama", "").strip()
    if not nama:
        notes.append(
            CellNote(baris, "nama", "sel_wajib_kosong", "nama kosong.", "the name is empty.")
        )
    nik = _digits(row.get("nik", "").strip().lstrip("'"))
    if row.get("nik", "").strip() and len(nik) != 16:
        nik = ""
        notes.append(
            CellNote(
                baris,
                "nik",
                "nik_tidak_valid",
                "NIK harus 16 angka; dianggap kosong.",
                "a NIK has 16 digits; taken as empty.",
            )
        )
    born: date | None = None
    if text := row.get("tanggal_lahir", "").strip():
        try:
            born = parse_date(text, "tanggal_lahir")
        except CellProblem:
            shown = mask_nik_runs(text)
            notes.append(
                CellNote(
                    baris,
                    "tanggal_lahir",
                    "tanggal_tidak_valid",
                    f"{shown!r} bukan tanggal yang sah (YYYY-MM-DD, DD/MM/YYYY atau DD-MM-YYYY);"
                    " dianggap kosong.",
                    f"{shown!r} is not a valid date (YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY);"
                    " taken as empty.",
                )
            )
    sex = ""
    if text := row.get("jenis_kelamin", "").strip():
        sex = _SEX.get(text.lower(), "")
        if not sex:
            notes.append(
                CellNote(
                    baris,
                    "jenis_kelamin",
                    "pilihan_tidak_dikenal",
                    "jenis_kelamin harus L atau P; dianggap kosong.",
                    "sex must be L or P; taken as empty.",
                )
            )
    return Person(
        baris=baris,
        nama=nama,
        nik=nik,
        tanggal_lahir=born,
        jenis_kelamin=sex,
        kode_wilayah=row.get("kode_wilayah", "").strip(),
        pekerjaan=row.get("pekerjaan", "").strip(),
    )


def file_link(
    *,
    path: Path,
    out_path: Path,
    periode: str | None,
    acting_user: Actor,
    progress: Progress | None = None,
) -> FileLinkResult:
    """Match a list of people (design.md "People to match", CSV or XLSX) to the registry and
    write `baris,nik,skor,metode` to `out_path` (CSV). Unreadable cells are taken as empty and
    noted; an unreadable file or one without `nama` raises. Audited as "linkage.link"."""
    require_capability(acting_user, "nik.view")  # the output holds NIKs in full
    if periode is not None:
        period_parse(periode)
    started = time.perf_counter()
    try:
        table = open_table(path, aliases=ALIASES, required=("nama",), display_name=path.name)
    except MissingColumns as error:
        # A file without a header shows its first data row here: mask any NIK in it.
        raise MissingColumns(
            berkas=path.name, kolom=error.fields["kolom"], ada=mask_nik_runs(error.fields["ada"])
        ) from None
    result = FileLinkResult()
    people = [_person(baris, row, result.notes) for baris, row in table.rows]
    matches = people_link(people, periode=periode, progress=progress)
    result.rows = len(matches)
    result.methods = Counter({m: 0 for m in METHODS})
    result.methods.update(m.metode for m in matches)
    # Written beside the target and renamed into place: a killed run never leaves a partial
    # OUT file that looks complete.
    partial = out_path.with_name(f".{out_path.name}.{os.getpid()}.partial")
    try:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            out.writelines(
                csv_lines(
                    OUTPUT_COLUMNS, ((m.baris, m.nik, f"{m.skor:.4f}", m.metode) for m in matches)
                )
            )
        os.replace(partial, out_path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise OutputUnwritable(berkas=out_path.name, alasan=error.strerror or str(error)) from None
    result.seconds = time.perf_counter() - started
    audit_record(
        actor=acting_user,
        action="linkage.link",
        rows=result.rows,
        detail={"berkas": mask_nik_runs(path.name), "periode": periode or "", **result.methods},
    )
    return result
