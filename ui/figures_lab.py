"""Figures of the dead-neuron lab: decision boundary, training curves and the neuron grid.

They are redrawn several times a second while a network trains, so they are built for the browser's
sake: the probability map is one small PNG, loss and dead fraction share one figure, the neuron grid
is plain HTML, and the charts carry their own light or dark template (drawn with ``theme=None``).
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from PIL import Image

from ui.theme import DIVERGING, GREY, base_layout, colour, dash, own_theme

ACTIVITY_SCALE = "Cividis"  # colour-blind safe, dark (quiet) to yellow (busy)


def probability_image(P: np.ndarray) -> str:
    """P (row i = i-th y from the bottom) as a PNG data URL in the DIVERGING colours, top row first.

    A browser scales one small image in no time; Plotly's heatmap, restyled by Streamlit, cost the
    live lab about a third of its frame time.
    """
    stops = np.array([s for s, _ in DIVERGING])
    rgb = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for _, c in DIVERGING], dtype=float)
    p = np.clip(np.nan_to_num(np.asarray(P, dtype=float)[::-1], nan=0.5), 0.0, 1.0)
    pixels = np.stack([np.interp(p, stops, rgb[:, k]) for k in range(3)], axis=-1)
    buffer = io.BytesIO()
    Image.fromarray(np.rint(pixels).astype(np.uint8), "RGB").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _fixed_margins(layout: dict, right: int) -> dict:
    """Margins wide enough for the axis titles, tick labels and colour bar, that never move.

    Margins that Plotly grows to fit (automargin) make it draw every frame twice.
    """
    scale = 1.5 if layout["font"]["size"] > 13 else 1.0
    return {**layout, "margin": dict(l=int(62 * scale), r=int(right * scale), t=40, b=int(48 * scale),
                                     autoexpand=False)}


def boundary_figure(xs, ys, P, X, y, p_points, *, dark: bool, presenting: bool = False) -> go.Figure:
    """p(class 1) over the plane as an image, the training points on top with their own p in the hover.

    P[i, j] is p(class 1) at (xs[j], ys[i]) on an evenly spaced grid; p_points is p(class 1) at X.
    """
    dx, dy = (xs[-1] - xs[0]) / (len(xs) - 1), (ys[-1] - ys[0]) / (len(ys) - 1)
    x_range, y_range = [xs[0] - dx / 2, xs[-1] + dx / 2], [ys[0] - dy / 2, ys[-1] + dy / 2]
    traces = [go.Scatter(  # draws the image's colour bar, no points
        x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
        marker=dict(color=[0.5], cmin=0, cmax=1, colorscale=DIVERGING, showscale=True,
                    colorbar=dict(title="p(class 1)")))]
    for label, symbol in ((0, "circle"), (1, "diamond")):
        mask = y == label
        traces.append(go.Scatter(
            x=X[mask, 0], y=X[mask, 1], customdata=p_points[mask], mode="markers", name=f"class {label}",
            marker=dict(symbol=symbol, size=6, color=colour(3 if label == 0 else 0), line=dict(width=1, color="white")),
            hovertemplate=f"class {label}, p(class 1) = %{{customdata:.3f}}<extra></extra>"))
    image = dict(source=probability_image(P), xref="x", yref="y", x=x_range[0], y=y_range[1],
                 sizex=x_range[1] - x_range[0], sizey=y_range[1] - y_range[0], sizing="stretch",
                 opacity=0.75, layer="below")
    # One constructor call with the whole layout: plotly's update_* calls cost more than the data.
    return go.Figure(traces, layout=dict(
        **_fixed_margins(base_layout(height=360, presenting=presenting), right=110), **own_theme(dark),
        hovermode="closest", images=[image],
        xaxis=dict(title_text="x1", range=x_range, showgrid=False, zeroline=False, constrain="domain"),
        yaxis=dict(title_text="x2", range=y_range, showgrid=False, zeroline=False, constrain="domain",
                   scaleanchor="x", scaleratio=1),
    ))


def training_figure(step, losses: dict[str, np.ndarray], fractions: dict[str, np.ndarray], *,
                    fraction_title: str, dark: bool, presenting: bool = False) -> go.Figure:
    """Loss curves on top, the dead (or saturated) fraction per layer below, against the SGD step."""
    traces = [go.Scatter(x=step, y=values, mode="lines", name=name, legend="legend", xaxis="x", yaxis="y",
                         line=dict(color=colour(i), width=2.5, dash=dash(i)))
              for i, (name, values) in enumerate(losses.items())]
    traces += [go.Scatter(x=step, y=values, mode="lines", name=name, legend="legend2", xaxis="x2", yaxis="y2",
                          line=dict(color=colour(i + 2), width=2.5, dash=dash(i)))
               for i, (name, values) in enumerate(fractions.items())]
    return go.Figure(traces, layout=dict(  # two panels sharing the step axis
        **_fixed_margins(base_layout(height=460, presenting=presenting), right=20), **own_theme(dark),
        hovermode="x unified",
        legend2=dict(orientation="h", yanchor="bottom", y=0.45, xanchor="left", x=0),
        xaxis=dict(anchor="y", domain=[0, 1], matches="x2", showticklabels=False),
        yaxis=dict(anchor="x", domain=[0.56, 1], title_text="cross-entropy"),
        xaxis2=dict(anchor="y2", domain=[0, 1], title_text="SGD step"),
        yaxis2=dict(anchor="x2", domain=[0, 0.44], title_text=fraction_title, range=[-0.02, 1.02]),
    ))


def neuron_grid_html(mean_abs: list[np.ndarray], inactive: list[np.ndarray], *, inactive_word: str,
                     presenting: bool = False) -> str:
    """One square per hidden neuron, a row per layer: coloured by mean |activation|, grey ✕ when inactive.

    Plain HTML (each square names its neuron and value for screen readers and on hover) instead of
    a fourth Plotly chart per frame.
    """
    finite = [m[np.isfinite(m)] for m in mean_abs]
    top = max((float(f.max()) for f in finite if f.size), default=1.0) or 1.0
    size = "1.6rem" if presenting else "1.1rem"
    rows = []
    for layer, (m, dead) in enumerate(zip(mean_abs, inactive), start=1):
        colours = sample_colorscale(ACTIVITY_SCALE, np.clip(np.nan_to_num(m / top), 0.0, 1.0).tolist())
        cells = []
        for j, (value, off, fill) in enumerate(zip(m, dead, colours), start=1):
            undefined = not np.isfinite(value)  # a formula that overflowed: the loss warning says why
            what = inactive_word if off else ("undefined (not a finite number)" if undefined else f"mean |a| = {value:.3g}")
            label = html.escape(f"layer {layer}, neuron {j}: {what}")
            blank = off or undefined
            style_ = f"background:{'transparent' if blank else fill};" + (f"border-color:{GREY};" if blank else "")
            mark = "✕" if off else ("?" if undefined else "")
            cells.append(f'<span class="ng-cell{" ng-off" if blank else ""}" role="img" aria-label="{label}" '
                         f'title="{label}" style="{style_}">{mark}</span>')
        rows.append(f'<div class="ng-row"><span class="ng-layer">layer {layer}</span>{"".join(cells)}</div>')
    low, high = sample_colorscale(ACTIVITY_SCALE, [0.0, 1.0])
    return f"""
<style>
  .ng-row {{ display: flex; align-items: center; gap: 3px; margin: 3px 0; flex-wrap: wrap; }}
  .ng-layer {{ width: 4.2em; font-size: 0.85em; opacity: 0.8; }}
  .ng-cell {{ width: {size}; height: {size}; border: 2px solid rgba(128, 128, 128, 0.45); border-radius: 3px;
             display: inline-flex; align-items: center; justify-content: center; font-size: 0.8em;
             color: {GREY}; box-sizing: border-box; }}
  .ng-key {{ font-size: 0.85em; opacity: 0.85; margin-top: 0.4em; }}
  .ng-bar {{ display: inline-block; width: 6em; height: 0.8em; vertical-align: middle;
            background: linear-gradient(to right, {low}, {high}); border-radius: 2px; }}
</style>
<div role="group" aria-label="Hidden neurons, one row per layer">{"".join(rows)}</div>
<div class="ng-key">mean |activation|: 0 <span class="ng-bar"></span> {top:.3g} &nbsp;·&nbsp;
  <span class="ng-cell ng-off" style="border-color:{GREY};width:1em;height:1em">✕</span> {inactive_word}</div>
"""
