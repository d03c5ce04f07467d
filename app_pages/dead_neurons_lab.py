"""Dead-neuron lab: a toy network trained live in the browser, with the causes of dead ReLU neurons as knobs.

The browser trains and draws (ui/lab_component.py); this script sets the runs up, and computes
the tables, exports and answers from the state the browser sends back when training pauses.
"""

import dataclasses
import hashlib
import json

import numpy as np
import streamlit as st

from activations_core import ACTIVATIONS
from activations_core.datasets import DATASETS, make_dataset
from activations_core.depth import INIT_LABELS, INITS
from activations_core.lessons import LESSONS, TYPICAL_DEAD_RANGE
from activations_core.network import (NetConfig, dead_criterion, init_network, neuron_activity,
                                      to_json_dict, train_steps)
from ui.activation_controls import LAB_MAX_SEED, ActivationControls, reseed, seed_param
from ui.answer_options import band_of
from ui.catalog import FORMULA, activation_choices, parsed_formula
from ui.chart import csv_download
from ui.lab_component import LabRun, runs_from_sync, show_live_lab
from ui.lab_tables import run_tables
from ui.measured import trained_run
from ui.presenter import presenting, shown
from ui.quiz import question
from ui.state import UrlParam, bind_url

MAX_STEP_OPTIONS = ("300", "1000", "3000", "10000", "50000")
LR_OPTIONS = ("0.0001", "0.0003", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "2", "4", "6", "10")
choices = activation_choices()
NAMES = tuple(choices)
ACT_CONTROLS = ActivationControls("lab", choices)
SEED = seed_param("lab_seed", 11, max_seed=LAB_MAX_SEED)

PARAMS = (
    UrlParam("lab_data", "circles", "choice", options=tuple(d.name for d in DATASETS)),
    UrlParam("lab_noise", 0.1, "float", 0.0, 0.5),
    UrlParam("lab_points", 400, "int", 100, 1000),
    UrlParam("lab_act", "relu", "choice", options=NAMES),
    UrlParam("lab_compare", "none", "choice", options=("none",) + NAMES),
    UrlParam("lab_layers", 2, "int", 1, 4),
    UrlParam("lab_width", 16, "int", 2, 64),
    UrlParam("lab_init", "he", "choice", options=INITS),
    UrlParam("lab_scale", 0.1, "float", 0.01, 3.0),
    UrlParam("lab_bias", 0.0, "float", -5.0, 5.0),
    UrlParam("lab_lr", "0.3", "choice", options=LR_OPTIONS),
    UrlParam("lab_momentum", 0.0, "float", 0.0, 0.95),
    UrlParam("lab_bn", False, "bool"),
    UrlParam("lab_batch", 0, "int", 0, 400),
    UrlParam("lab_max_steps", "10000", "choice", options=MAX_STEP_OPTIONS),
    SEED,
    UrlParam("lab_lesson", "none", "choice", options=("none",) + tuple(LESSONS)),
) + ACT_CONTROLS.url_params
bind_url(PARAMS)
ss = st.session_state


def lesson_settings(key: str) -> dict:
    """The widget values that make up a lesson's network and data (the seed is the student's)."""
    lesson = LESSONS[key]
    c = lesson.config
    return dict(lab_data=lesson.dataset, lab_noise=lesson.noise, lab_points=lesson.n_points, lab_act=c.activation,
                lab_layers=len(c.hidden), lab_width=c.hidden[0], lab_init=c.init, lab_scale=c.init_scale,
                lab_bias=c.bias_init, lab_lr=f"{c.learning_rate:g}", lab_momentum=c.momentum, lab_bn=c.batch_norm,
                lab_batch=c.batch_size or 0, lab_max_steps=str(c.max_steps), lab_compare="none")


def start_lesson(key: str) -> None:
    """One click: the lesson's settings into the widgets (and the URL), and the lab starts training."""
    ss.lab_lesson_clicks = ss.get("lab_lesson_clicks", 0) + 1
    ss.update(lesson_settings(key), lab_lesson=key, lab_autostart=ss.lab_lesson_clicks)


def leave_lesson() -> None:
    """Picking another network to compare with ends the lesson (its fix was the comparison)."""
    ss.lab_lesson = "none"


st.html("<style>.stMainBlockContainer { padding-top: 2.5rem; }</style>")  # the lab on one screen
st.title("Dead-neuron lab")
if shown("notes") and not presenting():  # on a projector the teacher says it
    st.caption("A ReLU neuron is **dead** when its output is 0 for every training point: no gradient reaches its "
               "weights. In the first hidden layer it stays dead; deeper, it can come back when the layers below "
               "change. Pick a lesson: it loads and starts.")

lesson = LESSONS.get(ss.lab_lesson)
with st.container(horizontal=True, gap="small"):  # one click per lesson, always in view
    for key, each in LESSONS.items():
        st.button(each.title, key=f"lab_lesson_{key}", on_click=start_lesson, args=(key,),
                  type="primary" if lesson is each else "secondary", help=each.story)


@st.cache_data(max_entries=32)
def dataset(name, n, noise, seed):
    return make_dataset(name, n=n, noise=noise, seed=seed)


def config_for(name: str) -> NetConfig:
    """The run's settings from the widgets (its learning rate, momentum and stop step change a running network)."""
    act = name if name in ACTIVATIONS else choices[name]
    return NetConfig(
        hidden=(ss.lab_width,) * ss.lab_layers, activation=act,
        activation_params=tuple(ACT_CONTROLS.values(name).items()),
        batch_norm=ss.lab_bn, init=ss.lab_init, init_scale=ss.lab_scale, bias_init=ss.lab_bias,
        learning_rate=float(ss.lab_lr), momentum=ss.lab_momentum, batch_size=ss.lab_batch or None,
        max_steps=int(ss.lab_max_steps))


def inactive_word(state) -> str:
    """What the run counts: "dead" neurons, or "saturated" ones for sigmoid and tanh."""
    return "saturated" if dead_criterion(state.config.activation) == "saturated" else "dead"


# The runs shown: the network, and beside it a lesson's fix or another activation to compare with.
titles = {ss.lab_act: choices[ss.lab_act].display_name}
try:
    data = dataset(ss.lab_data, ss.lab_points, ss.lab_noise, ss.lab_seed % 2**32)
    configs = {ss.lab_act: config_for(ss.lab_act)}
    if lesson is not None and lesson.fix:
        configs["fix"], titles["fix"] = lesson.fix_config(configs[ss.lab_act]), lesson.fix_title
    elif ss.lab_compare not in ("none", ss.lab_act):
        configs[ss.lab_compare], titles[ss.lab_compare] = config_for(ss.lab_compare), choices[ss.lab_compare].display_name
except ValueError as err:
    st.error(f"These settings cannot be trained: {err}")
    st.stop()

# What starts a run again from step 0; the learning rate, momentum and stop step change a running
# network instead (the browser takes them at once).
live_fields = ("learning_rate", "momentum", "max_steps")
signature = repr((ss.lab_data, ss.lab_points, ss.lab_noise, ss.lab_seed,
                  [(n, [(f.name, getattr(c, f.name)) for f in dataclasses.fields(c) if f.name not in live_fields])
                   for n, c in configs.items()]))
if ss.get("lab_signature") != signature:
    ss.lab_signature = signature
    ss.lab_run_id = hashlib.sha256(signature.encode()).hexdigest()[:16]  # the same settings, the same run
    ss.lab_start = {n: train_steps(init_network(cfg, ss.lab_seed), data, 0) for n, cfg in configs.items()}
    ss.lab_runs = dict(ss.lab_start)


def formula_program(config: NetConfig):
    """A typed formula compiled for the browser (None for the built-ins)."""
    if config.activation_name in ACTIVATIONS:
        return None
    from activations_core.formula_program import formula_program as compile_formula
    return compile_formula(parsed_formula(ss[FORMULA.key]))


runs = [LabRun(n, titles[n], inactive_word(ss.lab_start[n]), ss.lab_start[n], ss.lab_runs[n], configs[n],
               formula_program(configs[n])) for n in configs]
sync = show_live_lab(ss.lab_run_id, runs, data, dark=st.context.theme.type == "dark", presenting=presenting(),
                     autostart=ss.pop("lab_autostart", None))
try:  # the browser's state after a pause, a step, a reset or the end of training
    ss.lab_runs = runs_from_sync(sync, ss.lab_run_id, runs) or ss.lab_runs
except ValueError as err:
    st.warning(f"The lab's state could not be read back ({err}); the tables show the last state that could.")

ANSWER_STEPS = 300  # the questions look this far ahead on the network on screen
REVIVAL_STEP = 20  # "dead at step 20": the third question's starting point
# Weights x training points x steps the server may spend answering (the default lab: 5.8e7, about
# 80 ms here): larger networks keep their questions about step 0 and show the rest as they train.
MAX_ANSWER_WORK = 2.5e8


def answer_work() -> float:
    """What answering the training questions costs: weights x training points x steps, every run."""
    def weights(config: NetConfig) -> int:
        sizes = (2, *config.hidden, 1)
        return sum(a * b for a, b in zip(sizes, sizes[1:]))
    return sum(weights(state.config) for state in ss.lab_start.values()) * len(data.X_train) * ANSWER_STEPS


def trained(name: str, steps: int):
    """Run ``name`` trained ``steps`` from the start on screen (shared by the sessions that started
    the same run: the run id names the data, seed and settings, the rest names what it leaves out)."""
    start = ss.lab_start[name]
    typed = ss[FORMULA.key] if start.config.activation_name not in ACTIVATIONS else ""
    live = tuple(getattr(start.config, field) for field in live_fields)
    return trained_run((ss.lab_run_id, name, typed, live), start, data, steps)


def revived_by_layer(name: str) -> list[tuple[int, int]]:
    """Per hidden layer: (dead at step 20 and alive at step 300, dead at step 20)."""
    early, end = trained(name, REVIVAL_STEP), trained(name, ANSWER_STEPS)
    return [(int((a0.dead & ~a1.dead).sum()), int(a0.dead.sum()))
            for a0, a1 in zip(neuron_activity(early, data.X_train), neuron_activity(end, data.X_train))]


def ask_questions() -> bool:
    """The page's predictions, answered by training the network on screen with the core once a
    student commits; returns whether the share dead at step 0 (the first question's answer) may be
    shown."""
    if not shown("questions"):
        return True
    st.subheader("Predict, then reveal")
    st.caption("Answered by training the network on screen (same data, seed and starting weights) with the core.")
    main, main_title = ss.lab_act, titles[ss.lab_act]
    word = inactive_word(ss.lab_start[main])
    dead0 = float(ss.lab_start[main].history.dead_overall[0])
    bands = ["under 10%", "10% to 50%", "over 50%"]
    start_out = question(
        "lab_q2", f"Before any training, what share of the {main_title} network's hidden neurons are {word}?",
        bands, band_of((0.1, 0.5), dead0),
        f"**{dead0:.0%}** are {word} at step 0, before a single update.")
    if answer_work() > MAX_ANSWER_WORK:
        st.caption(f"The questions about training are asked on networks the server can train {ANSWER_STEPS} steps "
                   "in a moment; this one is larger: watch the lab above answer them as it trains.")
        return start_out
    other = next((n for n in ss.lab_start if n != main), None)
    if other is not None:
        other_title = titles[other]

        def fewer_dead() -> tuple[int, str]:
            mine, theirs = (trained(n, ANSWER_STEPS).history for n in (main, other))
            diff = np.sign(round(float(mine.dead_overall[-1] - theirs.dead_overall[-1]), 6))
            return ({-1: 0, 1: 1, 0: 2}[int(diff)],
                    f"After {ANSWER_STEPS} steps {main_title} has **{mine.dead_overall[-1]:.0%}** {word} (test "
                    f"accuracy {mine.test_acc[-1]:.0%}); {other_title} has **{theirs.dead_overall[-1]:.0%}** (test "
                    f"accuracy {theirs.test_acc[-1]:.0%}).")

        question("lab_q1", f"After {ANSWER_STEPS} steps, which network has fewer {word} hidden neurons?",
                 [main_title, other_title, "Both the same"], fewer_dead)
    first_layer_dead = word == "dead" and bool(neuron_activity(trained(main, REVIVAL_STEP), data.X_train)[0].dead.any())
    if first_layer_dead:
        def revival() -> tuple[int, str]:
            (back1, dead1), *deeper = revived_by_layer(main)
            back_deeper, dead_deeper = sum(b for b, _ in deeper), sum(d for _, d in deeper)
            return (0 if 2 * back1 > dead1 else 1,
                    f"Of the first layer's {dead1} dead neurons at step {REVIVAL_STEP}, **{back1}** were alive at "
                    f"step {ANSWER_STEPS}: their inputs are the data, which never change, so no gradient ever "
                    "reaches them."
                    + (f" Deeper layers differ: of {dead_deeper} dead at step {REVIVAL_STEP}, {back_deeper} came "
                       "back, because the layer below them kept changing." if dead_deeper else ""))

        question("lab_q3", f"A first-layer neuron is dead at step {REVIVAL_STEP}. Does plain SGD bring it back by "
                 f"step {ANSWER_STEPS}?", ["Yes, usually", "No"], revival)
    return start_out


if lesson is not None:
    changed = any(ss[k] != v for k, v in lesson_settings(lesson.key).items())
    st.markdown(f"**{lesson.title}.** {lesson.story} **What to see** (checked for 20 seeds with the core): "
                + lesson.claims_text()
                + (" *You have changed the lesson's settings since: these were checked for its own.*" if changed else ""))
start_shares_out = ask_questions()
if shown("notes"):
    low, high = TYPICAL_DEAD_RANGE
    hidden = sum(ss.lab_start[ss.lab_act].config.hidden)
    shares = "; ".join(f"{titles[n]} {state.history.dead_overall[-1]:.0%} at step {state.step:,}"
                       for n, state in ss.lab_runs.items()
                       if inactive_word(state) == "dead" and (state.step or start_shares_out))
    if shares:
        st.caption(f"In large trained ReLU networks typically {low:.0%} to {high:.0%} of the units end up dead. This toy "
                   f"network has {hidden} hidden neurons, so each is {1 / hidden:.1%} of them. Dead as of the last "
                   f"pause: {shares}.")


with st.expander("Settings: data, network, training" + ("" if shown("controls") else " (hidden for presenting)")):
    st.button("New seed", icon=":material/casino:", on_click=reseed, args=(SEED,),
              help="New data and new starting weights; every lesson's sentences were checked for 20 seeds.")
    a, b, c, d = st.columns(4)
    with a:
        st.selectbox("Data set", [x.name for x in DATASETS], key="lab_data",
                     format_func=lambda n: next(x.display_name for x in DATASETS if x.name == n))
        st.slider("Noise", 0.0, 0.5, step=0.01, key="lab_noise")
        st.slider("Points", 100, 1000, step=50, key="lab_points")
    with b:
        st.selectbox("Activation", NAMES, key="lab_act", format_func=lambda n: choices[n].display_name)
        st.selectbox("Compare side by side with", ("none",) + NAMES, key="lab_compare", on_change=leave_lesson,
                     format_func=lambda n: "nothing" if n == "none" else choices[n].display_name,
                     help="Trains a second network from the same seed and data (and ends a lesson).")
        ACT_CONTROLS.sliders(n for n in dict.fromkeys([ss.lab_act, ss.lab_compare]) if n != "none")
    with c:
        st.slider("Hidden layers", 1, 4, key="lab_layers")
        st.slider("Neurons per layer", 2, 64, key="lab_width")
        st.selectbox("Initialisation", INITS, key="lab_init",
                     format_func=INIT_LABELS.get)
        if ss.lab_init == "normal":
            st.slider("Init scale σ (weights from N(0, σ²))", 0.01, 3.0, step=0.01, key="lab_scale")
        st.slider("Initial bias", -5.0, 5.0, step=0.1, key="lab_bias",
                  help="Negative biases switch ReLU neurons off from the start.")
    with d:
        st.select_slider("Learning rate", LR_OPTIONS, key="lab_lr")
        st.slider("Momentum", 0.0, 0.95, step=0.05, key="lab_momentum")
        st.slider("Batch size (0 = full batch)", 0, 400, step=10, key="lab_batch")
        st.toggle("Batch normalisation", key="lab_bn")
        st.select_slider("Stop after steps", MAX_STEP_OPTIONS, key="lab_max_steps",
                         help="Training pauses by itself at this step; the learning rate, momentum and this "
                              "take effect at once, without starting again.")




def data_and_export() -> None:
    """The state the browser last sent: its tables, CSVs and weights JSON."""
    st.caption("As the lab last reported it: the tables and files follow each Pause, Step and Reset, and the end "
               "of training; nothing is sent to the server while the network trains.")
    for name, state in ss.lab_runs.items():
        title = titles[name]
        if shown("tables"):
            tables = run_tables(state, data, inactive_word(state))
            st.markdown(f"**{title}** at step {state.step:,}: training history (every recorded step) and hidden neurons")
            t1, t2 = st.columns([3, 2])
            t1.dataframe(tables["history"], hide_index=True, height=240, key=f"lab_history_table_{name}")
            t2.dataframe(tables["neurons"], hide_index=True, height=240, key=f"lab_neuron_table_{name}")
        e1, e2, e3, e4 = st.columns(4)
        for column, (part, label) in zip((e1, e2, e3), (("history", "history CSV"), ("neurons", "neurons CSV"),
                                                         ("probability_map", "probability map CSV"))):
            with column:
                csv_download(f"{title}: {label}", lambda state=state, part=part: run_tables(state, data, inactive_word(state))[part],
                             file_name=f"lab_{name}_{part}.csv", key=f"lab_csv_{part}_{name}")
        e4.download_button(f"{title}: weights JSON", lambda state=state: json.dumps(to_json_dict(state)).encode(),
                           file_name=f"lab_{name}_network.json", mime="application/json", on_click="ignore",
                           key=f"lab_json_{name}")


data_panel = st.expander("Data behind the charts, and export (history CSV, weights JSON)", key="lab_data_open",
                         on_change="rerun")  # its tables (a 60x60 probability map...) are built only while open
if data_panel.open:
    with data_panel:
        data_and_export()
