"""Staff and officials' rosters: how many non-civil-servant staff (non-ASN) a government unit
employs, how many officials a village or customary village has, per period — and the share of
them that sponsored programmes protect.

File format (CSV or XLSX, headers case-insensitive, English aliases accepted):
`kode_wilayah,jenis,unit,periode,jumlah,sumber` — `kode_wilayah` the employing government's
region; `jenis` `non_asn`, `perangkat_desa` or `prajuru_desa_adat`; `unit` the agency/OPD, or for
officials the village (its code, or its name inside `kode_wilayah`); `periode` `YYYY-MM`;
`jumlah` the number of people; `sumber` where the count comes from (optional).
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path
from typing import IO, Any

from django.db import transaction

from cakupan.accounts.scope import Actor, in_scope, require_capability, require_scope
from cakupan.audit.services import audit_record
from cakupan.errors import CakupanError, InvalidInput
from cakupan.imports.services.cells import parse_month, region_unknown, required
from cakupan.imports.services.problems import CellProblem, Problem, problem
from cakupan.imports.services.readers import open_table
from cakupan.programmes.models import Roster, RosterKind
from cakupan.programmes.selectors import (
    PERANGKAT_KINDS,
    RosterRow,
    RosterTrendPoint,
    roster_overview,
)
from cakupan.regions.models import Region
from cakupan.regions.selectors import within_q

COLUMNS = ("kode_wilayah", "jenis", "unit", "periode", "jumlah", "sumber")
REQUIRED = ("kode_wilayah", "jenis", "unit", "periode", "jumlah")
ALIASES = {
    "kode_wilayah": "kode_wilayah",
    "region_code": "kode_wilayah",
    "kode": "kode_wilayah",
    "jenis": "jenis",
    "kind": "jenis",
    "unit": "unit",
    "opd": "unit",
    "agency": "unit",
    "instansi": "unit",
    "desa": "unit",
    "village": "unit",
    "periode": "periode",
    "period": "periode",
    "jumlah": "jumlah",
    "count": "jumlah",
    "number": "jumlah",
    "sumber": "sumber",
    "source": "sumber",
}
MAX_JUMLAH = 10_000_000
MAX_PROBLEMS_IN_MESSAGE = 5


class RostersRejected(CakupanError):
    """A roster file with problems: nothing was saved. `problems` lists every one."""

    kode = "daftar_ditolak"
    pesan = "Berkas {berkas}: {jumlah} masalah, tidak ada yang disimpan. {rincian_id}"
    message = "File {berkas}: {jumlah} problems, nothing was saved. {rincian}"
    http_status = 422

    def __init__(self, *, berkas: str, problems: list[Problem]) -> None:
        shown = problems[:MAX_PROBLEMS_IN_MESSAGE]
        more = len(problems) - len(shown)
        super().__init__(
            berkas=berkas,
            jumlah=len(problems),
            rincian_id=" ".join(f"Baris {p.baris}, kolom {p.kolom}: {p.pesan}" for p in shown)
            + (f" (dan {more} lagi)" if more else ""),
            rincian=" ".join(f"Row {p.baris}, column {p.kolom}: {p.message}" for p in shown)
            + (f" (and {more} more)" if more else ""),
        )
        self.problems = problems


def _kind(value: str) -> str:
    text = value.strip().lower()
    if text in RosterKind.values:
        return text
    choices = ", ".join(RosterKind.values)
    raise CellProblem(
        "jenis_tidak_dikenal",
        f"Kolom jenis: {value!r} tidak dikenal; pilih salah satu: {choices}.",
        f"Column jenis: unknown value {value!r}; choose one of: {choices}.",
    )


def _count(value: str) -> int:
    text = value.replace(".", "").replace(",", "").replace(" ", "")
    if not text.isdigit():
        raise CellProblem(
            "angka_tidak_valid",
            f"Kolom jumlah: {value!r} bukan bilangan bulat 0 atau lebih.",
            f"Column jumlah: {value!r} is not a whole number of 0 or more.",
        )
    number = int(text)
    if number > MAX_JUMLAH:
        raise CellProblem(
            "jumlah_tidak_wajar",
            f"Kolom jumlah: {number} orang tidak wajar untuk satu unit (batas {MAX_JUMLAH}).",
            f"Column jumlah: {number} people is absurd for one unit (limit {MAX_JUMLAH}).",
        )
    return number


def _unit(value: str) -> str:
    text = " ".join(value.split())
    if len(text) > 200:
        raise CellProblem(
            "unit_terlalu_panjang",
            "Kolom unit: paling banyak 200 karakter.",
            "Column unit: at most 200 characters.",
        )
    return text


def _village_of(kode_wilayah: str, unit: str, villages: dict[str, list[str]]) -> str:
    """The village code an officials' roster is for: the region itself when it is a village,
    else the unit as a village code inside the region, or a village name found once in it."""
    if kode_wilayah.count(".") == 3:
        return unit
    if unit.count(".") == 3 and unit.replace(".", "").isdigit():
        if (unit == kode_wilayah or unit.startswith(kode_wilayah + ".")) and unit in villages.get(
            "", []
        ):
            return unit
        raise CellProblem(
            "desa_di_luar_wilayah",
            f"Kolom unit: desa {unit} tidak ada di wilayah {kode_wilayah}.",
            f"Column unit: village {unit} is not in region {kode_wilayah}.",
        )
    found = [
        code for code in villages.get(unit.casefold(), []) if code.startswith(kode_wilayah + ".")
    ]
    if len(found) == 1:
        return found[0]
    if not found:
        raise CellProblem(
            "desa_tidak_ditemukan",
            f"Kolom unit: tidak ada desa bernama {unit!r} di wilayah {kode_wilayah}; "
            "tulis kode desanya.",
            f"Column unit: no village named {unit!r} in region {kode_wilayah}; "
            "write its village code.",
        )
    raise CellProblem(
        "desa_ganda",
        f"Kolom unit: ada {len(found)} desa bernama {unit!r} di wilayah {kode_wilayah} "
        f"({', '.join(found)}); tulis kode desanya.",
        f"Column unit: {len(found)} villages are named {unit!r} in region {kode_wilayah} "
        f"({', '.join(found)}); write its village code.",
    )


def _village_lookup(rows: list[dict[str, str]]) -> dict[str, list[str]]:
    """Village codes by lower-case name (and under '' every code asked for), in one query."""
    codes = {r["unit"] for r in rows if r.get("unit", "").count(".") == 3}
    names = {r["unit"].casefold() for r in rows if r.get("unit") and r["unit"] not in codes}
    regions = {r["kode_wilayah"] for r in rows if r.get("kode_wilayah")}
    if not codes and not names:
        return {}
    area = None
    for code in regions:
        q = within_q("code", code)
        area = q if area is None else area | q
    qs = Region.objects.filter(level="village")
    qs = qs.filter(area) if area is not None else qs.none()
    lookup: dict[str, list[str]] = defaultdict(list)
    for code, name in qs.values_list("code", "name"):
        if code in codes:
            lookup[""].append(code)
        if name.casefold() in names:
            lookup[name.casefold()].append(code)
    return lookup


def _check_row(
    baris: int,
    row: dict[str, str],
    *,
    actor: Actor,
    regions: set[str],
    villages: dict[str, list[str]],
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """One row checked: the values to save, or the problems found (every one)."""
    found: list[Problem] = []
    values: dict[str, Any] = {}
    for kolom, parse in (
        ("kode_wilayah", str.strip),
        ("jenis", _kind),
        ("unit", _unit),
        ("periode", lambda v: parse_month(v.strip(), "periode")),
        ("jumlah", _count),
    ):
        raw = (row.get(kolom) or "").strip()
        if not raw:
            found.append(problem(baris, kolom, "", required(kolom)))
            continue
        try:
            values[kolom] = parse(raw)
        except CakupanError as error:
            found.append(problem(baris, kolom, raw, error))
    code = values.get("kode_wilayah")
    if code is not None:
        if code not in regions:
            found.append(problem(baris, "kode_wilayah", code, region_unknown(code)))
            values.pop("kode_wilayah")
        elif not in_scope(actor, code):
            found.append(
                problem(
                    baris,
                    "kode_wilayah",
                    code,
                    CellProblem(
                        "di_luar_wilayah",
                        f"Kolom kode_wilayah: wilayah {code} di luar cakupan akun Anda "
                        f"({actor.region_code or 'ID'}).",
                        f"Column kode_wilayah: region {code} is outside your account's scope "
                        f"({actor.region_code or 'ID'}).",
                    ),
                )
            )
            values.pop("kode_wilayah")
    if {"kode_wilayah", "jenis", "unit"} <= values.keys() and values["jenis"] in PERANGKAT_KINDS:
        try:
            values["unit"] = _village_of(values["kode_wilayah"], values["unit"], villages)
        except CakupanError as error:
            found.append(problem(baris, "unit", row.get("unit", ""), error))
    values["sumber"] = " ".join((row.get("sumber") or "").split())[:200]
    return (None if found else values), found


def _save(values: list[dict[str, Any]]) -> None:
    Roster.objects.bulk_create(
        [Roster(**v) for v in values],
        update_conflicts=True,
        unique_fields=["kode_wilayah", "jenis", "unit", "periode"],
        update_fields=["jumlah", "sumber"],
    )


@transaction.atomic
def roster_save(
    *,
    kode_wilayah: str,
    jenis: str,
    unit: str,
    periode: str,
    jumlah: int,
    sumber: str = "",
    acting_user: Actor,
) -> Roster:
    """Record (or correct) one unit's count for a period; officials' units become village codes."""
    require_capability(acting_user, "programmes.manage")
    require_scope(acting_user, kode_wilayah)
    row = {
        "kode_wilayah": kode_wilayah,
        "jenis": jenis,
        "unit": unit,
        "periode": periode,
        "jumlah": str(jumlah),
        "sumber": sumber,
    }
    regions = set(Region.objects.filter(code=kode_wilayah).values_list("code", flat=True))
    values, found = _check_row(
        1, row, actor=acting_user, regions=regions, villages=_village_lookup([row])
    )
    if values is None:
        first = found[0]
        raise InvalidInput(kolom=first.kolom, pesan_rinci=first.pesan, detail=first.message)
    roster, created = Roster.objects.update_or_create(
        kode_wilayah=values["kode_wilayah"],
        jenis=values["jenis"],
        unit=values["unit"],
        periode=values["periode"],
        defaults={"jumlah": values["jumlah"], "sumber": values["sumber"]},
    )
    audit_record(
        actor=acting_user,
        action="roster.save",
        target=roster,
        region_code=roster.kode_wilayah,
        detail={"jumlah": roster.jumlah, "baru": created, "periode": roster.periode},
    )
    return roster


def _stored(file: Any) -> tuple[Path, str, bool]:
    """A path to read `file` from (a path, or an upload/stream copied to a temporary file)."""
    if isinstance(file, str | Path):
        path = Path(file)
        return path, path.name, False
    name = Path(getattr(file, "name", "") or "daftar.csv").name
    suffix = Path(name).suffix.lower()[:5] or ".csv"
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as out:
        if hasattr(file, "chunks"):
            for chunk in file.chunks():
                out.write(chunk)
        else:
            stream: IO[bytes] = file
            while chunk := stream.read(1 << 20):
                out.write(chunk)
    return Path(out.name), name, True


def rosters_import(*, file: Any, acting_user: Actor) -> int:
    """Import a roster file (CSV or XLSX, format in this module's docstring), all or nothing:
    every row is checked, and any problem (row and column named, in both languages) rejects the
    whole file with RostersRejected. Returns the number of rows saved; rows update by
    (kode_wilayah, jenis, unit, periode)."""
    require_capability(acting_user, "programmes.manage")
    path, name, temporary = _stored(file)
    try:
        table = open_table(path, aliases=ALIASES, required=REQUIRED, display_name=name)
        rows = list(table.rows)
        digest = table.sha256.hexdigest()
    finally:
        if temporary:
            path.unlink(missing_ok=True)
    codes = {r.get("kode_wilayah", "").strip() for _, r in rows}
    regions = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    villages = _village_lookup([r for _, r in rows])
    problems: list[Problem] = []
    values: list[dict[str, Any]] = []
    seen: dict[tuple, int] = {}
    for baris, row in rows:
        checked, found = _check_row(
            baris, row, actor=acting_user, regions=regions, villages=villages
        )
        problems += found
        if checked is None:
            continue
        key = (checked["kode_wilayah"], checked["jenis"], checked["unit"], checked["periode"])
        if key in seen:
            problems.append(
                problem(
                    baris,
                    "unit",
                    row.get("unit", ""),
                    CellProblem(
                        "baris_ganda",
                        f"Unit ini sudah ada di baris {seen[key]} untuk jenis dan periode yang "
                        "sama.",
                        f"This unit is already on row {seen[key]} for the same kind and period.",
                    ),
                )
            )
            continue
        seen[key] = baris
        values.append(checked)
    if not rows:
        problems.append(
            problem(
                0,
                "-",
                "",
                CellProblem(
                    "berkas_kosong", "Berkas tidak berisi baris data.", "The file has no rows."
                ),
            )
        )
    if problems:
        raise RostersRejected(berkas=name, problems=problems)
    with transaction.atomic():
        _save(values)
        audit_record(
            actor=acting_user,
            action="roster.import",
            rows=len(values),
            detail={"berkas": name, "sha256": digest},
        )
    return len(values)


def roster_protection(
    *, actor: Actor, kode_wilayah: str | None, jenis: str | None = None, periode: str | None = None
) -> list[RosterRow]:
    """Per unit and period: the roster count, the people protected (distinct participants with a
    paid month in that period from programmes of the matching group, matched as
    selectors.rosters._roster_match says), the share and the programmes behind it. A unit's count is
    carried to later periods until a newer roster replaces it (`RosterRow.dibawa`)."""
    overview = roster_overview(actor=actor, kode_wilayah=kode_wilayah, jenis=jenis)
    return overview.rows if periode is None else overview.rows_in(periode)


def roster_trend(
    *, actor: Actor, kode_wilayah: str | None, jenis: str | None = None
) -> list[RosterTrendPoint]:
    """Roster counts, people protected and the share, per period, oldest first."""
    return roster_overview(actor=actor, kode_wilayah=kode_wilayah, jenis=jenis).trend
