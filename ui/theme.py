"""One colour-blind-safe palette (Okabe-Ito) and one figure style for every chart."""

from __future__ import annotations

# Okabe & Ito (2008) without yellow and black, each with its linear-RGB luminance scaled (the hue
# stays) so that it has at least 3:1 contrast on white and on Streamlit's dark background #0E1117
# (WCAG's minimum for graphics): the original orange and sky blue have only 2.3:1 on white. The
# scale factors keep the six apart for deuteranopes and protanopes too (CAM02-UCS distance >= 15
# after simulation). Grey is kept for reference lines.
ACTIVATION_PALETTE = {
    "blue": "#0072B2",
    "orange": "#C48700",
    "bluish green": "#009E73",
    "vermillion": "#B04C00",
    "sky blue": "#4899C7",
    "reddish purple": "#8E5374",
}
OKABE_ITO = tuple(ACTIVATION_PALETTE.values())  # series colours in order: colour(i)
GREY = "#999999"
# Diverging scale for heatmaps (vermillion - white-ish - blue), readable for colour-blind users.
DIVERGING = [[0.0, "#D55E00"], [0.5, "#F7F7F7"], [1.0, "#0072B2"]]


DASHES = ("solid", "dash", "dot", "dashdot")


def colour(i: int) -> str:
    """The i-th palette colour, cycling."""
    return OKABE_ITO[i % len(OKABE_ITO)]


def dash(i: int) -> str:
    """The i-th line dash, cycling: series also differ by more than colour."""
    return DASHES[i % len(DASHES)]


PRESENTER_CHART_FONT = 20  # px: chart text a projector's back row can read
# px: a presented chart leaves room on a 1280x720 screen for its section's heading and question
PRESENTER_CHART_MAX_HEIGHT = 320


def base_layout(*, height: int = 420, presenting: bool = False) -> dict:
    """The app's layout: legend on top, small margins; larger text and plot when presenting."""
    return dict(
        height=min(int(height * 1.35), PRESENTER_CHART_MAX_HEIGHT) if presenting else height,
        margin=dict(l=10, r=10, t=40, b=10),
        font=dict(size=PRESENTER_CHART_FONT if presenting else 13),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
    )


def style(spec: dict, *, x_title: str = "", y_title: str = "", height: int = 420,
          presenting: bool = False) -> dict:
    """``spec``, a plain plotly spec ({"data": [...], "layout": {...}}), with the app's layout
    (base_layout), axis titles, and a unified hover unless the figure chose one.

    Plain dicts, not plotly's graph objects: building and updating those validates every property
    on every rerun, several times the cost of the chart itself (each builder's spec is validated
    by its tests instead: tests.helpers.plotly_checked).
    """
    layout = spec.setdefault("layout", {})
    deep_update(layout, base_layout(height=height, presenting=presenting))
    layout.setdefault("hovermode", "x unified")  # a figure that chose its own hover mode keeps it
    # Streamlit's chart theme styles the figure in the browser; plotly's default template would add
    # about 6.5 kB to every chart sent, for nothing.
    layout.setdefault("template", {"data": {}, "layout": {}})
    text = {"font": dict(size=PRESENTER_CHART_FONT)} if presenting else {}
    # Streamlit's chart theme sets tick, legend and title sizes of its own: name ours when presenting
    for axis, title in (("xaxis", x_title), ("yaxis", y_title)):
        for key in [k for k in layout if k.rstrip("0123456789") == axis] or [axis]:
            deep_update(layout.setdefault(key, {}), {"title": {"text": title, **text},
                                                     **({"tickfont": text["font"]} if text else {})})
    if presenting:
        deep_update(layout, {"legend": text, "hoverlabel": text})
    return spec


def vertical_line(x: float, **line) -> dict:
    """A layout shape: a line at ``x`` from the bottom to the top of the plot (``add_vline``)."""
    return dict(type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="y domain", line=line)


def horizontal_line(y: float, **line) -> dict:
    """A layout shape: a line at ``y`` across the plot (``add_hline``)."""
    return dict(type="line", y0=y, y1=y, yref="y", x0=0, x1=1, xref="x domain", line=line)


def deep_update(target: dict, changes: dict) -> dict:
    """``target`` with ``changes`` written in, nested dicts merged key by key (plotly's
    update_layout on plain dicts)."""
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            deep_update(target[key], value)
        else:
            target[key] = value
    return target


# Activation styles: every chart draws an activation in the same colour and dash, and related
# functions share a colour with a different dash.
_P = ACTIVATION_PALETTE
ACTIVATION_STYLES = {
    "sigmoid": (_P["blue"], "solid"), "swish": (_P["blue"], "dash"),  # swish is x·sigmoid(βx)
    "tanh": (_P["orange"], "solid"), "mish": (_P["orange"], "dash"),  # mish is x·tanh(softplus(x))
    "relu": (_P["bluish green"], "solid"), "softplus": (_P["bluish green"], "dash"),  # smooth ReLU
    "leaky_relu": (_P["vermillion"], "solid"), "custom": (_P["vermillion"], "dot"),  # your formula
    "elu": (_P["sky blue"], "solid"), "selu": (_P["sky blue"], "dash"),  # SELU is a scaled ELU
    "gelu": (_P["reddish purple"], "solid"), "gelu_tanh": (_P["reddish purple"], "dash"),
}
# Unknown names get a dash no known activation uses, so they never look like one of them.
_OTHER_DASHES = ("dashdot", "longdash", "longdashdot")


def activation_style(name: str) -> dict:
    """An activation's line colour and dash by registry name: {"color": "#0072B2", "dash": "solid"}."""
    if name in ACTIVATION_STYLES:
        hue, line_dash = ACTIVATION_STYLES[name]
    else:  # the character codes' sum: the same on every run and server (unlike hash())
        key = sum(map(ord, name))
        hue = tuple(ACTIVATION_PALETTE.values())[key % len(ACTIVATION_PALETTE)]
        line_dash = _OTHER_DASHES[(key // len(ACTIVATION_PALETTE)) % len(_OTHER_DASHES)]
    return dict(color=hue, dash=line_dash)


def activation_colour(name: str) -> str:
    """The colour of an activation on every chart (bars and markers, which have no dash)."""
    return activation_style(name)["color"]
