"""The lab's in-browser activations (ui/lab/activations.js) against the Python core, in headless Chromium.

The browser trainer must take the same SGD steps as the numpy one, so every f and f' of
ACTIVATIONS_JS has to agree with activations_core.functions to a few ulp, give the same limits
at +-inf, +-1e300 and NaN, and be exactly 0 where Python's is (dead-unit counting).

Arrays cross between Python and the page as base64 of little-endian float64 bytes, which is
exact and carries inf, NaN and -0.
"""

from __future__ import annotations


import numpy as np
import pytest

from activations_core import ACTIVATIONS
from activations_core.functions import minimum
from tests.e2e.harness import ROOT, float64_array, float64_text, module_tab

pytestmark = pytest.mark.e2e

SOURCE = ROOT / "ui" / "lab" / "activations.js"

# Every activation, with the slider ends and defaults of its parameter.
CASES = [
    ("sigmoid", {}), ("tanh", {}), ("relu", {}),
    ("leaky_relu", {"alpha": 0.0}), ("leaky_relu", {"alpha": 0.01}), ("leaky_relu", {"alpha": 0.3}),
    ("elu", {"alpha": 0.1}), ("elu", {"alpha": 1.0}), ("elu", {"alpha": 3.0}),
    ("gelu", {}), ("gelu_tanh", {}),
    ("swish", {"beta": 0.0}), ("swish", {"beta": 0.5}), ("swish", {"beta": 1.0}), ("swish", {"beta": 10.0}),
    ("softplus", {}), ("mish", {}), ("selu", {}),
]

# The port repeats Python's formulas, clips and operation order, so only the last bits of
# exp, expm1, log1p and tanh (V8's versus numpy's) differ: measured at most 6e-16 (3 ulp) over
# 500,000 random inputs. 2e-15 (9 ulp) leaves room for other numpy builds and still catches a
# constant off by 10 ulp; the trainers need 1e-14.
REL_TOL = 2e-15
# Subnormal results (below 2.2e-308: GELU under -37.5, e^x under -708) carry only an absolute
# last bit, 2^-1074 = 5e-324, and GELU' multiplies a subnormal e^(-x^2/2) by up to 40/sqrt(2 pi)
# = 16: measured at most 15 such ulp apart, so 32 of them (1.6e-322) is the bound there.
ABS_FLOOR = 32 * 2.0**-1074

# Runs in the page: decode the points, apply every case, return base64 of f and f'.
_RUN = """
({x, cases}) => {
  const {decode, encode} = window.FLOAT64;
  const z = decode(x);
  return cases.map(([name, params]) => {
    const out = new Float64Array(z.length), slope = new Float64Array(z.length);
    const valueOnly = new Float64Array(z.length);
    window.ACT[name].apply(z, out, slope, params);
    window.ACT[name].apply(z, valueOnly, null, params);  // without f' the values are the same
    return [encode(out), encode(slope), encode(valueOnly)];
  });
}
"""


@pytest.fixture(scope="module")
def activations_page(browser):
    """A blank tab with ACTIVATIONS_JS imported as an ES module into window.ACT."""
    tab = module_tab(browser, SOURCE.read_text(encoding="utf-8"))
    tab.evaluate("window.ACT = window.LAB.ACTIVATIONS_JS")
    yield tab
    tab.close()



def _run(page, x, cases):
    """[(f, f', f with slope=null)] per case, computed in the page."""
    results = page.evaluate(_RUN, {"x": float64_text(x), "cases": [[n, p] for n, p in cases]})
    return [tuple(float64_array(r) for r in triple) for triple in results]


def _grid() -> np.ndarray:
    """About 5,000 inputs: a dense grid on [-40, 40], |x| from 1e-300 to 1e3 of both signs,
    the kernels' branch points and the specials."""
    magnitudes = np.logspace(-300, 3, 900)
    branch_points = [-1000.0, -709.0, -37.5, -30.0, -2.0, -1.5, -1.0, -0.625, -0.5, 0.5, 1.0, 1.5, 2.0,
                     10.0, 30.0, 354.0]
    specials = [0.0, -0.0, np.inf, -np.inf, 1e300, -1e300, np.nan]
    return np.concatenate([np.linspace(-40.0, 40.0, 3201), magnitudes, -magnitudes, branch_points, specials])


def _mismatches(x, ref, got, rel_tol, abs_tol=ABS_FLOOR):
    """(problems, worst relative error) of got against Python's ref."""
    problems = []
    nan = np.isnan(ref)
    if not np.array_equal(nan, np.isnan(got)):
        problems.append(f"NaN differs at x = {x[nan != np.isnan(got)][:5]}")
    exact = ~nan & (np.isinf(ref) | (ref == 0) | np.isinf(got) | (got == 0))
    wrong = exact & (got != ref)
    if wrong.any():
        problems.append(f"limits or exact zeros differ at x = {x[wrong][:5]}: python {ref[wrong][:5]}, js {got[wrong][:5]}")
    rest = ~nan & ~exact & ~np.isnan(got)
    error = np.abs(got[rest] - ref[rest])
    rel = error / np.abs(ref[rest])
    bad = (error > rel_tol * np.abs(ref[rest])) & (error > abs_tol)
    if bad.any():
        problems.append(f"{bad.sum()} points beyond tolerance, e.g. x = {x[rest][bad][:5]}, rel {rel[bad][:5]}")
    normal = np.abs(ref[rest]) >= np.finfo(np.float64).tiny
    worst = float(rel[normal].max()) if normal.any() else 0.0
    return problems, worst


def _label(name, params, which):
    args = ", ".join(f"{k}={v:g}" for k, v in params.items())
    return f"{name}({args}) {which}"


def test_browser_offers_the_same_activations_and_parameters(activations_page):
    page = activations_page
    offered = page.evaluate("Object.fromEntries(Object.entries(window.ACT).map(([k, v]) => [k, v.params]))")
    assert offered == {name: [p.name for p in act.params] for name, act in ACTIVATIONS.items()}
    # missing parameters take the Python defaults; out-of-range ones are refused
    assert page.evaluate("""() => {
        const z = new Float64Array([-2, 3]), a = new Float64Array(2), b = new Float64Array(2);
        window.ACT.leaky_relu.apply(z, a, null, {});
        window.ACT.leaky_relu.apply(z, b, null, {alpha: 0.01});
        return a[0] === b[0] && a[1] === b[1];
    }""")
    assert page.evaluate("""() => {
        try { window.ACT.leaky_relu.apply(new Float64Array(1), new Float64Array(1), null, {alpha: 2}); }
        catch (e) { return e instanceof RangeError; }
        return false;
    }""")


def test_browser_activations_match_the_core(activations_page):
    x = _grid()
    failures, worst = [], {}
    for (name, params), (out, slope, value_only) in zip(CASES, _run(activations_page, x, CASES)):
        act = ACTIVATIONS[name]
        for which, ref, got in (("f", act.fn(x, **params), out), ("f'", act.dfn(x, **params), slope)):
            problems, worst[_label(name, params, which)] = _mismatches(x, ref, got, REL_TOL)
            failures += [f"{_label(name, params, which)}: {p}" for p in problems]
        if not np.array_equal(out, value_only, equal_nan=True):
            failures.append(f"{_label(name, params, 'f')} changes when f' is not asked for")
    print("\nworst relative error, browser vs core:")
    for key, value in worst.items():
        print(f"  {key:32s} {value:.2e}")
    assert not failures, "\n".join(failures)


# Near a zero of f' (the minimum of GELU, Swish, Mish), f' is a sum of terms of size 0.1..1
# that cancel. V8's Math.exp and numpy's exp differ in the last bit for about 1 input in 10,
# and such a ~1e-17 difference in one term is then the whole difference in f': relative
# to a tiny f' it is unbounded (1e-11..1e-10 at 1e-6 from the zero, 1e-5 closer in), though both
# sides are as accurate as their exp. So the honest bound here is 2e-15 relative or 1e-16
# absolute (the last bit of those terms; seen: at most 3e-17). The grid test above meets 2e-15
# relative everywhere.
TURNING_POINT_CASES = [("gelu", {}), ("gelu_tanh", {}), ("swish", {"beta": 0.5}), ("swish", {"beta": 1.0}),
                       ("swish", {"beta": 10.0}), ("mish", {})]


def test_browser_slopes_match_the_core_at_the_minima(activations_page):
    offsets = np.concatenate([-np.logspace(-1, -12, 400), [0.0], np.logspace(-12, -1, 400)])
    failures = []
    for name, params in TURNING_POINT_CASES:
        x = minimum(name, **params)[0] + offsets
        (_, slope, _), = _run(activations_page, x, [(name, params)])
        ref = ACTIVATIONS[name].dfn(x, **params)
        problems, _ = _mismatches(x, ref, slope, REL_TOL, abs_tol=1e-16)
        label = _label(name, params, "f'")
        failures += [f"{label}: {p}" for p in problems]
    assert not failures, "\n".join(failures)
