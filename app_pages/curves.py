"""Curves and derivatives: overlay activations, read f and f' anywhere, see the tails on a log axis."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from activations_core import ACTIVATIONS, minimum
from activations_core.curves import grid, max_abs_difference
from ui.activation_controls import ActivationControls
from ui.answer_options import band_of, closest_option
from ui.catalog import activation_choices
from ui.chart import csv_download, show_chart
from ui.figures_curves import Curve, Point, overlay_figure, series_table
from ui.presenter import controls, shown
from ui.quiz import question
from ui.state import UrlParam, bind_url
from ui.theme import activation_colour, activation_style, colour

X_LIMIT = 50.0  # the x-range controls allow [-X_LIMIT, X_LIMIT]
X0_LIMIT = 100.0
TAILS = (-40.0, 40.0)  # the "show the tails" view
TAIL_X = 30.0  # where the page quotes sigmoid'
LOG_FLOOR = 1e-30  # lower end of the log |f'| axis (GELU' underflows through ~1e-308 otherwise)
SWISH_BETAS = (1.0, 10.0)  # compared in the "swish approaches" question
_LAST_RANGE = "_cv_last_good_range"

CHOICES = activation_choices()  # computed per run: a custom formula may join the list
SIGMOID, RELU, SWISH = ACTIVATIONS["sigmoid"], ACTIVATIONS["relu"], ACTIVATIONS["swish"]
ACT_CONTROLS = ActivationControls("cv", CHOICES)

FUNCS = UrlParam("cv_funcs", [n for n in ("relu", "gelu", "swish") if n in CHOICES], "choices",
                 options=tuple(CHOICES))
XMIN = UrlParam("cv_xmin", -6.0, "float", -X_LIMIT, X_LIMIT)
XMAX = UrlParam("cv_xmax", 6.0, "float", -X_LIMIT, X_LIMIT)
X0 = UrlParam("cv_x0", -1.0, "float", -X0_LIMIT, X0_LIMIT)
LOG = UrlParam("cv_log", False, "bool")
PARAMS = (FUNCS, XMIN, XMAX, X0, LOG) + ACT_CONTROLS.url_params
SWISH_BETA_KEY = ACT_CONTROLS.key("swish", "beta")


def show_tails() -> None:
    """Callback: widen the range to the tails and switch the derivative to a log axis."""
    st.session_state[XMIN.key], st.session_state[XMAX.key] = TAILS
    st.session_state[LOG.key] = True


def controls_panel() -> None:
    """Selection, x-range, probe and the parameters of the selected activations."""
    st.session_state[FUNCS.key] = [n for n in st.session_state[FUNCS.key] if n in CHOICES]
    left, middle, right = st.columns([2, 1.2, 1.2])
    left.multiselect("Activations to overlay", options=list(CHOICES),
                     format_func=lambda n: CHOICES[n].display_name, key=FUNCS.key, wrap=True,
                     help="Pick one or several; each keeps its own colour on every chart.")
    with middle:
        a, b = st.columns(2)
        a.number_input("x from", min_value=-X_LIMIT, max_value=X_LIMIT, step=1.0, format="%g",
                       key=XMIN.key)
        b.number_input("x to", min_value=-X_LIMIT, max_value=X_LIMIT, step=1.0, format="%g",
                       key=XMAX.key)
        st.button("Show the far tails", on_click=show_tails, icon=":material/zoom_out_map:",
                  key="cv_tails",
                  help=f"x from {TAILS[0]:g} to {TAILS[1]:g} with |f'| on a log axis.")
    with right:
        st.number_input("Probe at x₀", min_value=-X0_LIMIT, max_value=X0_LIMIT, step=0.1,
                        format="%g", key=X0.key,
                        help="Read f(x₀) and f'(x₀) for every selected function.")
        st.toggle("Log scale for |f'|", key=LOG.key,
                  help="Shows how small the slope gets in the tails (exact zeros leave gaps).")
    ACT_CONTROLS.slider_row(st.session_state[FUNCS.key])


def x_range() -> tuple[float, float]:
    """The chosen range if valid; otherwise an error and the last valid range."""
    lo, hi = st.session_state[XMIN.key], st.session_state[XMAX.key]
    try:
        grid(lo, hi, 2)
    except ValueError as err:
        last = st.session_state.get(_LAST_RANGE, (XMIN.default, XMAX.default))
        st.error(f"x-range: {err}. Showing the last valid range, {last[0]:g} to {last[1]:g}.",
                 icon=":material/error:")
        return last
    st.session_state[_LAST_RANGE] = (lo, hi)
    return lo, hi


def lowest_point(name: str) -> tuple[float, float] | None:
    """(x*, f(x*)) from the core's minimum search, or None when it cannot be found."""
    try:
        return minimum(CHOICES[name], **ACT_CONTROLS.values(name))
    except (ValueError, ArithmeticError):
        return None


def lowest_text(name: str, low: tuple[float, float] | None) -> str:
    """One sentence about where f is lowest."""
    label = ACT_CONTROLS.label(name)
    if low is None:
        return f"{label}: no minimum found."
    x_star, f_star = low
    if math.isfinite(x_star):
        return f"{label}: minimum {f_star:.5g} at x = {x_star:.4g}."
    end = "−∞" if x_star < 0 else "+∞"
    if math.isinf(f_star):
        return f"{label}: unbounded below (f → −∞ as x → {end})."
    return f"{label}: no turning point; it never goes below {f_star:.5g}, the value it approaches as x → {end}."


def lowest_question(names: list[str]) -> bool:
    """Which selected function dips lowest (the three smooth ReLU-likes when the selection ties)."""
    lows = {n: lowest_point(n) for n in names}
    candidates = [n for n, low in lows.items() if low is not None]
    if len(candidates) < 2 or len({lows[n][1] for n in candidates}) < len(candidates):
        candidates = ["gelu", "swish", "mish"]  # the selection has ties: ask about these three
        lows = {n: lowest_point(n) for n in candidates}
    labels = [CHOICES[n].display_name for n in candidates]
    lowest = min(range(len(candidates)), key=lambda k: lows[candidates[k]][1])
    return question("cv_q_lowest_" + "_".join(candidates),
                    "Which of these dips lowest (has the smallest minimum value)?", labels, lowest,
                    " ".join(lowest_text(n, lows[n]) for n in candidates))


def tail_question() -> bool:
    """Is sigma'(30) exactly zero in float64?"""
    tail = float(SIGMOID.derivative(TAIL_X))
    return question("cv_q_tail", f"In float64, is σ'({TAIL_X:g}) exactly zero?",
                    ["Yes, exactly 0", "No, a tiny positive number", "No, a tiny negative number"],
                    0 if tail == 0 else (1 if tail > 0 else 2),
                    f"σ'({TAIL_X:g}) = {tail!r} in float64, so a log axis can still show it. "
                    "It is tiny, which is why deep sigmoid networks learn slowly, but it is not zero.")


def overlay_section(names: list[str], x: np.ndarray, x0: float, log_y: bool) -> None:
    """f and f' of the selected activations and the probe line; their minima (stars and words)
    once the question about them is answered."""
    minima_out = lowest_question(names)
    curves, slopes, points, slope_points, rows = [], [], [], [], []
    for name in names:
        act, params, label = CHOICES[name], ACT_CONTROLS.values(name), ACT_CONTROLS.label(name)
        try:
            y, dy = act(x, **params), act.derivative(x, **params)
            fx0, dfx0 = float(act(x0, **params)), float(act.derivative(x0, **params))
        except (ValueError, ArithmeticError) as err:  # e.g. a custom formula that cannot be evaluated
            st.warning(f"{label} could not be evaluated, so it is left out: {err}",
                       icon=":material/warning:")
            continue
        style = activation_style(name)
        curves.append(Curve(label, y, **style))
        slopes.append(Curve(label, dy, **style))
        points.append(Point(f"{label} at x₀", x0, fx0, style["color"], "diamond"))
        slope_points.append(Point(f"{label} at x₀", x0, dfx0, style["color"], "diamond"))
        low = lowest_point(name) if minima_out else None
        if low is not None and math.isfinite(low[0]) and x[0] <= low[0] <= x[-1]:
            points.append(Point(f"{label}: minimum", low[0], low[1], style["color"], "star"))
        rows.append({"function": label, "f(x0)": f"{fx0:.6g}", "f'(x0)": f"{dfx0:.6g}",
                     "f(x0) exact": repr(fx0), "f'(x0) exact": repr(dfx0), "name": name})
    if not rows:
        return
    left, right = st.columns(2)
    with left:
        show_chart(overlay_figure(x, curves, points=points, vline=x0), lambda: series_table("x", x, curves),
                   name="curves_f", x_title="x", y_title="f(x)",
                   alt="Activation functions " + ", ".join(c.label for c in curves) + " against x.")
    with right:
        show_chart(overlay_figure(x, slopes, points=slope_points, vline=x0,
                                  log_floor=LOG_FLOOR if log_y else None),
                   lambda: series_table("x", x, slopes, " derivative"), name="curves_df", x_title="x",
                   y_title="|f'(x)| (log scale)" if log_y else "f'(x)",
                   alt="Derivatives of " + ", ".join(c.label for c in slopes)
                   + (" as |f'| on a log axis." if log_y else " against x."))
    if minima_out:
        st.markdown("**Lowest values** (the core's minimum search; stars on the chart): "
                    + " ".join(lowest_text(r["name"], lowest_point(r["name"])) for r in rows))
    if tail_question() and log_y:
        tail = float(SIGMOID.derivative(TAIL_X))
        st.markdown(
            f"On a log axis the tails stay visible: in float64, σ'({TAIL_X:g}) = **{tail:.3e}**, "
            "tiny but not 0. Exact zeros (ReLU' for x < 0) cannot be drawn on a log axis and leave gaps; "
            f"the axis stops at {LOG_FLOOR:.0e}, so slopes that fall further (GELU's far left tail, "
            "for instance) leave the chart at the bottom."
            + ("" if x[0] <= -TAIL_X or x[-1] >= TAIL_X
               else f" Press **Show the far tails** to see x = {TAIL_X:g}."))
    probe_section(x0, rows, x[0], x[-1])


def probe_section(x0: float, rows: list[dict], lo: float, hi: float) -> None:
    """The probe readings with 6 significant digits and the exact float64 values."""
    st.subheader(f"Probe at x₀ = {x0:g}")
    if not lo <= x0 <= hi:
        st.caption("x₀ lies outside the plotted range, so its markers are off the charts.")
    table = pd.DataFrame(rows).drop(columns="name")
    st.dataframe(table, hide_index=True, key="cv_probe_table",
                 column_config={"f(x0) exact": st.column_config.TextColumn(
                                    help="The float64 value, every digit (repr)."),
                                "f'(x0) exact": st.column_config.TextColumn(
                                    help="The float64 value, every digit (repr).")})
    csv_download("Download probe CSV", table, file_name="probe.csv", key="cv_probe_csv")


def formulas_section(names: list[str]) -> None:
    """LaTeX of f and f', the description and the stated properties, from the registry."""
    st.subheader("Formulas and properties")
    for tab, name in zip(st.tabs([CHOICES[n].display_name for n in names]), names):
        act = CHOICES[name]
        # one element a tab (a class's server sends every element of every run): f and f' as
        # display math, the description, the stated properties
        text = f"$$\n{act.latex}\n$$\n\n$$\n{act.derivative_latex}\n$$\n\n{act.description}"
        if act.properties is not None:
            pr = act.properties
            yes_no = {True: "yes", False: "no"}
            text += (f"\n\n- Output range: ${pr.range_latex}$ (for default parameters)\n"
                     f"- Zero-centred: {yes_no[pr.zero_centred]}; saturates: {yes_no[pr.saturates]}; "
                     f"monotonic: {yes_no[pr.monotonic]}; smooth: {yes_no[pr.smooth]}; "
                     f"units can die: {yes_no[pr.can_die]}\n"
                     f"- Cost: {pr.cost}. Typical use: {pr.use}")
        tab.markdown(text)


def gelu_question() -> bool:
    """How far apart GELU and its tanh form get, at most, on the widest range."""
    edges = (1e-6, 1e-3, 1e-1)  # where each band after the first starts
    bands = ["below 10⁻⁶", "between 10⁻⁶ and 10⁻³", "between 10⁻³ and 10⁻¹", "above 10⁻¹"]

    def measured() -> tuple[int, str]:
        where, gap = max_abs_difference(ACTIVATIONS["gelu_tanh"], ACTIVATIONS["gelu"], -X_LIMIT, X_LIMIT)
        return (band_of(edges, gap),
                f"The largest gap on [{-X_LIMIT:g}, {X_LIMIT:g}] is {gap:.3e}, at x = "
                f"{where:.4g} (and at its mirror image): far below what a plot can show.")

    return question("cv_q_gelu", "How far apart do GELU and its tanh approximation get, at most?",
                    bands, measured)


def gelu_section(x: np.ndarray) -> None:
    """GELU against its tanh approximation; their difference once the question is answered."""
    st.header("GELU exact vs its tanh approximation")
    gelu, approx = ACTIVATIONS["gelu"], ACTIVATIONS["gelu_tanh"]
    st.markdown("GPT-2 computes GELU with a tanh formula instead of the error function (Google's "
                "BERT code used the error function first and the tanh form later).")
    curves = [Curve(gelu.display_name, gelu(x), **activation_style("gelu")),
              Curve(approx.display_name, approx(x), **activation_style("gelu_tanh"))]
    left, right = st.columns(2)
    with left:
        show_chart(overlay_figure(x, curves), lambda: series_table("x", x, curves), name="gelu_curves",
                   x_title="x", y_title="f(x)", height=360,
                   alt="GELU and its tanh approximation: the two curves overlap.")
    with right:  # the question, then the gap it asks about, beside the curves that hide it
        if not gelu_question():
            return
        where, gap = max_abs_difference(approx, gelu, x[0], x[-1])
        difference = [Curve("tanh approx. − GELU", approx(x) - gelu(x), activation_colour("gelu_tanh"))]
        peak = Point("largest gap", where, float(approx(where) - gelu(where)), colour(0))
        show_chart(overlay_figure(x, difference, points=[peak]),
                   lambda: series_table("x", x, difference), name="gelu_difference", x_title="x",
                   y_title="difference", height=360,
                   alt=f"Difference between GELU's tanh approximation and GELU, at most {gap:.2e}.")
        st.markdown(f"On this range the two differ by at most **{gap:.3e}** (at x = {where:.4g}): "
                    "invisible on the left chart, plotted above.")


def swish_question() -> bool:
    """What Swish approaches as beta grows, answered by the largest gaps at a large beta."""
    targets = {"ReLU": RELU, "the straight line x/2": lambda t: SWISH(t, beta=0.0),
               "Sigmoid": SIGMOID, "the identity x": lambda t: np.asarray(t, dtype=float)}

    def measured() -> tuple[int, str]:
        swish_at = {b: (lambda t, b=b: SWISH(t, beta=b)) for b in SWISH_BETAS}
        gaps = {label: max_abs_difference(swish_at[SWISH_BETAS[1]], g, -X_LIMIT, X_LIMIT)[1]
                for label, g in targets.items()}
        relu_gaps = [max_abs_difference(swish_at[b], RELU, -X_LIMIT, X_LIMIT)[1] for b in SWISH_BETAS]
        return (closest_option(gaps),
                f"Largest gap on [{-X_LIMIT:g}, {X_LIMIT:g}] at β = {SWISH_BETAS[1]:g}: "
                + ", ".join(f"{label} {gap:.3g}" for label, gap in gaps.items())
                + f". The gap to ReLU is {relu_gaps[0]:.4f} at β = {SWISH_BETAS[0]:g} and "
                f"{relu_gaps[1]:.4f} at β = {SWISH_BETAS[1]:g}: {relu_gaps[0] / relu_gaps[1]:.3g} times smaller.")

    return question("cv_q_swish", "As β grows, Swish x·σ(βx) approaches which function?", list(targets),
                    measured)


def swish_section(x: np.ndarray, beta_slider_shown: bool) -> None:
    """Swish's beta: x/2 at 0, SiLU at 1, towards ReLU as beta grows (shown once predicted)."""
    st.header("Swish: from a straight line to ReLU")
    if not swish_question():
        return
    beta = float(st.session_state[SWISH_BETA_KEY])
    where, gap = max_abs_difference(lambda t: SWISH(t, beta=beta), RELU, x[0], x[-1])
    swish = activation_colour("swish")  # the Swish family in one colour, told apart by dash
    curves = [Curve(f"Swish β = {beta:g}", SWISH(x, beta=beta), **activation_style("swish")),
              *([] if beta == 1.0 else [Curve("SiLU (β = 1)", SWISH(x, beta=1.0), swish, "dot")]),
              Curve("x/2 (β = 0)", SWISH(x, beta=0.0), swish, "dashdot"),
              Curve("ReLU", RELU(x), **activation_style("relu"))]
    show_chart(overlay_figure(x, curves), lambda: series_table("x", x, curves), name="swish_beta", x_title="x",
               y_title="f(x)", height=380,
               alt=f"Swish with beta {beta:g} between the line x/2 and ReLU; gap to ReLU {gap:.3g}.")
    st.markdown(
        r"$f(x) = x\,\sigma(\beta x)$: at $\beta = 0$ the gate is a constant $\tfrac12$, so $f = x/2$ "
        r"(a straight line); $\beta = 1$ is SiLU; a large $\beta$ makes the gate a step, so $f$ "
        f"approaches ReLU. With β = {beta:g}, the largest gap to ReLU on this range is **{gap:.4g}** "
        f"(at x = {where:.4g}).")
    if not beta_slider_shown:
        with controls("Swish β"):
            ACT_CONTROLS.slider("swish", SWISH.params[0])
    else:
        st.caption("Move β with the Swish slider in the controls above.")


st.title("Curves and derivatives")
st.markdown("Overlay activation functions and their slopes, probe any point, and see where the "
            "gradient fades.")
bind_url(PARAMS)
with controls():
    controls_panel()
selected = list(st.session_state[FUNCS.key])
lo, hi = x_range()
x = grid(lo, hi)
x0 = float(st.session_state[X0.key])
if selected:
    overlay_section(selected, x, x0, bool(st.session_state[LOG.key]))
    formulas_section(selected)
else:
    st.warning("Choose at least one activation to plot.", icon=":material/warning:")
gelu_section(x)
swish_section(x, beta_slider_shown="swish" in selected)
if shown("notes"):
    st.header("Why the slope matters")
    st.markdown(
        "Backpropagation multiplies the slopes f'(x) of every layer a signal passes through. Where f' "
        "is near 0 (the flat tails of sigmoid and tanh) the product shrinks layer by layer and early "
        "layers stop learning; where f' is exactly 0 (ReLU for x < 0) a unit gets no gradient at all. "
        "The log view shows the difference: a tail that fades smoothly versus a hard zero.")
