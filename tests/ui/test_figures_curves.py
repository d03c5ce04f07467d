"""The curves explorer's figure builders: traces, data, log view and colours."""

import math

import mpmath as mp
import numpy as np
import pytest

from activations_core import ACTIVATIONS
from tests.helpers import plotly_checked
from ui import figures_curves
from ui.figures_curves import Curve, Point, log_magnitude, series_table
from ui.theme import GREY, activation_style

X = np.linspace(-40, 40, 1001)
overlay_figure = plotly_checked(figures_curves.overlay_figure)


def _curves(names, derivative=False):
    acts = [ACTIVATIONS[n] for n in names]
    return [Curve(a.display_name, (a.derivative if derivative else a)(X), **activation_style(a.name))
            for a in acts]


def test_one_trace_per_curve_and_point_with_the_core_data():
    curves = _curves(["relu", "gelu", "swish"])
    fig = overlay_figure(X, curves, points=[Point("min", -0.75, -0.17, "#8E5374", "star")], vline=1.0)
    assert len(fig.data) == 4
    gelu_trace = fig.data[1]
    assert gelu_trace.name == "GELU"
    # GELU(x) = x Phi(x), checked at a few grid points against mpmath
    for i in (0, 300, 490, 700, 1000):
        assert gelu_trace.y[i] == pytest.approx(float(X[i] * mp.ncdf(X[i])), rel=1e-13, abs=1e-300)
    assert fig.data[3].mode == "markers" and fig.data[3].x[0] == -0.75
    assert len(fig.layout.shapes) == 1 and fig.layout.shapes[0].x0 == 1.0
    assert list(fig.layout.xaxis.range) == [-40.0, 40.0]


def test_probe_outside_the_range_is_not_drawn():
    fig = overlay_figure(X, _curves(["relu"]), vline=99.0, points=[Point("x0", 99.0, 99.0, "#009E73")])
    assert len(fig.layout.shapes) == 0 and len(fig.data) == 1


def test_log_view_draws_the_tail_not_zero():
    """sigma'(30) = e^-30 / (1 + e^-30)^2 ~ 9.36e-14 appears on the log axis; ReLU's zeros leave gaps."""
    fig = overlay_figure(X, _curves(["sigmoid", "relu"], derivative=True), log_floor=1e-30)
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.yaxis.range[0] == -30 and fig.layout.yaxis.range[1] >= 0  # 1e-30 up to past 1
    i = int(np.argmin(np.abs(X - 30)))
    reference = mp.exp(-mp.mpf(X[i])) / (1 + mp.exp(-mp.mpf(X[i]))) ** 2
    assert fig.data[0].y[i] == pytest.approx(float(reference), rel=1e-12)
    assert 9e-14 < fig.data[0].y[i] < 1e-13
    relu_y = fig.data[1].y
    assert np.isnan(relu_y[X < 0]).all() and (relu_y[X > 0] == 1).all()


def test_log_magnitude_takes_absolute_values():
    out = log_magnitude(np.array([-2.0, 0.0, 1e-300]))
    assert out[0] == 2.0 and math.isnan(out[1]) and out[2] == 1e-300


def test_table_has_x_and_one_column_per_curve():
    curves = _curves(["tanh", "elu"])
    table = series_table("x", X, curves, " derivative")
    assert list(table.columns) == ["x", "Tanh derivative", "ELU derivative"]
    assert table["Tanh derivative"].iloc[500] == 0.0  # tanh(0)
    assert len(table) == len(X)


def test_every_activation_overlaid_at_once_stays_tellable_apart():
    """All eleven curves on one chart: no two lines look the same, none is yellow or grey."""
    fig = overlay_figure(X, _curves(list(ACTIVATIONS)))
    looks = [(t.line.color, t.line.dash) for t in fig.data]
    assert len(set(looks)) == len(ACTIVATIONS)
    assert not {color.upper() for color, _ in looks} & {"#F0E442", GREY}
    by_name = {t.name: (t.line.color, t.line.dash) for t in fig.data}
    gelu, approx = by_name["GELU"], by_name[ACTIVATIONS["gelu_tanh"].display_name]
    assert gelu[0] == approx[0] and gelu[1] != approx[1]  # one family, two dashes


def test_points_take_the_colour_they_are_given():
    fig = overlay_figure(X, _curves(["gelu"]), points=[Point("min", -0.75, -0.17, "#8E5374", "star")])
    assert fig.data[1].marker.color == "#8E5374" and fig.data[1].marker.symbol == "star"
