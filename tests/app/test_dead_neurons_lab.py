"""The dead-neuron lab page: scenarios, stepping, side by side, URL state, junk, questions."""

import json

import pytest

from activations_core.datasets import make_dataset
from activations_core.network import train_steps
from tests.app.conftest import open_page


def _button(at, label):
    return next(b for b in at.button if b.label.startswith(label))


def _lab_data(at) -> dict:
    """What the page gave the live lab component (the browser trains from it)."""
    (component,) = at.get("bidi_component")
    return json.loads(component.proto.json)


def _trained(at, name: str, steps: int):
    """The page's run ``name`` trained ``steps`` steps by the core, as the browser would send it back."""
    data = make_dataset(at.session_state["lab_data"], n=at.session_state["lab_points"],
                        noise=at.session_state["lab_noise"], seed=at.session_state["lab_seed"])
    return train_steps(at.session_state["lab_start"][name], data, steps)


def test_the_lab_gets_the_data_and_the_untrained_network():
    at = open_page("dead_neurons_lab")
    lab = _lab_data(at)
    (run,) = lab["runs"]
    assert run["title"] == "ReLU" and run["word"] == "dead" and run["resume"] is None
    spec = run["spec"]
    assert spec["state"]["step"] == 0 and spec["state"]["layer_sizes"] == [2, 16, 16, 1]
    assert len(spec["data"]["X_train"]) + len(spec["data"]["X_test"]) == 400
    assert lab["live"] == {"learning_rate": 0.3, "momentum": 0.0, "max_steps": 10000}


def test_learning_rate_changes_the_running_network_and_width_starts_again():
    at = open_page("dead_neurons_lab")
    first = _lab_data(at)["run_id"]
    at.select_slider(key="lab_lr").set_value("1").run()
    lab = _lab_data(at)
    assert lab["run_id"] == first and lab["live"]["learning_rate"] == 1.0  # no reset: the browser takes it
    at.slider(key="lab_width").set_value(8).run()
    lab = _lab_data(at)
    assert lab["run_id"] != first and lab["runs"][0]["spec"]["state"]["layer_sizes"] == [2, 8, 8, 1]


def test_negative_bias_scenario_shows_dead_neurons_from_the_start():
    at = open_page("dead_neurons_lab")
    at.selectbox(key="lab_preset_choice").set_value("negative_bias").run()
    _button(at, "Load scenario").click().run()
    assert not at.exception
    assert at.slider(key="lab_bias").value == pytest.approx(-3.0)
    history = _lab_data(at)["runs"][0]["spec"]["state"]["history"]
    assert history["dead_overall"][0] > 0.5  # most neurons are dead at step 0 (the core's tests pin the numbers)
    assert at.query_params["lab_bias"] == "-3.0"


def test_side_by_side_trains_two_networks():
    at = open_page("dead_neurons_lab", {"lab_compare": "leaky_relu"})
    runs = _lab_data(at)["runs"]
    assert [r["title"] for r in runs] == ["ReLU", "Leaky ReLU"]
    assert runs[0]["spec"]["state"]["weights"] == runs[1]["spec"]["state"]["weights"]  # one starting point


def test_a_network_paused_in_the_browser_resumes_from_where_it_was():
    at = open_page("dead_neurons_lab")
    at.session_state["lab_runs"] = {"relu": _trained(at, "relu", 25)}  # what a pause hands the page
    at.run()
    (run,) = _lab_data(at)["runs"]
    assert run["spec"]["state"]["step"] == 0 and run["resume"]["state"]["step"] == 25


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


def test_the_tables_show_the_state_the_browser_sent():
    at = open_page("dead_neurons_lab")
    trained = _trained(at, "relu", 10)
    at.session_state["lab_runs"] = {"relu": trained}
    at.run()
    tables = [t.value for t in at.dataframe]
    history = next(v for v in tables if "train_loss" in v.columns)
    neurons = next(v for v in tables if "mean_abs_activation" in v.columns)
    assert list(history["step"]) == list(range(11))
    assert len(neurons) == 32  # the default 2 x 16 hidden neurons
    assert neurons["dead"].mean() == pytest.approx(trained.history.dead_overall[-1])


def _runs_and_message():
    from activations_core.network import NetConfig, init_network, to_json_dict
    from ui.lab_component import LabRun

    data = make_dataset("circles", n=100, noise=0.1, seed=1)
    start = train_steps(init_network(NetConfig(hidden=(4,)), 3), data, 0)
    runs = [LabRun("relu", "ReLU", "dead", start, start)]
    return runs, {"run_id": "r1", "reason": "pause", "runs": [to_json_dict(train_steps(start, data, 5))]}


@pytest.mark.parametrize("junk", [[], "x", {"runs": 3}, {"run_id": "r1", "runs": [{}]},
                                  {"run_id": "r1", "runs": [{"config": {"hidden": "many"}}]}])
def test_a_malformed_message_from_the_browser_is_refused_with_a_reason(junk):
    from ui.lab_component import runs_from_sync

    runs, _ = _runs_and_message()
    with pytest.raises(ValueError):
        runs_from_sync(junk, "r1", runs)


def test_a_message_from_an_older_run_or_another_seed_is_not_taken():
    from ui.lab_component import runs_from_sync

    runs, message = _runs_and_message()
    assert runs_from_sync(None, "r1", runs) is None
    assert runs_from_sync(message, "r0", runs) is None  # settings changed since: ignored
    assert runs_from_sync(message, "r1", runs)["relu"].step == 5
    message["runs"][0]["seed"] = 4
    with pytest.raises(ValueError, match="another seed"):
        runs_from_sync(message, "r1", runs)
