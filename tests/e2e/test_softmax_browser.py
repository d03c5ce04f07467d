"""The softmax temperature page in headless Chromium: the T slider by keyboard, bad logits keep the
charts, a preset shows the overflow, a shared link restores the view, and what answers a question
appears once it is answered."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import commit_answer

pytestmark = pytest.mark.e2e

LOGITS_LABEL = "Logits (2 to 10 numbers, separated by commas)"
NAMES_LABEL = "Class names (optional, one per logit)"
THUMB = '[data-testid="stSlider"] input[type="range"]'


def _expect_charts(app, count: int) -> None:
    """Plotly draws after the script finishes: wait (up to 10 s) for every chart to appear."""
    expect(app.page.locator('[data-testid="stPlotlyChart"]')).to_have_count(count, timeout=10_000)


def test_each_answer_appears_once_its_question_is_answered(app):
    """The T = 0.01 and T = 100 numbers and the chart of probability against T wait for the two
    limit questions; the naive and stable formulas wait for the shift question."""
    app.goto("softmax_temperature")
    app.assert_healthy()
    page = app.page
    _expect_charts(app, 2)  # the bars and the Jacobian
    expect(page.get_by_text("for the runner-up")).to_have_count(0)
    expect(page.get_by_text("Naive formula", exact=True)).to_have_count(0)
    commit_answer(app, "sm_q_cold", "One-hot: all of it on the largest logit")
    expect(page.get_by_text("for the runner-up")).to_have_count(1)
    _expect_charts(app, 2)  # the chart answers both limit questions
    commit_answer(app, "sm_q_entropy", "log n: the entropy of uniform probabilities")
    _expect_charts(app, 3)
    commit_answer(app, "sm_q_shift", "No: they stay the same")
    expect(page.get_by_text("Naive formula", exact=True)).to_have_count(1)
    expect(page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="Right")).to_have_count(3)


def test_slider_keyboard_bad_logits_and_a_preset(app):
    app.goto("softmax_temperature")
    app.assert_healthy()
    _expect_charts(app, 2)
    thumb = app.page.locator(THUMB).first
    expect(thumb).to_have_attribute("aria-valuetext", "1")
    thumb.focus()
    thumb.press("ArrowRight")
    expect(app.page).to_have_url(re.compile(r"sm_t=1\.2"))
    app.wait_idle()
    app.assert_healthy()
    expect(thumb).to_have_attribute("aria-valuetext", "1.2")

    box = app.page.get_by_role("textbox", name=LOGITS_LABEL)
    box.fill("1,,2")
    box.press("Enter")
    error = app.page.locator('[data-testid="stAlertContentError"]')
    expect(error).to_contain_text("empty entry")
    app.wait_idle()
    app.assert_healthy()
    expect(error).to_have_count(1)
    expect(error).to_contain_text("last good logits, 2.0, 1.0, 0.1")
    _expect_charts(app, 2)  # the charts stay, showing the last good logits
    assert "sm_logits" not in app.page.url  # the link keeps the last good (default) logits

    commit_answer(app, "sm_q_shift", "No: they stay the same")  # the naive and stable formulas appear
    app.page.get_by_role("button", name="Huge logits").click()
    expect(app.page).to_have_url(re.compile("sm_logits=1000"))
    app.wait_idle()
    app.assert_healthy()
    expect(box).to_have_value("1000, 1001, 1002")
    expect(error).to_have_count(0)
    warning = app.page.locator('[data-testid="stAlertContentWarning"]')
    expect(warning).to_contain_text("e^(833.333) = inf")  # 1000 / 1.2 overflows
    expect(warning).to_contain_text("NaN")


def test_shared_link_shows_the_same_values(app):
    app.goto("softmax_temperature?sm_logits=3,1,-2&sm_names=yes,maybe,no&sm_t=0.25")
    app.assert_healthy()
    page = app.page
    expect(page.get_by_role("textbox", name=LOGITS_LABEL)).to_have_value("3,1,-2")
    expect(page.get_by_role("textbox", name=NAMES_LABEL)).to_have_value("yes,maybe,no")
    expect(page.locator(THUMB).first).to_have_attribute("aria-valuetext", "0.25")
    expect(page.locator('[data-testid="stMetricValue"]').nth(1)).to_have_text("yes")  # the argmax, named
    assert not page.locator('[data-testid="stAlert"]').filter(has_text="could not be used").count()
