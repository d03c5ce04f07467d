"""The choosing page through the real app: the stated-vs-measured table, charts, helper, URL, and
questions that stand before the measurements that answer them."""

from __future__ import annotations

import math
import re

import mpmath as mp
import numpy as np
import pytest

from activations_core import ACTIVATIONS
from tests.app.helpers import answer, figures, open_page, page_text
from tests.helpers import plotly_array
from tests.core.references import REFERENCES, SELU_ALPHA, SELU_LAMBDA
from tests.helpers import plotly_checked
from ui import figures_basics



cost_figure, histogram_figure = map(plotly_checked, (figures_basics.cost_figure, figures_basics.histogram_figure))

PAGE = "choosing"
PARAM_KEYS = ["ch_acts", "ch_hist", "ch_task"]
JUNK = ["", "nan", "inf", "1e309", "abc", "💥", "x" * 5000, "-999", "relu,💥", "softmax"]
N = 100_000
MEASURED_COLUMNS = {"ch_q_mean": ["Mean f(z)"], "ch_q_zeros": ["f(z) = 0"], "ch_q_slope": ["Max |f'|"],
                    "ch_q_speed": ["Time × ReLU", "Cost check"]}


def _table(at):
    return next(df.value for df in at.dataframe if "Range, stated" in df.value.columns)


def _histogram(at) -> dict:
    return next(f for f in figures(at) if f["data"][0].get("orientation") != "h")


def _answer_all(at) -> None:
    for key, option in [("ch_q_mean", "ReLU"), ("ch_q_zeros", "about 50%"), ("ch_q_slope", "ReLU"),
                        ("ch_q_speed", "ReLU")]:
        answer(at, key, option)


def _normal_mean(f) -> float:
    return float(mp.quad(lambda t: f(t) * mp.npdf(t), [-mp.inf, 0, mp.inf]))


def _sample_mean_texts(f, template: str, digits: int) -> list[str]:
    """``template`` filled with every value, to ``digits`` decimals, that the mean of N samples of
    f(Z), Z ~ N(0, 1), can take within 5 standard errors of the exact mean."""
    mean = _normal_mean(f)
    sd = math.sqrt(float(mp.quad(lambda t: f(t) ** 2 * mp.npdf(t), [-mp.inf, 0, mp.inf])) - mean**2)
    step = 10.0**-digits
    return [template.format(round(k * step, digits))
            for k in range(math.floor((mean - 5 * sd / math.sqrt(N)) / step),
                           math.ceil((mean + 5 * sd / math.sqrt(N)) / step) + 1)]


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
    assert not histogram_figure(edges, fractions, "ReLU", "#009E73", None).layout.shapes  # mean not out yet


# --- the page -----------------------------------------------------------------------------------

def test_each_answer_appears_only_after_its_question_is_answered():
    """Predict first: Softplus's mean (mpmath, within the sampling error), ReLU's share of exact
    zeros (one half: every negative input), SELU's largest slope (lambda alpha) and ReLU's time
    relative to itself (1) are nowhere on the page, nor their table columns and the cost chart,
    before their questions are answered; then they are."""
    at = open_page(PAGE)
    half = [0.5 + k * 1e-4 for k in range(-80, 81)]  # 5 binomial standard errors: 0.0079
    relu_mean = _sample_mean_texts(REFERENCES["relu"][0], "mean {:.3f}", 3)  # 1/sqrt(2 pi)
    # question -> (each place that states its answer: the texts it may read, given sampling), option
    answers = {
        "ch_q_mean": ([_sample_mean_texts(REFERENCES["softplus"][0], "Softplus {:.3f}", 3),
                       _sample_mean_texts(REFERENCES["relu"][0], "mean **{:.3f}**", 3)],  # the histogram's
                      "GELU"),
        "ch_q_zeros": ([[f"**{v:.2%}**" for v in half], [f"exactly zero: **{v:.1%}**" for v in half],
                        ["0 to ∞, 50% exact zeros"]],  # the decision helper's ReLU
                       "about 84%"),
        "ch_q_slope": ([[f"SELU {float(SELU_LAMBDA * SELU_ALPHA):.4g}"]], "Sigmoid"),
        "ch_q_speed": ([["ReLU 1.0×"], ["costs 1.0× ReLU"]], "Tanh"),  # ReLU against itself
    }
    assert len(figures(at)) == 1  # the histogram; the cost chart waits for its question
    assert not _histogram(at)["layout"].get("annotations")  # no mean line yet
    for key, (places, option) in answers.items():
        assert not any(t in page_text(at) for texts in places for t in texts), key
        assert not set(MEASURED_COLUMNS[key]) & set(_table(at).columns), key
        answer(at, key, option)
        assert all(any(t in page_text(at) for t in texts) for texts in places), key
        assert set(MEASURED_COLUMNS[key]) <= set(_table(at).columns), key
    assert len(figures(at)) == 2
    assert _histogram(at)["layout"]["annotations"][0]["text"] in relu_mean


def test_with_questions_hidden_for_presenting_everything_shows():
    at = open_page(PAGE, {"present": "1", "hide": "controls,questions"})
    assert set(sum(MEASURED_COLUMNS.values(), [])) <= set(_table(at).columns)
    assert len(figures(at)) == 2 and "exactly zero: **" in page_text(at)


def test_table_puts_measurements_beside_the_stated_properties():
    at = open_page(PAGE)
    assert not at.error and not at.warning and not at.info
    _answer_all(at)
def test_selection_changes_the_table_and_the_cost_chart():
    at = open_page(PAGE)
    answer(at, "ch_q_speed", "GELU")
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
    before = _histogram(at)
    at.selectbox(key="ch_hist").set_value("tanh").run()
    after = _histogram(at)
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
    reveal = next(p for p in feedback.split("\n\n") if p.startswith("Measured time relative to ReLU"))
    times = dict((name, float(t)) for name, t in re.findall(r"([\w /]+?) ([\d.]+)×", reveal.split(": ", 1)[1]))
    assert f"**{max(times, key=times.get).strip()}**" in feedback
