"""The browser's trainer (ui/lab/trainer.js) against the core's train_steps, and the live lab's wiring.

The JavaScript trains from the very state Python sends (network.browser_spec) for 300 steps, in
uneven chunks as frames do; its weights must agree with activations_core.network.train_steps
within 1e-9 and its recorded dead fractions and accuracies exactly.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest
from playwright.sync_api import expect

from activations_core import ACTIVATIONS
from activations_core.datasets import make_dataset
from activations_core.network import NetConfig, browser_spec, from_json_dict, init_network, train_steps
from tests.e2e.harness import lab_step, module_tab
from ui.lab_component import ASSETS

pytestmark = pytest.mark.e2e

STEPS = 300
CHUNKS = (1, 7, 50, 92, 150)  # 300 steps split as frames split them
DEFAULT = NetConfig(hidden=(16, 16), learning_rate=0.3, max_steps=1000)
CASES = {
    **{name: dataclasses.replace(DEFAULT, activation=name) for name in ACTIVATIONS},
    "leaky_relu alpha 0.2": dataclasses.replace(DEFAULT, activation="leaky_relu", activation_params={"alpha": 0.2}),
    "elu alpha 2.5": dataclasses.replace(DEFAULT, activation="elu", activation_params={"alpha": 2.5}),
    "swish beta 4": dataclasses.replace(DEFAULT, activation="swish", activation_params={"beta": 4.0}),
    "batch norm": dataclasses.replace(DEFAULT, batch_norm=True),
    "momentum 0.9": dataclasses.replace(DEFAULT, momentum=0.9, learning_rate=0.05),
    "minibatches of 32": dataclasses.replace(DEFAULT, batch_size=32),
    "batch norm, minibatches, momentum, tanh, 3 layers": NetConfig(
        hidden=(8, 12, 6), activation="tanh", batch_norm=True, batch_size=24, momentum=0.8, learning_rate=0.1,
        max_steps=1000),
    "learning rate 4 (ReLU dies)": dataclasses.replace(DEFAULT, learning_rate=4.0),
    "biases at -3": dataclasses.replace(DEFAULT, bias_init=-3.0),
}
PARAMETERS = ("weights", "biases", "gammas", "betas", "running_means", "running_vars", "velocities")


@pytest.fixture(scope="module")
def trainer_page(browser):
    """A blank tab with the lab's activations and trainer loaded as one module (window.LAB)."""
    source = "\n".join((ASSETS / name).read_text() for name in ("activations.js", "formula.js", "trainer.js"))
    page = module_tab(browser, source)
    yield page
    page.close()


def _train_in_browser(page, spec: dict) -> dict:
    return page.evaluate(
        """([spec, chunks]) => {
            const t = new LAB.Trainer(spec, LAB.ACTIVATIONS_JS[spec.state.config.activation]);
            for (const n of chunks) t.run(n);
            return JSON.parse(JSON.stringify(t.toJSON()));  // as the lab sends it: NaN -> null
        }""", [spec, list(CHUNKS)])


@pytest.mark.parametrize("case", list(CASES))
def test_browser_training_matches_the_core(trainer_page, case):
    data = make_dataset("circles", n=400, noise=0.1, seed=11)
    start = train_steps(init_network(CASES[case], 11), data, 0)
    expected = train_steps(start, data, STEPS)
    got = from_json_dict(_train_in_browser(trainer_page, browser_spec(start, data)))
    assert got.step == expected.step == STEPS
    for name in PARAMETERS:
        for ours, core in zip(getattr(got, name), getattr(expected, name), strict=True):
            # relative to the array's largest entry; under batch norm the hidden biases (and their
            # velocities) are pure rounding noise of about 1e-17, since subtracting the batch mean
            # cancels them: there the floor 1e-6 asks for agreement to 1e-15 absolute
            scale = max(float(np.max(np.abs(core))), 1e-6)
            assert np.max(np.abs(ours - core)) <= 1e-9 * scale, (case, name)
    h, e = got.history, expected.history
    np.testing.assert_array_equal(h.step, e.step)
    for name in ("train_acc", "test_acc", "dead_fraction", "dead_overall"):
        np.testing.assert_array_equal(getattr(h, name), getattr(e, name), err_msg=f"{case}: {name}")
    np.testing.assert_allclose(h.train_loss, e.train_loss, rtol=1e-9)
    np.testing.assert_allclose(h.test_loss, e.test_loss, rtol=1e-9)


def test_browser_minibatch_order_is_the_cores(trainer_page):
    from activations_core.network import epoch_order

    for seed, epoch, n in ((0, 0, 10), (11, 3, 320), (2**32 - 1, 40, 999)):
        got = trainer_page.evaluate("([s, e, n]) => Array.from(LAB.epochOrder(s, e, n))", [seed, epoch, n])
        assert got == epoch_order(seed, epoch, n).tolist()


def test_training_sends_nothing_to_the_server_and_pause_brings_the_state_back(app, server):
    """10 s of training: no websocket message (no rerun); Pause sends one, and the page's tables
    then show the step the lab shows."""
    sent = []
    app.page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(time.monotonic())))
    app.goto("dead_neurons_lab?lab_max_steps=50000")
    cpu_before = server.cpu_seconds()
    app.page.get_by_role("button", name="Start", exact=True).click()
    started = time.monotonic()
    app.page.wait_for_timeout(10_000)
    during = [t for t in sent if t > started]
    cpu = server.cpu_seconds() - cpu_before
    step = lab_step(app.page)
    assert step > 1000, step  # it trained ...
    assert during == [], f"{len(during)} websocket messages while training"  # ... and said nothing
    assert cpu < 1.0, cpu  # the server idled (one page load and no reruns)
    app.page.get_by_role("button", name="Pause", exact=True).click()
    app.wait_idle()
    paused = lab_step(app.page)
    assert len([t for t in sent if t > started]) >= 1  # the pause told Python
    app.page.get_by_text("Data behind the charts").click()
    expect(app.page.get_by_text(f"at step {paused:,}:")).to_be_visible(timeout=20_000)
    app.assert_healthy()
