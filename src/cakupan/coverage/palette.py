"""Colour classes for coverage maps, shared by the web map and the PDF report.

Three measures: `cakupan` (coverage %, fixed breaks), `pertumbuhan` (growth % against an earlier
period, diverging around 0) and `kekurangan` (participants still needed to reach a target, breaks
from the data). Palettes are ColorBrewer schemes marked colour-blind safe (YlGnBu, RdBu, OrRd).

A class covers lo ≤ v < hi; the last bounded class also takes its upper bound (100% is 75–100%,
not > 100%); an open top class (hi None) covers v > lo and an open bottom class (lo None) v < hi,
as their labels "> 100%" and "< -10%" say.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MEASURES = ("cakupan", "pertumbuhan", "kekurangan")
NO_DATA = "#d9d9d9"

# ColorBrewer YlGnBu-7, light yellow (low) to dark blue (high).
COVERAGE_COLOURS = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
COVERAGE_BREAKS = (0, 10, 20, 30, 40, 50, 75, 100)
# Above 100% is a denominator or registry problem, so it leaves the scale: magenta (RdPu).
ABOVE_FULL = "#ae017e"
# ColorBrewer RdBu: red = shrinking, blue = growing.
GROWTH_COLOURS = ("#d6604d", "#f4a582", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac")
GROWTH_BREAKS = (-10, 0, 10, 25, 50)
# ColorBrewer OrRd-5: the more participants still needed, the redder.
GAP_COLOURS = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")


@dataclass(frozen=True)
class LegendClass:
    lo: float | None
    hi: float | None
    colour: str  # "#rrggbb"
    label: str


def format_number(value: float | Decimal | int, decimals: int = 0) -> str:
    """Indonesian style: thousands with ".", decimals with "," (1.027.000; 39,41); half-up."""
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)
    text = f"{number:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def legend(measure: str, values: list[float | None]) -> list[LegendClass]:
    """The colour classes of `measure`, lowest first; `values` matter only for `kekurangan`."""
    if measure == "cakupan":
        return _coverage_legend()
    if measure == "pertumbuhan":
        return _growth_legend()
    if measure == "kekurangan":
        return _gap_legend(values)
    raise ValueError(f"unknown measure {measure!r}; choose {', '.join(MEASURES)}")


def colour_for(value: float | Decimal | None, classes: list[LegendClass]) -> str:
    """The colour of the class holding `value`; NO_DATA for None, the nearest end class for a
    value outside every class (a negative coverage, a gap above the legend's top)."""
    if value is None or not classes:
        return NO_DATA
    v = float(value)
    last = len(classes) - 1
    for i, c in enumerate(classes):
        if c.hi is None:
            if c.lo is None or v > c.lo:
                return c.colour
        elif c.lo is None:
            if v < c.hi:
                return c.colour
        elif c.lo <= v < c.hi:
            return c.colour
        elif v == c.hi and (i == last or classes[i + 1].hi is None):
            return c.colour
    first = classes[0]
    if first.lo is not None and v < first.lo:
        return first.colour
    return classes[-1].colour


def _coverage_legend() -> list[LegendClass]:
    pairs = zip(COVERAGE_BREAKS, COVERAGE_BREAKS[1:], strict=False)
    classes = [
        LegendClass(float(lo), float(hi), colour, f"{lo}–{hi}%")
        for (lo, hi), colour in zip(pairs, COVERAGE_COLOURS, strict=True)
    ]
    classes.append(LegendClass(100.0, None, ABOVE_FULL, "> 100%"))
    return classes


def _growth_legend() -> list[LegendClass]:
    b = GROWTH_BREAKS
    bounds: list[tuple[float | None, float | None]] = [(None, b[0])]
    bounds += list(zip(b, b[1:], strict=False))
    bounds.append((b[-1], None))
    classes = []
    for (lo, hi), colour in zip(bounds, GROWTH_COLOURS, strict=True):
        if lo is None:
            label = f"< {hi}%"
        elif hi is None:
            label = f"> {lo}%"
        else:
            label = f"{lo}–{hi}%"
        classes.append(
            LegendClass(
                None if lo is None else float(lo), None if hi is None else float(hi), colour, label
            )
        )
    return classes


def _gap_legend(values: list[float | None]) -> list[LegendClass]:
    """Up to five classes from 0 to the largest gap: quintile breaks rounded to two significant
    digits when there are five or more distinct values, else equal steps of 1, 2, 2.5 or 5 × 10ⁿ."""
    known = sorted(max(0.0, float(v)) for v in values if v is not None)
    top = known[-1] if known else 0.0
    if top <= 0:
        return [LegendClass(0.0, 0.0, GAP_COLOURS[0], "0")]
    if len(set(known)) >= 5:
        ceiling = _nice(top, math.ceil)
        breaks = [0.0]
        for b in [_nice(_quantile(known, q / 5), round) for q in range(1, 5)] + [ceiling]:
            if b > breaks[-1]:
                breaks.append(b)
    else:
        step = _nice_step(top / 5)
        breaks = [step * i for i in range(math.ceil(top / step) + 1)]
    pairs = list(zip(breaks, breaks[1:], strict=False))
    colours = _spread(GAP_COLOURS, len(pairs))
    return [
        LegendClass(lo, hi, colour, f"{format_number(lo)}–{format_number(hi)}")
        for (lo, hi), colour in zip(pairs, colours, strict=True)
    ]


def _quantile(ordered: list[float], q: float) -> float:
    """Linear-interpolated quantile of sorted values."""
    pos = q * (len(ordered) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _nice(x: float, rounder: Callable[[float], int]) -> float:
    """`x` at two significant digits (whole numbers below 100), rounded by `rounder`."""
    if x <= 0:
        return 0.0
    step = 10 ** max(0, math.floor(math.log10(x)) - 1)
    return float(rounder(x / step) * step)


def _nice_step(x: float) -> float:
    """The smallest whole step of 1, 2, 2.5 or 5 × 10ⁿ that is at least `x` (never below 1)."""
    if x <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(x))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= x and float(m * power).is_integer():
            return float(m * power)
    return float(10 * power)


def _spread(colours: tuple[str, ...], n: int) -> list[str]:
    """`n` colours from a scheme, spread from its lightest to its darkest."""
    if n >= len(colours):
        return list(colours)
    if n == 1:
        return [colours[len(colours) // 2]]
    return [colours[round(i * (len(colours) - 1) / (n - 1))] for i in range(n)]
