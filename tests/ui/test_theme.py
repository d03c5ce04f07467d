"""Activation styles (issue #6): every activation legible on light and dark, never two alike."""

from __future__ import annotations

import itertools

import plotly.graph_objects as go
import pytest

from activations_core import ACTIVATIONS
from ui.theme import ACTIVATION_PALETTE, GREY, activation_colour, activation_style

YELLOW = "#F0E442"  # Okabe-Ito yellow: 1.3:1 on white
WHITE, STREAMLIT_DARK = "#FFFFFF", "#0E1117"  # Streamlit's light and dark chart backgrounds
NAMES = [*ACTIVATIONS, "custom"]  # the registry plus the student's formula (ui/catalog.py)
UNKNOWN = ["my_act", "swiglu", "hard_tanh", "x", "Custom", "relu6", "prelu", "sin"]


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x: L = 0.2126 R + 0.7152 G + 0.0722 B of the linearised sRGB channels."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio (L_lighter + 0.05) / (L_darker + 0.05)."""
    low, high = sorted((relative_luminance(a), relative_luminance(b)))
    return (high + 0.05) / (low + 0.05)


def test_the_reference_luminance_matches_wcag_worked_values():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # the well-known 4.48:1
    assert contrast(YELLOW, WHITE) < 1.5 and contrast(GREY, WHITE) < 3  # why they are excluded


@pytest.mark.parametrize("name", NAMES + UNKNOWN)
def test_no_activation_is_yellow_or_the_reference_grey(name):
    assert activation_colour(name).upper() not in (YELLOW, GREY.upper())


@pytest.mark.parametrize("name", NAMES + UNKNOWN)
def test_every_activation_colour_reads_on_white_and_on_streamlit_dark(name):
    hue = activation_colour(name)
    assert contrast(hue, WHITE) >= 3.0, (name, hue, contrast(hue, WHITE))
    assert contrast(hue, STREAMLIT_DARK) >= 3.0, (name, hue, contrast(hue, STREAMLIT_DARK))


def test_the_palette_itself_clears_three_to_one_on_both_backgrounds():
    for hue in ACTIVATION_PALETTE.values():
        assert min(contrast(hue, WHITE), contrast(hue, STREAMLIT_DARK)) >= 3.0, hue


def test_no_two_activations_share_both_colour_and_dash():
    styles = {name: (activation_style(name)["color"], activation_style(name)["dash"]) for name in NAMES}
    assert len(set(styles.values())) == len(NAMES), styles


def test_unknown_names_never_look_like_a_known_activation_and_are_stable():
    known = {tuple(activation_style(n).values()) for n in NAMES}
    for name in UNKNOWN:
        assert tuple(activation_style(name).values()) not in known
        assert activation_style(name) == activation_style(name)


@pytest.mark.parametrize("pair", [("sigmoid", "swish"), ("tanh", "mish"), ("relu", "softplus"),
                                  ("elu", "selu"), ("gelu", "gelu_tanh"), ("leaky_relu", "custom")])
def test_related_functions_share_a_colour_and_differ_by_dash(pair):
    a, b = (activation_style(n) for n in pair)
    assert a["color"] == b["color"] and a["dash"] != b["dash"]


def test_unrelated_functions_get_different_colours():
    families = {}
    for name in NAMES:
        families.setdefault(activation_colour(name), []).append(name)
    assert len(families) == len(ACTIVATION_PALETTE) and all(len(f) == 2 for f in families.values())


@pytest.mark.parametrize("name", NAMES + UNKNOWN)
def test_styles_are_valid_plotly_lines(name):
    go.Scatter(line=activation_style(name))  # plotly rejects unknown colours and dash names


def test_palette_colours_are_distinct():
    assert all(a != b for a, b in itertools.combinations(ACTIVATION_PALETTE.values(), 2))
