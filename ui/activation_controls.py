"""Activation controls for every page that picks activations: each parameter's URL entry, slider
and current value, a label that carries the values, and the random seed with its reseed button.

A page makes one ``ActivationControls`` with its URL prefix and the activations it offers, binds
``url_params`` with its other parameters, and reads everything through it::

    ACT_CONTROLS = ActivationControls("cv", CHOICES)
    PARAMS = (FUNCS, XMIN) + ACT_CONTROLS.url_params
    ACT_CONTROLS.slider_row(["leaky_relu", "gelu"])  # "Leaky ReLU: alpha (negative slope)"
    ACT_CONTROLS.values("leaky_relu")                # {"alpha": 0.01}
    ACT_CONTROLS.label("leaky_relu")                 # "Leaky ReLU (α = 0.01)"
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Iterable, Mapping

import streamlit as st

from activations_core import Activation, Param
from ui.state import UrlParam

GREEK = {"alpha": "α", "beta": "β"}  # parameter names as labels write them
# The seed range of the lesson pages (their number inputs, links and reseed button).
MAX_SEED = 999_999
# The lab's links have carried seeds up to 2**31 - 1 (its old "New seed" drew from there), so its
# range stays that wide: a link shared today keeps opening. The lesson pages keep theirs too (a
# link with a larger seed falls back to the default with a notice, as it always has).
LAB_MAX_SEED = 2**31 - 1


def param_key(prefix: str, name: str, param_name: str) -> str:
    """The URL and widget key of one activation parameter, e.g. cv_leaky_relu_alpha."""
    return f"{prefix}_{name}_{param_name}"


def params_for(prefix: str, choices: Mapping[str, Activation]) -> tuple[UrlParam, ...]:
    """A URL parameter for every parameter of every activation offered, within its slider's range."""
    return tuple(UrlParam(param_key(prefix, name, p.name), float(p.default), "float", p.min, p.max)
                 for name, act in choices.items() for p in act.params)


def values_text(values: Mapping[str, float]) -> str:
    """Parameter values for a label, e.g. ' (α = 0.01)'; '' when there are none."""
    if not values:
        return ""
    return " (" + ", ".join(f"{GREEK.get(k, k)} = {v:g}" for k, v in values.items()) + ")"


@dataclass(frozen=True)
class ActivationControls:
    """The parameters of the activations a page offers, under the page's URL prefix."""

    prefix: str
    choices: Mapping[str, Activation]

    @property
    def url_params(self) -> tuple[UrlParam, ...]:
        """Every activation parameter's URL entry (bind them before drawing the sliders)."""
        return params_for(self.prefix, self.choices)

    def key(self, name: str, param_name: str) -> str:
        """The URL and widget key of one parameter of activation ``name``."""
        return param_key(self.prefix, name, param_name)

    def values(self, name: str) -> dict[str, float]:
        """The current slider values of one activation's parameters, by parameter name."""
        return {p.name: float(st.session_state[self.key(name, p.name)]) for p in self.choices[name].params}

    def label(self, name: str, values: Mapping[str, float] | None = None) -> str:
        """The display name with its parameter values, e.g. 'Leaky ReLU (α = 0.01)': the current
        ones, or ``values`` when given ({} for the display name alone)."""
        return self.choices[name].display_name + values_text(self.values(name) if values is None else values)

    def slider(self, name: str, p: Param) -> None:
        """One parameter's slider, labelled '<display name>: <parameter label>' with its help."""
        st.slider(f"{self.choices[name].display_name}: {p.label}", min_value=float(p.min),
                  max_value=float(p.max), step=float(p.step), key=self.key(name, p.name), help=p.help)

    def sliders(self, names: Iterable[str]) -> None:
        """The sliders of every parameter of the named activations, one under another."""
        for name in names:
            for p in self.choices[name].params:
                self.slider(name, p)

    def slider_row(self, names: Iterable[str], min_columns: int = 3) -> None:
        """The sliders of every parameter of the named activations side by side, one per column
        (at least ``min_columns`` columns, so a lone slider keeps a sensible width); nothing when
        none of them has parameters."""
        tuned = [(name, p) for name in names for p in self.choices[name].params]
        if not tuned:
            return
        for column, (name, p) in zip(st.columns(max(min_columns, len(tuned))), tuned):
            with column:
                self.slider(name, p)


def seed_param(key: str, default: int, max_seed: int = MAX_SEED) -> UrlParam:
    """The URL entry of a page's random seed: a whole number from 0 to ``max_seed``."""
    return UrlParam(key, default, "int", 0, max_seed)


def reseed(seed: UrlParam) -> None:
    """Callback: a new random seed in the seed's range, never the current one (it goes into the
    URL, so a shared link shows the same network)."""
    current = st.session_state.get(seed.key)
    new = current
    while new == current:
        new = random.randint(int(seed.lo), int(seed.hi))
    st.session_state[seed.key] = new


def seed_input(seed: UrlParam, *, reseed_key: str, fixes: str, draws: str) -> None:
    """The seed's number input (its range is the URL's) with a Reseed button under it; their help
    says what the seed ``fixes`` ("the random weights") and what a reseed ``draws`` ("new random
    weights")."""
    st.number_input("Random seed", min_value=int(seed.lo), max_value=int(seed.hi), step=1, key=seed.key,
                    help=f"Fixes {fixes}; it is part of the link you share.")
    st.button("Reseed", key=reseed_key, on_click=reseed, args=(seed,), icon=":material/casino:",
              help=f"Draw {draws}.")
