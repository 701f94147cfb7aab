from hypothesis import given
from hypothesis import strategies as st

from cakupan.lib.names import name_key, name_normal, token_key


def test_normal_drops_accents_case_and_extra_spaces():
    assert name_normal("  Ni Máde  SARI-Dewi ") == "ni made sari dewi"


def test_key_survives_common_typos():
    assert token_key("sudarsana") == token_key("sudarsna") == token_key("suddarsana") == "sdrsn"
    assert name_key("Wayan Sudarsana") == " wyn sdrsn "


def test_key_keeps_a_leading_vowel():
    assert token_key("agus") == "ags" and token_key("ayu") == "ay"


@given(st.text())
def test_normal_and_key_never_fail_and_are_idempotent(text):
    normal = name_normal(text)
    assert name_normal(normal) == normal
    assert name_key(text) == name_key(normal)
