"""What a chart sends to the browser is what plotly itself would send for the same figure."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
import pytest

from tests.helpers import plotly_array
from ui.chart import WireFigure


def _sent(figure) -> dict:
    """The JSON st.plotly_chart makes of ``figure`` (Streamlit 1.67's two calls)."""
    return json.loads(pio.to_json(plotly.tools.return_figure_from_figure_or_data(figure, True),
                                  validate=False))


def _numbers(value):
    """``value`` with every array, typed or listed, as a list of floats ("gap" for NaN or None,
    which plotly.js draws alike)."""
    if isinstance(value, dict) and "bdata" in value:
        return _numbers(plotly_array(value).astype(float).tolist())
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "gap"
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    return value


x = np.linspace(-6.0, 6.0, 1001)
SPECS = {
    "lines with a gap and infinities": {
        "data": [{"type": "scatter", "x": x, "y": np.where(x > 1, np.inf, np.tanh(x)), "mode": "lines",
                  "name": "tanh", "line": {"color": "#0072B2", "dash": "dash"}},
                 {"type": "scatter", "x": x, "y": 1 / np.where(np.abs(x) < 1, np.nan, x), "name": "1/x"}],
        "layout": {"height": 420, "xaxis": {"title": {"text": "x"}, "range": np.array([-6.0, 6.0])},
                   "shapes": [{"type": "line", "x0": 0, "x1": 0, "y0": 0, "y1": 1, "yref": "y domain"}]},
    },
    "integers of every width, booleans, float32": {
        "data": [{"type": "bar", "x": np.arange(5), "y": np.array([1, 2**40, 3, 4, 5]),
                  "customdata": np.array([True, False, True, False, True])},
                 {"type": "bar", "x": np.arange(300, 305), "y": np.arange(5, dtype=np.uint64)},
                 {"type": "bar", "x": np.arange(70_000, 70_005), "y": np.float32([0.1, 0.2, 0.3, 0.4, 0.5])},
                 {"type": "bar", "x": np.array([-1, 2**63 - 1]), "y": np.array([1.5, 2.5])}],
        "layout": {},
    },
    "a heatmap (2-D), pandas columns of text and numbers, an empty series": {
        "data": [{"type": "heatmap", "z": np.arange(12.0).reshape(3, 4) ** 0.5,
                  "x": pd.Series(["a", "b", "c", "d"]), "y": pd.Index([1.5, 2.5, 3.5])},
                 {"type": "scatter", "x": np.array([], dtype=float), "y": [], "text": ("p", "q")},
                 {"type": "scatter", "x": pd.Series([1.0, 2.0]), "y": np.float64(3.0) * np.ones(2),
                  "marker": {"size": np.int64(9)}}],
        "layout": {"template": {"data": {}, "layout": {}}, "hovermode": "x unified"},
    },
}


@pytest.mark.parametrize("name", SPECS)
def test_the_browser_gets_the_numbers_plotly_would_send(name):
    spec = SPECS[name]
    expected = _sent(go.Figure(spec))   # plotly validates and converts, as for any graph object
    sent = _sent(WireFigure(spec))
    expected["layout"].pop("template", None)  # go.Figure adds plotly's default template where
    sent["layout"].pop("template", None)      # none is set; the app's specs always set one
    assert _numbers(sent) == _numbers(expected)
    # and in plotly's compact typed form wherever plotly uses it
    for got, want in zip(sent["data"], expected["data"]):
        assert {k for k, v in got.items() if isinstance(v, dict) and "bdata" in v} == \
               {k for k, v in want.items() if isinstance(v, dict) and "bdata" in v}


def test_the_builders_spec_is_left_as_it_was():
    y = np.tanh(x)
    spec = {"data": [{"type": "scatter", "x": x, "y": y}], "layout": {"height": 300}}
    WireFigure(spec)
    assert spec["data"][0]["y"] is y and spec["layout"] == {"height": 300}
