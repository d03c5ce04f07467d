"""Measured facts about an activation, set beside what the registry states about it.

Observed range on a wide grid, largest slope, the output statistics for standard-normal input
(mean, fraction of exact zeros) and the time per 10^6 evaluations on this machine. The registry's
properties are stated for default parameters, so the measurements use them too unless told.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from .functions import Activation, max_abs_derivative

# Dense where activations bend, plus far tails that show whether the output keeps growing.
_DENSE = np.linspace(-50.0, 50.0, 100_001)
_TAILS = np.array([1e2, 1e3, 1e4, 1e6, 1e10])
WIDE_GRID = np.unique(np.concatenate([-_TAILS, _DENSE, _TAILS]))
_GROWTH_PROBES = (1e6, 1e10)  # f keeps growing if |f(1e10)| > 2 |f(1e6)| + 1
_BOUND_REL_TOL = 1e-6  # an observed bound this close to the stated one agrees with it

NORMAL_SAMPLES = 100_000
TIMING_SIZE = 1_000_000
COST_LABELS = ("cheap", "moderate", "expensive")
# Time per element relative to ReLU on the same machine: cheap below 3x, expensive from 20x.
COST_BANDS = {"cheap": (0.0, 3.0), "moderate": (3.0, 20.0), "expensive": (20.0, math.inf)}
BORDERLINE_FACTOR = 1.25  # a ratio within this factor of the stated band's edge is borderline


@dataclass(frozen=True)
class ObservedRange:
    """min and max of f over WIDE_GRID; a side that keeps growing in the far tail is +-inf."""

    lo: float
    hi: float
    grid_lo: float
    grid_hi: float


@dataclass(frozen=True)
class NormalStats:
    """Statistics of f(Z) for n seeded samples Z ~ N(0, 1)."""

    mean: float
    std: float
    zero_fraction: float
    n: int


@dataclass(frozen=True)
class Measured:
    """Everything measure() finds about one activation (default parameters unless given)."""

    observed: ObservedRange
    range_agrees: bool
    max_slope: float
    max_slope_at: float
    normal: NormalStats


def _keeps_growing(act: Activation, params: Mapping[str, float], sign: float) -> bool:
    """Whether |f(sign * 1e10)| > 2 |f(sign * 1e6)| + 1, i.e. f grows without bound that way."""
    near, far = (abs(float(act(sign * t, **params))) for t in _GROWTH_PROBES)
    return far > 2.0 * near + 1.0


def observed_range(act: Activation, params: Mapping[str, float] | None = None) -> ObservedRange:
    """min and max of f on WIDE_GRID ([-50, 50] every 0.001 and tails to 1e10); +-inf if f keeps growing."""
    params = dict(params or {})
    y = act(WIDE_GRID, **params)
    grid_lo, grid_hi = float(np.nanmin(y)), float(np.nanmax(y))
    lo = -math.inf if _keeps_growing(act, params, -1.0) and grid_lo < 0 else grid_lo
    hi = math.inf if _keeps_growing(act, params, 1.0) and grid_hi > 0 else grid_hi
    return ObservedRange(lo, hi, grid_lo, grid_hi)


def _bound_agrees(stated: float, observed: float) -> bool:
    if math.isinf(stated) or math.isinf(observed):
        return stated == observed
    return abs(stated - observed) <= _BOUND_REL_TOL * (1.0 + abs(stated))


def range_agrees(stated: tuple[float, float], observed: ObservedRange) -> bool:
    """Whether the observed range reaches the stated bounds (to 1e-6) and never leaves them."""
    lo, hi = stated
    return _bound_agrees(lo, observed.lo) and _bound_agrees(hi, observed.hi)


def normal_input_stats(act: Activation, params: Mapping[str, float] | None = None, *,
                       n: int = NORMAL_SAMPLES, seed: int = 0) -> NormalStats:
    """Mean, standard deviation and fraction of exact zeros of f(Z), Z ~ N(0, 1), n seeded samples."""
    z = np.random.default_rng(seed).standard_normal(n)
    y = act(z, **dict(params or {}))
    return NormalStats(float(np.mean(y)), float(np.std(y)), float(np.count_nonzero(y == 0) / n), n)


def output_histogram(act: Activation, params: Mapping[str, float] | None = None, *,
                     bins: int = 60, n: int = NORMAL_SAMPLES, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(bin edges, fraction of samples per bin) of f(Z), Z ~ N(0, 1), n seeded samples."""
    z = np.random.default_rng(seed).standard_normal(n)
    y = act(z, **dict(params or {}))
    lo, hi = float(np.min(y)), float(np.max(y))
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(y, bins=bins, range=(lo, hi))
    return edges, counts / n


def measure(act: Activation, params: Mapping[str, float] | None = None, *, seed: int = 0) -> Measured:
    """Observed range (and whether it agrees with the stated one), max |f'| and N(0, 1) statistics."""
    params = dict(params or {})
    observed = observed_range(act, params)
    agrees = act.properties is not None and range_agrees(act.properties.output_range, observed)
    slope_at, slope = max_abs_derivative(act, **params)
    return Measured(observed, agrees, float(slope), float(slope_at),
                    normal_input_stats(act, params, seed=seed))


def seconds_per_million(acts: Mapping[str, Activation], *, repeats: int = 3,
                        size: int = TIMING_SIZE, seed: int = 0) -> dict[str, float]:
    """Best-of-``repeats`` wall time (s) of f on 10^6 N(0, 1) inputs, default parameters.

    The repeats go round all the activations in turn, so a burst of load on the machine hits
    every activation rather than one; a small warm-up call comes first.
    """
    x = np.random.default_rng(seed).standard_normal(size)
    for act in acts.values():
        act(x[:1000])
    best = {name: math.inf for name in acts}
    for _ in range(repeats):
        for name, act in acts.items():
            start = time.perf_counter()
            act(x)
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: seconds * 1e6 / size for name, seconds in best.items()}


def relative_costs(seconds: Mapping[str, float], reference: str = "relu") -> dict[str, float]:
    """Each time divided by the reference activation's time."""
    if reference not in seconds or not seconds[reference] > 0:
        raise ValueError(f"no positive time measured for {reference!r}")
    return {name: t / seconds[reference] for name, t in seconds.items()}


def cost_label(ratio: float) -> str:
    """The cost label whose band (COST_BANDS, time relative to ReLU) holds ``ratio``."""
    for label in COST_LABELS:
        lo, hi = COST_BANDS[label]
        if lo <= ratio < hi:
            return label
    raise ValueError(f"a time ratio must be a number >= 0, got {ratio!r}")


def cost_check(stated: str, ratio: float) -> tuple[str, str]:
    """(verdict, measured label): "agrees", "borderline" (within 1.25x of the stated band) or "disagrees"."""
    measured = cost_label(ratio)
    if measured == stated:
        return "agrees", measured
    lo, hi = COST_BANDS[stated]
    if lo / BORDERLINE_FACTOR <= ratio < hi * BORDERLINE_FACTOR:
        return "borderline", measured
    return "disagrees", measured
