"""The curves explorer in headless Chromium: a slider moves, a shared link restores the view."""

import math
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import commit_answer

pytestmark = pytest.mark.e2e


def test_slider_keyboard_and_tails_button(app):
    app.goto("curves")
    app.assert_healthy()
    thumb = app.page.locator('[data-testid="stSlider"] input[type="range"]').first
    expect(thumb).to_have_value("1")  # Swish beta, the default
    thumb.focus()
    thumb.press("ArrowRight")
    app.wait_idle()
    app.assert_healthy()
    expect(thumb).to_have_value("1.1")
    expect(app.page).to_have_url(re.compile(r"cv_swish_beta=1\.1"))
    app.page.get_by_role("button", name="Show the far tails").click()
    app.wait_idle()
    app.assert_healthy()
    commit_answer(app, "cv_q_tail", "Yes, exactly 0")  # the value waits for its question
    # sigma'(30) = e^-30 / (1 + e^-30)^2, stated to 4 digits
    expected = math.exp(-30) / (1 + math.exp(-30)) ** 2
    expect(app.page.get_by_text(f"σ'(30) = {expected:.3e}")).to_have_count(1)
    expect(app.page).to_have_url(re.compile(r"cv_xmin=-40\.0.*cv_log=1|cv_log=1.*cv_xmin=-40\.0"))


def test_shared_link_shows_the_same_values(app):
    app.goto("curves?cv_funcs=sigmoid,elu&cv_elu_alpha=2.5&cv_x0=3.5&cv_xmin=-10.0&cv_xmax=3.0")
    app.assert_healthy()
    page = app.page
    chooser = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Activations to overlay")
    chips = chooser.locator(".react-aria-ComboBox [data-tag]")
    expect(chips).to_have_count(2)
    assert [chips.nth(i).get_attribute("aria-label") for i in range(chips.count())] == ["Sigmoid", "ELU"]
    expect(page.get_by_role("slider", name="ELU: alpha (negative saturation)")).to_have_value("2.5")
    commit_answer(app, "cv_q_swish", "ReLU")  # the Swish section (and its slider) waits for its question
    expect(page.get_by_role("slider", name="Swish / SiLU: beta (gate sharpness)")).to_have_value("1")
    expect(page.get_by_label("Probe at x₀", exact=True)).to_have_value("3.5")
    expect(page.get_by_label("x from", exact=True)).to_have_value("-10")
    expect(page.get_by_label("x to", exact=True)).to_have_value("3")
    expect(page.get_by_text("Probe at x₀ = 3.5")).to_have_count(1)
    assert not page.locator('[data-testid="stAlert"]').filter(has_text="could not be used").count()
    app.assert_healthy()
