"""A student's own activation: a typed formula, parsed safely, with its symbolic derivative.

The package by stage: text.py (caps, FormulaError, checks on the text), validate.py (the whitelist
check of the tree), functions.py (x, the inert SymPy functions with their derivative rules, FUNCTIONS),
latex.py (f as typed), symbolic.py (tree -> SymPy, the derivative), evaluate.py (the numpy evaluator),
custom.py (CustomFormula), report.py (evaluate_with_report, limit_messages), parse.py (parse_formula).

Safety by construction: the text only ever reaches ``ast.parse``. The tree is checked against a
whitelist (numbers, x, one parameter, pi, e, + - * / **, unary minus, a fixed set of functions),
then a SymPy expression is built by walking it, differentiated with ``sympy.diff``, and evaluated
with numpy by a small tree walker. Nothing is passed to eval, exec, sympify, parse_expr or lambdify.

Work is bounded by caps (length, node count, nesting depth, constant exponents, nested powers) and
by giving SymPy nothing it could evaluate or reason about at length: every function is an inert
sp.Function (no eval, evalf or assumption handlers), symbols carry no assumptions, and a constant
sub-formula with a function call or a fractional power (``exp(exp(exp(20)))``, ``(-2)**0.5``)
becomes an opaque symbol whose value numpy computes once (SymPy's own ``exp(exp(exp(20.0)))``
never returns). Measured worst case of parse + diff + LaTeX within the caps: about 50 ms.

Kinks: d/dx max(u, v) = [u > v] u' + [v > u] v' and d/dx min(u, v) = [u < v] u' + [v < u] v', so
at a tie both brackets are 0: relu'(0) = 0 (the PyTorch/JAX convention), and
``max(0, x) + a*min(0, x)`` has derivative 0 at x = 0. ``abs'(0) = sign(0) = 0``.
"""


from .custom import (
    CustomFormula,
)
from .functions import (
    FUNCTIONS,
    X,
)
from .parse import (
    parse_formula,
)
from .report import (
    evaluate_with_report,
    EvaluationReport,
    limit_messages,
    Problem,
)
from .text import (
    DEFAULT_PARAM,
    FormulaError,
    MAX_CONSTANT,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_MEMO,
    MAX_NODES,
    MAX_POWER_NESTING,
)

__all__ = [
    "CustomFormula",
    "DEFAULT_PARAM",
    "evaluate_with_report",
    "EvaluationReport",
    "FormulaError",
    "FUNCTIONS",
    "limit_messages",
    "MAX_CONSTANT",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_MEMO",
    "MAX_NODES",
    "MAX_POWER_NESTING",
    "parse_formula",
    "Problem",
    "X",
]

