"""The choosing page through the real app: the stated-vs-measured table, charts, helper, URL, questions."""

from __future__ import annotations

import math
import re

import mpmath as mp
import numpy as np
import pytest

from activations_core import ACTIVATIONS
from tests.app.conftest import answer, figures, open_page, plotly_array
from tests.core.conftest import REFERENCES, SELU_ALPHA, SELU_LAMBDA
from ui.figures_basics import cost_figure, histogram_figure

PAGE = "choosing"
PARAM_KEYS = ["ch_acts", "ch_hist", "ch_task"]
JUNK = ["", "nan", "inf", "1e309", "abc", "💥", "x" * 5000, "-999", "relu,💥", "softmax"]
N = 100_000



def _table(at):
    return next(df.value for df in at.dataframe if "Mean f(z)" in df.value.columns)


def _normal_mean(f) -> float:
    return float(mp.quad(lambda t: f(t) * mp.npdf(t), [-mp.inf, 0, mp.inf]))


# --- figure builders, directly ------------------------------------------------------------------

def test_cost_figure_draws_one_bar_per_activation_over_three_bands():
    fig = cost_figure(["ReLU", "GELU"], [1.0, 40.0], ["#009E73", "#8E5374"],
                      [("cheap", 0, 3), ("moderate", 3, 20), ("expensive", 20, math.inf)])
    assert list(fig.data[0].y) == ["ReLU", "GELU"]
    assert list(fig.data[0].marker.color) == ["#009E73", "#8E5374"]
    np.testing.assert_array_equal(fig.data[0].x, [1.0, 40.0])
    assert [s.x0 for s in fig.layout.shapes] == [0.3, 3, 20]
    assert [a.text for a in fig.layout.annotations] == ["cheap", "moderate", "expensive"]
    assert fig.layout.xaxis.type == "log"


def test_histogram_figure_bars_sit_at_bin_centres():
    edges, fractions = np.array([0.0, 1.0, 2.0]), np.array([0.75, 0.25])
    fig = histogram_figure(edges, fractions, "ReLU", "#009E73", 0.4)
    assert fig.data[0].marker.color == "#009E73"
    np.testing.assert_array_equal(fig.data[0].x, [0.5, 1.5])
    np.testing.assert_array_equal(fig.data[0].y, fractions)
    assert fig.layout.shapes[0].x0 == 0.4


# --- the page -----------------------------------------------------------------------------------

def test_table_puts_measurements_beside_the_stated_properties():
    at = open_page(PAGE)
    assert not at.error and not at.warning and not at.info
    table = _table(at).set_index("Activation")
    assert len(table) == len(ACTIVATIONS)
    relu, tanh, sigmoid = table.loc["ReLU"], table.loc["Tanh"], table.loc["Sigmoid"]
    assert abs(relu["Mean f(z)"] - 1 / math.sqrt(2 * math.pi)) < 5 * math.sqrt(0.34 / N)
    assert abs(relu["f(z) = 0"] - 0.5) < 5 * math.sqrt(0.25 / N)
    assert abs(tanh["Mean f(z)"]) < 5 * 0.63 / math.sqrt(N)
    assert (relu["Range, observed"], relu["Can die, stated"]) == ("0 to ∞", "yes")
    assert (sigmoid["Range, observed"], sigmoid["Max |f'|"]) == ("0 to 1", 0.25)
    assert table.loc["SELU", "Max |f'|"] == pytest.approx(float(SELU_LAMBDA * SELU_ALPHA), rel=1e-12)
    assert set(table["Range check"]) == {"✓ agrees"}
    assert table.loc["ReLU", "Time × ReLU"] == 1.0
    assert all(re.match(r"[✓≈✗] \w+ \(measured (cheap|moderate|expensive)\)", c) for c in table["Cost check"])
    cost = figures(at)[0]["data"][0]
    assert len(cost["y"]) == len(ACTIVATIONS)


def test_selection_changes_the_table_and_the_cost_chart():
    at = open_page(PAGE)
    at.multiselect(key="ch_acts").set_value(["relu", "gelu"]).run()
    assert list(_table(at)["Activation"]) == ["ReLU", "GELU"]
    assert list(figures(at)[0]["data"][0]["y"]) == ["ReLU", "GELU"]
    assert at.query_params["ch_acts"] == "relu,gelu"


def test_an_empty_selection_warns_and_keeps_the_last_one():
    at = open_page(PAGE, {"ch_acts": "tanh,elu"})
    at.multiselect(key="ch_acts").set_value([]).run()
    assert not at.exception and at.warning
    assert list(_table(at)["Activation"]) == ["Tanh", "ELU"]


def test_histogram_select_changes_the_histogram():
    at = open_page(PAGE)
    before = figures(at)[1]
    at.selectbox(key="ch_hist").set_value("tanh").run()
    after = figures(at)[1]
    assert after != before
    centres = plotly_array(after["data"][0]["x"])
    assert -1 < centres.min() < -0.9 and 0.9 < centres.max() < 1  # tanh's outputs fill (-1, 1)
    assert plotly_array(after["data"][0]["y"]).sum() == pytest.approx(1.0)


def test_decision_helper_recommends_from_the_registry():
    at = open_page(PAGE)
    text = lambda: "\n".join(m.value for m in at.markdown)  # noqa: E731
    assert ACTIVATIONS["relu"].properties.use in text()
    at.selectbox(key="ch_task").set_value("transformer").run()
    assert ACTIVATIONS["gelu"].properties.use in text() and ACTIVATIONS["swish"].properties.use in text()
    at.selectbox(key="ch_task").set_value("multiclass").run()
    z = np.array([2.0, 1.0, 0.1])
    p = np.exp(z) / np.exp(z).sum()
    assert ", ".join(f"{v:.3f}" for v in p) in text()
    at.selectbox(key="ch_task").set_value("binary").run()
    assert ACTIVATIONS["sigmoid"].properties.use in text()
    at.selectbox(key="ch_task").set_value("regression").run()
    assert "No activation (identity)" in text() and "0 to 1" in text()
    assert at.query_params["ch_task"] == "regression"


def test_url_round_trip():
    at = open_page(PAGE, {"ch_acts": "relu,tanh,mish", "ch_hist": "elu", "ch_task": "dying"})
    assert not at.info
    assert at.multiselect(key="ch_acts").value == ["relu", "tanh", "mish"]
    assert at.selectbox(key="ch_hist").value == "elu"
    assert at.selectbox(key="ch_task").value == "dying"
    at.selectbox(key="ch_hist").set_value("gelu").run()
    assert at.query_params["ch_hist"] == "gelu"


@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_every_parameter_falls_back_with_a_notice(junk):
    at = open_page(PAGE, {key: junk for key in PARAM_KEYS})
    assert not at.exception
    assert at.info, junk
    assert at.selectbox(key="ch_hist").value == "relu"
    assert at.selectbox(key="ch_task").value == "hidden"


def test_questions_reveal_the_computed_answers():
    at = open_page(PAGE)
    means = {n: _normal_mean(REFERENCES[n][0]) for n in ("relu", "softplus", "gelu", "elu")}
    largest = max(means, key=means.get)  # softplus, about 0.806
    assert "Right" in answer(at, "ch_q_mean", ACTIVATIONS[largest].display_name)
    assert "Right" in answer(at, "ch_q_zeros", "about 50%")
    slopes = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0, "selu": float(SELU_LAMBDA * SELU_ALPHA)}
    steepest = max(slopes, key=slopes.get)
    assert "Right" in answer(at, "ch_q_slope", ACTIVATIONS[steepest].display_name)
    # the slowest: whatever this machine measured, the marked answer is the largest time shown
    feedback = answer(at, "ch_q_speed", "ReLU")
    reveal = next(m.value for m in at.markdown if m.value.startswith("Measured time relative to ReLU"))
    times = dict((name, float(t)) for name, t in re.findall(r"([\w /]+?) ([\d.]+)×", reveal.split(": ", 1)[1]))
    assert f"**{max(times, key=times.get).strip()}**" in feedback
