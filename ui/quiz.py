"""Predict-then-reveal questions: the student commits to an answer, then sees the computed truth.

A question comes before whatever answers it. ``question`` returns whether its answer is out, and
the page draws the chart, metric or sentence that answers it only then::

    if question("cv_q_gelu", ...):
        gap_chart()
"""

from __future__ import annotations

from typing import Sequence

import streamlit as st

from ui.presenter import presenting, shown


def _set_committed(key: str, committed: bool) -> None:
    st.session_state[f"{key}_committed"] = committed
    if not committed:
        st.session_state.pop(f"{key}_choice", None)


def question(key: str, prompt: str, options: Sequence[str], answer: int, reveal: str) -> bool:
    """Ask ``prompt``; after the student commits, mark ``options[answer]`` and show ``reveal``.

    Returns True once the answer may be seen (committed, or questions hidden in presenter mode),
    so that the caller shows the elements that answer the question only then. In presenter mode
    the teacher may reveal without choosing (the class answered aloud). ``answer`` and the numbers
    in ``reveal`` must come from the core, computed on the spot.
    """
    if not shown("questions"):
        return True
    committed = st.session_state.get(f"{key}_committed", False)
    with st.container(border=True):
        choice = st.radio(f"**Predict:** {prompt}", options, index=None, key=f"{key}_choice",
                          disabled=committed, horizontal=presenting())  # a row: one line on a projector
        if not committed:
            teacher = presenting()
            st.button("Reveal the answer" if teacher and choice is None else "Commit and reveal",
                      key=f"{key}_reveal", disabled=choice is None and not teacher,
                      on_click=_set_committed, args=(key, True),
                      help="Choose an answer first: predicting before seeing is the point. "
                           "What answers it appears below once you commit.")
            return False
        if choice is None:
            st.info(f"The answer: **{options[answer]}**", icon=":material/lightbulb:")
        elif choice == options[answer]:
            st.success(f"Right: **{options[answer]}**", icon=":material/check_circle:")
        else:
            st.error(f"Not quite: the answer is **{options[answer]}**", icon=":material/cancel:")
        st.markdown(reveal)
        st.button("Try again", key=f"{key}_reset", on_click=_set_committed, args=(key, False))
    return True
