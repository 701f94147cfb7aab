"""Map colour classes: fixed coverage breaks, diverging growth, data-driven gap breaks."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from cakupan.coverage.palette import (
    MEASURES,
    NO_DATA,
    LegendClass,
    colour_for,
    format_number,
    legend,
)

HEX = re.compile(r"^#[0-9a-f]{6}$")


def _label_of(value, classes):
    """The label of the class colour_for picks (colours are unique within a legend)."""
    colour = colour_for(value, classes)
    return next(c.label for c in classes if c.colour == colour)


def test_coverage_has_fixed_breaks_and_a_warning_class_above_100():
    classes = legend("cakupan", [])

    assert [(c.lo, c.hi) for c in classes] == [
        (0, 10),
        (10, 20),
        (20, 30),
        (30, 40),
        (40, 50),
        (50, 75),
        (75, 100),
        (100, None),
    ]
    assert [c.label for c in classes] == [
        "0–10%",
        "10–20%",
        "20–30%",
        "30–40%",
        "40–50%",
        "50–75%",
        "75–100%",
        "> 100%",
    ]
    assert classes[0].colour == "#ffffcc"  # light yellow = low
    assert classes[6].colour == "#0c2c84"  # dark blue = high
    assert classes[7].colour not in {c.colour for c in classes[:7]}


def test_coverage_breaks_do_not_depend_on_the_values():
    assert (
        legend("cakupan", [1.0, 2.0]) == legend("cakupan", [None, 500.0]) == legend("cakupan", [])
    )


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (0, "0–10%"),
        (9.99, "0–10%"),
        (10, "10–20%"),
        (39.99, "30–40%"),
        (40, "40–50%"),
        (Decimal("39.41"), "30–40%"),
        (74.99, "50–75%"),
        (75, "75–100%"),
        (100, "75–100%"),
        (Decimal("100.00"), "75–100%"),
        (100.01, "> 100%"),
        (250, "> 100%"),
        (-1, "0–10%"),
    ],
)
def test_coverage_edges_are_lower_inclusive_and_100_is_still_full(value, label):
    assert _label_of(value, legend("cakupan", [])) == label


def test_none_is_no_data_grey_in_every_measure():
    assert NO_DATA == "#d9d9d9"
    for measure in MEASURES:
        assert colour_for(None, legend(measure, [1.0, None, 5.0])) == NO_DATA


def test_growth_diverges_around_zero():
    classes = legend("pertumbuhan", [])

    assert [c.label for c in classes] == ["< -10%", "-10–0%", "0–10%", "10–25%", "25–50%", "> 50%"]
    assert [(c.lo, c.hi) for c in classes][0] == (None, -10)
    assert [(c.lo, c.hi) for c in classes][-1] == (50, None)


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (-35.5, "< -10%"),
        (-10.01, "< -10%"),
        (-10, "-10–0%"),
        (-0.01, "-10–0%"),
        (0, "0–10%"),
        (Decimal("6.06"), "0–10%"),
        (25, "25–50%"),
        (50, "25–50%"),
        (50.5, "> 50%"),
    ],
)
def test_growth_classes_take_negative_values(value, label):
    assert _label_of(value, legend("pertumbuhan", [])) == label


def test_growth_reds_are_for_shrinking_and_blues_for_growing():
    classes = legend("pertumbuhan", [])
    shrinking = colour_for(-20, classes)
    growing = colour_for(60, classes)

    red, _, blue = (int(shrinking[i : i + 2], 16) for i in (1, 3, 5))
    assert red > blue
    red, _, blue = (int(growing[i : i + 2], 16) for i in (1, 3, 5))
    assert blue > red


def test_gap_breaks_are_quintiles_rounded_to_two_digits():
    values = [0, 80, 120, 300, 1_234, 5_000, None]

    classes = legend("kekurangan", values)

    assert [c.label for c in classes] == ["0–80", "80–120", "120–300", "300–1.200", "1.200–5.000"]
    assert [c.colour for c in classes] == ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"]
    assert _label_of(1_234, classes) == "1.200–5.000"
    assert _label_of(5_000, classes) == "1.200–5.000"
    assert _label_of(0, classes) == "0–80"


def test_gap_with_few_values_uses_round_equal_steps():
    classes = legend("kekurangan", [1_234])

    assert [c.label for c in classes] == ["0–250", "250–500", "500–750", "750–1.000", "1.000–1.250"]
    assert _label_of(1_234, classes) == "1.000–1.250"


def test_gap_when_all_areas_are_equal_still_makes_increasing_classes():
    classes = legend("kekurangan", [7, 7, 7])

    assert [c.label for c in classes] == ["0–2", "2–4", "4–6", "6–8"]
    assert all(c.lo < c.hi for c in classes)
    assert _label_of(7, classes) == "6–8"


def test_gap_with_every_target_reached_is_one_zero_class():
    classes = legend("kekurangan", [0, 0, 0])

    assert classes == [LegendClass(0.0, 0.0, "#fef0d9", "0")]
    assert colour_for(0, classes) == "#fef0d9"


@pytest.mark.parametrize("values", [[], [None], [None, None]])
def test_gap_without_values_still_has_a_legend(values):
    classes = legend("kekurangan", values)

    assert classes == [LegendClass(0.0, 0.0, "#fef0d9", "0")]
    assert colour_for(None, classes) == NO_DATA


def test_gap_uses_whole_numbers_for_small_gaps():
    classes = legend("kekurangan", [3])

    assert [c.label for c in classes] == ["0–1", "1–2", "2–3"]
    assert len({c.colour for c in classes}) == 3


def test_gap_quintile_breaks_with_many_zeros_stay_increasing():
    classes = legend("kekurangan", [0, 0, 0, 0, 0, 0, 10, 20, 30, 4_000])

    his = [c.hi for c in classes]
    assert his == sorted(set(his))
    assert classes[0].lo == 0 and classes[-1].hi >= 4_000


@pytest.mark.parametrize("measure", MEASURES)
def test_every_colour_is_hex_and_unique_within_a_legend(measure):
    classes = legend(measure, [0, 10, 250, 3_000, 12_000, 40_000])

    assert all(HEX.match(c.colour) for c in classes)
    assert len({c.colour for c in classes}) == len(classes)
    assert NO_DATA not in {c.colour for c in classes}


def test_unknown_measure_is_refused():
    with pytest.raises(ValueError, match="unknown measure 'iuran'"):
        legend("iuran", [])


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1_027_000, 0, "1.027.000"),
        (Decimal("39.41"), 2, "39,41"),
        (0.125, 2, "0,13"),
        (-3.1, 2, "-3,10"),
        (-0.001, 2, "0,00"),
        (999, 0, "999"),
        (1_234_567.891, 1, "1.234.567,9"),
    ],
)
def test_numbers_are_written_the_indonesian_way(value, decimals, text):
    assert format_number(value, decimals) == text
