"""The vanishing-gradients page in headless Chromium: 0.25^10 appears once its question is answered,
the depth slider moves, a shared link restores the view."""

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import commit_answer

pytestmark = pytest.mark.e2e


def _slider(page, label: str):
    """A slider's thumb (a range input) by its label."""
    return page.locator(f'[data-testid="stSlider"] input[type="range"][aria-label="{label}"]')


def test_depth_slider_by_keyboard_and_reseed(app):
    app.goto("vanishing_gradients")
    app.assert_healthy()
    page = app.page
    charts = page.locator('[data-testid="stPlotlyChart"]')
    expect(charts).to_have_count(3, timeout=10_000)  # the measured charts
    assert page.get_by_text("9.54×10⁻⁷").count() == 0  # 0.25^10 = 1/1048576 waits for its question
    commit_answer(app, "vg_q_bound", "about 10⁻⁶")
    assert page.get_by_text("9.54×10⁻⁷").count() >= 1  # stated from the core
    expect(charts).to_have_count(4, timeout=10_000)  # and the slope products against n
    depth = _slider(page, "Depth (layers)")
    assert depth.input_value() == "20"
    depth.focus()
    depth.press("ArrowRight")
    app.wait_idle()
    app.assert_healthy()
    assert depth.input_value() == "21"
    assert "vg_depth=21" in page.url
    assert page.get_by_text("21 layers of 64 units", exact=False).count() == 1
    page.get_by_role("button", name="Reseed").click()
    app.wait_idle()
    app.assert_healthy()
    assert "vg_seed=" in page.url


def test_shared_link_shows_the_same_values(app):
    app.goto("vanishing_gradients?vg_act=leaky_relu&vg_leaky_relu_alpha=0.2&vg_init=normal"
             "&vg_scale=0.5&vg_depth=7&vg_width=32&vg_seed=123&vg_compare=0")
    app.assert_healthy()
    page = app.page
    assert _slider(page, "Depth (layers)").input_value() == "7"
    assert _slider(page, "Width (units per layer)").get_attribute("aria-valuetext") == "32"
    assert _slider(page, "Plain normal std σ (log scale)").get_attribute("aria-valuetext") == "0.5"
    assert _slider(page, "Leaky ReLU: alpha (negative slope)").input_value() == "0.2"
    assert page.get_by_label("Random seed", exact=True).input_value() == "123"
    assert page.get_by_role("combobox", name="Activation").input_value() == "Leaky ReLU"
    assert page.get_by_role("combobox", name="Initialisation").input_value() == "Plain normal"
    compare = page.get_by_role("switch", name="Compare with ReLU + He and Sigmoid + Xavier")
    assert compare.is_checked() is False
    assert page.get_by_text("7 layers of 32 units, seed 123", exact=False).count() == 1
    assert not page.locator('[data-testid="stAlert"]').filter(has_text="could not be used").count()
