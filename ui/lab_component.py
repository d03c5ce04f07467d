"""The live lab as a Streamlit component: the browser trains and draws, Python sends the runs and reads them back.

The component is plain files in ui/lab/ (no build step, no network): activations.js (the
built-in activations), formula.js (a typed formula's compiled program), trainer.js (the
network, a port of activations_core/network/) and lab.js (controls, drawing, frame loop),
joined into one ES module. Python hands it each run as ``network.browser_spec`` and gets the
runs back as ``network.to_json_dict`` dicts when the student pauses, steps, resets or when
training stops; nothing travels while it trains, so the server does no work per frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from activations_core.network import NetConfig, NetState, browser_spec, from_json_dict
from activations_core.datasets import Dataset
from ui.theme import DIVERGING, OKABE_ITO, colour

ASSETS = Path(__file__).with_name("lab")
SCRIPTS = ("activations.js", "formula.js", "trainer.js", "lab.js")  # one module, in this order
STEP_BUTTON_STEPS = 10
DEFAULT_SPEED = 30  # SGD steps per frame (the speed menu in the lab)
FRAME_BUDGET_MS = 20  # at most this much training per frame, shared by the runs shown


def module_source() -> str:
    """The component's JavaScript: the four files as one ES module."""
    return "\n".join((ASSETS / name).read_text(encoding="utf-8") for name in SCRIPTS)


_live_lab = st.components.v2.component(
    "activation_lab_live", css=(ASSETS / "lab.css").read_text(encoding="utf-8"), js=module_source())


@dataclass(frozen=True)
class LabRun:
    """One network the lab shows: where it starts (step 0), where Python last saw it, how to name it."""

    name: str  # registry name, or "custom"
    title: str
    word: str  # "dead" or "saturated": what the run counts
    start: NetState
    latest: NetState
    config: NetConfig  # the settings now: its learning rate, momentum and stop step apply at once
    formula_program: dict | None = None  # a typed formula, compiled for the browser


def show_live_lab(run_id: str, runs: list[LabRun], data: Dataset, *, dark: bool, presenting: bool,
                  autostart: int | None = None, key: str = "lab_live"):
    """Mount the lab; returns what it sent back on this rerun (a dict with "run_id", "reason", "runs"), or None.

    A new run_id makes the browser start again from each run's ``latest`` state; with the same
    run_id it keeps its own (newer) state and only takes each run's learning rate, momentum and
    max_steps from ``config``, which change without a reset. ``autostart``, a number new with each lesson click,
    makes the lab start its runs from step 0 and train at once (None on every other rerun).
    """
    payload = {
        "run_id": run_id,
        "runs": [{
            "name": run.name, "title": run.title, "word": run.word, "formula": run.formula_program,
            "spec": browser_spec(run.start, data),
            "resume": browser_spec(run.latest, data) if run.latest.step != run.start.step else None,
            "live": {"learning_rate": run.config.learning_rate, "momentum": run.config.momentum,
                     "max_steps": run.config.max_steps},
        } for run in runs],
        "bounds": [list(b) for b in data.bounds],
        "colours": {"diverging": DIVERGING, "class0": colour(3), "class1": colour(0), "series": list(OKABE_ITO)},
        "dark": dark, "presenting": presenting, "autostart": autostart,
        "step_button": STEP_BUTTON_STEPS, "speed": DEFAULT_SPEED, "frame_budget_ms": FRAME_BUDGET_MS,
        "map_size": 400,
    }
    result = _live_lab(key=key, data=payload, on_sync_change=lambda: None)
    return result.sync


def runs_from_sync(sync, run_id: str, runs: list[LabRun]) -> dict[str, NetState] | None:
    """The runs a message from the lab carries, by name; None if there is no message or it belongs
    to a run these settings replaced. ValueError if it is malformed or does not fit the runs
    (another seed, another architecture): a browser is not trusted to send what it should.
    """
    if sync is None:
        return None
    if not isinstance(sync, dict) or not isinstance(sync.get("runs"), list) or len(sync["runs"]) != len(runs):
        raise ValueError("the message is not a list of the lab's runs")
    if sync.get("run_id") != run_id:
        return None
    states = {}
    for run, exported in zip(runs, sync["runs"]):
        state = from_json_dict(exported, activation=run.start.config.activation)
        if (state.seed, state.config.hidden, state.config.batch_norm) != (
                run.start.seed, run.start.config.hidden, run.start.config.batch_norm):
            raise ValueError(f"the {run.title} run has another seed or shape than the one on the page")
        states[run.name] = state
    return states
