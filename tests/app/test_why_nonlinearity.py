"""The landing page through the real app: bent curves, kinks, collapse, URL state, junk links, and
questions that stand before what answers them."""

from __future__ import annotations


import numpy as np
import pytest

from activations_core import ACTIVATIONS
from activations_core import nonlinearity as nl
from tests.app.helpers import answer, figures, open_page, page_text
from tests.helpers import plotly_array
from tests.core.references import exact_kinks
from tests.helpers import plotly_checked
from ui import figures_basics
from ui.figures_basics import matrix_latex



by_depth_figure, network_with_activation_figure, network_without_activation_figure = map(plotly_checked, (
    figures_basics.by_depth_figure, figures_basics.network_with_activation_figure,
    figures_basics.network_without_activation_figure))

PAGE = "why_nonlinearity"
PARAM_KEYS = ["nl_layers", "nl_act", "nl_size", "nl_seed"] + [
    f"nl_{a.name}_{p.name}" for a in ACTIVATIONS.values() for p in a.params]
JUNK = ["", "nan", "inf", "1e309", "-1e309", "abc", "💥", "x" * 5000, "-999", "1e6", "2.5", "relu,💥"]
RELU = ACTIVATIONS["relu"]


def _trace(fig: dict, name_start: str) -> tuple[np.ndarray, np.ndarray]:
    trace = next(t for t in fig["data"] if t.get("name", "").startswith(name_start))
    return plotly_array(trace["x"]), plotly_array(trace["y"])


def _metric(at, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def _reference_net(depth: int, seed: int, width: int = 8) -> list[np.ndarray]:
    """The page's network rebuilt from its documented recipe: He weights, N(0, 0.1^2) biases."""
    rng = np.random.default_rng(seed)
    widths = [1] + [width] * depth + [1]
    layers = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        layers.append((rng.normal(0, np.sqrt(2 / fan_in), (fan_out, fan_in)), rng.normal(0, 0.1, fan_out)))
    return layers


def _reference_curve(layers, x, activation=None) -> np.ndarray:
    h = x[:, None]
    for i, (w, b) in enumerate(layers):
        h = h @ w.T + b
        if activation is not None and i < len(layers) - 1:
            h = activation(h)
    return h[:, 0]


# --- figure builders, directly ------------------------------------------------------------------

def test_network_figures_draw_the_activated_curve_and_the_linear_pair_apart():
    x = np.linspace(-3, 3, 11)
    activated = network_with_activation_figure(x, np.abs(x), "ReLU", "#009E73")
    assert [t.name for t in activated.data] == ["With ReLU"] and activated.layout.showlegend
    assert activated.data[0].line.color == "#009E73"
    np.testing.assert_array_equal(activated.data[0].y, np.abs(x))
    linear = network_without_activation_figure(x, 2 * x, 2 * x + 1e-16, "#009E73")
    assert [t.name for t in linear.data] == ["No activation (layers one by one)", "One collapsed layer W x + b"]
    assert linear.data[1].line.color != "#009E73"
    blue = network_without_activation_figure(x, x, x, "#0072B2")
    assert blue.data[1].line.color != "#0072B2"  # the collapsed line moves aside from a blue activation


def test_depth_figure_outlines_the_current_depth():
    fig = by_depth_figure([1, 2, 3], [8, 15, 22], 2, "#009E73", "kinks")
    bar = fig.data[0]
    np.testing.assert_array_equal(bar.y, [8, 15, 22])
    assert list(bar.marker.line.width) == [0, 3, 0]


def test_matrix_latex_rounds_and_drops_negative_zero():
    assert matrix_latex(np.array([[1.234, -0.001], [2, 3]])) == \
        r"\begin{bmatrix}1.23 & 0.00 \\ 2.00 & 3.00\end{bmatrix}"
    assert matrix_latex(np.array([1.0, -2.0])) == r"\begin{bmatrix}1.00 \\ -2.00\end{bmatrix}"


# --- the page -----------------------------------------------------------------------------------

def _answer_all(at) -> None:
    for key, option in [("nl_q_line", "a straight line"), ("nl_q_neurons", "exactly 24"),
                        ("nl_q_depth", "the same number"), ("nl_q_error", "exactly 0")]:
        answer(at, key, option)


def _single_layer_text(layers) -> str:
    """The multiplied-out line as the page states it, e.g. 'y = -1.45·x + 0.0966'."""
    w = layers[3][0] @ layers[2][0] @ layers[1][0] @ layers[0][0]
    b = layers[3][0] @ (layers[2][0] @ (layers[1][0] @ layers[0][1] + layers[1][1]) + layers[2][1]) + layers[3][1]
    return f"y = {w[0, 0]:.3g}·x {'−' if b[0] < 0 else '+'} {abs(b[0]):.3g}"


def test_each_answer_appears_only_after_its_question_is_answered():
    """Predict first: the single layer the linear stack equals, this network's kink count and the
    kinks at depths 1 and 6 (exact breakpoint propagation) are nowhere on the page before their
    questions are answered, nor their charts; then they are."""
    at = open_page(PAGE)
    shallow, deep, here = (exact_kinks(nl.scalar_network(d, 8, 6), RELU) for d in (1, 6, 3))
    answers = {
        "nl_q_line": (f"No activation: the single layer {_single_layer_text(_reference_net(3, 6))}",
                      "a curve with kinks"),
        "nl_q_neurons": (f"Kinks with ReLU on [-3, 3] {here}", "fewer than 24"),
        "nl_q_depth": (f"**{shallow}** kinks with 1 layer, **{deep}** with 6", "1 hidden layer"),
    }
    assert [f["data"][0]["name"] for f in figures(at)] == ["With ReLU"]  # the bent curve only
    for key, (number, option) in answers.items():
        assert number not in page_text(at), key
        answer(at, key, option)
        assert number in page_text(at), key
    activated, linear, depth = figures(at)
    assert [t["name"] for t in linear["data"]] == ["No activation (layers one by one)", "One collapsed layer W x + b"]
    np.testing.assert_array_equal(plotly_array(depth["data"][0]["y"]),
                                  [exact_kinks(nl.scalar_network(d, 8, 6), RELU) for d in range(1, 11)])
    assert not any(m.label.startswith("Largest difference") for m in at.metric)
    answer(at, "nl_q_error", "exactly 0")
    assert float(_metric(at, "Largest difference")) < 1e-13  # rounding only


def test_the_collapse_error_of_one_layer_is_zero_only_after_the_question():
    """A single layer has nothing to reorder: the difference is exactly 0, stated after the answer."""
    at = open_page(PAGE, {"nl_layers": "1"})
    assert "0.0e+00" not in page_text(at) and "0.00e+00" not in page_text(at)
    assert "Right" in answer(at, "nl_q_error", "exactly 0")
    assert _metric(at, "Largest difference") == "0.0e+00" and "Measured: **0.00e+00**" in page_text(at)


def test_the_kink_chart_waits_for_both_kink_questions():
    """Its bar for this depth answers the count question: answering the depth question alone
    leaves the chart out (a caption says so)."""
    at = open_page(PAGE)
    answer(at, "nl_q_depth", "6 hidden layers")
    assert len(figures(at)) == 1 and any("answered too" in c.value for c in at.caption)
    answer(at, "nl_q_neurons", "more than 24")
    assert len(figures(at)) == 2 and not any("answered too" in c.value for c in at.caption)


def test_with_questions_hidden_for_presenting_everything_shows():
    at = open_page(PAGE, {"present": "1", "hide": "controls,questions"})
    assert len(figures(at)) == 3
    assert {m.label.split(":")[0] for m in at.metric} >= {"No activation", "Kinks with ReLU on [-3, 3]",
                                                         "Largest difference"}


def test_default_view_shows_a_line_a_collapse_and_the_exact_kink_count():
    at = open_page(PAGE)
    assert not at.error and not at.warning and not at.info
    _answer_all(at)
    bent_curve, curves, depth = figures(at)
    layers = _reference_net(3, 6)
    x, linear = _trace(curves, "No activation")
    np.testing.assert_allclose(linear, _reference_curve(layers, x), atol=1e-12)
    _, bent = _trace(bent_curve, "With ReLU")
    np.testing.assert_allclose(bent, _reference_curve(layers, x, lambda h: np.maximum(h, 0)), atol=1e-12)
    # the product of the weights, multiplied out independently, is the dashed line
    w = layers[3][0] @ layers[2][0] @ layers[1][0] @ layers[0][0]
    b = layers[3][0] @ (layers[2][0] @ (layers[1][0] @ layers[0][1] + layers[1][1]) + layers[2][1]) + layers[3][1]
    _, collapsed = _trace(curves, "One collapsed layer")
    np.testing.assert_allclose(collapsed, w[0, 0] * x + b[0], atol=1e-12)
    # kinks: the metric and the bar chart agree with exact breakpoint propagation
    exact = [exact_kinks(nl.scalar_network(d, 8, 6), RELU) for d in range(1, 11)]
    assert _metric(at, "Kinks with ReLU") == str(exact[2])
    np.testing.assert_array_equal(plotly_array(depth["data"][0]["y"]), exact)
    assert float(_metric(at, "No activation: distance")) < 1e-12


def test_the_collapse_demo_shows_the_product_of_the_seeded_matrices():
    at = open_page(PAGE, {"nl_layers": "2", "nl_size": "2", "nl_seed": "5"})
    answer(at, "nl_q_error", "tiny, below 1e-12 (rounding only)")
    rng = np.random.default_rng(5)
    w1, b1 = rng.normal(0, 1, (2, 2)), rng.normal(0, 0.1, 2)
    w2, b2 = rng.normal(0, 1, (2, 2)), rng.normal(0, 0.1, 2)  # He scale sqrt(2/2) = 1
    latex = "\n".join(e.value for e in at.latex)
    assert matrix_latex(w2 @ w1, 3) in latex and matrix_latex(w2 @ b1 + b2, 3) in latex
    assert matrix_latex(w1) in latex and matrix_latex(b2) in latex
    assert float(_metric(at, "Largest difference")) < 1e-13


@pytest.mark.parametrize("change", [
    lambda at: at.slider(key="nl_layers").set_value(6),
    lambda at: at.selectbox(key="nl_act").set_value("tanh"),
    lambda at: at.number_input(key="nl_seed").set_value(123),
    lambda at: at.button(key="nl_reseed").click(),
], ids=["layers", "activation", "seed", "reseed"])
def test_each_main_widget_changes_the_plotted_data(change):
    at = open_page(PAGE)
    before = figures(at)
    change(at).run()
    assert not at.exception
    assert figures(at)[0] != before[0]


def test_matrix_size_changes_the_matrices():
    at = open_page(PAGE)
    before = [e.value for e in at.latex]
    at.radio(key="nl_size").set_value(3).run()
    after = [e.value for e in at.latex]
    layers = next(v for v in after if "W_{1}" in v)
    first_matrix = layers.split(r"\begin{bmatrix}")[1].split(r"\end{bmatrix}")[0]
    assert after != before and first_matrix.count(r"\\") == 2  # three rows


def test_a_parameter_slider_bends_the_curve_and_goes_into_the_url():
    at = open_page(PAGE, {"nl_act": "leaky_relu"})
    assert not any(s.key == "nl_elu_alpha" for s in at.slider)
    at.slider(key="nl_leaky_relu_alpha").set_value(0.3).run()
    x, bent = _trace(figures(at)[0], "With Leaky ReLU")
    expected = _reference_curve(_reference_net(3, 6), x, lambda h: np.where(h > 0, h, 0.3 * h))
    np.testing.assert_allclose(bent, expected, atol=1e-12)
    assert at.query_params["nl_leaky_relu_alpha"] == "0.3"


def test_smooth_activation_reports_distance_from_a_line_instead_of_kinks():
    at = open_page(PAGE, {"nl_act": "tanh", "nl_layers": "4"})
    x, bent = _trace(figures(at)[0], "With Tanh")
    expected = _reference_curve(_reference_net(4, 6), x, np.tanh)
    fit = np.polyval(np.polyfit(x, expected, 1), x)
    assert float(_metric(at, "With Tanh: distance")) == pytest.approx(np.max(np.abs(expected - fit)), rel=2e-3)
    assert not any(m.label.startswith("Kinks") for m in at.metric)
    answer(at, "nl_q_neurons", "more than 32")  # the ReLU questions follow; no count of Tanh's kinks
    assert not any(m.label.startswith("Kinks") for m in at.metric)


def test_url_round_trip():
    query = {"nl_layers": "7", "nl_act": "elu", "nl_size": "3", "nl_seed": "4242", "nl_elu_alpha": "2.5"}
    at = open_page(PAGE, query)
    assert not at.info
    assert at.slider(key="nl_layers").value == 7
    assert at.selectbox(key="nl_act").value == "elu"
    assert at.radio(key="nl_size").value == 3
    assert at.number_input(key="nl_seed").value == 4242
    assert at.slider(key="nl_elu_alpha").value == 2.5
    at.slider(key="nl_layers").set_value(2).run()
    assert at.query_params["nl_layers"] == "2"
    assert at.query_params["nl_seed"] == "4242"


def test_reseed_puts_the_new_seed_in_the_url():
    at = open_page(PAGE)
    at.button(key="nl_reseed").click().run()
    seed = at.number_input(key="nl_seed").value
    assert seed != 6 and at.query_params["nl_seed"] == str(seed)


@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_every_parameter_falls_back_with_a_notice(junk):
    at = open_page(PAGE, {key: junk for key in PARAM_KEYS})
    assert not at.exception
    assert at.info, junk
    assert at.slider(key="nl_layers").value in range(1, 11)
    assert at.selectbox(key="nl_act").value in ACTIVATIONS


def test_questions_reveal_the_computed_answers():
    at = open_page(PAGE, {"nl_layers": "5", "nl_seed": "17"})
    assert "Right" in answer(at, "nl_q_line", "a straight line")
    # one-by-one vs product: rounding only, never exactly zero for 5 random layers
    assert "Right" in answer(at, "nl_q_error", "tiny, below 1e-12 (rounding only)")
    shallow, deep = (exact_kinks(nl.scalar_network(d, 8, 17), RELU) for d in (1, 6))
    right = "1 hidden layer" if shallow > deep else "6 hidden layers" if deep > shallow else "the same number"
    assert "Right" in answer(at, "nl_q_depth", right)
    kinks = exact_kinks(nl.scalar_network(5, 8, 17), RELU)
    right = "fewer than 40" if kinks < 40 else "exactly 40" if kinks == 40 else "more than 40"
    assert "Right" in answer(at, "nl_q_neurons", right)
    assert f"Counted: **{kinks}**" in page_text(at)


def test_a_single_layer_has_exactly_zero_collapse_error():
    at = open_page(PAGE, {"nl_layers": "1"})
    assert "Right" in answer(at, "nl_q_error", "exactly 0")
