"""The dead-neuron lab page: scenarios, stepping, side by side, URL state, junk, questions."""

import json

import pytest

from activations_core.network import PRESETS
from tests.app.conftest import figures, open_page


def _button(at, label):
    return next(b for b in at.button if b.label.startswith(label))


def _dead_fraction_metric(at):
    return next(m.value for m in at.metric if m.label.startswith("Hidden neurons"))


def test_step_trains_and_changes_the_plots():
    at = open_page("dead_neurons_lab")
    before = figures(at)
    _button(at, "Step").click().run()
    assert not at.exception
    assert next(m.value for m in at.metric if m.label == "Step") == "10"
    image = lambda figs: figs[0]["layout"]["images"][0]["source"]  # the boundary's probability map
    assert image(figures(at)) != image(before)


def test_negative_bias_scenario_shows_dead_neurons_from_the_start():
    at = open_page("dead_neurons_lab")
    at.selectbox(key="lab_preset_choice").set_value("negative_bias").run()
    _button(at, "Load scenario").click().run()
    assert not at.exception
    assert at.slider(key="lab_bias").value == pytest.approx(-3.0)
    dead = float(_dead_fraction_metric(at).rstrip("%")) / 100
    assert dead > 0.5  # most neurons are dead at step 0 (the core's tests pin the exact numbers)
    assert at.query_params["lab_bias"] == "-3.0"


def test_side_by_side_trains_two_networks():
    at = open_page("dead_neurons_lab", {"lab_compare": "leaky_relu"})
    assert len(at.get("plotly_chart")) == 4  # a boundary and a training chart per network
    assert [h.value for h in at.subheader][:2] == ["ReLU", "Leaky ReLU"]


def test_shared_url_sets_the_widgets():
    at = open_page("dead_neurons_lab", {"lab_act": "elu", "lab_width": "8", "lab_lr": "0.01", "lab_data": "xor"})
    assert at.selectbox(key="lab_act").value == "elu"
    assert at.slider(key="lab_width").value == 8
    assert at.select_slider(key="lab_lr").value == "0.01"
    assert at.selectbox(key="lab_data").value == "xor"


@pytest.mark.parametrize("key", ["lab_act", "lab_width", "lab_lr", "lab_bias", "lab_seed", "lab_bn", "lab_data"])
@pytest.mark.parametrize("junk", ["", "nan", "1e309", "abc", "💥", "x" * 5000, "-7"])
def test_junk_in_the_url_falls_back_with_a_notice(key, junk):
    at = open_page("dead_neurons_lab", {key: junk})
    assert not at.exception
    assert at.info, "a notice names the unusable parameter"


def test_questions_reveal_the_computed_outcome():
    at = open_page("dead_neurons_lab")
    at.radio(key="lab_q1_choice").set_value("Leaky ReLU").run()
    at.button(key="lab_q1_reveal").click().run()
    assert at.success and "Leaky ReLU" in at.success[0].value
    at.radio(key="lab_q3_choice").set_value("No").run()
    at.button(key="lab_q3_reveal").click().run()
    assert len(at.success) == 2


def test_export_offers_history_and_weights():
    at = open_page("dead_neurons_lab")
    labels = [b.proto.label for b in at.get("download_button")]
    assert any("history CSV" in l for l in labels) and any("weights JSON" in l for l in labels)


def test_the_charts_data_is_offered_as_tables_that_match_the_metrics():
    at = open_page("dead_neurons_lab")
    _button(at, "Step").click().run()
    tables = [t.value for t in at.dataframe]
    history = next(v for v in tables if "train_loss" in v.columns)
    neurons = next(v for v in tables if "mean_abs_activation" in v.columns)
    assert list(history["step"])[-1] == 10
    assert len(neurons) == 32  # the default 2 x 16 hidden neurons
    dead_shown = float(_dead_fraction_metric(at).rstrip("%")) / 100
    assert neurons["dead"].mean() == pytest.approx(dead_shown, abs=0.005)
