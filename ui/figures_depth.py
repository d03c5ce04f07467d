"""Figures for the vanishing-gradients page: bounds and gradients on log axes, activation histograms."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from activations_core.depth import QUANTILES
from ui.figures_curves import Curve, series_table
from ui.theme import GREY, colour

HEATMAP_SCALE = "Cividis"  # perceptually uniform and colour-blind safe, legible on light and dark
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


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


def _lines(x: np.ndarray, lines: Sequence[Curve], *, log_y: bool, markers: bool, y_format: str) -> list[dict]:
    """One scatter trace per line (zeros, inf and NaN as gaps on a log axis)."""
    return [dict(type="scatter", x=x, y=positive_or_gap(line.y) if log_y else np.asarray(line.y, dtype=float),
                 mode="lines+markers" if markers else "lines", name=line.label,
                 line=dict(color=line.color, dash=line.dash, width=2.5), marker=dict(size=6),
                 hovertemplate=f"{line.label}: %{{y:{y_format}}}<extra></extra>")
            for line in lines]


def bound_figure(n: np.ndarray, lines: Sequence[Curve], marks: Sequence[Mark] = ()) -> dict:
    """Bounds on the product of n slope factors, on a log axis, with labelled reference points."""
    data = _lines(n, lines, log_y=True, markers=False, y_format=".3e")
    if marks:
        data.append(dict(
            type="scatter", x=[m.x for m in marks], y=[m.y for m in marks], mode="markers+text",
            name="reference values", text=[m.label for m in marks], textposition="bottom left",
            marker=dict(color=colour(0), size=10, symbol="diamond", line=dict(color=GREY, width=1)),
            hovertemplate="%{text}<extra></extra>",
        ))
    yaxis = dict(type="log", exponentformat="power")
    values = np.concatenate([positive_or_gap(line.y) for line in lines] + [[m.y for m in marks]])
    values = values[np.isfinite(values) & (values > 0)]
    if values.size:  # room below the lowest point for its label
        yaxis["range"] = [math.log10(values.min()) - 4, math.log10(values.max()) + 1]
    return dict(data=data, layout=dict(yaxis=yaxis, xaxis=dict(range=[float(n[0]) - 0.5, float(n[-1]) + 0.5])))


def gradient_figure(layers: np.ndarray, lines: Sequence[Curve]) -> dict:
    """Gradient size per layer relative to the output gradient, on a log axis (zeros leave gaps)."""
    return dict(data=_lines(layers, lines, log_y=True, markers=True, y_format=".3e"),
                layout=dict(yaxis=dict(type="log", exponentformat="power"),
                            xaxis=dict(range=[0.5, float(layers[-1]) + 0.5], dtick=_layer_tick(len(layers)))))


def fraction_figure(layers: np.ndarray, lines: Sequence[Curve]) -> dict:
    """Fractions (0 to 1) per layer, shown as percentages."""
    return dict(data=_lines(layers, lines, log_y=False, markers=True, y_format=".1%"),
                layout=dict(yaxis=dict(range=[-0.02, 1.02], tickformat=".0%"),
                            xaxis=dict(range=[0.5, float(layers[-1]) + 0.5], dtick=_layer_tick(len(layers)))))


def colour_cap(fraction: np.ndarray, quantile: float = 0.95) -> float:
    """Top of the heatmap's colour scale: the 95% quantile of the non-empty cells, so a few huge
    cells (ReLU's exact zeros) do not leave every other cell dark."""
    filled = np.asarray(fraction, dtype=float)
    filled = filled[np.isfinite(filled) & (filled > 0)]
    return float(np.quantile(filled, quantile)) if filled.size else 1.0


def histogram_heatmap(edges: np.ndarray, layers: np.ndarray, fraction: np.ndarray,
                      zmax: float | None = None) -> dict:
    """Each row is one layer's histogram of activation values: the colour is the share per bin
    (cells above ``zmax`` get the top colour)."""
    centres = 0.5 * (edges[:-1] + edges[1:])
    heatmap = dict(type="heatmap", x=centres, y=layers, z=fraction, colorscale=HEATMAP_SCALE, zmin=0.0,
                   colorbar=dict(title=dict(text="share"), tickformat=".0%"),
                   hovertemplate="layer %{y}, value ≈ %{x:.3g}: %{z:.1%}<extra></extra>")
    if zmax is not None:
        heatmap["zmax"] = zmax
    return dict(data=[heatmap], layout=dict(yaxis=dict(dtick=_layer_tick(len(layers)))))


def _layer_tick(count: int) -> int:
    """A tick every 1, 2, 5 or 10 layers."""
    return next((step for step in (1, 2, 5) if count / step <= 12), 10)


def layer_table(run, lines: Sequence[Curve]) -> pd.DataFrame:
    """The saturation chart's data (``lines`` per layer of ``run``, a depth.DepthRun) plus each
    layer's mean, std and quantiles."""
    table = series_table("layer", run.layers, lines)
    table["mean"], table["std"] = run.mean, run.std
    for q, column in zip(QUANTILES, run.quantiles.T):
        table[f"{q:.0%} quantile"] = column
    return table


def histogram_table(edges: np.ndarray, layers: np.ndarray, fraction: np.ndarray) -> pd.DataFrame:
    """Long form of the heatmap: layer, bin edges and the share of values in the bin."""
    rows = len(layers) * (len(edges) - 1)
    return pd.DataFrame({
        "layer": np.repeat(layers, len(edges) - 1),
        "bin from": np.tile(edges[:-1], len(layers)),
        "bin to": np.tile(edges[1:], len(layers)),
        "share": np.asarray(fraction, dtype=float).reshape(rows),
    })
