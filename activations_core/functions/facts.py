"""Facts computed from an activation and its parameters: its global minimum and its steepest slope.

``minimum`` and ``max_abs_derivative`` take a registry name or an Activation and keep their answers
in bounded caches; the searches themselves are in search.py.
"""

from __future__ import annotations

import functools

from .registry import Activation, lookup
from .search import max_abs_slope_of, minimum_of

__all__ = ["max_abs_derivative", "minimum"]


def minimum(activation, **params) -> tuple[float, float]:
    """Global minimum (x*, f(x*)) of f; x* = -inf (or +inf) when f only approaches it there.

    Interior minima are roots of f' found by Brent's method (GELU about -0.170
    at x = -0.752, Swish about -0.278 at x = -1.278, Mish about -0.309 at -1.192).
    """
    act = lookup(activation)
    return _minimum_cached(act, tuple(sorted(act.resolve(params).items())))


# The searches cost milliseconds and pages ask for the same facts on every rerun: the answers of
# the last few hundred (activation, parameters) pairs are kept (bounded, shared, immutable tuples).
@functools.lru_cache(maxsize=256)
def _minimum_cached(act: Activation, items: tuple[tuple[str, float], ...]) -> tuple[float, float]:
    values = dict(items)
    return minimum_of(lambda t: act(t, **values), lambda t: act.derivative(t, **values))


def max_abs_derivative(activation, **params) -> tuple[float, float]:
    """(x, max |f'|): where |f'| is largest; x = +-inf when the maximum is only reached towards it.

    Sigmoid: (0, 0.25); tanh: (0, 1); ReLU: (inf, 1).
    """
    act = lookup(activation)
    return _max_abs_derivative_cached(act, tuple(sorted(act.resolve(params).items())))


@functools.lru_cache(maxsize=256)
def _max_abs_derivative_cached(act: Activation, items: tuple[tuple[str, float], ...]) -> tuple[float, float]:
    values = dict(items)
    return max_abs_slope_of(lambda t: act.derivative(t, **values))
