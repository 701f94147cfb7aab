from hypothesis import given
from hypothesis import strategies as st

from cakupan.lib.masking import mask_nik


def test_mask_nik_keeps_first_and_last_four_digits():
    assert mask_nik("5103015708450001") == "5103********0001"


def test_mask_nik_keeps_first_and_last_four_of_a_15_digit_value():
    assert mask_nik("510301570845001") == "5103*******5001"


def test_mask_nik_keeps_first_and_last_four_from_12_characters():
    assert mask_nik("510301570845") == "5103****0845"


def test_mask_nik_stars_everything_under_12_characters():
    assert mask_nik("51030157084") == "***********"


def test_mask_nik_of_empty_string_is_empty():
    assert mask_nik("") == ""


@given(st.text(st.characters(codec="utf-8"), min_size=16, max_size=16))
def test_mask_nik_never_reveals_the_middle_of_16_characters(nik):
    masked = mask_nik(nik)
    assert masked[4:12] == "********"
    assert masked[:4] + masked[12:] == nik[:4] + nik[12:]


@given(st.text(min_size=12))
def test_mask_nik_reveals_at_most_first_and_last_four(value):
    masked = mask_nik(value)
    assert len(masked) == len(value)
    assert masked == value[:4] + "*" * (len(value) - 8) + value[-4:]


@given(st.text(max_size=11))
def test_mask_nik_reveals_nothing_of_short_values(value):
    assert mask_nik(value) == "*" * len(value)
