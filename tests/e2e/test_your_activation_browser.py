"""A shared link carries the student's formula: it is shown, differentiated and plotted."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_shared_formula_link_renders_formula_and_derivative(app):
    app.goto("your_activation?fx=x%20*%20sigmoid(a%20*%20x)&fx_a=2.0")
    expect(app.page.get_by_test_id("stTextInputField")).to_have_value("x * sigmoid(a * x)")
    expect(app.page.locator(".katex").nth(1)).to_be_visible()  # f and f' in LaTeX
    expect(app.page.locator('[data-testid="stPlotlyChart"]')).to_have_count(1)
    app.assert_healthy()
