"""URL parameters: every value round-trips, and no string from a URL gets past parse unchecked."""

import json
import math

import pytest
from hypothesis import given, settings, strategies as st

from activations_core.datasets import make_dataset
from activations_core.network import train_steps
from tests.app.helpers import open_page
from ui.state import UrlParam

PARAMS = [
    UrlParam("f", 0.5, "float", -10, 10),
    UrlParam("n", 3, "int", 1, 50),
    UrlParam("b", False, "bool"),
    UrlParam("c", "relu", "choice", options=("relu", "gelu", "tanh")),
    UrlParam("m", ["relu"], "choices", options=("relu", "gelu", "tanh")),
    UrlParam("t", "2, 1, 0.1", "text", max_len=100),
]
JUNK = ["", " ", "nan", "NaN", "inf", "-inf", "1e309", "-1e309", "abc", "💥", "x" * 5000,
        "1,,2", "0x10", "1e-400", "--1", "None", "[1]", "\x00", "relu,💥", ","]


def _valid(p: UrlParam, value) -> bool:
    if p.kind == "float":
        return isinstance(value, float) and math.isfinite(value) and p.lo <= value <= p.hi
    if p.kind == "int":
        return isinstance(value, int) and p.lo <= value <= p.hi
    if p.kind == "bool":
        return isinstance(value, bool)
    if p.kind == "choice":
        return value in p.options
    if p.kind == "choices":
        return all(v in p.options for v in value) and len(set(value)) == len(value)
    return isinstance(value, str) and len(value) <= p.max_len


@pytest.mark.parametrize("p", PARAMS, ids=lambda p: p.kind)
def test_default_round_trips(p):
    assert p.parse([p.encode(p.default)]) == p.default


@pytest.mark.parametrize("p", PARAMS, ids=lambda p: p.kind)
@pytest.mark.parametrize("junk", JUNK)
def test_junk_is_rejected_or_valid(p, junk):
    try:
        value = p.parse([junk])
    except ValueError as err:
        assert str(err)  # a message the notice can show
    else:
        assert _valid(p, value)


@settings(max_examples=300, deadline=None)
@given(p=st.sampled_from(PARAMS), raw=st.lists(st.text(max_size=40), min_size=1, max_size=3))
def test_any_string_is_rejected_or_valid(p, raw):
    try:
        value = p.parse(raw)
    except ValueError:
        return
    assert _valid(p, value)


def test_float_round_trips_exactly():
    p = PARAMS[0]
    for x in (0.1, -9.999999999999998, 1e-300, 2 / 3):
        assert p.parse([p.encode(x)]) == x


def test_out_of_range_and_fractional_int_are_rejected():
    with pytest.raises(ValueError, match="outside"):
        PARAMS[1].parse(["51"])
    with pytest.raises(ValueError, match="whole number"):
        PARAMS[1].parse(["2.5"])


def test_settings_survive_a_visit_to_another_page():
    """Streamlit forgets a widget's state when another page runs; the page comes back as it was left."""
    at = open_page("dead_neurons_lab")
    at.slider(key="lab_width").set_value(8).run()
    paused = at.session_state["lab_runs"]["relu"]
    data = make_dataset("circles", n=400, noise=0.1, seed=11)
    at.session_state["lab_runs"] = {"relu": train_steps(paused, data, 10)}  # as a pause in the browser leaves it
    at.switch_page("app_pages/curves.py").run()
    at.query_params.clear()  # the sidebar link carries no parameters
    at.switch_page("app_pages/dead_neurons_lab.py").run()
    assert not at.exception
    assert at.slider(key="lab_width").value == 8
    (run,) = json.loads(at.get("bidi_component")[0].proto.json)["runs"]
    assert run["resume"]["state"]["step"] == 10  # the lab is handed the run as it was left


def test_a_whole_number_bound_is_written_in_full():
    with pytest.raises(ValueError, match="outside 0 to 2,147,483,647"):
        UrlParam("seed", 0, "int", 0, 2**31 - 1).parse(["-5"])
