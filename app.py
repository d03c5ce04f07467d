"""Activation Lab: the router. Each page is one short script in app_pages/; this file only frames them."""

import streamlit as st

from ui import catalog, chart, presenter, server_process, state

server_process.tune()  # one process serves the whole class: see ui/server_process.py
st.set_page_config(page_title="Activation Lab", page_icon=":material/ssid_chart:", layout="wide")
state.start_run()


def pages() -> dict[str, list]:
    """The pages by section, made once per session: st.Page looks its file up on the disk, and
    every such call lets the server's other threads take the GIL (ui/server_process.py)."""
    if "app_pages" not in st.session_state:
        st.session_state.app_pages = {
            "Learn": [
                st.Page("app_pages/why_nonlinearity.py", title="Why non-linearity?", icon=":material/timeline:",
                        default=True),
                st.Page("app_pages/curves.py", title="Curves and derivatives", icon=":material/show_chart:"),
                st.Page("app_pages/choosing.py", title="Choosing an activation", icon=":material/checklist:"),
                st.Page("app_pages/softmax_temperature.py", title="Softmax temperature",
                        icon=":material/thermostat:"),
                st.Page("app_pages/vanishing_gradients.py", title="Vanishing gradients",
                        icon=":material/trending_down:"),
            ],
            "Experiment": [
                st.Page("app_pages/dead_neurons_lab.py", title="Dead-neuron lab", icon=":material/science:"),
                st.Page("app_pages/your_activation.py", title="Design your own", icon=":material/function:"),
            ],
        }
    return st.session_state.app_pages


page = st.navigation(pages())

with st.sidebar:
    state.bind_url(presenter.PARAMS + (catalog.FORMULA,))
    st.toggle("Presenter mode", key=presenter.PRESENT.key,
              help="Larger text and plots for a projector. It is part of the link you share.")
    st.multiselect("Hide while presenting", options=list(presenter.HIDEABLE),
                   format_func=presenter.HIDEABLE.get, key=presenter.HIDE.key,
                   disabled=not presenter.presenting())
    st.caption("Every setting lives in the address bar: copy it to share exactly this view.")
if presenter.presenting():  # a projector needs the width; the sidebar opens from its arrow
    st.set_page_config(initial_sidebar_state="collapsed")

presenter.apply_presenter_style()
chart.apply_phone_style()
try:
    page.run()
finally:
    state.publish_url()
    if presenter.presenting():
        with st.sidebar:
            presenter.students_link()
