"""The whole view lives in the URL: typed parameters with defaults, as in TensorFlow Playground.

A page declares its parameters, calls ``bind_url(params)`` before it creates its widgets (each
widget takes ``key=param.key`` and no ``value=``), and app.py writes the current values back to the
address bar after the page has run (``publish_url``). A missing parameter takes its default; a
malformed or out-of-range one takes its default too, and the page says so in a small notice.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Sequence

import streamlit as st

_MAX_RAW_LENGTH = 300  # longer URL values are rejected before any parsing
_BOUND_THIS_RUN = "_url_params_bound_this_run"
_KEPT = "_url_param_values_kept"  # outlives the widgets, which Streamlit forgets on a page switch


@dataclass(frozen=True)
class UrlParam:
    """One widget's value in the URL: its key (also the widget key), type, default and bounds."""

    key: str
    default: Any
    kind: str  # "float" | "int" | "bool" | "choice" | "choices" | "text"
    lo: float | None = None
    hi: float | None = None
    options: tuple = ()
    max_len: int = 200

    def parse(self, raw: Sequence[str]) -> Any:
        """The typed value of the raw URL strings; ValueError says what is wrong with them."""
        if any(len(r) > _MAX_RAW_LENGTH for r in raw):
            raise ValueError("the value is too long")
        if self.kind == "choices":
            values = [v for r in raw for v in r.split(",") if v != ""]
            unknown = [v for v in values if v not in self.options]
            if unknown:
                raise ValueError(f"unknown option {_short(unknown[0])!r}")
            if not values and self.default:
                raise ValueError("choose at least one option")
            return list(dict.fromkeys(values))
        if len(raw) != 1:
            raise ValueError("expected one value")
        text = raw[0].strip()
        if self.kind == "text":
            if len(text) > self.max_len:
                raise ValueError(f"longer than {self.max_len} characters")
            return text
        if self.kind == "choice":
            if text not in self.options:
                raise ValueError(f"unknown option {_short(text)!r}")
            return text
        if self.kind == "bool":
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError("expected true or false")
        if self.kind in ("float", "int"):
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"{_short(text)!r} is not a number") from None
            if not math.isfinite(value):
                raise ValueError("not a finite number")
            if self.kind == "int":
                if value != int(value):
                    raise ValueError("expected a whole number")
                value = int(value)
            if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
                low, high = _fmt(self.lo, -math.inf, self.kind), _fmt(self.hi, math.inf, self.kind)
                raise ValueError(f"outside {low} to {high}")
            return value
        raise AssertionError(f"unknown parameter kind {self.kind!r}")

    def encode(self, value: Any) -> str:
        """The URL text for a value (the inverse of parse)."""
        if self.kind == "choices":
            return ",".join(value)
        if self.kind == "bool":
            return "1" if value else "0"
        if self.kind == "float":
            return repr(float(value))
        return str(value)


def _short(text: str) -> str:
    return text if len(text) <= 20 else text[:20] + "..."


def markdown_literal(text: object) -> str:
    """Text (or an error, or anything str() takes) with every ASCII punctuation mark
    backslash-escaped, so markdown shows it as typed (user input cannot become a link, an image or
    LaTeX in a message)."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", str(text))


def _fmt(bound: float | None, unbounded: float, kind: str = "float") -> str:
    """A bound for a message; a missing one is the infinity on its side; whole numbers in full."""
    if bound is None:
        return f"{unbounded:g}"
    return f"{int(bound):,}" if kind == "int" else f"{bound:g}"


def bind_url(params: Sequence[UrlParam]) -> None:
    """Seed each widget's state when its page draws it afresh: from the URL, else from the value it
    had when the page was last shown in this session (Streamlit drops a widget's state when another
    page runs), else its default.

    Values that cannot be used fall back to the default with a notice naming the parameter.
    """
    problems = []
    kept = st.session_state.get(_KEPT, {})
    for p in params:
        if p.key in st.session_state:
            continue
        value = kept.get(p.key, p.default)
        raw = st.query_params.get_all(p.key)
        if raw:
            try:
                value = p.parse(raw)
            except ValueError as err:
                problems.append(f"`{_short(p.key)}` ({markdown_literal(err)})")
        st.session_state[p.key] = value
    st.session_state.setdefault(_BOUND_THIS_RUN, {}).update({p.key: p for p in params})
    if problems:
        st.info("Some settings in this link could not be used, so their defaults are shown: "
                + "; ".join(problems) + ".", icon=":material/link_off:")


def start_run() -> None:
    """Forget which parameters were bound by the previous run (app.py calls this first)."""
    st.session_state[_BOUND_THIS_RUN] = {}


def publish_url() -> None:
    """Write every parameter bound in this run that differs from its default into the URL, and keep
    the values for the page's next visit."""
    bound: dict[str, UrlParam] = st.session_state.get(_BOUND_THIS_RUN, {})
    kept = st.session_state.setdefault(_KEPT, {})
    wanted = {}
    for key, p in bound.items():
        value = st.session_state.get(key, p.default)
        kept[key] = value
        if value != p.default:
            wanted[key] = p.encode(value)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
