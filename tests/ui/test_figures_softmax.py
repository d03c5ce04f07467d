"""The softmax page's figure builders: traces, data from the core, colours, axes and tables."""

import math

import mpmath as mp
import numpy as np
import pytest

from activations_core import softmax, softmax_jacobian
from activations_core.logits import compare_formulas, temperature_sweep
from tests.helpers import plotly_checked
from ui import figures_softmax
from ui.figures_softmax import (
    bars_table, jacobian_table, number_text, probability_label, stability_tables, sweep_table,
)
from ui.theme import DIVERGING, GREY, OKABE_ITO

mp.mp.dps = 50
NAMES = ["cat", "dog", "fox"]
Z = np.array([2.0, 1.0, 0.1])



probability_bars, sweep_figure, jacobian_heatmap = map(plotly_checked, (
    figures_softmax.probability_bars, figures_softmax.sweep_figure, figures_softmax.jacobian_heatmap))


def test_bars_show_the_probabilities_in_class_colours_with_a_uniform_line():
    p = softmax(Z)
    fig = probability_bars(NAMES, p)
    bar = fig.data[0]
    assert list(bar.x) == NAMES and np.array_equal(bar.y, p)
    assert list(bar.marker.color) == list(OKABE_ITO[:3])
    assert list(bar.text) == ["0.659", "0.242", "0.099"]  # softmax(2, 1, 0.1), the textbook figures
    assert fig.layout.shapes[0].y0 == pytest.approx(1 / 3) and fig.layout.shapes[0].line.dash == "dash"
    assert fig.data[1].name == "uniform 1/3"  # named in the legend, not written over the bars


@pytest.mark.parametrize("p, label", [(0.65900114, "0.659"), (1e-3, "0.001"), (3.7e-44, "3.7e-44"),
                                      (0.0, "0")])
def test_probability_labels(p, label):
    assert probability_label(p) == label


def test_sweep_has_one_line_per_class_on_a_log_axis_and_marks_the_current_t():
    sweep = temperature_sweep(Z)
    p_now = softmax(Z, 0.5)
    fig = sweep_figure(sweep.temperatures, sweep.probabilities, NAMES, 0.5, p_now)
    lines = [t for t in fig.data if t.mode == "lines" and t.name in NAMES]
    assert [t.name for t in lines] == NAMES
    assert [t.line.color for t in lines] == list(OKABE_ITO[:3])
    for i, line in enumerate(lines):
        assert np.array_equal(line.x, sweep.temperatures)
        assert np.array_equal(line.y, sweep.probabilities[:, i])
    k = 123  # one column checked against 50-digit softmax
    t = mp.mpf(float(sweep.temperatures[k]))
    w = [mp.exp((mp.mpf(v) - 2) / t) for v in Z]
    assert lines[2].y[k] == pytest.approx(float(w[2] / mp.fsum(w)), rel=1e-13)
    marks = next(t for t in fig.data if t.mode == "markers")
    assert list(marks.x) == [0.5] * 3 and np.array_equal(marks.y, p_now)
    assert fig.layout.xaxis.type == "log"
    assert list(fig.layout.xaxis.range) == pytest.approx([-2, 2])
    vline = next(s for s in fig.layout.shapes if s.x0 == 0.5)
    assert vline.line.dash == "dot" and vline.line.color == GREY
    assert any(t.name == "now: T = 0.5" for t in fig.data)


def test_classes_beyond_the_palette_change_dash_when_colours_repeat():
    z = np.linspace(1, -1, 10)
    sweep = temperature_sweep(z)
    names = [f"c{i}" for i in range(10)]
    fig = sweep_figure(sweep.temperatures, sweep.probabilities, names, 1.0, softmax(z))
    lines = [next(t for t in fig.data if t.name == n) for n in names]
    styles = [(t.line.color, t.line.dash) for t in lines]
    assert len(set(styles)) == 10  # no two classes look alike
    assert len({c for c, _ in styles}) < 10  # although colours repeat


def test_jacobian_heatmap_uses_the_diverging_palette_on_a_symmetric_range():
    p = softmax(Z)
    jac = softmax_jacobian(p)
    heat = jacobian_heatmap(jac, NAMES).data[0]
    assert np.array_equal(heat.z, jac) and list(heat.x) == NAMES and list(heat.y) == NAMES
    assert heat.zmin == -heat.zmax and heat.zmax == pytest.approx(float(p[0] * (1 - p[0])))  # largest entry
    assert [tuple(c) for c in heat.colorscale] == [tuple(c) for c in DIVERGING]
    assert heat.zmid == 0


def test_an_all_zero_jacobian_still_has_a_valid_colour_range():
    heat = jacobian_heatmap(np.zeros((2, 2)), ["a", "b"]).data[0]
    assert heat.zmax > 0 and heat.zmin == -heat.zmax


def test_tables_hold_the_plotted_numbers():
    p = softmax(Z)
    bars = bars_table(NAMES, Z, p)
    assert list(bars.columns) == ["class", "logit", "probability"] and np.array_equal(bars["probability"], p)
    sweep = temperature_sweep(Z)
    table = sweep_table(sweep.temperatures, sweep.probabilities, NAMES)
    assert list(table.columns) == ["T", "p(cat)", "p(dog)", "p(fox)"] and len(table) == 801
    jac = jacobian_table(softmax_jacobian(p), NAMES)
    assert list(jac["dp of"]) == NAMES and jac.shape == (3, 4)


def test_stability_tables_spell_out_inf_and_nan():
    comp = compare_formulas(np.array([1000.0, 1001.0, 1002.0]), 1.0)
    naive, stable = stability_tables(NAMES, comp.scaled, comp.naive_exponentials, comp.naive_probabilities,
                                     comp.shifted, comp.shifted_exponentials, comp.stable_probabilities)
    assert list(naive["e^(z/T)"]) == ["inf"] * 3 and list(naive["p"]) == ["NaN"] * 3
    assert list(stable["(z - max)/T"]) == ["-2", "-1", "0"]
    assert list(stable["e^((z - max)/T)"]) == [f"{math.exp(-2):.6g}", f"{math.exp(-1):.6g}", "1"]
    assert [number_text(v) for v in (-math.inf, 0.5)] == ["-inf", "0.5"]
