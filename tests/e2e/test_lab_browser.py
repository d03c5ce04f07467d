"""The lab trains live in the browser: Start advances the step counter frame by frame, Pause stops it."""

import pytest

from tests.e2e.harness import lab_step

pytestmark = pytest.mark.e2e


def test_start_trains_live_and_pause_stops(app):
    app.goto("dead_neurons_lab?lab_max_steps=20000")
    assert lab_step(app.page) == 0
    app.page.get_by_role("button", name="Start").click()
    app.page.wait_for_timeout(2500)
    first = lab_step(app.page)
    app.page.wait_for_timeout(1500)
    second = lab_step(app.page)
    assert 0 < first < second, (first, second)  # frames keep arriving
    app.page.get_by_role("button", name="Pause").click()
    app.wait_idle()
    paused = lab_step(app.page)
    app.page.wait_for_timeout(1500)
    assert lab_step(app.page) == paused
    app.assert_healthy()


def test_shared_lab_link_shows_its_settings(app):
    app.goto("dead_neurons_lab?lab_bias=-3.0&lab_width=8")
    sliders = app.page.locator('[data-testid="stSlider"]')
    assert "-3.00" in sliders.filter(has_text="Initial bias").inner_text()
    assert "8" in sliders.filter(has_text="Neurons per layer").inner_text()
    app.assert_healthy()


def test_identical_frames_do_not_break_the_connection(app):
    """At learning rate 4 the ReLU network dies at once and every frame draws the same charts; a
    repeated chart must not be sent as a cache reference the browser has dropped (Streamlit 1.67
    then closes the connection: fixed by global.minCachedMessageSize in .streamlit/config.toml)."""
    app.goto("dead_neurons_lab?lab_max_steps=20000&lab_compare=leaky_relu&lab_lr=4")
    app.page.get_by_role("button", name="Start").click()
    app.page.wait_for_timeout(4000)
    first = lab_step(app.page)
    app.page.wait_for_timeout(1500)
    assert lab_step(app.page) > first  # still training, still connected
    pause = app.page.get_by_role("button", name="Pause")
    assert pause.is_enabled()
    pause.click()
    app.wait_idle()
    app.assert_healthy()
