"""One colour-blind-safe palette (Okabe-Ito) and one figure style for every chart."""

from __future__ import annotations

import plotly.graph_objects as go

# Okabe & Ito (2008), ordered for contrast on both light and dark backgrounds; their black is
# replaced by a mid grey, which stays visible in Streamlit's dark theme.
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#999999",  # grey
)
GREY = "#999999"
# Diverging scale for heatmaps (vermillion - white-ish - blue), readable for colour-blind users.
DIVERGING = [[0.0, "#D55E00"], [0.5, "#F7F7F7"], [1.0, "#0072B2"]]


def colour(i: int) -> str:
    """The i-th palette colour, cycling."""
    return OKABE_ITO[i % len(OKABE_ITO)]


def style(fig: go.Figure, *, x_title: str = "", y_title: str = "", height: int = 420,
          presenting: bool = False) -> go.Figure:
    """Apply the app's layout: titles, hover, legend on top; larger text and plot when presenting."""
    font_size = 20 if presenting else 13
    fig.update_layout(
        height=int(height * 1.35) if presenting else height,
        margin=dict(l=10, r=10, t=40, b=10),
        font=dict(size=font_size),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
    )
    if fig.layout.hovermode is None:  # a figure that chose its own hover mode keeps it
        fig.update_layout(hovermode="x unified")
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig
