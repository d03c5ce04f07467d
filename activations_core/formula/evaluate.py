"""The numpy evaluator of a SymPy tree: the same operations for every point, stable rewrites,
and, when asked, the first operation that made each non-finite value."""

from __future__ import annotations

import numpy as np
import scipy.special as sc
import sympy as sp

from .functions import (
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
    X,
)
from .text import FormulaError


def softplus(u):
    """ln(1 + e^u) = max(u, 0) + log1p(e^-|u|): exact, no overflow."""
    return np.maximum(u, 0.0) + np.log1p(np.exp(-np.abs(u)))


def iverson_greater(u, v):
    """[u > v] as 1.0/0.0, NaN where either side is NaN."""
    return np.where(np.isnan(u) | np.isnan(v), np.nan, np.greater(u, v).astype(float))


def gate(bracket, value):
    """0 where an Iverson bracket is 0 (its branch is inactive), else value: max(0, x) + min(0,
    a expm1(x)) has f'(1000) = 1, not [0 > a expm1(1000)] * a e^1000 = 0 * inf = NaN."""
    return np.where(bracket == 0.0, 0.0, value)


NUMPY_FUNCTIONS = {  # the numpy function the evaluator calls for each plain function call
    UnevaluatedExp: np.exp, UnevaluatedSin: np.sin, UnevaluatedCos: np.cos, UnevaluatedTanh: np.tanh,
    UnevaluatedSinh: np.sinh, UnevaluatedCosh: np.cosh, UnevaluatedErf: sc.erf, UnevaluatedSign: np.sign,
    UnevaluatedAbs: np.abs, UnevaluatedSigmoid: sc.expit, UnevaluatedSoftplus: softplus,
    UnevaluatedRelu: lambda u: np.maximum(u, 0.0), UnevaluatedLog1p: np.log1p, UnevaluatedExpm1: np.expm1,
    UnevaluatedMax: np.maximum, UnevaluatedMin: np.minimum, UnevaluatedGreater: iverson_greater,
}
_NAMES = {UnevaluatedExp: "exp", UnevaluatedSinh: "sinh", UnevaluatedCosh: "cosh", UnevaluatedExpm1: "expm1",
          sp.Pow: "a power", sp.Mul: "a product", sp.Add: "a sum"}
_OVERFLOW = "overflow in {} (a value above about 1.8e308)"


def _exp_argument(expr):
    """u if expr is exp(u), else None."""
    return expr.args[0] if isinstance(expr, UnevaluatedExp) else None


def exp_power(expr):
    """(u, m) if expr is exp(u)**m for a whole m >= 1 (exp(u) itself: m = 1), else (None, 0)."""
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer and expr.exp >= 1 and isinstance(expr.base, UnevaluatedExp):
        return expr.base.args[0], int(expr.exp)
    return (expr.args[0], 1) if isinstance(expr, UnevaluatedExp) else (None, 0)


def without_atom(terms, atom):
    """terms minus the first one that *is* atom (S.One or S.NegativeOne), or None if absent."""
    for index, term in enumerate(terms):
        if term is atom:
            return [*terms[:index], *terms[index + 1:]]
    return None


def one_plus_exp(expr):
    """u if expr is 1 + exp(u) (either order), else None."""
    rest = without_atom(list(expr.args), sp.S.One) if isinstance(expr, sp.Add) else None
    return _exp_argument(rest[0]) if rest is not None and len(rest) == 1 else None


def minus_tanh_squared(term):
    """u if term is -tanh(u)**2, else None."""
    if isinstance(term, sp.Mul) and len(term.args) == 2 and term.args[0] is sp.S.NegativeOne:
        power = term.args[1]
        if isinstance(power, sp.Pow) and power.exp == 2 and isinstance(power.base, UnevaluatedTanh):
            return power.base.args[0]
    return None


class Evaluator:
    """Walks a SymPy tree with numpy; optionally records the first cause of each non-finite value.

    Stable rewrites: log(1 + e^u) -> softplus(u), log(1 + v) -> log1p(v), e^u - 1 -> expm1(u),
    1 - tanh(u)^2 -> 1/cosh(u)^2, e^(m u) (1 + e^u)^-k -> sigma(u)^m sigma(-u)^(k-m) (k >= m),
    (1 + e^u)^-k -> sigma(-u)^k.
    """

    def __init__(self, env: dict, shape: tuple, track: bool):
        self.env, self.shape, self.track = env, shape, track
        self.memo: dict = {}
        self.causes: list[str] = []
        self.inherited: set[str] = set()  # causes copied from an UnevaluatedConstant (already say where)
        self.cause = np.full(shape, -1, dtype=np.int16) if track else None

    def __call__(self, expr):
        if expr not in self.memo:
            self.memo[expr] = self.compute(expr)
        return self.memo[expr]

    def note(self, result, inputs, cause_of) -> None:
        """Record a cause where `result` is non-finite although every input is finite."""
        if not self.track:
            return
        bad = ~np.isfinite(result)
        if not np.any(bad):
            return
        for value in inputs:
            bad = bad & np.isfinite(value)
        bad = np.broadcast_to(bad, self.shape) & (self.cause < 0)
        if not np.any(bad):
            return
        for mask, cause in cause_of():
            fresh = bad & np.broadcast_to(mask, self.shape)
            if np.any(fresh):
                self.cause[fresh] = self.cause_index(cause)
                bad = bad & ~fresh
        if np.any(bad):
            self.cause[bad] = self.cause_index("an undefined operation")

    def cause_index(self, cause: str) -> int:
        if cause not in self.causes:
            self.causes.append(cause)
        return self.causes.index(cause)

    def leaf(self, expr):
        if isinstance(expr, UnevaluatedConstant):
            if self.track and not np.isfinite(expr.value):
                self.cause[self.cause < 0] = self.cause_index(expr.cause)
                self.inherited.add(expr.cause)
            return np.float64(expr.value)
        if expr in self.env:
            return self.env[expr]
        if expr.is_number and not expr.free_symbols:  # numbers, pi, e, and their folded products
            try:
                return np.float64(float(expr))
            except (TypeError, ValueError):  # zoo, nan, I: no real value
                return np.nan
        raise FormulaError(f"Cannot evaluate '{expr}' numerically.")

    def compute(self, expr):
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
        function = NUMPY_FUNCTIONS.get(expr.func)
        if function is None:  # a SymPy constant from folding, e.g. e**2 = exp(2)
            return self.leaf(expr)
        inputs = [self(arg) for arg in expr.args]
        result = function(*inputs)
        name = _NAMES.get(expr.func, str(expr.func))
        self.note(result, inputs, lambda: [(True, _OVERFLOW.format(name))])
        return result

    def add(self, expr):
        terms, values = list(expr.args), []
        rest = without_atom(terms, sp.S.NegativeOne)
        exp_term = next((t for t in rest if isinstance(t, UnevaluatedExp)), None) if rest is not None else None
        if exp_term is not None:  # e^u - 1 + ... = expm1(u) + ...
            terms = [t for t in rest if t is not exp_term]
            values.append(self.checked(np.expm1, exp_term.args[0], "expm1"))
        rest = without_atom(terms, sp.S.One)
        tanh_term = next((t for t in rest if minus_tanh_squared(t) is not None), None) if rest is not None else None
        if tanh_term is not None:  # 1 - tanh(u)^2 + ... = 1/cosh(u)^2 + ...
            terms = [t for t in rest if t is not tanh_term]
            values.append(self.checked(lambda u: 1.0 / np.cosh(u) ** 2, minus_tanh_squared(tanh_term), "cosh"))
        values.extend(self(term) for term in terms)
        return self.combine(np.add, values, "a sum")

    def mul(self, expr):
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
                head = sc.expit(s) if m == 1 else sc.expit(s) ** m
                values.append(head * sc.expit(-s) ** (int(-partner.exp) - m))
        values.extend(self(factor) for factor in factors)
        product = self.combine(np.multiply, values, "a product")
        for factor in factors:  # a product with an inactive branch's bracket [u > v] = 0 is 0,
            if isinstance(factor, UnevaluatedGreater):  # even where the branch's own factor is inf or NaN
                product = gate(self(factor), product)
        return product

    def combine(self, ufunc, values, name):
        result = values[0]
        for value in values[1:]:
            result = ufunc(result, value)
        self.note(result, values, lambda: [(True, _OVERFLOW.format(name))])
        return result

    def checked(self, function, arg, name):
        value = self(arg)
        result = function(value)
        self.note(result, [value], lambda: [(True, _OVERFLOW.format(name))])
        return result

    def log(self, arg):
        rest = without_atom(list(arg.args), sp.S.One) if isinstance(arg, sp.Add) else None
        if rest:
            if len(rest) == 1 and isinstance(rest[0], UnevaluatedExp):
                return softplus(self(rest[0].args[0]))  # never overflows
            v = self.combine(np.add, [self(term) for term in rest], "a sum")
            result = np.log1p(v)
            self.note(result, [v], lambda: [(v < -1, "log of a negative number"), (v == -1, "log of zero")])
            return result
        v = self(arg)
        result = np.log(v)
        self.note(result, [v], lambda: [(v < 0, "log of a negative number"), (v == 0, "log of zero")])
        return result

    def power(self, expr):
        base, exponent = expr.args
        u = one_plus_exp(base)
        if u is not None and exponent.is_Integer and exponent < 0:
            return sc.expit(-self(u)) ** int(-exponent)
        b, e = self(base), self(exponent)
        if e == 0.5:
            result = np.sqrt(b)
        elif e == -1:
            result = 1.0 / b
        else:
            result = np.power(b, e)
        fractional = not float(e).is_integer()
        root = "square root of a negative number" if e in (0.5, -0.5) else "a negative number to a fractional power"
        self.note(result, [b, e], lambda: [((b < 0) & fractional, root), ((b == 0) & (e < 0), "division by zero"),
                                           (True, _OVERFLOW.format("a power"))])
        return result


def evaluate_expression(expr, x, param: sp.Symbol, a: float, track: bool = False):
    """(values with x's shape, evaluator) of a SymPy tree at x, under np.errstate(all='ignore')."""
    x = np.asarray(x, dtype=np.float64)
    evaluator = Evaluator({X: x, param: np.float64(a)}, x.shape, track)
    with np.errstate(all="ignore"):
        value = evaluator(expr)
        value = np.array(np.broadcast_to(np.asarray(value, dtype=np.float64), x.shape))
    return value, evaluator


def scalar_or_array(value: np.ndarray, x) -> np.ndarray | np.float64:
    """The np.float64 in value when x is a scalar (value then has shape ()), else value itself."""
    return value[()] if np.ndim(x) == 0 else value
