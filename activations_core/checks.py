"""Argument checks shared by the core: every public function refuses a bad value with a
ValueError that names the argument and says what it must be (the pages show these words)."""

from __future__ import annotations

import math
import numbers

# Seeds the core accepts: the widest range numpy's generators and the browser's 32-bit hash
# (network.epoch_order) take alike.
MAX_SEED = 2**32 - 1


def check_int(name: str, value, low: int, high: int) -> int:
    """``value`` as an int; ValueError unless it is an integer (numpy's too, not a bool or a
    float) in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must lie between {low} and {high}, got {value}")
    return int(value)


def check_float(name: str, value, low: float, high: float) -> float:
    """``value`` as a float; ValueError unless it is a finite number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must lie between {low:g} and {high:g}, got {value:g}")
    return float(value)
