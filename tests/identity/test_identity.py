from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.id import npwp

from cakupan.identity import (
    KpjInvalid,
    NibInvalid,
    NikBirthDateInvalid,
    NikInfo,
    NikRegionUnknown,
    NikSerialZero,
    NikSuspicion,
    NikWrongLength,
    NppInvalid,
    NpwpInvalid,
    nik_problems,
    nik_suspicions,
    parse_kpj,
    parse_nib,
    parse_nik,
    parse_npp,
    parse_npwp,
    problems,
)

TODAY = date(2024, 6, 30)
DISTRICTS = frozenset(
    {
        "51.03.01",  # Badung: Kuta Selatan
        "51.03.02",  # Badung: Kuta
        "51.03.04",  # Badung: Mengwi
        "51.04.01",  # Gianyar: Sukawati
        "51.71.01",  # Denpasar Selatan
        "52.71.01",  # Mataram: Ampenan
    }
)
DIGITS = "0123456789"


def known(code: str) -> bool:
    return code in DISTRICTS


def nowhere(code: str) -> bool:
    return False


def kodes(errors):
    return [error.kode for error in errors]


def make_nik(district: str, born: date, jenis_kelamin: str, serial: int) -> str:
    day = born.day + (40 if jenis_kelamin == "P" else 0)
    return f"{district.replace('.', '')}{day:02d}{born:%m%y}{serial:04d}"


valid_niks = st.builds(
    lambda district, born, jenis_kelamin, serial: (
        make_nik(district, born, jenis_kelamin, serial),
        district,
        born,
        jenis_kelamin,
    ),
    st.sampled_from(sorted(DISTRICTS)),
    st.dates(min_value=TODAY.replace(year=TODAY.year - 100) + timedelta(days=1), max_value=TODAY),
    st.sampled_from(["L", "P"]),
    st.integers(min_value=1, max_value=9999),
)


# parse_nik: what a valid NIK encodes


def test_parse_nik_reads_region_birth_date_sex_and_serial():
    info = parse_nik("5103011708450001", known, today=TODAY)
    assert info == NikInfo(
        nik="5103011708450001",
        province_code="51",
        regency_code="51.03",
        district_code="51.03.01",
        tanggal_lahir=date(1945, 8, 17),
        jenis_kelamin="L",
        serial="0001",
    )


def test_parse_nik_subtracts_40_from_the_day_for_women():
    info = parse_nik("5103015708450001", known, today=TODAY)
    assert (info.tanggal_lahir, info.jenis_kelamin) == (date(1945, 8, 17), "P")


def test_parse_nik_reads_day_71_as_the_31st_for_a_woman():
    info = parse_nik("5103017101900002", known, today=TODAY)
    assert (info.tanggal_lahir, info.jenis_kelamin) == (date(1990, 1, 31), "P")


def test_parse_nik_ignores_surrounding_whitespace():
    assert parse_nik("  5103011708450001\t", known, today=TODAY).nik == "5103011708450001"


def test_parse_nik_asks_region_exists_for_the_dotted_district_code():
    asked = []

    def region_exists(code: str) -> bool:
        asked.append(code)
        return True

    parse_nik("5171011708450001", region_exists, today=TODAY)
    assert asked == ["51.71.01"]


def test_parse_nik_accepts_a_lookup_that_only_knows_regencies():
    regencies = {"51.03", "51.71"}
    info = parse_nik("5103991708450001", lambda code: code[:5] in regencies, today=TODAY)
    assert info.district_code == "51.03.99"


def test_parse_nik_prefers_20yy_when_that_is_not_after_today():
    assert parse_nik("5103011506240001", known, today=TODAY).tanggal_lahir == date(2024, 6, 15)


def test_parse_nik_takes_a_birth_date_of_today_as_20yy():
    assert parse_nik("5103013006240001", known, today=TODAY).tanggal_lahir == TODAY


def test_parse_nik_takes_19yy_when_20yy_is_after_today():
    assert parse_nik("5103010107240001", known, today=TODAY).tanggal_lahir == date(1924, 7, 1)


def test_parse_nik_reads_29_february_00_as_2000():
    assert parse_nik("5103012902000001", known, today=TODAY).tanggal_lahir == date(2000, 2, 29)


def test_parse_nik_defaults_today_to_the_current_date():
    born = date.today()
    info = parse_nik(make_nik("51.03.01", born, "L", 1), known)
    assert info.tanggal_lahir == born


def test_nik_info_repr_leaves_the_nik_out():
    info = parse_nik("5103011708450001", known, today=TODAY)
    assert "5103011708450001" not in repr(info)
    assert info.masked == "5103********0001"


# nik_problems and parse_nik: what makes a NIK invalid


def test_valid_nik_has_no_problems():
    assert nik_problems("5103011708450001", known, today=TODAY) == []


@pytest.mark.parametrize("value", ["510301170845001", "51030117084500011", "", "   "])
def test_nik_of_wrong_length_is_rejected(value):
    assert kodes(nik_problems(value, known, today=TODAY)) == ["nik_panjang_salah"]


@pytest.mark.parametrize(
    "value", ["51030117084500O1", "5103 11708450001", "51.03.01.170845.1", "５103011708450001"]
)
def test_nik_with_a_non_digit_is_rejected(value):
    assert "nik_bukan_angka" in kodes(nik_problems(value, known, today=TODAY))


def test_nik_of_wrong_length_with_letters_reports_both_and_nothing_else():
    errors = nik_problems("51O301170845001", known, today=TODAY)
    assert kodes(errors) == ["nik_panjang_salah", "nik_bukan_angka"]
    assert errors[0].message_en == (
        'NIK "51O3*******5001": must have 16 digits, found 15 characters.'
    )
    assert errors[1].message_en == (
        'NIK "51O3*******5001": must be digits 0–9 only, found something else at position 3.'
    )


def test_nik_region_not_in_the_list_is_rejected():
    errors = nik_problems("5103991708450001", known, today=TODAY)
    assert kodes(errors) == ["nik_wilayah_tidak_ada"]


@pytest.mark.parametrize(
    ("ddmmyy", "reason"),
    [
        ("000190", "the day is neither 01–31 nor 41–71"),
        ("320190", "the day is neither 01–31 nor 41–71"),
        ("400190", "the day is neither 01–31 nor 41–71"),
        ("720190", "the day is neither 01–31 nor 41–71"),
        ("010090", "the month is not 01–12"),
        ("011390", "the month is not 01–12"),
        ("001390", "the day is neither 01–31 nor 41–71 and the month is not 01–12"),
        ("310490", "that date does not exist"),
        ("290201", "that date does not exist"),
        ("690290", "that date does not exist"),
    ],
)
def test_nik_with_an_impossible_birth_date_is_rejected_saying_why(ddmmyy, reason):
    errors = nik_problems(f"510301{ddmmyy}0001", known, today=TODAY)
    assert kodes(errors) == ["nik_tanggal_lahir_tidak_valid"]
    assert errors[0].fields["reason"] == reason


def test_nik_birth_date_after_today_in_both_centuries_is_rejected():
    errors = nik_problems("5103010101500001", known, today=date(1949, 12, 31))
    assert kodes(errors) == ["nik_tanggal_lahir_tidak_valid"]
    assert errors[0].fields["reason"] == "the date is after today"


def test_nik_with_serial_0000_is_rejected():
    errors = nik_problems("5103011708450000", known, today=TODAY)
    assert kodes(errors) == ["nik_nomor_urut_nol"]
    assert errors[0].pesan_id == (
        'NIK "5103********0000": nomor urut (4 angka terakhir) 0000, padahal dimulai dari 0001.'
    )
    assert errors[0].message_en == (
        'NIK "5103********0000": the serial (last 4 digits) is 0000, but serials start at 0001.'
    )


def test_nik_problems_collects_region_date_and_serial_together():
    errors = nik_problems("9903013213900000", known, today=TODAY)
    assert kodes(errors) == [
        "nik_wilayah_tidak_ada",
        "nik_tanggal_lahir_tidak_valid",
        "nik_nomor_urut_nol",
    ]


def test_parse_nik_raises_the_first_problem():
    with pytest.raises(NikRegionUnknown):
        parse_nik("9903013213900000", known, today=TODAY)


def test_parse_nik_raises_wrong_length():
    with pytest.raises(NikWrongLength):
        parse_nik("510301170845001", known, today=TODAY)


def test_parse_nik_raises_birth_date_invalid():
    with pytest.raises(NikBirthDateInvalid):
        parse_nik("5103013104900001", known, today=TODAY)


def test_parse_nik_raises_serial_zero():
    with pytest.raises(NikSerialZero):
        parse_nik("5103011708450000", known, today=TODAY)


def test_nik_birth_date_message_says_what_is_expected_in_both_languages():
    (error,) = nik_problems("5103013104900001", known, today=TODAY)
    assert error.pesan_id == (
        'NIK "5103********0001": angka ke-7 sampai ke-12 harus tanggal lahir DDMMYY (hari 01–31, '
        "ditambah 40 untuk perempuan: 41–71), tetapi tanggal itu tidak ada di kalender."
    )
    assert error.message_en == (
        'NIK "5103********0001": digits 7 to 12 must be a birth date DDMMYY (day 01–31, plus 40 '
        "for women: 41–71), but that date does not exist."
    )


@given(valid_niks)
def test_any_valid_nik_parses_back_to_its_region_birth_date_and_sex(generated):
    nik, district, born, jenis_kelamin = generated
    info = parse_nik(nik, known, today=TODAY)
    assert info.district_code == district
    assert info.regency_code == district[:5]
    assert info.province_code == district[:2]
    assert info.tanggal_lahir == born
    assert info.jenis_kelamin == jenis_kelamin
    assert info.serial == nik[12:]


@given(valid_niks)
def test_any_valid_nik_in_an_unknown_region_is_rejected_for_its_region_only(generated):
    nik = generated[0]
    assert kodes(nik_problems(nik, nowhere, today=TODAY)) == ["nik_wilayah_tidak_ada"]


@given(st.text(DIGITS).filter(lambda value: len(value) != 16))
def test_any_digit_string_of_wrong_length_is_rejected_for_its_length(value):
    assert kodes(nik_problems(value, known, today=TODAY)) == ["nik_panjang_salah"]


@given(st.text(min_size=16, max_size=16))
def test_any_16_characters_with_a_non_digit_are_rejected_as_not_digits(value):
    assume(value == value.strip())
    assume(not (value.isascii() and value.isdigit()))
    assert kodes(nik_problems(value, known, today=TODAY)) == ["nik_bukan_angka"]


@given(st.text(DIGITS, min_size=16, max_size=16))
def test_no_nik_message_reveals_the_middle_digits(nik):
    for error in nik_problems(nik, known, today=TODAY):
        for text in (error.pesan_id, error.message_en, str(error)):
            assert nik[4:12] not in text
            assert f'"{nik[:4]}********{nik[12:]}"' in text


# nik_suspicions: a valid NIK that disagrees with the stated birth date or sex


def test_nik_agreeing_with_stated_birth_date_and_sex_is_not_suspect():
    info = parse_nik("5103015708450001", known, today=TODAY)
    assert nik_suspicions(info, date(1945, 8, 17), "P") == []


def test_nik_without_stated_birth_date_or_sex_is_not_suspect():
    info = parse_nik("5103015708450001", known, today=TODAY)
    assert nik_suspicions(info, None, None) == []


def test_nik_with_a_different_stated_birth_date_is_suspect():
    info = parse_nik("5103015708450001", known, today=TODAY)
    (warning,) = nik_suspicions(info, date(1945, 8, 18), "P")
    assert warning.kode == "nik_tanggal_lahir_berbeda"
    assert isinstance(warning, NikSuspicion)
    assert warning.message_en == (
        'NIK "5103********0001": the birth date in the NIK (digits 7 to 12) differs from the '
        "stated tanggal_lahir; they should agree, check both."
    )


def test_nik_with_a_different_stated_sex_is_suspect_and_says_which():
    info = parse_nik("5103015708450001", known, today=TODAY)
    (warning,) = nik_suspicions(info, date(1945, 8, 17), "L")
    assert warning.kode == "nik_jenis_kelamin_berbeda"
    assert warning.pesan_id == (
        'NIK "5103********0001": menurut NIK jenis_kelamin P (hari lahir ditambah 40 untuk '
        "perempuan), tetapi tertulis L; seharusnya sama, periksa keduanya."
    )


def test_nik_disagreeing_on_birth_date_and_sex_gives_both_warnings():
    info = parse_nik("5103011708450001", known, today=TODAY)
    warnings = nik_suspicions(info, date(1954, 8, 17), "P")
    assert kodes(warnings) == ["nik_tanggal_lahir_berbeda", "nik_jenis_kelamin_berbeda"]


def test_nik_birth_date_a_century_apart_is_not_suspect():
    info = parse_nik("5103011506240001", known, today=TODAY)
    assert info.tanggal_lahir == date(2024, 6, 15)
    assert nik_suspicions(info, date(1924, 6, 15), "L") == []


def test_nik_stated_sex_is_compared_case_and_space_insensitively():
    info = parse_nik("5103015708450001", known, today=TODAY)
    assert nik_suspicions(info, None, " p ") == []
    assert kodes(nik_suspicions(info, None, "l")) == ["nik_jenis_kelamin_berbeda"]


@given(valid_niks)
def test_any_valid_nik_agrees_with_its_own_birth_date_and_sex(generated):
    nik, _, born, jenis_kelamin = generated
    info = parse_nik(nik, known, today=TODAY)
    assert nik_suspicions(info, born, jenis_kelamin) == []


@given(valid_niks, st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_any_other_stated_birth_date_makes_a_valid_nik_suspect(generated, stated):
    nik, _, born, jenis_kelamin = generated
    assume((stated.day, stated.month, stated.year % 100) != (born.day, born.month, born.year % 100))
    info = parse_nik(nik, known, today=TODAY)
    assert kodes(nik_suspicions(info, stated, jenis_kelamin)) == ["nik_tanggal_lahir_berbeda"]


# KPJ, NPP, NIB: fixed numbers of digits


@pytest.mark.parametrize(
    ("parse", "value"),
    [(parse_kpj, "12345678901"), (parse_npp, "12345678"), (parse_nib, "1234567890123")],
)
def test_numbers_of_the_right_length_parse_to_their_digits(parse, value):
    assert parse(f" {value} ") == value


@pytest.mark.parametrize(
    ("parse", "error", "value"),
    [
        (parse_kpj, KpjInvalid, "1234567890"),
        (parse_kpj, KpjInvalid, "1234567890A"),
        (parse_kpj, KpjInvalid, "123-456-789-01"),
        (parse_npp, NppInvalid, "1234567"),
        (parse_npp, NppInvalid, "1234 5678"),
        (parse_nib, NibInvalid, "12345678901234"),
        (parse_nib, NibInvalid, ""),
    ],
)
def test_numbers_of_the_wrong_length_or_with_non_digits_are_rejected(parse, error, value):
    with pytest.raises(error):
        parse(value)


def test_kpj_message_shows_the_value_and_what_is_expected():
    (error,) = problems(parse_kpj, "1234567890")
    assert error.kode == "kpj_tidak_valid"
    assert error.pesan_id == 'KPJ harus 11 angka tanpa tanda baca, tertulis "1234567890".'
    assert error.message_en == 'KPJ must be 11 digits with no punctuation, found "1234567890".'


def test_npp_and_nib_errors_have_their_own_kode():
    assert kodes(problems(parse_npp, "x")) == ["npp_tidak_valid"]
    assert kodes(problems(parse_nib, "x")) == ["nib_tidak_valid"]


def test_a_nik_in_the_kpj_column_is_masked_in_the_message():
    (error,) = problems(parse_kpj, "5103015708450001")
    assert error.message_en == (
        'KPJ must be 11 digits with no punctuation, found "5103********0001".'
    )


LENGTHS = pytest.mark.parametrize(
    ("parse", "length", "kode"),
    [
        (parse_kpj, 11, "kpj_tidak_valid"),
        (parse_npp, 8, "npp_tidak_valid"),
        (parse_nib, 13, "nib_tidak_valid"),
    ],
)


@LENGTHS
@given(data=st.data())
def test_any_digit_string_of_the_right_length_parses(parse, length, kode, data):
    value = data.draw(st.text(DIGITS, min_size=length, max_size=length))
    assert parse(value) == value


@LENGTHS
@given(data=st.data())
def test_any_digit_string_of_another_length_is_rejected(parse, length, kode, data):
    value = data.draw(st.text(DIGITS, max_size=20).filter(lambda value: len(value) != length))
    assert kodes(problems(parse, value)) == [kode]


# NPWP: python-stdnum's check


@pytest.mark.parametrize(
    ("value", "digits"),
    [
        ("01.312.166.0-091.000", "013121660091000"),
        ("016090524017000", "016090524017000"),
        ("0013.121.660-091.000", "0013121660091000"),
        (" 01 312 166 0 091 000 ", "013121660091000"),
        ("5103015708450001", "5103015708450001"),
    ],
)
def test_npwp_parses_to_its_compact_digits(value, digits):
    assert parse_npwp(value) == digits


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (
            "01.312.166.1-091.000",
            "the check digit (the 9th, or the 10th in 16 digits starting with 0) is wrong",
        ),
        (
            "0013121661091000",
            "the check digit (the 9th, or the 10th in 16 digits starting with 0) is wrong",
        ),
        ("01312166009100", "it has 14 digits"),
        ("", "it has 0 digits"),
        ("01312166A091000", "it has characters other than digits"),
        (
            "9903015708450001",
            "16 digits not starting with 0 must be a valid NIK (region and birth date)",
        ),
    ],
)
def test_npwp_rejected_says_why(value, reason):
    (error,) = problems(parse_npwp, value)
    assert error.kode == "npwp_tidak_valid"
    assert error.fields["reason"] == reason


def test_npwp_message_masks_a_nik_shaped_npwp():
    with pytest.raises(NpwpInvalid) as raised:
        parse_npwp("9903015708450001")
    assert raised.value.message_en == (
        'NPWP "9903********0001": 16 digits not starting with 0 must be a valid NIK (region and '
        "birth date); an NPWP has 15 digits (old format) or 16, optionally with dots, dashes or "
        "spaces."
    )


npwp_bodies = st.tuples(
    st.text(DIGITS, min_size=8, max_size=8), st.text(DIGITS, min_size=6, max_size=6)
)


@given(npwp_bodies, st.booleans())
def test_any_npwp_with_a_valid_check_digit_parses(body, sixteen):
    head, office = body
    number = ("0" if sixteen else "") + head
    number += luhn.calc_check_digit(number) + office
    assert parse_npwp(number) == number
    assert parse_npwp(npwp.format(number[-15:])) == number[-15:]


@given(npwp_bodies, st.booleans(), st.data())
def test_any_npwp_with_a_mutated_checked_digit_is_rejected(body, sixteen, data):
    head, office = body
    number = ("0" if sixteen else "") + head
    number += luhn.calc_check_digit(number) + office
    checked = len(number) - 6
    position = data.draw(st.integers(min_value=len(number) - 15, max_value=checked - 1))
    digit = data.draw(st.sampled_from(DIGITS.replace(number[position], "")))
    mutated = number[:position] + digit + number[position + 1 :]
    assert kodes(problems(parse_npwp, mutated)) == ["npwp_tidak_valid"]


# problems: any parser's refusal as a list


def test_problems_is_empty_when_the_value_parses():
    assert problems(parse_kpj, "12345678901") == []


def test_problems_does_not_hide_other_exceptions():
    def broken(value: str) -> str:
        raise ValueError(value)

    with pytest.raises(ValueError):
        problems(broken, "x")
