"""Predict-then-reveal questions: the student commits to an answer, then sees the computed truth."""

from __future__ import annotations

from typing import Sequence

import streamlit as st

from ui.presenter import shown


def _set_committed(key: str, committed: bool) -> None:
    st.session_state[f"{key}_committed"] = committed
    if not committed:
        st.session_state.pop(f"{key}_choice", None)


def question(key: str, prompt: str, options: Sequence[str], answer: int, reveal: str) -> None:
    """Ask ``prompt``; after the student commits, mark ``options[answer]`` and show ``reveal``.

    ``answer`` and the numbers in ``reveal`` must come from the core, computed on the spot.
    """
    if not shown("questions"):
        return
    committed = st.session_state.get(f"{key}_committed", False)
    with st.container(border=True):
        choice = st.radio(f"**Predict:** {prompt}", options, index=None, key=f"{key}_choice",
                          disabled=committed)
        if not committed:
            st.button("Commit and reveal", key=f"{key}_reveal", disabled=choice is None,
                      on_click=_set_committed, args=(key, True),
                      help="Choose an answer first: predicting before seeing is the point.")
            return
        if choice == options[answer]:
            st.success(f"Right: **{options[answer]}**", icon=":material/check_circle:")
        else:
            st.error(f"Not quite: the answer is **{options[answer]}**", icon=":material/cancel:")
        st.markdown(reveal)
        st.button("Try again", key=f"{key}_reset", on_click=_set_committed, args=(key, False))
