"""Choosing an activation: what the registry states, measured live beside it, and a small decision helper.

Four predict-then-reveal questions come first; each measurement that answers one (a table column,
the cost chart, a number in a sentence) appears once it is answered."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
import streamlit as st

from activations_core import ACTIVATIONS, softmax
from activations_core import measure as ms
from ui.catalog import activation_choices
from ui.chart import csv_download, show_chart
from ui.choosing_table import ANSWERED_BY, COST_COLUMNS, SHAPE_COLUMNS, properties_table, range_text
from ui.figures_basics import cost_figure, histogram_figure
from ui.measured import activation_facts, output_histogram
from ui.presenter import controls, shown
from ui.answer_options import nearest_option
from ui.quiz import question
from ui.state import UrlParam, bind_url
from ui.theme import activation_colour

CHOICES = {name: act for name, act in activation_choices().items() if act.properties is not None}
TIMED = tuple(ACTIVATIONS)  # timed together, once per 10 minutes for everyone
SOFTMAX, NONE = "softmax", "none"
EXAMPLE_LOGITS = (2.0, 1.0, 0.1)
_LAST_SELECTION = "_ch_last_good_selection"

# task -> (label, recommended, alternatives); the reasons come from the registry and the measurements
TASKS = {
    "hidden": ("Hidden layers of an MLP or CNN", ("relu",), ("leaky_relu", "elu")),
    "transformer": ("Hidden layers of a transformer", ("gelu", "swish"), ("gelu_tanh",)),
    "multiclass": ("Output: one of several classes", (SOFTMAX,), ()),
    "binary": ("Output: yes/no, or several independent labels", ("sigmoid",), ()),
    "regression": ("Output: any real number (regression)", (NONE,), ("softplus",)),
    "dying": ("My ReLU units are dying", ("leaky_relu", "elu"), ()),
    "recurrent": ("Gates and state of an LSTM or GRU", ("sigmoid", "tanh"), ()),
    "self_normalising": ("A deep fully connected net without batch norm", ("selu",), ()),
}
MEAN_QUESTION = ("relu", "softplus", "gelu", "elu")
SPEED_QUESTION = ("relu", "tanh", "gelu", "mish")
SLOPE_QUESTION = ("sigmoid", "tanh", "relu", "selu")
ZERO_OPTIONS = (0.0, 0.16, 0.5, 0.84)  # the answer is the option nearest the measured fraction

SELECTION = UrlParam("ch_acts", list(CHOICES), "choices", options=tuple(CHOICES))
HIST = UrlParam("ch_hist", "relu", "choice", options=tuple(CHOICES))
TASK = UrlParam("ch_task", "hidden", "choice", options=tuple(TASKS))
PARAMS = (SELECTION, HIST, TASK)


@st.cache_data(max_entries=4, ttl=600, refresh_mode="background", show_spinner=False)
def timings(names: tuple[str, ...]) -> dict[str, float]:
    """Seconds per 10^6 evaluations on this server, shared by every visitor for 10 minutes."""
    return ms.seconds_per_million({name: ACTIVATIONS[name] for name in names}, repeats=5)


def measurements_intro(seconds: dict[str, float]) -> None:
    """The section's heading and how each measurement is made (no result: those answer questions)."""
    st.header("Stated and measured")
    st.markdown(
        f"Each stated property (from the registry, default parameters) sits beside a measurement: "
        f"the observed range on {len(ms.WIDE_GRID):,} points from −10¹⁰ to 10¹⁰ (a side that keeps "
        f"growing counts as ∞), the largest slope, and the mean output and share of exact zeros "
        f"for {ms.NORMAL_SAMPLES:,} standard-normal inputs. Cost is timed on this server: "
        f"{ms.TIMING_SIZE:,} evaluations, best of 5, relative to ReLU "
        f"({seconds['relu'] * 1e3:.2f} ms here); re-timed every 10 minutes.")


def table_section(names: list[str], facts: dict[str, ms.Measured], ratios: dict[str, float],
                  out: dict[str, bool]) -> None:
    """The stated-vs-measured table (each measured column once its question is answered: ``out``)
    and its CSV."""
    hidden = [column for column, asked in ANSWERED_BY.items() if not out[asked]]
    table = properties_table({n: CHOICES[n] for n in names}, facts, ratios).drop(columns=hidden)
    if hidden:
        st.caption("Each measured column joins the table once its question above is answered.")
    normal = f"z: {ms.NORMAL_SAMPLES:,} seeded standard-normal samples."
    formats = {
        "Range, observed": st.column_config.TextColumn(help="min and max of f on the wide grid."),
        "Mean f(z)": st.column_config.NumberColumn(format="%.3f", help="Mean output. " + normal),
        "f(z) = 0": st.column_config.NumberColumn(format="percent", help="Share of outputs exactly 0. " + normal),
        "Max |f'|": st.column_config.NumberColumn(format="%.4g", help="Largest slope anywhere (measured)."),
        "Time × ReLU": st.column_config.NumberColumn(format="%.1f", help="Measured on this server."),
        "Typical use, stated": st.column_config.TextColumn(width="large"),
    }
    shape_tab, cost_tab = st.tabs(["Range and outputs", "Cost and typical use"])
    shape_tab.dataframe(table, hide_index=True, key="ch_table_shape", height="content",
                        column_order=[c for c in SHAPE_COLUMNS if c in table], column_config=formats)
    cost_tab.dataframe(table, hide_index=True, key="ch_table_cost", height="content",
                       column_order=[c for c in COST_COLUMNS if c in table], column_config=formats)
    csv_download("Download table CSV", table, file_name="activation_properties.csv", key="ch_table_csv")


def cost_chart(names: list[str], ratios: dict[str, float], seconds: dict[str, float]) -> None:
    """Measured time relative to ReLU over the stated cost bands, and what is timed."""
    bands = [(label, *ms.COST_BANDS[label]) for label in ms.COST_LABELS]
    timed = [n for n in names if n in ratios]
    data = pd.DataFrame({"activation": [CHOICES[n].display_name for n in timed],
                         "stated cost": [CHOICES[n].properties.cost for n in timed],
                         "time per 1e6 evaluations (ms)": [seconds[n] * 1e3 for n in timed],
                         "time relative to ReLU": [ratios[n] for n in timed]})
    show_chart(cost_figure(data["activation"], data["time relative to ReLU"],
                           [activation_colour(n) for n in timed], bands), lambda: data,
               name="cost", x_title="time per evaluation relative to ReLU (log scale)",
               height=80 + 32 * len(timed),
               alt="Measured computation time of each activation relative to ReLU, over shaded "
                   "bands for cheap, moderate and expensive.")
    lo, hi = ms.COST_BANDS["moderate"]
    st.caption(f"Bands: cheap below {lo:g}× ReLU, moderate {lo:g}× to {hi:g}×, expensive from {hi:g}×; "
               f"“borderline” means within {ms.BORDERLINE_FACTOR:g}× of the stated band. What is timed "
               "is this app's float64 numpy code, written to be accurate to the last bits in the tails "
               "(GELU through the normal CDF, for instance), on one thread of this server. Deep-learning "
               "frameworks evaluate activations in float32 or lower, in fused GPU kernels where the memory "
               "traffic, not the formula, sets the time: there GELU costs about what ReLU does.")


def histogram_section(name: str, facts: dict[str, ms.Measured], out: dict[str, bool]) -> None:
    """Distribution of f(Z) for Z ~ N(0, 1): the zero spike of ReLU, the centring of tanh. Its mean
    (number and line) and share of exact zeros are stated once their questions are answered."""
    act = CHOICES[name]
    edges, fractions = output_histogram(name, act.latex)
    normal = facts[name].normal
    st.subheader(f"Outputs of {act.display_name} for standard-normal inputs")
    stated = [f"Standard deviation **{normal.std:.3f}**"]
    if out["mean"]:
        stated.append(f"mean **{normal.mean:.3f}**")
    if out["zeros"]:
        stated.append(f"exactly zero: **{normal.zero_fraction:.1%}** of {normal.n:,} samples")
    waiting = [what for what, asked in (("mean", "mean"), ("share of exact zeros", "zeros"))
               if not out[asked]]
    st.markdown(", ".join(stated) + "."
                + (f" The {' and the '.join(waiting)} appear once their questions above are answered."
                   if waiting else ""))
    show_chart(histogram_figure(edges, fractions, act.display_name, activation_colour(name),
                                normal.mean if out["mean"] else None),
               lambda: pd.DataFrame({"bin from": edges[:-1], "bin to": edges[1:], "fraction of outputs": fractions}),
               name="output_histogram", x_title=f"{act.display_name}(z)",
               y_title="fraction of outputs", height=340,
               alt=f"Histogram of {act.display_name} outputs for standard-normal inputs"
                   + (f"; mean {normal.mean:.3f}" if out["mean"] else "")
                   + (f"; {normal.zero_fraction:.0%} exactly zero" if out["zeros"] else "") + ".")


def reason(name: str, facts: dict[str, ms.Measured], ratios: dict[str, float],
           out: dict[str, bool]) -> str:
    """Why an activation fits: the registry's use text plus what was measured (the share of exact
    zeros and the cost once their questions are answered)."""
    if name == SOFTMAX:
        p = softmax(np.array(EXAMPLE_LOGITS), axis=-1)
        shown_logits = ", ".join(f"{v:g}" for v in EXAMPLE_LOGITS)
        return (f"**Softmax** turns K scores into probabilities that sum to 1: scores "
                f"({shown_logits}) become ({', '.join(f'{v:.3f}' for v in p)}), sum {p.sum():.3f}. "
                "Pair it with the cross-entropy loss.")
    if name == NONE:
        bounded = [f"{CHOICES[n].display_name} would cap predictions to "
                   f"{range_text(*CHOICES[n].properties.output_range)}"
                   for n in ("sigmoid", "tanh") if n in CHOICES]
        return ("**No activation (identity)**: the output layer must reach any real value; "
                + " and ".join(bounded) + ".")
    act, fact = CHOICES[name], facts[name]
    zeros = f", {fact.normal.zero_fraction:.0%} exact zeros for N(0,1) input" if out["zeros"] else ""
    cost = f"; costs {ratios[name]:.1f}× ReLU on this server" if name in ratios and out["speed"] else ""
    return (f"**{act.display_name}**: {act.properties.use} Measured: outputs "
            f"{range_text(fact.observed.lo, fact.observed.hi)}{zeros}{cost}.")


def guidance_section(facts: dict[str, ms.Measured], ratios: dict[str, float], out: dict[str, bool]) -> None:
    """Task -> recommendation with reasons."""
    st.header("Which one should I use?")
    with controls("Decision helper"):
        st.selectbox("What is the activation for?", options=list(TASKS),
                     format_func=lambda t: TASKS[t][0], key=TASK.key,
                     help="Pick the layer or problem; the recommendation updates.")
    label, recommended, alternatives = TASKS[st.session_state[TASK.key]]
    with st.container(border=True):
        st.markdown(f"**{label}** — recommended:")
        for name in recommended:
            st.markdown("- " + reason(name, facts, ratios, out))
        if alternatives:
            st.markdown("Also worth trying:")
            for name in alternatives:
                st.markdown("- " + reason(name, facts, ratios, out))
        if st.session_state[TASK.key] in ("dying", "hidden"):
            st.markdown("- **He initialisation** (weights with variance 2 / fan-in) keeps the signal's and "
                        "the gradient's scale steady from layer to layer, so updates neither explode nor vanish; "
                        "with zero biases the share of units dead at step 0 does not depend on the weight scale.")


def display_names(options: tuple[str, ...]) -> list[str]:
    return [ACTIVATIONS[n].display_name for n in options]


def pick(options: tuple[str, ...], values: dict[str, float], largest: bool = True) -> int:
    """Index of the option with the largest (or smallest) value."""
    scores = [values[n] for n in options]
    return int(np.argmax(scores) if largest else np.argmin(scores))


def mean_question(facts: dict[str, ms.Measured]) -> bool:
    means = {n: facts[n].normal.mean for n in MEAN_QUESTION}
    return question("ch_q_mean", "Which has the largest mean output for standard-normal input?",
                    display_names(MEAN_QUESTION), pick(MEAN_QUESTION, means),
                    "Measured means: " + ", ".join(f"{ACTIVATIONS[n].display_name} {means[n]:.3f}"
                                                   for n in MEAN_QUESTION) + ".")


def zeros_question(facts: dict[str, ms.Measured]) -> bool:
    zeros = facts["relu"].normal.zero_fraction
    return question("ch_q_zeros", "For standard-normal inputs, what share of ReLU outputs is exactly 0?",
                    [f"about {v:.0%}" for v in ZERO_OPTIONS],
                    nearest_option(ZERO_OPTIONS, zeros),
                    f"Measured: **{zeros:.2%}** of {facts['relu'].normal.n:,} samples: every negative "
                    "input. Those units pass no gradient for those inputs.")


def slope_question(facts: dict[str, ms.Measured]) -> bool:
    slopes = {n: facts[n].max_slope for n in SLOPE_QUESTION}
    return question("ch_q_slope", "Which has the steepest slope anywhere (largest max |f'|)?",
                    display_names(SLOPE_QUESTION), pick(SLOPE_QUESTION, slopes),
                    "Measured max |f'|: " + ", ".join(f"{ACTIVATIONS[n].display_name} {slopes[n]:.4g}"
                                                      for n in SLOPE_QUESTION)
                    + ". A slope above 1 can amplify gradients; far below 1, they fade with depth.")


def speed_question(ratios: dict[str, float]) -> bool:
    """Asked only when every option was timed (otherwise there is nothing to hide: True)."""
    if not all(n in ratios for n in SPEED_QUESTION):
        return True
    return question("ch_q_speed", "Which is slowest to compute on this server?",
                    display_names(SPEED_QUESTION), pick(SPEED_QUESTION, ratios),
                    "Measured time relative to ReLU: " + ", ".join(
                        f"{ACTIVATIONS[n].display_name} {ratios[n]:.1f}×" for n in SPEED_QUESTION) + ".")


def questions(facts: dict[str, ms.Measured], ratios: dict[str, float],
              cost: Callable[[], None]) -> dict[str, bool]:
    """The four questions, two by two (stacked on a phone), before everything that answers them;
    under the speed question, once answered, ``cost`` draws the measured times. Returns whether
    each answer is out, by name ("mean", "zeros", "slope", "speed")."""
    ask = {"mean": lambda: mean_question(facts), "zeros": lambda: zeros_question(facts),
           "slope": lambda: slope_question(facts), "speed": lambda: speed_question(ratios)}
    if not shown("questions"):  # presenting with the questions hidden: every answer shows
        cost()
        return {name: True for name in ask}
    out = {}
    for row in (("mean", "zeros"), ("slope", "speed")):
        for column, name in zip(st.columns(2), row):
            with column:
                out[name] = ask[name]()
    if out["speed"]:  # the chart that answers it, right below the question, at full width
        cost()
    return out


def selection() -> list[str]:
    """The chosen activations, or the last good choice (with a warning) when none is chosen."""
    chosen = [n for n in st.session_state[SELECTION.key] if n in CHOICES]
    if chosen:
        st.session_state[_LAST_SELECTION] = chosen
        return chosen
    last = st.session_state.get(_LAST_SELECTION, SELECTION.default)
    st.warning("Choose at least one activation; showing the last selection.", icon=":material/warning:")
    return last


st.title("Choosing an activation")
st.markdown("What the lessons say about each activation, checked by measuring it, and a guide to picking one.")
bind_url(PARAMS)
with controls():
    left, right = st.columns([3, 1])
    left.multiselect("Activations in the table", options=list(CHOICES),
                     format_func=lambda n: CHOICES[n].display_name, key=SELECTION.key,
                     help="Every row shows stated properties next to measured ones.")
    right.selectbox("Histogram of outputs for", options=list(CHOICES),
                    format_func=lambda n: CHOICES[n].display_name, key=HIST.key,
                    help="Distribution of f(z) for 100,000 standard-normal z.")
chosen = selection()
all_names = tuple(CHOICES)
facts = {name: activation_facts(name, CHOICES[name].latex) for name in all_names}
with st.spinner("Timing each activation on this server (shared for 10 minutes)…"):
    seconds = timings(TIMED)
ratios = ms.relative_costs(seconds)
measurements_intro(seconds)
out = questions(facts, ratios, cost=lambda: cost_chart(chosen, ratios, seconds))
table_section(chosen, facts, ratios, out)
histogram_section(st.session_state[HIST.key], facts, out)
guidance_section(facts, ratios, out)
