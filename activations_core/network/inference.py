"""Using a network: class probabilities (predict_proba, decision_grid), how active each hidden
neuron is (neuron_activity) and the training-mode loss and gradients (loss_and_gradients).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from ..checks import check_float, check_int
from .model import N_INPUTS, NetState, backward, forward, inactive_flags, mean_loss, numerics, working_net

__all__ = [
    "LayerActivity",
    "MAX_GRID",
    "MIN_GRID",
    "decision_grid",
    "loss_and_gradients",
    "neuron_activity",
    "predict_proba",
]

MIN_GRID, MAX_GRID = 2, 200


def _check_points(X) -> np.ndarray:
    """X as a float64 array of shape (n, 2); ValueError otherwise."""
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != N_INPUTS:
        raise ValueError(f"points must have shape (n, 2), got {arr.shape}")
    return arr


def predict_proba(state: NetState, X) -> np.ndarray:
    """p(class 1 | x) = sigma(s(x)) for each row of X (shape (n, 2)), in evaluation mode."""
    X = _check_points(X)
    with numerics():
        _, logits = forward(working_net(state, copy=False), X, batch_stats=False, slopes=False)
        return special.expit(logits)


def decision_grid(state: NetState, resolution: int = 60, bounds=((-2.5, 2.5), (-2.5, 2.5))):
    """(xs, ys, P) for a heatmap: P[i, j] = p(class 1) at (xs[j], ys[i]), P of shape (res, res).

    bounds = ((x_lo, x_hi), (y_lo, y_hi)), e.g. Dataset.bounds; resolution in [2, 200].
    """
    resolution = check_int("resolution", resolution, MIN_GRID, MAX_GRID)
    try:
        (x_lo, x_hi), (y_lo, y_hi) = bounds
        x_lo, x_hi, y_lo, y_hi = (
            check_float("bound", float(v), -1e6, 1e6) for v in (x_lo, x_hi, y_lo, y_hi)
        )
    except (TypeError, ValueError):
        message = f"bounds must be ((x_lo, x_hi), (y_lo, y_hi)) of finite numbers, got {bounds!r}"
        raise ValueError(message) from None
    if not (x_lo < x_hi and y_lo < y_hi):
        raise ValueError(f"bounds need x_lo < x_hi and y_lo < y_hi, got {bounds!r}")
    xs = np.linspace(x_lo, x_hi, resolution)
    ys = np.linspace(y_lo, y_hi, resolution)
    gx, gy = np.meshgrid(xs, ys)
    P = predict_proba(state, np.column_stack([gx.ravel(), gy.ravel()]))
    return xs, ys, P.reshape(resolution, resolution)


@dataclass(frozen=True, eq=False)
class LayerActivity:
    """One hidden layer over a set of inputs: per neuron mean |a|, dead and saturated flags.

    dead: f'(z) = 0 for every input; saturated: within 3% of either end of a bounded output
    range for every input (always False for unbounded activations). See the module docstring.
    """

    mean_abs: np.ndarray
    dead: np.ndarray
    saturated: np.ndarray

    @property
    def inactive(self) -> np.ndarray:
        """dead or saturated."""
        return self.dead | self.saturated


def neuron_activity(state: NetState, X) -> tuple[LayerActivity, ...]:
    """Per hidden layer, how active each neuron is over the inputs X (at least one row; evaluation mode)."""
    X = _check_points(X)
    if len(X) == 0:
        raise ValueError("neuron_activity needs at least one input point")
    net = working_net(state, copy=False)
    activity = []
    with numerics():
        layers, _ = forward(net, X, batch_stats=False, slopes=True)
        for layer in layers:
            dead = ~np.any(layer.slope, axis=0)
            saturated = np.zeros_like(dead) if net.saturation is None else inactive_flags(net, layer)
            activity.append(LayerActivity(np.abs(layer.outputs).mean(axis=0), dead, saturated))
    return tuple(activity)


def loss_and_gradients(state: NetState, X, y) -> tuple[float, list[np.ndarray]]:
    """Training-mode mean loss on (X, y) and its gradient, in ``parameter_arrays`` order.

    With batch norm the batch's own statistics are used (as in a training step); the state is
    not modified.
    """
    X = _check_points(X)
    y = np.asarray(y, dtype=np.float64)
    if y.shape != (len(X),):
        raise ValueError(f"y must have shape ({len(X)},) to match X, got {y.shape}")
    net = working_net(state, copy=True)  # the training pass moves running statistics
    with numerics():
        layers, logits = forward(net, X, batch_stats=bool(net.gammas), slopes=True)
        loss = mean_loss(logits, 1.0 - 2.0 * y)
        return loss, backward(net, layers, logits, y)
