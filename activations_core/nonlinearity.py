"""Why non-linearity: stacked linear layers collapse to one linear map; activations bend the line.

A layer is ``x -> W x + b``. Without activations, ``k`` layers are one layer:
``W_k(...(W_1 x + b_1)...) + b_k = W x + b`` with ``W = W_k ... W_1`` and
``b = sum_i W_k ... W_{i+1} b_i``. With an activation between the layers they are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

KINK_GRID_POINTS = 6_001  # grid on which slope changes are counted (runs are then refined)
_KINK_REL_TOL = 1e-7  # slope changes smaller than this (relative to the curve's scale) are rounding
_ROUNDING_FACTOR = 64  # slope changes below 64 eps |y| / step are rounding on a fine step
_REFINE = 64  # each refinement makes the step this many times finer
_NOISE_FACTOR = 8  # ... and below 8 times the 90th percentile of the (mostly kink-free) changes
_LINEAR_REL_TOL = 1e-9  # a curve this close to its best straight line (relative) is a line


@dataclass(frozen=True)
class Layer:
    """One affine layer ``x -> weight @ x + bias``; weight has shape (out, in)."""

    weight: np.ndarray
    bias: np.ndarray


def random_layers(widths: Sequence[int], seed: int, *, bias_scale: float = 0.1) -> list[Layer]:
    """Layers mapping widths[i] -> widths[i+1], seeded: W ~ N(0, 2/fan_in) (He), b ~ N(0, bias_scale^2)."""
    if len(widths) < 2 or min(widths) < 1:
        raise ValueError("need at least two widths, each at least 1")
    rng = np.random.default_rng(int(seed))
    layers = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        weight = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_out, fan_in))
        bias = rng.normal(0.0, bias_scale, size=fan_out)
        layers.append(Layer(weight, bias))
    return layers


def scalar_network(hidden_layers: int, width: int, seed: int) -> list[Layer]:
    """A 1 -> width -> ... -> width -> 1 network: ``hidden_layers`` hidden layers plus a linear read-out."""
    if hidden_layers < 1:
        raise ValueError("need at least one hidden layer")
    return random_layers([1] + [width] * hidden_layers + [1], seed)


def collapse(layers: Sequence[Layer]) -> Layer:
    """The single layer equal to the linear stack: W = W_k...W_1, b = sum_i W_k...W_{i+1} b_i."""
    weight, bias = layers[0].weight, layers[0].bias
    for layer in layers[1:]:
        weight = layer.weight @ weight
        bias = layer.weight @ bias + layer.bias
    return Layer(weight, bias)


def forward(layers: Sequence[Layer], x: np.ndarray,
            activation: Callable[..., np.ndarray] | None = None,
            params: Mapping[str, float] | None = None) -> np.ndarray:
    """Rows of ``x`` through the layers one by one; ``activation`` after every layer but the last."""
    h = np.asarray(x, dtype=np.float64)
    last = len(layers) - 1
    for i, layer in enumerate(layers):
        # einsum, not BLAS: thread start-up costs more than these tiny products (PLATFORM.md)
        h = np.einsum("ni,oi->no", h, layer.weight) + layer.bias
        if activation is not None and i < last:
            h = activation(h, **(params or {}))
    return h


def collapse_error(layers: Sequence[Layer], samples: int = 1_000, seed: int = 0) -> float:
    """max |layers applied one by one - their collapsed single layer| over seeded N(0, 1) inputs."""
    x = np.random.default_rng(seed).standard_normal((samples, layers[0].weight.shape[1]))
    single = collapse(layers)
    return float(np.max(np.abs(forward(layers, x) - forward([single], x))))


def curve(layers: Sequence[Layer], x: np.ndarray,
          activation: Callable[..., np.ndarray] | None = None,
          params: Mapping[str, float] | None = None) -> np.ndarray:
    """y(x) of a scalar-in, scalar-out network on the 1-D points ``x``."""
    return forward(layers, np.asarray(x, dtype=np.float64)[:, None], activation, params)[:, 0]


def _slope_changes(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Slope change between neighbouring grid steps, and the size below which it is rounding."""
    slopes = np.diff(y) / np.diff(x)
    changes = np.diff(slopes)
    scale = np.max(np.abs(slopes)) + np.max(np.abs(y)) / max(np.ptp(x), 1e-300) + 1e-300
    return changes, _KINK_REL_TOL * scale


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) indices of each run of True values."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2])]


def count_kinks(f: Callable[[np.ndarray], np.ndarray], lo: float = -3.0, hi: float = 3.0, *,
                points: int = KINK_GRID_POINTS, refine_levels: int = 2) -> int:
    """Number of slope jumps of a piecewise-linear f on [lo, hi], counted on a fine grid.

    Slope changes above rounding mark the grid steps that hold kinks. Each run of such steps is
    resampled 64 times finer (``refine_levels`` times) so that kinks closer than a step are told
    apart; a run holds at least one kink, and at the finest level a run of L changes counts
    ceil(L/2) (a kink inside a step changes the slope at both of its ends, one on a grid point once).
    """
    x = np.linspace(lo, hi, points)
    y = f(x)
    changes, tol = _slope_changes(x, y)
    return _kinks_in_runs(f, x, changes, tol, float(np.max(np.abs(y))), refine_levels)


# Separate runs of changing slope refined at one level at most: the networks on the page have tens
# of kinks; a typed zigzag with thousands would cost the server seconds to refine.
MAX_REFINED_RUNS = 512


def _kinks_in_runs(f, x, changes, tol, y_size, levels) -> int:
    # rounding grows as the step shrinks; most steps hold no kink, so their changes are noise
    step_tol = max(tol, _ROUNDING_FACTOR * np.finfo(float).eps * y_size / (x[1] - x[0]),
                   _NOISE_FACTOR * float(np.quantile(np.abs(changes), 0.9)))
    total = 0
    runs = list(_runs(np.abs(changes) > step_tol))
    if len(runs) > MAX_REFINED_RUNS:  # a zigzag of thousands of kinks: the grid's count stands
        levels = 0
    for first, last in runs:
        if levels == 0:
            total += (last - first + 2) // 2
            continue
        # the kinks lie in steps first+1..last; points first and last+2 end straight steps
        sub = np.linspace(x[first], x[last + 2], _REFINE * (last - first + 2) + 1)
        sub_changes = np.diff(np.diff(f(sub)) / np.diff(sub))
        total += max(1, _kinks_in_runs(f, sub, sub_changes, tol, y_size, levels - 1))
    return total


def is_piecewise_linear(activation: Callable[..., np.ndarray],
                        params: Mapping[str, float] | None = None) -> bool:
    """Whether the activation is straight except at isolated kinks on [-4, 4] (ReLU: yes, tanh: no)."""
    x = np.linspace(-4.0, 4.0, 8_001)
    y = np.asarray(activation(x, **(params or {})), dtype=np.float64)
    if not np.all(np.isfinite(y)):  # a pole or a gap (a typed formula can have one) is no kink
        return False
    changes, tol = _slope_changes(x, y)
    return int(np.count_nonzero(np.abs(changes) > tol)) <= 8


def deviation_from_line(x: np.ndarray, y: np.ndarray) -> float:
    """max |y - (a x + c)| for the least-squares line a x + c through the points."""
    design = np.column_stack([x, np.ones_like(x)])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(np.max(np.abs(y - design @ coef)))


def is_straight(x: np.ndarray, y: np.ndarray) -> bool:
    """Whether y(x) is a straight line up to rounding (deviation tiny relative to y's size)."""
    return deviation_from_line(x, y) <= _LINEAR_REL_TOL * (np.max(np.abs(y)) + 1.0)


@dataclass(frozen=True)
class DepthProfile:
    """How bent y(x) on [lo, hi] is for networks of each depth (same seed and width)."""

    depths: tuple[int, ...]
    kinks: tuple[int, ...] | None  # None when the activation is not piecewise linear
    deviations: tuple[float, ...]  # max distance from the best straight line


def depth_profile(activation: Callable[..., np.ndarray], params: Mapping[str, float] | None,
                  seed: int, depths: Sequence[int], width: int = 8,
                  lo: float = -3.0, hi: float = 3.0) -> DepthProfile:
    """Kinks (for piecewise-linear activations) and deviation from a line, per number of hidden layers."""
    piecewise = is_piecewise_linear(activation, params)
    x = np.linspace(lo, hi, 1_001)
    kinks, deviations = [], []
    for depth in depths:
        net = scalar_network(depth, width, seed)
        deviations.append(deviation_from_line(x, curve(net, x, activation, params)))
        if piecewise:
            kinks.append(count_kinks(lambda t: curve(net, t, activation, params), lo, hi))
    return DepthProfile(tuple(depths), tuple(kinks) if piecewise else None, tuple(deviations))
