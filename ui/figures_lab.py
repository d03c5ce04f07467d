"""Figures of the dead-neuron lab: decision boundary, training curves, dead fraction, neuron grid."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.theme import DIVERGING, GREY, colour, style


def boundary_figure(xs, ys, P, X, y, *, presenting: bool = False) -> go.Figure:
    """p(class 1) over the plane as a heatmap, with the training points on top."""
    fig = go.Figure(go.Heatmap(x=xs, y=ys, z=P, zmin=0, zmax=1, colorscale=DIVERGING, opacity=0.75,
                               colorbar=dict(title="p(class 1)"), hovertemplate="p=%{z:.3f}<extra></extra>"))
    for label, symbol in ((0, "circle"), (1, "diamond")):
        mask = y == label
        fig.add_trace(go.Scatter(x=X[mask, 0], y=X[mask, 1], mode="markers", name=f"class {label}",
                                 marker=dict(symbol=symbol, size=6, color=colour(3 if label == 0 else 0),
                                             line=dict(width=1, color="white"))))
    style(fig, x_title="x1", y_title="x2", height=360, presenting=presenting)
    fig.update_layout(hovermode="closest")
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig


def curves_figure(step, series: dict[str, np.ndarray], *, y_title: str, y_range=None,
                  presenting: bool = False) -> go.Figure:
    """Several metrics against the training step."""
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        fig.add_trace(go.Scatter(x=step, y=values, mode="lines", name=name, line=dict(color=colour(i), width=2.5)))
    style(fig, x_title="SGD step", y_title=y_title, height=280, presenting=presenting)
    if y_range is not None:
        fig.update_yaxes(range=y_range)
    return fig


def neuron_grid_figure(mean_abs: list[np.ndarray], inactive: list[np.ndarray], *, inactive_word: str,
                       presenting: bool = False) -> go.Figure:
    """One marker per hidden neuron (row = layer): coloured by mean |activation|, grey when inactive."""
    fig = go.Figure()
    top = max((float(m.max()) for m in mean_abs if m.size), default=1.0) or 1.0
    for layer, (m, dead) in enumerate(zip(mean_abs, inactive), start=1):
        idx = np.arange(1, m.size + 1)
        alive = ~dead
        fig.add_trace(go.Scatter(
            x=idx[alive], y=np.full(alive.sum(), layer), mode="markers", showlegend=layer == 1, name="alive",
            marker=dict(size=14, symbol="square", color=m[alive], cmin=0, cmax=top, colorscale="Cividis",
                        colorbar=dict(title="mean |a|") if layer == 1 else None),
            hovertemplate=f"layer {layer}, neuron %{{x}}<br>mean |a| = %{{marker.color:.3g}}<extra></extra>"))
        fig.add_trace(go.Scatter(
            x=idx[dead], y=np.full(dead.sum(), layer), mode="markers", name=inactive_word,
            showlegend=layer == 1, marker=dict(size=14, symbol="x-thin-open", color=GREY, line=dict(width=2)),
            hovertemplate=f"layer {layer}, neuron %{{x}}: {inactive_word}<extra></extra>"))
    style(fig, x_title="neuron", y_title="hidden layer", height=220, presenting=presenting)
    fig.update_layout(hovermode="closest")
    fig.update_yaxes(dtick=1, autorange="reversed")
    return fig
