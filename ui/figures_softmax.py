"""Figures for the softmax page: probability bars, probabilities against temperature, the Jacobian."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ui.theme import DIVERGING, GREY, OKABE_ITO, colour, horizontal_line, vertical_line

_DASHES = ("solid", "dash", "dot")


def probability_label(p: float) -> str:
    """A bar label: 3 decimals, scientific notation for tiny values, '0' for an exact zero."""
    if p == 0:
        return "0"
    return f"{p:.3f}" if p >= 1e-3 else f"{p:.1e}"


def _uniform_line(n: int) -> tuple[dict, dict]:
    """A dashed line at 1/n across the plot (a layout shape) and its legend entry (a label
    inside the plot would hide bars)."""
    line = dict(color=GREY, dash="dash", width=1.5)
    return horizontal_line(1.0 / n, **line), _legend_entry(f"uniform 1/{n}", line)


def _legend_entry(name: str, line: dict) -> dict:
    """An empty trace that only names a line in the legend."""
    return dict(type="scatter", x=[None], y=[None], mode="lines", line=line, name=name, hoverinfo="skip")


def probability_bars(names: Sequence[str], probabilities: np.ndarray) -> dict:
    """One bar per class in its palette colour, labelled with its probability; 1/n dashed."""
    uniform, uniform_entry = _uniform_line(len(names))
    bars = dict(
        type="bar", x=list(names), y=probabilities, name="probability", showlegend=False,
        marker=dict(color=[colour(i) for i in range(len(names))], line=dict(color=GREY, width=1)),
        text=[probability_label(float(p)) for p in probabilities], textposition="outside",
        cliponaxis=False, hovertemplate="%{x}: p = %{y:.6g}<extra></extra>",
    )
    return dict(data=[bars, uniform_entry], layout=dict(shapes=[uniform], yaxis=dict(range=[0, 1.12])))


def sweep_figure(temperatures: np.ndarray, probabilities: np.ndarray, names: Sequence[str],
                 current_t: float, current_p: np.ndarray) -> dict:
    """Each class's probability against T on a log axis, the current T dotted and marked."""
    data = [dict(type="scatter", x=temperatures, y=probabilities[:, i], mode="lines", name=name,
                 line=dict(color=colour(i), width=2.5, dash=_DASHES[(i // len(OKABE_ITO)) % len(_DASHES)]),
                 hovertemplate=f"{name}: %{{y:.4g}}<extra></extra>")
            for i, name in enumerate(names)]
    data.append(dict(
        type="scatter", x=np.full(len(names), current_t), y=current_p, mode="markers", name=f"T = {current_t:g}",
        showlegend=False, marker=dict(color=[colour(i) for i in range(len(names))], size=11,
                                      line=dict(color=GREY, width=1)),
        hovertemplate="%{y:.4g}<extra>at the current T</extra>",
    ))
    now = dict(color=GREY, dash="dot", width=1.5)
    uniform, uniform_entry = _uniform_line(len(names))
    data += [_legend_entry(f"now: T = {current_t:g}", now), uniform_entry]
    return dict(data=data, layout=dict(
        shapes=[vertical_line(current_t, **now), uniform],
        xaxis=dict(type="log", range=[np.log10(temperatures[0]), np.log10(temperatures[-1])],
                   exponentformat="power"),
        yaxis=dict(range=[-0.02, 1.05])))


def jacobian_heatmap(jacobian: np.ndarray, names: Sequence[str]) -> dict:
    """diag(p) - p p^T as a heatmap: diverging colours on a range symmetric about 0, values in cells."""
    largest = float(np.max(np.abs(jacobian)))
    bound = largest if largest > 0 else 1e-12  # an all-zero matrix (one-hot p) stays mid-colour
    heatmap = dict(
        type="heatmap", z=jacobian, x=list(names), y=list(names), colorscale=DIVERGING, zmin=-bound,
        zmax=bound, zmid=0, texttemplate="%{z:.3f}", colorbar=dict(title=dict(text="∂p/∂u")),
        hovertemplate="∂p(%{y}) / ∂u(%{x}) = %{z:.4g}<extra></extra>", xgap=1, ygap=1,
    )
    return dict(data=[heatmap], layout=dict(yaxis=dict(autorange="reversed", type="category"),
                                            xaxis=dict(type="category", side="bottom"), hovermode="closest"))


def bars_table(names: Sequence[str], logits: np.ndarray, probabilities: np.ndarray) -> pd.DataFrame:
    """class, logit, probability (full precision)."""
    return pd.DataFrame({"class": list(names), "logit": logits, "probability": probabilities})


def sweep_table(temperatures: np.ndarray, probabilities: np.ndarray,
                names: Sequence[str]) -> pd.DataFrame:
    """T and one probability column per class."""
    columns = {"T": temperatures}
    for i, name in enumerate(names):
        columns[f"p({name})"] = probabilities[:, i]
    return pd.DataFrame(columns)


def number_text(x: float) -> str:
    """6 significant digits; 'inf', '-inf' and 'NaN' spelled out (a table cell, not a blank)."""
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.6g}"


def stability_tables(names: Sequence[str], scaled: np.ndarray, naive_exponentials: np.ndarray,
                     naive_probabilities: np.ndarray, shifted: np.ndarray,
                     shifted_exponentials: np.ndarray, stable_probabilities: np.ndarray,
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The naive and the shifted formula term by term, as text cells (inf and NaN visible)."""
    def table(exponent_label, exponents, terms, probabilities):
        return pd.DataFrame({
            "class": list(names),
            exponent_label: [number_text(v) for v in exponents],
            f"e^({exponent_label})": [number_text(v) for v in terms],
            "p": [number_text(v) for v in probabilities],
        })
    return (table("z/T", scaled, naive_exponentials, naive_probabilities),
            table("(z - max)/T", shifted, shifted_exponentials, stable_probabilities))


def jacobian_table(jacobian: np.ndarray, names: Sequence[str]) -> pd.DataFrame:
    """One row per output class, one column per input logit."""
    table = pd.DataFrame(jacobian, columns=[f"d/du({name})" for name in names])
    table.insert(0, "dp of", list(names))
    return table
