"""Predict-then-reveal questions: the student commits to an answer, then sees the computed truth.

A question comes before whatever answers it. ``question`` returns whether its answer is out, and
the page draws the chart, metric or sentence that answers it only then::

    if question("cv_q_gelu", ...):
        gap_chart()
"""

from __future__ import annotations

from typing import Callable, Sequence

import streamlit as st

from ui.presenter import presenting, shown


def _set_committed(key: str, committed: bool) -> None:
    st.session_state[f"{key}_committed"] = committed
    # the choice outlives its radio, which is not drawn again once the answer is out
    st.session_state[f"{key}_chosen"] = st.session_state.get(f"{key}_choice") if committed else None
    if not committed:
        st.session_state.pop(f"{key}_choice", None)


def _ask(key: str, prompt: str, options: Sequence[str]) -> None:
    """The options and the commit button: a fragment, so that picking an option reruns only the
    question (a whole page costs the server several times more); committing reruns the page, whose
    answering elements then appear."""
    if st.session_state.get(f"{key}_committed", False):
        st.rerun()  # committed from inside the fragment: the whole page shows the answer
    teacher = presenting()
    # On a projector the options make one row with the button at its end: the question, its
    # section's heading and the chart that answers it share one 1280x720 screen.
    options_at, button_at = st.columns([3, 1], vertical_alignment="bottom") if teacher else (st, st)
    choice = options_at.radio(f"**Predict:** {prompt}", options, index=None, key=f"{key}_choice",
                              horizontal=teacher)
    button_at.button("Reveal the answer" if teacher and choice is None else "Commit and reveal",
                     key=f"{key}_reveal", disabled=choice is None and not teacher,
                     on_click=_set_committed, args=(key, True),
                     help="Choose an answer first: predicting before seeing is the point. "
                          "What answers it appears below once you commit.")


def question(key: str, prompt: str, options: Sequence[str],
             answer: int | Callable[[], tuple[int, str]], reveal: str = "") -> bool:
    """Ask ``prompt``; after the student commits, mark ``options[answer]`` and show ``reveal``.

    Returns True once the answer may be seen (committed, or questions hidden in presenter mode),
    so that the caller shows the elements that answer the question only then. In presenter mode
    the teacher may reveal without choosing (the class answered aloud). ``answer`` and the numbers
    in ``reveal`` must come from the core, computed on the spot; an answer that costs real work
    (training a network, measuring a deep one) is given as a function returning both, run only once
    the question is committed.
    """
    if not shown("questions"):
        return True
    teacher = presenting()
    with st.container(border=True):
        if not st.session_state.get(f"{key}_committed", False):
            st.fragment(lambda: _ask(key, prompt, options), key=f"{key}_ask")()
            return False
        choice = st.session_state.get(f"{key}_chosen")
        if teacher:  # on a projector the verdict replaces the options: room for the chart
            prompt_at, again_at = st.columns([3, 1], vertical_alignment="center")
            prompt_at.markdown(f"**Predict:** {prompt}")
        else:  # the student's pick stays in view
            st.radio(f"**Predict:** {prompt}", options, key=f"{key}_shown", disabled=True,
                     index=list(options).index(choice) if choice in options else None)
        if callable(answer):
            answer, reveal = answer()
        # the verdict and why in one box, so that the chart it announces follows close below
        if choice is None:
            st.info(f"The answer: **{options[answer]}**\n\n{reveal}", icon=":material/lightbulb:")
        elif choice == options[answer]:
            st.success(f"Right: **{options[answer]}**\n\n{reveal}", icon=":material/check_circle:")
        else:
            st.error(f"Not quite: the answer is **{options[answer]}**\n\n{reveal}", icon=":material/cancel:")
        (again_at if teacher else st).button("Try again", key=f"{key}_reset", on_click=_set_committed,
                                             args=(key, False), type="tertiary", icon=":material/replay:")
    return True
