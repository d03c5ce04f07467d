"""JSON export: a run as JSON-ready data (to_json_dict) and back (from_json_dict), and what the
browser's trainer (ui/lab/trainer.js) starts from (browser_spec).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..checks import check_int
from ..datasets import Dataset
from ..functions import Activation
from .config import NetConfig, saturation_window
from .model import ARRAY_FIELDS, METRICS, History, NetState, check_data, init_network

__all__ = [
    "browser_spec",
    "from_json_dict",
    "to_json_dict",
]


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
        **{name: [_json_numbers(a) for a in getattr(state, name)] for name in ARRAY_FIELDS},
        "history": {
            "every": history.every,
            "step": history.step.tolist(),
            **{name: _json_numbers(getattr(history, name)) for name in METRICS},
            "dead_fraction": _json_numbers(history.dead_fraction),
            "dead_overall": _json_numbers(history.dead_overall),
        },
    }


def browser_spec(state: NetState, data: Dataset) -> dict:
    """What the browser's trainer (ui/lab/trainer.js) starts from: the run, its data, its rule for "inactive".

    {"state": to_json_dict(state), "data": the train and test points and labels as lists,
    "saturation": [centre, reach] of a saturating activation (saturation_window), or None}. JSON carries
    every float64 exactly, so the browser continues from the very numbers Python has.
    """
    check_data(data)
    window = saturation_window(state.config.activation)
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
            **{name: _array(h[name]) for name in METRICS},
            dead_fraction=_array(h["dead_fraction"]).reshape(-1, width),
            dead_overall=_array(h["dead_overall"]),
        )
        arrays = {
            name: tuple(
                _array(a).reshape(ref.shape) for a, ref in zip(data[name], getattr(state, name), strict=True)
            )
            for name in ARRAY_FIELDS
        }
        step = check_int("step", data["step"], 0, config.max_steps)
        return dataclasses.replace(
            state, step=step, history=history, diverged=bool(data["diverged"]), **arrays
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"not an exported network: {error}") from None
