"""Gradients through n layers: the derivative bound and a measured random deep network.

Theory. Backpropagation through a layer multiplies the gradient by the activation's slope f'(z)
(elementwise) and by a weight matrix. With column vectors, z_l = W_l h_{l-1} + b_l, h_l = f(z_l):

    dL/dz_l = f'(z_l) * (W_{l+1}^T dL/dz_{l+1}),    dL/dz_L = f'(z_L) * dL/dh_L,

so  |dL/dz_l| <= (max |f'|)^(L-l+1) * prod_{k=l+1..L} ||W_k||_2 * |dL/dh_L|  for every sample.
For the sigmoid max |f'| = 0.25, so n sigmoid layers scale the gradient by at most 0.25^n
times the weights' spectral norms.

Measurement. A random MLP of ``depth`` layers, each ``width`` units wide (the input is ``width``
wide too, so every matrix is square), zero biases, weights W = std * G with G standard normal
(std from the init scheme). A seeded batch of standard-normal inputs goes forward; the loss is a
fixed random read-out of the last layer, L = (1/B) sum_b r_b . h_L[b] with seeded standard-normal
r_b, so dL/dh_L = r_b / B points in a random direction independent of the network. (With L = the
sum of the outputs instead, a bias-free ReLU network's gradient lines up with its activations,
since then L = dL/dh_l . h_l for every l, and the measurement would mix that in.)

Per layer we report the Frobenius norm over the batch of dL/dz_l (the gradient at the
pre-activations) divided by that of dL/dh_L: ``grad_ratio[l-1]`` is the factor the gradient has
been scaled by after passing back through n = L - l + 1 activation layers, the quantity the
0.25^n bound speaks about.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from .checks import MAX_SEED, check_int
from .functions import ACTIVATIONS, Activation, max_abs_derivative

MAX_DEPTH = 50
MAX_WIDTH = 256
MAX_BATCH = 4096
DEFAULT_BATCH = 256
# depth x width^2 x batch x cost one measurement may take: about 0.15 s of one core here (a page
# view measures two or three networks), so the worst link (50 layers of 256, a costly typed
# formula) cannot tie up a server shared by a class.
MAX_WORK = 6e7
MIN_BATCH = 4
INITS = ("he", "xavier", "normal")
INIT_LABELS = {"he": "He", "xavier": "Xavier (Glorot)", "normal": "Plain normal"}
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
HISTOGRAM_BINS = 40
SATURATION_MARGIN = 0.03  # saturated: within 3% of the output range's width from either end
_TAIL_QUANTILE = 0.005  # unbounded outputs: histogram edges at the 0.5% and 99.5% quantiles
_DISTINCT_SLOPES = 4  # a slope taking at most this many values is listed as a set
_SLOPE_GRID = np.concatenate([-np.logspace(3, -3, 301), [0.0], np.logspace(-3, 3, 301)])


# --------------------------------------------------------------------------
# Theory: the per-layer slope bound
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SlopeSummary:
    """What one layer's slope factor f'(z) can be: its largest size, and its values if only a few."""

    max_slope: float
    min_slope: float
    values: tuple[float, ...] | None  # e.g. (0.0, 1.0) for ReLU; None for a continuum


def max_slope(activation: Activation, **params) -> float:
    """sup |f'(x)| from the registry's search (sigmoid 0.25, tanh 1, ReLU 1)."""
    return float(max_abs_derivative(activation, **params)[1])


def slope_summary(activation: Activation, **params) -> SlopeSummary:
    """sup |f'|, inf |f'| on [-1000, 1000], and the set of values of f' when it has few (ReLU: {0, 1})."""
    slopes = np.abs(activation.derivative(_SLOPE_GRID, **params))
    distinct = np.unique(slopes)
    values = tuple(float(v) for v in distinct) if len(distinct) <= _DISTINCT_SLOPES else None
    return SlopeSummary(max_slope(activation, **params), float(distinct[0]), values)


def gradient_bound(n, slope: float) -> np.ndarray:
    """slope^n elementwise: the bound on the derivative factors after n layers."""
    return np.power(float(slope), np.asarray(n, dtype=np.float64))


SIGMOID_MAX_SLOPE = max_slope(ACTIVATIONS["sigmoid"])  # 0.25, found by the registry's search


def layer_counts(n_max: int = MAX_DEPTH) -> np.ndarray:
    """n = 1, 2, ..., n_max."""
    return np.arange(1, int(n_max) + 1)


def sigmoid_bound(n) -> np.ndarray:
    """0.25^n (0.25 = sup sigma', computed from the registry), e.g. sigmoid_bound(layer_counts())."""
    return gradient_bound(n, SIGMOID_MAX_SLOPE)


def layers_until_below(threshold: float, slope: float) -> int | None:
    """The least n with slope^n < threshold (0 < threshold); None when slope >= 1 never gets there."""
    if not threshold > 0:
        raise ValueError(f"threshold must be positive, got {threshold!r}")
    if slope < 0:
        raise ValueError(f"slope must be >= 0, got {slope!r}")
    if slope == 0:
        return 1
    if slope >= 1:
        return None if threshold <= 1 else 0
    n = max(0, math.floor(math.log(threshold) / math.log(slope)))
    while slope**n >= threshold:  # settles the rounding of the logarithms
        n += 1
    while n > 0 and slope ** (n - 1) < threshold:
        n -= 1
    return n


# --------------------------------------------------------------------------
# Measurement: a random deep MLP
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Network:
    """Weights W_l (out x in), biases b_l, the input batch x and the read-out r (both batch x width)."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    inputs: np.ndarray
    readout: np.ndarray


@dataclass(frozen=True)
class DepthRun:
    """Per-layer measurements of one forward and backward pass (index 0 is layer 1).

    grad_norm[l]: ||dL/dz_l||_F over the batch; output_grad_norm: ||dL/dh_L||_F;
    grad_ratio = grad_norm / output_grad_norm; layers_passed[l] = L - l + 1 (activation layers the
    gradient has come back through); weight_grad_norm[l] = ||dL/dW_l||_F.
    Activations h_l: quantiles (layers x QUANTILES), mean, std; hist_fraction (layers x bins) on
    the shared hist_edges (values outside are counted in the end bins); scaled_hist_fraction on
    scaled_hist_edges: the same for h_l / std(h_l), each layer's shape whatever its scale;
    saturated_fraction (NaN unless the output range is bounded on both sides), zero_fraction
    (exact zeros). finite: no inf/NaN anywhere.
    """

    layers: np.ndarray
    layers_passed: np.ndarray
    grad_norm: np.ndarray
    output_grad_norm: float
    grad_ratio: np.ndarray
    weight_grad_norm: np.ndarray
    quantiles: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    hist_edges: np.ndarray
    hist_fraction: np.ndarray
    scaled_hist_edges: np.ndarray
    scaled_hist_fraction: np.ndarray
    saturated_fraction: np.ndarray
    zero_fraction: np.ndarray
    finite: bool

    @property
    def first_layer_ratio(self) -> float:
        """Gradient at layer 1 relative to the output gradient."""
        return float(self.grad_ratio[0])


def init_std(init: str, fan_in: int, fan_out: int, scale: float = 1.0) -> float:
    """Weight standard deviation: He sqrt(2 / fan_in), Xavier sqrt(2 / (fan_in + fan_out)), normal: scale."""
    if init == "he":
        return math.sqrt(2.0 / fan_in)
    if init == "xavier":
        return math.sqrt(2.0 / (fan_in + fan_out))
    if init == "normal":
        scale = float(scale)
        if not (math.isfinite(scale) and scale > 0):
            raise ValueError(f"scale must be a positive number, got {scale!r}")
        return scale
    raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")


def draw_network(depth: int, width: int, init: str, scale: float = 1.0, seed: int = 0,
                 batch: int = DEFAULT_BATCH) -> Network:
    """A seeded square MLP: draws x, then r, then G_l standard normal per layer; W_l = std * G_l.

    Two inits with the same seed share x, r and every G_l, so they differ only by the weights'
    scale; a deeper network with the same seed keeps the shallower one's layers.
    """
    depth = check_int("depth", depth, 1, MAX_DEPTH)
    width = check_int("width", width, 1, MAX_WIDTH)
    batch = check_int("batch", batch, 1, MAX_BATCH)
    seed = check_int("seed", seed, 0, MAX_SEED)
    std = init_std(init, width, width, scale)
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((batch, width))
    readout = rng.standard_normal((batch, width))
    weights = tuple(std * rng.standard_normal((width, width)) for _ in range(depth))
    biases = tuple(np.zeros(width) for _ in range(depth))
    return Network(weights, biases, inputs, readout)


def saturation_band(activation: Activation) -> tuple[float, float] | None:
    """(low, high): outputs below low or above high are saturated; None for an unbounded range."""
    props = activation.properties
    if props is None:
        return None
    lo, hi = props.output_range
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return None
    margin = SATURATION_MARGIN * (hi - lo)
    return lo + margin, hi - margin


def _data_edges(outputs: list[np.ndarray], keep_lower_end: bool) -> np.ndarray:
    """Bin edges from pooled values: the smallest value (``keep_lower_end``, e.g. ReLU's 0) or the
    0.5% quantile, up to the 99.5% quantile."""
    pooled = np.concatenate([h.ravel() for h in outputs])
    pooled = pooled[np.isfinite(pooled)]
    if pooled.size == 0:
        pooled = np.zeros(1)
    q_lo, q_hi = np.quantile(pooled, [_TAIL_QUANTILE, 1.0 - _TAIL_QUANTILE])
    lo = float(pooled.min()) if keep_lower_end else float(q_lo)
    hi = float(q_hi)
    if not hi > lo:
        hi = lo + 1.0
    return np.linspace(lo, hi, HISTOGRAM_BINS + 1)


def _histogram_edges(activation: Activation, outputs: list[np.ndarray]) -> np.ndarray:
    """Shared bin edges: the output range when it is bounded on both sides, else from the data."""
    props = activation.properties
    lo, hi = props.output_range if props is not None else (-math.inf, math.inf)
    if math.isfinite(lo) and math.isfinite(hi):
        return np.linspace(lo, hi, HISTOGRAM_BINS + 1)
    return _data_edges(outputs, keep_lower_end=math.isfinite(lo))


def _scaled_by_spread(values: np.ndarray) -> np.ndarray:
    """values / their standard deviation when that is positive and finite, else the values."""
    finite = values[np.isfinite(values)]
    spread = float(finite.std()) if finite.size else 0.0
    return values / spread if math.isfinite(spread) and spread > 0 else values


def _histogram_fraction(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Fraction of the finite values in each of the equal-width bins, values beyond the edges
    counted in the end bins (an index by arithmetic and bincount: no sort)."""
    finite = values[np.isfinite(values)]
    bins = len(edges) - 1
    if finite.size == 0:
        return np.zeros(bins)
    lo, hi = float(edges[0]), float(edges[-1])
    position = np.clip(finite, lo, hi)
    position -= lo
    position *= bins / (hi - lo)
    index = np.minimum(position.astype(np.intp), bins - 1)
    return np.bincount(index, minlength=bins) / finite.size


def _elementwise(function, z: np.ndarray, params: Mapping[str, float]) -> np.ndarray:
    """f(z) or f'(z) for a matrix z, evaluated on its flat view (activations promise 1-D arrays)."""
    return np.asarray(function(z.ravel(), **params)).reshape(z.shape)


def _forward(activation: Activation, params: Mapping[str, float], net: Network):
    """Pre-activations z_l and outputs h_l of every layer."""
    pre, post = [], []
    h = net.inputs
    for w, b in zip(net.weights, net.biases):
        z = h @ w.T + b
        h = _elementwise(activation, z, params)
        pre.append(z)
        post.append(h)
    return pre, post


def backpropagate(activation: Activation, params: Mapping[str, float], net: Network) -> DepthRun:
    """Forward the batch, backpropagate L = (1/B) sum_b r_b . h_L[b], measure each layer."""
    params = dict(params)
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        pre, post = _forward(activation, params, net)
        batch = net.inputs.shape[0]
        upstream = net.readout / batch  # dL/dh_L
        output_grad_norm = float(np.linalg.norm(upstream))
        depth = len(net.weights)
        grad_norm, weight_grad_norm = np.empty(depth), np.empty(depth)
        for l in range(depth - 1, -1, -1):
            delta = upstream * _elementwise(activation.derivative, pre[l], params)  # dL/dz_l
            grad_norm[l] = np.linalg.norm(delta)
            below = post[l - 1] if l > 0 else net.inputs
            weight_grad_norm[l] = np.linalg.norm(delta.T @ below)
            upstream = delta @ net.weights[l]  # dL/dh_{l-1}
        stats = _activation_stats(activation, post)
        grad_ratio = grad_norm / output_grad_norm
    finite = bool(np.all(np.isfinite(grad_norm)) and np.all(np.isfinite(weight_grad_norm))
                  and all(np.all(np.isfinite(h)) for h in post))
    layers = np.arange(1, depth + 1)
    return DepthRun(layers=layers, layers_passed=depth - layers + 1, grad_norm=grad_norm,
                    output_grad_norm=output_grad_norm, grad_ratio=grad_ratio,
                    weight_grad_norm=weight_grad_norm, finite=finite, **stats)


def _activation_stats(activation: Activation, post: list[np.ndarray]) -> dict:
    """Quantiles, mean, std, histograms (shared scale and per-layer scale), saturated and zero
    fractions of each layer's outputs."""
    edges = _histogram_edges(activation, post)
    scaled = [_scaled_by_spread(h.ravel()) for h in post]
    props = activation.properties
    scaled_edges = _data_edges(scaled, keep_lower_end=props is not None
                               and math.isfinite(props.output_range[0]))
    band = saturation_band(activation)
    quantiles, means, stds, hists, scaled_hists, saturated, zeros = [], [], [], [], [], [], []
    for h, h_scaled in zip(post, scaled):
        values = h.ravel()
        quantiles.append(np.quantile(values, QUANTILES))
        means.append(values.mean())
        stds.append(values.std())
        hists.append(_histogram_fraction(values, edges))
        scaled_hists.append(_histogram_fraction(h_scaled, scaled_edges))
        zeros.append(np.count_nonzero(values == 0) / values.size)
        if band is None:
            saturated.append(np.nan)
        else:
            saturated.append(np.count_nonzero((values < band[0]) | (values > band[1])) / values.size)
    return dict(quantiles=np.array(quantiles), mean=np.array(means), std=np.array(stds),
                hist_edges=edges, hist_fraction=np.array(hists), scaled_hist_edges=scaled_edges,
                scaled_hist_fraction=np.array(scaled_hists),
                saturated_fraction=np.array(saturated), zero_fraction=np.array(zeros))


def batch_for(depth: int, width: int, cost: float = 1.0) -> int:
    """How many inputs a measurement uses: DEFAULT_BATCH, fewer for deep, wide networks or a costly
    activation (``cost``: its price per element relative to a built-in one), so that depth x
    width^2 x batch x cost stays within MAX_WORK; never fewer than MIN_BATCH."""
    fit = int(MAX_WORK / (depth * width * width * max(float(cost), 1.0)))
    return max(MIN_BATCH, min(DEFAULT_BATCH, fit))


def measure(activation: Activation, params: Mapping[str, float] | None = None, *, depth: int,
            width: int, init: str, scale: float = 1.0, seed: int = 0,
            batch: int = DEFAULT_BATCH) -> DepthRun:
    """Draw the seeded network (see draw_network) and measure it (see backpropagate)."""
    net = draw_network(depth, width, init, scale, seed, batch)
    return backpropagate(activation, params or {}, net)
