"""Figures and LaTeX for the basics pages: the collapse of linear layers, and choosing an activation."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ui.theme import ACTIVATION_PALETTE, GREY, vertical_line

_BAND_SHADES = ("rgba(0,158,115,0.12)", "rgba(230,159,0,0.12)", "rgba(213,94,0,0.12)")


def matrix_latex(values: np.ndarray, digits: int = 2) -> str:
    r"""A vector or matrix as a LaTeX bmatrix with ``digits`` decimals (a vector is a column)."""
    rows = np.atleast_2d(values)
    if np.ndim(values) == 1:
        rows = rows.T
    rounded = np.round(rows, digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    body = r" \\ ".join(" & ".join(f"{v:.{digits}f}" for v in row) for row in rounded)
    return r"\begin{bmatrix}" + body + r"\end{bmatrix}"


def _other_than(line_colour: str) -> str:
    """Blue, or sky blue when the activation itself is drawn in blue."""
    blue, sky = ACTIVATION_PALETTE["blue"], ACTIVATION_PALETTE["sky blue"]
    return sky if line_colour == blue else blue


def network_with_activation_figure(x: np.ndarray, activated: np.ndarray, activation_label: str,
                                   line_colour: str) -> dict:
    """y(x) of the network with the activation after every hidden layer, in ``line_colour``."""
    line = dict(type="scatter", x=x, y=activated, mode="lines", name=f"With {activation_label}",
                line=dict(color=line_colour, width=2.5))
    return dict(data=[line], layout=dict(showlegend=True))  # the legend names the chart, even with one line


def network_without_activation_figure(x: np.ndarray, linear: np.ndarray, collapsed: np.ndarray,
                                      line_colour: str) -> dict:
    """y(x) of the same network without an activation, layer by layer (thick grey) and as its one
    collapsed layer (dashed, in a colour other than the activation's ``line_colour``, which the
    chart beside it uses).

    A chart of its own, beside the activated one: the two outputs can differ in scale by a lot,
    and on a phone the two stack.
    """
    return dict(data=[
        dict(type="scatter", x=x, y=linear, mode="lines", name="No activation (layers one by one)",
             line=dict(color=GREY, width=5)),
        dict(type="scatter", x=x, y=collapsed, mode="lines", name="One collapsed layer W x + b",
             line=dict(color=_other_than(line_colour), width=2, dash="dash")),
    ], layout={})


def by_depth_figure(depths: Sequence[int], values: Sequence[float], current_depth: int,
                    bar_colour: str, value_name: str, log_y: bool = False) -> dict:
    """One bar per depth (the current one outlined), e.g. the number of kinks of the curve."""
    depths = np.asarray(depths)
    bars = dict(type="bar", x=depths, y=np.asarray(values, dtype=float), name=value_name,
                marker=dict(color=bar_colour, line=dict(color=GREY, width=np.where(depths == current_depth, 3.0, 0.0))),
                hovertemplate="%{x} layers: %{y:.4g}<extra></extra>")
    layout = dict(xaxis=dict(tickmode="array", tickvals=depths, type="category"))
    if log_y:
        layout["yaxis"] = dict(type="log", exponentformat="power")
    return dict(data=[bars], layout=layout)


def cost_figure(labels: Sequence[str], ratios: Sequence[float], bar_colours: Sequence[str],
                bands: Sequence[tuple[str, float, float]]) -> dict:
    """Horizontal bars of time relative to ReLU (log axis) over shaded cost bands (label, lo, hi)."""
    ratios = np.asarray(ratios, dtype=float)
    bars = dict(type="bar", y=list(labels), x=ratios, orientation="h", name="Time relative to ReLU",
                marker=dict(color=list(bar_colours)), hovertemplate="%{y}: %{x:.3g} × ReLU<extra></extra>")
    top = max(float(np.max(ratios)) * 2.0 if len(ratios) else 0.0, 30.0)
    bottom = 0.3
    shapes, annotations = [], []
    for (label, lo, hi), shade in zip(bands, _BAND_SHADES):
        left, right = max(lo, bottom), min(hi, top)
        if right <= left:
            continue
        shapes.append(dict(type="rect", x0=left, x1=right, xref="x", y0=0, y1=1, yref="y domain",
                           fillcolor=shade, line=dict(width=0), layer="below"))
        # annotations on a log axis take log10 positions
        annotations.append(dict(x=(np.log10(left) + np.log10(right)) / 2, y=1.0, yref="paper", text=label,
                                showarrow=False, yanchor="bottom", font=dict(color=GREY)))
    ticks = [v for v in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if bottom <= v <= top]
    return dict(data=[bars], layout=dict(
        shapes=shapes, annotations=annotations, showlegend=False, hovermode="closest",
        xaxis=dict(type="log", range=[np.log10(bottom), np.log10(top)], tickvals=ticks,
                   ticktext=[f"{v:g}×" for v in ticks]),
        yaxis=dict(autorange="reversed", tickmode="array", tickvals=list(labels))))  # every name, however small


def histogram_figure(edges: np.ndarray, fractions: np.ndarray, label: str, bar_colour: str,
                     mean: float | None) -> dict:
    """Bars of the fraction of outputs per bin, with a dotted line at the mean (none if ``mean`` is
    None)."""
    centres = (edges[:-1] + edges[1:]) / 2.0
    bars = dict(type="bar", x=centres, y=fractions, width=np.diff(edges), name=label,
                marker=dict(color=bar_colour), hovertemplate="f(z) ≈ %{x:.3g}: %{y:.2%}<extra></extra>")
    layout = dict(showlegend=False, hovermode="closest", bargap=0.0)
    if mean is not None:
        layout["shapes"] = [vertical_line(mean, color=GREY, dash="dot", width=2)]
        layout["annotations"] = [dict(x=mean, xref="x", y=1, yref="y domain", text=f"mean {mean:.3f}",
                                      showarrow=False, xanchor="left", yanchor="top")]
    return dict(data=[bars], layout=layout)
