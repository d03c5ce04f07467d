"""Choosing's stated-against-measured table: one row per activation, each stated property (from
the registry) next to its measurement (activations_core.measure)."""

from __future__ import annotations

import math
from typing import Mapping

import pandas as pd

from activations_core import measure as ms
from activations_core.functions import Activation


def bound_text(value: float) -> str:
    """A range end for the table: ±∞ or 4 significant digits."""
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.4g}"


def range_text(lo: float, hi: float) -> str:
    """A range for the table: "0 to ∞"."""
    return f"{bound_text(lo)} to {bound_text(hi)}"


def yes_no(flag: bool) -> str:
    """A stated yes/no property."""
    return "yes" if flag else "no"


SHAPE_COLUMNS = ("Activation", "Range, stated", "Range, observed", "Range check",
                 "Zero-centred, stated", "Mean f(z)", "Can die, stated",
                 "f(z) = 0", "Max |f'|")
COST_COLUMNS = ("Activation", "Cost, stated", "Time × ReLU", "Cost check",
                "Typical use, stated")
CHECK_MARKS = {"agrees": "✓ agrees", "borderline": "≈ borderline", "disagrees": "✗ disagrees"}
# measured column -> the question it answers: the column joins the table once that is answered
ANSWERED_BY = {"Mean f(z)": "mean", "f(z) = 0": "zeros", "Max |f'|": "slope",
               "Time × ReLU": "speed", "Cost check": "speed"}


def properties_table(acts: Mapping[str, Activation], facts: Mapping[str, ms.Measured],
                     ratios: Mapping[str, float]) -> pd.DataFrame:
    """One row per activation of ``acts`` (name -> activation, in order): each stated property next
    to its measurement (``facts``; ``ratios``, its time relative to ReLU, where it was timed)."""
    rows = []
    for name, act in acts.items():
        fact = facts[name]
        pr = act.properties
        verdict, measured_cost = ms.cost_check(pr.cost, ratios[name]) if name in ratios else ("", "")
        rows.append({
            "Activation": act.display_name,
            "Range, stated": range_text(*pr.output_range),
            "Range, observed": range_text(fact.observed.lo, fact.observed.hi),
            "Range check": "✓ agrees" if fact.range_agrees else "✗ disagrees",
            "Zero-centred, stated": yes_no(pr.zero_centred),
            "Mean f(z)": fact.normal.mean,
            "Can die, stated": yes_no(pr.can_die),
            "f(z) = 0": fact.normal.zero_fraction,
            "Max |f'|": fact.max_slope,
            "Cost, stated": pr.cost,
            "Time × ReLU": ratios.get(name, float("nan")),
            "Cost check": f"{CHECK_MARKS[verdict]} (measured {measured_cost})" if verdict else "",
            "Typical use, stated": pr.use,
        })
    return pd.DataFrame(rows)
