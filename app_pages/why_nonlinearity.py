"""Why non-linearity? Stacked linear layers collapse to one; an activation between them bends the line.

Each predict-then-reveal question stands before what answers it, which appears once it is answered."""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
import streamlit as st

from activations_core import ACTIVATIONS
from activations_core import nonlinearity as nl
from ui.activation_controls import ActivationControls, seed_input, seed_param
from ui.answer_options import band_of
from ui.catalog import activation_choices
from ui.chart import show_chart
from ui.figures_curves import Curve, series_table
from ui.measured import depth_profile
from ui.figures_basics import (by_depth_figure, matrix_latex, network_with_activation_figure,
                               network_without_activation_figure)
from ui.presenter import controls, shown
from ui.quiz import question
from ui.state import UrlParam, bind_url
from ui.theme import activation_colour

CHOICES = activation_choices()
WIDTH = 8  # neurons per hidden layer of the 1-D network
X_LO, X_HI = -3.0, 3.0
MAX_LAYERS = 10
DEPTHS = tuple(range(1, MAX_LAYERS + 1))
COMPARE_DEPTHS = (1, 6)  # the "which has more kinks" question, asked about ReLU
PLOT_POINTS = 1_201
ACT_CONTROLS = ActivationControls("nl", CHOICES)

LAYERS = UrlParam("nl_layers", 3, "int", 1, MAX_LAYERS)
ACT = UrlParam("nl_act", "relu" if "relu" in CHOICES else next(iter(CHOICES)), "choice",
               options=tuple(CHOICES))
SIZE = UrlParam("nl_size", 2, "int", 2, 3)
SEED = seed_param("nl_seed", 6)
PARAMS = (LAYERS, ACT, SIZE, SEED) + ACT_CONTROLS.url_params


def line_text(slope: float, intercept: float, digits: int) -> str:
    """e.g. 'y = 9.03·x − 1.05'."""
    sign = "−" if intercept < 0 else "+"
    return f"y = {slope:.{digits}g}·x {sign} {abs(intercept):.{digits}g}"


def profile_of(name: str, params: dict[str, float], seed: int) -> nl.DepthProfile:
    return depth_profile(name, CHOICES[name].latex, tuple(sorted(params.items())), seed, DEPTHS, WIDTH,
                         X_LO, X_HI)


def controls_panel() -> None:
    """Depth, activation (and its parameters), matrix size and seed."""
    a, b, c, d = st.columns([2, 2, 1.2, 1.6])
    a.slider("Number of layers k", min_value=1, max_value=MAX_LAYERS, key=LAYERS.key,
             help="Layers in the stack; the 1-D network has k hidden layers of 8 neurons.")
    b.selectbox("Activation between the layers", options=list(CHOICES),
                format_func=lambda n: CHOICES[n].display_name, key=ACT.key,
                help="Applied after every hidden layer of the 1-D network.")
    c.radio("Matrix size", options=[2, 3], format_func=lambda n: f"{n}×{n}", key=SIZE.key,
            horizontal=True, help="Size of the weight matrices shown in the collapse demo.")
    with d:
        seed_input(SEED, reseed_key="nl_reseed", fixes="the random weights", draws="new random weights")
    ACT_CONTROLS.slider_row([st.session_state[ACT.key]])


def layers_latex(layers: list[nl.Layer], per_row: int = 2) -> str:
    """W_i, b_i of every layer, ``per_row`` layers to a line."""
    cells = [f"W_{{{i}}} = {matrix_latex(layer.weight)},\\ b_{{{i}}} = {matrix_latex(layer.bias)}"
             for i, layer in enumerate(layers, start=1)]
    lines = [r" \qquad ".join(cells[j:j + per_row]) for j in range(0, len(cells), per_row)]
    return r"\begin{gathered}" + r" \\[10pt] ".join(lines) + r"\end{gathered}"


def line_question(k: int, facts: dict) -> bool:
    """Without an activation, is the map a line? Answered by the no-activation chart and metrics."""
    return question(
        "nl_q_line", f"After {k} linear layers with no activation, the map x ↦ y is:",
        ["a straight line", "a curve with kinks", "a smooth curve"], 0 if facts["straight"] else 1,
        f"It stays within **{facts['linear_deviation']:.1e}** of a straight line (rounding): "
        f"the layers are the single layer {line_text(facts['slope'], facts['intercept'], 4)}.")


class NetworkRun(NamedTuple):
    """The 1-D network on the plotted inputs ``x``."""

    x: np.ndarray
    linear: np.ndarray  # no activation, layer by layer
    collapsed: np.ndarray  # no activation, the one multiplied-out layer
    activated: np.ndarray | None  # with the activation (None if it failed here)
    profile: nl.DepthProfile | None  # the activation's kinks or bend for every depth
    facts: dict  # the collapsed line's slope and intercept, and how straight the linear output is


def run_network(k: int, name: str, params: dict[str, float], seed: int) -> NetworkRun:
    """The 1-D network without and with the activation (an error shown if the activation fails)."""
    net = nl.scalar_network(k, WIDTH, seed)
    x = np.linspace(X_LO, X_HI, PLOT_POINTS)
    linear = nl.curve(net, x)
    single = nl.collapse(net)
    facts = {"linear_deviation": nl.deviation_from_line(x, linear),
             "slope": float(single.weight[0, 0]), "intercept": float(single.bias[0]),
             "straight": nl.is_straight(x, linear)}
    activated, profile = None, None
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # a typed formula can give inf/NaN
            activated = nl.curve(net, x, CHOICES[name], params)
            profile = profile_of(name, params, seed)
    except FloatingPointError as err:
        activated = None
        st.error(f"{CHOICES[name].display_name} gives infinite or undefined values inside this network "
                 f"({err}). Only the linear network is shown.", icon=":material/error:")
    except (ValueError, ArithmeticError) as err:
        activated = None
        st.error(f"{CHOICES[name].display_name} could not be evaluated: {err}. "
                 "Only the linear network is shown.", icon=":material/error:")
    return NetworkRun(x, linear, nl.curve([single], x), activated, profile, facts)


def curve_section(k: int, name: str, params: dict[str, float], seed: int) -> nl.DepthProfile | None:
    """The 1-D input through the network with the activation, the question beside it; below, once
    it is answered, the same network without the activation and its single layer. Returns the
    activation's depth profile."""
    st.header("Push a line through the network")
    label = ACT_CONTROLS.label(name)
    st.markdown(f"Feed one number $x \\in [{X_LO:g}, {X_HI:g}]$ through {k} hidden "
                f"layer{'s' if k > 1 else ''} of {WIDTH} neurons, with {label} after each, and a "
                "linear read-out. What if the activation were left out?")
    run = run_network(k, name, params, seed)
    x, facts = run.x, run.facts
    line_colour = activation_colour(name)
    chart_column, question_column = st.columns(2)
    if run.activated is not None:
        with chart_column:
            show_chart(network_with_activation_figure(x, run.activated, label, line_colour),
                       lambda: series_table("x", x, [Curve(f"with {label}", run.activated, line_colour)]),
                       name="network_with_activation", x_title="input x", y_title="output y",
                       alt=f"Output of a {k}-layer network with {label} against its input: a bent curve.")
    with question_column:
        revealed = line_question(k, facts)
    if revealed:
        chart_column, metric_column = st.columns(2)
        with chart_column:
            show_chart(network_without_activation_figure(x, run.linear, run.collapsed, line_colour),
                       lambda: series_table("x", x, [Curve("no activation", run.linear, line_colour),
                                                     Curve("collapsed single layer", run.collapsed, line_colour)]),
                       name="network_without_activation", x_title="input x", y_title="output y",
                       alt=f"Output of the same {k}-layer network without an activation: a straight "
                           "line, matching its collapsed single layer.")
        metric_column.metric("No activation: the single layer",
                             line_text(facts["slope"], facts["intercept"], 3),
                             help="W and b from multiplying out the layers (the dashed line).")
        metric_column.metric("No activation: distance from a straight line",
                             f"{facts['linear_deviation']:.1e}",
                             help="Largest gap to the best-fitting line.")
    return run.profile


def kinks_count_question(k: int, relu: nl.DepthProfile) -> bool:
    """Kinks of the k-layer ReLU curve against its number of neurons."""
    neurons = k * WIDTH
    kinks = relu.kinks[k - 1]
    return question(
        "nl_q_neurons", f"This ReLU network has {k} hidden layer{'s' if k > 1 else ''} of "
        f"{WIDTH} neurons, {neurons} in all. How many kinks does its curve have on "
        f"[{X_LO:g}, {X_HI:g}]?",
        [f"fewer than {neurons}", f"exactly {neurons}", f"more than {neurons}"],
        0 if kinks < neurons else 1 if kinks == neurons else 2,
        f"Counted: **{kinks}**. A neuron adds a kink where its input crosses 0; crossings "
        f"outside [{X_LO:g}, {X_HI:g}] do not show, some neurons never cross, and a deeper "
        "neuron can cross several times.")


def kinks_depth_question(seed: int, relu: nl.DepthProfile) -> bool:
    """Which of two depths gives the ReLU curve more kinks."""
    shallow, deep = (relu.kinks[d - 1] for d in COMPARE_DEPTHS)
    return question(
        "nl_q_depth", f"With ReLU (width {WIDTH}, seed {seed}), which curve has more kinks on "
        f"[{X_LO:g}, {X_HI:g}]?",
        [f"{COMPARE_DEPTHS[0]} hidden layer", f"{COMPARE_DEPTHS[1]} hidden layers", "the same number"],
        2 if shallow == deep else 0 if shallow > deep else 1,
        f"Counted: **{shallow}** kinks with {COMPARE_DEPTHS[0]} layer, **{deep}** with "
        f"{COMPARE_DEPTHS[1]}. Each layer can fold the pieces made by the layers before it.")


def by_depth_chart(k: int, label: str, line_colour: str, values, value_name: str) -> None:
    """One bar per depth of ``value_name`` (kinks, or distance from a line), depth k outlined."""
    show_chart(by_depth_figure(DEPTHS, values, k, line_colour, value_name),
               lambda: series_table("hidden layers", DEPTHS, [Curve(value_name, values, line_colour)]),
               name="by_depth", x_title="hidden layers", y_title=value_name, height=300,
               alt=f"{value_name} of the curve with {label} for 1 to {MAX_LAYERS} hidden layers.")


def kink_questions(k: int, seed: int, kinks_here: int | None, label: str,
                   by_depth: Callable[[], None] | None = None) -> None:
    """The two questions about ReLU's kinks side by side (stacked on a phone). Under the first,
    once it is answered, the kinks of the curve above (``kinks_here``, None for an activation
    that is not piecewise linear); under the second, once both are answered, ``by_depth`` draws
    the kinks for every depth (its bar for this depth would answer the first)."""
    relu = profile_of("relu", ACTIVATIONS["relu"].defaults(), seed)
    this_depth, other_depths = st.columns(2)
    with this_depth:
        count_out = kinks_count_question(k, relu)
        if count_out and kinks_here is not None:
            st.metric(f"Kinks with {label} on [{X_LO:g}, {X_HI:g}]", f"{kinks_here}",
                      help="Slope changes counted on a fine grid by the core.")
    with other_depths:
        depth_out = kinks_depth_question(seed, relu)
        if by_depth is not None and count_out and depth_out:
            by_depth()
        elif by_depth is not None and depth_out:
            st.caption("The kinks for every depth appear once the question about this network's "
                       "kinks is answered too.")


def depth_section(k: int, name: str, profile: nl.DepthProfile | None, seed: int) -> None:
    """Kinks (piecewise-linear activations) or bend against depth, the current depth outlined.

    The two questions count ReLU's kinks, so every kink count waits for them; a smooth
    activation's bend answers neither and shows at once, with the questions after it.
    """
    label, line_colour = ACT_CONTROLS.label(name), activation_colour(name)
    if profile is not None and profile.kinks is not None:
        st.header("Count the kinks")
        st.markdown(f"{CHOICES[name].display_name} is piecewise linear, so the curve is made of "
                    "straight pieces joined at kinks.")
        def kinks_by_depth() -> None:
            st.markdown(f"Kinks with {label}, same seed, 1 to {MAX_LAYERS} hidden layers ({k} outlined):")
            by_depth_chart(k, label, line_colour, profile.kinks, "kinks")

        kink_questions(k, seed, profile.kinks[k - 1], label, kinks_by_depth)
        return
    if profile is not None:
        st.header("How far it bends")
        st.markdown(f"{CHOICES[name].display_name} is not piecewise linear: the curve bends "
                    "smoothly rather than at kinks, so we measure how far it strays from a straight "
                    "line. Same seed, more layers:")
        st.metric(f"With {label}: distance from a straight line", f"{profile.deviations[k - 1]:.3g}",
                  help="Largest gap between the curve and its best-fitting line.")
        by_depth_chart(k, label, line_colour, profile.deviations, "distance from a straight line")
    st.header("Kinks with ReLU")
    st.markdown("With ReLU the curve is made of straight pieces joined at kinks; choose ReLU above "
                "to see them counted.")
    kink_questions(k, seed, None, label)


def error_question(k: int, size: int, error: float) -> bool:
    """How far apart the layers one by one and their product get, in floating point."""
    options = ["exactly 0", "tiny, below 1e-12 (rounding only)", "between 1e-12 and 1", "more than 1"]
    return question(
        "nl_q_error", f"Apply your {k} {size}×{size} layers one by one, or their product once. "
        "The largest difference over 1,000 random inputs is:", options,
        0 if error == 0 else band_of((0.0, 1e-12, 1.0), error),
        f"Measured: **{error:.2e}**. The algebra is exact; floating-point arithmetic rounds the "
        "two orders of operations differently"
        + (", and with a single layer there is nothing to reorder." if k == 1 else "."))


def collapse_section(k: int, size: int, seed: int) -> None:
    """The algebra, the random matrices and their product; the measured difference between the
    two once the question about it is answered."""
    st.header("Linear layers collapse into one")
    st.markdown("A layer computes $W x + b$. Put $k$ of them in a row with nothing in between and "
                "multiply out:")
    st.latex(r"W_k\bigl(\cdots W_2(W_1 x + b_1) + b_2 \cdots\bigr) + b_k"
             r" = \underbrace{W_k \cdots W_1}_{W}\,x"
             r" + \underbrace{\textstyle\sum_{i=1}^{k} W_k \cdots W_{i+1}\, b_i}_{b} = W x + b")
    layers = nl.random_layers([size] * (k + 1), seed)
    single = nl.collapse(layers)
    st.markdown(f"Your {k} random {size}×{size} layers (weights shown to 2 decimals):")
    st.latex(layers_latex(layers))
    st.markdown("…are exactly one layer (the first layer acts first, so $W_1$ stands on the right):")
    st.latex(f"W = {matrix_latex(single.weight, 3)}, \\qquad b = {matrix_latex(single.bias, 3)}")
    error = nl.collapse_error(layers, seed=seed)
    if error_question(k, size, error):
        st.metric("Largest difference: layers one by one vs. the single layer (1,000 random inputs)",
                  f"{error:.1e}",
                  help="Floating-point rounding only: the two computations round in a different order.")


def notes(k: int) -> None:
    """The longer explanation, for students who want it."""
    if not shown("notes"):
        return
    with st.expander("Why this matters", expanded=False):
        st.markdown(
            f"- Depth buys nothing without non-linearity: the {k}-layer linear stack above can only "
            "rotate, stretch and shift, exactly like one layer. Its decision boundaries are straight, "
            "so it cannot even separate XOR.\n"
            "- A piecewise-linear activation such as ReLU makes the network piecewise linear: every "
            "neuron adds a possible kink, and deeper layers reuse and fold the pieces of earlier ones.\n"
            "- A smooth activation (tanh, GELU, Swish) bends the line everywhere instead of at kinks.\n"
            "- With enough neurons, a network with a non-polynomial activation can approximate any "
            "continuous function on a closed, bounded (compact) set as closely as wanted (the universal "
            "approximation theorem).")


st.title("Why non-linearity?")
st.markdown("What does an activation between the layers of a network buy? Push a number through a "
            "small network and see.")
bind_url(PARAMS)
with controls():
    controls_panel()
k, size, seed = int(st.session_state[LAYERS.key]), int(st.session_state[SIZE.key]), int(st.session_state[SEED.key])
name = st.session_state[ACT.key]
profile = curve_section(k, name, ACT_CONTROLS.values(name), seed)
depth_section(k, name, profile, seed)
collapse_section(k, size, seed)
notes(k)
