"""`participant_import`: a registry snapshot file into one period, all-or-nothing by default.

Read (streamed) → check every cell of every row → stage the good rows in a temporary table →
if nothing was rejected (or `partial`), merge set-based in one transaction: participants by NIK,
memberships by (period, participant). Killed at any point, the registry is as before.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

from cakupan.accounts.scope import Actor, in_scope
from cakupan.compliance.status import status_refresh
from cakupan.coverage.facts import facts_refresh
from cakupan.coverage.models import Workforce
from cakupan.coverage.workforce import workforce_estimate_all
from cakupan.errors import CakupanError
from cakupan.identity import (
    KpjInvalid,
    NppInvalid,
    nik_problems,
    nik_suspicions,
    parse_nik,
)
from cakupan.imports.services.cells import (
    parse_choice,
    parse_date,
    parse_money,
    parse_month,
    region_unknown,
    required,
)
from cakupan.imports.services.driver import FileKind, ImportResult, import_run
from cakupan.imports.services.problems import CellProblem, Problem, problem
from cakupan.imports.services.staging import Staging, update_changed
from cakupan.jobs.services import Progress
from cakupan.lib.names import name_key, name_normal
from cakupan.regions.models import Region
from cakupan.registry.models import PROGRAMS, Employer, Segmen
from cakupan.registry.selectors import period_parse

COLUMNS = (
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "kpj",
    "segmen",
    "npp",
    "kode_wilayah",
    "pekerjaan",
    "program",
    "upah",
    "tmt",
    "bulan_iuran_terakhir",
)
REQUIRED = ("nik", "nama", "segmen", "kode_wilayah", "program", "tmt", "bulan_iuran_terakhir")
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
    "sex": "jenis_kelamin",
    "gender": "jenis_kelamin",
    "jk": "jenis_kelamin",
    "card_number": "kpj",
    "no_kpj": "kpj",
    "segment": "segmen",
    "employer": "npp",
    "employer_npp": "npp",
    "region_code": "kode_wilayah",
    "village_code": "kode_wilayah",
    "kode_desa": "kode_wilayah",
    "occupation": "pekerjaan",
    "job": "pekerjaan",
    "programs": "program",
    "programme": "program",
    "programmes": "program",
    "wage": "upah",
    "income": "upah",
    "penghasilan": "upah",
    "start_date": "tmt",
    "membership_start": "tmt",
    "last_paid_month": "bulan_iuran_terakhir",
    "last_month_paid": "bulan_iuran_terakhir",
    "bulan_terakhir_bayar": "bulan_iuran_terakhir",
}
STAGE_COLUMNS = (
    ("baris", "integer"),
    ("nik", "varchar(16)"),
    ("nama", "varchar(200)"),
    ("nama_cari", "varchar(200)"),
    ("nama_kunci", "varchar(200)"),
    ("tanggal_lahir", "date"),
    ("jenis_kelamin", "varchar(1)"),
    ("kpj", "varchar(11)"),
    ("segmen", "varchar(5)"),
    ("npp", "varchar(8)"),
    ("kode_wilayah", "varchar(13)"),
    ("pekerjaan", "varchar(100)"),
    ("program", "varchar(24)"),
    ("upah", "bigint"),
    ("tmt", "date"),
    ("bulan_iuran_terakhir", "varchar(7)"),
)
SEGMENTS = tuple(Segmen.values)
SEXES = ("L", "P")


class DuplicateNik(CakupanError):
    kode = "nik_ganda"
    pesan = "NIK ini sudah ada di baris {pertama} berkas yang sama."
    message = "This NIK already appears in row {pertama} of the same file."


class PaidBeforeStart(CakupanError):
    kode = "iuran_sebelum_tmt"
    pesan = "Bulan iuran terakhir {bulan} lebih awal dari bulan TMT {tmt}."
    message = "Last month paid {bulan} is before the start month (TMT) {tmt}."


class PuWithoutNpp(CakupanError):
    kode = "pu_tanpa_npp"
    pesan = "Peserta PU (penerima upah) wajib punya NPP pemberi kerja."
    message = "A PU (wage earner) participant needs the employer's NPP."


class NppUnknown(CakupanError):
    kode = "npp_tidak_terdaftar"
    pesan = "NPP {npp} tidak ada di registri pemberi kerja; impor pemberi kerjanya dulu."
    message = "NPP {npp} is not in the employer registry; import the employer first."


class ProgramInvalid(CakupanError):
    kode = "program_tidak_valid"
    pesan = "Program {nilai!r} tidak dikenal; tulis bagian dari JKK,JKM,JHT,JP,JKP."
    message = "Programme {nilai!r} is unknown; write a subset of JKK,JKM,JHT,JP,JKP."


class RegionOutOfScope(CakupanError):
    kode = "wilayah_di_luar_cakupan"
    pesan = "Kode wilayah {nilai} di luar wilayah akun Anda ({lingkup})."
    message = "Region code {nilai} is outside your account's region ({lingkup})."


class RegionTooCoarse(CakupanError):
    kode = "wilayah_terlalu_kasar"
    pesan = "Kode wilayah {nilai} adalah provinsi; tulis kode desa, kecamatan atau kabupaten."
    message = "Region code {nilai} is a province; write a village, district or regency code."


class _Checker:
    """Checks rows of one file; knows regions, employers and the NIKs already seen."""

    def __init__(self, actor: Actor, periode: str) -> None:
        self.codes = dict(Region.objects.values_list("code", "level"))
        districts = {
            c for c, lvl in self.codes.items() if lvl in ("province", "regency", "district")
        }
        self.region_exists = districts.__contains__
        self.npps = set(Employer.objects.values_list("npp", flat=True))
        self.seen: dict[int, int] = {}
        self.actor = actor
        self.scope = actor.region_code
        self.today = date.today()
        self.periode = periode

    def check(
        self, baris: int, row: dict[str, str]
    ) -> tuple[tuple[Any, ...] | None, list[Problem]]:
        found: list[Problem] = []

        def bad(kolom: str, error: CakupanError, warning: bool = False) -> None:
            found.append(problem(baris, kolom, row.get(kolom, ""), error, warning=warning))

        for kolom in REQUIRED:
            if not row.get(kolom):
                bad(kolom, required(kolom))
        nik = row.get("nik", "")
        info = None
        if nik:
            try:
                info = parse_nik(nik, self.region_exists, today=self.today)
            except CakupanError:
                for error in nik_problems(nik, self.region_exists, today=self.today):
                    bad("nik", error)
            if info is not None:
                first = self.seen.setdefault(int(info.nik), baris)
                if first != baris:
                    bad("nik", DuplicateNik(pertama=first))
        tanggal_lahir = self._cell(row, "tanggal_lahir", parse_date, bad)
        jenis_kelamin = None
        if row.get("jenis_kelamin"):
            jenis_kelamin = self._cell(
                row, "jenis_kelamin", lambda v, k: parse_choice(v, k, SEXES), bad
            )
        if info is not None:
            for warning in nik_suspicions(info, tanggal_lahir, jenis_kelamin):
                kolom = "jenis_kelamin" if "kelamin" in warning.kode else "tanggal_lahir"
                bad(kolom, warning, warning=True)
            tanggal_lahir = tanggal_lahir or info.tanggal_lahir
            jenis_kelamin = jenis_kelamin or info.jenis_kelamin

        kpj = row.get("kpj", "")
        if kpj and not (len(kpj) == 11 and kpj.isdigit()):
            bad("kpj", KpjInvalid(nilai=kpj))
        segmen = self._cell(row, "segmen", lambda v, k: parse_choice(v, k, SEGMENTS), bad)
        npp = row.get("npp", "")
        if npp:
            if not (len(npp) == 8 and npp.isdigit()):
                bad("npp", NppInvalid(nilai=npp))
            elif npp not in self.npps:
                bad("npp", NppUnknown(npp=npp))
        elif segmen == "PU":
            bad("npp", PuWithoutNpp())

        kode = row.get("kode_wilayah", "")
        if kode:
            level = self.codes.get(kode)
            if level is None:
                bad("kode_wilayah", region_unknown(kode))
            elif level == "province":
                bad("kode_wilayah", RegionTooCoarse(nilai=kode))
            elif not in_scope(self.actor, kode):
                bad("kode_wilayah", RegionOutOfScope(nilai=kode, lingkup=self.scope))

        program = None
        if row.get("program"):
            parts = [
                p.strip().upper() for p in row["program"].replace(";", ",").split(",") if p.strip()
            ]
            if not parts or any(p not in PROGRAMS for p in parts) or len(set(parts)) != len(parts):
                bad("program", ProgramInvalid(nilai=row["program"]))
            else:
                program = ",".join(p for p in PROGRAMS if p in parts)
        upah = None
        if row.get("upah"):
            upah = self._cell(row, "upah", parse_money, bad)
        elif segmen == "PU":
            bad("upah", required("upah"))
        tmt = self._cell(row, "tmt", parse_date, bad)
        paid = self._cell(row, "bulan_iuran_terakhir", parse_month, bad)
        if tmt and paid and paid < f"{tmt.year:04d}-{tmt.month:02d}":
            bad("bulan_iuran_terakhir", PaidBeforeStart(bulan=paid, tmt=f"{tmt:%Y-%m}"))

        if any(not p.warning for p in found):
            return None, found
        nama_cari = name_normal(row["nama"])
        return (
            (
                baris,
                info.nik,
                row["nama"][:200],
                nama_cari[:200],
                name_key(row["nama"], normal=nama_cari)[:200],
                tanggal_lahir,
                jenis_kelamin,
                kpj,  # type: ignore[union-attr]
                segmen,
                npp or None,
                kode,
                row.get("pekerjaan", "")[:100],
                program,
                upah,
                tmt,
                paid,
            ),
            found,
        )

    @staticmethod
    def _cell(row: dict[str, str], kolom: str, parse: Any, bad: Any) -> Any:
        value = row.get(kolom, "")
        if not value:
            return None
        try:
            return parse(value, kolom)
        except CellProblem as error:
            bad(kolom, error)
            return None


def _merge(staging: Staging, periode: str, replace: bool) -> dict[str, int]:
    """Participants by NIK, then memberships by (period, participant), set-based, one transaction."""
    s = staging.name
    now = timezone.now()
    clock = time.monotonic()
    seconds: dict[str, float] = {}

    def lap(step: str) -> None:
        nonlocal clock
        seconds[step] = round(time.monotonic() - clock, 2)
        clock = time.monotonic()

    with connection.cursor() as c:
        c.execute(
            f"SELECT count(*) FROM {s} JOIN registry_participant p ON p.nik = {s}.nik "
            f"JOIN registry_membership m ON m.participant_id = p.id AND m.periode = %s",
            [periode],
        )
        existing = c.fetchone()[0]
        lap("hitung")
        people = (
            "nama",
            "nama_cari",
            "nama_kunci",
            "tanggal_lahir",
            "jenis_kelamin",
            "kode_wilayah",
        )
        c.execute(
            f"""INSERT INTO registry_participant (nik, {", ".join(people)}, updated_at)
                SELECT nik, {", ".join(people)}, %s FROM {s} WHERE 1=1 ORDER BY nik
                ON CONFLICT (nik) DO {
                update_changed(
                    "registry_participant", people, also="updated_at = excluded.updated_at"
                )
            }""",
            [now],
        )
        lap("peserta")
        member = (
            "kpj",
            "segmen",
            "employer_id",
            "kode_wilayah",
            "jenis_kelamin",
            "tanggal_lahir",
            "pekerjaan",
            "program",
            "upah",
            "tmt",
            "bulan_iuran_terakhir",
        )
        c.execute(
            f"""INSERT INTO registry_membership (periode, participant_id, {", ".join(member)})
                SELECT %s, p.id, coalesce(s.kpj, ''), s.segmen, e.id, s.kode_wilayah,
                       s.jenis_kelamin, s.tanggal_lahir, coalesce(s.pekerjaan, ''), s.program,
                       s.upah, s.tmt, s.bulan_iuran_terakhir
                FROM {s} s JOIN registry_participant p ON p.nik = s.nik
                LEFT JOIN registry_employer e ON e.npp = s.npp WHERE 1=1 ORDER BY p.id
                ON CONFLICT (periode, participant_id)
                DO {update_changed("registry_membership", member)}""",
            [periode],
        )
        lap("kepesertaan")
        removed = 0
        if replace:
            c.execute(
                f"""DELETE FROM registry_membership WHERE periode = %s AND participant_id NOT IN
                    (SELECT p.id FROM {s} JOIN registry_participant p ON p.nik = {s}.nik)""",
                [periode],
            )
            removed = c.rowcount
            lap("hapus")
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE registry_membership")  # fresh statistics for the plans below
        lap("analyze")
    # Paid months of sponsored programmes keep their people active in the snapshot (a `--replace`
    # file from BPJS may not list them yet). Imported here: programmes build on the importers.
    from cakupan.programmes.services.payments import sponsorship_apply

    if sponsorship_apply(periode):
        lap("disponsori")
    facts_refresh(periode)
    lap("fakta_cakupan")
    status_refresh(periode)
    lap("kepatuhan")
    if Workforce.objects.exists():
        workforce_estimate_all()
        lap("estimasi_penyebut")
    return {
        "baru": staging.count - existing,
        "diperbarui": existing,
        "dihapus": removed,
        "detik_gabung": seconds,
    }


PARTICIPANTS = FileKind(
    name="participants",
    aliases=ALIASES,
    required=REQUIRED,
    stage_columns=STAGE_COLUMNS,
    stage_key="nik",
)


def participant_import(
    *,
    path: Path,
    periode: str,
    acting_user: Actor,
    file_name: str | None = None,
    rejects_path: Path | None = None,
    dry_run: bool = False,
    partial: bool = False,
    replace: bool = False,
    progress: Progress | None = None,
    job_id: int | None = None,
) -> ImportResult:
    """Import a registry snapshot for `periode`; see the module docstring for the guarantees."""
    period_parse(periode)
    return import_run(
        kind=PARTICIPANTS,
        path=path,
        acting_user=acting_user,
        make_checker=lambda: _Checker(acting_user, periode),
        merge=lambda staging: _merge(staging, periode, replace),
        periode=periode,
        options={"replace": replace},
        file_name=file_name,
        rejects_path=rejects_path,
        dry_run=dry_run,
        partial=partial,
        progress=progress,
        job_id=job_id,
    )
