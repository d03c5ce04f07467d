"""A toy multilayer perceptron for 2-D binary classification, trained by SGD, with dead-neuron statistics.

Network: 2 inputs -> 1-4 hidden layers of 2-64 neurons -> 1 output. Hidden layer:
    u = a W + b;  z = u, or with batch norm z = gamma (u - mu) / sqrt(var + eps) + beta;  a' = f(z)
(mu, var: the batch's mean and biased variance in training, running averages in evaluation, as
PyTorch's Linear + BatchNorm1d; subtracting mu cancels the bias b). Output: logit s = a W + b,
p = sigma(s). Loss: mean cross-entropy from the logit, l = logaddexp(0, (1 - 2y) s), never log(0).
Hand-written backpropagation; SGD with optional momentum (v = m v + g, w -= lr v, as PyTorch).

What ``dead_fraction`` in the history counts (see ``dead_criterion``):

* "dead" (every activation except the saturating ones): f'(z) = 0 exactly for every training
  input, so no gradient reaches the neuron's incoming weights again. For ReLU this is the lesson's
  "output exactly zero for every training input", since relu'(z) = 0 <=> z <= 0 <=> relu(z) = 0.
  Leaky ReLU with alpha > 0 is never dead by this rule (f' >= alpha), though it can recover only
  slowly; ELU, GELU, Swish... only below z of about -700.
* "saturated" (sigmoid, tanh: bounded range (lo, hi) and saturating): for every training input
  the output is within 3% of the range's width of either end (depth.SATURATION_MARGIN, the rule
  the vanishing-gradient page uses too), i.e. |a| > 0.94 for tanh and a < 0.03 or a > 0.97 for
  sigmoid.

Statistics use evaluation mode (batch norm with running statistics) on the whole training set;
history row ``step = s`` describes the network after s updates.

Determinism: weights come from ``np.random.default_rng(seed)``, epoch e's minibatch order from
``epoch_order(seed, e, n)`` (a 32-bit hash the browser's trainer computes too); the same config,
seed and data give the same run bit for bit however its steps are split between calls to
``train_steps``.

A page keeps one NetState per session (plain numpy arrays in dataclasses, picklable, a few tens
of kB; nothing here is global) and per frame calls
    state = train_steps(state, data, 500, time_budget=0.05)
then draws decision_grid(state, 60, data.bounds), state.history and
neuron_activity(state, data.X_train); train_steps(state, data, 0) records step 0 of a fresh network.
``train_steps`` pins BLAS to one thread while it runs: thread pools only add overhead and
contention to matrix products this small on a shared server.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import time
from dataclasses import dataclass, field

import numpy as np
from scipy import special

from ..checks import MAX_SEED, check_float, check_int
from ..datasets import Dataset
from ..depth import INITS, SATURATION_MARGIN, init_std
from ..functions import ACTIVATIONS, Activation

__all__ = [
    "HISTORY_CAP",
    "MAX_STEPS_PER_CALL",
    "MAX_TOTAL_STEPS",
    "History",
    "LayerActivity",
    "NetConfig",
    "NetState",
    "browser_spec",
    "dead_criterion",
    "decision_grid",
    "epoch_order",
    "from_json_dict",
    "init_network",
    "loss_and_gradients",
    "neuron_activity",
    "parameter_arrays",
    "predict_proba",
    "to_json_dict",
    "train_steps",
]

MIN_LAYERS, MAX_LAYERS = 1, 4
MIN_WIDTH, MAX_WIDTH = 2, 64
MIN_LEARNING_RATE, MAX_LEARNING_RATE = 1e-4, 10.0
MAX_MOMENTUM = 0.99
MAX_INIT_SCALE = 10.0
MAX_ABS_BIAS_INIT = 10.0
MAX_TOTAL_STEPS = 50_000
MAX_STEPS_PER_CALL = 5_000
MAX_BATCH_SIZE = 5_000
MIN_GRID, MAX_GRID = 2, 200
HISTORY_CAP = 1000  # history rows on the step grid (plus the latest step)
BN_EPS = 1e-5
BN_MOMENTUM = 0.1  # running = (1 - m) running + m batch, as PyTorch
N_INPUTS = 2


# --------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------


def _resolve_activation(activation) -> Activation:
    """The Activation for a registry name or an Activation object; ValueError otherwise."""
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str) and activation in ACTIVATIONS:
        return ACTIVATIONS[activation]
    raise ValueError(
        f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
    )


def _check_activation_params(act: Activation, params) -> tuple[tuple[str, float], ...]:
    """Parameters as sorted (name, value) pairs, checked by evaluating f and f' once."""
    try:
        items = dict(params)
    except (TypeError, ValueError):
        raise ValueError(f"activation_params must map parameter names to numbers, got {params!r}") from None
    known = {p.name for p in act.params}
    unknown = sorted(set(items) - known)
    if unknown:
        accepted = ", ".join(sorted(known)) or "no parameters"
        raise ValueError(f"{act.display_name} has no parameter {', '.join(unknown)} (it takes {accepted})")
    values = {k: check_float(k, v, -math.inf, math.inf) for k, v in items.items()}
    probe = np.array([-1.0, 0.0, 1.0])
    full = {**act.defaults(), **values}
    try:
        act.fn(probe, **full)
        act.dfn(probe, **full)
    except (ArithmeticError, TypeError, ValueError) as error:
        raise ValueError(f"{act.display_name}: {error}") from None
    return tuple(sorted(values.items()))


@dataclass(frozen=True)
class NetConfig:
    """Everything that defines a training run except the seed and the data.

    hidden: neurons per hidden layer (1-4 layers of 2-64); activation: a registry name or an
    Activation; activation_params: its parameters (dict or (name, value) pairs); init: "he"
    (N(0, 2/fan_in)), "xavier" (N(0, 2/(fan_in + fan_out))) or "normal" (N(0, init_scale^2));
    bias_init: the hidden layers' initial bias b (batch norm cancels it: z depends on u - mu);
    batch_size: None for full batch; max_steps: where training stops.
    """

    hidden: tuple[int, ...] = (16, 16)
    activation: str | Activation = "relu"
    activation_params: tuple[tuple[str, float], ...] = ()
    batch_norm: bool = False
    init: str = "he"
    init_scale: float = 0.1
    bias_init: float = 0.0
    learning_rate: float = 0.3
    momentum: float = 0.0
    batch_size: int | None = None
    max_steps: int = 5_000

    def __post_init__(self):
        """Validate every field (ValueError with a clear message) and normalise types."""
        hidden = self.hidden
        if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__len__"):
            raise ValueError(f"hidden must be a list of layer widths, got {hidden!r}")
        if not MIN_LAYERS <= len(hidden) <= MAX_LAYERS:
            raise ValueError(
                f"the network needs {MIN_LAYERS} to {MAX_LAYERS} hidden layers, got {len(hidden)}"
            )
        widths = tuple(check_int("hidden layer width", w, MIN_WIDTH, MAX_WIDTH) for w in hidden)
        act = _resolve_activation(self.activation)
        params = _check_activation_params(act, self.activation_params)
        if not isinstance(self.batch_norm, (bool, np.bool_)):
            raise ValueError(f"batch_norm must be True or False, got {self.batch_norm!r}")
        if self.init not in INITS:  # the schemes, their formulas and names live in depth.py
            raise ValueError(f"unknown init {self.init!r}; choose one of {', '.join(INITS)}")
        batch_size = self.batch_size
        if batch_size is not None:
            low = 2 if self.batch_norm else 1
            batch_size = check_int("batch_size", batch_size, low, MAX_BATCH_SIZE)
        fields = {
            "hidden": widths,
            "activation_params": params,
            "batch_norm": bool(self.batch_norm),
            "init_scale": check_float("init_scale", self.init_scale, 1e-6, MAX_INIT_SCALE),
            "bias_init": check_float("bias_init", self.bias_init, -MAX_ABS_BIAS_INIT, MAX_ABS_BIAS_INIT),
            "learning_rate": check_float(
                "learning_rate", self.learning_rate, MIN_LEARNING_RATE, MAX_LEARNING_RATE
            ),
            "momentum": check_float("momentum", self.momentum, 0.0, MAX_MOMENTUM),
            "batch_size": batch_size,
            "max_steps": check_int("max_steps", self.max_steps, 1, MAX_TOTAL_STEPS),
        }
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    @property
    def activation_fn(self) -> Activation:
        """The Activation object."""
        return _resolve_activation(self.activation)

    @property
    def activation_name(self) -> str:
        """The activation's registry name (or a custom activation's name)."""
        return self.activation_fn.name

    def resolved_params(self) -> dict[str, float]:
        """The activation's defaults overridden by activation_params."""
        return {**self.activation_fn.defaults(), **dict(self.activation_params)}


def dead_criterion(activation) -> str:
    """"saturated" for a saturating activation with a finite output range (sigmoid, tanh), else "dead"."""
    props = _resolve_activation(activation).properties
    if props is not None and props.saturates and all(map(math.isfinite, props.output_range)):
        return "saturated"
    return "dead"


# --------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------


_METRICS = ("train_loss", "train_acc", "test_loss", "test_acc")


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
        row = {name: float(getattr(self, name)[-1]) for name in _METRICS}
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


def parameter_arrays(state: NetState) -> list[np.ndarray]:
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
        config, seed, 0, weights, biases, gammas, betas, running_means, running_vars, velocities, history
    )


# --------------------------------------------------------------------------
# Forward and backward passes (work on a mutable _Net view of a state)
# --------------------------------------------------------------------------


@dataclass
class _Net:
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


def _saturation_window(activation) -> tuple[float, float] | None:
    """(centre, reach) of a saturating activation's output range, else None: an output is saturated
    when |a - centre| > reach, i.e. within SATURATION_MARGIN of the range's width of either end."""
    if dead_criterion(activation) != "saturated":
        return None
    lo, hi = _resolve_activation(activation).properties.output_range
    return 0.5 * (lo + hi), 0.5 * (hi - lo) - SATURATION_MARGIN * (hi - lo)


def _working_net(state: NetState, copy: bool) -> _Net:
    """A _Net over the state's arrays (copied when they will be modified)."""
    take = (lambda arrays: [a.copy() for a in arrays]) if copy else list
    act = state.config.activation_fn
    return _Net(
        config=state.config,
        fn=act.fn,
        dfn=act.dfn,
        act_params=state.config.resolved_params(),
        weights=take(state.weights),
        biases=take(state.biases),
        gammas=take(state.gammas),
        betas=take(state.betas),
        running_means=take(state.running_means),
        running_vars=take(state.running_vars),
        velocities=take(state.velocities),
        saturation=_saturation_window(state.config.activation),
    )


@dataclass
class _Layer:
    """What one hidden layer's forward pass keeps for the backward pass and the statistics."""

    inputs: np.ndarray  # a of the previous layer
    outputs: np.ndarray  # f(z)
    slope: np.ndarray | None  # f'(z)
    normalised: np.ndarray | None = None  # x_hat (batch norm)
    inv_std: np.ndarray | None = None  # 1 / sqrt(var + eps) (batch norm)


def _forward(net: _Net, X: np.ndarray, batch_stats: bool, slopes: bool):
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
        layers.append(_Layer(a, out, slope, normalised, inv_std))
        a = out
    logits = a @ net.weights[-1][:, 0]
    logits += net.biases[-1][0]
    return layers, logits


def _update_running(net: _Net, l: int, mean, var, n: int):
    """Running mean and unbiased running variance, as PyTorch's BatchNorm1d."""
    rm, rv = net.running_means[l], net.running_vars[l]
    rm *= 1.0 - BN_MOMENTUM
    rm += BN_MOMENTUM * mean
    rv *= 1.0 - BN_MOMENTUM
    rv += (BN_MOMENTUM * n / (n - 1)) * var


def _loss(logits: np.ndarray, sign: np.ndarray) -> float:
    """Mean cross-entropy mean(logaddexp(0, (1 - 2y) s)), sign = 1 - 2y."""
    return float(np.logaddexp(0.0, sign * logits).mean())


def _accuracy(logits: np.ndarray, y: np.ndarray) -> float:
    """Fraction with (s > 0) == (y == 1), i.e. p > 1/2 predicts class 1."""
    return float(np.count_nonzero((logits > 0.0) == (y > 0.5)) / len(y))


def _backward(net: _Net, layers, logits, y) -> list[np.ndarray]:
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


def _sgd_update(net: _Net, grads: list[np.ndarray]):
    """v = m v + g; p -= lr v (plain p -= lr g when m = 0)."""
    lr, momentum = net.config.learning_rate, net.config.momentum
    params = [*net.weights, *net.biases, *net.gammas, *net.betas]
    for p, v, g in zip(params, net.velocities, grads):
        if momentum:
            v *= momentum
            v += g
            np.multiply(v, lr, out=g)
        else:
            g *= lr
        p -= g


# --------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------


def _inactive_flags(net: _Net, layer: _Layer) -> np.ndarray:
    """Per neuron, for every row: dead (f'(z) = 0) or saturated (|a - centre| > reach, _saturation_window)."""
    if net.saturation is None:
        return ~np.any(layer.slope, axis=0)
    centre, reach = net.saturation
    return np.all(np.abs(layer.outputs - centre) > reach, axis=0)


def _row(net: _Net, layers, logits, data: Dataset, signs) -> tuple:
    """One history row from an evaluation-mode pass over the training set, plus a test pass.

    signs = (1 - 2 y_train, 1 - 2 y_test).
    """
    train_sign, test_sign = signs
    dead = [np.count_nonzero(_inactive_flags(net, layer)) for layer in layers]
    widths = [len(layer.outputs[0]) for layer in layers]
    _, test_logits = _forward(net, data.X_test, batch_stats=False, slopes=False)
    return (
        _loss(logits, train_sign),
        _accuracy(logits, data.y_train),
        _loss(test_logits, test_sign),
        _accuracy(test_logits, data.y_test),
        tuple(d / w for d, w in zip(dead, widths)),
        sum(dead) / sum(widths),
    )


def _evaluate_row(net: _Net, data: Dataset, signs) -> tuple:
    """History row for the current parameters."""
    layers, logits = _forward(net, data.X_train, batch_stats=False, slopes=True)
    return _row(net, layers, logits, data, signs)


def _grid_every(step: int) -> int:
    """Smallest power of two k with at most HISTORY_CAP multiples of k in [0, step]."""
    k = 1
    while step // k + 1 > HISTORY_CAP:
        k *= 2
    return k


def _merged_history(old: History, rows: list[tuple[int, tuple]], last_step: int) -> History:
    """Old grid rows + new rows, kept at multiples of the grid spacing for last_step, plus last_step."""
    every = _grid_every(last_step)
    n_old = len(old)
    keep_old = [i for i in range(n_old) if old.step[i] % every == 0 or old.step[i] == last_step]
    new = [(s, r) for s, r in rows if s % every == 0 or s == last_step]
    new_steps = {s for s, _ in new}
    keep_old = [i for i in keep_old if int(old.step[i]) not in new_steps]
    width = old.dead_fraction.shape[1]

    def column(name, index):
        values = [r[index] for _, r in new]
        return np.concatenate([getattr(old, name)[keep_old], np.array(values, dtype=np.float64)])

    dead = np.array([r[4] for _, r in new], dtype=np.float64).reshape(len(new), width)
    return History(
        every=every,
        step=np.concatenate([old.step[keep_old], np.array([s for s, _ in new], dtype=np.int64)]),
        train_loss=column("train_loss", 0),
        train_acc=column("train_acc", 1),
        test_loss=column("test_loss", 2),
        test_acc=column("test_acc", 3),
        dead_fraction=np.concatenate([old.dead_fraction[keep_old], dead]),
        dead_overall=column("dead_overall", 5),
    )


# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _blas_controller():
    """threadpoolctl's controller, built once (building it scans the loaded libraries, ~0.3 ms)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextlib.contextmanager
def _numerics():
    """One BLAS thread, and no floating-point warnings: a diverging run shows inf/NaN in its numbers."""
    with _blas_controller().limit(limits=1, user_api="blas"), np.errstate(all="ignore"):
        yield


def _check_data(data: Dataset):
    """ValueError unless ``data`` is a Dataset of 2-D points."""
    if not isinstance(data, Dataset):
        raise ValueError(f"data must be a Dataset from make_dataset, got {type(data).__name__}")
    if data.X_train.ndim != 2 or data.X_train.shape[1] != N_INPUTS or len(data.X_train) < 2:
        raise ValueError("data.X_train must have shape (n, 2) with n >= 2")


def _batch_plan(state: NetState, n_train: int):
    """(batch size, full batch?) for this state and training-set size."""
    size = state.config.batch_size
    if size is None or size >= n_train:
        return n_train, True
    return size, False


def train_steps(
    state: NetState, data: Dataset, n_steps: int, time_budget: float | None = None
) -> NetState:
    """A new state after up to ``n_steps`` SGD steps (the given state is not modified).

    Stops early at config.max_steps, when the training loss stops being finite (then
    ``diverged`` is True), or once ``time_budget`` seconds have passed (at least one step runs).
    Where it stops never changes the run: any split of the same steps between calls gives the
    same weights and history bit for bit, so a page can train "as many steps as fit in 50 ms"
    per frame. History rows are recorded at every step on the grid (see History) and for the
    last step, so ``train_steps(state, data, 0)`` records the metrics of a fresh network.
    n_steps must be a whole number in [0, MAX_STEPS_PER_CALL]; time_budget None or in (0, 60].
    """
    if not isinstance(state, NetState):
        raise ValueError(f"state must be a NetState from init_network, got {type(state).__name__}")
    n_steps = check_int("n_steps", n_steps, 0, MAX_STEPS_PER_CALL)
    if time_budget is not None:
        time_budget = check_float("time_budget", time_budget, 1e-6, 60.0)
    _check_data(data)
    if state.finished:
        n_steps = 0
    n_steps = min(n_steps, state.config.max_steps - state.step)
    with _numerics():
        return _train(state, data, n_steps, time_budget)


_MIX_MULTIPLIERS = (0x7FEB352D, 0x846CA68B)  # "lowbias32" (C. Wellons), a 32-bit integer hash
_GOLDEN_32 = 0x9E3779B9


def _mix32(x: np.ndarray) -> np.ndarray:
    """A well-mixed 32-bit hash of each uint64 entry of x (taken mod 2^32), as uint64 values < 2^32.

    Plain 32-bit integer arithmetic, so the browser's trainer (ui/lab/trainer.js, Math.imul)
    computes the same numbers bit for bit.
    """
    mask = np.uint64(0xFFFFFFFF)
    x = x & mask
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(_MIX_MULTIPLIERS[0])) & mask
    x ^= x >> np.uint64(15)
    x = (x * np.uint64(_MIX_MULTIPLIERS[1])) & mask
    x ^= x >> np.uint64(16)
    return x


def epoch_order(seed: int, epoch: int, n_train: int) -> np.ndarray:
    """The order in which epoch ``epoch`` visits the n_train training points (a permutation).

    Sorting the points by a 32-bit hash of (seed, epoch, index), ties by index: a shuffle that
    JavaScript reproduces exactly (numpy's Generator.permutation it could not).
    """
    key = _mix32(_mix32(np.array([seed], dtype=np.uint64)) ^ np.uint64(epoch))
    keys = _mix32(key + np.arange(n_train, dtype=np.uint64) * np.uint64(_GOLDEN_32))
    return np.argsort(keys, kind="stable")


def _minibatch(seed: int, step: int, n_train: int, batch: int, cache: dict) -> np.ndarray:
    """Row indices of the minibatch for update ``step``: ``epoch_order``, cut in consecutive batches."""
    epoch, index = divmod(step, n_train // batch)
    if cache.get("epoch") != epoch:
        cache["epoch"] = epoch
        cache["order"] = epoch_order(seed, epoch, n_train)
    return cache["order"][index * batch : (index + 1) * batch]


def _train(state: NetState, data: Dataset, n_steps: int, time_budget: float | None) -> NetState:
    """The training loop of train_steps.

    Row s is recorded before update s + 1. With full batches and no batch norm the training
    pass over the whole set is exactly the evaluation pass, so its numbers are reused.
    """
    net = _working_net(state, copy=True)
    X, y = data.X_train, data.y_train
    signs = (1.0 - 2.0 * y, 1.0 - 2.0 * data.y_test)
    batch, full_batch = _batch_plan(state, len(y))
    reuse = full_batch and not net.gammas
    recorded = {int(s) for s in state.history.step[-1:]}  # the previous call's last row
    rows, cache = [], {}
    step, diverged = state.step, False
    deadline = math.inf if time_budget is None else time.perf_counter() + time_budget
    for i in range(n_steps):
        if i and time.perf_counter() > deadline:
            break
        due = step % _grid_every(step) == 0 and step not in recorded
        if due and not reuse:  # before the training pass, which moves the running statistics
            rows.append((step, _evaluate_row(net, data, signs)))
        picked = None if full_batch else _minibatch(state.seed, step, len(y), batch, cache)
        Xb, yb, sign_b = (X, y, signs[0]) if full_batch else (X[picked], y[picked], signs[0][picked])
        layers, logits = _forward(net, Xb, batch_stats=bool(net.gammas), slopes=True)
        if due and reuse:
            rows.append((step, _row(net, layers, logits, data, signs)))
            batch_loss = rows[-1][1][0]
        else:
            batch_loss = _loss(logits, sign_b)
        if not math.isfinite(batch_loss):
            diverged = True
            break
        _sgd_update(net, _backward(net, layers, logits, yb))
        step += 1
    if step not in recorded and (not rows or rows[-1][0] != step):
        rows.append((step, _evaluate_row(net, data, signs)))
    history = _merged_history(state.history, rows, step)
    return NetState(
        config=state.config,
        seed=state.seed,
        step=step,
        weights=tuple(net.weights),
        biases=tuple(net.biases),
        gammas=tuple(net.gammas),
        betas=tuple(net.betas),
        running_means=tuple(net.running_means),
        running_vars=tuple(net.running_vars),
        velocities=tuple(net.velocities),
        history=history,
        diverged=diverged or not math.isfinite(history.train_loss[-1]),
    )


# --------------------------------------------------------------------------
# Using a trained network
# --------------------------------------------------------------------------


def _check_points(X) -> np.ndarray:
    """X as a float64 array of shape (n, 2); ValueError otherwise."""
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != N_INPUTS:
        raise ValueError(f"points must have shape (n, 2), got {arr.shape}")
    return arr


def predict_proba(state: NetState, X) -> np.ndarray:
    """p(class 1 | x) = sigma(s(x)) for each row of X (shape (n, 2)), in evaluation mode."""
    X = _check_points(X)
    with _numerics():
        _, logits = _forward(_working_net(state, copy=False), X, batch_stats=False, slopes=False)
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
    net = _working_net(state, copy=False)
    activity = []
    with _numerics():
        layers, _ = _forward(net, X, batch_stats=False, slopes=True)
        for layer in layers:
            dead = ~np.any(layer.slope, axis=0)
            saturated = np.zeros_like(dead) if net.saturation is None else _inactive_flags(net, layer)
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
    net = _working_net(state, copy=True)  # the training pass moves running statistics
    with _numerics():
        layers, logits = _forward(net, X, batch_stats=bool(net.gammas), slopes=True)
        loss = _loss(logits, 1.0 - 2.0 * y)
        return loss, _backward(net, layers, logits, y)


# --------------------------------------------------------------------------
# JSON export
# --------------------------------------------------------------------------


def _json_numbers(values):
    """Nested lists of floats with NaN and +-inf replaced by None (valid JSON)."""
    if isinstance(values, np.ndarray):
        values = values.tolist()
    if isinstance(values, list):
        return [_json_numbers(v) for v in values]
    if isinstance(values, float) and not math.isfinite(values):
        return None
    return values


def _array(values, dtype=np.float64) -> np.ndarray:
    """np.array from JSON lists, None read back as NaN."""
    def fill(v):
        if isinstance(v, list):
            return [fill(x) for x in v]
        return math.nan if v is None else v

    return np.array(fill(values), dtype=dtype)


def to_json_dict(state: NetState) -> dict:
    """The run as JSON-ready data: config, seed, step, every array and the history (None for NaN/inf)."""
    config = {f.name: getattr(state.config, f.name) for f in dataclasses.fields(state.config)}
    config.update(
        activation=state.config.activation_name,
        activation_params=dict(state.config.activation_params),
        hidden=list(state.config.hidden),
    )
    history = state.history
    return {
        "format": "activation-lab-network/1",
        "config": config,
        "seed": state.seed,
        "step": state.step,
        "diverged": state.diverged,
        "dead_criterion": state.dead_criterion,
        "layer_sizes": list(state.layer_sizes),
        "weights": [_json_numbers(w) for w in state.weights],
        "biases": [_json_numbers(b) for b in state.biases],
        "gammas": [_json_numbers(g) for g in state.gammas],
        "betas": [_json_numbers(b) for b in state.betas],
        "running_means": [_json_numbers(m) for m in state.running_means],
        "running_vars": [_json_numbers(v) for v in state.running_vars],
        "velocities": [_json_numbers(v) for v in state.velocities],
        "history": {
            "every": history.every,
            "step": history.step.tolist(),
            **{name: _json_numbers(getattr(history, name)) for name in _METRICS},
            "dead_fraction": _json_numbers(history.dead_fraction),
            "dead_overall": _json_numbers(history.dead_overall),
        },
    }


def browser_spec(state: NetState, data: Dataset) -> dict:
    """What the browser's trainer (ui/lab/trainer.js) starts from: the run, its data, its rule for "inactive".

    {"state": to_json_dict(state), "data": the train and test points and labels as lists,
    "saturation": [centre, reach] of a saturating activation (_saturation_window), or None}. JSON carries
    every float64 exactly, so the browser continues from the very numbers Python has.
    """
    _check_data(data)
    window = _saturation_window(state.config.activation)
    return {
        "state": to_json_dict(state),
        "data": {name: getattr(data, name).tolist() for name in ("X_train", "y_train", "X_test", "y_test")},
        "saturation": None if window is None else list(window),
    }


def from_json_dict(data: dict, activation: Activation | None = None) -> NetState:
    """The NetState that to_json_dict exported; ValueError if malformed.

    ``activation`` stands in for the exported name (a custom formula's Activation, which no
    name in the registry finds).
    """
    try:
        config = dict(data["config"], hidden=tuple(data["config"]["hidden"]))
        if activation is not None:
            config["activation"] = activation
        config = NetConfig(**config)
        state = init_network(config, data["seed"])
        h = data["history"]
        width = len(config.hidden)
        history = History(
            every=int(h["every"]),
            step=np.array(h["step"], dtype=np.int64),
            **{name: _array(h[name]) for name in _METRICS},
            dead_fraction=_array(h["dead_fraction"]).reshape(-1, width),
            dead_overall=_array(h["dead_overall"]),
        )
        names = ("weights", "biases", "gammas", "betas", "running_means", "running_vars", "velocities")
        arrays = {
            name: tuple(
                _array(a).reshape(ref.shape) for a, ref in zip(data[name], getattr(state, name), strict=True)
            )
            for name in names
        }
        step = check_int("step", data["step"], 0, config.max_steps)
        return dataclasses.replace(
            state, step=step, history=history, diverged=bool(data["diverged"]), **arrays
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"not an exported network: {error}") from None
