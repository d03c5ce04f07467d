"""Presenter mode in the browser: text, answer options and buttons grow for a projector; inline
maths grows with its sentence, not beyond it."""

import pytest

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
