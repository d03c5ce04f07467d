"""Every chart comes with its data: a text table (the accessible alternative) and a CSV download."""

from __future__ import annotations

import base64
from typing import Any, Callable

import numpy as np
import pandas as pd
import streamlit as st
from plotly.basedatatypes import BaseFigure

from ui.presenter import presenting, shown
from ui.theme import style

_TABLE_ROWS_SHOWN = 2_000
# On a phone, Plotly's toolbar (shown on a tap) would sit on the legend's first line; the camera
# button is for saving a picture on a computer, and a phone has its own screenshot.
_PHONE_CSS = "<style>@media (max-width: 640px) { .js-plotly-plot .modebar-container { display: none; } }</style>"


def apply_phone_style() -> None:
    """Page-wide chart rules for narrow screens (call once per run, from the router)."""
    st.html(_PHONE_CSS)


def show_chart(fig: dict, data: Callable[[], pd.DataFrame], *, name: str, alt: str,
               x_title: str = "", y_title: str = "", height: int = 420) -> None:
    """Draw a styled plotly figure (a plain spec, see theme.style) with an accessible label, then
    a panel with its data as a table and CSV.

    ``data`` makes the table: it runs only while the panel is open (most students never open it,
    and a 1,000-row table is about a tenth of a rerun's server time and of what the browser
    receives). ``name`` is a short file-name-safe id, unique on the page (it keys the widgets and
    names the CSV and the PNG from Plotly's camera button).
    """
    spec = style(fig, x_title=x_title, y_title=y_title, height=height, presenting=presenting())
    st.plotly_chart(
        WireFigure(spec), key=f"chart_{name}", alt=alt,
        config={"displaylogo": False,
                "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2}},
    )
    if shown("tables"):
        panel = st.expander("Data behind this chart, as a table and CSV", key=f"table_open_{name}",
                            on_change="rerun")
        if panel.open:
            table = data()
            with panel:
                st.caption(f"{len(table):,} rows" + (f", the first {_TABLE_ROWS_SHOWN:,} shown; the CSV "
                           "has them all" if len(table) > _TABLE_ROWS_SHOWN else ""))
                st.dataframe(table.head(_TABLE_ROWS_SHOWN), hide_index=True, key=f"table_{name}")
                csv_download("Download CSV", table, file_name=f"{name}.csv", key=f"csv_{name}")


# Plotly's names for the array types plotly.js reads from base64 ("typed arrays").
_TYPED = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4",
          "float32": "f4", "float64": "f8"}
_NARROWER_INTS = {"i": ("int8", "int16", "int32"), "u": ("uint8", "uint16", "uint32")}
_UNTYPED_KEYS = {"geojson", "layer", "layers", "range"}  # plotly leaves these as they are


class WireFigure(BaseFigure):
    """A figure spec already in the form Streamlit sends to the browser: every numeric array as a
    base64 typed array, as plotly writes it.

    Given a graph object, st.plotly_chart gets that form from ``to_dict`` (a deep copy of the
    figure, then a pass over every property), and given a dict it first validates it property by
    property: about 2 ms a chart on every rerun, for specs that never change shape. This figure
    hands over its spec as it is. The builders' specs are validated by plotly in their tests
    (tests.helpers.plotly_checked), and tests/ui/test_chart.py checks that what reaches the
    browser is what plotly would send. None of BaseFigure's machinery is set up: Streamlit only
    asks for ``to_dict``.
    """

    def __init__(self, spec: dict):  # BaseFigure.__init__ is skipped on purpose (see above)
        self._wire = _wire(spec)

    def to_dict(self) -> dict:
        return self._wire


def _wire(value: Any) -> Any:
    """``value`` with its numeric arrays (numpy or pandas) as plotly's typed arrays, in new
    containers (the builder's own dicts and arrays are not changed). What remains (lists, numpy
    numbers, arrays under ``_UNTYPED_KEYS``) plotly's JSON encoder writes as it always does."""
    if isinstance(value, dict):
        return {k: v if k in _UNTYPED_KEYS else _wire(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_wire(v) for v in value]
    if isinstance(value, (np.ndarray, pd.Series, pd.Index)):
        return _typed_array(np.asarray(value))
    return value


def _typed_array(array: np.ndarray) -> Any:
    """Plotly's {"dtype", "bdata"[, "shape"]} form of ``array``; 64-bit integers narrowed to the
    smallest type that holds them (plotly.js reads no 64-bit integers); a list when no typed form
    fits (strings, booleans, huge integers, an empty array)."""
    if array.dtype.kind in "iu" and array.dtype.itemsize == 8 and array.size:
        narrower = [t for t in _NARROWER_INTS[array.dtype.kind]
                    if np.iinfo(t).min <= array.min() and array.max() <= np.iinfo(t).max]
        if not narrower:
            return array.tolist()
        array = array.astype(narrower[0])
    if array.dtype.name not in _TYPED or not array.size:
        return array.tolist()
    little_endian = np.ascontiguousarray(array, array.dtype.newbyteorder("<"))  # what plotly.js reads
    wire = {"dtype": _TYPED[array.dtype.name], "bdata": base64.b64encode(little_endian).decode("ascii")}
    if array.ndim > 1:
        wire["shape"] = ", ".join(map(str, array.shape))
    return wire


def csv_download(label: str, table: pd.DataFrame | Callable[[], pd.DataFrame], *, file_name: str, key: str) -> None:
    """A CSV download button whose file is made only when it is clicked.

    ``table`` is the data or a function that makes it. With bytes as ``data`` Streamlit would
    rebuild every file on every rerun and the browser would fetch them all again.
    """
    make = table if callable(table) else (lambda: table)
    st.download_button(label, data=lambda: make().to_csv(index=False).encode(), file_name=file_name,
                       mime="text/csv", key=key, on_click="ignore", icon=":material/download:")
