"""Choosing's stated-against-measured table, against values worked by hand."""

from __future__ import annotations

import math

import pytest

from activations_core import ACTIVATIONS
from activations_core import measure as ms
from ui.choosing_table import properties_table, range_text


def test_range_ends_read_as_a_student_writes_them():
    assert range_text(0.0, math.inf) == "0 to ∞"
    assert range_text(-math.inf, math.inf) == "−∞ to ∞"
    assert range_text(-1.0, 1.0) == "-1 to 1"
    assert range_text(-1.7580993408473766, math.inf) == "-1.758 to ∞"  # SELU's lower bound, 4 digits


def test_one_row_per_activation_in_order_stated_beside_measured():
    acts = {n: ACTIVATIONS[n] for n in ("sigmoid", "relu")}
    facts = {n: ms.measure(a) for n, a in acts.items()}
    table = properties_table(acts, facts, {"relu": 1.0})
    assert list(table["Activation"]) == ["Sigmoid", "ReLU"]
    sigmoid, relu = table.iloc[0], table.iloc[1]
    assert sigmoid["Range, stated"] == "0 to 1" and relu["Range, stated"] == "0 to ∞"
    assert relu["Range check"] == "✓ agrees" and relu["Can die, stated"] == "yes"
    # E[max(Z, 0)] = 1/sqrt(2 pi) and P(Z <= 0) = 1/2 for Z ~ N(0, 1), within sampling error
    assert relu["Mean f(z)"] == pytest.approx(1 / math.sqrt(2 * math.pi), abs=0.01)
    assert relu["f(z) = 0"] == pytest.approx(0.5, abs=0.01)
    assert sigmoid["Max |f'|"] == pytest.approx(0.25, rel=1e-12)  # sigma'(0)
    assert relu["Time × ReLU"] == 1.0 and math.isnan(sigmoid["Time × ReLU"])  # sigmoid not timed
    assert sigmoid["Cost check"] == ""
