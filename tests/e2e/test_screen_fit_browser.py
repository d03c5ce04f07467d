"""Every page on a projector and on a phone, measured in the browser by bounding boxes.

Projector (1280x720, presenter mode): every chart fits a screen, and once the teacher reveals an
answer, the question, its verdict and the chart that follows it fit on one screen together. Phone (390x844): no sideways scroll of the page, every
chart at least 300 px wide, and no Plotly toolbar over a legend.
"""

import pytest

from tests.e2e.harness import AppPage

pytestmark = pytest.mark.e2e

PAGES = ["why_nonlinearity", "curves", "choosing", "softmax_temperature", "vanishing_gradients"]
DEFAULT_PAGE = "why_nonlinearity"  # served at the root: /why_nonlinearity is "page not found"


def _path(page: str) -> str:
    return "" if page == DEFAULT_PAGE else page
TOP_BAR = 60  # px: Streamlit's header strip (the sidebar arrow and the menu) covers the top

SECTIONS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const marks = [...main.querySelectorAll('h1, h2, [data-testid="stRadio"], [data-testid="stMarkdownContainer"], [data-testid="stPlotlyChart"]')]
    .filter(e => e.offsetParent !== null && !(e.matches('[data-testid="stMarkdownContainer"]') && e.closest('[data-testid="stRadio"]')));
  const box = e => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, height: r.height}; };
  const sections = [];
  for (const e of marks) {
    if (e.matches('h1, h2')) { sections.push({heading: e.textContent.trim(), top: box(e).top, questions: [], charts: []}); continue; }
    if (!sections.length) continue;
    if (e.matches('[data-testid="stPlotlyChart"]')) { sections.at(-1).charts.push(box(e)); continue; }
    if (e.textContent.startsWith('Predict:'))  // the prompt with its options, or alone once revealed
      sections.at(-1).questions.push(box(e.closest('[data-testid="stVerticalBlock"]')));
  }
  return sections;
}"""


def question_to_chart_spans(section: dict) -> list[float]:
    """For each question with a chart below it (and no other question in between): the height
    from the question's top to that chart's bottom, the verdict and the answer's text included."""
    spans = []
    for q in section["questions"]:
        below = [c for c in section["charts"] if c["top"] >= q["bottom"] - 1]
        if not below:
            continue
        chart = min(below, key=lambda c: c["top"])
        if not any(q["bottom"] <= other["top"] < chart["top"] for other in section["questions"]):
            spans.append(chart["bottom"] - q["top"])
    return spans


REVEAL_ONE = """() => {
  const button = [...document.querySelectorAll('[data-testid="stMain"] button')].find(
    b => b.textContent.trim() === 'Reveal the answer' && b.offsetParent !== null && !b.closest('[inert]'));
  if (button) button.click();
  return Boolean(button);
}"""


def _reveal_every_question(app: AppPage) -> int:
    """The teacher presses each "Reveal the answer" in turn; returns how many there were."""
    count = 0
    while count < 12 and app.page.evaluate(REVEAL_ONE):
        app.wait_idle()
        count += 1
    return count


@pytest.mark.parametrize("page", PAGES)
def test_each_presented_section_fits_one_projector_screen(browser, server, page):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    app = AppPage(context.new_page(), server.url)
    try:
        app.goto(f"{_path(page)}?present=1")
        app.page.wait_for_selector('[data-testid="stMain"] [data-testid="stRadio"]', state="attached")
        assert _reveal_every_question(app) >= 2
        spans = []
        for section in app.page.evaluate(SECTIONS):
            for chart in section["charts"]:
                assert chart["height"] <= 720 - TOP_BAR, (section["heading"], chart)
            spans += [(section["heading"], span) for span in question_to_chart_spans(section)]
        assert spans and all(span <= 720 - TOP_BAR for _, span in spans), spans
        app.assert_healthy()
    finally:
        context.close()


PHONE = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const charts = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(e => e.offsetParent !== null);
  const bars = [...main.querySelectorAll('.modebar-container')];
  return {
    pageWidth: document.documentElement.scrollWidth, mainScroll: main.scrollWidth - main.clientWidth,
    charts: charts.map(e => e.getBoundingClientRect().width),
    toolbarsShown: bars.filter(e => getComputedStyle(e).display !== 'none').length,
  };
}"""


@pytest.mark.parametrize("page", PAGES + ["dead_neurons_lab", "your_activation"])
def test_a_phone_shows_every_page_without_sideways_scroll_or_covered_legends(browser, server, page):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    app = AppPage(context.new_page(), server.url)
    try:
        app.goto(_path(page))
        app.page.wait_for_selector('[data-testid="stMain"] [data-testid="stPlotlyChart"], .run canvas')
        charts = app.page.locator('[data-testid="stMain"] [data-testid="stPlotlyChart"]')
        if charts.count():  # a tap shows Plotly's toolbar where it is allowed
            charts.first.tap(position={"x": 150, "y": 100})
        found = app.page.evaluate(PHONE)
        assert found["pageWidth"] <= 390 and found["mainScroll"] <= 0, found
        assert all(width >= 300 for width in found["charts"]), found["charts"]
        assert found["toolbarsShown"] == 0, found
        app.assert_healthy()
    finally:
        context.close()
