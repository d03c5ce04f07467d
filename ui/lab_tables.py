"""The data behind the lab's charts, as tables: what its CSVs hold and its data panel shows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from activations_core.datasets import Dataset
from activations_core.network import NetState, decision_grid, neuron_activity

MAP_RESOLUTION = 60  # the probability map's grid points per side


def run_tables(state: NetState, data: Dataset, word: str) -> dict[str, pd.DataFrame]:
    """One run's history per recorded step, each hidden neuron (``word``: "dead" or "saturated")
    and the probability map, as the state the browser last sent has them."""
    h = state.history
    history = pd.DataFrame({"step": h.step, "train_loss": h.train_loss, "test_loss": h.test_loss,
                            "train_acc": h.train_acc, "test_acc": h.test_acc, f"{word}_overall": h.dead_overall,
                            **{f"layer_{i + 1}_{word}": h.dead_fraction[:, i] for i in range(h.dead_fraction.shape[1])}})
    neurons = pd.DataFrame([{"layer": layer, "neuron": j, "mean_abs_activation": float(m), word: bool(off)}
                            for layer, a in enumerate(neuron_activity(state, data.X_train), start=1)
                            for j, (m, off) in enumerate(zip(a.mean_abs, a.inactive), start=1)])
    xs, ys, P = decision_grid(state, MAP_RESOLUTION, data.bounds)
    gx, gy = np.meshgrid(xs, ys)
    grid = pd.DataFrame({"x1": gx.ravel(), "x2": gy.ravel(), "p_class_1": P.ravel()})
    return {"history": history, "neurons": neurons, "probability_map": grid}
