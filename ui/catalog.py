"""The activations a page can offer: the core's registry plus the student's own formula."""

from __future__ import annotations

import streamlit as st

from activations_core import ACTIVATIONS, Activation
from ui.state import UrlParam

# The student's formula travels in every page's URL (app.py binds it), so a shared link to the
# curves page or the lab brings the formula along.
FORMULA = UrlParam("fx", "", "text", max_len=200)
# What "Design your own" shows on arrival when no formula is in use (and then puts in the link).
ARRIVAL_FORMULA = "x * sigmoid(a * x)"


@st.cache_resource(max_entries=64)
def parsed_formula(text: str):
    """The validated formula (raises FormulaError with a message for students).

    A resource cache, not st.cache_data: cache_data pickles its values, and unpickling a SymPy tree
    re-simplifies it, so the first viewer of sqrt(x)**2 got one function (NaN below 0) and every
    later viewer another (x). One shared, immutable object gives every view the same function.
    """
    from activations_core.formula import parse_formula  # loads SymPy: only when a formula is used

    return parse_formula(text)


def custom_activation() -> Activation | None:
    """The student's formula as an Activation, or None when there is none (or it is invalid)."""
    text = st.session_state.get(FORMULA.key, "")
    if not text:
        return None
    try:
        return parsed_formula(text).to_activation(display_name=f"Your formula: {text}")
    except ValueError:
        return None


def activation_choices() -> dict[str, Activation]:
    """Built-in activations by name, and "custom" once the student has defined a formula."""
    choices = dict(ACTIVATIONS)
    custom = custom_activation()
    if custom is not None:
        choices["custom"] = custom
    return choices


BUILTIN_STEPS = 12  # numpy operations a built-in activation's f and f' take, roughly


@st.cache_data(max_entries=64)
def formula_cost(text: str) -> float:
    """A typed formula's price per element relative to a built-in activation: the steps of its
    compiled f and f' over BUILTIN_STEPS (at least 1). Counted, not timed, so a link gives the
    same measurement on every server."""
    return max(1.0, len(parsed_formula(text).program()["instructions"]) / BUILTIN_STEPS)
