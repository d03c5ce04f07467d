"""Design your own activation: a typed formula, parsed safely, with its symbolic derivative."""

import numpy as np
import streamlit as st

from activations_core import ACTIVATIONS
from activations_core.formula import FUNCTIONS, FormulaError, evaluate_with_report, limit_messages
from ui.catalog import ARRIVAL_FORMULA, FORMULA, parsed_formula
from ui.chart import show_chart
from ui.figures_curves import Curve, overlay_figure, series_table
from ui.presenter import controls, shown
from ui.answer_options import nearest_option
from ui.quiz import question
from ui.state import UrlParam, bind_url
from ui.theme import activation_colour, colour

EXAMPLES = {
    "Mish": "x * tanh(log(1 + exp(x)))",
    "SiLU / Swish": "x * sigmoid(x)",
    "Leaky ReLU with slope a": "max(0, x) + a * min(0, x)",
    "Swish with beta a": ARRIVAL_FORMULA,
    "Square (a bad idea)": "x**2",
}
PARAMS = (UrlParam("fx_a", 1.0, "float", -5.0, 5.0), UrlParam("fx_lo", -6.0, "float", -50.0, 0.0),
          UrlParam("fx_hi", 6.0, "float", 0.0, 50.0))
bind_url(PARAMS)
ss = st.session_state
if not ss[FORMULA.key]:  # alive on arrival: plotted, questions asked, in the link, its a-slider live
    ss[FORMULA.key] = ARRIVAL_FORMULA
ss.setdefault("fx_text", ss[FORMULA.key])
ss.setdefault("fx_example", next(name for name, text in EXAMPLES.items() if text == ARRIVAL_FORMULA))


def use_formula() -> None:
    """Validate the typed text; keep the last good formula when it is rejected."""
    text = ss.fx_text.strip()
    try:
        parsed_formula(text)
    except FormulaError as err:
        ss.fx_error = str(err)
        return
    ss.fx_error = None
    ss[FORMULA.key] = text


def _uses_a(text: str) -> bool:
    """Whether the formula has the parameter a (False for text that does not parse)."""
    try:
        return parsed_formula(text).uses_param
    except FormulaError:
        return False


def load_example(name: str) -> None:
    ss.fx_text = EXAMPLES[name]
    use_formula()


st.title("Design your own activation")
st.markdown("Type a formula in `x` (and optionally a parameter `a`). The app checks it, differentiates "
            "it symbolically and plots both; then it joins the built-ins on the curves, vanishing-gradient "
            "and lab pages.")

with controls():
    st.text_input("Your formula f(x)", key="fx_text", max_chars=200,
                  help="Numbers, x, a, pi, e, + - * / ** and the functions listed below.")
    b1, b2 = st.columns([1, 3])
    b1.button("Use this formula", on_click=use_formula, type="primary", icon=":material/check:")
    with b2:
        example = st.selectbox("Or start from an example", list(EXAMPLES), key="fx_example")
        st.button("Load example", on_click=load_example, args=(example,))
    uses_a = ss[FORMULA.key] != "" and _uses_a(ss[FORMULA.key])
    st.slider("Parameter a", -5.0, 5.0, step=0.05, key="fx_a", disabled=not uses_a,
              help=None if uses_a else "This formula has no parameter a: write a in it to use this slider.")
    c1, c2 = st.columns(2)
    c1.number_input("x from", -50.0, 0.0, step=1.0, key="fx_lo")
    c2.number_input("x to", 0.0, 50.0, step=1.0, key="fx_hi")
    if shown("notes"):
        st.caption("Allowed functions: " + ", ".join(f"`{n}` ({f.help})" for n, f in FUNCTIONS.items()))

if ss.get("fx_error"):
    st.error(f"That formula was not used: {ss.fx_error}", icon=":material/error:")

text = ss[FORMULA.key]
try:
    formula = parsed_formula(text)
except FormulaError as err:  # a formula from a link that does not parse
    st.error(f"The formula in this link was not usable: {err}")
    st.stop()

st.latex(f"f(x) = {formula.latex}")
st.latex(f"f'(x) = {formula.derivative_latex}")
if ss.fx_lo >= ss.fx_hi:
    st.error("The x range is empty: 'x from' must be below 'x to'.")
    st.stop()
x = np.linspace(ss.fx_lo, ss.fx_hi, 1001)
y, dy, report = evaluate_with_report(formula, x, ss.fx_a)
limits, missing = limit_messages(formula, ss.fx_a)  # f and f' at +-inf, as the other pages use them
if limits:
    st.caption(limits)
for message in report.messages + missing:
    st.warning(message, icon=":material/warning:")

# f in your formula's colour on every page; f' in blue (the palette's orange is too light on white)
curves = [Curve("f(x)", y, activation_colour("custom")), Curve("f'(x)", dy, colour(0), "dash")]
show_chart(overlay_figure(x, curves), lambda: series_table("x", x, curves), name="your_activation",
           alt=f"Your formula f(x) = {text} and its derivative", x_title="x", y_title="value")

if shown("questions"):
    st.subheader("Predict, then reveal")
    mish = parsed_formula(EXAMPLES["Mish"])
    grid = np.linspace(-20, 20, 4001)
    gap = float(np.max(np.abs(mish.fn(grid) - ACTIVATIONS["mish"](grid))))
    question("fx_q1", "Typed as `x * tanh(log(1 + exp(x)))`, is this formula the same function as Mish?",
             ["Yes", "No"], 0 if gap < 1e-12 else 1,
             f"On [-20, 20] the typed formula and the built-in Mish differ by at most **{gap:.1e}**.")
    square = parsed_formula(EXAMPLES["Square (a bad idea)"])
    slope_at_10 = float(square.dfn(10.0))
    question("fx_q2", "What is the derivative of x**2 at x = 10, and why is that a problem for training?",
             ["0.1: it vanishes", "20: it grows without bound", "1: it is constant"],
             nearest_option([0.1, 20.0, 1.0], slope_at_10),
             f"SymPy gives f'(x) = {square.derivative_latex.replace(' ', '')}, so f'(10) = **{slope_at_10:g}**: "
             "gradients grow with the input and stacked layers explode.")
    leaky = parsed_formula(EXAMPLES["Leaky ReLU with slope a"])
    slope = float(leaky.dfn(-3.0, a=0.1))
    question("fx_q3", "For `max(0, x) + a * min(0, x)` with a = 0.1, what is f'(-3)?",
             ["0", "0.1", "1"], nearest_option([0.0, 0.1, 1.0], slope),
             f"The symbolic derivative evaluates to **{slope:g}** at x = -3: the slope a on the negative side, "
             "so a Leaky ReLU neuron never gets exactly zero gradient and can recover, slowly.")
