"""Design your own: a typed formula is checked, differentiated, plotted and offered on other pages."""

import json

import numpy as np
import pytest

from activations_core import ACTIVATIONS
from activations_core.formula import parse_formula
from tests.app.helpers import answer, figures, open_page, page_text
from tests.helpers import plotly_array
from ui.catalog import ARRIVAL_FORMULA

MISH = "x * tanh(log(1 + exp(x)))"


def _use(at, text):
    at.text_input(key="fx_text").set_value(text).run()
    next(b for b in at.button if b.label == "Use this formula").click().run()
    assert not at.exception
    return at


def test_mish_typed_matches_the_builtin_and_its_finite_difference():
    at = _use(open_page("your_activation"), MISH)
    assert at.query_params["fx"] == MISH
    assert len(figures(at)[0]["data"]) == 2 and not at.error  # f and f' plotted
    assert "tanh" in at.get("latex")[0].proto.body
    grid = np.linspace(-6, 6, 1001)
    f = parse_formula(MISH)
    assert np.allclose(f.fn(grid), ACTIVATIONS["mish"](grid), rtol=1e-13, atol=1e-15)
    h = 1e-6
    assert np.allclose(f.dfn(grid), (f.fn(grid + h) - f.fn(grid - h)) / (2 * h), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("attack", ["__import__('os').system('echo hi')", "().__class__", "lambda: 1",
                                    "9**9**9**9", "exp(" * 30 + "x" + ")" * 30, "open('f')"])
def test_attacks_show_a_message_and_keep_the_last_good_formula(attack):
    at = _use(open_page("your_activation"), MISH)
    at.text_input(key="fx_text").set_value(attack).run()
    next(b for b in at.button if b.label == "Use this formula").click().run()
    assert not at.exception
    assert at.error and "not used" in at.error[0].value
    assert at.query_params["fx"] == MISH  # the last good formula stays in use


def test_a_formula_from_the_link_joins_the_lab_compiled_for_the_browser():
    at = open_page("dead_neurons_lab", {"fx": "max(0, x) + a * min(0, x)", "lab_act": "custom"})
    assert at.selectbox(key="lab_act").value == "custom"
    (run,) = json.loads(at.get("bidi_component")[0].proto.json)["runs"]
    assert run["title"] == "Your formula: max(0, x) + a * min(0, x)"
    assert run["formula"]["format"] == "formula-program/1" and run["formula"]["params"] == ["a"]


@pytest.mark.parametrize("junk", ["abc(", "x.real", "💥", "1e309", "x" * 5000])
def test_junk_formula_in_a_link_never_raises(junk):
    at = open_page("your_activation", {"fx": junk})
    assert not at.exception
    assert at.error or at.info


def test_questions_reveal_computed_answers():
    at = _use(open_page("your_activation"), MISH)
    at.radio(key="fx_q2_choice").set_value("20: it grows without bound").run()
    at.button(key="fx_q2_reveal").click().run()
    assert at.success and "20" in at.markdown[-1].value + at.success[0].value


@pytest.mark.parametrize("page, query", [
    ("vanishing_gradients", {"vg_act": "custom"}),
    ("curves", {"cv_funcs": "custom,relu"}),
])
def test_a_formula_from_the_link_is_offered_on_other_pages(page, query):
    at = open_page(page, {"fx": MISH, **query})
    assert not at.info, "custom is a valid choice once the formula is in the link"
    assert at.get("plotly_chart")


def test_your_formula_keeps_the_colour_it_has_on_the_curves_page():
    """f(x) is drawn in the same colour as "custom" on the curves page; f' in another colour."""
    at = _use(open_page("your_activation"), MISH)
    f, df = figures(at)[0]["data"]
    curves = open_page("curves", {"fx": MISH, "cv_funcs": "custom"})
    custom = next(t for t in figures(curves)[0]["data"] if t["name"].startswith("Your formula"))
    assert f["line"]["color"] == custom["line"]["color"] != df["line"]["color"]
    assert df["line"]["dash"] == "dash"


def test_the_page_is_alive_on_arrival_with_its_example_in_the_link():
    at = open_page("your_activation")
    assert at.query_params["fx"] == ARRIVAL_FORMULA
    (fig,) = figures(at)
    assert len(fig["data"]) == 2  # f and f' plotted
    assert at.radio(key="fx_q1_choice")  # its questions are asked
    before = fig["data"][0]["y"]
    at.slider(key="fx_a").set_value(3.0).run()  # the a-slider changes the plot and the link
    assert figures(at)[0]["data"][0]["y"] != before
    assert at.query_params["fx_a"] == "3.0"


def test_the_a_slider_says_so_when_the_formula_has_no_a():
    at = open_page("your_activation", {"fx": "x * tanh(log(1 + exp(x)))"})
    assert at.slider(key="fx_a").disabled


def _view(text: str) -> dict:
    """What one new session shows for the formula: equations, f and f' plotted, notes and warnings."""
    at = open_page("your_activation", {"fx": text})
    assert not at.exception
    f, df = figures(at)[0]["data"]
    return {"latex": [e.proto.body for e in at.get("latex")], "f": plotly_array(f["y"]).tobytes(),
            "df": plotly_array(df["y"]).tobytes(), "warnings": [w.value for w in at.warning],
            "captions": [c.value for c in at.caption]}


@pytest.mark.parametrize("text", ["sqrt(x)**2", "(x-x)**-1", "(x**(1/3))**6", "(x*sigmoid(x))**1", "sin(x)/x"])
def test_a_formula_is_the_same_function_on_every_view(text):
    """Every view (the first, and later ones served by the cache, in any session) shows the function
    as parsed: sqrt(x)**2 stays undefined below 0 and does not become x after a cache round trip;
    f, f', the equations and the warnings are identical from one session to the next."""
    x = np.linspace(-6.0, 6.0, 1001)
    typed = parse_formula(text)
    first = _view(text)
    np.testing.assert_array_equal(np.frombuffer(first["f"]), typed.fn(x))
    np.testing.assert_array_equal(np.frombuffer(first["df"]), typed.dfn(x))
    for _ in range(2):
        assert _view(text) == first


def test_the_page_gives_the_limits_at_infinity_and_warns_where_there_is_none():
    """Issue #15: f(+-inf) was NaN for most typed formulas; the page now says what f and f' tend to."""
    at = open_page("your_activation", {"fx": "x*sigmoid(x)"})
    assert "Limits: as x → −∞, f(x) → 0 and f′(x) → 0; as x → +∞, f(x) → ∞ and f′(x) → 1." in [
        c.value for c in at.caption]
    assert not at.warning
    at = open_page("your_activation", {"fx": "sqrt(x) * sin(x)"})
    warnings = [w.value for w in at.warning]
    assert any(w.startswith("f(x) and f′(x) are undefined (NaN) at x = −∞: square root of a negative number")
               for w in warnings), warnings
    assert any(w.startswith("f(x) and f′(x) are undefined (NaN) at x = +∞: no limit as x → +∞ could be found")
               for w in warnings), warnings


def test_a_typed_formula_keeps_its_lab_run_across_reruns_and_sessions():
    """Issue #15: the run's signature changed between the first and second run of the lab, so the
    first Step x10 was lost; the formula is one shared object now, so the run stays the same."""
    query = {"fx": "(x*sigmoid(x))**1", "lab_act": "custom"}
    at = open_page("dead_neurons_lab", query)
    first = at.session_state["lab_run_id"]
    at.run()
    assert not at.exception and at.session_state["lab_run_id"] == first
    assert open_page("dead_neurons_lab", query).session_state["lab_run_id"] == first


def test_each_answer_appears_only_after_its_question_is_answered():
    """Predict first: d/dx x^2 = 2x is 20 at x = 10, and max(0, x) + 0.1 min(0, x) has slope 0.1 at
    x = -3 (worked by hand); neither is on the page until its question is answered."""
    at = open_page("your_activation")
    for key, option, stated in [("fx_q2", "20: it grows without bound", "f'(10) = **20**"),
                                ("fx_q3", "0.1", "evaluates to **0.1** at x = -3")]:
        assert stated not in page_text(at), key
        assert "Right" in answer(at, key, option)
        assert stated in page_text(at), key
