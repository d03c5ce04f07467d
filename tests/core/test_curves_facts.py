"""Plotting grids and the largest gap between two curves, against worked examples and mpmath."""

import math

import mpmath as mp
import numpy as np
import pytest

from activations_core import ACTIVATIONS
from activations_core.curves import grid, max_abs_difference

mp.mp.dps = 40


def test_grid_spans_the_range_evenly():
    x = grid(-6, 6, 1001)
    assert x[0] == -6 and x[-1] == 6 and len(x) == 1001
    assert np.allclose(np.diff(x), 12 / 1000, rtol=0, atol=1e-13)


@pytest.mark.parametrize("lo, hi", [(1, 1), (2, -2), (math.nan, 1), (-math.inf, 0), (0, math.inf),
                                    ("a", 1)])
def test_grid_rejects_an_empty_or_non_finite_range(lo, hi):
    with pytest.raises(ValueError):
        grid(lo, hi)


def test_gap_of_a_worked_example():
    """|sin x - 0| on [0, 3] peaks at pi/2 with value 1."""
    where, gap = max_abs_difference(np.sin, np.zeros_like, 0, 3)
    assert where == pytest.approx(math.pi / 2, abs=1e-7)
    assert gap == pytest.approx(1.0, rel=1e-14)


def test_gap_at_an_end_of_the_range():
    """|x/2 - 0| on [-6, 4] is largest at the left end: 3."""
    assert max_abs_difference(lambda t: t / 2, np.zeros_like, -6, 4) == (-6.0, 3.0)


def test_points_where_a_curve_is_undefined_are_ignored():
    def holes(t):
        return np.where(t > 0.5, np.nan, t)

    assert max_abs_difference(holes, np.zeros_like, -1, 1)[1] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        max_abs_difference(lambda t: np.full_like(t, np.nan), np.zeros_like, -1, 1)


def _mp_gelu_tanh_gap(x):
    u = mp.sqrt(2 / mp.pi) * (x + mp.mpf("0.044715") * x**3)
    return x / 2 * (1 + mp.tanh(u)) - x * mp.ncdf(x)


def test_gelu_tanh_gap_matches_mpmath():
    """The peak of |tanh approx - GELU|: root of the gap's derivative near x = -2.7 (40 digits)."""
    x_star = mp.findroot(lambda t: mp.diff(_mp_gelu_tanh_gap, t), -2.7)
    reference = abs(_mp_gelu_tanh_gap(x_star))
    where, gap = max_abs_difference(ACTIVATIONS["gelu_tanh"], ACTIVATIONS["gelu"], -50, 50)
    assert abs(where) == pytest.approx(abs(float(x_star)), rel=1e-6)
    assert gap == pytest.approx(float(reference), rel=1e-9)
    assert 4.7e-4 < gap < 4.8e-4


@pytest.mark.parametrize("beta", [0.5, 1.0, 10.0])
def test_swish_to_relu_gap_matches_mpmath(beta):
    """|swish_beta - relu| = |x| sigma(-beta |x|) peaks where 1 = beta t sigma(beta t) (mpmath root)."""
    u = mp.findroot(lambda t: 1 - t / (1 + mp.exp(-t)), 1.3)
    reference = u / (1 + mp.exp(u)) / beta
    swish, relu = ACTIVATIONS["swish"], ACTIVATIONS["relu"]
    where, gap = max_abs_difference(lambda t: swish(t, beta=beta), relu, -50, 50)
    assert gap == pytest.approx(float(reference), rel=1e-10)
    assert abs(where) == pytest.approx(float(u) / beta, rel=1e-5)
