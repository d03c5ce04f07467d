"""Searches along an activation's curve: its global minimum and where |f'| is largest.

They take plain callables f and f' that accept a float (+-inf included) and a float64 array, such
as an Activation with its parameters bound. The registry states the minima they find; facts.py
asks them about a named activation and caches the answers.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize

__all__ = ["SEARCH_GRID", "max_abs_slope_of", "minimum_of"]

# Where the searches look first: 0 and +-10^k for k from -5 to 5 in 500 steps per side.
SEARCH_GRID = np.concatenate([-np.logspace(5, -5, 501), [0.0], np.logspace(-5, 5, 501)])


def minimum_of(f, df):
    """(x*, f(x*)): the least of f(-inf), f(+inf) and f at every root of f' where it turns from < 0 to > 0."""
    candidates = [(-math.inf, float(f(-math.inf))), (math.inf, float(f(math.inf)))]
    slope = df(SEARCH_GRID)
    turns = np.flatnonzero((slope[:-1] < 0) & (slope[1:] > 0))
    for i in turns:
        root = optimize.brentq(
            lambda t: float(df(t)), SEARCH_GRID[i], SEARCH_GRID[i + 1], xtol=1e-300, rtol=8.9e-16
        )
        candidates.append((float(root), float(f(root))))
    return min(candidates, key=lambda c: c[1])


def max_abs_slope_of(df):
    """(x, max |f'|): where |f'| is largest; x = +-inf when the maximum is only reached towards it.

    The grid's largest |f'|, refined by bounded minimisation between its neighbours, unless an
    infinite end is at least as steep.
    """

    def slope(t):
        return abs(float(df(t)))

    size = np.abs(df(SEARCH_GRID))
    i = int(np.argmax(size))
    best_x, best = float(SEARCH_GRID[i]), float(size[i])
    if 0 < i < len(SEARCH_GRID) - 1:
        lo, hi = SEARCH_GRID[i - 1], SEARCH_GRID[i + 1]
        res = optimize.minimize_scalar(
            lambda t: -slope(t), bounds=(lo, hi), method="bounded",
            options={"xatol": 1e-12 * max(1.0, abs(best_x))},
        )
        if -res.fun > best * (1.0 + 1e-12):  # a real improvement, not rounding noise
            best_x, best = float(res.x), float(-res.fun)
    for end in (-math.inf, math.inf):
        if slope(end) >= best * (1.0 - 1e-15):
            return end, slope(end)
    return best_x, best
