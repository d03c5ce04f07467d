"""A typed formula as a flat program for the browser: the numpy evaluation of f and f', one step per line.

The dead-neuron lab trains in the browser, so a student's formula has to run there too. It is
compiled here from the already validated SymPy trees (``CustomFormula.expression`` and
``.derivative``), never from the typed text, into a JSON-serialisable program:

    {"format": "formula-program/1", "params": ["a"], "param_default": 1.0,
     "instructions": [{"op": "x"}, {"op": "const", "value": 2.0}, {"op": "mul", "args": [1, 0]}, ...],
     "f": i, "df": j}

Instructions are in SSA form: ``args`` index earlier instructions, each instruction is emitted
once (identical operations on identical arguments are shared, also between f and f'), and
``f`` / ``df`` index the outputs. ``df`` already includes ``dfn``'s rule that f' is NaN wherever
f is. The only strings in a program are the op names below, the parameter's name and the
non-finite constants "inf", "-inf", "nan" (JSON has no such numbers).

The walk mirrors ``formula.evaluate.Evaluator`` decision for decision -- its memo, its stable
rewrites (log(1 + e^u) -> softplus(u), log(1 + v) -> log1p(v), e^u - 1 -> expm1(u),
1 - tanh(u)^2 -> 1/cosh(u)^2, e^u (1 + e^u)^-k -> sigma(u) sigma(-u)^(k-1),
(1 + e^u)^-k -> sigma(-u)^k), its power special cases (sqrt for 1/2, 1/b for -1) and its
left-to-right folding of sums and products -- and emits the numpy operation it would perform
instead of performing it. Interpreting the program with those numpy functions therefore gives
``fn`` and ``dfn`` bit for bit (tests/core/test_formula_program.py checks it).

Ops (numpy semantics, evaluated elementwise in float64):

    x, param, const(value)                                       leaves
    add, mul, div, neg                                           + * / and unary -
    pow(b, e)        numpy.power (e is a constant)
    powi(v; n)       v ** n with a small integer n >= 0 (the rewrites' sigma(-u)^k, cosh(u)^2)
    sqrt, exp, expm1, log, log1p, tanh, sinh, cosh, sin, cos, abs, sign
    erf              scipy.special.erf
    sigmoid          scipy.special.expit: 1 / (1 + e^-u)
    softplus         max(u, 0) + log1p(e^-|u|)  (formula.evaluate.softplus)
    max, min         numpy.maximum / numpy.minimum (NaN propagates; a tie returns the second argument)
    greater(u, v)    1.0 if u > v else 0.0, NaN if either is NaN  (formula.evaluate.iverson_greater)
    where_nan(y, d)  NaN where y is NaN, else d  (dfn's mask)
    gate(b, v)       0 where the bracket b is 0, else v  (formula.evaluate.gate: an inactive branch's product)
"""

from __future__ import annotations

import copy
import math
import struct
from dataclasses import dataclass

import numpy as np
import sympy as sp

from activations_core.formula import DEFAULT_PARAM, X, CustomFormula
from activations_core.formula.evaluate import (
    NUMPY_FUNCTIONS,
    Evaluator,
    exp_power,
    gate,
    iverson_greater,
    minus_tanh_squared,
    one_plus_exp,
    softplus,
    without_atom,
)
from activations_core.formula.functions import (
    UnevaluatedAbs,
    UnevaluatedConstant,
    UnevaluatedCos,
    UnevaluatedCosh,
    UnevaluatedErf,
    UnevaluatedExp,
    UnevaluatedExpm1,
    UnevaluatedGreater,
    UnevaluatedLog,
    UnevaluatedLog1p,
    UnevaluatedMax,
    UnevaluatedMin,
    UnevaluatedRelu,
    UnevaluatedSigmoid,
    UnevaluatedSign,
    UnevaluatedSin,
    UnevaluatedSinh,
    UnevaluatedSoftplus,
    UnevaluatedTanh,
)

FORMAT = "formula-program/1"

# op -> number of args (leaves have none; const carries "value", powi carries "n")
OPS = {
    "x": 0, "param": 0, "const": 0,
    "add": 2, "mul": 2, "div": 2, "neg": 1, "pow": 2, "powi": 1, "sqrt": 1,
    "exp": 1, "expm1": 1, "log": 1, "log1p": 1, "tanh": 1, "sinh": 1, "cosh": 1, "sin": 1, "cos": 1,
    "erf": 1, "sigmoid": 1, "softplus": 1, "abs": 1, "sign": 1, "max": 2, "min": 2, "greater": 2,
    "where_nan": 2, "gate": 2,
}

# The evaluator's table of plain function calls (formula.evaluate.NUMPY_FUNCTIONS), as ops.
# UnevaluatedLog1p is listed there but compute() never reaches it (it goes through the log
# rewrite); UnevaluatedRelu is max(u, 0.0).
_FUNCTION_OPS = {
    UnevaluatedExp: "exp", UnevaluatedSin: "sin", UnevaluatedCos: "cos", UnevaluatedTanh: "tanh",
    UnevaluatedSinh: "sinh", UnevaluatedCosh: "cosh", UnevaluatedErf: "erf", UnevaluatedSign: "sign",
    UnevaluatedAbs: "abs", UnevaluatedSigmoid: "sigmoid", UnevaluatedSoftplus: "softplus",
    UnevaluatedExpm1: "expm1", UnevaluatedMax: "max", UnevaluatedMin: "min", UnevaluatedGreater: "greater",
    UnevaluatedRelu: "relu",
}
_UNHANDLED = set(NUMPY_FUNCTIONS) - set(_FUNCTION_OPS) - {UnevaluatedLog1p}  # added to evaluate.py but not here
MAX_POWI = 64  # powi exponents come from the caps on typed exponents (|k| <= 11 after differentiation)


def _encode(value: float) -> float | str:
    """A float for JSON: finite numbers as they are, the others as "inf", "-inf", "nan"."""
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


class _Program:
    """The instruction list; every distinct (op, args, value) is emitted once."""

    def __init__(self):
        self.instructions: list[dict] = []
        self.index: dict[tuple, int] = {}
        self.values: dict[int, np.float64] = {}  # const instruction -> its value

    def emit(self, op: str, *args: int, value: float | None = None, n: int | None = None) -> int:
        if op not in OPS or len(args) != OPS[op]:
            raise ValueError(f"internal: bad instruction {op} with {len(args)} args")
        bits = None if value is None else struct.pack("<d", float(value))  # keeps -0.0 and NaN apart
        key = (op, args, bits, n)
        found = self.index.get(key)
        if found is not None:
            return found
        instruction: dict = {"op": op}
        if args:
            instruction["args"] = list(args)
        if value is not None:
            instruction["value"] = _encode(value)
            self.values[len(self.instructions)] = np.float64(value)
        if n is not None:
            instruction["n"] = int(n)
        self.instructions.append(instruction)
        self.index[key] = len(self.instructions) - 1
        return len(self.instructions) - 1

    def const(self, value) -> int:
        return self.emit("const", value=float(value))

    def fold(self, op: str, values: list[int]) -> int:
        """values[0] op values[1] op ... from the left, as Evaluator.combine."""
        result = values[0]
        for value in values[1:]:
            result = self.emit(op, result, value)
        return result


class _Emitter:
    """formula.evaluate.Evaluator's walk, emitting instructions instead of computing arrays.

    One emitter per tree, as the evaluator (its memo is keyed by SymPy expression)."""

    def __init__(self, program: _Program, param: sp.Symbol):
        self.program = program
        self.env = {X: "x", param: "param"}
        self.memo: dict = {}
        self.constants = Evaluator({}, (), False)  # its leaf() turns numbers into float64

    def __call__(self, expr) -> int:
        if expr not in self.memo:
            self.memo[expr] = self.compute(expr)
        return self.memo[expr]

    def leaf(self, expr) -> int:
        if not isinstance(expr, UnevaluatedConstant) and expr in self.env:
            return self.program.emit(self.env[expr])
        try:
            value = self.constants.leaf(expr)  # UnevaluatedConstant value, or float(expr), or NaN for zoo
        except ValueError:
            raise ValueError(f"cannot express the symbol {expr} in a program") from None
        return self.program.const(value)

    def compute(self, expr) -> int:
        if not expr.args:
            return self.leaf(expr)
        if isinstance(expr, sp.Add):
            return self.add(expr)
        if isinstance(expr, sp.Mul):
            return self.mul(expr)
        if isinstance(expr, sp.Pow):
            return self.power(expr)
        if isinstance(expr, UnevaluatedLog):
            return self.log(expr.args[0])
        if isinstance(expr, UnevaluatedLog1p):
            return self.log(1 + expr.args[0])
        if expr.func in _UNHANDLED:
            raise ValueError(f"the function {expr.func.__name__} has no browser op")
        op = _FUNCTION_OPS.get(expr.func)
        if op is None:  # a SymPy constant from folding, e.g. e**2 = exp(2)
            return self.leaf(expr)
        inputs = [self(arg) for arg in expr.args]
        if op == "relu":  # np.maximum(u, 0.0)
            return self.program.emit("max", inputs[0], self.program.const(0.0))
        return self.program.emit(op, *inputs)

    def checked(self, emit, arg) -> int:
        return emit(self(arg))

    def add(self, expr) -> int:
        p = self.program
        terms, values = list(expr.args), []
        rest = without_atom(terms, sp.S.NegativeOne)
        exp_term = next((t for t in rest if isinstance(t, UnevaluatedExp)), None) if rest is not None else None
        if exp_term is not None:  # e^u - 1 + ... = expm1(u) + ...
            terms = [t for t in rest if t is not exp_term]
            values.append(self.checked(lambda u: p.emit("expm1", u), exp_term.args[0]))
        rest = without_atom(terms, sp.S.One)
        tanh_term = next((t for t in rest if minus_tanh_squared(t) is not None), None) if rest is not None else None
        if tanh_term is not None:  # 1 - tanh(u)^2 + ... = 1/cosh(u)^2 + ...  (1.0 / np.cosh(u) ** 2)
            terms = [t for t in rest if t is not tanh_term]
            values.append(self.checked(lambda u: p.emit("div", p.const(1.0), p.emit("powi", p.emit("cosh", u), n=2)),
                                       minus_tanh_squared(tanh_term)))
        values.extend(self(term) for term in terms)
        return p.fold("add", values)

    def mul(self, expr) -> int:
        p = self.program
        factors = list(expr.args)
        values = []
        for factor in list(factors):
            u, m = exp_power(factor) if factor in factors else (None, 0)
            partner = next((f for f in factors if isinstance(f, sp.Pow) and f.exp.is_Integer and f.exp <= -m
                            and one_plus_exp(f.base) == u), None) if u is not None else None
            if partner is not None:  # e^(m u) (1 + e^u)^-k = sigma(u)^m sigma(-u)^(k-m)
                factors.remove(factor)
                factors.remove(partner)
                s = self(u)
                head = p.emit("sigmoid", s)
                if m != 1:
                    head = p.emit("powi", head, n=self.small_power(m))
                tail = p.emit("powi", p.emit("sigmoid", p.emit("neg", s)), n=self.small_power(int(-partner.exp) - m))
                values.append(p.emit("mul", head, tail))
        values.extend(self(factor) for factor in factors)
        product = p.fold("mul", values)
        for factor in factors:  # as Evaluator.mul: an inactive branch's product is 0
            if isinstance(factor, UnevaluatedGreater):
                product = p.emit("gate", self(factor), product)
        return product

    def log(self, arg) -> int:
        p = self.program
        rest = without_atom(list(arg.args), sp.S.One) if isinstance(arg, sp.Add) else None
        if rest:
            if len(rest) == 1 and isinstance(rest[0], UnevaluatedExp):
                return p.emit("softplus", self(rest[0].args[0]))
            v = p.fold("add", [self(term) for term in rest])
            return p.emit("log1p", v)
        return p.emit("log", self(arg))

    def power(self, expr) -> int:
        p = self.program
        base, exponent = expr.args
        u = one_plus_exp(base)
        if u is not None and exponent.is_Integer and exponent < 0:  # sc.expit(-u) ** k
            return p.emit("powi", p.emit("sigmoid", p.emit("neg", self(u))), n=self.small_power(int(-exponent)))
        b, e_index = self(base), self(exponent)
        e = p.values.get(e_index)
        if e is None:
            raise ValueError("cannot express a power whose exponent is not a constant")
        if e == 0.5:
            return p.emit("sqrt", b)
        if e == -1:
            return p.emit("div", p.const(1.0), b)
        return p.emit("pow", b, e_index)

    @staticmethod
    def small_power(n: int) -> int:
        if not 0 <= n <= MAX_POWI:
            raise ValueError(f"cannot express the integer power {n}")
        return n


def formula_program(formula: CustomFormula) -> dict:
    """f and f' of a validated formula as a JSON-serialisable program (see the module docstring).

    Raises ValueError if the evaluator does something the ops cannot express."""
    if not isinstance(formula, CustomFormula):
        raise ValueError("formula_program needs a CustomFormula from parse_formula")
    return copy.deepcopy(formula.program())  # the formula keeps its own


def compile_program(formula: CustomFormula) -> dict:
    """formula_program without the formula's memo (CustomFormula.program calls it once)."""
    program = _Program()
    param = sp.Symbol(formula.param_name)
    try:
        f = _Emitter(program, param)(formula.expression)
        dy = _Emitter(program, param)(formula.derivative)
    except RecursionError:
        raise ValueError("the formula is nested too deeply for a program") from None
    df = program.emit("where_nan", f, dy)  # dfn: f' is NaN wherever f is
    uses_param = formula.uses_param or any(instruction["op"] == "param" for instruction in program.instructions)
    return {
        "format": FORMAT,
        "params": [formula.param_name] if uses_param else [],
        "param_default": float(DEFAULT_PARAM),
        "instructions": program.instructions,
        "f": f,
        "df": df,
    }


# -------------------------------------------------------------------------- limits at +-inf
#
# f(+-inf) and f'(+-inf) are limits, as for the built-ins (swish(-inf) = -0, tanh(inf) = 1): the
# program's plain IEEE value at +-inf is NaN for x * sigmoid(x) at -inf (-inf * 0) and for most
# typed formulas. The limit is read off the program itself, here with numpy and in ui/lab/formula.js
# with the same rules, so the server and the browser agree. The program runs on a fixed tail of
# 4,096 points per side, |x| = 2^(k/4) from 1 to 2^1023.75 (each point a power of two times one of
# four constants, so both sides compute the same points exactly). A tail point is *valid* for an
# output when every value the output needs is finite there (x - sqrt(x**2 + 1) is -inf beyond
# 1.3e154 only because x**2 overflows) and no sum in it cancelled away 40 of its 53 bits (x -
# sqrt(x**2 + x) is 0 beyond 2^52, where rounding has eaten its -0.5); a *domain error* when an
# operation made NaN from finite inputs (a square root or log of a negative number, 0/0). Then:
#
#  1. the output is the same at every tail point as at +-inf itself (a constant): that value.
#  2. a domain error among the last DOMAIN_REACH points: undefined; NaN everywhere: undefined.
#  3. on the last WINDOW valid points after the last domain error (at least 2), the first that holds:
#     a. they approach F, the IEEE value at +-inf, monotonically (within rounding) and get closer
#        (F finite), or grow towards it (F infinite): F. IEEE arithmetic makes every indeterminate
#        form NaN, and the tail guards the rest (sqrt(-1/x) is -0 at +inf but NaN on the tail).
#     b. they end in a run of SETTLED_RUN values within SETTLED_TOL (relative, or absolute below
#        1): the run's value without its rounding noise (0 for a run within SETTLED_TOL of 0; 1,
#        not 1 - 2^-52, for x/(1 + abs(x)), which alternates between the two).
#     c. (MIN_TREND points at least) one sign, a size that never decreases and at least doubles: +-inf.
#     d. (MIN_TREND points at least) the largest size in each quarter of the window no larger than
#        in the quarter before, and in the last two at most VANISHING times that: 0 (sin(x)/x).
#  4. rule 3 again with the points where a sum cancelled counted as valid too, a settled run now
#     only if it follows the point before it within 1e-6 (0.5*x*(1 + erf(x/sqrt(2))) at -inf: 1 + erf
#     cancels to 0 beyond x = -8.3, where the true value is below 1e-16; x - sqrt(x**2 + x) jumps from
#     -0.5 to 0, and is refused).
#  5. otherwise no limit was found (sin(x); or a trend too slow to tell): NaN.
# f' is NaN at +-inf wherever f is.

TAIL_FACTORS = (1.0, 1.189207115002721, 1.4142135623730951, 1.681792830507429)  # 2^(j/4) rounded
TAIL = np.ldexp(np.tile(TAIL_FACTORS, 1024), np.repeat(np.arange(1024), 4))  # exact products
WINDOW = 64  # the last valid points the rules read: |x| over a factor 2^16
CANCELLED = 2.0**-40  # a sum this much smaller than its larger term has lost 40 of its 53 bits
VANISHING = 0.9  # a vanishing output's peak size shrinks by this from quarter to quarter of the window
SETTLED_RUN = 8
SETTLED_TOL = 1e-14  # relative, or absolute below 1: about 45 rounding errors of a value near 1
MIN_TREND = 16
DOMAIN_REACH = 64
_EPS = np.finfo(np.float64).eps

def _where_nan(y, d):
    """dfn's rule: NaN where f is NaN, else f'."""
    return np.where(np.isnan(y), np.nan, d)


# The numpy function of each op, as the evaluator calls it (so a program runs bit for bit as fn).
_KERNELS = {
    "add": np.add, "mul": np.multiply, "div": np.divide, "neg": np.negative, "pow": np.power,
    "sqrt": np.sqrt, "exp": np.exp, "expm1": np.expm1, "log": np.log, "log1p": np.log1p, "tanh": np.tanh,
    "sinh": np.sinh, "cosh": np.cosh, "sin": np.sin, "cos": np.cos, "abs": np.abs, "sign": np.sign,
    "erf": NUMPY_FUNCTIONS[UnevaluatedErf], "sigmoid": NUMPY_FUNCTIONS[UnevaluatedSigmoid], "softplus": softplus,
    "max": np.maximum, "min": np.minimum, "greater": iverson_greater, "where_nan": _where_nan, "gate": gate,
}
# What a domain error (NaN from finite inputs) in each op means, for the page's message.
_DOMAIN_CAUSES = {"sqrt": "square root of a negative number", "log": "log of a negative number",
                  "log1p": "log of a number below -1", "pow": "a negative number to a fractional power",
                  "div": "0/0"}


@dataclass(frozen=True)
class Limit:
    """f or f' as x -> +-inf: value (NaN when there is none) and, for NaN, why."""

    value: float
    reason: str = ""  # "" (found), "undefined: <cause>", "undefined everywhere" or "unknown"


def run_program(program: dict, x: np.ndarray, a: float) -> list:
    """Every instruction's value at x (arrays, or np.float64 for constants and the parameter)."""
    return Runner(program).values(x, a)


class Runner:
    """A program made ready for numpy once: its steps, and for f and f' the steps each needs.

    CustomFormula.fn and .dfn run on it: the same numpy operations as the evaluator's walk of
    the SymPy tree (so bit for bit the same values), without the walk, which cost about 7 ms a call
    for the costliest formulas the parser accepts, whatever the size of x (these steps: 0.6 ms)."""

    def __init__(self, program: dict):
        instructions = program["instructions"]
        self.size = len(instructions)
        self.outputs = {"f": program["f"], "df": program["df"]}
        self.steps = []  # (index, kind, payload, args)
        for i, ins in enumerate(instructions):
            op, args = ins["op"], tuple(ins.get("args", ()))
            if op == "const":
                self.steps.append((i, "const", np.float64(float(ins["value"])), args))
            elif op in ("x", "param"):
                self.steps.append((i, op, None, args))
            elif op == "powi":
                self.steps.append((i, "powi", int(ins["n"]), args))
            else:
                self.steps.append((i, "call", _KERNELS[op], args))
        self.needed = {key: [self.steps[i] for i in np.flatnonzero(_needed(instructions, output))]
                       for key, output in self.outputs.items()}
        self.last_reader = {}  # per output: instruction -> the last step that reads it
        for key, steps in self.needed.items():
            last = {}
            for i, _, _, args in steps:
                for j in args:
                    last[j] = i
            self.last_reader[key] = last

    def _run(self, steps: list, x, a: float, key: str | None = None) -> list:
        """The values of `steps` at x. With key ("f" or "df"), an array of x's shape whose last
        reader has run is reused as the out= of later ufuncs: the same operations, so the same
        values, but no fresh 1.6 MB array per step for 200,000 points, which made f' of the
        costliest formulas 2.7 times slower."""
        last, output = (self.last_reader[key], self.outputs[key]) if key else ({}, None)
        values: list = [None] * self.size
        spare: list = []  # arrays of x's shape no value holds any more
        a = np.float64(a)
        with np.errstate(all="ignore"):
            for i, kind, payload, args in steps:
                if kind == "call":
                    inputs = [values[j] for j in args]
                    if key and isinstance(payload, np.ufunc) and any(
                            isinstance(v, np.ndarray) and v.shape == x.shape for v in inputs):
                        values[i] = payload(*inputs, out=spare.pop() if spare else np.empty(x.shape))
                    else:
                        values[i] = payload(*inputs)
                elif kind == "x":
                    values[i] = x
                elif kind == "param":
                    values[i] = a
                elif kind == "const":
                    values[i] = payload
                else:  # powi
                    values[i] = values[args[0]] ** payload
                for j in args:
                    done = values[j]
                    if last.get(j) == i and j != output and isinstance(done, np.ndarray) and done is not x \
                            and done.shape == x.shape and done.dtype == np.float64:
                        spare.append(done)
                        values[j] = None
        return values

    def values(self, x, a: float) -> list:
        """Every instruction's value at x."""
        return self._run(self.steps, x, a)

    def __call__(self, key: str, x: np.ndarray, a: float) -> np.ndarray:
        """Output key ("f" or "df") at x (a float64 array), as an array of x's shape x does not share."""
        value = self._run(self.needed[key], x, a, key)[self.outputs[key]]
        if isinstance(value, np.ndarray) and value is not x and value.shape == x.shape and value.dtype == np.float64:
            return value
        return np.array(np.broadcast_to(np.asarray(value, dtype=np.float64), x.shape))


def _needed(instructions: list, output: int) -> np.ndarray:
    """Which instructions the output reads, directly or not."""
    needed = np.zeros(len(instructions), dtype=bool)
    needed[output] = True
    for i in range(len(instructions) - 1, -1, -1):
        if needed[i]:
            needed[list(instructions[i].get("args", ()))] = True
    return needed


def _settled_value(run: np.ndarray) -> float:
    """The value of a settled run: 0 (signed as the run) when it is within SETTLED_TOL of 0, else the
    value with the most trailing zero bits in its significand, the latest of equals (rounding makes
    x/(1 + abs(x)) alternate between 1 and 1 - 2^-52; the limit is 1)."""
    if abs(run[-1]) <= SETTLED_TOL:
        return -0.0 if np.all(run <= 0) else 0.0
    fraction = run.view(np.uint64) & np.uint64((1 << 52) - 1)
    lowest = fraction & (~fraction + np.uint64(1))  # the lowest set bit (0 for a zero fraction)
    zeros = np.where(fraction == 0, 52, np.log2(np.maximum(lowest, 1).astype(np.float64)))
    return float(run[len(run) - 1 - int(np.argmax(zeros[::-1]))])


def _limit(v: np.ndarray, valid: tuple[np.ndarray, np.ndarray], domain: np.ndarray, at_inf: float,
           cause: str) -> Limit:
    """The rules above, on one output's tail values v (|x| increasing), its valid points (strictly,
    then finite only), its domain errors, and at_inf, its IEEE value at +-inf."""
    size = len(v)
    if not math.isnan(at_inf) and np.all(v == at_inf):
        return Limit(at_inf)
    errors = np.flatnonzero(domain)
    if errors.size and errors[-1] >= size - DOMAIN_REACH:
        return Limit(math.nan, f"undefined: {cause}")
    if np.all(np.isnan(v)):
        return Limit(math.nan, "undefined everywhere")
    start = int(errors[-1]) + 1 if errors.size else 0
    for points, strict in zip(valid, (True, False)):
        index = start + np.flatnonzero(points[start:])
        if index.size >= 2:
            found = _window_limit(v, index, at_inf, strict)
            if found is not None:
                return Limit(found)
    return Limit(math.nan, "unknown")


def _window_limit(v: np.ndarray, index: np.ndarray, at_inf: float, strict: bool) -> float | None:
    """Rules 3a-3d on the valid points `index` of v; None when none holds. Not strict (cancelled
    sums allowed), a settled run must follow its point before within 1e-6 (rule 3b')."""
    w = v[index[-WINDOW:]]
    n = len(w)
    if math.isfinite(at_inf):
        d = np.abs(w - at_inf)
        slack = 4 * _EPS * np.maximum(np.abs(w[:-1]), abs(at_inf))
        if np.all(d[1:] <= d[:-1] + slack) and (d[-1] <= 1e-12 * max(1.0, abs(at_inf)) or d[-1] < d[0] * (1 - 1e-6)):
            return at_inf
    elif math.isinf(at_inf):
        g = w if at_inf > 0 else -w
        if g[-1] > 0 and np.all(g[1:] >= g[:-1]) and g[-1] > g[0]:
            return at_inf
    last = float(w[-1])
    scale = max(1.0, abs(last))
    settled = np.abs(v[index] - last) <= SETTLED_TOL * scale
    run = index.size if settled.all() else int(np.argmin(settled[::-1]))
    if run >= SETTLED_RUN and (strict or run == index.size or abs(v[index[-run - 1]] - last) <= 1e-6 * scale):
        return _settled_value(v[index[-run:]])
    if n >= MIN_TREND:
        size_ = np.abs(w)
        if (np.all(w > 0) or np.all(w < 0)) and np.all(size_[1:] >= size_[:-1]) and size_[-1] >= 2 * size_[0]:
            return math.copysign(math.inf, last)
        quarter = n // 4
        peaks = size_[n - 4 * quarter:].reshape(4, quarter).max(axis=1)
        if peaks[0] > 0 and np.all(peaks[1:] <= peaks[:-1]) and np.all(peaks[2:] <= VANISHING * peaks[1:-1]):
            return 0.0
    return None


def program_limits(program: dict, a: float) -> dict[str, tuple[Limit, Limit]]:
    """{"f": (limit at -inf, limit at +inf), "df": (...)} of a program with parameter value a."""
    x = np.concatenate([-TAIL, TAIL, [-math.inf, math.inf]])
    instructions = program["instructions"]
    with np.errstate(all="ignore"):
        values = [np.broadcast_to(np.asarray(value, dtype=np.float64), x.shape) for value in run_program(program, x, a)]
        finite = [np.isfinite(value) for value in values]
        usable = list(finite)  # finite, and for a sum: not cancelled down to its rounding errors
        fresh_nan = [np.zeros(x.shape, dtype=bool)] * len(values)  # NaN made from finite inputs
        for i, ins in enumerate(instructions):
            args = ins.get("args", ())
            if args:
                fresh_nan[i] = np.isnan(values[i]) & np.logical_and.reduce([finite[j] for j in args])
            if ins["op"] == "add":
                larger = np.maximum(np.abs(values[args[0]]), np.abs(values[args[1]]))
                usable[i] = finite[i] & ~(np.abs(values[i]) < CANCELLED * larger)
        limits = {}
        for key in ("f", "df"):
            needed = np.flatnonzero(_needed(instructions, program[key]))
            strict = np.logical_and.reduce([usable[i] for i in needed])
            loose = np.logical_and.reduce([finite[i] for i in needed])
            domain = np.logical_or.reduce([fresh_nan[i] for i in needed])
            sides = []
            for tail, at in ((np.arange(len(TAIL)), -2), (np.arange(len(TAIL), 2 * len(TAIL)), -1)):  # |x| increasing
                hits = tail[domain[tail]]
                op = next((instructions[i]["op"] for i in needed if hits.size and fresh_nan[i][hits[-1]]), "")
                sides.append(_limit(values[program[key]][tail], (strict[tail], loose[tail]), domain[tail],
                                    float(values[program[key]][at]), _DOMAIN_CAUSES.get(op, "an undefined operation")))
            limits[key] = tuple(sides)
    limits["df"] = tuple(df if not math.isnan(f.value) else Limit(math.nan, f.reason)
                         for f, df in zip(limits["f"], limits["df"]))
    return limits
