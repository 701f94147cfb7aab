"""The award's maths on hand-computed examples: weighted sums, z-score normalisation of jurors,
the written tie-breaks, shared ranks and the sensitivity to one juror."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cakupan.award.ranking import (
    AspectRule,
    IndicatorRule,
    Inputs,
    Rules,
    normalise_jury,
    r2,
    rank,
    ranking,
    score_all,
    sensitivity,
)


def interview_only() -> Rules:
    return Rules(
        aspects=(AspectRule("wawancara", 100.0),),
        indicators=(IndicatorRule("w", "wawancara", 100.0, "wawancara", 0.0, 100.0),),
    )


# Juror A is harsh, B lenient, C scored only X and Y.
JURY = {
    ("A", "X", "w"): 30.0,
    ("A", "Y", "w"): 50.0,
    ("A", "Z", "w"): 40.0,
    ("B", "X", "w"): 90.0,
    ("B", "Y", "w"): 80.0,
    ("B", "Z", "w"): 100.0,
    ("C", "X", "w"): 70.0,
    ("C", "Y", "w"): 60.0,
}


def test_weighted_sum_per_aspect_and_total_by_hand():
    rules = Rules(
        aspects=(AspectRule("P", 60.0, 1), AspectRule("Q", 40.0, 2)),
        indicators=(
            IndicatorRule("p1", "P", 50.0, "data", 0.0, 100.0),
            IndicatorRule("p2", "P", 50.0, "bukti", 0.0, 4.0),
            IndicatorRule("q1", "Q", 100.0, "wawancara", 0.0, 100.0),
        ),
    )
    inputs = Inputs(
        candidates=["X"],
        values={("X", "p1"): [80.0], ("X", "p2"): [3.0, 4.0]},
        jury={("A", "X", "q1"): 70.0, ("B", "X", "q1"): 90.0},
    )
    s = score_all(rules, inputs, normalise=False)["X"]
    # p1: 0.8; p2: mean(3/4, 4/4) = 0.875; q1: mean(0.7, 0.9) = 0.8
    assert s.pecahan == pytest.approx({"p1": 0.8, "p2": 0.875, "q1": 0.8})
    # P = 50% × 0.8 × 100 + 50% × 0.875 × 100 = 40 + 43.75; Q = 80
    assert s.aspek == pytest.approx({"P": 83.75, "Q": 80.0})
    # total = 0.6 × 83.75 + 0.4 × 80 = 50.25 + 32
    assert s.total == pytest.approx(82.25)


def test_an_indicator_without_any_value_counts_zero_and_is_listed():
    rules = Rules(
        aspects=(AspectRule("P", 100.0),),
        indicators=(
            IndicatorRule("a", "P", 50.0, "data", 0.0, 100.0),
            IndicatorRule("b", "P", 50.0, "bukti", 0.0, 4.0),
        ),
    )
    s = score_all(rules, Inputs(["X"], values={("X", "a"): [100.0]}), normalise=False)["X"]
    assert s.total == pytest.approx(50.0)
    assert s.missing == ["b"]


def test_values_outside_the_scale_are_clipped_to_it():
    ind = IndicatorRule("a", "P", 100.0, "data", 10.0, 60.0)
    assert ind.fraction(5.0) == 0.0
    assert ind.fraction(35.0) == pytest.approx(0.5)
    assert ind.fraction(75.0) == 1.0


def test_raw_means_of_jurors_by_hand():
    scores = score_all(interview_only(), Inputs(["X", "Y", "Z"], jury=JURY), normalise=False)
    # X = (0.3 + 0.9 + 0.7) / 3, Y = (0.5 + 0.8 + 0.6) / 3, Z = (0.4 + 1.0) / 2
    assert scores["X"].total == pytest.approx(63.3333, abs=1e-4)
    assert scores["Y"].total == pytest.approx(63.3333, abs=1e-4)
    assert scores["Z"].total == pytest.approx(70.0)


def test_z_score_normalisation_by_hand():
    rules = interview_only()
    fractions = {k: v / 100 for k, v in JURY.items()}
    normal = normalise_jury(fractions, rules)
    # pool of all 8 fractions: mean 5.2 / 8 = 0.65, population sd sqrt(0.42 / 8) = 0.229129
    # A: mean 0.4, sd sqrt(0.02 / 3) = 0.0816497 → z(X) = −1.224745, z(Y) = +1.224745, z(Z) = 0
    assert normal[("A", "X", "w")] == pytest.approx(0.65 - 0.229129 * 1.224745, abs=1e-5)
    assert normal[("A", "Y", "w")] == pytest.approx(0.65 + 0.229129 * 1.224745, abs=1e-5)
    assert normal[("A", "Z", "w")] == pytest.approx(0.65)
    # C: mean 0.65, sd 0.05 → z(X) = +1, z(Y) = −1
    assert normal[("C", "X", "w")] == pytest.approx(0.879129, abs=1e-5)
    assert normal[("C", "Y", "w")] == pytest.approx(0.420871, abs=1e-5)
    scores = score_all(rules, Inputs(["X", "Y", "Z"], jury=JURY), normalise=True)
    # X = (0.369376 + 0.65 + 0.879129) / 3, Y = (0.930624 + 0.369376 + 0.420871) / 3,
    # Z = (0.65 + 0.930624) / 2
    assert r2(scores["X"].total) == Decimal("63.28")
    assert r2(scores["Y"].total) == Decimal("57.36")
    assert r2(scores["Z"].total) == Decimal("79.03")


def test_normalisation_breaks_the_raw_tie_and_both_rankings_are_available():
    rules, inputs = interview_only(), Inputs(["X", "Y", "Z"], jury=JURY)
    raw = [(r.kandidat, r.peringkat, r.bersama) for r in ranking(rules, inputs, normalise=False)]
    assert raw == [("Z", 1, False), ("X", 2, True), ("Y", 2, True)]
    zed = [(r.kandidat, r.peringkat, r.bersama) for r in ranking(rules, inputs, normalise=True)]
    assert zed == [("Z", 1, False), ("X", 2, False), ("Y", 3, False)]


def test_a_juror_without_spread_or_with_one_score_gets_z_zero():
    rules = interview_only()
    fractions = {("A", "X", "w"): 0.5, ("A", "Y", "w"): 0.5, ("B", "X", "w"): 0.9}
    normal = normalise_jury(fractions, rules)
    mean = (0.5 + 0.5 + 0.9) / 3
    assert normal == pytest.approx(
        {("A", "X", "w"): mean, ("A", "Y", "w"): mean, ("B", "X", "w"): mean}
    )


def test_tie_on_total_is_broken_by_the_heaviest_aspect_then_shared():
    rules = Rules(
        aspects=(AspectRule("Q", 40.0, 1), AspectRule("P", 60.0, 2)),
        indicators=(
            IndicatorRule("q", "Q", 100.0, "data", 0.0, 100.0),
            IndicatorRule("p", "P", 100.0, "data", 0.0, 100.0),
        ),
    )
    assert rules.tie_order() == ["P", "Q"]
    inputs = Inputs(
        candidates=["X", "Y", "W"],
        values={
            # X: 0.6 × 50 + 0.4 × 75 = 60; Y and W: 0.6 × 60 + 0.4 × 60 = 60
            ("X", "p"): [50.0],
            ("X", "q"): [75.0],
            ("Y", "p"): [60.0],
            ("Y", "q"): [60.0],
            ("W", "p"): [60.0],
            ("W", "q"): [60.0],
        },
    )
    rows = ranking(rules, inputs, normalise=False)
    assert [(r.kandidat, r.peringkat, r.bersama, r.pemutus) for r in rows] == [
        ("W", 1, True, "bersama"),
        ("Y", 1, True, "bersama"),
        ("X", 3, False, "aspek:P"),
    ]


def test_equal_weights_break_ties_in_rubric_order():
    rules = Rules(
        aspects=(AspectRule("A1", 50.0, 1), AspectRule("A2", 50.0, 2)),
        indicators=(
            IndicatorRule("a1", "A1", 100.0, "data", 0.0, 100.0),
            IndicatorRule("a2", "A2", 100.0, "data", 0.0, 100.0),
        ),
    )
    inputs = Inputs(
        candidates=["X", "Y"],
        values={("X", "a1"): [40.0], ("X", "a2"): [80.0], ("Y", "a1"): [80.0], ("Y", "a2"): [40.0]},
    )
    rows = ranking(rules, inputs, normalise=False)
    assert [(r.kandidat, r.peringkat, r.pemutus) for r in rows] == [
        ("Y", 1, "aspek:A1"),
        ("X", 2, "aspek:A1"),
    ]


def test_totals_are_compared_at_two_decimals():
    rules = interview_only()
    scores = score_all(
        rules,
        Inputs(["X", "Y"], values={}, jury={("A", "X", "w"): 70.001, ("A", "Y", "w"): 70.004}),
        normalise=False,
    )
    rows = rank(scores, rules)
    assert [r.peringkat for r in rows] == [1, 1]


def test_sensitivity_without_each_juror_by_hand():
    effects = {
        e.juror: e
        for e in sensitivity(interview_only(), Inputs(["X", "Y", "Z"], jury=JURY), normalise=False)
    }
    # without A: X = 0.8, Y = 0.7, Z = 1.0; without B: X = 0.5, Y = 0.55, Z = 0.4;
    # without C: X = 0.6, Y = 0.65, Z = 0.7 — the full raw result is Z, X = Y.
    assert effects["A"].top == [(1, "Z"), (2, "X"), (3, "Y")]
    assert effects["B"].top == [(1, "Y"), (2, "X"), (3, "Z")]
    assert effects["C"].top == [(1, "Z"), (2, "Y"), (3, "X")]
    assert all(e.berubah for e in effects.values())
    assert effects["B"].keluar == [] and effects["B"].masuk == []


def test_sensitivity_reports_a_stable_top_three():
    jury = {
        (j, c, "w"): v
        for j in "ABC"
        for c, v in (("X", 90.0), ("Y", 70.0), ("Z", 50.0), ("V", 30.0))
    }
    effects = sensitivity(interview_only(), Inputs(["X", "Y", "Z", "V"], jury=jury), normalise=True)
    assert [e.berubah for e in effects] == [False, False, False]
    assert effects[0].top == [(1, "X"), (2, "Y"), (3, "Z")]
