"""The activations a page can offer: the core's registry plus the student's own formula."""

from __future__ import annotations

from activations_core import ACTIVATIONS, Activation


def activation_choices() -> dict[str, Activation]:
    """Built-in activations by name (the custom formula joins them once issue 7 lands)."""
    return dict(ACTIVATIONS)
