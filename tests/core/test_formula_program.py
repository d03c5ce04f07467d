"""The browser program of a typed formula (activations_core/formula_program.py): plain JSON with
no text of the student's, and, run by a small numpy interpreter, the evaluator's values bit for bit
(fn and dfn run it; at +-inf they give the limits the program gives)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activations_core.formula import CustomFormula, FormulaError, evaluate_with_report, parse_formula
from activations_core.formula_program import FORMAT, OPS, TAIL, formula_program, program_limits, run_program
from tests.core.formula_grammar import A_VALUES, FORMULAS, grammar, grid, parsed
from tests.core.references import OP_KERNELS


def params(formula: CustomFormula, a) -> dict:
    return {} if a is None else {formula.param_name: a}


# ------------------------------------------------------------------- an interpreter of programs
# (its numpy function of each op: OP_KERNELS in references.py, written apart from formula_program's)


def run(program: dict, x: np.ndarray, a: float) -> tuple[np.ndarray, np.ndarray]:
    """(f, f') at x. Leaves are what the evaluator holds: x an array, param and const np.float64
    scalars, so numpy takes the same (scalar or array) paths."""
    values = []
    with np.errstate(all="ignore"):
        for ins in program["instructions"]:
            op, args = ins["op"], [values[j] for j in ins.get("args", [])]
            if op == "x":
                values.append(x)
            elif op == "param":
                values.append(np.float64(a))
            elif op == "const":
                values.append(np.float64(float(ins["value"])))  # float("inf"), float("nan") for the strings
            elif op == "powi":
                values.append(args[0] ** ins["n"])
            else:
                values.append(OP_KERNELS[op](*args))
    return tuple(np.array(np.broadcast_to(np.asarray(values[program[key]], dtype=np.float64), x.shape))
                 for key in ("f", "df"))


def same_bits(got: np.ndarray, ref: np.ndarray) -> bool:
    """NaN at the same places, every other value bit for bit (-0.0 is not 0.0)."""
    nan = np.isnan(ref)
    return np.array_equal(nan, np.isnan(got)) and np.array_equal(got[~nan].view(np.uint64), ref[~nan].view(np.uint64))


def test_interpreter_knows_every_op():
    assert set(OP_KERNELS) | {"x", "param", "const", "powi"} == set(OPS)


def finite_or_nan(x: np.ndarray) -> np.ndarray:
    """The points where fn is the program's plain value (at +-inf it is a limit: see below)."""
    return ~np.isinf(x)


def walked(formula: CustomFormula, x: np.ndarray, a) -> tuple[np.ndarray, np.ndarray]:
    """f and f' from the evaluator's walk of the SymPy trees (evaluate_with_report), which the
    program repeats step by step."""
    f, df, _ = evaluate_with_report(formula, x, a)
    return f, df


@pytest.mark.parametrize("text", FORMULAS)
def test_program_reproduces_the_evaluator_and_fn_and_dfn_bit_for_bit(text):
    """The program, run by this test's interpreter, gives the evaluator's values; fn and dfn (which
    run the program with formula_program.Runner) give them too."""
    formula = parsed(text)
    program = json.loads(json.dumps(formula_program(formula), allow_nan=False))  # what the browser receives
    x = grid()
    plain = finite_or_nan(x)
    for a in A_VALUES:
        f, df = run(program, x, 1.0 if a is None else a)
        with np.errstate(all="ignore"):
            ref_f, ref_df = walked(formula, x, a)
            fn, dfn = formula.fn(x, **params(formula, a)), formula.dfn(x, **params(formula, a))
        for got, ref in ((f, ref_f), (df, ref_df), (fn, ref_f), (dfn, ref_df)):
            got, ref = got[plain], ref[plain]
            assert same_bits(got, ref), (text, a, x[plain][got.view(np.uint64) != ref.view(np.uint64)][:5])
    untouched = grid()  # fn and dfn reuse their own arrays between steps, never x's
    assert same_bits(x, untouched) and not np.shares_memory(formula.dfn(x), x) and not np.shares_memory(formula.fn(x), x)
    for t in (0.5, -3.0, np.nan):  # a scalar x runs numpy's scalar paths, in the evaluator as in fn
        ref_f, ref_df = walked(formula, t, 0.3)
        one = {formula.param_name: 0.3} if formula.uses_param else {}
        assert same_bits(np.array([formula.fn(t, **one)]), np.array([ref_f])), (text, t)
        assert same_bits(np.array([formula.dfn(t, **one)]), np.array([ref_df])), (text, t)


@pytest.mark.parametrize("text", FORMULAS)
def test_the_program_runner_of_the_limits_is_this_interpreter_bit_for_bit(text):
    """program_limits reads the tail through formula_program.run_program: the same values as the
    independent interpreter above (so as fn), at the tail points and at +-inf."""
    formula = parsed(text)
    program = json.loads(json.dumps(formula_program(formula), allow_nan=False))
    x = np.concatenate([-TAIL, TAIL, [-np.inf, np.inf, np.nan]])
    for a in (0.3, -1.5):
        values = run_program(program, x, a)
        f, df = run(program, x, a)
        for key, ref in (("f", f), ("df", df)):
            got = np.broadcast_to(np.asarray(values[program[key]], dtype=np.float64), x.shape)
            assert same_bits(np.array(got), ref), (text, key, a)


@pytest.mark.parametrize("text", FORMULAS)
def test_fn_at_infinity_is_the_limit_the_browser_program_gives(text):
    """What the server answers at +-inf is what the program the browser receives gives (the
    limits themselves are checked against known limits in test_formula.py)."""
    formula = parsed(text)
    program = json.loads(json.dumps(formula_program(formula), allow_nan=False))
    x = np.array([-np.inf, np.inf])
    for a in A_VALUES:
        limits = program_limits(program, 1.0 if a is None else a)
        with np.errstate(all="ignore"):
            f, df = formula.fn(x, **params(formula, a)), formula.dfn(x, **params(formula, a))
        assert same_bits(f, np.array([limit.value for limit in limits["f"]])), (text, a)
        assert same_bits(df, np.array([limit.value for limit in limits["df"]])), (text, a)


def _random_formulas():
    """Formulas from the whole grammar (every function, + - * /, constant powers, pi, e, a), with
    the exp forms the evaluator rewrites stably."""
    numbers = st.sampled_from(["0", "1", "2", "0.5", "3.25", "1e-3", "255", "700"])
    leaves = st.one_of(st.sampled_from(["x", "x", "x", "a", "pi", "e"]), numbers)
    exponents = st.sampled_from(["2", "3", "-1", "-2", "0.5", "-0.5", "(1/3)", "-2.5", "0", "10"])
    return grammar(leaves, exponents, max_leaves=12,
                   extra=(lambda c: st.builds("1 + exp({})".format, c), lambda c: st.builds("exp({}) - 1".format, c)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_random_formulas())
def test_random_formulas_run_bit_for_bit(text):
    try:
        formula = parse_formula(text)
    except FormulaError:
        return
    program = json.loads(json.dumps(formula_program(formula), allow_nan=False))
    x = grid()[finite_or_nan(grid())]
    f, df = run(program, x, -0.7)
    with np.errstate(all="ignore"):
        ref_f, ref_df = walked(formula, x, -0.7)
        assert same_bits(f, ref_f) and same_bits(df, ref_df), text
        assert same_bits(formula.fn(x, a=-0.7), ref_f) and same_bits(formula.dfn(x, a=-0.7), ref_df), text


# ------------------------------------------------------------------------------ the JSON itself

_KEYS = {"format", "params", "param_default", "instructions", "f", "df"}
_INSTRUCTION_KEYS = {"op", "args", "value", "n"}


def strings(value) -> list[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


@pytest.mark.parametrize("text", FORMULAS)
def test_program_is_plain_json_with_only_numbers_from_the_student(text):
    formula = parsed(text)
    program = formula_program(formula)
    assert json.loads(json.dumps(program, allow_nan=False)) == program  # no NaN/inf numbers, no objects
    assert set(program) == _KEYS and program["format"] == FORMAT and program["param_default"] == 1.0
    assert program["params"] in ([], [formula.param_name])
    instructions = program["instructions"]
    allowed = set(OPS) | _KEYS | _INSTRUCTION_KEYS | {"inf", "-inf", "nan", FORMAT, formula.param_name}
    assert set(strings(program)) <= allowed
    for i, ins in enumerate(instructions):
        assert set(ins) <= _INSTRUCTION_KEYS and ins["op"] in OPS
        assert len(ins.get("args", [])) == OPS[ins["op"]]
        assert all(type(j) is int and 0 <= j < i for j in ins.get("args", []))
        assert ("value" in ins) == (ins["op"] == "const") and ("n" in ins) == (ins["op"] == "powi")
        if ins["op"] == "const":
            assert type(ins["value"]) is float and np.isfinite(ins["value"]) or ins["value"] in ("inf", "-inf", "nan")
    assert len({json.dumps(ins) for ins in instructions}) == len(instructions)  # shared values emitted once
    assert 0 <= program["f"] < len(instructions) and 0 <= program["df"] < len(instructions)
    assert ("param" in {ins["op"] for ins in instructions}) <= (program["params"] == [formula.param_name])


def test_non_finite_constants_are_strings():
    def constants(text):
        instructions = formula_program(parse_formula(text))["instructions"]
        return {ins["value"] for ins in instructions if ins["op"] == "const"}

    assert "inf" in constants("exp(exp(exp(20))) * x + x**(-10) / 0")
    assert "nan" in constants("(-2)**0.5 * x")


def test_shared_subexpressions_are_computed_once():
    program = formula_program(parse_formula("x * sigmoid(a*x)"))
    ops = [ins["op"] for ins in program["instructions"]]
    assert ops.count("x") == 1 and ops.count("param") == 1
    assert ops.count("sigmoid") == 2  # sigma(a x) for f and f', sigma(-a x) for f' only


def test_what_it_cannot_express_is_a_value_error():
    y = sp.Symbol("y")
    x = sp.Symbol("x")
    for expression in (y * x, x ** (x + 1)):  # an unknown symbol; a power with a variable exponent
        formula = CustomFormula("?", "a", False, "", "", expression, sp.diff(expression, x))
        with pytest.raises(ValueError):
            formula_program(formula)
    with pytest.raises(ValueError):
        formula_program("x * sigmoid(x)")
