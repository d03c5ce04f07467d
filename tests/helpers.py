"""Helpers shared by test modules (pytest's conftest files hold fixtures only)."""

from __future__ import annotations

from typing import Callable

import plotly.graph_objects as go


def plotly_checked(builder: Callable[..., dict]) -> Callable[..., go.Figure]:
    """A figure builder whose plain spec comes back as a plotly Figure: plotly validates every
    property on the way (what Streamlit does before it sends the chart), and tests read traces and
    layout as attributes."""
    return lambda *args, **kwargs: go.Figure(builder(*args, **kwargs))
