"""The dead-neuron lab page: scenarios, stepping, side by side, URL state, junk, questions."""

import json

import numpy as np

import pytest

from activations_core.datasets import make_dataset
from activations_core.network import train_steps
from tests.app.helpers import open_page, page_text
from ui import measured


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
    assert run["live"] == {"learning_rate": 0.3, "momentum": 0.0, "max_steps": 10000}


def test_learning_rate_changes_the_running_network_and_width_starts_again():
    at = open_page("dead_neurons_lab")
    first = _lab_data(at)["run_id"]
    at.select_slider(key="lab_lr").set_value("1").run()
    lab = _lab_data(at)
    assert lab["run_id"] == first and lab["runs"][0]["live"]["learning_rate"] == 1.0  # no reset: the browser takes it
    at.slider(key="lab_width").set_value(8).run()
    lab = _lab_data(at)
    assert lab["run_id"] != first and lab["runs"][0]["spec"]["state"]["layer_sizes"] == [2, 8, 8, 1]


def test_one_click_loads_a_lesson_with_its_fix_beside_it_and_starts():
    at = open_page("dead_neurons_lab")
    at.button(key="lab_lesson_negative_bias").click().run()
    assert not at.exception
    assert at.slider(key="lab_bias").value == pytest.approx(-3.0)
    assert at.query_params["lab_lesson"] == "negative_bias" and at.query_params["lab_bias"] == "-3.0"
    lab = _lab_data(at)
    broken, fix = lab["runs"]
    assert (broken["title"], fix["title"]) == ("ReLU", "Fix: ELU")
    assert fix["spec"]["state"]["config"]["activation"] == "elu"
    assert broken["spec"]["state"]["weights"] == fix["spec"]["state"]["weights"]  # same start, same data
    assert broken["spec"]["state"]["history"]["dead_overall"][0] > 0.5  # dead from step 0 (the core's tests count)
    assert lab["autostart"] is not None  # the browser starts training at once
    at.run()
    assert _lab_data(at)["autostart"] is None  # ... once: a later rerun does not start it again
    assert any("What to see" in m.value and "of 20 seeds" in m.value for m in at.markdown)


def test_a_shared_lesson_link_reopens_the_lesson():
    at = open_page("dead_neurons_lab")
    at.button(key="lab_lesson_lr_too_high").click().run()
    link = dict(at.query_params)
    again = open_page("dead_neurons_lab", {k: v[0] if isinstance(v, list) else v for k, v in link.items()})
    assert [r["title"] for r in _lab_data(again)["runs"]] == ["ReLU", "Fix: learning rate 0.3"]
    assert again.button(key="lab_lesson_lr_too_high").proto.type == "primary"


def test_a_fix_keeps_its_own_learning_rate_while_the_slider_moves():
    at = open_page("dead_neurons_lab")
    at.button(key="lab_lesson_lr_too_high").click().run()
    at.select_slider(key="lab_lr").set_value("4").run()
    broken, fix = _lab_data(at)["runs"]
    assert broken["live"]["learning_rate"] == 4.0 and fix["live"]["learning_rate"] == 0.3


def test_questions_are_answered_from_the_network_on_screen():
    at = open_page("dead_neurons_lab", {"lab_seed": "5"})
    at.button(key="lab_lesson_lr_too_high").click().run()
    start = at.session_state["lab_start"]
    data = make_dataset("circles", n=400, noise=0.1, seed=5)
    broken, fixed = (train_steps(start[n], data, 300).history for n in ("relu", "fix"))
    at.radio(key="lab_q1_choice").set_value("ReLU").run()
    at.button(key="lab_q1_reveal").click().run()
    reveal = next(e.value for e in at.error if "After 300 steps ReLU" in e.value)
    assert f"**{broken.dead_overall[-1]:.0%}**" in reveal and f"**{fixed.dead_overall[-1]:.0%}**" in reveal
    assert "Fix: learning rate 0.3" in at.error[0].value  # fewer dead at 0.3, computed on screen's seed 5


def test_the_share_dead_at_step_0_appears_only_after_it_is_predicted():
    """Predict first: the page states no share of dead neurons at step 0 before lab_q2 is answered.
    The share is counted here with plain numpy from the starting weights: a hidden ReLU neuron is
    dead when its output is 0 for every training point."""
    at = open_page("dead_neurons_lab", {"lab_bias": "-1", "lab_seed": "3"})
    start = at.session_state["lab_start"]["relu"]
    data = make_dataset("circles", n=400, noise=0.1, seed=3)
    a, dead, total = data.X_train, 0, 0
    for W, b in zip(start.weights[:-1], start.biases[:-1]):
        a = np.maximum(a @ W + b, 0.0)
        dead, total = dead + int((a.max(axis=0) == 0).sum()), total + a.shape[1]
    share = f"ReLU {dead / total:.0%} at step 0"
    assert 0 < dead < total
    assert share not in page_text(at)
    at.radio(key="lab_q2_choice").set_value("under 10%").run()
    at.button(key="lab_q2_reveal").click().run()
    assert share in page_text(at) and f"**{dead / total:.0%}** are dead at step 0" in page_text(at)


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


def test_export_offers_history_and_weights():
    at = open_page("dead_neurons_lab")
    assert not at.get("download_button")  # nothing is built until the panel opens
    at.session_state["lab_data_open"] = True
    at.run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert any("history CSV" in l for l in labels) and any("weights JSON" in l for l in labels)


def test_the_tables_show_the_state_the_browser_sent():
    at = open_page("dead_neurons_lab")
    trained = _trained(at, "relu", 10)
    at.session_state["lab_runs"] = {"relu": trained}
    at.session_state["lab_data_open"] = True  # the student opens "Data behind the charts"
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
    runs = [LabRun("relu", "ReLU", "dead", start, start, start.config)]
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


def test_a_network_too_large_to_train_on_the_server_keeps_its_step_0_question():
    """4 x 64 neurons on 1000 points, side by side: answering "after 300 steps" would cost the server
    seconds, so those questions give way to the lab itself; the step-0 question stays."""
    at = open_page("dead_neurons_lab", {"lab_layers": "4", "lab_width": "64", "lab_points": "1000",
                                        "lab_compare": "elu"})
    keys = {r.key for r in at.radio}
    assert "lab_q2_choice" in keys and "lab_q1_choice" not in keys and "lab_q3_choice" not in keys
    assert any("watch the lab above answer them" in c.value for c in at.caption)
    run_id = at.session_state["lab_run_id"]
    assert not [key for key in measured._trained if key[0][0] == run_id]  # nothing trained for them


def test_a_class_opening_the_lab_trains_the_questions_runs_once(monkeypatch):
    """The third question is asked only if a first-layer neuron is dead at step 20, which takes
    training: the first student to open a run pays for it, the next ones with the same settings
    reuse it (and a new seed is a new run)."""
    calls = []
    monkeypatch.setattr(measured, "train_steps", lambda *a: calls.append(a[2]) or train_steps(*a))
    link = {"lab_seed": "424242"}
    first, second = open_page("dead_neurons_lab", link), open_page("dead_neurons_lab", link)
    assert calls == [20]
    assert {r.key for r in first.radio} == {r.key for r in second.radio}
    open_page("dead_neurons_lab", {"lab_seed": "424243"})
    assert calls == [20, 20]
    # a lesson with dead first-layer neurons asks the third question; its answer continues the
    # 20 steps already trained (test_questions_are_answered_from_the_network_on_screen checks that
    # the answers equal training from step 0)
    second.button(key="lab_lesson_lr_too_high").click().run()
    assert calls[2:] == [20]
    second.radio(key="lab_q3_choice").set_value("No").run()
    second.button(key="lab_q3_reveal").click().run()
    assert calls[2:] == [20, 280]
