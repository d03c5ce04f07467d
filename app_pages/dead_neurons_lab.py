"""Dead-neuron lab: a toy network trained live, with the causes of dead ReLU neurons as knobs."""

import json
import time

import numpy as np
import pandas as pd
import streamlit as st

from activations_core import ACTIVATIONS
from activations_core.datasets import DATASETS, make_dataset
from activations_core.network import (PRESETS, NetConfig, dead_criterion, decision_grid, init_network,
                                      neuron_activity, predict_proba, to_json_dict, train_steps)
from ui.catalog import activation_choices
from ui.figures_lab import boundary_figure, neuron_grid_html, training_figure
from ui.presenter import controls, presenting, shown
from ui.quiz import question
from ui.state import UrlParam, bind_url

FRAME_SECONDS = 0.15     # up to 6.7 frames per second while training (5 is the target)
FRAME_BUDGET = 0.06      # seconds of training per frame, shared by the runs shown
STEPS_PER_FRAME = 200    # and never more steps than this per frame
STEP_BUTTON_STEPS = 10
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
    UrlParam("lab_max_steps", 1000, "int", 100, 20000),
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
              lab_max_steps=c.max_steps, lab_compare="none", lab_running=False)


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
        st.slider("Stop after steps", 100, 20000, step=100, key="lab_max_steps")


@st.cache_data(max_entries=32)
def dataset(name, n, noise, seed):
    return make_dataset(name, n=n, noise=noise, seed=seed)


def config_for(name: str) -> NetConfig:
    act = name if name in ACTIVATIONS else choices[name]
    return NetConfig(
        hidden=(ss.lab_width,) * ss.lab_layers, activation=act,
        activation_params=tuple((p.name, float(ss[f"lab_{name}_{p.name}"])) for p in choices[name].params),
        batch_norm=ss.lab_bn, init=ss.lab_init, init_scale=ss.lab_scale, bias_init=ss.lab_bias,
        learning_rate=float(ss.lab_lr), momentum=ss.lab_momentum, batch_size=ss.lab_batch or None,
        max_steps=ss.lab_max_steps)


names = [ss.lab_act] + ([ss.lab_compare] if ss.lab_compare not in ("none", ss.lab_act) else [])
try:
    data = dataset(ss.lab_data, ss.lab_points, ss.lab_noise, ss.lab_seed % 2**32)
    configs = {n: config_for(n) for n in names}
except ValueError as err:
    st.error(f"These settings cannot be trained: {err}")
    st.stop()

signature = (ss.lab_data, ss.lab_points, ss.lab_noise, ss.lab_seed, repr(configs))
if ss.get("lab_signature") != signature:  # settings changed: start again from step 0
    ss.lab_signature = signature
    ss.lab_runs = {n: train_steps(init_network(cfg, ss.lab_seed), data, 0) for n, cfg in configs.items()}
    ss.lab_running = False


def set_running(on: bool) -> None:
    ss.lab_running = on
    ss.pop("lab_frame_at", None)  # the first frame after a start is not late


def step_once() -> None:
    ss.lab_runs = {n: train_steps(s, data, STEP_BUTTON_STEPS) for n, s in ss.lab_runs.items()}


def reset() -> None:
    ss.lab_signature = None


running = ss.get("lab_running", False) and not all(s.finished for s in ss.lab_runs.values())
b1, b2, b3, _ = st.columns([1, 1, 1, 3])
if running:
    b1.button("Pause", on_click=set_running, args=(False,), icon=":material/pause:", use_container_width=True)
else:
    b1.button("Start", on_click=set_running, args=(True,), icon=":material/play_arrow:", use_container_width=True,
              type="primary")
b2.button(f"Step ×{STEP_BUTTON_STEPS}", on_click=step_once, disabled=running, use_container_width=True)
b3.button("Reset", on_click=reset, icon=":material/restart_alt:", use_container_width=True)


def inactive_word(state) -> str:
    """What the run counts: "dead" neurons, or "saturated" ones for sigmoid and tanh."""
    return "saturated" if dead_criterion(state.config.activation) == "saturated" else "dead"


def draw(name: str, state) -> None:
    act = choices[name]
    word = inactive_word(state)
    h = state.history
    st.subheader(act.display_name)
    m1, m2, m3 = st.columns(3)
    m1.metric("Step", f"{state.step:,}")
    m2.metric("Test accuracy", f"{h.test_acc[-1]:.1%}")
    m3.metric(f"Hidden neurons {word}", f"{h.dead_overall[-1]:.0%}")
    if state.diverged:
        st.warning("The loss stopped being finite: the learning rate is too high for this network.")
    p, dark = presenting(), st.context.theme.type == "dark"
    xs, ys, P = decision_grid(state, 60, data.bounds)
    boundary = boundary_figure(xs, ys, P, data.X_train, data.y_train, predict_proba(state, data.X_train),
                               dark=dark, presenting=p)
    st.plotly_chart(boundary, theme=None, key=f"lab_boundary_{name}",
                    alt=f"Decision boundary of the {act.display_name} network")
    fractions = {f"layer {i + 1} {word}": h.dead_fraction[:, i] for i in range(h.dead_fraction.shape[1])}
    training = training_figure(h.step, {"train loss": h.train_loss, "test loss": h.test_loss}, fractions,
                               fraction_title=f"fraction {word}", dark=dark, presenting=p)
    st.plotly_chart(training, theme=None, key=f"lab_training_{name}",
                    alt=f"Training and test loss, and the fraction of {word} neurons per layer, against step")
    activity = neuron_activity(state, data.X_train)
    st.html(neuron_grid_html([a.mean_abs for a in activity], [a.inactive for a in activity],
                             inactive_word=word, presenting=p))


def frame_budget() -> float:
    """Seconds of training for this frame: FRAME_BUDGET, cut in proportion when frames arrive late.

    Frames more than 50% late (a slow browser stays within that) mean a busy server, e.g. a class
    training at once: training less per frame keeps every student's frames and pages coming
    instead of queueing behind the training. Never below a fifth of the budget.
    """
    now = time.monotonic()
    interval = now - ss.get("lab_frame_at", now - FRAME_SECONDS)
    ss.lab_frame_at = now
    return FRAME_BUDGET * min(1.0, max(1.5 * FRAME_SECONDS / max(interval, 1e-3), 0.2))


@st.fragment(run_every=FRAME_SECONDS if running else None)
def live() -> None:
    runs = ss.lab_runs
    if ss.get("lab_running", False):
        budget = frame_budget() / len(runs)
        ss.lab_runs = runs = {n: train_steps(s, data, STEPS_PER_FRAME, time_budget=budget) for n, s in runs.items()}
        if all(s.finished for s in runs.values()):
            ss.lab_running = False
            st.rerun(scope="app")  # stop the timer
    for col, (name, state) in zip(st.columns(len(runs)), runs.items()):
        with col:
            draw(name, state)


live()


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


if not running:  # tables and downloads only between frames: they would slow every frame down
    with st.expander("Data behind the charts, and export (history CSV, weights JSON)"):
        for name, state in ss.lab_runs.items():
            title = choices[name].display_name
            tables = run_tables(state)
            if shown("tables"):
                st.markdown(f"**{title}**: training history (every recorded step) and hidden neurons now")
                t1, t2 = st.columns([3, 2])
                t1.dataframe(tables["history"], hide_index=True, height=240, key=f"lab_history_table_{name}")
                t2.dataframe(tables["neurons"], hide_index=True, height=240, key=f"lab_neuron_table_{name}")
            e1, e2, e3, e4 = st.columns(4)
            for column, (part, label) in zip((e1, e2, e3), (("history", "history CSV"), ("neurons", "neurons CSV"),
                                                             ("probability_map", "probability map CSV"))):
                column.download_button(f"{title}: {label}", tables[part].to_csv(index=False).encode(),
                                       file_name=f"lab_{name}_{part}.csv", mime="text/csv", on_click="ignore",
                                       key=f"lab_csv_{part}_{name}")
            e4.download_button(f"{title}: weights JSON", json.dumps(to_json_dict(state)).encode(),
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
