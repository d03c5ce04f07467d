"""Server-side time of every page, and the lab's training speed, against an empty Streamlit page.

Run:  python3 bench/bench_pages.py   (writes bench/results_pages.md and prints the same table)

The baseline is a rerun of an empty page (``st.title`` only) in AppTest, measured in the same
process. Pages are opened through app.py (router, sidebar, URL state) as tests/app/conftest.py
does; AppTest's own overhead is in the pages and the baseline alike, hence ratios. st.cache_data
is process-wide, so one warm-up session per page fills it and every timed session starts warm.
Each figure is the best of several interleaved rounds, since the machine is shared.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import numpy as np
import plotly.io
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from activations_core.datasets import make_dataset  # noqa: E402
from activations_core.network import (  # noqa: E402
    NetConfig,
    dead_criterion,
    decision_grid,
    init_network,
    neuron_activity,
    predict_proba,
    train_steps,
)
from ui.figures_lab import boundary_figure, neuron_grid_html, training_figure  # noqa: E402

PAGES = ("why_nonlinearity", "curves", "choosing", "softmax_temperature", "vanishing_gradients",
         "dead_neurons_lab", "your_activation")
EMPTY_PAGE = "import streamlit as st\nst.title('Empty')"
ROUNDS = 9
LAB_STEPS = 1000          # SGD steps per training-speed measurement
STEPS_PER_FRAME = 200     # as app_pages/dead_neurons_lab.py
FRAME_BUDGET = 0.06
GRID = 60


def seconds(run) -> float:
    """Wall time of one call of ``run``."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def checked(at: AppTest) -> AppTest:
    """``at`` after one run, refusing to time a page that raised."""
    at.run()
    if at.exception:
        raise RuntimeError([e.message for e in at.exception])
    return at


def page_session(page: str) -> AppTest:
    """A new session of ``app_pages/<page>.py`` opened through app.py, not yet run."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page(f"app_pages/{page}.py")
    return at


def lab_setup():
    """The lab's default network (default NetConfig, seed 11) on circles, 400 points, noise 0.1, seed 11."""
    data = make_dataset("circles", n=400, noise=0.1, seed=11)
    state = train_steps(init_network(NetConfig(), 11), data, 500)
    return data, state


def lab_frame(state, data, serialise: bool) -> int:
    """One frame of the lab's server-side work (as the page's ``live`` fragment); returns steps trained.

    serialise adds plotly's JSON encoding of both charts, which st.plotly_chart does on every frame.
    """
    new = train_steps(state, data, STEPS_PER_FRAME, time_budget=FRAME_BUDGET)
    word = "saturated" if dead_criterion(new.config.activation) == "saturated" else "dead"
    h = new.history
    xs, ys, P = decision_grid(new, GRID, data.bounds)
    boundary = boundary_figure(xs, ys, P, data.X_train, data.y_train, predict_proba(new, data.X_train), dark=False)
    fractions = {f"layer {i + 1} {word}": h.dead_fraction[:, i] for i in range(h.dead_fraction.shape[1])}
    training = training_figure(h.step, {"train loss": h.train_loss, "test loss": h.test_loss}, fractions,
                               fraction_title=f"fraction {word}", dark=False)
    activity = neuron_activity(new, data.X_train)
    neuron_grid_html([a.mean_abs for a in activity], [a.inactive for a in activity], inactive_word=word)
    if serialise:
        plotly.io.to_json(boundary, validate=False)
        plotly.io.to_json(training, validate=False)
    return new.step - state.step


def measure() -> dict:
    """Best times in seconds: 'empty', 'empty first', (page, 'first'|'rerun'), 'steps', 'frame train',
    'frame', 'frame json'; and 'frame steps', the steps trained in the best frame."""
    empty = checked(AppTest.from_string(EMPTY_PAGE))
    for page in PAGES:  # warm-up sessions: imports, st.cache_data, plotly validators
        checked(checked(page_session(page)))
    data, state = lab_setup()
    lab_frame(state, data, serialise=True)
    best = {}

    def keep(key, value):
        best[key] = min(best.get(key, np.inf), value)

    for _ in range(ROUNDS):
        fresh_empty = AppTest.from_string(EMPTY_PAGE)
        keep("empty first", seconds(lambda: checked(fresh_empty)))
        for page in PAGES:
            keep("empty", seconds(empty.run))  # baseline sampled between pages, so it sees the same load
            at = page_session(page)
            keep((page, "first"), seconds(lambda: checked(at)))
            keep((page, "rerun"), seconds(lambda: checked(at)))
        keep("empty", seconds(empty.run))
        keep("steps", seconds(lambda: train_steps(state, data, LAB_STEPS)))
        keep("frame train", seconds(lambda: train_steps(state, data, STEPS_PER_FRAME, time_budget=FRAME_BUDGET)))
        start = time.perf_counter()
        steps = lab_frame(state, data, serialise=False)
        frame = time.perf_counter() - start
        if frame < best.get("frame", np.inf):
            best["frame steps"] = steps
        keep("frame", frame)
        keep("frame json", seconds(lambda: lab_frame(state, data, serialise=True)))
    return best


def main() -> str:
    started = time.perf_counter()
    best = measure()
    base = best["empty"]
    rate = LAB_STEPS / best["steps"]

    def row(what: str, key) -> str:
        return f"| {what} | {1000 * best[key]:.1f} | {best[key] / base:.1f} |"

    lines = [
        "# Pages: server-side time against an empty page",
        "",
        f"`python3 bench/bench_pages.py`: best of {ROUNDS} interleaved rounds on a 2-core machine shared with "
        "other jobs. The unit is one rerun of an empty Streamlit page (`st.title` only) in AppTest, measured in "
        "the same process between the pages, so the ratios hold on a faster or slower machine. Each page is "
        "opened through app.py (router, sidebar, URL state) as the AppTest suite does, and AppTest's own "
        "overhead is in the page and the baseline alike. \"First run\" is a new session after one warm-up "
        "session has filled st.cache_data (a new visitor to a warm server); \"rerun\" is the same session "
        "run again with nothing changed (what every widget change costs at least). The first run of a new "
        "AppTest session also pays AppTest's per-session setup, shown by the empty page's own first run. "
        "The lab rows time its default network (2-16-16-1 ReLU, circles, 400 points, noise 0.1, seed 11) "
        f"outside Streamlit: a frame is `train_steps` ({STEPS_PER_FRAME} steps, {FRAME_BUDGET} s budget), "
        f"the {GRID}x{GRID} decision grid, `predict_proba`, `neuron_activity` and the figures of "
        "ui/figures_lab.py, then also the JSON encoding st.plotly_chart does.",
        "",
        "| what | ms | ratio to empty-page rerun |",
        "| --- | ---: | ---: |",
        row("empty page, rerun (baseline)", "empty"),
        row("empty page, first run of a new session", "empty first"),
    ]
    for page in PAGES:
        lines.append(row(f"{page}, first run", (page, "first")))
        lines.append(row(f"{page}, rerun", (page, "rerun")))
    lines += [
        row(f"lab frame: its {STEPS_PER_FRAME} `train_steps` alone", "frame train"),
        row(f"lab frame ({best['frame steps']} steps + grid + figures)", "frame"),
        row("lab frame + plotly JSON of both charts", "frame json"),
        "",
        "| lab training speed | value |",
        "| --- | ---: |",
        f"| SGD steps per second (`train_steps`, {LAB_STEPS} steps) | {rate:,.0f} |",
        f"| SGD steps per empty-page rerun | {rate * base:.1f} |",
        "",
        f"Whole benchmark: {time.perf_counter() - started:.0f} s.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    quiet.addFilter(lambda record: "missing ScriptRunContext" not in record.getMessage())  # bare-mode noise
    table = main()
    print(table)
    (ROOT / "bench" / "results_pages.md").write_text(table, encoding="utf-8")
