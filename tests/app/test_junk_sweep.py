"""Bad input everywhere (issue #8): junk in every URL parameter and every text box of every page.

Nothing is listed by hand: the pages are app_pages/*.py, the URL parameters are those ui/state.py's
``bind_url`` records as bound in a run, and the text boxes are the ones the page draws. Each sweep
opens its page RUNS times with *every* bound parameter carrying junk at once, parameter k taking
junk[(r + k) % len(junk)] in run r, so every (parameter, junk) pair is tried.

A second sweep puts a valid but hostile formula with a parameter ``a`` in the link: the pages then
bind the formula's own slider (e.g. cv_custom_a), which gets the junk, while every choice that
gained the formula selects it, so the page draws the hostile formula.
"""

from __future__ import annotations

import functools
import math

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import ROOT, open_page
from ui.catalog import ARRIVAL_FORMULA, FORMULA
from ui.state import _BOUND_THIS_RUN, UrlParam

PAGES = sorted(p.stem for p in (ROOT / "app_pages").glob("*.py"))
COMMON_JUNK = ("NaN", "nan", "inf", "-inf", "1e309", "-1e309", "", "   ", "x" * 5000,
               "💥", "ẞ", "\u202e12", "0x10", "1,5", "--1", "None", "[]", "%00", "\x00", "9" * 400,
               "![x](http://a.b)")  # a link in a notice must stay text
FORMULA_ATTACKS = ("__import__('os').system('x')", "9**9**9", "exp(exp(exp(20)))", "(-2)**0.5",
                   "x" * 10000)
# Formulas that parse, use a, and evaluate to inf, NaN, 0/0, overflow or a constant somewhere.
HOSTILE_FORMULAS = ("x * sigmoid(a * x)", "exp(exp(exp(20))) + a * x", "(-2)**0.5 + a * x", "a / x",
                    "log(a * x)", "sqrt(a * x)", "a * exp(1000 * x)", "a * x**-10", "a * x / 0", "a",
                    "exp(exp(a * x))")
MAX_EXTRA = 6  # kind-specific junk per parameter, at most
RUNS = len(COMMON_JUNK) + MAX_EXTRA


def _number_junk(p: UrlParam) -> list:
    """Just outside each bound, exactly on it, a fraction for an int, and a repeated key."""
    if p.kind == "int":
        extra = [p.lo - 1, p.hi + 1, p.lo, p.hi, p.lo + 0.5]
    else:
        extra = [math.nextafter(p.lo, -math.inf), math.nextafter(p.hi, math.inf), p.lo, p.hi]
    return [repr(v) for v in extra] + [[p.encode(p.default)] * 2]


def junk_for(p: UrlParam) -> list:
    """The junk one parameter is fed: the common list plus values aimed at its kind and bounds."""
    if p.kind in ("float", "int"):
        extra = _number_junk(p)
    elif p.kind == "bool":
        extra = ["2", "yes please", ["1", "0"]]
    elif p.kind == "choice":
        extra = [p.options[0] + "_x", p.options[-1], list(p.options[:2])]
    elif p.kind == "choices":
        extra = [",".join(p.options) + ",bogus", ",", ",".join(p.options), [p.options[0]] * 2]
    else:
        extra = ["x" * (p.max_len + 1), *FORMULA_ATTACKS[:-1], ["a", "b"]]
    assert len(extra) <= MAX_EXTRA, p
    return list(COMMON_JUNK) + extra


@functools.lru_cache(maxsize=None)
def bound_params(page: str, formula: bool) -> dict[str, UrlParam]:
    """The URL parameters the page binds when opened plainly (or with a formula using a)."""
    query = {FORMULA.key: HOSTILE_FORMULAS[0]} if formula else None
    return dict(open_page(page, query).session_state[_BOUND_THIS_RUN])


def formula_picks(page: str) -> dict[str, str]:
    """URL values selecting the formula in every choice that gains it once a formula is in the link."""
    plain, with_formula = bound_params(page, False), bound_params(page, True)
    picks = {}
    for key, p in with_formula.items():
        new = [o for o in p.options if key in plain and o not in plain[key].options]
        if new:
            picks[key] = new[0] if p.kind == "choice" else p.encode(list(p.default) + new)
    return picks


def is_valid(p: UrlParam, raw) -> bool:
    try:
        p.parse(raw if isinstance(raw, list) else [raw])
    except ValueError:
        return False
    return True


def open_with(page: str, query: dict) -> AppTest:
    """The page opened from a link with ``query`` (lists repeat the key); exceptions are kept."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(query)
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


def assert_page_drawn(at: AppTest, what: str) -> None:
    assert not at.exception, (what, [e.message for e in at.exception])
    assert at.title and at.title[0].value, (what, "no page title")


@pytest.mark.parametrize("r", range(RUNS))
@pytest.mark.parametrize("page, formula", [(p, f) for p in PAGES for f in (False, True)],
                         ids=lambda v: {True: "formula", False: "plain"}.get(v, v))
def test_url_junk(page, formula, r):
    params = bound_params(page, formula)
    fixed = {}
    if formula:
        revealed = set(params) - set(bound_params(page, False))
        if not revealed:
            pytest.skip("a formula binds nothing more on this page")
        if r >= max(len(junk_for(params[k])) for k in revealed):
            pytest.skip("every junk value has reached the parameters the formula binds")
        fixed = {FORMULA.key: HOSTILE_FORMULAS[r % len(HOSTILE_FORMULAS)], **formula_picks(page)}
    targets = [p for key, p in params.items() if key not in fixed]
    query = {p.key: junk_for(p)[(r + k) % len(junk_for(p))] for k, p in enumerate(targets)}
    at = open_with(page, {**fixed, **query})
    what = f"{page} with ?{ {**fixed, **query}!r}"[:3000]
    assert_page_drawn(at, what)

    assert set(query) <= set(at.session_state[_BOUND_THIS_RUN]), ("junk sent to unbound parameters", what)
    for key, value in fixed.items():
        assert at.session_state[key] == params[key].parse([value]), (key, "not taken from the link", what)
    notice = "\n".join(i.value for i in at.info)
    assert "](" not in notice, ("junk became a markdown link", notice)
    for p in targets:
        if not is_valid(p, query[p.key]):
            assert f"`{p.key[:20]}" in notice, (p.key, repr(query[p.key])[:80], "no notice names it")
            # the default, or what the formula page puts in place of "no formula" on arrival
            expected = ARRIVAL_FORMULA if (page, p.key) == ("your_activation", FORMULA.key) else p.default
            assert at.session_state[p.key] == expected, (p.key, repr(query[p.key])[:80], "not the default")


@pytest.mark.parametrize("page", PAGES)
def test_text_box_junk(page):
    """Every junk value typed into every text box (then every primary button pressed, which is how
    a page applies typed text) leaves the page drawn, with no traceback."""
    at = open_page(page)
    boxes = [("text_input", w.key) for w in at.text_input] + [("text_area", w.key) for w in at.text_area]
    if not boxes:
        pytest.skip("no text boxes on this page")
    for kind, key in boxes:
        for value in COMMON_JUNK + FORMULA_ATTACKS + HOSTILE_FORMULAS:
            what = f"{page}: {key} = {value[:60]!r}"
            getattr(at, kind)(key=key).set_value(value).run()
            assert_page_drawn(at, what)
            for button in [b for b in at.button if b.proto.type == "primary"]:
                button.click().run()
                assert_page_drawn(at, f"{what}, then '{button.label}'")
