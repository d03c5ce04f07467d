"""The live lab in the browser: Start trains frame by frame, Pause stops, the learning rate changes a
running network, a hidden tab rests, an overflow stops with a message, and every control works
from the keyboard."""

import pytest

from tests.e2e.harness import lab_step, open_lab_settings, wait_for_lab_step

pytestmark = pytest.mark.e2e


def _button(app, name):
    return app.page.get_by_role("button", name=name, exact=True)


def test_start_trains_live_and_pause_stops(app):
    app.goto("dead_neurons_lab?lab_max_steps=50000")
    assert lab_step(app.page) == 0
    _button(app, "Start").click()
    first = wait_for_lab_step(app.page, 0)
    second = wait_for_lab_step(app.page, first)
    assert 0 < first < second  # frames keep coming
    _button(app, "Pause").click()
    app.wait_idle()
    paused = lab_step(app.page)
    app.page.wait_for_timeout(1000)
    assert lab_step(app.page) == paused
    _button(app, "Step ×10").click()
    app.wait_idle()
    assert lab_step(app.page) == paused + 10
    _button(app, "Reset").click()
    app.wait_idle()
    assert lab_step(app.page) == 0
    app.assert_healthy()


def test_the_controls_work_from_the_keyboard(app):
    app.goto("dead_neurons_lab?lab_max_steps=50000")
    start = _button(app, "Start")
    start.focus()
    app.page.keyboard.press("Enter")
    wait_for_lab_step(app.page, 0)
    pause = _button(app, "Pause")
    pause.focus()
    app.page.keyboard.press("Space")
    app.wait_idle()
    paused = lab_step(app.page)
    app.page.wait_for_timeout(500)
    assert lab_step(app.page) == paused
    app.assert_healthy()


def test_changing_the_learning_rate_does_not_start_again(app):
    app.goto("dead_neurons_lab?lab_max_steps=50000")
    _button(app, "Start").click()
    before = wait_for_lab_step(app.page, 200)
    open_lab_settings(app.page)
    slider = app.page.locator('[data-testid="stSlider"]').filter(has_text="Learning rate").locator('input[type="range"]')
    slider.focus()
    app.page.keyboard.press("ArrowLeft")  # a rerun of the page while the lab trains
    app.wait_idle()
    assert lab_step(app.page) >= before  # still the same run, still counting
    assert wait_for_lab_step(app.page, before + 100) > before
    assert "lab_lr=0.1" in app.page.url
    app.assert_healthy()


def test_a_hidden_tab_rests_and_resumes(app):
    app.goto("dead_neurons_lab?lab_max_steps=50000")
    _button(app, "Start").click()
    wait_for_lab_step(app.page, 0)
    hide = """hidden => { Object.defineProperty(document, 'hidden', {value: hidden, configurable: true});
                         document.dispatchEvent(new Event('visibilitychange')); }"""
    app.page.evaluate(hide, True)
    app.page.wait_for_timeout(200)
    resting = lab_step(app.page)
    app.page.wait_for_timeout(1000)
    assert lab_step(app.page) == resting
    app.page.evaluate(hide, False)
    assert wait_for_lab_step(app.page, resting) > resting
    app.assert_healthy()


def test_overflowing_weights_stop_the_run_with_a_message(app):
    """ELU at learning rate 4 overflows within 20 steps: the run stops and says why; nothing goes blank."""
    app.goto("dead_neurons_lab?lab_act=elu&lab_lr=4&lab_max_steps=50000")
    _button(app, "Start").click()
    message = app.page.locator(".run .diverged")
    message.wait_for(state="visible", timeout=20_000)
    assert "weights overflowed" in message.inner_text() and "learning rate" in message.inner_text()
    app.wait_idle()
    assert _button(app, "Start").is_disabled()
    stopped = lab_step(app.page)
    app.page.wait_for_timeout(500)
    assert lab_step(app.page) == stopped
    app.assert_healthy()


def test_side_by_side_relu_dies_while_leaky_relu_lives(app):
    app.goto("dead_neurons_lab?lab_max_steps=1000&lab_compare=leaky_relu&lab_lr=4")
    _button(app, "Start").click()
    app.page.locator(".bar button.primary", has_text="Start").wait_for(timeout=30_000)  # stopped at 1,000
    app.wait_idle()
    runs = app.page.locator(".run")
    assert runs.count() == 2
    relu_dead = runs.nth(0).locator(".tile.off").count()
    leaky_dead = runs.nth(1).locator(".tile.off").count()
    assert relu_dead > leaky_dead, (relu_dead, leaky_dead)
    assert runs.nth(0).locator('.tile.off[aria-label$="dead"]').count() == relu_dead  # a label, not only colour
    app.assert_healthy()


def test_shared_lab_link_shows_its_settings(app):
    app.goto("dead_neurons_lab?lab_bias=-3.0&lab_width=8")
    open_lab_settings(app.page)
    sliders = app.page.locator('[data-testid="stSlider"]')
    assert "-3.00" in sliders.filter(has_text="Initial bias").inner_text()
    assert "8" in sliders.filter(has_text="Neurons per layer").inner_text()
    assert app.page.locator(".run .tile").count() == 16
    app.assert_healthy()


def test_a_typed_formula_trains_in_the_browser_and_comes_back_to_python(app):
    app.goto("dead_neurons_lab?fx=x*sigmoid(a*x)&lab_act=custom&lab_max_steps=300")
    assert "Your formula" in app.page.locator(".run h3").inner_text()
    _button(app, "Start").click()
    app.page.locator(".bar button.primary", has_text="Start").wait_for(timeout=30_000)  # stopped at 300
    app.wait_idle()
    assert lab_step(app.page) == 300
    app.page.get_by_text("Data behind the charts").click()
    app.page.get_by_text("at step 300:").wait_for(timeout=20_000)
    app.assert_healthy()
