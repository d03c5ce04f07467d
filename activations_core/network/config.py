"""What defines a training run, except the seed and the data: NetConfig with its limits and checks,
and each activation's rule for an inactive neuron (dead or saturated, see the package docstring).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..checks import check_float, check_int
from ..depth import INITS, SATURATION_MARGIN
from ..functions import Activation, lookup

__all__ = [
    "MAX_ABS_BIAS_INIT",
    "MAX_BATCH_SIZE",
    "MAX_INIT_SCALE",
    "MAX_LAYERS",
    "MAX_LEARNING_RATE",
    "MAX_MOMENTUM",
    "MAX_TOTAL_STEPS",
    "MAX_WIDTH",
    "MIN_LAYERS",
    "MIN_LEARNING_RATE",
    "MIN_WIDTH",
    "NetConfig",
    "dead_criterion",
    "resolve_activation",
    "saturation_window",
]

MIN_LAYERS, MAX_LAYERS = 1, 4
MIN_WIDTH, MAX_WIDTH = 2, 64
MIN_LEARNING_RATE, MAX_LEARNING_RATE = 1e-4, 10.0
MAX_MOMENTUM = 0.99
MAX_INIT_SCALE = 10.0
MAX_ABS_BIAS_INIT = 10.0
MAX_TOTAL_STEPS = 50_000
MAX_BATCH_SIZE = 5_000


resolve_activation = lookup  # the registry's one lookup: a name or an Activation


def _check_activation_params(act: Activation, params) -> tuple[tuple[str, float], ...]:
    """Parameters as sorted (name, value) pairs, checked by evaluating f and f' once."""
    try:
        items = dict(params)
    except (TypeError, ValueError):
        raise ValueError(f"activation_params must map parameter names to numbers, got {params!r}") from None
    full = act.resolve(items)  # the registry's one validator: known names, finite values
    values = {k: full[k] for k in items}
    probe = np.array([-1.0, 0.0, 1.0])
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
        act = resolve_activation(self.activation)
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
        return resolve_activation(self.activation)

    @property
    def activation_name(self) -> str:
        """The activation's registry name (or a custom activation's name)."""
        return self.activation_fn.name

    def resolved_params(self) -> dict[str, float]:
        """The activation's defaults overridden by activation_params."""
        return {**self.activation_fn.defaults(), **dict(self.activation_params)}


def dead_criterion(activation) -> str:
    """"saturated" for a saturating activation with a finite output range (sigmoid, tanh), else "dead"."""
    props = resolve_activation(activation).properties
    if props is not None and props.saturates and all(map(math.isfinite, props.output_range)):
        return "saturated"
    return "dead"


def saturation_window(activation) -> tuple[float, float] | None:
    """(centre, reach) of a saturating activation's output range, else None: an output is saturated
    when |a - centre| > reach, i.e. within SATURATION_MARGIN of the range's width of either end."""
    if dead_criterion(activation) != "saturated":
        return None
    lo, hi = resolve_activation(activation).properties.output_range
    return 0.5 * (lo + hi), 0.5 * (hi - lo) - SATURATION_MARGIN * (hi - lo)
