"""Presenter mode in the browser: text, answer options and buttons grow for a projector; inline
maths grows with its sentence, not beyond it."""

import pytest

from tests.e2e.harness import AppPage

pytestmark = pytest.mark.e2e

SIZES = """() => {
  const px = el => parseFloat(getComputedStyle(el).fontSize);
  const visible = selector => [...document.querySelectorAll(selector)].find(e => e.offsetParent !== null);
  const option = visible('[data-testid="stMain"] [data-testid="stRadioOption"] p');  // a question's answers
  const inline = visible('[data-testid="stMain"] p .katex');
  return {option: px(option), inline: px(inline), sentence: px(inline.closest('p'))};
}"""


def _sizes(app) -> dict:
    for selector in ('[data-testid="stMain"] p .katex', '[data-testid="stMain"] [data-testid="stRadioOption"] p'):
        app.page.wait_for_selector(selector, state="attached")  # maths and questions draw after the script
    return app.page.evaluate(SIZES)


def test_presenter_mode_enlarges_text_and_options_but_keeps_inline_maths_in_proportion(app):
    app.goto("")
    normal = _sizes(app)
    app.goto("?present=1&hide=controls")
    big = _sizes(app)
    assert big["option"] >= 1.3 * normal["option"] and big["option"] >= 20  # legible from the back
    assert big["sentence"] >= 1.3 * normal["sentence"]
    assert big["inline"] / big["sentence"] == pytest.approx(normal["inline"] / normal["sentence"], rel=0.05)
    app.assert_healthy()


PROJECTOR = """() => {
  const px = el => el ? parseFloat(getComputedStyle(el).fontSize) : 0;
  const value = document.querySelector('[data-testid="stMetricValue"]');
  const label = document.querySelector('[data-testid="stMetricLabel"]');
  return {
    ticks: [...document.querySelectorAll('.xtick text, .ytick text')].map(px),
    legends: [...document.querySelectorAll('.legendtext')].map(px),
    metric: px(value && (value.querySelector('p') || value)), label: px(label && (label.querySelector('p') || label)),
    sidebar: document.querySelector('[data-testid="stSidebar"]').getBoundingClientRect().width,
  };
}"""


def test_presenter_mode_is_made_for_a_projector(browser, server):
    """1280x720: the sidebar folded away, chart ticks and legends at least 18 px, metric values at
    least twice their label; the students' link (without presenter mode) is in the sidebar. The
    teacher's reveal button works without an answer chosen."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    app = AppPage(context.new_page(), server.url)
    try:
        app.goto("vanishing_gradients?present=1")
        # the teacher reveals the first question (the class answered aloud): its chart of the
        # slope products, with a legend, appears
        app.page.locator("button:visible", has_text="Reveal the answer").first.click()
        app.wait_idle()
        app.page.wait_for_selector('[data-testid="stMain"] .legendtext', state="attached")
        sizes = app.page.evaluate(PROJECTOR)
        assert sizes["sidebar"] < 50, sizes["sidebar"]
        assert sizes["ticks"] and min(sizes["ticks"]) >= 18, sizes["ticks"]
        assert sizes["legends"] and min(sizes["legends"]) >= 18, sizes["legends"]
        assert sizes["metric"] >= 2 * sizes["label"] > 0, sizes
        app.page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button').first.click()
        link = app.page.locator('[data-testid="stSidebar"] [data-testid="stCode"]').inner_text()
        assert "vanishing_gradients" in link and "present" not in link
        app.assert_healthy()
    finally:
        context.close()
