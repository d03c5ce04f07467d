"""Dead-neuron lab: a toy network trained live in the browser, with the causes of dead ReLU neurons as knobs.

The browser trains and draws (ui/lab_component.py); this script sets the runs up, and computes
the tables, exports and answers from the state the browser sends back when training pauses.
"""

import dataclasses
import functools
import hashlib
import json

import numpy as np
import pandas as pd
import streamlit as st

from activations_core import ACTIVATIONS
from activations_core.datasets import DATASETS, make_dataset
from activations_core.network import (PRESETS, NetConfig, dead_criterion, decision_grid,
                                      init_network, neuron_activity, to_json_dict, train_steps)
from ui.catalog import FORMULA, activation_choices, parsed_formula
from ui.lab_component import LabRun, runs_from_sync, show_live_lab
from ui.presenter import controls, presenting, shown
from ui.quiz import question
from ui.state import UrlParam, bind_url

MAX_STEP_OPTIONS = ("300", "1000", "3000", "10000", "50000")
LR_OPTIONS = ("0.0001", "0.0003", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "2", "4", "10")
choices = activation_choices()
NAMES = tuple(choices)

PARAMS = (
    UrlParam("lab_data", "circles", "choice", options=tuple(d.name for d in DATASETS)),
    UrlParam("lab_noise", 0.1, "float", 0.0, 0.5),
    UrlParam("lab_points", 400, "int", 100, 1000),
    UrlParam("lab_act", "relu", "choice", options=NAMES),
    UrlParam("lab_compare", "none", "choice", options=("none",) + NAMES),
    UrlParam("lab_layers", 2, "int", 1, 4),
    UrlParam("lab_width", 16, "int", 2, 64),
    UrlParam("lab_init", "he", "choice", options=("he", "xavier", "normal")),
    UrlParam("lab_scale", 0.1, "float", 0.01, 3.0),
    UrlParam("lab_bias", 0.0, "float", -5.0, 5.0),
    UrlParam("lab_lr", "0.3", "choice", options=LR_OPTIONS),
    UrlParam("lab_momentum", 0.0, "float", 0.0, 0.95),
    UrlParam("lab_bn", False, "bool"),
    UrlParam("lab_batch", 0, "int", 0, 400),
    UrlParam("lab_max_steps", "10000", "choice", options=MAX_STEP_OPTIONS),
    UrlParam("lab_seed", 11, "int", 0, 2**31 - 1),
) + tuple(UrlParam(f"lab_{n}_{p.name}", p.default, "float", p.min, p.max)
          for n, a in choices.items() for p in a.params)
bind_url(PARAMS)
ss = st.session_state


def load_preset(key: str) -> None:
    """Put a scenario's settings into the widgets (and so the URL)."""
    p = PRESETS[key]
    c = p.config
    ss.update(lab_data=p.dataset, lab_noise=p.noise, lab_points=p.n_points, lab_seed=p.seed,
              lab_act=c.activation, lab_layers=len(c.hidden), lab_width=c.hidden[0], lab_init=c.init,
              lab_scale=c.init_scale, lab_bias=c.bias_init, lab_lr=f"{c.learning_rate:g}",
              lab_momentum=c.momentum, lab_bn=c.batch_norm, lab_batch=c.batch_size or 0,
              lab_max_steps=str(c.max_steps), lab_compare="none")


st.title("Dead-neuron lab")
st.markdown("Train a small network live and watch ReLU neurons die: a neuron is **dead** when its "
            "output is zero for every training point, so it gets no gradient and never learns again.")

with controls():
    c1, c2, c3 = st.columns([2, 1, 1])
    preset = c1.selectbox("Scenario", list(PRESETS), format_func=lambda k: PRESETS[k].title,
                          key="lab_preset_choice")
    c2.button("Load scenario", on_click=load_preset, args=(preset,), use_container_width=True,
              help="Fill every control with the scenario's settings.")
    c3.button("New seed", on_click=lambda: ss.update(lab_seed=int(np.random.default_rng().integers(2**31))),
              use_container_width=True)
    st.caption(PRESETS[preset].explanation)
    a, b, c, d = st.columns(4)
    with a:
        st.selectbox("Data set", [x.name for x in DATASETS], key="lab_data",
                     format_func=lambda n: next(x.display_name for x in DATASETS if x.name == n))
        st.slider("Noise", 0.0, 0.5, step=0.01, key="lab_noise")
        st.slider("Points", 100, 1000, step=50, key="lab_points")
    with b:
        st.selectbox("Activation", NAMES, key="lab_act", format_func=lambda n: choices[n].display_name)
        st.selectbox("Compare side by side with", ("none",) + NAMES, key="lab_compare",
                     format_func=lambda n: "nothing" if n == "none" else choices[n].display_name,
                     help="Trains a second network from the same seed and data.")
        for name in dict.fromkeys([ss.lab_act, ss.lab_compare]):
            for p in choices[name].params if name != "none" else ():
                st.slider(f"{choices[name].display_name}: {p.name}", p.min, p.max, step=p.step,
                          key=f"lab_{name}_{p.name}")
    with c:
        st.slider("Hidden layers", 1, 4, key="lab_layers")
        st.slider("Neurons per layer", 2, 64, key="lab_width")
        st.selectbox("Initialisation", ("he", "xavier", "normal"), key="lab_init",
                     format_func={"he": "He", "xavier": "Xavier/Glorot", "normal": "Normal(0, scale²)"}.get)
        if ss.lab_init == "normal":
            st.slider("Init scale", 0.01, 3.0, step=0.01, key="lab_scale")
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


@st.cache_data(max_entries=32)
def dataset(name, n, noise, seed):
    return make_dataset(name, n=n, noise=noise, seed=seed)


def config_for(name: str) -> NetConfig:
    """The run's settings; the learning rate, momentum and stop step are the ones the run started with."""
    act = name if name in ACTIVATIONS else choices[name]
    return NetConfig(
        hidden=(ss.lab_width,) * ss.lab_layers, activation=act,
        activation_params=tuple((p.name, float(ss[f"lab_{name}_{p.name}"])) for p in choices[name].params),
        batch_norm=ss.lab_bn, init=ss.lab_init, init_scale=ss.lab_scale, bias_init=ss.lab_bias,
        learning_rate=float(ss.lab_lr), momentum=ss.lab_momentum, batch_size=ss.lab_batch or None,
        max_steps=int(ss.lab_max_steps))


def inactive_word(state) -> str:
    """What the run counts: "dead" neurons, or "saturated" ones for sigmoid and tanh."""
    return "saturated" if dead_criterion(state.config.activation) == "saturated" else "dead"


names = [ss.lab_act] + ([ss.lab_compare] if ss.lab_compare not in ("none", ss.lab_act) else [])
try:
    data = dataset(ss.lab_data, ss.lab_points, ss.lab_noise, ss.lab_seed % 2**32)
    configs = {n: config_for(n) for n in names}
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


def formula_program(name: str):
    """A typed formula compiled for the browser (None for the built-ins)."""
    if name != "custom":
        return None
    from activations_core.formula_program import formula_program as compile_formula
    return compile_formula(parsed_formula(ss[FORMULA.key]))


p = presenting()
runs = [LabRun(n, choices[n].display_name, inactive_word(ss.lab_start[n]), ss.lab_start[n], ss.lab_runs[n],
               formula_program(n)) for n in names]
sync = show_live_lab(ss.lab_run_id, runs, data, learning_rate=float(ss.lab_lr), momentum=float(ss.lab_momentum),
                     max_steps=int(ss.lab_max_steps), dark=st.context.theme.type == "dark", presenting=p)
try:  # the browser's state after a pause, a step, a reset or the end of training
    ss.lab_runs = runs_from_sync(sync, ss.lab_run_id, runs) or ss.lab_runs
except ValueError as err:
    st.warning(f"The lab's state could not be read back ({err}); the tables show the last state that could.")


def run_tables(state) -> dict[str, pd.DataFrame]:
    """The data behind one run's charts: history per recorded step, each hidden neuron, the probability map."""
    h = state.history
    word = inactive_word(state)
    history = pd.DataFrame({"step": h.step, "train_loss": h.train_loss, "test_loss": h.test_loss,
                            "train_acc": h.train_acc, "test_acc": h.test_acc, f"{word}_overall": h.dead_overall,
                            **{f"layer_{i + 1}_{word}": h.dead_fraction[:, i] for i in range(h.dead_fraction.shape[1])}})
    activity = neuron_activity(state, data.X_train)
    neurons = pd.DataFrame([{"layer": layer, "neuron": j, "mean_abs_activation": float(m), word: bool(off)}
                            for layer, a in enumerate(activity, start=1)
                            for j, (m, off) in enumerate(zip(a.mean_abs, a.inactive), start=1)])
    xs, ys, P = decision_grid(state, 60, data.bounds)
    gx, gy = np.meshgrid(xs, ys)
    grid = pd.DataFrame({"x1": gx.ravel(), "x2": gy.ravel(), "p_class_1": P.ravel()})
    return {"history": history, "neurons": neurons, "probability_map": grid}


def csv_of(state, part: str) -> bytes:
    """One table as CSV: built only when its download button is clicked."""
    return run_tables(state)[part].to_csv(index=False).encode()


with st.expander("Data behind the charts, and export (history CSV, weights JSON)"):
    st.caption("As the lab last reported it: the tables and files follow each Pause, Step and Reset, and the end "
               "of training; nothing is sent to the server while the network trains.")
    for name, state in ss.lab_runs.items():
        title = choices[name].display_name
        if shown("tables"):
            tables = run_tables(state)
            st.markdown(f"**{title}** at step {state.step:,}: training history (every recorded step) and hidden neurons")
            t1, t2 = st.columns([3, 2])
            t1.dataframe(tables["history"], hide_index=True, height=240, key=f"lab_history_table_{name}")
            t2.dataframe(tables["neurons"], hide_index=True, height=240, key=f"lab_neuron_table_{name}")
        e1, e2, e3, e4 = st.columns(4)
        for column, (part, label) in zip((e1, e2, e3), (("history", "history CSV"), ("neurons", "neurons CSV"),
                                                         ("probability_map", "probability map CSV"))):
            column.download_button(f"{title}: {label}", functools.partial(csv_of, state, part),
                                   file_name=f"lab_{name}_{part}.csv", mime="text/csv", on_click="ignore",
                                   key=f"lab_csv_{part}_{name}")
        e4.download_button(f"{title}: weights JSON", functools.partial(lambda s: json.dumps(to_json_dict(s)).encode(), state),
                           file_name=f"lab_{name}_network.json", mime="application/json", on_click="ignore",
                           key=f"lab_json_{name}")


@st.cache_data(max_entries=8)
def preset_outcome(key: str) -> tuple[float, float, float]:
    """(dead fraction at step 0, at the end, final test accuracy) of a scenario, computed."""
    end = PRESETS[key].run()
    return float(end.history.dead_overall[0]), float(end.history.dead_overall[-1]), float(end.history.test_acc[-1])


if shown("questions"):
    st.subheader("Predict, then reveal")
    high, fix = preset_outcome("lr_too_high"), preset_outcome("the_fix")
    question("lab_q1", "At learning rate 4, which activation keeps more hidden neurons alive?",
             ["ReLU", "Leaky ReLU", "Both the same"], 1 if fix[1] < high[1] else (0 if fix[1] > high[1] else 2),
             f"After {PRESETS['lr_too_high'].steps} steps ReLU has **{high[1]:.0%}** dead neurons "
             f"(test accuracy {high[2]:.0%}); Leaky ReLU has **{fix[1]:.0%}** (test accuracy {fix[2]:.0%}).")
    bias = preset_outcome("negative_bias")
    bands = ["under 10%", "10% to 50%", "over 50%"]
    question("lab_q2", "With every hidden bias starting at -3, how many ReLU neurons are dead before training?",
             bands, int(np.searchsorted([0.1, 0.5], bias[0], side="right")),
             f"**{bias[0]:.0%}** are dead at step 0: their input is negative for every point.")
    question("lab_q3", "Once a ReLU neuron is dead, does plain SGD bring it back?",
             ["Yes, quickly", "No"], 1 if bias[1] >= bias[0] else 0,
             f"In the negative-bias scenario {bias[0]:.0%} are dead at the start and {bias[1]:.0%} at the end: "
             "a dead neuron gets zero gradient, so nothing moves its weights.")
