"""Figures for the vanishing-gradients page: bounds and gradients on log axes, activation histograms."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.theme import GREY, colour

HEATMAP_SCALE = "Cividis"  # perceptually uniform and colour-blind safe, legible on light and dark
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Line:
    """One series over the shared x values: legend label, y, line colour and dash."""

    label: str
    y: np.ndarray
    color: str
    dash: str = "solid"


@dataclass(frozen=True)
class Mark:
    """A labelled point (a reference value)."""

    label: str
    x: float
    y: float


def superscript(n: int) -> str:
    """An integer as superscript digits: 50 -> '⁵⁰'."""
    return str(int(n)).translate(_SUPERSCRIPT)


def sci(value: float, digits: int = 3) -> str:
    """A number for prose: '0.707', '9.54×10⁻⁷', '10⁻⁶'; 0, inf and NaN spelt out."""
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return "not a number" if math.isnan(value) else ("∞" if value > 0 else "−∞")
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    if -3 <= int(exponent) < 4:
        return f"{value:.{digits}g}"
    mantissa = mantissa.rstrip("0").rstrip(".")
    power = f"10{superscript(int(exponent))}"
    if mantissa in ("1", "-1"):
        return power if mantissa == "1" else "-" + power
    return f"{mantissa}×{power}"


def positive_or_gap(y: np.ndarray) -> np.ndarray:
    """y with zeros (and inf/NaN) as NaN: a log axis cannot draw them, so they show as gaps."""
    out = np.array(y, dtype=float)
    out[~(np.isfinite(out) & (out > 0))] = np.nan
    return out


def _lines(fig: go.Figure, x: np.ndarray, lines: Sequence[Line], *, log_y: bool, markers: bool,
           y_format: str) -> None:
    for line in lines:
        y = positive_or_gap(line.y) if log_y else np.asarray(line.y, dtype=float)
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines+markers" if markers else "lines", name=line.label,
            line=dict(color=line.color, dash=line.dash, width=2.5),
            marker=dict(size=6),
            hovertemplate=f"{line.label}: %{{y:{y_format}}}<extra></extra>",
        ))


def bound_figure(n: np.ndarray, lines: Sequence[Line], marks: Sequence[Mark] = ()) -> go.Figure:
    """Bounds on the product of n slope factors, on a log axis, with labelled reference points."""
    fig = go.Figure()
    _lines(fig, n, lines, log_y=True, markers=False, y_format=".3e")
    if marks:
        fig.add_trace(go.Scatter(
            x=[m.x for m in marks], y=[m.y for m in marks], mode="markers+text",
            name="reference values", text=[m.label for m in marks],
            textposition="bottom left",
            marker=dict(color=colour(0), size=10, symbol="diamond", line=dict(color=GREY, width=1)),
            hovertemplate="%{text}<extra></extra>",
        ))
    values = np.concatenate([positive_or_gap(line.y) for line in lines] + [[m.y for m in marks]])
    values = values[np.isfinite(values) & (values > 0)]
    if values.size:  # room below the lowest point for its label
        fig.update_yaxes(range=[math.log10(values.min()) - 4, math.log10(values.max()) + 1])
    fig.update_yaxes(type="log", exponentformat="power")
    fig.update_xaxes(range=[float(n[0]) - 0.5, float(n[-1]) + 0.5])
    return fig


def gradient_figure(layers: np.ndarray, lines: Sequence[Line]) -> go.Figure:
    """Gradient size per layer relative to the output gradient, on a log axis (zeros leave gaps)."""
    fig = go.Figure()
    _lines(fig, layers, lines, log_y=True, markers=True, y_format=".3e")
    fig.update_yaxes(type="log", exponentformat="power")
    fig.update_xaxes(range=[0.5, float(layers[-1]) + 0.5], dtick=_layer_tick(len(layers)))
    return fig


def fraction_figure(layers: np.ndarray, lines: Sequence[Line]) -> go.Figure:
    """Fractions (0 to 1) per layer, shown as percentages."""
    fig = go.Figure()
    _lines(fig, layers, lines, log_y=False, markers=True, y_format=".1%")
    fig.update_yaxes(range=[-0.02, 1.02], tickformat=".0%")
    fig.update_xaxes(range=[0.5, float(layers[-1]) + 0.5], dtick=_layer_tick(len(layers)))
    return fig


def colour_cap(fraction: np.ndarray, quantile: float = 0.95) -> float:
    """Top of the heatmap's colour scale: the 95% quantile of the non-empty cells, so a few huge
    cells (ReLU's exact zeros) do not leave every other cell dark."""
    filled = np.asarray(fraction, dtype=float)
    filled = filled[np.isfinite(filled) & (filled > 0)]
    return float(np.quantile(filled, quantile)) if filled.size else 1.0


def histogram_heatmap(edges: np.ndarray, layers: np.ndarray, fraction: np.ndarray,
                      zmax: float | None = None) -> go.Figure:
    """Each row is one layer's histogram of activation values: the colour is the share per bin
    (cells above ``zmax`` get the top colour)."""
    centres = 0.5 * (edges[:-1] + edges[1:])
    fig = go.Figure(go.Heatmap(
        x=centres, y=layers, z=fraction, colorscale=HEATMAP_SCALE, zmin=0.0, zmax=zmax,
        colorbar=dict(title=dict(text="share"), tickformat=".0%"),
        hovertemplate="layer %{y}, value ≈ %{x:.3g}: %{z:.1%}<extra></extra>",
    ))
    fig.update_yaxes(dtick=_layer_tick(len(layers)))
    return fig


def _layer_tick(count: int) -> int:
    """A tick every 1, 2, 5 or 10 layers."""
    return next((step for step in (1, 2, 5) if count / step <= 12), 10)


def series_table(x_name: str, x: np.ndarray, lines: Sequence[Line]) -> pd.DataFrame:
    """The data behind a line chart: x and one column per line, full precision."""
    return pd.DataFrame({x_name: x, **{line.label: np.asarray(line.y, dtype=float) for line in lines}})


def histogram_table(edges: np.ndarray, layers: np.ndarray, fraction: np.ndarray) -> pd.DataFrame:
    """Long form of the heatmap: layer, bin edges and the share of values in the bin."""
    rows = len(layers) * (len(edges) - 1)
    return pd.DataFrame({
        "layer": np.repeat(layers, len(edges) - 1),
        "bin from": np.tile(edges[:-1], len(layers)),
        "bin to": np.tile(edges[1:], len(layers)),
        "share": np.asarray(fraction, dtype=float).reshape(rows),
    })
