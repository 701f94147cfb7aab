"""Property-based fuzzing (hypothesis) of what reads hostile input: the CSV/XLSX readers and the
participant checks behind them, the NIK/NPWP/NIB/KPJ/NPP parsers and the name normaliser.

The promises: an input is accepted or refused with a CakupanError in both languages, never
another exception; a NIK never appears unmasked in a message or a rejects report; parsers agree
with each other. Bounded by tests/reliability/fuzzing.py (`CAKUPAN_FUZZ=ci|long`). Every crash
found became an `@example` below, so it is tried first on every run.
"""

from __future__ import annotations

import csv
import io
import string
from datetime import date, timedelta
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import example, given
from hypothesis import strategies as st

from cakupan.errors import CakupanError
from cakupan.identity import (
    nik_problems,
    parse_kpj,
    parse_nib,
    parse_nik,
    parse_npp,
    parse_npwp,
)
from cakupan.imports.services.participants import ALIASES, COLUMNS, REQUIRED
from cakupan.imports.services.readers import open_table
from cakupan.lib.names import name_key, name_normal
from tests.reliability.data import bali_villages
from tests.reliability.fuzzing import TRIED, fuzz
from tests.reliability.harness import NIK_RE

DISTRICTS = frozenset(v[:8] for v in bali_villages())
TODAY = date(2024, 6, 30)


def region_exists(code: str) -> bool:
    return code in DISTRICTS


# --- strategies ------------------------------------------------------------------------------


@st.composite
def niks(draw: st.DrawFn) -> str:
    """A valid Bali NIK: a real district, a birth date (+40 for women), a serial ≠ 0000."""
    district = draw(st.sampled_from(sorted(DISTRICTS))).replace(".", "")
    born = draw(st.dates(min_value=date(1940, 1, 1), max_value=TODAY))
    female = draw(st.booleans())
    day = born.day + (40 if female else 0)
    serial = draw(st.integers(min_value=1, max_value=9999))
    return f"{district}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


digits = st.text(alphabet=string.digits, min_size=0, max_size=20)
identifier_like = st.one_of(
    digits,
    niks(),
    st.text(alphabet=string.digits + " .-/\t", max_size=24),
    st.text(max_size=24),
    niks().map(lambda n: f" {n[:8]}.{n[8:]} "),
    st.text(alphabet="٠١٢٣٤٥٦٧٨٩０１２３４５６７８９" + string.digits, min_size=16, max_size=16),
)
cell_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=string.digits + "-/.,; eE+", max_size=25),
    niks(),
    st.sampled_from(
        ["", "PU", "BPU", "JKK,JKM", "L", "P", "2023-12", "1e400", "inf", "nan", "-0", "=1+1"]
    ),
)


def _header_variant(name: str, style: int) -> str:
    return [name, name.upper(), name.replace("_", " ").title(), f" {name} "][style % 4]


@st.composite
def participant_tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    """A header of known columns (some aliases, odd spellings, unknown extras) and rows of hostile
    or valid cells, with valid NIKs sprinkled into any column."""
    names = draw(st.lists(st.sampled_from(sorted(ALIASES)), min_size=1, max_size=16))
    if draw(st.booleans()):
        names = list(COLUMNS)
    header = [_header_variant(n, draw(st.integers(0, 3))) for n in names]
    if draw(st.booleans()):
        header.append(draw(st.text(max_size=10)))
    rows = draw(
        st.lists(st.lists(cell_text, min_size=0, max_size=len(header) + 2), min_size=0, max_size=8)
    )
    return header, rows


def _csv_bytes(header: list[str], rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if encoding == "utf-8-sig":
        return "\ufeff".encode() + text.encode("utf-8", errors="surrogatepass")
    return text.encode(encoding, errors="replace")


def _xlsx_bytes(path: Path, header: list[str], rows: list[list[object]]) -> None:
    book = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False}
    )
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    for i, row in enumerate(rows, start=1):
        for j, cell in enumerate(row):
            sheet.write(i, j, cell)
    book.close()


def _drain(path: Path) -> int:
    """Open and read every row; only CakupanError may come out. Returns rows read."""
    try:
        table = open_table(path, aliases=ALIASES, required=REQUIRED, display_name=path.name)
        return sum(1 for _ in table.rows)
    except CakupanError as error:
        assert error.pesan_id and error.message_en
        return -1


# --- readers ---------------------------------------------------------------------------------


@fuzz(150)
@given(data=st.binary(max_size=2000))
@example(data=b"\x00nik,nama")
@example(data=b"PK\x03\x04garbage")
@example(data=b"\xef\xbb\xbf")
@example(data=b'nik,nama\n"unterminated')
def test_reader_survives_any_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    TRIED["csv/xlsx reader: random bytes"] += 1
    path = tmp_path_factory.mktemp("bytes") / "berkas.csv"
    path.write_bytes(data)
    _drain(path)


@fuzz(150)
@given(
    table=participant_tables(),
    delimiter=st.sampled_from([",", ";"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_reader_reads_structured_csv(
    tmp_path_factory: pytest.TempPathFactory,
    table: tuple[list[str], list[list[str]]],
    delimiter: str,
    encoding: str,
) -> None:
    TRIED["csv reader: structured tables"] += 1
    header, rows = table
    path = tmp_path_factory.mktemp("csv") / "peserta.csv"
    path.write_bytes(_csv_bytes(header, rows, delimiter, encoding))
    _drain(path)


xlsx_cell = st.one_of(
    cell_text,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.datetimes(min_value=__import__("datetime").datetime(1900, 3, 1)),
)


@fuzz(60)
@given(
    header=st.lists(st.sampled_from(sorted(ALIASES)), min_size=1, max_size=14),
    rows=st.lists(st.lists(xlsx_cell, max_size=15), max_size=6),
)
def test_reader_reads_structured_xlsx(
    tmp_path_factory: pytest.TempPathFactory, header: list[str], rows: list[list[object]]
) -> None:
    TRIED["xlsx reader: structured workbooks"] += 1
    path = tmp_path_factory.mktemp("xlsx") / "peserta.xlsx"
    _xlsx_bytes(path, header, rows)
    _drain(path)


# --- the whole participant check, rejects report included -------------------------------------


@fuzz(40)
@given(table=participant_tables())
@example(
    table=(
        list(COLUMNS),
        [
            [
                "5104014101900001",
                "Ni Made",
                "",
                "P",
                "5104014101900001",
                "BPU",
                "",
                "51.04.01.2001",
                "",
                "JKK",
                "1e400",
                "2020-01-01",
                "2023-12",
            ]
        ],
    )
)
def test_participant_checks_refuse_cleanly_and_mask_every_nik(
    tmp_path_factory: pytest.TempPathFactory, table: tuple[list[str], list[list[str]]], fuzz_actor
) -> None:
    from cakupan.imports.services.participants import participant_import

    TRIED["participant import (dry run): structured tables"] += 1
    header, rows = table
    folder = tmp_path_factory.mktemp("check")
    path = folder / "peserta.csv"
    path.write_bytes(_csv_bytes(header, rows, ",", "utf-8"))
    report = folder / "tolak.csv"
    result = participant_import(
        path=path, periode="2023-12", acting_user=fuzz_actor, dry_run=True, rejects_path=report
    )
    assert result.record.outcome in ("checked", "rejected", "unreadable")
    shown = [p.nilai + p.pesan + p.message for p in result.problems] + [result.record.message]
    if report.exists():
        shown.append(report.read_text(encoding="utf-8-sig"))
    leaked = {m for text in shown for m in NIK_RE.findall(text)}
    assert not leaked, f"unmasked NIKs in messages or the rejects report: {leaked}"


# --- identifiers --------------------------------------------------------------------------------


@fuzz(400)
@given(value=identifier_like)
@example(value="5104014101900001")
@example(value="510401410190000１")
@example(value="")
def test_nik_parser_and_problems_agree_and_never_show_the_nik(value: str) -> None:
    TRIED["NIK parser"] += 1
    problems = nik_problems(value, region_exists, today=TODAY)
    try:
        info = parse_nik(value, region_exists, today=TODAY)
    except CakupanError as error:
        assert problems and type(error) is type(problems[0])
        texts = " ".join([error.pesan_id, error.message_en, *(p.message_en for p in problems)])
        assert not NIK_RE.findall(texts), texts
        return
    assert problems == []
    assert info.nik == value.strip() and value.strip() not in repr(info)


@fuzz(200)
@given(nik=niks())
def test_every_valid_nik_parses_to_its_birth_date_and_sex(nik: str) -> None:
    TRIED["NIK parser: valid NIKs"] += 1
    info = parse_nik(nik, region_exists, today=TODAY)
    day = int(nik[6:8])
    assert info.jenis_kelamin == ("P" if day > 40 else "L")
    assert info.tanggal_lahir.day == day - (40 if day > 40 else 0)
    assert info.tanggal_lahir <= TODAY and TODAY - info.tanggal_lahir < timedelta(days=100 * 366)


@pytest.mark.parametrize(
    ("parser", "length"),
    [(parse_kpj, 11), (parse_npp, 8), (parse_nib, 13)],
    ids=["kpj", "npp", "nib"],
)
@fuzz(150)
@given(value=identifier_like)
def test_digit_identifiers_take_exactly_their_digits(parser, length: int, value: str) -> None:
    TRIED["KPJ/NPP/NIB parsers"] += 1
    try:
        parsed = parser(value)
    except CakupanError as error:
        for nik in NIK_RE.findall(value):
            assert nik not in error.pesan_id + error.message_en
        return
    assert len(parsed) == length and parsed.isascii() and parsed.isdigit()


@fuzz(300)
@given(value=st.one_of(identifier_like, st.text(alphabet=string.digits + ".-", max_size=22)))
@example(value="01.234.567.8-901.000")
@example(value="0000000000000000")
def test_npwp_parser_refuses_cleanly(value: str) -> None:
    TRIED["NPWP parser"] += 1
    try:
        parsed = parse_npwp(value)
    except CakupanError as error:
        assert error.kode == "npwp_tidak_valid"
        for nik in NIK_RE.findall(value):
            assert nik not in error.pesan_id + error.message_en
        return
    assert parsed.isdigit() and len(parsed) in (15, 16)


# --- names -------------------------------------------------------------------------------------


@fuzz(400)
@given(nama=st.text(max_size=60))
@example(nama="Ni Máde  SARI")
@example(nama="ǅ\u0301ﬁ")
def test_name_normal_is_idempotent_and_plain(nama: str) -> None:
    TRIED["name normaliser"] += 1
    normal = name_normal(nama)
    assert name_normal(normal) == normal
    assert set(normal) <= set(string.ascii_lowercase + string.digits + " ")
    assert normal == " ".join(normal.split())
    key = name_key(nama)
    assert key.startswith(" ") and key.endswith(" ") and key == name_key(normal)


@pytest.fixture
def fuzz_actor(db):
    from cakupan.accounts.scope import SystemActor

    return SystemActor()
