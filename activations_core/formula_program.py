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

The walk mirrors ``formula._Evaluator`` decision for decision -- its memo, its stable rewrites
(log(1 + e^u) -> softplus(u), log(1 + v) -> log1p(v), e^u - 1 -> expm1(u),
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
    softplus         max(u, 0) + log1p(e^-|u|)  (formula._softplus)
    max, min         numpy.maximum / numpy.minimum (NaN propagates; a tie returns the second argument)
    greater(u, v)    1.0 if u > v else 0.0, NaN if either is NaN  (formula._greater)
    where_nan(y, d)  NaN where y is NaN, else d  (dfn's mask)
    gate(b, v)       0 where the bracket b is 0, else v  (formula._gate: an inactive branch's product)
"""

from __future__ import annotations

import math
import struct

import numpy as np
import sympy as sp

from activations_core.formula import (
    DEFAULT_PARAM,
    X,
    CustomFormula,
    _Abs,
    _Constant,
    _Cos,
    _Cosh,
    _Erf,
    _Evaluator,
    _Exp,
    _exp_power,
    _Expm1,
    _Greater,
    _Log,
    _Log1p,
    _Max,
    _Min,
    _minus_tanh_squared,
    _NUMPY,
    _one_plus_exp,
    _Relu,
    _Sigmoid,
    _Sign,
    _Sin,
    _Sinh,
    _Softplus,
    _Tanh,
    _without,
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

# The evaluator's table of plain function calls (formula._NUMPY), as ops. _Log1p is listed there
# but compute() never reaches it (it goes through the log rewrite); _Relu is max(u, 0.0).
_FUNCTION_OPS = {
    _Exp: "exp", _Sin: "sin", _Cos: "cos", _Tanh: "tanh", _Sinh: "sinh", _Cosh: "cosh", _Erf: "erf",
    _Sign: "sign", _Abs: "abs", _Sigmoid: "sigmoid", _Softplus: "softplus", _Expm1: "expm1",
    _Max: "max", _Min: "min", _Greater: "greater", _Relu: "relu",
}
_UNHANDLED = set(_NUMPY) - set(_FUNCTION_OPS) - {_Log1p}  # a function added to formula.py but not here
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
        """values[0] op values[1] op ... from the left, as _Evaluator.combine."""
        result = values[0]
        for value in values[1:]:
            result = self.emit(op, result, value)
        return result


class _Emitter:
    """formula._Evaluator's walk, emitting instructions instead of computing arrays.

    One emitter per tree, as the evaluator (its memo is keyed by SymPy expression)."""

    def __init__(self, program: _Program, param: sp.Symbol):
        self.program = program
        self.env = {X: "x", param: "param"}
        self.memo: dict = {}
        self.constants = _Evaluator({}, (), False)  # its leaf() turns numbers into float64

    def __call__(self, expr) -> int:
        if expr not in self.memo:
            self.memo[expr] = self.compute(expr)
        return self.memo[expr]

    def leaf(self, expr) -> int:
        if not isinstance(expr, _Constant) and expr in self.env:
            return self.program.emit(self.env[expr])
        try:
            value = self.constants.leaf(expr)  # _Constant value, or float(expr), or NaN for zoo
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
        if isinstance(expr, _Log):
            return self.log(expr.args[0])
        if isinstance(expr, _Log1p):
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
        rest = _without(terms, sp.S.NegativeOne)
        exp_term = next((t for t in rest if isinstance(t, _Exp)), None) if rest is not None else None
        if exp_term is not None:  # e^u - 1 + ... = expm1(u) + ...
            terms = [t for t in rest if t is not exp_term]
            values.append(self.checked(lambda u: p.emit("expm1", u), exp_term.args[0]))
        rest = _without(terms, sp.S.One)
        tanh_term = next((t for t in rest if _minus_tanh_squared(t) is not None), None) if rest is not None else None
        if tanh_term is not None:  # 1 - tanh(u)^2 + ... = 1/cosh(u)^2 + ...  (1.0 / np.cosh(u) ** 2)
            terms = [t for t in rest if t is not tanh_term]
            values.append(self.checked(lambda u: p.emit("div", p.const(1.0), p.emit("powi", p.emit("cosh", u), n=2)),
                                       _minus_tanh_squared(tanh_term)))
        values.extend(self(term) for term in terms)
        return p.fold("add", values)

    def mul(self, expr) -> int:
        p = self.program
        factors = list(expr.args)
        values = []
        for factor in list(factors):
            u, m = _exp_power(factor) if factor in factors else (None, 0)
            partner = next((f for f in factors if isinstance(f, sp.Pow) and f.exp.is_Integer and f.exp <= -m
                            and _one_plus_exp(f.base) == u), None) if u is not None else None
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
        for factor in factors:  # as _Evaluator.mul: an inactive branch's product is 0
            if isinstance(factor, _Greater):
                product = p.emit("gate", self(factor), product)
        return product

    def log(self, arg) -> int:
        p = self.program
        rest = _without(list(arg.args), sp.S.One) if isinstance(arg, sp.Add) else None
        if rest:
            if len(rest) == 1 and isinstance(rest[0], _Exp):
                return p.emit("softplus", self(rest[0].args[0]))
            v = p.fold("add", [self(term) for term in rest])
            return p.emit("log1p", v)
        return p.emit("log", self(arg))

    def power(self, expr) -> int:
        p = self.program
        base, exponent = expr.args
        u = _one_plus_exp(base)
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
