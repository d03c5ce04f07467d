"""Helpers shared by test modules (pytest's conftest files hold fixtures only)."""

from __future__ import annotations

import base64
from typing import Callable

import numpy as np
import plotly.graph_objects as go


def plotly_checked(builder: Callable[..., dict]) -> Callable[..., go.Figure]:
    """A figure builder whose plain spec comes back as a plotly Figure: plotly validates every
    property on the way (what Streamlit does before it sends the chart), and tests read traces and
    layout as attributes."""
    return lambda *args, **kwargs: go.Figure(builder(*args, **kwargs))


def plotly_array(value) -> np.ndarray:
    """A plotly JSON array (a list, None for gaps, or a typed {dtype, bdata[, shape]} block) as
    numpy."""
    if isinstance(value, dict):
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        if "shape" in value:
            array = array.reshape([int(k) for k in str(value["shape"]).split(",")])
        return array
    return np.array([np.nan if v is None else v for v in value], dtype=float)
