"""Figures for the curves explorer: overlaid curves (optionally |y| on a log axis) with marked points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from ui.theme import GREY, vertical_line


@dataclass(frozen=True)
class Curve:
    """One line: its legend label, y values on the shared x grid, colour and dash
    (for an activation: ``Curve(label, y, **activation_style(name))``)."""

    label: str
    y: np.ndarray
    color: str
    dash: str = "solid"


@dataclass(frozen=True)
class Point:
    """A marked point (a minimum, a probe reading) in its curve's colour."""

    label: str
    x: float
    y: float
    color: str
    symbol: str = "circle"


def log_magnitude(y: np.ndarray) -> np.ndarray:
    """|y| with exact zeros as NaN (a log axis cannot draw 0; the gap shows where y = 0)."""
    size = np.abs(np.asarray(y, dtype=float))
    size[size == 0] = np.nan
    return size


def overlay_figure(x: np.ndarray, curves: Sequence[Curve], *, points: Sequence[Point] = (),
                   vline: float | None = None, log_floor: float | None = None) -> dict:
    """Curves over x as a plotly spec; with ``log_floor`` each is drawn as |y| on a log axis
    running from log_floor up to the largest value. Points inside the x-range are marked on top;
    ``vline`` is a dotted vertical line (the probe)."""
    log_y = log_floor is not None
    data = [dict(type="scatter", x=x, y=log_magnitude(c.y) if log_y else c.y, mode="lines", name=c.label,
                 line=dict(color=c.color, dash=c.dash, width=2.5),
                 hovertemplate=f"{c.label}: %{{y:.6g}}<extra></extra>")
            for c in curves]
    for p in points:
        y = abs(p.y) if log_y else p.y
        if not x[0] <= p.x <= x[-1] or (log_y and y == 0):
            continue  # off the chart: it would only stretch the y-axis
        data.append(dict(type="scatter", x=[p.x], y=[y], mode="markers", name=p.label, showlegend=False,
                         marker=dict(color=p.color, size=11, symbol=p.symbol, line=dict(color=GREY, width=1)),
                         hovertemplate=f"{p.label}<br>x = %{{x:.6g}}, y = %{{y:.6g}}<extra></extra>"))
    layout = dict(xaxis=dict(range=[float(x[0]), float(x[-1])]),
                  yaxis=dict(exponentformat="power"))  # 5·10⁻⁴, not 500µ
    if vline is not None and x[0] <= vline <= x[-1]:
        layout["shapes"] = [vertical_line(vline, color=GREY, dash="dot", width=1.5)]
    if log_y:
        tops = [log_floor] + [float(np.max(v[np.isfinite(v)])) for c in curves
                              if np.isfinite(v := log_magnitude(c.y)).any()]
        layout["yaxis"].update(type="log", range=[np.log10(log_floor), np.log10(max(tops)) + 0.5])
    return dict(data=data, layout=layout)


def series_table(x_name: str, x: np.ndarray, lines: Sequence[Curve], suffix: str = "") -> pd.DataFrame:
    """The data behind a line chart: x and one column per line (its label + suffix), full precision
    (counts stay whole numbers)."""
    return pd.DataFrame({x_name: x, **{f"{line.label}{suffix}": np.asarray(line.y) for line in lines}})
