"""Vanishing gradients: the 0.25^n bound for sigmoid layers and the gradient measured in a random deep net."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from activations_core import ACTIVATIONS
from activations_core import depth as dp
from ui.activation_controls import ActivationControls, seed_input, seed_param
from ui.answer_options import closest_option, nearest_option
from ui.catalog import FORMULA, activation_choices, formula_cost
from ui.chart import show_chart
from ui.figures_curves import Curve, series_table
from ui.figures_depth import (
    Mark, bound_figure, colour_cap, fraction_figure, gradient_figure, histogram_heatmap,
    histogram_table, layer_table, sci, superscript,
)
from ui.measured import depth_run
from ui.presenter import controls, shown
from ui.quiz import question
from ui.state import UrlParam, bind_url
from ui.theme import GREY, activation_colour

CHOICES = activation_choices()
SIGMOID, TANH, RELU = ACTIVATIONS["sigmoid"], ACTIVATIONS["tanh"], ACTIVATIONS["relu"]
ACT_CONTROLS = ActivationControls("vg", CHOICES)
WIDTHS = tuple(str(w) for w in (8, 16, 32, 64, 128, 256) if w <= dp.MAX_WIDTH)
SCALES = ("0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2", "5", "10")
REFERENCE_N = (10, 20, 50)  # reference values marked on the bound chart
TINY = 1e-6  # "the bound drops below 1e-6 after n layers"
QUESTION_DEPTH = 20
QUESTION_NORMAL_SCALE = 1.0  # "plain N(0, 1)" in the initialisation question
BOUND_OPTIONS = {"about 10⁻²": -2, "about 10⁻⁶": -6, "about 10⁻¹²": -12}
ZERO_OPTIONS = {"about 10%": 0.1, "about 50%": 0.5, "about 90%": 0.9}
COMPARE_NETS = (("relu", "he"), ("sigmoid", "xavier"))

ACT = UrlParam("vg_act", "sigmoid" if "sigmoid" in CHOICES else next(iter(CHOICES)), "choice",
               options=tuple(CHOICES))
INIT = UrlParam("vg_init", "xavier", "choice", options=dp.INITS)
SCALE = UrlParam("vg_scale", "1", "choice", options=SCALES)
DEPTH = UrlParam("vg_depth", 20, "int", 1, dp.MAX_DEPTH)
WIDTH = UrlParam("vg_width", "64", "choice", options=WIDTHS)
SEED = seed_param("vg_seed", 0)
COMPARE = UrlParam("vg_compare", True, "bool")
HIST_SCALES = {"shared": "same scale for all layers", "scaled": "each layer divided by its std"}
HIST = UrlParam("vg_hist", "shared", "choice", options=tuple(HIST_SCALES))
SPREAD_HINT = 100.0  # suggest the per-layer scale when layer spreads differ more than this
PARAMS = (ACT, INIT, SCALE, DEPTH, WIDTH, SEED, COMPARE, HIST) + ACT_CONTROLS.url_params


# --------------------------------------------------------------------------- helpers


def net_label(name: str, init: str, params: dict[str, float] | None = None, scale: float = 1.0) -> str:
    """e.g. 'Leaky ReLU (α = 0.01) + He' or 'Sigmoid + Plain normal (σ = 0.5)'."""
    act = ACT_CONTROLS.label(name, params or {})
    init_text = dp.INIT_LABELS[init].split(" (")[0]
    return f"{act} + {init_text}" + (f" (σ = {scale:g})" if init == "normal" else "")


def batch_of(name: str, depth: int, width: int) -> int:
    """The measurement's batch: smaller for big networks and costly typed formulas (dp.batch_for)."""
    cost = formula_cost(st.session_state[FORMULA.key]) if name == "custom" else 1.0
    return dp.batch_for(depth, width, cost)


def run_of(name: str, init: str, *, depth: int, width: int, seed: int,
           params: dict[str, float] | None = None, scale: float = 1.0) -> dp.DepthRun:
    """The cached measurement; the scale only matters for the plain normal init."""
    return depth_run(name, CHOICES[name].latex, tuple(sorted((params or {}).items())), depth,
                      width, init, float(scale) if init == "normal" else 1.0, seed,
                      batch_of(name, depth, width))


def own_max_slope(name: str, params: dict[str, float]) -> float | None:
    """sup |f'| of the activation; None when it is infinite or undefined (a typed formula can be)."""
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            slope = dp.max_slope(CHOICES[name], **params)
    except FloatingPointError:
        return None
    return slope if math.isfinite(slope) else None


def log_gap(ratio: float) -> float:
    """How many decades a ratio is from 1 (inf for 0 or non-finite)."""
    return abs(math.log10(ratio)) if math.isfinite(ratio) and ratio > 0 else math.inf


# --------------------------------------------------------------------------- theory


def theory_section(name: str, params: dict[str, float]) -> bool:
    """The chain rule and the per-layer slope factors; then the question about 0.25^10, and once it
    is answered the numbers and the chart of the slope products. Returns whether it is answered."""
    st.header("Theory: every layer multiplies the gradient by f′")
    sig, tanh, relu = (dp.slope_summary(a) for a in (SIGMOID, TANH, RELU))
    st.markdown(
        "Backpropagation applies the chain rule layer by layer, from the output back to the input "
        "($z_l = W_l h_{l-1} + b_l$ is a layer's input, $h_l = f(z_l)$ its output):")
    st.latex(r"\frac{\partial L}{\partial z_1} = f'(z_1) \odot W_2^{\top}\Bigl(f'(z_2) \odot "
             r"W_3^{\top} \cdots \Bigl(f'(z_L) \odot \frac{\partial L}{\partial h_L}\Bigr)\Bigr)")
    st.latex(r"\Bigl\|\frac{\partial L}{\partial z_1}\Bigr\| \le \bigl(\max|f'|\bigr)^{L}"
             r"\prod_{k=2}^{L}\|W_k\|_2\,\Bigl\|\frac{\partial L}{\partial h_L}\Bigr\|, \qquad "
             rf"\max \sigma' = {sig.max_slope:g} \;\Rightarrow\; {sig.max_slope:g}^{{\,n}}")
    relu_values = " and ".join(f"{v:g}" for v in relu.values) if relu.values else "many values"
    st.markdown(
        f"Each sigmoid layer contributes a factor $\\sigma'(z) \\le {sig.max_slope:g}$, so after "
        f"$n$ sigmoid layers the slope factors alone multiply to at most ${sig.max_slope:g}^n$ (the "
        f"weights multiply in too). Tanh's factor is at most {tanh.max_slope:g} (reached only at "
        f"z = 0), and ReLU's is exactly {relu_values}: {relu.max_slope:g} for an active unit, which "
        f"passes the gradient on unchanged, {relu.min_slope:g} for an inactive one, which blocks it.")
    if not bound_question():
        st.caption(f"How fast {sig.max_slope:g}ⁿ falls, charted against n with its values at 10 and "
                   f"{dp.MAX_DEPTH} layers, appears here once you answer.")
        return False
    below = dp.layers_until_below(TINY, sig.max_slope)
    st.markdown(f"{sig.max_slope:g}{superscript(10)} = **{sci(float(dp.sigmoid_bound(10)))}**: the "
                f"slope factors alone are below {sci(TINY)} from n = {below} sigmoid layers on.")
    n = dp.layer_counts()
    # tanh's and ReLU's lines coincide (both 1ⁿ): their dashes let both show through
    lines = [Curve(f"Sigmoid: {sig.max_slope:g}ⁿ", dp.sigmoid_bound(n), activation_colour("sigmoid")),
             Curve(f"Tanh: at most {tanh.max_slope:g}ⁿ", dp.gradient_bound(n, tanh.max_slope),
                  activation_colour("tanh"), "dash"),
             Curve(f"ReLU: {relu.max_slope:g}ⁿ on an all-active path (0 if a unit is off)",
                  dp.gradient_bound(n, relu.max_slope), activation_colour("relu"), "dot")]
    if name not in ("sigmoid", "tanh", "relu"):
        s = own_max_slope(name, params)
        if s is None:
            st.error(f"{CHOICES[name].display_name} has no finite largest slope |f′|, so it has no "
                     "bound to draw.", icon=":material/error:")
        else:
            lines.append(Curve(f"{CHOICES[name].display_name}: at most {s:.4g}ⁿ",
                              dp.gradient_bound(n, s), activation_colour(name), "dashdot"))
    marks = [Mark(f"n = {k}: {sci(float(dp.sigmoid_bound(k)))}", k, float(dp.sigmoid_bound(k)))
             for k in REFERENCE_N if k <= n[-1]]
    left, right = st.columns([3, 1])
    with left:
        show_chart(bound_figure(n, lines, marks), lambda: series_table("n", n, lines), name="vg_bound",
                   x_title="n, layers the gradient passes back through",
                   y_title="bound on the product of slopes (log scale)", height=400,
                   alt=f"Bound on the product of n slope factors, log scale: sigmoid {sig.max_slope:g} "
                       f"to the n falls to {sci(float(dp.sigmoid_bound(n[-1])))} at n = {n[-1]}; "
                       f"tanh and ReLU stay at {tanh.max_slope:g}.")
    with right:
        st.metric(f"{sig.max_slope:g}{superscript(10)} (10 sigmoid layers)",
                  sci(float(dp.sigmoid_bound(10))))
        st.metric(f"Layers until {sig.max_slope:g}ⁿ < {sci(TINY)}", f"{below}")
        st.metric(f"{sig.max_slope:g}{superscript(n[-1])} ({n[-1]} sigmoid layers)",
                  sci(float(dp.sigmoid_bound(n[-1]))))
    return True


# --------------------------------------------------------------------------- measurement


def controls_panel() -> None:
    """Activation, init, width, depth, parameters, scale, seed and the compare switch."""
    a, b, c, d = st.columns([1.6, 1.4, 1.6, 2])
    a.selectbox("Activation", options=list(CHOICES), format_func=lambda n: CHOICES[n].display_name,
                key=ACT.key, help="Applied after every layer of the random network.")
    b.selectbox("Initialisation", options=list(dp.INITS), format_func=dp.INIT_LABELS.get,
                key=INIT.key, help="He: std √(2/width), for ReLU. Xavier: std √(1/width) here "
                                   "(square layers), for sigmoid and tanh. Plain normal: the std you choose.")
    c.select_slider("Width (units per layer)", options=WIDTHS, key=WIDTH.key,
                    help="Every layer, and the input, has this many units.")
    d.slider("Depth (layers)", min_value=1, max_value=dp.MAX_DEPTH, key=DEPTH.key,
             help="Number of layers, each a weight matrix followed by the activation.")
    name = st.session_state[ACT.key]
    tuned = CHOICES[name].params
    *param_columns, f, g, h = st.columns([1.6] * len(tuned) + [1.6, 1.4, 2])
    for column, p in zip(param_columns, tuned):
        with column:
            ACT_CONTROLS.slider(name, p)
    f.select_slider("Plain normal std σ (log scale)", options=SCALES, key=SCALE.key,
                    disabled=st.session_state[INIT.key] != "normal",
                    help="Weights ~ N(0, σ²). Used by the plain normal initialisation only.")
    with g:
        seed_input(SEED, reseed_key="vg_reseed", fixes="the inputs and the random weights",
                   draws="a new random network")
    h.toggle("Compare with ReLU + He and Sigmoid + Xavier", key=COMPARE.key,
             help="Adds the two classic pairings, same depth, width and seed, as dashed lines.")


def current_settings() -> dict:
    """The measurement settings from the widgets."""
    name, init = st.session_state[ACT.key], st.session_state[INIT.key]
    return dict(name=name, init=init, params=ACT_CONTROLS.values(name), scale=float(st.session_state[SCALE.key]),
                depth=int(st.session_state[DEPTH.key]), width=int(st.session_state[WIDTH.key]),
                seed=int(st.session_state[SEED.key]))


def comparison_nets(s: dict) -> dict[str, tuple[str, str]]:
    """{label: (activation, init)}: ReLU + He and Sigmoid + Xavier, not the main net again."""
    return {net_label(name, init): (name, init) for name, init in COMPARE_NETS
            if (name, init) != (s["name"], s["init"]) and name in CHOICES}


def comparison_runs(s: dict) -> dict[str, tuple[str, dp.DepthRun]]:
    """The comparison nets measured at the same depth, width and seed: {label: (activation, run)}."""
    return {label: (name, run_of(name, init, depth=s["depth"], width=s["width"], seed=s["seed"]))
            for label, (name, init) in comparison_nets(s).items()}


def measurement_section(s: dict, bound_out: bool) -> None:
    """Gradient per layer and the verdict, activation histograms and saturation, each question
    before what answers it: the reference networks join the verdict and the gradient chart once the
    initialisation question is answered, the saturation chart once the zeros question is; the
    0.25ⁿ line waits for the theory's question (``bound_out``)."""
    run = run_of(s["name"], s["init"], depth=s["depth"], width=s["width"], seed=s["seed"],
                 params=s["params"], scale=s["scale"])
    label = net_label(s["name"], s["init"], s["params"], s["scale"])
    compared = comparison_nets(s) if st.session_state[COMPARE.key] else {}  # measured once a question lets them in
    if not run.finite:
        st.warning("Some values overflowed to infinity or NaN: the weights are too large for this "
                   "depth. The charts leave those values out.", icon=":material/warning:")
    init_out = init_question(s)
    if compared and not init_out:
        st.caption(f"{joins(compared)} the chart and these numbers, at the same depth, width and "
                   "seed, once you answer the question above.")
    compare = comparison_runs(s) if compared and init_out else {}
    gradient_chart(run, label, s, compare, bound_out)  # right under its question
    verdict(run, label, s, compare, bound_out)
    zeros_out = zeros_question(s)
    left, right = st.columns(2)
    with left:
        histogram_chart(run, label)
    with right:
        saturation_chart(run, label, s, comparison_runs(s) if compared and zeros_out else {})
        if compared and not zeros_out:
            st.caption(f"{joins(compared)} this chart once you answer the question above.")
    xavier_question(s)


def joins(compare: dict) -> str:
    """'ReLU + He joins' or 'ReLU + He and Sigmoid + Xavier join': what a question holds back."""
    return " and ".join(compare) + (" joins" if len(compare) == 1 else " join")


def verdict(run: dp.DepthRun, label: str, s: dict, compare: dict, bound_out: bool) -> None:
    """The computed headline: layer 1's gradient relative to the output layer's (and, once the
    theory's question is answered, what the sigmoid's slopes alone allow)."""
    bound = float(dp.sigmoid_bound(s["depth"]))
    first = run.first_layer_ratio
    st.markdown(
        f"**{label}**, {s['depth']} layers of {s['width']} units, seed {s['seed']}: the gradient at "
        f"layer 1 is **{sci(first)}** of the output layer's"
        + (f" (the sigmoid's slopes alone multiply to at most {dp.SIGMOID_MAX_SLOPE:g}"
           f"{superscript(s['depth'])} = {sci(bound)}; the weights multiply in too, so the measured "
           "gradient can sit above or below it)" if bound_out else "")
        + "." + (" It underflowed to exactly 0 in float64." if first == 0 else ""))
    cells = [(label, first)] + [(lab, r.first_layer_ratio) for lab, (_, r) in compare.items()]
    st.caption("Gradient at layer 1 ÷ gradient at the output, ‖∂L/∂z₁‖ ÷ ‖∂L/∂h_L‖ over the batch:")
    for column, (lab, value) in zip(st.columns(len(cells)), cells):
        column.metric(lab, sci(value))
    if compare:
        kept = dict(cells)
        alive = min(kept, key=lambda k: log_gap(kept[k]))
        worst = max(kept, key=lambda k: log_gap(kept[k]))
        change = "blows it up to" if kept[worst] > 1 else "shrinks it to"
        st.markdown(f"**{alive}** keeps the gradient closest to its output size "
                    f"({sci(kept[alive])}), while **{worst}** {change} {sci(kept[worst])}.")


def gradient_chart(run: dp.DepthRun, label: str, s: dict, compare: dict, bound_out: bool) -> None:
    """Relative gradient per layer, on a log axis; the slopes-alone 0.25^n line once ``bound_out``."""
    lines = [Curve(label, run.grad_ratio, activation_colour(s["name"]))]
    lines += [Curve(lab, r.grad_ratio, activation_colour(name), "dash")
              for lab, (name, r) in compare.items()]
    if bound_out:
        lines.append(Curve(f"sigmoid slopes alone ≤ {dp.SIGMOID_MAX_SLOPE:g}ⁿ, n = L − l + 1 "
                          "(weights not included)", dp.sigmoid_bound(run.layers_passed), GREY, "dot"))
        own = own_max_slope(s["name"], s["params"])
        if own is not None and own != dp.SIGMOID_MAX_SLOPE:
            lines.append(Curve(f"{CHOICES[s['name']].display_name} slopes alone ≤ {own:.4g}ⁿ",
                              dp.gradient_bound(run.layers_passed, own), GREY, "dashdot"))
    show_chart(gradient_figure(run.layers, lines), lambda: series_table("layer", run.layers, lines),
               name="vg_gradients", x_title="layer l (the gradient flows from layer L back to 1)",
               y_title="‖∂L/∂z_l‖ ÷ ‖∂L/∂h_L‖ (log scale)", height=440,
               alt=f"Gradient size per layer relative to the output gradient, log scale, for {label}"
                   + "".join(f" and {lab}" for lab in compare)
                   + f"; at layer 1 it is {sci(run.first_layer_ratio)}.")
    batch = batch_of(s["name"], s["depth"], s["width"])
    smaller = (f" (fewer than {dp.DEFAULT_BATCH}: a network this size, with this activation, would otherwise "
               "keep the shared server busy for seconds)" if batch < dp.DEFAULT_BATCH else "")
    st.caption(f"Measured on a batch of {batch} standard-normal inputs{smaller}, loss L = a "
               "fixed random read-out of the last layer. Gaps on the log axis are exact zeros (underflow). "
               + ("The dotted line bounds only the product of the activation's slopes; each layer's "
                  "weights multiply the gradient too, so large weights can lift it above the line."
                  if bound_out else
                  f"The line for the slopes alone, {dp.SIGMOID_MAX_SLOPE:g}ⁿ, joins the chart once you "
                  "answer the theory's question."))


def histogram_chart(run: dp.DepthRun, label: str) -> None:
    """Each layer's histogram of activation values as one row of a heatmap."""
    scaled = st.session_state[HIST.key] == "scaled"
    edges, fraction = ((run.scaled_hist_edges, run.scaled_hist_fraction) if scaled
                       else (run.hist_edges, run.hist_fraction))
    cap = colour_cap(fraction)
    show_chart(histogram_heatmap(edges, run.layers, fraction, zmax=cap),
               lambda: histogram_table(edges, run.layers, fraction), name="vg_histograms",
               x_title="activation h ÷ its layer's std" if scaled else "activation value h",
               y_title="layer", height=420,
               alt=f"Histogram of activation values per layer for {label}"
                   + (", each layer divided by its standard deviation" if scaled else "")
                   + ": each row is a layer.")
    with controls("Histogram scale"):
        st.radio("Histogram x-axis", options=list(HIST_SCALES), format_func=HIST_SCALES.get,
                 key=HIST.key, horizontal=True,
                 help="Divide each layer by its standard deviation to compare shapes when the "
                      "layers' scales differ by orders of magnitude (0 stays at 0).")
    notes = []
    if float(fraction.max()) > cap:
        notes.append(f"Colours top out at {cap:.1%}; the brightest cells hold up to "
                     f"{float(fraction.max()):.0%} (hover for each share).")
    spreads = run.std[np.isfinite(run.std) & (run.std > 0)]
    if not scaled and spreads.size and spreads.max() / spreads.min() > SPREAD_HINT:
        notes.append(f"The layers' standard deviations range from {sci(float(spreads.min()))} to "
                     f"{sci(float(spreads.max()))}: choose “{HIST_SCALES['scaled']}” to see every "
                     "layer's shape.")
    if notes:
        st.caption(" ".join(notes))


def saturation_chart(run: dp.DepthRun, label: str, s: dict, compare: dict) -> None:
    """Per layer: the share of saturated outputs (output range bounded on both sides), otherwise
    the share of outputs that are exactly 0 (a ReLU unit that is off)."""
    lines = []
    for lab, name, r, dash in [(label, s["name"], run, "solid"),
                               *[(lab, n, r, "dash") for lab, (n, r) in compare.items()]]:
        if np.any(np.isfinite(r.saturated_fraction)):
            lines.append(Curve(f"{lab}: saturated", r.saturated_fraction, activation_colour(name), dash))
        else:
            lines.append(Curve(f"{lab}: exactly 0", r.zero_fraction, activation_colour(name), dash))
    show_chart(fraction_figure(run.layers, lines), lambda: layer_table(run, lines),
               name="vg_saturation", x_title="layer", y_title="share of outputs", height=420,
               alt="Share of saturated or exactly-zero outputs per layer: " + ", ".join(
                   f"{line.label} {np.nanmean(line.y):.0%} on average" for line in lines) + ".")
    (s_lo, s_hi), (_, t_hi) = dp.saturation_band(SIGMOID), dp.saturation_band(TANH)
    st.caption(f"Saturated: within {dp.SATURATION_MARGIN:.0%} of either end of the output range "
               f"(sigmoid below {s_lo:g} or above {s_hi:g}, tanh beyond ±{t_hi:g}), where the "
               "slope is tiny.")


# --------------------------------------------------------------------------- questions


# The initialisations the questions compare, by label: (init, its scale).
QUESTION_INITS = {dp.INIT_LABELS["he"]: ("he", 1.0), dp.INIT_LABELS["xavier"]: ("xavier", 1.0),
                  f"Plain normal N(0, {QUESTION_NORMAL_SCALE:g})": ("normal", QUESTION_NORMAL_SCALE)}


def question_runs(s: dict) -> dict[str, dp.DepthRun]:
    """The networks the questions ask about: ReLU at QUESTION_DEPTH layers under each init, at the
    page's width and seed (cached, so every question shares them)."""
    return {label: run_of("relu", init, scale=scale, depth=QUESTION_DEPTH, width=s["width"], seed=s["seed"])
            for label, (init, scale) in QUESTION_INITS.items()}


def bound_question() -> bool:
    """How small 0.25^10 is, answered by its value and the next two."""
    bound10 = float(dp.sigmoid_bound(10))
    exponent = math.log10(bound10)
    return question(
        "vg_q_bound", "After 10 sigmoid layers, the slope factors alone multiply to at most about:",
        list(BOUND_OPTIONS), nearest_option(BOUND_OPTIONS, exponent),
        f"{dp.SIGMOID_MAX_SLOPE:g}{superscript(10)} = **{bound10:.4e}**, just below {sci(TINY)}; after "
        f"20 layers it is {sci(float(dp.sigmoid_bound(20)))} and after 50, "
        f"{sci(float(dp.sigmoid_bound(50)))}.")


def init_question(s: dict) -> bool:
    """Which init keeps a deep ReLU network's gradient, answered by the three measured ratios
    (measured once the question is committed)."""
    def measured() -> tuple[int, str]:
        ratios = {k: r.first_layer_ratio for k, r in question_runs(s).items()}
        best = closest_option({k: log_gap(v) for k, v in ratios.items()})  # nearest 1 on a log scale
        return (best, f"Layer-1 gradient ÷ output gradient, measured (seed {s['seed']}): "
                + "; ".join(f"{k}: **{sci(v)}**" for k, v in ratios.items())
                + ". He's std √(2/width) doubles the variance to make up for ReLU zeroing half the units.")

    return question(
        "vg_q_init", f"A {QUESTION_DEPTH}-layer ReLU network of width {s['width']}: which "
        "initialisation keeps the layer-1 gradient closest to the output gradient?", list(QUESTION_INITS), measured)


def zeros_question(s: dict) -> bool:
    """What share of a ReLU layer's outputs is exactly 0, answered by the He network's layers."""
    def measured() -> tuple[int, str]:
        he = question_runs(s)[dp.INIT_LABELS["he"]]
        zeros = float(he.zero_fraction.mean())
        return (nearest_option(ZERO_OPTIONS, zeros),
                f"Measured: **{zeros:.1%}** on average over the {QUESTION_DEPTH} layers (from "
                f"{he.zero_fraction.min():.1%} to {he.zero_fraction.max():.1%}). The weights are symmetric "
                "around 0, so about half of the pre-activations are negative and ReLU zeroes them.")

    return question("vg_q_zeros", "In a ReLU layer at He initialisation, what share of the outputs is exactly 0?",
                    list(ZERO_OPTIONS), measured)


def xavier_question(s: dict) -> bool:
    """Which activation keeps the gradient under Xavier, answered by the three measured ratios."""
    names = [n for n in ("sigmoid", "tanh", "relu") if n in CHOICES]

    def measured() -> tuple[int, str]:
        shape = dict(depth=QUESTION_DEPTH, width=s["width"], seed=s["seed"])
        acts = {CHOICES[n].display_name: run_of(n, "xavier", **shape).first_layer_ratio for n in names}
        most = max(acts, key=lambda k: acts[k])
        relu_off = float(question_runs(s)[dp.INIT_LABELS["xavier"]].zero_fraction.mean())
        return (list(acts).index(most), "Layer-1 gradient ÷ output gradient: "
                + "; ".join(f"{k}: **{sci(v)}**" for k, v in acts.items())
                + f". Tanh's slope is {dp.max_slope(TANH):g} at 0, near where Xavier keeps its inputs; "
                f"sigmoid's is at most {dp.SIGMOID_MAX_SLOPE:g}; ReLU switches off {relu_off:.0%} of the units "
                "per layer here, which Xavier does not make up for (He does).")

    return question(
        "vg_q_xavier", f"With Xavier initialisation and {QUESTION_DEPTH} layers of width "
        f"{s['width']}, which activation keeps the largest share of the gradient at layer 1?",
        [CHOICES[n].display_name for n in names], measured)


def notes_section() -> None:
    """The precise statement behind the bound, the loss used, and why He init works."""
    st.header("What exactly is measured")
    st.markdown(
        "- **Network**: depth L layers, each $z_l = W_l h_{l-1} + b_l$, $h_l = f(z_l)$, square "
        "weights drawn from one seeded random stream (inputs first, then the read-out, then one "
        "standard-normal matrix per layer times the init's std), zero biases. The same seed gives "
        "every initialisation the same random matrices, so the inits differ only in scale.\n"
        "- **Loss**: a fixed random read-out $L = \\frac{1}{B}\\sum_b r_b \\cdot h_L^{(b)}$, so the "
        "output gradient $\\partial L / \\partial h_L$ points in a random direction.\n"
        "- **Plotted**: $\\|\\partial L/\\partial z_l\\| \\,/\\, \\|\\partial L/\\partial h_L\\|$ "
        "(Frobenius norms over the batch): how much of the output gradient reaches layer l after "
        "$n = L - l + 1$ activation layers.\n"
        "- **The bound** is on the product of slope factors. The weights multiply in too: the "
        "guarantee is ratio $\\le (\\max|f'|)^n \\prod_{k>l} \\|W_k\\|_2$, so large weights can lift "
        f"a sigmoid network's gradient above ${dp.SIGMOID_MAX_SLOPE:g}^n$ (try the plain normal "
        f"init with σ = {SCALES[-1]}) while "
        "its units saturate.\n"
        "- **He init** makes $\\mathrm{Var}(z_l)$ the same in every layer for ReLU: each unit "
        "sums `width` inputs, ReLU keeps half of the signal's power, and std $\\sqrt{2/\\text{width}}$ "
        "makes up exactly that factor 2; the backward pass is balanced the same way.")


# --------------------------------------------------------------------------- page

st.title("Vanishing gradients")
st.markdown("Why deep sigmoid networks stop learning, and how ReLU with He initialisation keeps the "
            "gradient alive: first the bound, then a measured network.")
bind_url(PARAMS)
bound_answered = True  # the theory's question is asked before anything that can fail
try:
    bound_answered = theory_section(st.session_state[ACT.key], ACT_CONTROLS.values(st.session_state[ACT.key]))
except ValueError as err:
    st.error(f"Could not compute the bound: {err}", icon=":material/error:")
st.header("Measurement: a random deep network")
with controls():
    controls_panel()
settings = current_settings()
try:
    measurement_section(settings, bound_answered)
except ValueError as err:
    st.error(f"Could not measure this network: {err}", icon=":material/error:")
if shown("notes"):
    notes_section()
