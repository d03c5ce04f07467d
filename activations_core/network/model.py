"""The network itself: History and NetState (plain arrays, picklable), a fresh network
(init_network), and the passes every other module runs on a mutable working copy (WorkingNet):
forward, backward, the mean loss, accuracy and which neurons are inactive.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass, field

import numpy as np
from scipy import special

from ..checks import MAX_SEED, check_int
from ..datasets import Dataset
from ..depth import init_std
from .config import NetConfig, dead_criterion, saturation_window

__all__ = [
    "ARRAY_FIELDS",
    "BN_EPS",
    "BN_MOMENTUM",
    "HISTORY_CAP",
    "History",
    "Layer",
    "METRICS",
    "NetState",
    "N_INPUTS",
    "WorkingNet",
    "accuracy",
    "backward",
    "check_data",
    "forward",
    "inactive_flags",
    "init_network",
    "mean_loss",
    "net_state",
    "numerics",
    "parameter_arrays",
    "working_net",
]

HISTORY_CAP = 1000  # history rows on the step grid (plus the latest step)
BN_EPS = 1e-5
BN_MOMENTUM = 0.1  # running = (1 - m) running + m batch, as PyTorch
N_INPUTS = 2


# --------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------


METRICS = ("train_loss", "train_acc", "test_loss", "test_acc")
# The fields of NetState (tuples) and WorkingNet (lists) that hold arrays, one per layer, in order:
# working_net, net_state and the JSON export (export.py) go through them by this list
ARRAY_FIELDS = ("weights", "biases", "gammas", "betas", "running_means", "running_vars", "velocities")


@dataclass(frozen=True, eq=False)
class History:
    """Metrics at steps 0, k, 2k, ... (k = ``every``, a power of two) plus the latest step.

    k is the smallest power of two that keeps at most HISTORY_CAP grid rows, so memory stays
    bounded on long runs. dead_fraction has one column per hidden layer; dead_overall is over
    all hidden neurons. Losses are NaN-free unless the run diverged.
    """

    every: int = 1
    step: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    train_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    train_acc: np.ndarray = field(default_factory=lambda: np.zeros(0))
    test_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    test_acc: np.ndarray = field(default_factory=lambda: np.zeros(0))
    dead_fraction: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    dead_overall: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __len__(self) -> int:
        return len(self.step)

    def last(self) -> dict | None:
        """The latest row as {field: value} (dead_fraction as a per-layer array), or None if empty."""
        if len(self) == 0:
            return None
        row = {name: float(getattr(self, name)[-1]) for name in METRICS}
        row.update(
            step=int(self.step[-1]),
            dead_fraction=self.dead_fraction[-1].copy(),
            dead_overall=float(self.dead_overall[-1]),
        )
        return row


@dataclass(frozen=True, eq=False)
class NetState:
    """A network's parameters, optimiser state and training history (plain arrays, picklable).

    weights[l] has shape (fan_in, fan_out) and biases[l] shape (fan_out,) for every layer, the
    output layer last. With batch norm, gammas, betas, running_means and running_vars hold one
    array per hidden layer (empty tuples otherwise). velocities follow ``parameter_arrays`` order.
    """

    config: NetConfig
    seed: int
    step: int
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    gammas: tuple[np.ndarray, ...]
    betas: tuple[np.ndarray, ...]
    running_means: tuple[np.ndarray, ...]
    running_vars: tuple[np.ndarray, ...]
    velocities: tuple[np.ndarray, ...]
    history: History
    diverged: bool = False

    @property
    def dead_criterion(self) -> str:
        """"dead" or "saturated": what history.dead_fraction counts for this activation."""
        return dead_criterion(self.config.activation)

    @property
    def finished(self) -> bool:
        """True once training reached config.max_steps or diverged (loss not finite)."""
        return self.diverged or self.step >= self.config.max_steps

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """(2, hidden..., 1)."""
        return (N_INPUTS, *self.config.hidden, 1)


def parameter_arrays(state: NetState | WorkingNet) -> list[np.ndarray]:
    """The trainable arrays in a fixed order: weights, biases, then batch norm's gammas and betas."""
    return [*state.weights, *state.biases, *state.gammas, *state.betas]


def init_network(config: NetConfig, seed: int = 0) -> NetState:
    """A fresh network: weights from the init scheme, hidden biases = bias_init, output bias 0.

    Two configs with the same layer sizes and init get identical weights for the same seed, so
    two activations can be compared from the same starting point.
    """
    if not isinstance(config, NetConfig):
        raise ValueError(f"config must be a NetConfig, got {type(config).__name__}")
    seed = check_int("seed", seed, 0, MAX_SEED)
    rng = np.random.default_rng(seed)
    sizes = (N_INPUTS, *config.hidden, 1)
    weights = tuple(
        rng.standard_normal((fan_in, fan_out)) * init_std(config.init, fan_in, fan_out, config.init_scale)
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:])
    )
    biases = tuple(np.full(width, config.bias_init) for width in config.hidden) + (np.zeros(1),)
    n_bn = len(config.hidden) if config.batch_norm else 0
    gammas = tuple(np.ones(w) for w in config.hidden[:n_bn])
    betas = tuple(np.zeros(w) for w in config.hidden[:n_bn])
    running_means = tuple(np.zeros(w) for w in config.hidden[:n_bn])
    running_vars = tuple(np.ones(w) for w in config.hidden[:n_bn])
    velocities = tuple(np.zeros_like(p) for p in (*weights, *biases, *gammas, *betas))
    history = History(dead_fraction=np.zeros((0, len(config.hidden))))
    return NetState(
        config, seed, 0, weights=weights, biases=biases, gammas=gammas, betas=betas, running_means=running_means,
        running_vars=running_vars, velocities=velocities, history=history,
    )


# --------------------------------------------------------------------------
# Forward and backward passes (work on a mutable WorkingNet view of a state)
# --------------------------------------------------------------------------


@dataclass
class WorkingNet:
    """Mutable working copy used inside one call: lists of arrays updated in place."""

    config: NetConfig
    fn: object
    dfn: object
    act_params: dict
    weights: list
    biases: list
    gammas: list
    betas: list
    running_means: list
    running_vars: list
    velocities: list
    saturation: tuple[float, float] | None  # (centre, half width) of the output range

    @property
    def n_hidden(self) -> int:
        return len(self.weights) - 1


def working_net(state: NetState, copy: bool) -> WorkingNet:
    """A WorkingNet over the state's arrays (copied when they will be modified)."""
    take = (lambda arrays: [a.copy() for a in arrays]) if copy else list
    act = state.config.activation_fn
    return WorkingNet(
        config=state.config,
        fn=act.fn,
        dfn=act.dfn,
        act_params=state.config.resolved_params(),
        saturation=saturation_window(state.config.activation),
        **{name: take(getattr(state, name)) for name in ARRAY_FIELDS},
    )


def net_state(net: WorkingNet, seed: int, step: int, history: History, diverged: bool) -> NetState:
    """The NetState of a WorkingNet's arrays (as tuples: the lists are not copied, nor their arrays)."""
    return NetState(
        config=net.config,
        seed=seed,
        step=step,
        history=history,
        diverged=diverged,
        **{name: tuple(getattr(net, name)) for name in ARRAY_FIELDS},
    )


@dataclass
class Layer:
    """What one hidden layer's forward pass keeps for the backward pass and the statistics."""

    inputs: np.ndarray  # a of the previous layer
    outputs: np.ndarray  # f(z)
    slope: np.ndarray | None  # f'(z)
    normalised: np.ndarray | None = None  # x_hat (batch norm)
    inv_std: np.ndarray | None = None  # 1 / sqrt(var + eps) (batch norm)


def forward(net: WorkingNet, X: np.ndarray, batch_stats: bool, slopes: bool):
    """Hidden layers and the logits s (shape (n,)) for inputs X.

    batch_stats: normalise with this batch's mean and (biased) variance and update the running
    statistics (training mode); otherwise use the running statistics. slopes: also return f'(z).
    """
    layers = []
    a = X
    for l in range(net.n_hidden):
        z = a @ net.weights[l]
        z += net.biases[l]
        normalised = inv_std = None
        if net.gammas:
            if batch_stats:
                mean = z.mean(axis=0)
                z -= mean
                var = np.einsum("ij,ij->j", z, z) / len(z)
                _update_running(net, l, mean, var, len(z))
            else:
                z -= net.running_means[l]
                var = net.running_vars[l]
            inv_std = 1.0 / np.sqrt(var + BN_EPS)
            z *= inv_std
            normalised = z.copy()
            z *= net.gammas[l]
            z += net.betas[l]
        flat = z.reshape(-1)  # a view: activations need only handle 1-D arrays
        out = net.fn(flat, **net.act_params).reshape(z.shape)
        slope = net.dfn(flat, **net.act_params).reshape(z.shape) if slopes else None
        layers.append(Layer(a, out, slope, normalised, inv_std))
        a = out
    logits = a @ net.weights[-1][:, 0]
    logits += net.biases[-1][0]
    return layers, logits


def _update_running(net: WorkingNet, l: int, mean, var, n: int):
    """Running mean and unbiased running variance, as PyTorch's BatchNorm1d."""
    rm, rv = net.running_means[l], net.running_vars[l]
    rm *= 1.0 - BN_MOMENTUM
    rm += BN_MOMENTUM * mean
    rv *= 1.0 - BN_MOMENTUM
    rv += (BN_MOMENTUM * n / (n - 1)) * var


def mean_loss(logits: np.ndarray, sign: np.ndarray) -> float:
    """Mean cross-entropy mean(logaddexp(0, (1 - 2y) s)), sign = 1 - 2y."""
    return float(np.logaddexp(0.0, sign * logits).mean())


def accuracy(logits: np.ndarray, y: np.ndarray) -> float:
    """Fraction with (s > 0) == (y == 1), i.e. p > 1/2 predicts class 1."""
    return float(np.count_nonzero((logits > 0.0) == (y > 0.5)) / len(y))


def backward(net: WorkingNet, layers, logits, y) -> list[np.ndarray]:
    """Gradients of the mean loss, in ``parameter_arrays`` order."""
    n_hidden = net.n_hidden
    grad_w = [None] * (n_hidden + 1)
    grad_b = [None] * (n_hidden + 1)
    grad_g = [None] * len(net.gammas)
    grad_beta = [None] * len(net.gammas)
    g = special.expit(logits)  # dl/ds = sigma(s) - y
    g -= y
    g /= len(y)
    grad_w[-1] = (g @ layers[-1].outputs)[:, None]
    grad_b[-1] = np.array([g.sum()])
    grad_a = np.multiply.outer(g, net.weights[-1][:, 0])
    for l in range(n_hidden - 1, -1, -1):
        layer = layers[l]
        grad_z = grad_a
        grad_z *= layer.slope
        if net.gammas:
            xhat = layer.normalised
            grad_beta[l] = grad_z.sum(axis=0)
            grad_g[l] = np.einsum("ij,ij->j", grad_z, xhat)
            grad_z *= net.gammas[l]  # now dl/dx_hat
            correction = np.einsum("ij,ij->j", grad_z, xhat) / len(y)
            grad_z -= grad_z.mean(axis=0)
            grad_z -= xhat * correction
            grad_z *= layer.inv_std  # now dl/du
        grad_b[l] = grad_z.sum(axis=0)
        grad_w[l] = layer.inputs.T @ grad_z
        if l > 0:
            grad_a = grad_z @ net.weights[l].T
    return [*grad_w, *grad_b, *grad_g, *grad_beta]


def inactive_flags(net: WorkingNet, layer: Layer) -> np.ndarray:
    """Per neuron, for every row: dead (f'(z) = 0) or saturated (|a - centre| > reach, saturation_window)."""
    if net.saturation is None:
        return ~np.any(layer.slope, axis=0)
    centre, reach = net.saturation
    return np.all(np.abs(layer.outputs - centre) > reach, axis=0)


# --------------------------------------------------------------------------
# Running the passes
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _blas_controller():
    """threadpoolctl's controller, built once (building it scans the loaded libraries, ~0.3 ms)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextlib.contextmanager
def numerics():
    """One BLAS thread, and no floating-point warnings: a diverging run shows inf/NaN in its numbers."""
    with _blas_controller().limit(limits=1, user_api="blas"), np.errstate(all="ignore"):
        yield


def check_data(data: Dataset):
    """ValueError unless ``data`` is a Dataset of 2-D points."""
    if not isinstance(data, Dataset):
        raise ValueError(f"data must be a Dataset from make_dataset, got {type(data).__name__}")
    if data.X_train.ndim != 2 or data.X_train.shape[1] != N_INPUTS or len(data.X_train) < 2:
        raise ValueError("data.X_train must have shape (n, 2) with n >= 2")
