"""name_parts: Balinese names written every way a village list writes them reduce to one form."""

import pytest

from cakupan.linkage.names import NameParts, name_parts


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("I.B. Pt Sudarsana", "Ida Bagus Putu Sudarsana"),
        ("IB Putu Sudarsana", "Ida Bagus Putu Sudarsana"),
        ("Ni Kadek Ayu Lestari", "Kadek Ayu Lestari"),
        ("I Gst. Ngr. Rai", "I Gusti Ngurah Rai"),
        ("A.A. Gde Rai", "Anak Agung Gede Rai"),
        ("Kt. Adi Putra", "I Ketut Adi Putra"),
        ("Md. Sari", "Ni Made Sari"),
        ("Ny. Suarta", "I Nyoman Suarta"),
        ("Wy. Suarta", "I Wayan Suarta"),
        ("Tjokorda Istri Sari", "Cokorda Istri Sari"),
        ("I Njoman Soekarno", "I Nyoman Sukarno"),
        ("Dayu Made Sari", "Ida Ayu Made Sari"),
        ("M. Rizki", "Muhammad Rizki"),
        ("NI LUH  SUKERTI", "Ni Luh Sukerti"),
    ],
)
def test_spellings_of_one_name_give_the_same_parts(a, b):
    assert name_parts(a) == name_parts(b)


def test_parts_of_a_titled_name():
    assert name_parts("I.B. Pt Sudarsana") == NameParts(order=1, title="ib", given=("sudarsana",))


@pytest.mark.parametrize(
    ("nama", "order"),
    [
        ("I Wayan Budi", 1),
        ("I Putu Budi", 1),
        ("I Gede Budi", 1),
        ("Ni Luh Sari", 1),
        ("I Made Budi", 2),
        ("Ni Kadek Sari", 2),
        ("I Nengah Budi", 2),
        ("I Nyoman Budi", 3),
        ("Ni Komang Sari", 3),
        ("I Ketut Budi", 4),
        ("Siti Aminah", 0),
    ],
)
def test_birth_order_names_share_a_class(nama, order):
    assert name_parts(nama).order == order


def test_luh_yields_to_the_birth_order_name_beside_it():
    assert name_parts("Ni Luh Made Sari") == NameParts(order=2, title="", given=("sari",))


def test_title_words_after_a_title_are_not_given_names():
    assert name_parts("I Gusti Ayu Putu Sari") == NameParts(1, "ig", ("sari",))
    assert name_parts("Cokorda Istri Sari").given == ("sari",)


def test_ayu_after_a_birth_order_name_is_a_given_name():
    assert name_parts("Ni Kadek Ayu Lestari").given == ("ayu", "lestari")


def test_ambiguous_i_g_is_left_out_rather_than_guessed():
    # "I G." is I Gusti or I Gede: neither title nor birth order is assumed.
    assert name_parts("I G. Sudarsana") == NameParts(order=0, title="", given=("sudarsana",))


def test_birth_order_found_wherever_it_is_written():
    assert name_parts("Sudarsana, I Wayan") == name_parts("I Wayan Sudarsana")


def test_non_balinese_and_empty_names():
    assert name_parts("Siti Aminah") == NameParts(0, "", ("siti", "aminah"))
    assert name_parts("") == NameParts(0, "", ())
    assert name_parts("Ketut") == NameParts(4, "", ())
