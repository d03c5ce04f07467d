"""The shared activation controls (issue 17): keys, URL bounds, labels, sliders, seed and reseed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

import ui.activation_controls as controls
from activations_core import ACTIVATIONS
from ui.activation_controls import (
    LAB_MAX_SEED, MAX_SEED, ActivationControls, param_key, params_for, reseed, seed_param, values_text,
)
from ui.state import UrlParam

TUNED = [(name, p) for name, act in ACTIVATIONS.items() for p in act.params]


@pytest.fixture
def session(monkeypatch) -> dict:
    """A plain dict standing in for st.session_state inside the module."""
    state: dict = {}
    monkeypatch.setattr(controls, "st", SimpleNamespace(session_state=state))
    return state


def test_keys_are_prefix_activation_parameter():
    assert param_key("cv", "leaky_relu", "alpha") == "cv_leaky_relu_alpha"
    assert ActivationControls("lab", ACTIVATIONS).key("swish", "beta") == "lab_swish_beta"


def test_every_parameter_gets_a_url_entry_within_its_slider_range():
    params = params_for("vg", ACTIVATIONS)
    assert TUNED, "the registry has tunable activations"
    assert [u.key for u in params] == [f"vg_{name}_{p.name}" for name, p in TUNED]
    for url, (_, p) in zip(params, TUNED):
        assert (url.kind, url.default, url.lo, url.hi) == ("float", float(p.default), p.min, p.max)
        assert url.parse([repr(p.max)]) == p.max and url.parse([repr(p.min)]) == p.min
        with pytest.raises(ValueError, match="outside"):
            url.parse([repr(p.max + 1)])
    assert ActivationControls("vg", ACTIVATIONS).url_params == params


def test_values_text_writes_greek_names_and_g_format():
    assert values_text({}) == ""
    assert values_text({"alpha": 0.01}) == " (α = 0.01)"
    assert values_text({"alpha": 2.5, "beta": 1.0, "a": 3e-7}) == " (α = 2.5, β = 1, a = 3e-07)"


def test_values_and_label_read_the_current_sliders(session):
    acts = ActivationControls("cv", ACTIVATIONS)
    session["cv_leaky_relu_alpha"] = 0.2
    assert acts.values("leaky_relu") == {"alpha": 0.2}
    assert acts.label("leaky_relu") == "Leaky ReLU (α = 0.2)"
    assert acts.values("relu") == {} and acts.label("relu") == "ReLU"


def test_label_with_given_values_ignores_the_sliders(session):
    acts = ActivationControls("vg", ACTIVATIONS)
    assert acts.label("leaky_relu", {}) == "Leaky ReLU"
    assert acts.label("elu", {"alpha": 3.0}) == "ELU (α = 3)"
    assert not session  # nothing was read or written


def test_seed_ranges():
    page, lab = seed_param("vg_seed", 0), seed_param("lab_seed", 11, max_seed=LAB_MAX_SEED)
    assert (page.kind, page.default, page.lo, page.hi) == ("int", 0, 0, MAX_SEED)
    assert MAX_SEED == 999_999 and LAB_MAX_SEED == 2**31 - 1
    assert page.parse([str(MAX_SEED)]) == MAX_SEED and lab.parse([str(LAB_MAX_SEED)]) == LAB_MAX_SEED
    for url, too_big in ((page, MAX_SEED + 1), (lab, LAB_MAX_SEED + 1)):
        for bad in ("-1", str(too_big), "2.5"):
            with pytest.raises(ValueError):
                url.parse([bad])


def test_reseed_gives_a_different_seed_in_range(session):
    seed = seed_param("vg_seed", 0)
    session[seed.key] = 0
    seen = set()
    for _ in range(200):
        before = session[seed.key]
        reseed(seed)
        assert session[seed.key] != before and 0 <= session[seed.key] <= MAX_SEED
        assert isinstance(session[seed.key], int)
        seen.add(session[seed.key])
    assert len(seen) > 150  # random, not a fixed walk


def test_reseed_on_a_two_seed_range_always_switches(session):
    seed = UrlParam("t_seed", 0, "int", 0, 1)
    session[seed.key] = 1
    for expected in (0, 1, 0, 1):
        reseed(seed)
        assert session[seed.key] == expected


def test_reseed_without_a_current_value(session):
    seed = seed_param("nl_seed", 6, max_seed=LAB_MAX_SEED)
    reseed(seed)
    assert 0 <= session[seed.key] <= LAB_MAX_SEED


def _controls_page():
    """A page using the controls as the lesson pages do (run by AppTest as a script)."""
    from activations_core import ACTIVATIONS
    from ui.activation_controls import ActivationControls, seed_input, seed_param
    from ui.state import bind_url

    acts = ActivationControls("t", ACTIVATIONS)
    seed = seed_param("t_seed", 6)
    bind_url((seed,) + acts.url_params)
    acts.slider_row(["relu", "leaky_relu", "elu"])
    acts.sliders(["swish"])
    acts.slider_row(["relu"])  # no parameters: no columns, no sliders
    seed_input(seed, reseed_key="t_reseed", fixes="the random weights", draws="new random weights")


def test_sliders_and_seed_input_on_a_page():
    at = AppTest.from_function(_controls_page).run()
    assert not at.exception
    labels = {s.key: s.label for s in at.slider}
    assert labels == {"t_leaky_relu_alpha": "Leaky ReLU: alpha (negative slope)",
                      "t_elu_alpha": "ELU: alpha (negative saturation)",
                      "t_swish_beta": "Swish / SiLU: beta (gate sharpness)"}
    alpha = ACTIVATIONS["leaky_relu"].params[0]
    slider = at.slider(key="t_leaky_relu_alpha")
    assert (slider.min, slider.max, slider.step, slider.value) == (alpha.min, alpha.max, alpha.step, alpha.default)
    assert slider.help == alpha.help
    assert len(at.columns) == 3  # one row of three columns: the parameterless calls add none
    number = at.number_input(key="t_seed")
    assert (number.label, number.min, number.max, number.value) == ("Random seed", 0, MAX_SEED, 6)
    assert number.help == "Fixes the random weights; it is part of the link you share."
    assert at.button(key="t_reseed").help == "Draw new random weights."
    at.button(key="t_reseed").click().run()
    assert at.number_input(key="t_seed").value != 6
