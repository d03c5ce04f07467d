"""The SymPy building blocks: x, the inert function classes Unevaluated* (each with its derivative
rule, fdiff, and its LaTeX), opaque constants (UnevaluatedConstant), and the FUNCTIONS table of
what a formula may call."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp


X = sp.Symbol("x")


# --------------------------------------------------------------------------- SymPy building blocks
#
# Every function is an inert sp.Function: no eval (SymPy would rewrite tanh(log(u)) as
# (u^2-1)/(u^2+1) and exp(log(x)) as x), no evalf and no assumption handlers. With assumption-free
# symbols this keeps SymPy's automatic reasoning trivial: sympy.cosh's is_positive handler, for
# one, builds Mod(im(u), 2 pi) and a polynomial gcd that ran out of memory on a 150-character input.
#
# The class names are part of the behaviour: SymPy orders the arguments of a sum or product by
# class name (Basic.compare, for names not in its ordering_of_classes) and prints factors in
# sort_key order (class name again), and the evaluator folds sums and products in that order. The
# common prefix "Unevaluated" keeps the order the former names _Exp, ..., _Constant gave, bit for
# bit and LaTeX for LaTeX: after Symbol, pi and e, before SymPy's lowercase functions, and not in
# ordering_of_classes (plain Exp, Abs, Sin, ... are). A prefix that sorts before "Symbol" would
# move the constants ahead of x: f' of x**(-10)/0 would print as -10/(0 x^11), not -10/(x^11 * 0).


class UnevaluatedFunction(sp.Function):
    """A function SymPy only carries and differentiates (derivative in fdiff)."""

    tex_name = r"\operatorname{f}"
    is_number = False  # so SymPy never tries evalf on e.g. log1p(x - x) = log1p(0) to learn a sign

    @classmethod
    def eval(cls, *args):
        return None

    def _eval_evalf(self, prec):
        return None

    def _latex(self, printer, exp=None):
        args = ", ".join(printer._print(arg) for arg in self.args)
        head = self.tex_name if exp is None else f"{self.tex_name}^{{{exp}}}"
        return rf"{head}\left({args}\right)"


class UnevaluatedExp(UnevaluatedFunction):
    nargs = 1

    def fdiff(self, argindex=1):
        return self

    def _latex(self, printer, exp=None):
        body = f"e^{{{printer._print(self.args[0])}}}"
        return body if exp is None else rf"\left({body}\right)^{{{exp}}}"


class UnevaluatedLog(UnevaluatedFunction):
    nargs, tex_name = 1, r"\ln"

    def fdiff(self, argindex=1):
        return 1 / self.args[0]


class UnevaluatedLog1p(UnevaluatedFunction):
    """ln(1 + u), evaluated with log1p."""

    nargs, tex_name = 1, r"\ln"

    def fdiff(self, argindex=1):
        return 1 / (1 + self.args[0])

    def _latex(self, printer, exp=None):
        head = self.tex_name if exp is None else f"{self.tex_name}^{{{exp}}}"
        return rf"{head}\left(1 + {printer._print(self.args[0])}\right)"


class UnevaluatedExpm1(UnevaluatedFunction):
    """e^u - 1, evaluated with expm1."""

    nargs = 1

    def fdiff(self, argindex=1):
        return UnevaluatedExp(self.args[0])

    def _latex(self, printer, exp=None):
        body = rf"\left(e^{{{printer._print(self.args[0])}}} - 1\right)"
        return body if exp is None else f"{body}^{{{exp}}}"


class UnevaluatedSign(UnevaluatedFunction):
    nargs, tex_name = 1, r"\operatorname{sign}"

    def fdiff(self, argindex=1):
        return sp.S.Zero


class UnevaluatedAbs(UnevaluatedFunction):
    """|u|; |u|' = sign(u), so abs'(0) = 0."""

    nargs = 1

    def fdiff(self, argindex=1):
        return UnevaluatedSign(self.args[0])

    def _latex(self, printer, exp=None):
        body = rf"\left|{printer._print(self.args[0])}\right|"
        return body if exp is None else f"{body}^{{{exp}}}"


class UnevaluatedTanh(UnevaluatedFunction):
    nargs, tex_name = 1, r"\tanh"

    def fdiff(self, argindex=1):
        return 1 - UnevaluatedTanh(self.args[0]) ** 2


class UnevaluatedSinh(UnevaluatedFunction):
    nargs, tex_name = 1, r"\sinh"

    def fdiff(self, argindex=1):
        return UnevaluatedCosh(self.args[0])


class UnevaluatedCosh(UnevaluatedFunction):
    nargs, tex_name = 1, r"\cosh"

    def fdiff(self, argindex=1):
        return UnevaluatedSinh(self.args[0])


class UnevaluatedSin(UnevaluatedFunction):
    nargs, tex_name = 1, r"\sin"

    def fdiff(self, argindex=1):
        return UnevaluatedCos(self.args[0])


class UnevaluatedCos(UnevaluatedFunction):
    nargs, tex_name = 1, r"\cos"

    def fdiff(self, argindex=1):
        return -UnevaluatedSin(self.args[0])


class UnevaluatedErf(UnevaluatedFunction):
    nargs, tex_name = 1, r"\operatorname{erf}"

    def fdiff(self, argindex=1):
        return 2 * UnevaluatedExp(-self.args[0] ** 2) / sp.sqrt(sp.pi)


class UnevaluatedSigmoid(UnevaluatedFunction):
    """sigma(u) = 1/(1+e^-u); sigma' = sigma(u) sigma(-u) (accurate in both tails)."""

    nargs, tex_name = 1, r"\sigma"

    def fdiff(self, argindex=1):
        u = self.args[0]
        return UnevaluatedSigmoid(u) * UnevaluatedSigmoid(-u)


class UnevaluatedSoftplus(UnevaluatedFunction):
    """softplus(u) = ln(1 + e^u); softplus' = sigma."""

    nargs, tex_name = 1, r"\operatorname{softplus}"

    def fdiff(self, argindex=1):
        return UnevaluatedSigmoid(self.args[0])


class UnevaluatedGreater(UnevaluatedFunction):
    """Iverson bracket [u > v] (1 or 0); its derivative is 0 almost everywhere."""

    nargs = 2

    def fdiff(self, argindex=1):
        return sp.S.Zero

    def _latex(self, printer, exp=None):
        u, v = self.args
        if u.is_Number:  # [0 > x] reads better as [x < 0]
            return rf"\left[{printer._print(v)} < {printer._print(u)}\right]"
        return rf"\left[{printer._print(u)} > {printer._print(v)}\right]"


class UnevaluatedRelu(UnevaluatedFunction):
    """relu(u) = max(u, 0); relu' = [u > 0]."""

    nargs, tex_name = 1, r"\operatorname{ReLU}"

    def fdiff(self, argindex=1):
        return UnevaluatedGreater(self.args[0], sp.S.Zero)


class UnevaluatedMax(UnevaluatedFunction):
    """max(u, v); d/du = [u > v], d/dv = [v > u] (0 at a tie, so relu'(0) = 0)."""

    nargs, tex_name = 2, r"\max"

    def fdiff(self, argindex=1):
        u, v = self.args
        return UnevaluatedGreater(u, v) if argindex == 1 else UnevaluatedGreater(v, u)


class UnevaluatedMin(UnevaluatedFunction):
    """min(u, v); d/du = [u < v], d/dv = [v < u]."""

    nargs, tex_name = 2, r"\min"

    def fdiff(self, argindex=1):
        u, v = self.args
        return UnevaluatedGreater(v, u) if argindex == 1 else UnevaluatedGreater(u, v)


class UnevaluatedConstant(sp.Dummy):
    """A constant sub-formula SymPy must not evaluate; numpy computed its value once."""

    def __new__(cls, tex: str, value: float, cause: str | None):
        obj = super().__new__(cls, "c")
        obj.tex, obj.value, obj.cause = tex, value, cause  # cause: why value is not finite
        return obj

    def __getnewargs_ex__(self):  # pickling (e.g. st.cache_data) rebuilds it from its fields
        return (self.tex, self.value, self.cause), {}

    def _latex(self, printer, **kwargs):
        return self.tex


@dataclass(frozen=True)
class _Function:
    """One allowed function: arity, SymPy class, LaTeX of the typed call, and a short help."""

    arity: int
    cls: type | None  # None for sqrt, which is u**(1/2) in SymPy
    tex: str  # format string with {0} (and {1})
    help: str

    def build(self, *args):
        if self.cls is None:
            return sp.Pow(args[0], sp.S.Half, evaluate=False)
        if self.arity == 2 and args[0] == args[1]:  # max(u, u) = min(u, u) = u; the tie rule
            return args[0]  # (derivative 0 at u = v) would make its derivative 0 everywhere
        return self.cls(*args, evaluate=False)


FUNCTIONS = {
    "exp": _Function(1, UnevaluatedExp, r"e^{{{0}}}", "e to the power u"),
    "log": _Function(1, UnevaluatedLog, r"\ln\left({0}\right)", "natural logarithm"),
    "log1p": _Function(1, UnevaluatedLog1p, r"\ln\left(1 + {0}\right)", "ln(1 + u), accurate for small u"),
    "expm1": _Function(1, UnevaluatedExpm1, r"\left(e^{{{0}}} - 1\right)", "e^u - 1, accurate for small u"),
    "sqrt": _Function(1, None, r"\sqrt{{{0}}}", "square root"),
    "abs": _Function(1, UnevaluatedAbs, r"\left|{0}\right|", "absolute value"),
    "tanh": _Function(1, UnevaluatedTanh, r"\tanh\left({0}\right)", "hyperbolic tangent"),
    "sinh": _Function(1, UnevaluatedSinh, r"\sinh\left({0}\right)", "hyperbolic sine"),
    "cosh": _Function(1, UnevaluatedCosh, r"\cosh\left({0}\right)", "hyperbolic cosine"),
    "sin": _Function(1, UnevaluatedSin, r"\sin\left({0}\right)", "sine"),
    "cos": _Function(1, UnevaluatedCos, r"\cos\left({0}\right)", "cosine"),
    "sigmoid": _Function(1, UnevaluatedSigmoid, r"\sigma\left({0}\right)", "1 / (1 + e^-u)"),
    "softplus": _Function(1, UnevaluatedSoftplus, r"\operatorname{{softplus}}\left({0}\right)", "ln(1 + e^u)"),
    "erf": _Function(1, UnevaluatedErf, r"\operatorname{{erf}}\left({0}\right)", "error function"),
    "relu": _Function(1, UnevaluatedRelu, r"\operatorname{{ReLU}}\left({0}\right)", "max(u, 0)"),
    "max": _Function(2, UnevaluatedMax, r"\max\left({0}, {1}\right)", "larger of two values"),
    "min": _Function(2, UnevaluatedMin, r"\min\left({0}, {1}\right)", "smaller of two values"),
}
