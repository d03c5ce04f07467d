"""The landing page and the choosing page in headless Chromium: widgets move, shared links restore,
and what answers a question shows once the question is answered."""

import re

import pytest
from playwright.sync_api import expect

from activations_core import ACTIVATIONS
from activations_core import nonlinearity as nl
from tests.core.references import exact_kinks
from tests.e2e.harness import commit_answer

pytestmark = pytest.mark.e2e


def test_landing_page_layers_slider_by_keyboard_and_kinks_after_the_questions(app):
    app.goto("")
    app.assert_healthy()
    page = app.page
    expect(page.get_by_role("heading", name="Why non-linearity?")).to_be_visible()
    thumb = page.locator('[data-testid="stSlider"] input[type="range"]').first
    expect(thumb).to_have_value("3")
    thumb.focus()
    thumb.press("ArrowRight")
    app.wait_idle()
    app.assert_healthy()
    expect(thumb).to_have_value("4")
    expect(page).to_have_url(re.compile(r"nl_layers=4"))
    charts = page.locator(".js-plotly-plot")
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Kinks with ReLU")
    expect(charts).to_have_count(1)  # the bent curve; what answers the questions waits for them
    expect(metric).to_have_count(0)
    kinks = exact_kinks(nl.scalar_network(4, 8, 6), ACTIVATIONS["relu"])
    commit_answer(app, "nl_q_neurons", "exactly 32")
    expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text(str(kinks))
    commit_answer(app, "nl_q_depth", "the same number")
    expect(charts).to_have_count(2)  # kinks against depth
    commit_answer(app, "nl_q_line", "a smooth curve")
    expect(charts).to_have_count(3)  # and the straight line without an activation
    expect(page.get_by_text("Not quite: the answer is a straight line")).to_be_visible()


def test_choosing_page_histogram_select_and_cost_chart_after_its_question(app):
    app.goto("choosing")
    app.assert_healthy()
    page = app.page
    expect(page.get_by_role("heading", name="Outputs of ReLU for standard-normal inputs")).to_be_visible()
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Histogram of outputs for").click()
    page.get_by_role("option", name="Tanh", exact=True).click()
    app.wait_idle()
    app.assert_healthy()
    expect(page).to_have_url(re.compile(r"ch_hist=tanh"))
    expect(page.get_by_role("heading", name="Outputs of Tanh for standard-normal inputs")).to_be_visible()
    charts = page.locator(".js-plotly-plot")
    expect(charts).to_have_count(1)  # the histogram; the cost chart waits for its question
    commit_answer(app, "ch_q_speed", "ReLU")
    expect(charts).to_have_count(2)


def test_shared_links_show_the_same_values(app):
    app.goto("?nl_layers=7&nl_seed=4242&nl_act=tanh&nl_size=3")
    app.assert_healthy()
    page = app.page
    expect(page.locator('[data-testid="stSlider"] input[type="range"]').first).to_have_value("7")
    expect(page.get_by_label("Random seed", exact=True)).to_have_value("4242")
    expect(page.get_by_role("combobox", name="Activation between the layers")).to_have_value("Tanh")
    expect(page.get_by_role("radio", name="3×3")).to_be_checked()
    assert not page.locator('[data-testid="stAlert"]').filter(has_text="could not be used").count()

    app.goto("choosing?ch_hist=elu&ch_task=dying&ch_acts=relu,leaky_relu")
    app.assert_healthy()
    expect(page.get_by_role("combobox", name="Histogram of outputs for")).to_have_value("ELU")
    expect(page.get_by_role("combobox", name="What is the activation for?")).to_have_value(
        "My ReLU units are dying")
    expect(page.get_by_role("heading", name="Outputs of ELU for standard-normal inputs")).to_be_visible()
    assert not page.locator('[data-testid="stAlert"]').filter(has_text="could not be used").count()
    app.assert_healthy()
