"""Typed formulas for the formula tests: a fixed list that reaches every rewrite of the evaluator
(FORMULAS, with the points and parameter values to run them at), and random ones from the parser's
grammar, as hypothesis strategies (grammar) and seeded (seeded_formulas, for the browser tests)."""

from __future__ import annotations

import random
from typing import Callable, Sequence

import numpy as np
from hypothesis import strategies as st

from activations_core.formula import FUNCTIONS, CustomFormula, parse_formula

# The valid formulas of tests/core/test_formula.py, those the lab names, and a few that reach
# every rewrite and special case of the evaluator (also with a parameter-only argument, where
# numpy computes on scalars).
FORMULAS = [
    # test_formula.py
    "x * tanh(log(1 + exp(x)))", "x * tanh(softplus(x))", "x * sigmoid(x)", "x / (1 + exp(-x))",
    "1 / (1 + exp(-x))", "log(1 + exp(x))", "tanh(x)", "max(0, x) + a * min(0, x)", "max(0, x)", "relu(x)",
    "abs(x)", "erf(x) * x", "log1p(x**2) - sqrt(1 + x**2)", "sinh(x) / cosh(x)**2 + cos(3*x)*sin(x)",
    "expm1(a*x) / (1 + x**2)**1.5", "x * softplus(-x) - pi * e**2 * x", "max(x, a*x**2) - min(sin(x), cos(x))",
    "sigmoid(a*x) * x**3 / (1 + x**2)", "sqrt(1 + x**2)**-1 + abs(x)**0.5", "erf(x / sqrt(2)) * exp(-x**2 / 2)",
    "relu(x - 1)**2 + softplus(x)*a", "log(1 + x**2) * tanh(sinh(x / 4))", "(x**2 + 1)**(1/3) - expm1(-abs(x))",
    "x^2 / 2 - a*x", "sqrt(x) + a", "x * sigmoid(a * x)", "max(alpha * x, x)", "2*x - (x - 1)", "x^2",
    "exp(sqrt(2)) * x + a * log(3)", "log(x)", "(-2)**0.5 * x", "x**1.5", "exp(x) * x", "exp(exp(exp(20)))",
    "x^3 - 2^2*x", "x**(-10) / 0",
    # the lab's examples
    "x*sigmoid(a*x)", "max(0,x) + min(0, a*expm1(x))", "log(1+exp(x))", "x*tanh(softplus(x))",
    # rewrites and special cases
    "exp(x) / (1 + exp(x))**3", "exp(a) / (1 + exp(a))**2 * x", "1 - tanh(a)**2 + x", "1 - tanh(x)**2",
    "exp(x) - 1 + x", "log1p(x + 2) + log1p(exp(x))", "x**0 + 1/x + x**-0.5 + x**(1/3)", "erf(a*x) + abs(x - a)",
]
PARAM_NAMES = {"max(alpha * x, x)": "alpha"}
A_VALUES = [None, 0.3, -1.5, 2.0]  # None: the default (1.0)


def grid() -> np.ndarray:
    """About 2,200 points: [-40, 40] densely, |x| from 1e-300 to 1e3 of both signs, +-0, +-inf, NaN."""
    magnitudes = np.logspace(-300, 3, 300)
    specials = [0.0, -0.0, 1.0, -1.0, 709.0, 710.0, -745.0, np.inf, -np.inf, np.nan]
    return np.concatenate([np.linspace(-40.0, 40.0, 1601), magnitudes, -magnitudes, specials])


def parsed(text: str) -> CustomFormula:
    return parse_formula(text, param_name=PARAM_NAMES.get(text, "a"))


def grammar(leaves, exponents, max_leaves: int,
            extra: Sequence[Callable[[st.SearchStrategy], st.SearchStrategy]] = ()) -> st.SearchStrategy:
    """Formulas of the typed grammar: functions, max/min, + - * /, constant powers, negation, and
    the ``extra`` productions (each a function of the child strategy)."""
    unary = st.sampled_from([name for name, spec in FUNCTIONS.items() if spec.arity == 1])

    def compound(children):
        return st.one_of(
            st.builds("{}({})".format, unary, children),
            st.builds("{}({}, {})".format, st.sampled_from(["max", "min"]), children, children),
            st.builds("({}) {} ({})".format, children, st.sampled_from(["+", "-", "*", "/"]), children),
            st.builds("({})**{}".format, children, exponents),
            st.builds("-({})".format, children),
            *(form(children) for form in extra),
        )

    return st.recursive(leaves, compound, max_leaves=max_leaves)


def seeded_formulas(count: int, seed: int) -> list[str]:
    """Formulas of the typed grammar (every function, max/min, + - * /, constant powers), seeded:
    the same list on every run, outside hypothesis."""
    rng = random.Random(seed)
    unary = [name for name, spec in FUNCTIONS.items() if spec.arity == 1]

    def formula(depth: int) -> str:
        if depth == 0 or rng.random() < 0.3:
            return rng.choice(["x", "x", "x", "a", "2", "0.5", "3", "pi"])
        kind = rng.randrange(5)
        if kind == 0:
            return f"{rng.choice(unary)}({formula(depth - 1)})"
        if kind == 1:
            return f"{rng.choice(['max', 'min'])}({formula(depth - 1)}, {formula(depth - 1)})"
        if kind == 2:
            return f"({formula(depth - 1)}) {rng.choice('+-*/')} ({formula(depth - 1)})"
        if kind == 3:
            return f"({formula(depth - 1)})**{rng.choice(['2', '3', '-1', '0.5', '(1/3)', '-2'])}"
        return f"-({formula(depth - 1)})"

    return [formula(4) for _ in range(count)]
