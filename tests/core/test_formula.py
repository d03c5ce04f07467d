"""Typed formulas: same numbers as the built-ins, derivatives vs independent references,
clear rejections, and no input (random text, random trees, known attacks) does anything else."""

import ast
import json
import pickle
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activations_core import ACTIVATIONS, Activation
from activations_core.formula import (
    FUNCTIONS,
    MAX_LENGTH,
    CustomFormula,
    FormulaError,
    evaluate_with_report,
    limit_messages,
    parse_formula,
)
from tests.core.formula_grammar import grammar
from tests.core.references import KNOWN_LIMITS

REPO = Path(__file__).resolve().parents[2]


def close(actual, expected, rtol, atol=0.0):
    """|actual - expected| <= rtol |expected| + atol elementwise (NaN must match NaN)."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert np.array_equal(np.isnan(actual), np.isnan(expected))
    ok = np.isnan(expected) | (np.abs(actual - expected) <= rtol * np.abs(expected) + atol)
    worst = np.nanmax(np.abs(actual - expected) / (np.abs(expected) + atol + 1e-300))
    assert ok.all(), f"worst relative error {worst:.3g}"


# ------------------------------------------------------------------ the same numbers as built-ins

X20 = np.linspace(-20.0, 20.0, 4001)


@pytest.mark.parametrize(
    "text, name, params",
    [
        ("x * tanh(log(1 + exp(x)))", "mish", {}),
        ("x * tanh(softplus(x))", "mish", {}),
        ("x * sigmoid(x)", "swish", {}),
        ("x / (1 + exp(-x))", "swish", {}),
        ("1 / (1 + exp(-x))", "sigmoid", {}),
        ("log(1 + exp(x))", "softplus", {}),
        ("tanh(x)", "tanh", {}),
    ],
)
def test_formula_matches_builtin_values_and_derivatives(text, name, params):
    formula, act = parse_formula(text), ACTIVATIONS[name]
    close(formula.fn(X20), act(X20, **params), rtol=1e-12)
    # f' crosses zero for mish/swish: allow an absolute error at the level of its terms' rounding
    close(formula.dfn(X20), act.derivative(X20, **params), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.3])
def test_leaky_relu_from_max_min_matches_builtin_away_from_zero(alpha):
    formula = parse_formula("max(0, x) + a * min(0, x)")
    x = X20[X20 != 0]
    close(formula.fn(x, a=alpha), ACTIVATIONS["leaky_relu"](x, alpha=alpha), rtol=1e-15)
    close(formula.dfn(x, a=alpha), ACTIVATIONS["leaky_relu"].derivative(x, alpha=alpha), rtol=1e-15)


def test_kinks_follow_relu_convention():
    """d/dx max(0, x) at 0 is 0, as relu'(0) = 0 in PyTorch; at a tie both brackets are 0."""
    assert parse_formula("max(0, x)").dfn(0.0) == 0.0
    assert parse_formula("relu(x)").dfn(0.0) == ACTIVATIONS["relu"].derivative(0.0) == 0.0
    assert parse_formula("max(0, x) + a * min(0, x)").dfn(0.0, a=0.2) == 0.0
    assert parse_formula("abs(x)").dfn(0.0) == 0.0


def test_derivative_keeps_relative_accuracy_in_the_tails():
    """sigma'(40) ~ 4.25e-18 from the naive formula: the log-axis plot must not show 0 or noise."""
    formula = parse_formula("1 / (1 + exp(-x))")
    x = np.array([-700.0, -40.0, 40.0, 700.0])
    expected = [float(mpmath.exp(-abs(t)) / (1 + mpmath.exp(-abs(t))) ** 2) for t in x]
    close(formula.dfn(x), expected, rtol=1e-13)


MPMATH_CASES = [
    ("erf(x) * x", lambda t: mpmath.erf(t) * t),
    ("log1p(x**2) - sqrt(1 + x**2)", lambda t: mpmath.log(1 + t**2) - mpmath.sqrt(1 + t**2)),
    ("sinh(x) / cosh(x)**2 + cos(3*x)*sin(x)", lambda t: mpmath.sinh(t) / mpmath.cosh(t) ** 2 + mpmath.cos(3 * t) * mpmath.sin(t)),
    ("expm1(a*x) / (1 + x**2)**1.5", lambda t: mpmath.expm1(0.7 * t) / (1 + t**2) ** mpmath.mpf(1.5)),
    ("x * softplus(-x) - pi * e**2 * x", lambda t: t * mpmath.log(1 + mpmath.exp(-t)) - mpmath.pi * mpmath.e**2 * t),
]


@pytest.mark.parametrize("text, reference", MPMATH_CASES)
def test_values_and_derivatives_match_mpmath(text, reference):
    mpmath.mp.dps = 40
    formula = parse_formula(text)
    x = np.array([-7.5, -2.25, -0.4, 0.3, 1.7, 6.0])
    f_ref = [float(reference(mpmath.mpf(t))) for t in x]
    df_ref = [float(mpmath.diff(reference, mpmath.mpf(t))) for t in x]
    close(formula.fn(x, a=0.7), f_ref, rtol=1e-12, atol=1e-15)
    close(formula.dfn(x, a=0.7), df_ref, rtol=1e-12, atol=1e-15)


FD_CASES = [
    "x * tanh(log(1 + exp(x)))", "max(x, a*x**2) - min(sin(x), cos(x))", "sigmoid(a*x) * x**3 / (1 + x**2)",
    "sqrt(1 + x**2)**-1 + abs(x)**0.5", "erf(x / sqrt(2)) * exp(-x**2 / 2)", "relu(x - 1)**2 + softplus(x)*a",
    "log(1 + x**2) * tanh(sinh(x / 4))", "(x**2 + 1)**(1/3) - expm1(-abs(x))", "x^2 / 2 - a*x",
]


@pytest.mark.parametrize("text", FD_CASES)
def test_derivative_matches_central_difference(text):
    formula = parse_formula(text)
    x = np.linspace(-4.3, 4.1, 37)
    h = 1e-6 * (1 + np.abs(x))
    fd = (formula.fn(x + h, a=0.6) - formula.fn(x - h, a=0.6)) / (2 * h)
    d = formula.dfn(x, a=0.6)
    straddles_kink = np.abs(formula.dfn(x + h, a=0.6) - formula.dfn(x - h, a=0.6)) > 1e-3 * (1 + np.abs(d))
    smooth = ~straddles_kink  # a finite difference across a kink is meaningless
    assert smooth.sum() > 30
    np.testing.assert_allclose(d[smooth], fd[smooth], rtol=1e-6, atol=1e-6)


# ----------------------------------------------------------------- shapes, activation, pickling


def test_shapes_scalars_and_nan_follow_the_activation_contract():
    formula = parse_formula("sqrt(x) + a")
    assert isinstance(formula.fn(4.0, a=1.0), np.float64) and formula.fn(4.0, a=1.0) == 3.0
    grid = np.linspace(-1, 1, 6).reshape(2, 3)
    assert formula.fn(grid).shape == (2, 3) and formula.dfn(grid).shape == (2, 3)
    assert np.isnan(formula.dfn(-1.0))  # f' is undefined where f is
    assert np.isnan(formula.fn(np.nan))
    with pytest.raises(TypeError):
        formula.fn(1.0, alpha=2.0)


def test_to_activation_behaves_like_a_builtin():
    act = parse_formula("x * sigmoid(a * x)").to_activation("My swish", a_default=1.5, a_min=0.0, a_max=4.0)
    assert isinstance(act, Activation) and act.display_name == "My swish"
    assert [(p.name, p.default, p.min, p.max) for p in act.params] == [("a", 1.5, 0.0, 4.0)]
    x = np.linspace(-6, 6, 13)
    close(act(x), ACTIVATIONS["swish"](x, beta=1.5), rtol=1e-13)
    close(act.derivative(x, a=0.5), ACTIVATIONS["swish"].derivative(x, beta=0.5), rtol=1e-12, atol=1e-15)
    assert act.latex.startswith("f(x) = ") and act.derivative_latex.startswith("f'(x) = ")
    assert parse_formula("tanh(x)").to_activation().params == ()


def test_custom_parameter_name_and_latex():
    formula = parse_formula("max(alpha * x, x)", param_name="alpha")
    assert formula.uses_param and formula.fn(-2.0, alpha=0.25) == -0.5
    assert r"\alpha" in formula.latex
    with pytest.raises(FormulaError):
        parse_formula("x", param_name="exp")


def test_latex_is_readable():
    assert parse_formula("x * tanh(log(1 + exp(x)))").latex == r"x \tanh\left(\ln\left(1 + e^{x}\right)\right)"
    assert parse_formula("x/(1+exp(-x))").latex == r"\frac{x}{1 + e^{- x}}"
    assert parse_formula("max(0, x) + a * min(0, x)").derivative_latex == r"a \left[x < 0\right] + \left[x > 0\right]"
    assert parse_formula("2*x - (x - 1)").latex == r"2 x - \left(x - 1\right)"
    assert parse_formula("x^2").latex == "x^{2}"


def test_pickle_round_trip_keeps_values():
    """st.cache_data pickles return values; opaque constants must survive it."""
    formula = parse_formula("exp(sqrt(2)) * x + a * log(3)")
    copy = pickle.loads(pickle.dumps(formula))
    x = np.linspace(-2, 2, 9)
    np.testing.assert_array_equal(copy.fn(x, a=0.5), formula.fn(x, a=0.5))
    np.testing.assert_array_equal(copy.dfn(x, a=0.5), formula.dfn(x, a=0.5))


# ---------------------------------------------------------------------- reports of NaN and inf


def test_report_names_where_and_why_values_are_undefined():
    x = np.linspace(-2, 2, 401)
    y, dy, report = evaluate_with_report(parse_formula("log(x)"), x)
    assert np.isnan(y[x < 0]).all() and y[x == 0] == -np.inf and np.isfinite(y[x > 0]).all()
    messages = report.messages
    assert any("undefined (NaN) for x in [-2, -0.01]" in m and "log of a negative number" in m for m in messages)
    assert any("infinite at x = 0" in m and "log of zero" in m for m in messages)
    assert any(m.startswith("f'(x) is infinite at x = 0") and "division by zero" in m for m in messages)


def test_negative_base_to_fractional_power_is_nan_not_complex():
    y, dy, report = evaluate_with_report(parse_formula("(-2)**0.5 * x"), np.linspace(-1, 1, 5))
    assert y.dtype == np.float64 and np.isnan(y).all() and np.isnan(dy).all()
    assert report.messages == ("f(x) is undefined (NaN) everywhere (5 of 5 points): "
                               "square root of a negative number, while computing (-2) ** 0.5.",)
    y, _, report = evaluate_with_report(parse_formula("x**1.5"), np.array([-1.0, 4.0]))
    assert np.isnan(y[0]) and y[1] == 8.0 and "a negative number to a fractional power" in report.messages[0]


def test_overflow_is_reported_not_raised():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y, dy, report = evaluate_with_report(parse_formula("exp(x) * x"), np.array([1.0, 800.0, -800.0]))
    assert np.isfinite(y[0]) and y[1] == np.inf and y[2] == 0.0
    assert "overflow in exp" in report.messages[0] and "x = 800" in report.messages[0]


def test_nested_exponentials_of_constants_become_inf_quickly():
    formula = parse_formula("exp(exp(exp(20)))")
    y, dy, report = evaluate_with_report(formula, np.linspace(-1, 1, 3))
    assert (y == np.inf).all() and (dy == 0).all()
    assert "overflow in exp" in report.messages[0] and "everywhere" in report.messages[0]


def test_clean_formula_gives_an_empty_report():
    _, _, report = evaluate_with_report(parse_formula("x * sigmoid(x)"), np.linspace(-50, 50, 1001))
    assert report.ok and report.messages == ()


# --------------------------------------------------------------------------- clear rejections

REJECTIONS = [
    ("", "Type a formula"),
    ("   ", "Type a formula"),
    ("2x", "write 2*x"),
    ("x +", "ends too early"),
    ("(x", "never closed"),
    ("x)", "without a matching"),
    ("x y", "operator may be missing"),
    ("y * x", "Unknown name 'y'"),
    ("ln(x)", "did you mean log?"),
    ("tahn(x)", "did you mean tanh?"),
    ("exp * x", "The name exp is a function"),
    ("max(x)", "max takes 2 arguments, not 1"),
    ("tanh(x, 1)", "tanh takes 1 argument, not 2"),
    ("sigmoid(x=1)", "arguments plainly"),
    ("x**x", "fixed number"),
    ("2**x", "exp(x*log(2))"),
    ("x**11", "between -10 and 10"),
    ("x**(1/0)", "divides by zero"),
    ("x**2**3", "one number"),
    ("((x**2)**3)**2", "nested powers"),
    ("x // 2", "use / for division"),
    ("x % 2", "remainder"),
    ("x @ x", "@"),
    ("x < 1", "comparisons are not allowed"),
    ("x and 1", "Logic words"),
    ("x if x else 1", "Conditions (if ... else)"),
    ("x, 1", "Commas"),
    ("x.real", "Attributes"),
    ("f(x) = x", "right-hand side"),
    ("[x]", "round brackets"),
    ("1e7 * x", "at most 1,000,000"),
    ("1e400 * x", "at most 1,000,000"),
    ("1j * x", "Imaginary"),
    ("True * x", "True/False"),
    ("_x", "underscore"),
    ("x \u2212 1", "ASCII minus"),
    ("\u0445 + 1", "U+0445 CYRILLIC SMALL LETTER HA"),
    ("x" + "+x" * 100, "too long"),
    ("+".join(["x"] * 90), "too many parts"),
    ("tanh(" * 17 + "x" + ")" * 17, "nested too deeply"),
]


@pytest.mark.parametrize("text, fragment", REJECTIONS)
def test_rejections_say_what_is_wrong(text, fragment):
    with pytest.raises(FormulaError) as info:
        parse_formula(text)
    message = str(info.value)
    assert fragment in message, message
    assert message[0].isupper() and message.endswith(".") and "Traceback" not in message


def test_rejections_say_where():
    with pytest.raises(FormulaError, match=r"Unknown name 'y'.*\(at position 10\)"):
        parse_formula("sin(x) + y")
    with pytest.raises(FormulaError, match=r"at position 6"):  # the stray *
        parse_formula("x^2 +* 3")
    with pytest.raises(FormulaError, match=r"position 4"):  # the exponent x
        parse_formula("x**x")


def test_formula_error_is_a_value_error():
    assert issubclass(FormulaError, ValueError)


def test_caret_means_power():
    np.testing.assert_allclose(parse_formula("x^3 - 2^2*x").fn(2.0), 0.0)


# ------------------------------------------------------------------------------- fuzz (hypothesis)


def assert_parses_or_rejects(text):
    """The only outcomes: a working CustomFormula, or FormulaError with a message."""
    try:
        formula = parse_formula(text)
    except FormulaError as err:
        assert str(err) and "differentiated" not in str(err) and "Cannot evaluate" not in str(err)  # internal
        return
    assert isinstance(formula, CustomFormula) and formula.latex and formula.derivative_latex
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y, dy, report = evaluate_with_report(formula, np.linspace(-3, 3, 13), 0.5)
    assert y.shape == dy.shape == (13,) and y.dtype == dy.dtype == np.float64
    assert all(isinstance(m, str) for m in report.messages)


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text(max_size=MAX_LENGTH + 20))
def test_fuzz_random_text(text):
    assert_parses_or_rejects(text)


TOKENS = ["x", "a", "pi", "e", "0", "1", "2.5", "1e3", "1e-9", "999999", "(", ")", "(", ")", "+", "-", "*", "/",
          "**", "^", ",", " ", ".", "_", "y", "j", "**-", "**0.5", "//", *[f"{name}(" for name in FUNCTIONS]]


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=40))
def test_fuzz_token_strings(tokens):
    assert_parses_or_rejects("".join(tokens))


def _ast_trees():
    leaves = st.one_of(
        st.sampled_from(["x", "a", "pi", "e", "y", "os", "exp", "__import__", "_x", "open"]).map(
            lambda n: ast.Name(id=n, ctx=ast.Load())),
        st.one_of(st.integers(-10**8, 10**8), st.floats(allow_nan=False, allow_infinity=False, width=32),
                  st.sampled_from(["s", b"b", None, True, 1j, Ellipsis])).map(lambda v: ast.Constant(value=v)),
    )
    operators = st.sampled_from([ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.Pow, ast.FloorDiv, ast.Mod, ast.BitXor])
    names = st.sampled_from([*FUNCTIONS, "eval", "open", "getattr"])

    def compound(children):
        return st.one_of(
            st.builds(lambda l, o, r: ast.BinOp(l, o(), r), children, operators, children),
            st.builds(lambda o, v: ast.UnaryOp(o(), v), st.sampled_from([ast.USub, ast.UAdd, ast.Not, ast.Invert]), children),
            st.builds(lambda n, args: ast.Call(ast.Name(n, ast.Load()), args, []), names, st.lists(children, max_size=3)),
            st.builds(lambda v: ast.Attribute(v, "real", ast.Load()), children),
            st.builds(lambda v, i: ast.Subscript(v, i, ast.Load()), children, children),
            st.builds(lambda v: ast.Compare(v, [ast.Lt()], [v]), children),
            st.builds(lambda v: ast.Lambda(ast.arguments([], [], None, [], [], None, []), v), children),
            st.builds(lambda v: ast.Tuple([v, v], ast.Load()), children),
        )

    return st.recursive(leaves, compound, max_leaves=25)


def _formulas():
    """Mostly valid formulas (exercising SymPy and the evaluator), some over the caps."""
    numbers = st.one_of(st.integers(0, 2 * 10**6), st.floats(0, 2e6, allow_nan=False)).map(repr)
    leaves = st.one_of(st.sampled_from(["x", "x", "a", "pi", "e"]), numbers)
    exponents = st.one_of(st.sampled_from(["2", "3", "-1", "0.5", "(1/3)", "-2.5", "10", "11", "x"]),
                          st.floats(-12, 12, allow_nan=False).map(lambda v: f"({v!r})"))
    return grammar(leaves, exponents, max_leaves=30)


@FUZZ
@given(_formulas())
def test_fuzz_grammar_formulas(text):
    assert_parses_or_rejects(text)


@FUZZ
@given(_ast_trees())
def test_fuzz_random_syntax_trees(tree):
    try:
        text = ast.unparse(ast.fix_missing_locations(ast.Expression(tree)))
    except (ValueError, TypeError, AttributeError):  # some generated trees have no source form
        return
    assert_parses_or_rejects(text)


# ------------------------------------------------------------------- known attacks run nothing

ATTACKS = [
    "__import__('os').system('echo hi')",
    "().__class__.__bases__[0].__subclasses__()",
    "lambda: 1",
    "[x for x in ()]",
    "x.real",
    "x.__class__",
    "9**9**9**9",
    "((9**8)**8)**8",
    "'a'*10**9",
    "x" * 10_000,
    "(" * 1000 + "x" + ")" * 1000,
    "-" * 199 + "x",
    "exp(" * 60 + "x" + ")" * 60,
    "x**x",
    "x ** 10 ** 10",
    "2**1000000",
    "9" * 190,
    "open('f')",
    "eval('1')",
    "exec('import os')",
    "compile('1', '', 'eval')",
    "getattr(x, 'real')",
    "globals()",
    "__builtins__",
    "(x := 1)",
    "f'{x}'",
    "x[0]",
    "sin(x) or __import__('os')",
    "max(*x)",
    "x; import os",
    "x\nimport os",
    "\u0445 * 2",  # Cyrillic ha
    "\uff58 + 1",  # fullwidth x (NFKC would turn it into x)
    "e\u0445p(x)",
    "\u212fxp(x)",  # script e
    "\U0001d431",  # mathematical bold x
    "\u0435xp(x)",  # Cyrillic ie
]
ACCEPTED_ATTACKS = {
    "exp(exp(exp(20)))": "inf",  # allowed: numpy overflows to inf, SymPy never evaluates it
    "(-2)**0.5": "nan",
    "x**(-10) / 0": "inf",
}

_ATTACK_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    import numpy as np
    import activations_core.formula as F
    F.evaluate_with_report(F.parse_formula("x*tanh(log(1+exp(x))) + max(0, a*x) - sqrt(abs(x))**0.5 + erf(x)"),
                           np.linspace(-1, 1, 5), 0.5)  # warm up lazy imports
    events, recording = [], [False]
    def hook(name, args):
        if recording[0]:
            events.append([name, repr(args[0])[:300] if args else ""])
    sys.addaudithook(hook)
    results = []
    for text in json.load(sys.stdin):
        events.clear()
        recording[0] = True
        start = time.perf_counter()
        try:
            formula = F.parse_formula(text)
            y, dy, report = F.evaluate_with_report(formula, np.linspace(-5, 5, 101), 0.5)
            outcome = {"accepted": True, "y0": repr(float(y[0])), "messages": list(report.messages)}
        except F.FormulaError as err:
            outcome = {"accepted": False, "message": str(err)}
        except BaseException as err:
            outcome = {"accepted": False, "crash": repr(err)}
        outcome["seconds"] = time.perf_counter() - start
        recording[0] = False
        outcome["events"] = list(events)
        results.append(outcome)
    print(json.dumps(results))
    """
)


def test_known_attacks_are_rejected_and_run_nothing(tmp_path):
    """In a child process (a hang fails the test instead of freezing it), with an audit hook that
    records every exec, import, open, os.*, subprocess.* and compile during parsing."""
    texts = ATTACKS + list(ACCEPTED_ATTACKS)
    child = subprocess.run(
        [sys.executable, "-c", _ATTACK_SCRIPT], input=json.dumps(texts), capture_output=True, text=True,
        timeout=120, cwd=tmp_path, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert child.returncode == 0, child.stderr
    assert "hi" not in child.stdout.splitlines()  # `echo hi` never ran
    assert not any(tmp_path.iterdir())  # open('f') created nothing
    results = dict(zip(texts, json.loads(child.stdout)))
    for text, outcome in results.items():
        assert "crash" not in outcome, (text, outcome)
        for name, detail in outcome["events"]:
            assert name in ("compile", "builtins.id"), (text, name, detail)
            if name == "compile":  # only ast.parse of the formula itself
                assert detail == repr(text.strip().replace("^", "**").encode()), (text, detail)
        if text in ACCEPTED_ATTACKS:
            assert outcome["accepted"] and outcome["y0"] == ACCEPTED_ATTACKS[text], (text, outcome)
            assert outcome["messages"], text
        else:
            assert not outcome["accepted"] and outcome["message"], (text, outcome)
    print("slowest attack: %.3f s" % max(o["seconds"] for o in results.values()))


# Powers whose base is a product, quotient or power: SymPy's rule b^n (n b'/b) gave 0/0 = NaN
# wherever the base is 0 (issue #15). References: the derivative worked by hand, in mpmath.
_MP_SIGMOID = lambda t: 1 / (1 + mpmath.exp(-t))
POWER_CASES = {
    "(2*x)**2": lambda t, a: 8 * t,
    "(0.5*relu(x))**2": lambda t, a: 0.5 * t if t > 0 else mpmath.mpf(0),
    "(a*x)**2": lambda t, a: 2 * a**2 * t,
    "(x/2)**3 + x": lambda t, a: 3 * t**2 / 8 + 1,
    "(x**2)**2": lambda t, a: 4 * t**3,
    "(x*sigmoid(x))**2": lambda t, a: 2 * t * _MP_SIGMOID(t) * (_MP_SIGMOID(t) + t * _MP_SIGMOID(t) * _MP_SIGMOID(-t)),
}


@pytest.mark.parametrize("text", list(POWER_CASES))
def test_the_derivative_of_a_power_is_right_where_its_base_is_zero(text):
    formula = parse_formula(text)
    x = np.array([-800.0, -3.0, -1.0, -1e-300, 0.0, 1e-300, 0.5, 2.0])
    got = formula.dfn(x, a=1.5) if formula.uses_param else formula.dfn(x)
    expected = np.array([float(POWER_CASES[text](mpmath.mpf(float(t)), mpmath.mpf(1.5))) for t in x])
    assert np.all(np.isfinite(got)), (text, got)
    np.testing.assert_allclose(got, expected, rtol=1e-14, atol=1e-300)


# f' against a 50-digit central difference of f, for random formulas of the grammar (kinks
# included: relu, abs, max, min). The reference evaluates the test's own generated text with
# mpmath functions, independently of the SymPy tree and its derivative.
def _real(u):
    """u if it is real; mpmath's sqrt(-2.7) is complex, and abs would make it real again."""
    if not isinstance(u, (mpmath.mpf, int, float)):
        raise ValueError("not a real number")
    return u


_MP = {"exp": mpmath.exp, "log": mpmath.log, "log1p": mpmath.log1p, "expm1": mpmath.expm1,
       "sqrt": mpmath.sqrt, "abs": lambda u: abs(_real(u)), "tanh": mpmath.tanh, "sinh": mpmath.sinh, "cosh": mpmath.cosh,
       "sin": mpmath.sin, "cos": mpmath.cos, "sigmoid": lambda u: 1 / (1 + mpmath.exp(-u)),
       "softplus": lambda u: mpmath.log1p(mpmath.exp(u)), "erf": mpmath.erf,
       "relu": lambda u: max(u, 0), "max": max, "min": min, "pi": mpmath.pi, "e": mpmath.e}
DIFF_POINTS = (-2.7, -1.3, -0.45, 0.35, 1.1, 2.3)


def _smooth_formulas():
    """Small valid formulas with small numbers, whose f' a central difference can check."""
    return grammar(st.sampled_from(["x", "x", "x", "a", "2", "0.5", "3"]),
                    st.sampled_from(["2", "3", "-1", "0.5", "(1/3)", "-2"]), max_leaves=6)


class _Tie(Exception):
    """max or min met two equal arguments: there the app's rule (derivative 0 at a tie, as
    relu'(0) = 0) is a convention, and a tie over an interval (max(x, abs(x)) for x > 0) is a
    known limitation, so such points are not compared."""


def _no_tie(pick):
    def checked(u, v):
        if u == v:
            raise _Tie
        return pick(u, v)
    return checked


def _mp_value(text: str, t, a):
    """f(t) in 50-digit arithmetic from the generated text; None where it is undefined, complex or a tie."""
    names = {**_MP, "max": _no_tie(max), "min": _no_tie(min), "x": t, "a": a}
    try:
        value = eval(text, {"__builtins__": {}}, names)  # test-generated text only
    except (ZeroDivisionError, ValueError, OverflowError, TypeError, _Tie):
        return None
    return value if isinstance(value, mpmath.mpf) and mpmath.isfinite(value) else None


@settings(max_examples=220, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(_smooth_formulas())
def test_random_formulas_derivative_matches_a_50_digit_central_difference(text):
    try:
        formula = parse_formula(text)
    except FormulaError:
        return
    a = 0.8
    with mpmath.workdps(50):
        h = mpmath.mpf("1e-15")
        for point in DIFF_POINTS:
            t = mpmath.mpf(point)
            values = [_mp_value(text, t + k * h, mpmath.mpf(a)) for k in (-2, -1, 1, 2)]
            if any(v is None for v in values):
                continue
            left, right = (values[1] - values[0]) / h, (values[3] - values[2]) / h
            if abs(left - right) > mpmath.mpf("1e-8") * (1 + abs(left)):  # a kink next to the point
                continue
            reference = float((values[2] - values[1]) / (2 * h))
            got = float(formula.dfn(np.array([point]), a=a)[0]) if formula.uses_param else float(formula.dfn(np.array([point]))[0])
            if not np.isfinite(reference) or abs(reference) > 1e12:
                continue
            assert got == pytest.approx(reference, rel=1e-7, abs=1e-9), (text, point, got, reference)


@pytest.mark.parametrize("text, x, expected", [
    ("max(0,x) + min(0,a*expm1(x))", 1000.0, 1.0),  # ELU typed by hand: the inactive branch is e^1000
    ("max(0,x) + min(0,a*expm1(x))", -1000.0, 0.0),
    ("max(0.1*x, x)", -1e300, 0.1),
])
def test_an_inactive_branch_does_not_poison_the_derivative(text, x, expected):
    assert parse_formula(text).dfn(np.array([x]), a=1.0)[0] == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_a_constant_that_is_secretly_zero_is_zero():
    """(pi + e)^2 - pi^2 - 2 pi e - e^2 is exactly 0: x divided by it is undefined everywhere,
    not x times -7e13 (the rounding residue); e^2 - e e times x is 0, f' = 0, not '-e^2 + e^2'."""
    x = np.array([-1.0, 2.0])
    y, dy, report = evaluate_with_report(parse_formula("x/((pi+e)**2-pi**2-2*pi*e-e**2)"), x)
    assert not np.any(np.isfinite(y)) and not np.any(np.isfinite(dy))
    assert any("division by zero" in m for m in report.messages)
    zero = parse_formula("x*(e**2-e*e)")
    assert zero.derivative_latex == "0" and np.all(zero.fn(x) == 0) and np.all(zero.dfn(x) == 0)


def test_a_logistic_written_out_has_a_finite_slope_in_its_tails():
    """exp(x)/(1+exp(x)): f' = e^x/(1+e^x) - e^2x/(1+e^x)^2 was inf - inf = NaN at x = 1000; the
    evaluator now writes e^(m u) (1 + e^u)^-k as sigma(u)^m sigma(-u)^(k-m)."""
    f = parse_formula("exp(x)/(1+exp(x))")
    x = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    expected = [float(_MP_SIGMOID(mpmath.mpf(t)) * _MP_SIGMOID(-mpmath.mpf(t))) for t in x]
    # sigma - sigma^2 cancels near 1 for large x: absolutely accurate (1e-16), not relatively
    np.testing.assert_allclose(f.dfn(x), expected, rtol=1e-13, atol=2e-16)


def test_the_message_for_await_reads_as_a_sentence():
    with pytest.raises(FormulaError, match=r"^Python's 'await' and 'yield' are not allowed in a formula"):
        parse_formula("await x")


# ---------------------------------------------------------------------------- limits at +-inf
# f(+-inf) and f'(+-inf) are limits, as for the built-ins (issue #15: 25 of 37 formulas gave NaN at
# +-inf, x*sigmoid(x) at -inf among them). References: KNOWN_LIMITS in references.py.



def same_limit(got, expected) -> bool:
    """NaN for NaN, the same infinity, or within 1e-14 (the sign of a zero limit not asked)."""
    if np.isnan(expected) or np.isinf(expected):
        return bool(np.isnan(got)) if np.isnan(expected) else got == expected
    return bool(abs(got - expected) <= 1e-14 * max(1.0, abs(expected)))


@pytest.mark.parametrize("text", list(KNOWN_LIMITS))
def test_f_and_its_derivative_at_infinity_are_their_limits(text):
    formula = parse_formula(text)
    x = np.array([-np.inf, np.inf])
    got = (*formula.fn(x), *formula.dfn(x))
    assert all(same_limit(g, e) for g, e in zip(got, KNOWN_LIMITS[text])), (text, got)
    assert formula.fn(np.inf) == got[1] and formula.dfn(-np.inf) == got[2] or np.isnan(got[1]) or np.isnan(got[2])


@pytest.mark.parametrize("text, name", [("x * sigmoid(x)", "swish"), ("x * tanh(softplus(x))", "mish"),
                                        ("1 / (1 + exp(-x))", "sigmoid"), ("log(1 + exp(x))", "softplus"),
                                        ("tanh(x)", "tanh"), ("max(0, x)", "relu"),
                                        ("max(0, x) + min(0, expm1(x))", "elu"),
                                        ("x * (1 + erf(x / sqrt(2))) / 2", "gelu")])
def test_typed_twins_of_the_built_ins_agree_with_them_at_infinity(text, name):
    """Values and signs of zero as the built-ins give them (swish(-inf) = -0)."""
    x = np.array([-np.inf, np.inf])
    formula, act = parse_formula(text), ACTIVATIONS[name]
    for got, expected in ((formula.fn(x), act(x)), (formula.dfn(x), act.derivative(x))):
        np.testing.assert_array_equal(got, expected)
        assert np.array_equal(np.signbit(got), np.signbit(expected)) or name in ("elu", "mish"), (got, expected)


@pytest.mark.parametrize("text, end, true_limit", [
    ("x - sqrt(x**2 + x)", 1, -0.5),  # in float64 it is 0 beyond 2^52: rounding, not a limit
    ("1/(x - sqrt(x**2 + 1))", 1, -np.inf),  # x - sqrt(x**2 + 1) rounds to 0 beyond 1e8
    ("1e-13*sin(x)", 1, np.nan),
    ("x**(-10) / 0", 1, np.nan),
])
def test_a_limit_the_numbers_cannot_tell_is_nan_never_a_wrong_number(text, end, true_limit):
    got = parse_formula(text).fn(end * np.inf)
    assert np.isnan(got) or got == true_limit, got


def test_the_limits_are_said_in_words_and_a_missing_one_is_warned_about():
    summary, warnings = limit_messages(parse_formula("x*sigmoid(a*x)"), 1.0)
    assert summary == "Limits: as x → −∞, f(x) → 0 and f′(x) → 0; as x → +∞, f(x) → ∞ and f′(x) → 1."
    assert warnings == ()
    summary, warnings = limit_messages(parse_formula("x*sigmoid(a*x)"), -1.0)  # a < 0: the mirror image
    assert summary == "Limits: as x → −∞, f(x) → −∞ and f′(x) → 1; as x → +∞, f(x) → 0 and f′(x) → 0."
    summary, warnings = limit_messages(parse_formula("sqrt(x) * sin(x)"))
    assert summary == ""
    assert warnings[0].startswith("f(x) and f′(x) are undefined (NaN) at x = −∞: square root of a negative number")
    assert warnings[1].startswith("f(x) and f′(x) are undefined (NaN) at x = +∞: no limit as x → +∞ could be found")
    _, warnings = limit_messages(parse_formula("x + sin(x)"))
    assert [w[:40] for w in warnings] == ["f′(x) is undefined (NaN) at x = −∞: no l", "f′(x) is undefined (NaN) at x = +∞: no l"]
    assert limit_messages(parse_formula("(-2)**0.5 * x")) == ("", ())  # NaN everywhere: the plot's report says so


def test_the_report_names_why_a_value_at_infinity_is_missing():
    y, dy, report = evaluate_with_report(parse_formula("sqrt(x)"), np.array([-np.inf, 1.0, np.inf]))
    assert np.isnan(y[0]) and y[2] == np.inf and dy[2] == 0.0
    assert report.messages == ("f(x) is undefined (NaN) at x = -inf (1 of 3 points): square root of a negative "
                               "number for large negative x.",)  # +inf is a limit, not a problem


def _mp_sigmoid(u):
    return mpmath.exp(u) / (1 + mpmath.exp(u)) if u < 0 else 1 / (1 + mpmath.exp(-u))


class _Huge(Exception):
    """An exponential's argument beyond what mpmath computes quickly."""


def _mp_guarded(function, limit=1e30):
    def guarded(u):
        if abs(u) > limit:
            raise _Huge
        return function(u)
    return guarded


_MP_TAIL = {**{name: _mp_guarded(function, 1e300) for name, function in _MP.items() if callable(function)},
            "pi": mpmath.pi, "e": mpmath.e, "max": max, "min": min,  # sin(1e4000) would take minutes
            "exp": _mp_guarded(mpmath.exp), "expm1": _mp_guarded(mpmath.expm1), "sinh": _mp_guarded(mpmath.sinh),
            "cosh": _mp_guarded(mpmath.cosh), "sigmoid": _mp_guarded(_mp_sigmoid, 1e300),
            "softplus": _mp_guarded(lambda u: u + mpmath.log1p(mpmath.exp(-u)) if u > 0 else mpmath.log1p(mpmath.exp(u)),
                                    1e300)}


def _mp_at(text, t):
    """f(t) with 40 digits and an unbounded exponent range, from the generated text; None where
    undefined, complex, a tie, or too large to compute."""
    names = {**_MP_TAIL, "max": _no_tie(max), "min": _no_tie(min), "x": t, "a": mpmath.mpf("0.8")}
    try:
        with mpmath.workdps(40):
            value = eval(text, {"__builtins__": {}}, names)  # test-generated text only
    except (ZeroDivisionError, ValueError, OverflowError, TypeError, _Tie, _Huge):
        return None
    return value if isinstance(value, mpmath.mpf) else None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(_smooth_formulas())
def test_a_limit_found_is_where_a_40_digit_evaluation_far_out_is_heading(text):
    """For random formulas: where the app finds f(+-inf), mpmath (no overflow, no rounding at this
    scale) evaluated at |x| = 1e10 and 1e30 is there already or moves towards it."""
    try:
        formula = parse_formula(text)
    except FormulaError:
        return
    a = {"a": 0.8} if formula.uses_param else {}
    for end in (-1, 1):
        limit = float(formula.fn(end * np.inf, **a))
        near, far = (_mp_at(text, mpmath.mpf(end) * mpmath.mpf(10) ** k) for k in (10, 30))
        if np.isnan(limit) or near is None or far is None or far == limit:  # log(relu(x)) is -inf for x < 0
            continue
        if near == far:  # constant this far out: the limit is its float64 value (exp(e^9) overflows to inf)
            assert limit == pytest.approx(float(far), rel=1e-12, abs=1e-300), (text, end, limit, far)
            continue
        if np.isinf(limit):
            assert far * int(np.sign(limit)) > near * int(np.sign(limit)), (text, end, limit, near, far)
        else:
            gap_near, gap_far = abs(near - limit), abs(far - limit)
            assert gap_far <= 1e-9 * max(1.0, abs(limit)) or gap_far < gap_near, (text, end, limit, near, far)
