"""The vanishing-gradients page through the real app: widgets, URL, junk links, stated numbers, and
the questions, each before what answers it (checked against a measurement written out again here)."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest

from activations_core import ACTIVATIONS
from tests.app.helpers import answer, figures, open_page, page_text
from tests.helpers import plotly_array
from ui.figures_depth import sci

PAGE = "vanishing_gradients"
PARAM_KEYS = ["vg_act", "vg_init", "vg_scale", "vg_depth", "vg_width", "vg_seed", "vg_compare",
              "vg_hist"] + [
    f"vg_{a.name}_{p.name}" for a in ACTIVATIONS.values() for p in a.params]
# every value is invalid for every parameter (12.5 is above each slider's range and not a whole number)
JUNK = ["", "nan", "inf", "1e309", "-1e309", "abc", "💥", "x" * 5000, "-5", "999999999", "12.5",
        "relu,sigmoid"]
BOUND, GRADIENTS, HISTOGRAMS, SATURATION = "vg_bound", "vg_gradients", "vg_histograms", "vg_saturation"
MEASURED = (GRADIENTS, HISTOGRAMS, SATURATION)
RIGHT = {"vg_q_bound": "about 10⁻⁶", "vg_q_init": "He", "vg_q_zeros": "about 50%", "vg_q_xavier": "Tanh"}


def _trace(fig: dict, name_start: str) -> tuple[np.ndarray, np.ndarray]:
    trace = next(t for t in fig["data"] if t.get("name", "").startswith(name_start))
    return plotly_array(trace["x"]), plotly_array(trace["y"])


def _text(at) -> str:
    return page_text(at)


def _chart(at, name: str) -> dict:
    """The plotly figure the page drew as ``name`` (show_chart keys it chart_<name>)."""
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if c.proto.id.endswith(f"-chart_{name}"))


def _answer_all(at, keys=tuple(RIGHT)) -> None:
    """Commit the right answer to each question in ``keys``: everything they hold back is drawn."""
    for key in keys:
        answer(at, key, RIGHT[key])


def _reference(act: str, init: str, *, depth: int = 20, width: int = 64, seed: int = 0,
               batch: int = 256) -> tuple[float, np.ndarray]:
    """The measurement as the page's notes describe it, written out again with closed-form
    activations: a seeded stream draws the inputs, the read-out, then one standard-normal matrix
    per layer (times the init's std; zero biases); L = (1/B) sum_b r_b . h_L[b] is back-propagated.
    Returns layer 1's gradient norm over the output gradient's, and each layer's share of exact zeros."""
    std = {"he": math.sqrt(2 / width), "xavier": math.sqrt(1 / width), "normal": 1.0}[init]
    f, slope = {"relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
                "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
                "sigmoid": (lambda z: 1 / (1 + np.exp(-z)),
                            lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2)}[act]
    rng = np.random.default_rng(seed)
    h, readout = rng.standard_normal((batch, width)), rng.standard_normal((batch, width))
    weights = [std * rng.standard_normal((width, width)) for _ in range(depth)]
    pre, zeros = [], []
    for w in weights:
        pre.append(h @ w.T)
        h = f(pre[-1])
        zeros.append(np.mean(h == 0))
    upstream = readout / batch
    for w, z in zip(reversed(weights), reversed(pre)):
        delta = upstream * slope(z)
        upstream = delta @ w
    return float(np.linalg.norm(delta) / np.linalg.norm(readout / batch)), np.array(zeros)


def test_each_answer_appears_only_after_its_question_is_answered():
    """Predict first: 0.25^10, the reference networks' measured gradients and ReLU's share of zeros
    are nowhere on the page until their question is answered; then they are, in the reveal and in
    the sentence, metric or chart that answers it."""
    at = open_page(PAGE)
    he, relu_zeros = _reference("relu", "he")
    normal, _ = _reference("relu", "normal")
    tanh, _ = _reference("tanh", "xavier")
    answers = {  # 1/4^10 = 1/1048576 = 9.54e-7; 4^-9 > 10^-6 > 4^-10: below from n = 10 on
        "vg_q_bound": ["9.54×10⁻⁷", "Layers until 0.25ⁿ < 10⁻⁶ 10"],
        "vg_q_init": [f"ReLU + He {sci(he)}", f"He: **{sci(he)}**",
                      f"Plain normal N(0, 1): **{sci(normal)}**"],
        "vg_q_zeros": [f"**{relu_zeros.mean():.1%}**"],
        "vg_q_xavier": [f"Tanh: **{sci(tanh)}**"],
    }
    assert len(figures(at)) == 3  # the measured charts; the slope products' chart waits for its question
    for key, numbers in answers.items():
        for number in numbers:
            assert number not in page_text(at), (key, number)
        answer(at, key, RIGHT[key])
        for number in numbers:
            assert number in page_text(at), (key, number)
    assert len(figures(at)) == 4
    _, zeros = _trace(_chart(at, SATURATION), "ReLU + He: exactly 0")
    np.testing.assert_array_equal(zeros, relu_zeros)


def test_the_charts_gain_what_each_answer_holds_back():
    """Before the theory's question the measured chart has no 0.25ⁿ line; before the initialisation
    question, no reference networks; before the zeros question, none in the saturation chart."""
    at = open_page(PAGE)
    names = lambda chart: [t["name"] for t in _chart(at, chart)["data"]]
    assert names(GRADIENTS) == ["Sigmoid + Xavier"] and len(at.metric) == 1
    answer(at, "vg_q_bound", RIGHT["vg_q_bound"])
    assert names(GRADIENTS)[1].startswith("sigmoid slopes alone ≤ 0.25ⁿ")
    assert "slopes alone multiply to at most 0.25²⁰" in _text(at)
    answer(at, "vg_q_init", RIGHT["vg_q_init"])
    assert "ReLU + He" in names(GRADIENTS) and "ReLU + He: exactly 0" not in names(SATURATION)
    answer(at, "vg_q_zeros", RIGHT["vg_q_zeros"])
    assert "ReLU + He: exactly 0" in names(SATURATION)


def test_default_view_states_the_bound_and_the_measured_gap():
    at = open_page(PAGE)
    _answer_all(at, ["vg_q_bound", "vg_q_init"])
    figs = {name: _chart(at, name) for name in (BOUND, GRADIENTS)}
    assert len(figures(at)) == 4 and not at.error and not at.warning
    # theory: 0.25^n exactly, for n = 1..50, with 1/4^10 = 9.54e-7 stated and n = 10 the first below 1e-6
    n, bound = _trace(figs[BOUND], "Sigmoid")
    assert n.tolist() == list(range(1, 51))
    assert [Fraction(b) for b in bound] == [Fraction(1, 4**k) for k in range(1, 51)]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["0.25¹⁰ (10 sigmoid layers)"] == "9.54×10⁻⁷"
    assert metrics["Layers until 0.25ⁿ < 10⁻⁶"] == str(
        next(k for k in range(1, 60) if Fraction(1, 4**k) < Fraction(1, 10**6)))
    assert metrics["0.25⁵⁰ (50 sigmoid layers)"] == sci(4.0**-50)
    # measurement: sigmoid + Xavier is far below ReLU + He, and the verdict quotes the chart
    layers, sigmoid = _trace(figs[GRADIENTS], "Sigmoid + Xavier")
    _, relu = _trace(figs[GRADIENTS], "ReLU + He")
    _, overlay = _trace(figs[GRADIENTS], "sigmoid slopes alone ≤ 0.25ⁿ")
    assert layers.tolist() == list(range(1, 21))
    np.testing.assert_array_equal(overlay, 0.25 ** (21 - layers))
    assert sigmoid[0] < 1e-6 and 0.1 < relu[0] < 10
    assert f"the gradient at layer 1 is **{sci(sigmoid[0])}** of the output layer's" in _text(at)
    assert metrics["ReLU + He"] == sci(relu[0]) and metrics["Sigmoid + Xavier"] == sci(sigmoid[0])
    assert "**ReLU + He** keeps the gradient closest" in _text(at)


@pytest.mark.parametrize("change", [
    lambda at: at.selectbox(key="vg_act").set_value("tanh"),
    lambda at: at.selectbox(key="vg_init").set_value("he"),
    lambda at: at.select_slider(key="vg_width").set_value("128"),
    lambda at: at.slider(key="vg_depth").set_value(12),
    lambda at: at.number_input(key="vg_seed").set_value(7),
    lambda at: at.button(key="vg_reseed").click(),
], ids=["activation", "init", "width", "depth", "seed", "reseed"])
def test_each_main_widget_changes_the_measured_data(change):
    at = open_page(PAGE)
    _answer_all(at)
    before = [_chart(at, name) for name in MEASURED]
    change(at).run()
    assert not at.exception
    assert [_chart(at, name) for name in MEASURED] != before


def test_scale_slider_only_acts_on_the_plain_normal_init():
    at = open_page(PAGE, {"vg_act": "relu", "vg_compare": "0"})
    assert at.select_slider(key="vg_scale").disabled
    at.selectbox(key="vg_init").set_value("normal").run()
    assert not at.select_slider(key="vg_scale").disabled
    _, at_one = _trace(_chart(at, GRADIENTS), "ReLU + Plain normal (σ = 1)")
    at.select_slider(key="vg_scale").set_value("0.1").run()
    _, at_tenth = _trace(_chart(at, GRADIENTS), "ReLU + Plain normal (σ = 0.1)")
    # width 64: the gradient's power changes by 64 sigma^2 / 2 per layer, 32 vs 0.32
    assert at_one[0] > 1e6 and at_tenth[0] < 1e-3


def test_parameter_slider_follows_the_activation_and_changes_the_data():
    at = open_page(PAGE, {"vg_act": "leaky_relu", "vg_init": "he"})
    answer(at, "vg_q_bound", RIGHT["vg_q_bound"])  # the slopes-alone lines join the chart
    before = _chart(at, GRADIENTS)
    at.slider(key="vg_leaky_relu_alpha").set_value(0.3).run()
    after = _chart(at, GRADIENTS)
    assert after != before
    assert any(t["name"].startswith("Leaky ReLU (α = 0.3) + He") for t in after["data"])
    at.selectbox(key="vg_act").set_value("elu").run()
    assert not any(s.key == "vg_leaky_relu_alpha" for s in at.slider)
    at.slider(key="vg_elu_alpha").set_value(3.0).run()
    _, own = _trace(_chart(at, GRADIENTS), "ELU slopes alone ≤ 3ⁿ")  # max |ELU'| = alpha for alpha > 1
    np.testing.assert_allclose(own, 3.0 ** np.arange(20, 0, -1), rtol=1e-12)
    at.selectbox(key="vg_act").set_value("leaky_relu").run()
    assert at.slider(key="vg_leaky_relu_alpha").value == 0.3  # kept while hidden


def test_histogram_scale_choice_rescales_each_layer():
    """ReLU with N(0, 1) weights at width 128 grows ~8x per layer: on a shared axis every layer but
    the last few sits in the first bin; divided by its std, every layer keeps ReLU's shape."""
    at = open_page(PAGE, {"vg_act": "relu", "vg_init": "normal", "vg_width": "128"})
    shared = plotly_array(_chart(at, HISTOGRAMS)["data"][0]["z"])
    assert "standard deviations range from" in " ".join(c.value for c in at.caption)
    at.radio(key="vg_hist").set_value("scaled").run()
    scaled = plotly_array(_chart(at, HISTOGRAMS)["data"][0]["z"])
    assert at.query_params["vg_hist"] == "scaled"
    assert shared.shape == scaled.shape == (20, 40)
    assert shared[0, 0] == 1.0  # layer 1 entirely in the first bin of the shared axis
    assert np.all(scaled[:, 1:].sum(axis=1) > 0.3)  # divided by its std, the positive half spreads out


def test_compare_toggle_adds_and_removes_the_reference_networks():
    at = open_page(PAGE, {"vg_act": "tanh"})
    _answer_all(at, ["vg_q_bound", "vg_q_init"])
    names = [t["name"] for t in _chart(at, GRADIENTS)["data"]]
    assert "ReLU + He" in names and "Sigmoid + Xavier" in names
    at.toggle(key="vg_compare").set_value(False).run()
    names = [t["name"] for t in _chart(at, GRADIENTS)["data"]]
    assert "ReLU + He" not in names and "Sigmoid + Xavier" not in names
    assert len(at.metric) == 3 + 1


def test_url_round_trip():
    query = {"vg_act": "leaky_relu", "vg_leaky_relu_alpha": "0.2", "vg_init": "normal",
             "vg_scale": "0.5", "vg_depth": "7", "vg_width": "32", "vg_seed": "123", "vg_compare": "0"}
    at = open_page(PAGE, query)
    assert at.selectbox(key="vg_act").value == "leaky_relu"
    assert at.slider(key="vg_leaky_relu_alpha").value == 0.2
    assert at.selectbox(key="vg_init").value == "normal"
    assert at.select_slider(key="vg_scale").value == "0.5"
    assert at.slider(key="vg_depth").value == 7
    assert at.select_slider(key="vg_width").value == "32"
    assert at.number_input(key="vg_seed").value == 123
    assert at.toggle(key="vg_compare").value is False
    assert not at.info
    _, zeros = _trace(_chart(at, SATURATION), "Leaky ReLU (α = 0.2) + Plain normal (σ = 0.5): exactly 0")
    assert not np.any(zeros)  # leaky ReLU is never exactly 0 here
    assert dict(at.query_params) == query
    layers, _ = _trace(_chart(at, GRADIENTS), "Leaky ReLU (α = 0.2) + Plain normal (σ = 0.5)")
    assert layers.tolist() == list(range(1, 8))
    at.slider(key="vg_depth").set_value(33).run()
    at.button(key="vg_reseed").click().run()
    assert at.query_params["vg_depth"] == "33"
    assert at.query_params["vg_seed"] == str(at.number_input(key="vg_seed").value) != "123"


def test_a_shared_link_reproduces_the_same_numbers():
    query = {"vg_act": "relu", "vg_init": "he", "vg_seed": "4242", "vg_width": "16"}
    first, second = open_page(PAGE, query), open_page(PAGE, query)
    assert [_chart(first, n) for n in MEASURED] == [_chart(second, n) for n in MEASURED]


@pytest.mark.parametrize("shift", range(len(JUNK)))
def test_junk_in_every_parameter_falls_back_with_a_notice(shift):
    """Each run gives every parameter a different junk value; over the runs each sees all of them."""
    query = {key: JUNK[(i + shift) % len(JUNK)] for i, key in enumerate(PARAM_KEYS)}
    at = open_page(PAGE, query)
    notice = " ".join(i.value for i in at.info)
    assert all(f"`{key}`" in notice for key in PARAM_KEYS), notice
    assert at.selectbox(key="vg_act").value == "sigmoid"
    assert at.slider(key="vg_depth").value == 20
    assert len(figures(at)) == 3  # the measured charts; the slope products' chart waits for its question


def test_questions_reveal_answers_checked_independently():
    at = open_page(PAGE)
    # 1/4^10 = 1/1048576: its nearest power of ten among 1e-2, 1e-6, 1e-12 is 1e-6
    assert abs(math.log10(4.0**-10) + 6) < 1
    answer(at, "vg_q_bound", "about 10⁻⁶")
    assert "9.5367e-07" in _text(at)
    # mean-field: per ReLU layer the gradient's power scales by width * std^2 / 2, i.e. 1 for He,
    # 1/2 for Xavier (std^2 = 1/width), width/2 = 32 for N(0, 1): only He stays near 1
    answer(at, "vg_q_init", "He")
    # pre-activations are symmetric around 0 under symmetric weights: half are negative
    answer(at, "vg_q_zeros", "about 50%")
    # Xavier: tanh'(0) = 1 keeps the scale; ReLU halves the power per layer (2^-10 over 20
    # layers); sigmoid is capped by 0.25^20 = 9.1e-13
    answer(at, "vg_q_xavier", "Tanh")
    assert len(at.success) == 4 and not at.error, [e.value for e in at.error]


def test_presenter_mode_folds_the_controls_and_can_hide_the_questions():
    at = open_page(PAGE, {"present": "1", "hide": "controls,questions,notes"})
    assert not at.exception
    assert at.slider(key="vg_depth").value == 20  # still there, folded in an expander
    assert not any(r.key and r.key.startswith("vg_q_") for r in at.radio)
    assert "What exactly is measured" not in [h.value for h in at.header]
    # nothing waits for a hidden question: the slope products, the 0.25ⁿ line, the reference networks
    assert len(figures(at)) == 4 and len(at.metric) == 3 + 2
    names = [t["name"] for t in _chart(at, GRADIENTS)["data"]]
    assert "ReLU + He" in names and any(n.startswith("sigmoid slopes alone ≤ 0.25ⁿ") for n in names)
    assert "9.54×10⁻⁷" in page_text(at)


def test_in_presenter_mode_the_teacher_reveals_without_choosing():
    at = open_page(PAGE, {"present": "1"})
    assert len(figures(at)) == 3
    at.button(key="vg_q_bound_reveal").click().run()
    assert at.info[0].value.startswith("The answer: **about 10⁻⁶**")
    assert len(figures(at)) == 4 and "9.54×10⁻⁷" in page_text(at)


def test_depth_one_and_the_widest_net_render():
    at = open_page(PAGE, {"vg_depth": "1", "vg_act": "relu", "vg_init": "he"})
    layers, ratio = _trace(_chart(at, GRADIENTS), "ReLU + He")
    assert layers.tolist() == [1] and 0 < ratio[0] <= 1  # one ReLU factor, 0 or 1 per unit
    at.select_slider(key="vg_width").set_value("256").run()
    at.slider(key="vg_depth").set_value(50).run()
    assert not at.exception and len(figures(at)) == 3


# ---------------------------------------------------------------- figure builders, directly


def test_figure_builders_carry_the_core_arrays():
    from activations_core import depth as dp
    from tests.helpers import plotly_checked
    from ui import figures_depth
    from ui.figures_curves import Curve
    from ui.figures_curves import series_table
    from ui.figures_depth import Mark, colour_cap, histogram_table

    bound_figure, fraction_figure, gradient_figure, histogram_heatmap = map(plotly_checked, (
        figures_depth.bound_figure, figures_depth.fraction_figure, figures_depth.gradient_figure,
        figures_depth.histogram_heatmap))

    run = dp.measure(ACTIVATIONS["relu"], depth=6, width=16, init="he", seed=2)
    lines = [Curve("ReLU + He", run.grad_ratio, "#009E73"),
             Curve("bound", dp.sigmoid_bound(run.layers_passed), "#999999", "dot")]
    fig = gradient_figure(run.layers, lines)
    assert len(fig.data) == 2 and fig.layout.yaxis.type == "log"
    np.testing.assert_array_equal(fig.data[0].y, run.grad_ratio)
    assert fig.data[0].line.color == "#009E73" and fig.data[0].line.dash == "solid"
    assert fig.data[1].line.color == "#999999" and fig.data[1].line.dash == "dot"
    zeros = gradient_figure(np.arange(1, 4), [Curve("dead", np.array([0.0, 1e-300, np.inf]), "#0072B2")])
    assert np.isnan(zeros.data[0].y[0]) and zeros.data[0].y[1] == 1e-300 and np.isnan(zeros.data[0].y[2])

    n = dp.layer_counts()
    fig = bound_figure(n, [Curve("Sigmoid", dp.sigmoid_bound(n), "#0072B2")], [Mark("n = 10", 10, 4.0**-10)])
    assert len(fig.data) == 2 and list(fig.data[1].x) == [10] and fig.data[1].y[0] == 4.0**-10

    heat = histogram_heatmap(run.hist_edges, run.layers, run.hist_fraction)
    np.testing.assert_array_equal(heat.data[0].z, run.hist_fraction)
    np.testing.assert_allclose(heat.data[0].x, (run.hist_edges[:-1] + run.hist_edges[1:]) / 2)
    table = histogram_table(run.hist_edges, run.layers, run.hist_fraction)
    assert len(table) == 6 * dp.HISTOGRAM_BINS
    np.testing.assert_allclose(table.groupby("layer")["share"].sum(), 1.0)
    assert table["share"].iloc[dp.HISTOGRAM_BINS] == run.hist_fraction[1, 0]  # layer 2, first bin

    # the colour cap: the 95% quantile of the non-empty cells, so one huge cell does not darken the rest
    cells = np.array([[0.0, 0.9, 0.05, 0.05], [0.0, 0.0, 0.5, 0.5]])
    assert colour_cap(cells) == pytest.approx(np.quantile([0.9, 0.05, 0.05, 0.5, 0.5], 0.95))
    assert colour_cap(np.zeros((2, 2))) == 1.0
    frac = fraction_figure(run.layers, [Curve("zero", run.zero_fraction, "#009E73")])
    assert frac.layout.yaxis.tickformat == ".0%"
    data = series_table("layer", run.layers, lines)
    assert list(data.columns) == ["layer", "ReLU + He", "bound"] and len(data) == 6


@pytest.mark.parametrize("value, text", [
    (4.0**-10, "9.54×10⁻⁷"), (1e-6, "10⁻⁶"), (0.25, "0.25"), (1 / math.sqrt(2), "0.707"),
    (0.0, "0"), (12345.6, "1.23×10⁴"), (9999.7, "10⁴"), (5e-324, "4.94×10⁻³²⁴"),
    (-3e-9, "-3×10⁻⁹"), (float("inf"), "∞"), (float("nan"), "not a number"),
])
def test_numbers_are_written_for_people(value, text):
    assert sci(value) == text


@pytest.mark.parametrize("act", ["swish", "mish", "gelu_tanh"])
def test_every_line_is_distinct_and_legible(act):
    """Issue #6: Swish (sigmoid's family), Mish (tanh's) and GELU's tanh approximation (once
    yellow) beside the sigmoid, tanh and ReLU lines: no two share colour and dash, and only the
    bounds are grey."""
    at = open_page(PAGE, {"vg_act": act, "vg_depth": "6", "vg_width": "8"})
    _answer_all(at, ["vg_q_bound", "vg_q_init", "vg_q_zeros"])
    bound, gradients, saturation = (_chart(at, name) for name in (BOUND, GRADIENTS, SATURATION))
    for fig in (bound, gradients, saturation):
        lines = [t for t in fig["data"] if t.get("mode", "").startswith("lines")]
        looks = [(t["line"]["color"].upper(), t["line"].get("dash", "solid")) for t in lines]
        assert len(set(looks)) == len(looks) >= 3, looks
        for trace, (colour, _) in zip(lines, looks):
            assert colour != "#F0E442"
            assert (colour == "#999999") == ("slopes alone" in trace["name"]), trace["name"]


def test_the_biggest_network_says_it_measures_fewer_inputs():
    at = open_page("vanishing_gradients", {"vg_depth": "50", "vg_width": "256"})
    assert not at.exception
    assert any("fewer than 256" in c.value for c in at.caption)
