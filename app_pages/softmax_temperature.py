"""Softmax temperature: edit logits, turn T from 0.01 to 100; see one-hot and uniform limits,
overflow in the naive formula, and the Jacobian."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from activations_core import naive_softmax_report
from activations_core.logits import (
    DEFAULT_LOGITS_TEXT, MAX_LOGITS_CHARS, MAX_NAMES_CHARS, PRESETS, TEMPERATURE_STEPS,
    cold_temperature, compare_formulas, default_names, equivalent_temperature_gaps, hot_temperature,
    limit_kind, nearest_step, parse_class_names, parse_logits, question_logits, shift_gap,
    softmax_view, temperature_sweep,
)
from ui.chart import show_chart
from ui.figures_softmax import (
    bars_table, jacobian_heatmap, jacobian_table, probability_bars, stability_tables, sweep_figure,
    sweep_table,
)
from ui.presenter import controls, shown
from ui.answer_options import nearest_option
from ui.quiz import question
from ui.state import UrlParam, bind_url, markdown_literal

LOGITS = UrlParam("sm_logits", DEFAULT_LOGITS_TEXT, "text", max_len=MAX_LOGITS_CHARS)
NAMES = UrlParam("sm_names", "", "text", max_len=MAX_NAMES_CHARS)
TEMPERATURE = UrlParam("sm_t", 1.0, "float", TEMPERATURE_STEPS[0], TEMPERATURE_STEPS[-1])
PARAMS = (LOGITS, NAMES, TEMPERATURE)
# The text box has its own key: LOGITS (the URL) only ever holds logits that parsed, so a shared
# link always reproduces the charts, and a typo keeps the last good logits on screen.
LOGITS_BOX = "sm_logits_text"
DOUBLING_CANDIDATES = (2.0, 0.5, 1.0, 4.0)
SHIFT = 1000.0


def bind_link() -> None:
    """Seed the widgets from the link; unusable logits, names or T fall back, and one notice says
    which and why."""
    fresh = {p.key for p in PARAMS if p.key not in st.session_state}
    problems = []
    for p in PARAMS:
        raw = st.query_params.get_all(p.key)
        if p.key not in fresh or not raw:
            continue
        try:
            p.parse(raw)
        except ValueError as err:
            problems.append(f"`{p.key}` ({markdown_literal(err)}), so the default is shown")
            del st.query_params[p.key]  # bind_url then falls back as it would, without its own notice
    bind_url(PARAMS)
    try:
        n = parse_logits(st.session_state[LOGITS.key]).size
    except ValueError as err:
        if LOGITS.key in fresh:
            problems.append(f"`{LOGITS.key}` ({markdown_literal(err)}), so the default logits are shown")
        st.session_state[LOGITS.key] = LOGITS.default
        n = parse_logits(LOGITS.default).size
    if NAMES.key in fresh:
        try:
            parse_class_names(st.session_state[NAMES.key], n)
        except ValueError as err:
            problems.append(f"`{NAMES.key}` ({markdown_literal(err)}), so the classes are numbered")
            st.session_state[NAMES.key] = NAMES.default
    t = st.session_state[TEMPERATURE.key]
    if t not in TEMPERATURE_STEPS:
        st.session_state[TEMPERATURE.key] = nearest_step(t)
        problems.append(f"`{TEMPERATURE.key}` ({t:g} is between the slider's steps, so the nearest "
                        f"one, T = {nearest_step(t):g}, is shown)")
    if problems:
        st.info("Some settings in this link could not be used as they are: " + "; ".join(problems)
                + ".", icon=":material/link_off:")
    st.session_state.setdefault(LOGITS_BOX, st.session_state[LOGITS.key])


def fill_preset(logits: str, names: str) -> None:
    """Callback: put a preset's logits and names in the text boxes."""
    st.session_state[LOGITS_BOX] = logits
    st.session_state[NAMES.key] = names


def controls_panel() -> None:
    """Logits and names text boxes, preset buttons, the temperature slider."""
    left, right = st.columns([3, 2])
    left.text_input("Logits (2 to 10 numbers, separated by commas)", key=LOGITS_BOX,
                    placeholder=DEFAULT_LOGITS_TEXT,
                    help=f"The raw scores a network outputs before softmax, e.g. {DEFAULT_LOGITS_TEXT}. "
                         "Press Enter to apply.")
    right.text_input("Class names (optional, one per logit)", key=NAMES.key,
                     max_chars=MAX_NAMES_CHARS, placeholder="cat, dog, bird",
                     help="Leave empty to number the classes.")
    st.caption("Presets")
    for column, (i, preset) in zip(st.columns(len(PRESETS)), enumerate(PRESETS)):
        column.button(preset.label, key=f"sm_preset_{i}", on_click=fill_preset,
                      args=(preset.logits, preset.names), help=f"{preset.logits}: {preset.shows}.",
                      width="stretch")
    st.select_slider("Temperature T (log scale)", options=TEMPERATURE_STEPS, key=TEMPERATURE.key,
                     format_func=lambda t: f"{t:g}",
                     help="Softmax of z / T: below 1 sharpens the distribution, above 1 flattens it.")


def current_logits() -> np.ndarray:
    """The logits in the text box if they parse; otherwise an error and the last good logits."""
    text = st.session_state[LOGITS_BOX]
    try:
        z = parse_logits(text)
    except ValueError as err:
        last = st.session_state[LOGITS.key]
        st.error(f"Logits: {markdown_literal(err)}. Still showing the last good logits, `{last}`.",
                 icon=":material/error:")
        return parse_logits(last)
    st.session_state[LOGITS.key] = text.strip()
    return z


def current_names(n: int) -> list[str]:
    """The class names if they fit these logits; otherwise a warning and numbered classes."""
    try:
        return parse_class_names(st.session_state[NAMES.key], n)
    except ValueError as err:
        st.warning(f"Class names: {markdown_literal(err)}. The classes are numbered instead.",
                   icon=":material/warning:")
        return default_names(n)


def winner_text(names: list[str], winners: tuple[int, ...]) -> str:
    """The argmax class, or 'A = B (tie)' when several share the largest probability."""
    return names[winners[0]] if len(winners) == 1 else " = ".join(names[i] for i in winners) + " (tie)"


def readouts(view, names: list[str], n: int) -> None:
    """Max probability, argmax, entropy in nats and bits, and the ceiling log n."""
    cols = st.columns(5)
    cols[0].metric("Max probability", f"{view.max_probability:.4f}",
                   help=f"Exactly {view.max_probability!r} in float64.")
    cols[1].metric("Argmax class", winner_text(names, view.winners),
                   help="The class with the largest probability, which is always the largest logit.")
    cols[2].metric("Entropy (nats)", f"{view.entropy_nats:.4f}",
                   help="H = −Σ p log p: 0 for a one-hot output, log n for uniform.")
    cols[3].metric("Entropy (bits)", f"{view.entropy_bits:.4f}", help="H / ln 2.")
    cols[4].metric("Ceiling, log n (nats)", f"{view.max_entropy_nats:.4f}",
                   help=f"The entropy of uniform probabilities over n = {n} classes, the most any "
                        "softmax output can have.")


@st.cache_data(max_entries=64, show_spinner=False)
def cached_sweep(logits: tuple[float, ...]):
    """The sweep over T depends only on the logits: ~5 ms to compute, ~0.2 ms to fetch, so moving
    the temperature slider reuses it."""
    return temperature_sweep(np.array(logits))


def bars_section(z: np.ndarray, names: list[str], t: float, view, zq: np.ndarray) -> None:
    """The bars at the current T, beside the question that asks what a temperature does."""
    if not shown("questions"):
        bars = st.container()
    else:
        bars, asked = st.columns(2)
        with asked:
            if not np.array_equal(zq, z):
                st.caption(f"Your logits tie for the top place, so the questions on this page use "
                           f"{', '.join(f'{v:g}' for v in zq)} instead.")
            double_question(zq)
    with bars:
        show_chart(probability_bars(names, view.probabilities),
                   lambda: bars_table(names, z, view.probabilities), name="softmax_probabilities",
                   x_title="class", y_title="probability",
                   alt=f"Bar chart of softmax probabilities at T = {t:g}: " + ", ".join(
                       f"{name} {p:.3g}" for name, p in zip(names, view.probabilities)) + ".")


def limits_section(z: np.ndarray, names: list[str], t: float, view, zq: np.ndarray) -> None:
    """What softmax becomes at either end of T: each question, then the numbers that answer it,
    then every class's probability against T once both are answered."""
    st.header("Very cold, very hot")
    sweep = cached_sweep(tuple(z.tolist()))
    t_lo, t_hi = float(sweep.temperatures[0]), float(sweep.temperatures[-1])
    cold_out = cold_question(zq)
    if cold_out:
        st.markdown(
            f"On your logits, at T = {t_lo:g} the largest probability is **{sweep.coldest_max:.6f}**: "
            + (("exactly one-hot in float64: every other class underflows to 0."
                if sweep.coldest_second == 0 else
                f"one-hot on the largest logit, to within {sweep.coldest_second:.1e} for the runner-up.")
               if sweep.leaders == 1 else
               f"the {sweep.leaders} tied leaders share it, since no temperature can break a tie."))
    hot_out = entropy_question(zq)
    if hot_out:
        st.markdown(
            f"On your logits, at T = {t_hi:g} the probabilities differ by at most "
            f"**{sweep.hottest_spread:.4f}** (uniform is 1/{z.size} = {sweep.uniform:.4f} each)"
            + ("." if sweep.hottest_spread < 0.05 else
               f", still far from uniform: the logits span {sweep.logit_range:g}, and T has to be "
               "large compared with that span before the curves flatten."))
    if not (cold_out and hot_out):
        st.caption(f"Each class's probability against T, from {t_lo:g} to {t_hi:g}, appears here once "
                   "both questions are answered.")
        return
    show_chart(sweep_figure(sweep.temperatures, sweep.probabilities, names, t, view.probabilities),
               lambda: sweep_table(sweep.temperatures, sweep.probabilities, names),
               name="softmax_vs_temperature", x_title="temperature T (log scale)",
               y_title="probability",
               alt=f"Each class's probability against temperature from {t_lo:g} to {t_hi:g} on a "
                   f"log axis, with T = {t:g} marked; at {t_lo:g} the largest probability is "
                   f"{sweep.coldest_max:.4g}, at {t_hi:g} the spread is {sweep.hottest_spread:.4g}.")
    st.markdown(f"At every one of the {sweep.temperatures.size} temperatures plotted, a larger logit "
                + ("never gets a smaller probability: temperature changes how sure softmax is, never "
                   "the ranking." if sweep.order_kept else "somewhere gets a smaller probability."))


def stability_section(z: np.ndarray, names: list[str], t: float, zq: np.ndarray) -> None:
    """Whether a shift changes softmax, then the naive and the max-shifted formula side by side on
    the same logits, and why they agree."""
    st.header("Numerical stability: subtract the maximum first")
    if not shift_question(zq):
        st.caption("The naive and the max-subtracted formula, side by side on your logits, appear "
                   "here once you answer.")
        return
    comp = compare_formulas(z, t)
    naive_table, stable_table = stability_tables(
        names, comp.scaled, comp.naive_exponentials, comp.naive_probabilities, comp.shifted,
        comp.shifted_exponentials, comp.stable_probabilities)
    left, right = st.columns(2)
    with left:
        st.subheader("Naive formula")
        st.latex(r"p_i = \frac{e^{z_i/T}}{\sum_j e^{z_j/T}}")
        st.dataframe(naive_table, hide_index=True, key="sm_naive_table")
        if comp.naive_problem:
            i = comp.culprit
            st.warning(f"The naive formula fails on these logits: e^({comp.scaled[i]:g}) = "
                       f"{comp.naive_exponentials[i]:g} in float64; {comp.naive_problem}",
                       icon=":material/warning:")
        else:
            st.success(f"No overflow at these logits: naive and stable agree to "
                       f"{comp.max_difference:.1e}. Try the **Huge logits** preset.",
                       icon=":material/check_circle:")
    with right:
        st.subheader("Max-subtracted formula")
        st.latex(r"p_i = \frac{e^{(z_i - m)/T}}{\sum_j e^{(z_j - m)/T}},\quad m = \max_j z_j")
        st.dataframe(stable_table, hide_index=True, key="sm_stable_table")
        st.markdown(f"Here m = {comp.shift:g}. Every exponent is ≤ 0, so every term lies in [0, 1] "
                    f"and the largest is exactly 1: the sum is between 1 and n, so it can neither "
                    f"overflow nor be 0. The probabilities sum to {comp.stable_sum!r}.")
    st.markdown("Both formulas are the same number: multiply the numerator and the denominator by "
                "$e^{-m/T}$, which changes nothing but brings every exponent down to ≤ 0.")
    st.latex(r"\frac{e^{z_i/T}}{\sum_j e^{z_j/T}}"
             r"= \frac{e^{-m/T}\, e^{z_i/T}}{e^{-m/T} \sum_j e^{z_j/T}}"
             r"= \frac{e^{(z_i - m)/T}}{\sum_j e^{(z_j - m)/T}}")


def jacobian_section(names: list[str], t: float, view) -> None:
    """diag(p) - p p^T as a heatmap, and the row sums."""
    st.header("The Jacobian: how each probability responds")
    st.latex(r"\frac{\partial p_i}{\partial u_j} = p_i(\delta_{ij} - p_j),\qquad "
             r"J = \operatorname{diag}(p) - p\,p^{\top},\qquad u = z/T")
    show_chart(jacobian_heatmap(view.jacobian, names), lambda: jacobian_table(view.jacobian, names),
               name="softmax_jacobian", x_title="with respect to the scaled logit of",
               y_title="probability of",
               height=380 + 12 * len(names),
               alt=f"Heatmap of the softmax Jacobian at T = {t:g}, entries between "
                   f"{-view.jacobian_largest:.3g} and {view.jacobian_largest:.3g}.")
    st.markdown(
        f"Every row sums to 0 (largest |row sum| here: {view.jacobian_row_sum:.1e}, rounding only): "
        "raising one logit takes probability from the others, and raising all of them together "
        "changes nothing. The diagonal $p_i(1 - p_i)$ is positive, everything else, $-p_i p_j$, is "
        "negative. "
        f"The largest entry here is {view.jacobian_largest:.3g}: when one class takes everything, "
        f"every entry tends to 0 and the gradient through softmax fades. With respect to the raw "
        f"logits z, divide by T = {t:g}.")


def cold_question(zq: np.ndarray) -> bool:
    """What softmax becomes as T -> 0, answered at a temperature cold enough to show it."""
    zq_text = ", ".join(f"{v:g}" for v in zq)
    cold = cold_temperature(zq)
    frozen = softmax_view(zq, cold)
    kind = limit_kind(frozen.probabilities)
    limit_options = ["Uniform: every class gets 1/n", "One-hot: all of it on the largest logit",
                     "The same as at T = 1", "NaN: it breaks down"]
    return question(
        "sm_q_cold", f"For the logits {zq_text}, what does softmax become as T → 0?", limit_options,
        {"uniform": 0, "one-hot": 1}.get(kind, 2),
        f"At T = {cold:.3g} the largest probability is **{frozen.max_probability:.6f}** and every "
        + ("other class gets exactly 0 in float64 (its e^((z − m)/T) underflows)"
           if frozen.second_probability == 0 else
           f"other class gets at most {frozen.second_probability:.2e}")
        + ": dividing by a tiny T stretches the gaps between logits until the largest one takes "
        "everything (the stable formula never breaks down).")


def double_question(zq: np.ndarray) -> bool:
    """Which temperature doubling the logits amounts to, answered by the gaps at each candidate."""
    zq_text = ", ".join(f"{v:g}" for v in zq)
    gaps = equivalent_temperature_gaps(zq, 2.0, DOUBLING_CANDIDATES)
    best = min(gaps, key=gaps.get)
    doubled_text = ", ".join(f"{v:g}" for v in 2.0 * zq)
    return question(
        "sm_q_double", f"Doubling every logit ({zq_text} becomes {doubled_text}) at T = 1 gives the "
        "same probabilities as the original logits at which temperature?",
        [f"T = {c:g}" + (" (doubling changes nothing)" if c == 1 else "") for c in DOUBLING_CANDIDATES],
        DOUBLING_CANDIDATES.index(best),
        "Largest difference |softmax(2z) − softmax(z/T)|: "
        + ", ".join(f"T = {c:g}: {g:.1e}" for c, g in gaps.items())
        + f". Since 2z = z / {best:g}, scaling the logits is the same as dividing by a temperature.")


def shift_question(zq: np.ndarray) -> bool:
    """Whether adding a constant changes softmax, answered by the largest change and the naive
    formula's fate on the shifted logits."""
    zq_text = ", ".join(f"{v:g}" for v in zq)
    gap = shift_gap(zq, SHIFT)
    _, naive_problem = naive_softmax_report(zq + SHIFT)
    return question(
        "sm_q_shift", f"Does adding {SHIFT:g} to every logit ({zq_text}) change the probabilities?",
        ["Yes: the largest logit takes almost everything", "No: they stay the same",
         "Yes: they all become equal"],
        1 if gap < 1e-9 else 0,
        f"The stable softmax gives the same probabilities: the largest change is {gap:.1e}, "
        f"rounding in z + {SHIFT:g} and nothing more (softmax only sees differences between logits). "
        + (f"The naive formula, though, fails on z + {SHIFT:g}: {naive_problem}" if naive_problem
           else f"The naive formula happens to survive z + {SHIFT:g} here."))


def entropy_question(zq: np.ndarray) -> bool:
    """What the entropy approaches as T grows, answered at a temperature hot enough to show it."""
    zq_text = ", ".join(f"{v:g}" for v in zq)
    hot = hot_temperature(zq)
    melted = softmax_view(zq, hot)
    h_hot, log_n = melted.entropy_nats, melted.max_entropy_nats
    levels = {"0 nats: it becomes certain": 0.0, "1 nat": 1.0,
              "log n: the entropy of uniform probabilities": log_n,
              "It grows without bound": math.inf}
    return question(
        "sm_q_entropy", f"As T grows very large, what does the entropy of softmax({zq_text} / T) "
        "approach?", list(levels),
        nearest_option(levels, h_hot),
        f"At T = {hot:g} the entropy is **{h_hot:.6f}** nats against the ceiling log {zq.size} = "
        f"{log_n:.6f}: the probabilities are almost uniform, the most uncertain distribution over "
        "n classes. Entropy can never exceed log n.")


st.title("Softmax temperature")
st.markdown("Softmax turns a network's raw scores (logits) into probabilities; the temperature T "
            "decides how sure it sounds.")
bind_link()
with controls():
    controls_panel()
logits = current_logits()
class_names = current_names(logits.size)
temperature = float(st.session_state[TEMPERATURE.key])
current = softmax_view(logits, temperature)
st.latex(r"p_i = \operatorname{softmax}(z / T)_i = \frac{e^{z_i/T}}{\sum_{j=1}^{n} e^{z_j/T}}")
readouts(current, class_names, logits.size)
asked = question_logits(logits)
bars_section(logits, class_names, temperature, current, asked)
limits_section(logits, class_names, temperature, current, asked)
stability_section(logits, class_names, temperature, asked)
jacobian_section(class_names, temperature, current)
if shown("notes"):
    st.header("Where temperature is used")
    st.markdown(
        "- **Language models** sample the next token from softmax(z / T): a low T picks the likely "
        "words (safe, repetitive), a high T spreads the choice (varied, error-prone).\n"
        "- **Knowledge distillation** trains a small network on a large one's softmax at a high T, "
        "where the small probabilities, which say which wrong answers are nearly right, become "
        "visible.\n"
        "- **Calibration** (temperature scaling) fits a single T after training so that a "
        "classifier's confidence matches how often it is right; it never changes the predicted class, "
        "because temperature keeps the order of the logits.")
