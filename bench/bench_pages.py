"""Server CPU time of every page, and the lab's training speed, against an empty Streamlit page.

Run:  python3 bench/bench_pages.py   (writes bench/results_pages.md and prints the same table)

The baseline is a rerun of an empty page (``st.title`` only) in AppTest, measured in the same
process. Pages are opened through app.py (router, sidebar, URL state) as tests/app/conftest.py
does; AppTest's own overhead is in the pages and the baseline alike, hence ratios. st.cache_data
is process-wide, so one warm-up session per page fills it and every timed session starts warm.
Each figure is the best of several interleaved rounds, since the machine is shared, and is CPU
time of this process (the script runs on AppTest's thread), so other jobs on the machine do not
count. AppTest compiles each page on every run; a server compiles it once for all sessions, so
the runs here share one script cache, as the server's do.

"Worst link" opens each page by the costliest link a student could share (largest sizes, every
option on, a seed not seen before: nothing is cached); it must stay under 300 ms.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import numpy as np
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from activations_core.datasets import make_dataset  # noqa: E402
from activations_core.network import NetConfig, init_network, train_steps  # noqa: E402

PAGES = ("why_nonlinearity", "curves", "choosing", "softmax_temperature", "vanishing_gradients",
         "dead_neurons_lab", "your_activation")
EMPTY_PAGE = "import streamlit as st\nst.title('Empty')"
ROUNDS = 9
LAB_STEPS = 1000          # SGD steps per training-speed measurement
_SHARED_SCRIPTS = ScriptCache()
# Compiled once, as on the server: app.py through the script runner, the pages through the pages
# manager (AppTest gives each its own cache and would compile a page on every run).
local_script_runner.ScriptCache = app_test.ScriptCache = lambda: _SHARED_SCRIPTS

_ALL = "relu,sigmoid,tanh,leaky_relu,elu,gelu,gelu_tanh,swish,softplus,mish,selu"
# The costliest link per page (the seed placeholder is replaced by a new seed each round).
WORST_LINKS = {
    "why_nonlinearity": {"nl_layers": "10", "nl_size": "3", "nl_act": "gelu", "nl_seed": "{seed}"},
    "curves": {"cv_funcs": _ALL, "cv_xmin": "-50", "cv_xmax": "50", "cv_log": "1"},
    "choosing": {"ch_acts": _ALL, "ch_hist": "gelu"},
    "softmax_temperature": {"sm_logits": ", ".join(str(v) for v in range(-15, 15)), "sm_t": "0.01"},
    "vanishing_gradients": {"vg_act": "gelu", "vg_depth": "50", "vg_width": "256", "vg_seed": "{seed}"},
    "dead_neurons_lab": {"lab_layers": "4", "lab_width": "64", "lab_points": "1000", "lab_bn": "1",
                         "lab_compare": "gelu", "lab_seed": "{seed}"},
    "your_activation": {"fx": "x * sigmoid(a * x) + {seed} * 0"},
}


def seconds(run) -> float:
    """CPU time of this process during one call of ``run``."""
    start = time.process_time()
    run()
    return time.process_time() - start


def checked(at: AppTest) -> AppTest:
    """``at`` after one run, refusing to time a page that raised."""
    at.run()
    if at.exception:
        raise RuntimeError([e.message for e in at.exception])
    return at


def page_session(page: str, query: dict[str, str] | None = None) -> AppTest:
    """A new session of ``app_pages/<page>.py`` opened through app.py (by a link with ``query``),
    not yet run."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(f"app_pages/{page}.py")
    return at


def worst_link(page: str, seed: int) -> dict[str, str]:
    """The page's costliest link with a seed no earlier run used."""
    return {key: value.replace("{seed}", str(seed)) for key, value in WORST_LINKS[page].items()}


def lab_setup():
    """The lab's default network (default NetConfig, seed 11) on circles, 400 points, noise 0.1, seed 11."""
    data = make_dataset("circles", n=400, noise=0.1, seed=11)
    state = train_steps(init_network(NetConfig(), 11), data, 500)
    return data, state


def measure() -> dict:
    """Best times in seconds: 'empty', 'empty first', (page, 'first'|'rerun'), 'steps'."""
    empty = checked(AppTest.from_string(EMPTY_PAGE))
    for page in PAGES:  # warm-up sessions: imports, st.cache_data, plotly validators
        checked(checked(page_session(page)))
    data, state = lab_setup()
    best = {}

    def keep(key, value):
        best[key] = min(best.get(key, np.inf), value)

    for round_ in range(ROUNDS):
        fresh_empty = AppTest.from_string(EMPTY_PAGE)
        keep("empty first", seconds(lambda: checked(fresh_empty)))
        for page in PAGES:
            keep("empty", seconds(empty.run))  # baseline sampled between pages, so it sees the same load
            at = page_session(page)
            keep((page, "first"), seconds(lambda: checked(at)))
            keep((page, "rerun"), seconds(lambda: checked(at)))
            worst = page_session(page, worst_link(page, 1000 + round_))
            keep((page, "worst"), seconds(lambda: checked(worst)))
        keep("empty", seconds(empty.run))
        keep("steps", seconds(lambda: train_steps(state, data, LAB_STEPS)))
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
        f"`python3 bench/bench_pages.py`: server CPU time, best of {ROUNDS} interleaved rounds on a 2-core machine "
        "shared with other jobs. The unit is one rerun of an empty Streamlit page (`st.title` only) in AppTest, measured in "
        "the same process between the pages, so the ratios hold on a faster or slower machine. Each page is "
        "opened through app.py (router, sidebar, URL state) as the AppTest suite does, and AppTest's own "
        "overhead is in the page and the baseline alike. \"First run\" is a new session after one warm-up "
        "session has filled st.cache_data (a new visitor to a warm server); \"rerun\" is the same session "
        "run again with nothing changed (what every widget change costs at least). The first run of a new "
        "AppTest session also pays AppTest's per-session setup, shown by the empty page's own first run. "
        "The lab trains in the browser, so its frames cost the server nothing (bench/lab_fps.py); its "
        "page's rerun is what a slider move or a pause costs. The core's training speed (default network: "
        "2-16-16-1 ReLU, circles, 400 points, noise 0.1, seed 11) is what the Python side of the lab runs "
        "to set up and check a run.",
        "",
        "Worst links: " + "; ".join(f"{page} `?{'&'.join(f'{k}={v}' for k, v in query.items())}`"
                                    for page, query in WORST_LINKS.items()) + ".",
        "",
        "| what | CPU ms | ratio to empty-page rerun |",
        "| --- | ---: | ---: |",
        row("empty page, rerun (baseline)", "empty"),
        row("empty page, first run of a new session", "empty first"),
    ]
    for page in PAGES:
        lines.append(row(f"{page}, first run", (page, "first")))
        lines.append(row(f"{page}, rerun", (page, "rerun")))
        lines.append(row(f"{page}, worst link, first run", (page, "worst")))
    lines += [
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
