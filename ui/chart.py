"""Every chart comes with its data: a text table (the accessible alternative) and a CSV download."""

from __future__ import annotations

from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui.presenter import presenting, shown
from ui.theme import style

_TABLE_ROWS_SHOWN = 2_000
# On a phone, Plotly's toolbar (shown on a tap) would sit on the legend's first line; the camera
# button is for saving a picture on a computer, and a phone has its own screenshot.
_PHONE_CSS = "<style>@media (max-width: 640px) { .js-plotly-plot .modebar-container { display: none; } }</style>"


def apply_phone_style() -> None:
    """Page-wide chart rules for narrow screens (call once per run, from the router)."""
    st.html(_PHONE_CSS)


def show_chart(fig: dict, data: pd.DataFrame, *, name: str, alt: str,
               x_title: str = "", y_title: str = "", height: int = 420) -> None:
    """Draw a styled plotly figure (a plain spec, see theme.style) with an accessible label, then
    its data as a table and CSV.

    ``name`` is a short file-name-safe id, unique on the page (it keys the widgets and names the
    CSV and the PNG from Plotly's camera button).
    """
    spec = style(fig, x_title=x_title, y_title=y_title, height=height, presenting=presenting())
    st.plotly_chart(
        # Streamlit would validate a dict property by property on every rerun (most of a chart's
        # cost); the builders' specs are validated once, by their tests (tests.helpers.plotly_checked).
        go.Figure(spec, _validate=False),
        key=f"chart_{name}", alt=alt,
        config={"displaylogo": False,
                "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2}},
    )
    if shown("tables"):
        # The table is sent only while its panel is open: most students never open it, and a
        # 1,000-row table is about a tenth of a rerun's server time and of what the browser receives.
        panel = st.expander(f"Data behind this chart ({len(data):,} rows), as a table and CSV",
                            key=f"table_open_{name}", on_change="rerun")
        if panel.open:
            with panel:
                st.dataframe(data.head(_TABLE_ROWS_SHOWN), hide_index=True, key=f"table_{name}")
                csv_download("Download CSV", data, file_name=f"{name}.csv", key=f"csv_{name}")


def csv_download(label: str, table: pd.DataFrame | Callable[[], pd.DataFrame], *, file_name: str, key: str) -> None:
    """A CSV download button whose file is made only when it is clicked.

    ``table`` is the data or a function that makes it. With bytes as ``data`` Streamlit would
    rebuild every file on every rerun and the browser would fetch them all again.
    """
    make = table if callable(table) else (lambda: table)
    st.download_button(label, data=lambda: make().to_csv(index=False).encode(), file_name=file_name,
                       mime="text/csv", key=key, on_click="ignore", icon=":material/download:")
