"""Training speed of the dead-neuron lab's network, against a bare numpy step measured in the same process.

Run:  python3 bench/bench_lab.py   (writes bench/results_lab.md and prints the same table)

The baseline is one SGD step of the same 2-16-16-1 ReLU network written inline (forward, backward,
update; no history, statistics or checks). The ratio shows what train_steps adds: train and test
loss and accuracy and the dead fraction per layer at every step, plus copies. Each figure is the
best of several interleaved rounds, since the machine is shared.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from activations_core.datasets import make_dataset  # noqa: E402
from activations_core.network import (  # noqa: E402
    NetConfig,
    decision_grid,
    init_network,
    neuron_activity,
    train_steps,
)

STEPS = 1000
ROUNDS = 7


def best_rates(runs: dict) -> dict:
    """Steps per second of each ``runs[label]()`` (which runs STEPS steps): best over ROUNDS
    rounds, each round running every candidate once, so load changes hit them all alike."""
    best = dict.fromkeys(runs, np.inf)
    for _ in range(ROUNDS):
        for label, run in runs.items():
            start = time.perf_counter()
            run()
            best[label] = min(best[label], time.perf_counter() - start)
    return {label: STEPS / seconds for label, seconds in best.items()}


def lab_run(config: NetConfig, n_points: int):
    """A callable running STEPS train_steps for ``config`` on moons with ``n_points`` points (80% train)."""
    data = make_dataset("moons", n=n_points)
    state = train_steps(init_network(config, seed=0), data, 10)
    return lambda: train_steps(state, data, STEPS)


def bare_numpy_run(width: int, threads: int | None):
    """A callable running STEPS inline forward/backward/update steps of 2-w-w-1 ReLU, full batch, lr 0.3."""
    data = make_dataset("moons", n=400)
    X, y = data.X_train, data.y_train
    rng = np.random.default_rng(0)
    W1 = rng.normal(0, 1, (2, width))
    W2 = rng.normal(0, 0.3, (width, width))
    W3 = rng.normal(0, 0.3, (width, 1))
    b1, b2, b3 = np.zeros(width), np.zeros(width), np.zeros(1)

    def steps():
        nonlocal W1, W2, W3, b1, b2, b3
        with np.errstate(over="ignore"), threadpool_limits(threads, user_api="blas"):
            for _ in range(STEPS):
                z1 = X @ W1 + b1
                a1 = np.maximum(z1, 0.0)
                z2 = a1 @ W2 + b2
                a2 = np.maximum(z2, 0.0)
                s = (a2 @ W3)[:, 0] + b3[0]
                g = (1.0 / (1.0 + np.exp(-s)) - y) / len(y)
                g2 = np.outer(g, W3[:, 0]) * (z2 > 0)
                g1 = (g2 @ W2.T) * (z1 > 0)
                W3[:, 0] -= 0.3 * (a2.T @ g)
                b3 -= 0.3 * g.sum()
                W2 -= 0.3 * (a1.T @ g2)
                b2 -= 0.3 * g2.sum(axis=0)
                W1 -= 0.3 * (X.T @ g1)
                b1 -= 0.3 * g1.sum(axis=0)

    return steps


def per_call_ms(run) -> float:
    """Best wall time of one call in milliseconds (best of 20)."""
    best = np.inf
    for _ in range(20):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return 1000.0 * best


BASELINE = "bare numpy step 2-16-16-1 (baseline), 1 BLAS thread"


def main() -> str:
    default = NetConfig()
    runs = {
        BASELINE: bare_numpy_run(16, threads=1),
        "bare numpy step 2-16-16-1, default BLAS threads": bare_numpy_run(16, threads=None),
        "bare numpy step 2-64-64-1, 1 BLAS thread": bare_numpy_run(64, threads=1),
        "bare numpy step 2-64-64-1, default BLAS threads": bare_numpy_run(64, threads=None),
        "lab, default 2-16-16-1 ReLU, moons 400 (320 train), full batch": lab_run(default, 400),
        "lab, default network, moons 500 (400 train), full batch": lab_run(default, 500),
        "lab, batch norm": lab_run(NetConfig(batch_norm=True), 400),
        "lab, minibatch 32": lab_run(NetConfig(batch_size=32), 400),
        "lab, momentum 0.9": lab_run(NetConfig(momentum=0.9), 400),
        "lab, tanh": lab_run(NetConfig(activation="tanh"), 400),
        "lab, gelu": lab_run(NetConfig(activation="gelu"), 400),
        "lab, 2-64-64-1": lab_run(NetConfig(hidden=(64, 64)), 400),
        "lab, 2-64-64-64-64-1 + batch norm": lab_run(NetConfig(hidden=(64,) * 4, batch_norm=True), 400),
    }
    rates = best_rates(runs)
    base = rates[BASELINE]
    data = make_dataset("moons", n=400)
    state = train_steps(init_network(default, seed=0), data, 100)
    grid_ms = per_call_ms(lambda: decision_grid(state, 60, data.bounds))
    activity_ms = per_call_ms(lambda: neuron_activity(state, data.X_train))

    lines = [
        "# Dead-neuron lab: training speed",
        "",
        f"`python3 bench/bench_lab.py`: {STEPS} steps per measurement, best of {ROUNDS} interleaved rounds, "
        "2-core machine shared with other jobs. \"lab\" rows are `train_steps`, which also records "
        "train/test loss and accuracy and the dead fraction per layer at every step.",
        "",
        "| what | steps per second | µs per step | ratio to baseline |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, rate in rates.items():
        lines.append(f"| {label} | {rate:,.0f} | {1e6 / rate:.0f} | {rate / base:.2f} |")
    lines += [
        "",
        f"Per frame extras (default network after 100 steps): `decision_grid` 60x60 {grid_ms:.2f} ms, "
        f"`neuron_activity` on the training set {activity_ms:.2f} ms.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    table = main()
    print(table)
    (ROOT / "bench" / "results_lab.md").write_text(table, encoding="utf-8")
