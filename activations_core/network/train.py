"""Training: train_steps (SGD with optional momentum, on the full batch or on minibatches in the
order epoch_order gives; any split of the steps between calls gives the same run) and the
history rows it records.
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..checks import check_float, check_int
from ..datasets import Dataset
from .model import (
    HISTORY_CAP,
    History,
    NetState,
    WorkingNet,
    accuracy,
    backward,
    check_data,
    forward,
    inactive_flags,
    mean_loss,
    net_state,
    numerics,
    parameter_arrays,
    working_net,
)

__all__ = [
    "MAX_STEPS_PER_CALL",
    "epoch_order",
    "minibatch_rows",
    "train_steps",
]

MAX_STEPS_PER_CALL = 5_000


# --------------------------------------------------------------------------
# History rows
# --------------------------------------------------------------------------


def _row(net: WorkingNet, layers, logits, data: Dataset, signs) -> tuple:
    """One history row from an evaluation-mode pass over the training set, plus a test pass.

    signs = (1 - 2 y_train, 1 - 2 y_test).
    """
    train_sign, test_sign = signs
    dead = [np.count_nonzero(inactive_flags(net, layer)) for layer in layers]
    widths = [len(layer.outputs[0]) for layer in layers]
    _, test_logits = forward(net, data.X_test, batch_stats=False, slopes=False)
    return (
        mean_loss(logits, train_sign),
        accuracy(logits, data.y_train),
        mean_loss(test_logits, test_sign),
        accuracy(test_logits, data.y_test),
        tuple(d / w for d, w in zip(dead, widths)),
        sum(dead) / sum(widths),
    )


def _evaluate_row(net: WorkingNet, data: Dataset, signs) -> tuple:
    """History row for the current parameters."""
    layers, logits = forward(net, data.X_train, batch_stats=False, slopes=True)
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
# SGD
# --------------------------------------------------------------------------


def _sgd_update(net: WorkingNet, grads: list[np.ndarray]):
    """v = m v + g; p -= lr v (plain p -= lr g when m = 0)."""
    lr, momentum = net.config.learning_rate, net.config.momentum
    for p, v, g in zip(parameter_arrays(net), net.velocities, grads):
        if momentum:
            v *= momentum
            v += g
            np.multiply(v, lr, out=g)
        else:
            g *= lr
        p -= g


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
    check_data(data)
    if state.finished:
        n_steps = 0
    n_steps = min(n_steps, state.config.max_steps - state.step)
    with numerics():
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


def minibatch_rows(seed: int, step: int, n_train: int, batch: int, cache: dict) -> np.ndarray:
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
    net = working_net(state, copy=True)
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
        picked = None if full_batch else minibatch_rows(state.seed, step, len(y), batch, cache)
        Xb, yb, sign_b = (X, y, signs[0]) if full_batch else (X[picked], y[picked], signs[0][picked])
        layers, logits = forward(net, Xb, batch_stats=bool(net.gammas), slopes=True)
        if due and reuse:
            rows.append((step, _row(net, layers, logits, data, signs)))
            batch_loss = rows[-1][1][0]
        else:
            batch_loss = mean_loss(logits, sign_b)
        if not math.isfinite(batch_loss):
            diverged = True
            break
        _sgd_update(net, backward(net, layers, logits, yb))
        step += 1
    if step not in recorded and (not rows or rows[-1][0] != step):
        rows.append((step, _evaluate_row(net, data, signs)))
    history = _merged_history(state.history, rows, step)
    return net_state(net, state.seed, step, history, diverged or not math.isfinite(history.train_loss[-1]))
