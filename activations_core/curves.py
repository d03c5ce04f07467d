"""Facts the curves explorer states: plotting grids and the largest gap between two curves.

The gap between f and g on [lo, hi] is max |f(x) - g(x)|, found on a dense grid and then
refined by a bounded scalar search around the best grid point (so it is accurate to far more
digits than the grid spacing suggests when the gap has a smooth interior peak).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
from scipy import optimize

__all__ = ["grid", "max_abs_difference"]

_GAP_GRID_POINTS = 4001
_MAX_POINTS = 1_000_000


def _check_range(lo, hi) -> tuple[float, float]:
    """(lo, hi) as floats; ValueError unless both are finite and lo < hi."""
    try:
        lo, hi = float(lo), float(hi)
    except (TypeError, ValueError):
        raise ValueError("the x-range ends must be numbers") from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("the x-range ends must be finite numbers")
    if not lo < hi:
        raise ValueError(f"the lower end ({lo:g}) must be below the upper end ({hi:g})")
    return lo, hi


def grid(lo, hi, points: int = 1001) -> np.ndarray:
    """``points`` evenly spaced x from lo to hi inclusive; ValueError for an empty or non-finite range."""
    lo, hi = _check_range(lo, hi)
    if not 2 <= int(points) <= _MAX_POINTS:
        raise ValueError(f"points must lie in [2, {_MAX_POINTS}]")
    return np.linspace(lo, hi, int(points))


def max_abs_difference(f: Callable, g: Callable, lo, hi,
                       points: int = _GAP_GRID_POINTS) -> tuple[float, float]:
    """(x*, max |f(x) - g(x)|) over lo <= x <= hi.

    f and g map float64 arrays to arrays of the same shape. Points where either is NaN are
    ignored; ValueError when no point is defined.
    """
    x = grid(lo, hi, points)
    gap = np.abs(np.asarray(f(x), dtype=float) - np.asarray(g(x), dtype=float))
    defined = ~np.isnan(gap)
    if not defined.any():
        raise ValueError("the two curves are not defined anywhere on this range")
    i = int(np.argmax(np.where(defined, gap, -np.inf)))
    best_x, best = float(x[i]), float(gap[i])
    if math.isinf(best) or not 0 < i < len(x) - 1:
        return best_x, best

    def negative_gap(t: float) -> float:
        value = abs(float(np.asarray(f(np.array([t])))[0] - np.asarray(g(np.array([t])))[0]))
        return -value if math.isfinite(value) else 0.0

    res = optimize.minimize_scalar(negative_gap, bounds=(x[i - 1], x[i + 1]), method="bounded",
                                   options={"xatol": 1e-12 * max(1.0, abs(best_x))})
    if -res.fun > best:
        best_x, best = float(res.x), float(-res.fun)
    return best_x, best
