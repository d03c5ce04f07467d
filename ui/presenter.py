"""Presenter mode: a URL switch (?present=1) that enlarges text and plots for a projector and
hides the parts of each page the teacher chose (?hide=controls,questions)."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from ui.state import UrlParam

HIDEABLE = {
    "controls": "Controls",
    "questions": "Questions",
    "notes": "Explanations",
    "tables": "Data tables",
}
PRESENT = UrlParam("present", False, "bool")
HIDE = UrlParam("hide", ["controls", "tables"], "choices", options=tuple(HIDEABLE))  # a projector shows charts, not their tables
PARAMS = (PRESENT, HIDE)

# Streamlit styles each widget's text itself, so the rules name the text elements, main area only.
_PRESENTER_CSS = """
<style>
  .stMainBlockContainer { max-width: 100%; padding: 3.5rem 2rem 2rem 2rem; }
  [data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
  [data-testid="stMain"] [data-testid="stMarkdownContainer"] li,
  [data-testid="stMain"] [data-testid="stCaptionContainer"],
  [data-testid="stMain"] button p { font-size: 1.4rem !important; }
  [data-testid="stMain"] h1 { font-size: 3rem !important; }
  [data-testid="stMain"] h2, [data-testid="stMain"] h3 { font-size: 2.2rem !important; }
  [data-testid="stMain"] [data-testid="stMetricValue"],
  [data-testid="stMain"] [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p { font-size: 2.8rem !important; }
  .katex-display > .katex { font-size: 1.5em !important; }
</style>
"""


def presenting() -> bool:
    """Whether presenter mode is on for this session."""
    return bool(st.session_state.get(PRESENT.key, False))


def shown(part: str) -> bool:
    """Whether a hideable part ("questions", "notes", "tables") is shown in the current mode."""
    return not (presenting() and part in st.session_state.get(HIDE.key, []))


def controls(label: str = "Controls"):
    """Where a page puts its widgets: inline normally, folded away when presenting hides them.

    The widgets are still created when folded, so their values (and the shared URL) stay put.
    """
    if shown("controls"):
        return st.container()
    return st.expander(f"{label} (hidden for presenting)", expanded=False)


def apply_presenter_style() -> None:
    """Inject the projector CSS when presenter mode is on."""
    if presenting():
        st.html(_PRESENTER_CSS)


def students_link() -> None:
    """The link to give the class: this view as it is now, without presenter mode (call after the
    page has published its settings to the URL)."""
    params = {k: v for k, v in st.query_params.to_dict().items() if k not in (PRESENT.key, HIDE.key)}
    base = (st.context.url or "").split("?")[0]
    st.caption("Students' link: this view without presenter mode (copy it with the icon)")
    st.code(base + ("?" + urlencode(params) if params else ""), language=None, wrap_lines=True)
