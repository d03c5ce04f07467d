"""The curves explorer page through the real app: widgets, URL, junk links, probe, log view, questions."""


import mpmath as mp
import numpy as np
import pytest

from activations_core import ACTIVATIONS
from tests.app.helpers import answer, figures, open_page, page_text
from tests.helpers import plotly_array

mp.mp.dps = 40
PAGE = "curves"
PARAM_KEYS = ["cv_funcs", "cv_xmin", "cv_xmax", "cv_x0", "cv_log"] + [
    f"cv_{a.name}_{p.name}" for a in ACTIVATIONS.values() for p in a.params]
JUNK = ["", "nan", "inf", "1e309", "-1e309", "abc", "💥", "x" * 5000, "-999", "relu,💥"]



def _curve(fig: dict, name_start: str) -> tuple[np.ndarray, np.ndarray]:
    trace = next(t for t in fig["data"] if t.get("name", "").startswith(name_start)
                 and t.get("mode") == "lines")
    return plotly_array(trace["x"]), plotly_array(trace["y"])


def _text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def _sigmoid_slope(x):
    e = mp.exp(-mp.mpf(x))
    return e / (1 + e) ** 2


def _answer_all_but_the_selection(at) -> None:
    for key, option in [("cv_q_gelu", "below 10⁻⁶"), ("cv_q_swish", "ReLU")]:
        answer(at, key, option)


def _answer_all(at) -> None:
    for key, option in [("cv_q_lowest_relu_gelu_swish", "GELU"), ("cv_q_tail", "Yes, exactly 0")]:
        answer(at, key, option)
    _answer_all_but_the_selection(at)


def _gelu_tanh_gap() -> float:
    approx_gap = lambda t: t / 2 * (1 + mp.tanh(mp.sqrt(2 / mp.pi) * (t + mp.mpf("0.044715") * t**3))) \
        - t * mp.ncdf(t)
    return float(abs(approx_gap(mp.findroot(lambda t: mp.diff(approx_gap, t), -2.7))))


def _swish_relu_gap() -> float:
    """max |x sigma(x) - relu(x)| = |u sigma(u)| at the root u of 1 + u sigma(-u) = 0."""
    u = mp.findroot(lambda t: 1 + t / (1 + mp.exp(t)), -1.3)
    return float(-u / (1 + mp.exp(-u)))


def test_each_answer_appears_only_after_its_question_is_answered():
    """Predict first: the numbers that answer a question are nowhere on the page before it is
    answered (GELU's minimum, sigma'(30), the GELU/tanh gap, the Swish-ReLU gap), then they are."""
    at = open_page(PAGE, {"cv_xmin": "-40", "cv_xmax": "40", "cv_log": "1"})
    x_min = mp.findroot(lambda t: mp.ncdf(t) + t * mp.npdf(t), -0.75)
    answers = {
        "cv_q_lowest_relu_gelu_swish": (f"{float(x_min * mp.ncdf(x_min)):.5g}", "GELU"),
        "cv_q_tail": (f"{float(_sigmoid_slope(30)):.3e}", "Yes, exactly 0"),
        "cv_q_gelu": (f"{_gelu_tanh_gap():.3e}", "below 10⁻⁶"),
        "cv_q_swish": (f"**{_swish_relu_gap():.4g}**", "ReLU"),
    }
    assert len(figures(at)) == 3  # f, f', GELU pair: no difference chart, no Swish chart yet
    for key, (number, option) in answers.items():
        assert number not in page_text(at), key
        answer(at, key, option)
        assert number in page_text(at), key
    assert len(figures(at)) == 5


def test_default_view_renders_with_its_computed_facts():
    at = open_page(PAGE)
    _answer_all(at)
    figs = figures(at)
    assert len(figs) == 5  # f, f', GELU pair, GELU difference, Swish beta
    assert not at.warning
    x, relu = _curve(figs[0], "ReLU")
    assert x[0] == -6 and x[-1] == 6 and np.array_equal(relu, np.maximum(x, 0))
    # GELU minimum (root of Phi(x) + x phi(x)) and the tanh-approximation gap, from mpmath
    x_min = mp.findroot(lambda t: mp.ncdf(t) + t * mp.npdf(t), -0.75)
    assert f"minimum {float(x_min * mp.ncdf(x_min)):.5g}" in _text(at)
    assert f"at most **{_gelu_tanh_gap():.3e}**" in _text(at)


@pytest.mark.parametrize("change", [
    lambda at: at.multiselect(key="cv_funcs").set_value(["sigmoid", "tanh"]),
    lambda at: at.slider(key="cv_swish_beta").set_value(5.0),
    lambda at: at.number_input(key="cv_xmin").set_value(-2.0),
    lambda at: at.number_input(key="cv_xmax").set_value(20.0),
    lambda at: at.number_input(key="cv_x0").set_value(2.0),
    lambda at: at.toggle(key="cv_log").set_value(True),
], ids=["funcs", "swish_beta", "xmin", "xmax", "x0", "log"])
def test_each_main_widget_changes_the_plotted_data(change):
    at = open_page(PAGE)
    before = figures(at)[:2]
    change(at).run()
    assert not at.exception
    assert figures(at)[:2] != before


def test_a_parameter_slider_appears_with_its_function_and_changes_its_curve():
    at = open_page(PAGE, {"cv_funcs": "leaky_relu"})
    before = _curve(figures(at)[0], "Leaky ReLU")[1]
    at.slider(key="cv_leaky_relu_alpha").set_value(0.3).run()
    x, after = _curve(figures(at)[0], "Leaky ReLU")
    assert np.array_equal(after, np.where(x > 0, x, 0.3 * x))
    assert not np.array_equal(before, after)
    assert not any(s.key == "cv_elu_alpha" for s in at.slider)  # ELU is not selected


def test_url_round_trip():
    query = {"cv_funcs": "sigmoid,leaky_relu,elu", "cv_leaky_relu_alpha": "0.2", "cv_elu_alpha": "2.5",
             "cv_x0": "2.5", "cv_xmin": "-10.0", "cv_xmax": "3.0", "cv_log": "1", "cv_swish_beta": "4.0"}
    at = open_page(PAGE, query)
    assert at.multiselect(key="cv_funcs").value == ["sigmoid", "leaky_relu", "elu"]
    assert at.slider(key="cv_leaky_relu_alpha").value == 0.2
    assert at.slider(key="cv_elu_alpha").value == 2.5
    assert at.number_input(key="cv_x0").value == 2.5
    assert (at.number_input(key="cv_xmin").value, at.number_input(key="cv_xmax").value) == (-10, 3)
    assert at.toggle(key="cv_log").value is True
    assert not at.info
    assert dict(at.query_params) == query
    answer(at, "cv_q_swish", "ReLU")  # the Swish section (and its beta slider) opens
    assert at.slider(key="cv_swish_beta").value == 4.0
    at.number_input(key="cv_x0").set_value(-7.25).run()
    at.multiselect(key="cv_funcs").set_value(["gelu", "elu"]).run()
    assert at.query_params["cv_x0"] == "-7.25" and at.query_params["cv_funcs"] == "gelu,elu"
    assert at.query_params["cv_elu_alpha"] == "2.5"


@pytest.mark.parametrize("junk", JUNK, ids=range(len(JUNK)))
def test_junk_in_every_parameter_falls_back_with_a_notice(junk):
    at = open_page(PAGE, {key: junk for key in PARAM_KEYS})
    notice = " ".join(i.value for i in at.info)
    assert all(f"`{key}`" in notice for key in PARAM_KEYS), notice
    assert at.multiselect(key="cv_funcs").value == ["relu", "gelu", "swish"]
    assert at.number_input(key="cv_x0").value == -1.0
    assert len(figures(at)) == 3  # f, f' and the GELU pair; the rest waits for its question


def test_reversed_range_shows_an_error_and_keeps_the_last_good_range():
    at = open_page(PAGE, {"cv_xmin": "-3.0", "cv_xmax": "3.0"})
    at.number_input(key="cv_xmin").set_value(5.0).run()
    assert not at.exception
    assert "must be below" in at.error[0].value
    x, _ = _curve(figures(at)[0], "ReLU")
    assert (x[0], x[-1]) == (-3, 3)
    at.number_input(key="cv_xmin").set_value(-1.0).run()
    assert not at.error
    assert _curve(figures(at)[0], "ReLU")[0][0] == -1


def test_probe_matches_mpmath():
    """f(x0), f'(x0) at x0 = -1.5 for GELU, Swish(beta=2), sigmoid and ELU(alpha=2), to ~1e-14."""
    at = open_page(PAGE, {"cv_funcs": "gelu,swish,sigmoid,elu", "cv_x0": "-1.5",
                          "cv_swish_beta": "2.0", "cv_elu_alpha": "2.0"})
    x = mp.mpf("-1.5")
    sig = lambda t: 1 / (1 + mp.exp(-t))
    expected = [
        (x * mp.ncdf(x), mp.ncdf(x) + x * mp.npdf(x)),
        (x * sig(2 * x), sig(2 * x) + 2 * x * sig(2 * x) * (1 - sig(2 * x))),
        (sig(x), _sigmoid_slope(x)),
        (2 * mp.expm1(x), 2 * mp.exp(x)),
    ]
    table = next(d.value for d in at.dataframe if "f(x0) exact" in d.value.columns)
    assert len(table) == 4
    for (_, row), (f, df) in zip(table.iterrows(), expected):
        assert float(row["f(x0) exact"]) == pytest.approx(float(f), rel=1e-14)
        assert float(row["f'(x0) exact"]) == pytest.approx(float(df), rel=1e-14)
        assert row["f(x0)"] == f"{float(f):.6g}"


def test_tails_button_shows_sigmoid_slope_at_30_on_a_log_axis():
    at = open_page(PAGE, {"cv_funcs": "sigmoid,relu"})
    at.button(key="cv_tails").click().run()
    answer(at, "cv_q_tail", "Yes, exactly 0")
    slope_fig = figures(at)[1]
    assert slope_fig["layout"]["yaxis"]["type"] == "log"
    x, y = _curve(slope_fig, "Sigmoid")
    i = int(np.argmin(np.abs(x - 30)))
    assert y[i] == pytest.approx(float(_sigmoid_slope(x[i])), rel=1e-12) and y[i] > 0
    assert f"σ'(30) = **{float(_sigmoid_slope(30)):.3e}**" in _text(at)  # 9.358e-14, not 0


def test_questions_reveal_answers_checked_independently():
    at = open_page(PAGE)
    # sigma'(30) = 9.36e-14 > 0 in float64 (the smallest normal double is 2.2e-308)
    assert float(_sigmoid_slope(30)) > 0
    answer(at, "cv_q_tail", "No, a tiny positive number")
    # minima: ReLU 0; GELU -0.170; Swish (beta = 1) x sigma(x) at the root of 1 + x sigma(-x): -0.278
    u = mp.findroot(lambda t: 1 + t / (1 + mp.exp(t)), -1.3)
    assert u / (1 + mp.exp(-u)) < -0.27
    answer(at, "cv_q_lowest_relu_gelu_swish", "Swish / SiLU")
    # Swish at large beta: |x| sigma(-beta |x|) <= 0.2785 / beta -> 0, i.e. ReLU
    answer(at, "cv_q_swish", "ReLU")
    # the GELU tanh gap is ~4.7e-4 (see test_default_view_renders_with_its_computed_facts)
    answer(at, "cv_q_gelu", "between 10⁻⁶ and 10⁻³")
    assert len(at.success) == 4 and not at.error, [e.value for e in at.error]


def test_empty_selection_warns_and_keeps_the_rest():
    at = open_page(PAGE)
    at.multiselect(key="cv_funcs").set_value([]).run()
    assert not at.exception
    assert "at least one" in at.warning[0].value
    _answer_all_but_the_selection(at)
    assert len(figures(at)) == 3  # GELU pair, difference and Swish remain


def _with_custom(monkeypatch, fn):
    """The catalog as it will be once a custom formula joins it (issue 7)."""
    import ui.catalog
    from activations_core import Activation, Param

    custom = Activation(name="custom", display_name="My formula", fn=fn, dfn=lambda x, a: 2 * a * x,
                        params=(Param("a", 1.0, -5.0, 5.0, 0.5, "a", "scale"),))
    monkeypatch.setattr(ui.catalog, "activation_choices", lambda: {**ACTIVATIONS, "custom": custom})


def test_a_custom_formula_is_offered_with_its_parameter(monkeypatch):
    _with_custom(monkeypatch, lambda x, a: a * x**2)
    at = open_page(PAGE, {"cv_funcs": "custom,relu", "cv_custom_a": "2.5"})
    assert at.slider(key="cv_custom_a").value == 2.5
    x, y = _curve(figures(at)[0], "My formula")
    assert np.allclose(y, 2.5 * x**2, rtol=1e-15)


def test_a_formula_that_fails_is_left_out_with_a_warning(monkeypatch):
    def broken(x, a):
        raise ValueError("division by zero in your formula")

    _with_custom(monkeypatch, broken)
    at = open_page(PAGE, {"cv_funcs": "custom,relu"})
    assert "division by zero" in at.warning[0].value
    assert [t["name"] for t in figures(at)[0]["data"] if t.get("mode") == "lines"] == ["ReLU"]


def _looks(fig: dict) -> list[tuple[str, str]]:
    """(colour, dash) of each line a reader tells apart on the chart and in its legend."""
    return [(t["line"]["color"].upper(), t["line"].get("dash", "solid")) for t in fig["data"]
            if t.get("mode") == "lines"]


def test_every_curve_on_every_chart_is_distinct_and_legible(monkeypatch):
    """Issue #6: all activations and the student's formula overlaid, and the GELU and Swish charts:
    no two lines share colour and dash, and none is the invisible yellow or the reference grey."""
    _with_custom(monkeypatch, lambda x, a: a * x**2)
    at = open_page(PAGE, {"cv_funcs": ",".join([*ACTIVATIONS, "custom"])})
    _answer_all_but_the_selection(at)
    f_chart, df_chart, gelu_pair, _, swish = figures(at)
    for fig, count in ((f_chart, len(ACTIVATIONS) + 1), (df_chart, len(ACTIVATIONS) + 1),
                       (gelu_pair, 2), (swish, 3)):  # at the default β = 1 Swish is SiLU: not drawn twice
        looks = _looks(fig)
        assert len(looks) == count and len(set(looks)) == count, looks
        assert not {colour for colour, _ in looks} & {"#F0E442", "#999999"}
    markers = [t["marker"]["color"].upper() for t in f_chart["data"] if t.get("mode") == "markers"]
    assert markers and not set(markers) & {"#F0E442", "#999999"}
