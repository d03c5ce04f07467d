"""A student's own activation: a typed formula, parsed safely, with its symbolic derivative.

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

from __future__ import annotations

import ast
import difflib
import keyword
import math
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import scipy.special as sc
import sympy as sp

from activations_core.functions import Activation, Param

MAX_LENGTH = 200  # characters
MAX_NODES = 80  # numbers, names, operators and calls in the parsed tree
MAX_DEPTH = 16  # nesting levels: calls, powers, unary signs, brackets; a chain x+y-z counts once
MAX_POWER_NESTING = 2  # (x**2)**3 is fine, ((x**2)**3)**2 is not
MAX_EXPONENT = 10  # |exponent| of **
MAX_CONSTANT = 1e6  # |number| typed
MAX_MEMO = 32  # limits at +-inf kept per formula (one per parameter value)
DEFAULT_PARAM = 1.0

X = sp.Symbol("x")
_RESERVED = ("x", "pi", "e")


class FormulaError(ValueError):
    """A formula the parser refuses; the message is written for students."""


# --------------------------------------------------------------------------- SymPy building blocks
#
# Every function is an inert sp.Function: no eval (SymPy would rewrite tanh(log(u)) as
# (u^2-1)/(u^2+1) and exp(log(x)) as x), no evalf and no assumption handlers. With assumption-free
# symbols this keeps SymPy's automatic reasoning trivial: sympy.cosh's is_positive handler, for
# one, builds Mod(im(u), 2 pi) and a polynomial gcd that ran out of memory on a 150-character input.


class _Inert(sp.Function):
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


class _Exp(_Inert):
    nargs = 1

    def fdiff(self, argindex=1):
        return self

    def _latex(self, printer, exp=None):
        body = f"e^{{{printer._print(self.args[0])}}}"
        return body if exp is None else rf"\left({body}\right)^{{{exp}}}"


class _Log(_Inert):
    nargs, tex_name = 1, r"\ln"

    def fdiff(self, argindex=1):
        return 1 / self.args[0]


class _Log1p(_Inert):
    """ln(1 + u), evaluated with log1p."""

    nargs, tex_name = 1, r"\ln"

    def fdiff(self, argindex=1):
        return 1 / (1 + self.args[0])

    def _latex(self, printer, exp=None):
        head = self.tex_name if exp is None else f"{self.tex_name}^{{{exp}}}"
        return rf"{head}\left(1 + {printer._print(self.args[0])}\right)"


class _Expm1(_Inert):
    """e^u - 1, evaluated with expm1."""

    nargs = 1

    def fdiff(self, argindex=1):
        return _Exp(self.args[0])

    def _latex(self, printer, exp=None):
        body = rf"\left(e^{{{printer._print(self.args[0])}}} - 1\right)"
        return body if exp is None else f"{body}^{{{exp}}}"


class _Sign(_Inert):
    nargs, tex_name = 1, r"\operatorname{sign}"

    def fdiff(self, argindex=1):
        return sp.S.Zero


class _Abs(_Inert):
    """|u|; |u|' = sign(u), so abs'(0) = 0."""

    nargs = 1

    def fdiff(self, argindex=1):
        return _Sign(self.args[0])

    def _latex(self, printer, exp=None):
        body = rf"\left|{printer._print(self.args[0])}\right|"
        return body if exp is None else f"{body}^{{{exp}}}"


class _Tanh(_Inert):
    nargs, tex_name = 1, r"\tanh"

    def fdiff(self, argindex=1):
        return 1 - _Tanh(self.args[0]) ** 2


class _Sinh(_Inert):
    nargs, tex_name = 1, r"\sinh"

    def fdiff(self, argindex=1):
        return _Cosh(self.args[0])


class _Cosh(_Inert):
    nargs, tex_name = 1, r"\cosh"

    def fdiff(self, argindex=1):
        return _Sinh(self.args[0])


class _Sin(_Inert):
    nargs, tex_name = 1, r"\sin"

    def fdiff(self, argindex=1):
        return _Cos(self.args[0])


class _Cos(_Inert):
    nargs, tex_name = 1, r"\cos"

    def fdiff(self, argindex=1):
        return -_Sin(self.args[0])


class _Erf(_Inert):
    nargs, tex_name = 1, r"\operatorname{erf}"

    def fdiff(self, argindex=1):
        return 2 * _Exp(-self.args[0] ** 2) / sp.sqrt(sp.pi)


class _Sigmoid(_Inert):
    """sigma(u) = 1/(1+e^-u); sigma' = sigma(u) sigma(-u) (accurate in both tails)."""

    nargs, tex_name = 1, r"\sigma"

    def fdiff(self, argindex=1):
        u = self.args[0]
        return _Sigmoid(u) * _Sigmoid(-u)


class _Softplus(_Inert):
    """softplus(u) = ln(1 + e^u); softplus' = sigma."""

    nargs, tex_name = 1, r"\operatorname{softplus}"

    def fdiff(self, argindex=1):
        return _Sigmoid(self.args[0])


class _Greater(_Inert):
    """Iverson bracket [u > v] (1 or 0); its derivative is 0 almost everywhere."""

    nargs = 2

    def fdiff(self, argindex=1):
        return sp.S.Zero

    def _latex(self, printer, exp=None):
        u, v = self.args
        if u.is_Number:  # [0 > x] reads better as [x < 0]
            return rf"\left[{printer._print(v)} < {printer._print(u)}\right]"
        return rf"\left[{printer._print(u)} > {printer._print(v)}\right]"


class _Relu(_Inert):
    """relu(u) = max(u, 0); relu' = [u > 0]."""

    nargs, tex_name = 1, r"\operatorname{ReLU}"

    def fdiff(self, argindex=1):
        return _Greater(self.args[0], sp.S.Zero)


class _Max(_Inert):
    """max(u, v); d/du = [u > v], d/dv = [v > u] (0 at a tie, so relu'(0) = 0)."""

    nargs, tex_name = 2, r"\max"

    def fdiff(self, argindex=1):
        u, v = self.args
        return _Greater(u, v) if argindex == 1 else _Greater(v, u)


class _Min(_Inert):
    """min(u, v); d/du = [u < v], d/dv = [v < u]."""

    nargs, tex_name = 2, r"\min"

    def fdiff(self, argindex=1):
        u, v = self.args
        return _Greater(v, u) if argindex == 1 else _Greater(u, v)


class _Constant(sp.Dummy):
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
    "exp": _Function(1, _Exp, r"e^{{{0}}}", "e to the power u"),
    "log": _Function(1, _Log, r"\ln\left({0}\right)", "natural logarithm"),
    "log1p": _Function(1, _Log1p, r"\ln\left(1 + {0}\right)", "ln(1 + u), accurate for small u"),
    "expm1": _Function(1, _Expm1, r"\left(e^{{{0}}} - 1\right)", "e^u - 1, accurate for small u"),
    "sqrt": _Function(1, None, r"\sqrt{{{0}}}", "square root"),
    "abs": _Function(1, _Abs, r"\left|{0}\right|", "absolute value"),
    "tanh": _Function(1, _Tanh, r"\tanh\left({0}\right)", "hyperbolic tangent"),
    "sinh": _Function(1, _Sinh, r"\sinh\left({0}\right)", "hyperbolic sine"),
    "cosh": _Function(1, _Cosh, r"\cosh\left({0}\right)", "hyperbolic cosine"),
    "sin": _Function(1, _Sin, r"\sin\left({0}\right)", "sine"),
    "cos": _Function(1, _Cos, r"\cos\left({0}\right)", "cosine"),
    "sigmoid": _Function(1, _Sigmoid, r"\sigma\left({0}\right)", "1 / (1 + e^-u)"),
    "softplus": _Function(1, _Softplus, r"\operatorname{{softplus}}\left({0}\right)", "ln(1 + e^u)"),
    "erf": _Function(1, _Erf, r"\operatorname{{erf}}\left({0}\right)", "error function"),
    "relu": _Function(1, _Relu, r"\operatorname{{ReLU}}\left({0}\right)", "max(u, 0)"),
    "max": _Function(2, _Max, r"\max\left({0}, {1}\right)", "larger of two values"),
    "min": _Function(2, _Min, r"\min\left({0}, {1}\right)", "smaller of two values"),
}

# ------------------------------------------------------------------------------------ text checks

_ALLOWED_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ \t.,+-*/^()")
_CHAR_HINTS = {
    "=": "type only the right-hand side: for f(x) = x*sigmoid(x) type x*sigmoid(x)",
    "[": "use round brackets ( )", "]": "use round brackets ( )",
    "{": "use round brackets ( )", "}": "use round brackets ( )",
    "'": "a formula contains no text in quotes", '"': "a formula contains no text in quotes",
    "%": "there is no remainder operator; use + - * / and **",
    "<": "comparisons are not allowed (for a step use relu(x) or max(0, x))",
    ">": "comparisons are not allowed (for a step use relu(x) or max(0, x))",
    "!": "comparisons are not allowed (for a step use relu(x) or max(0, x))",
    "&": "logic operators are not allowed", "|": "logic operators are not allowed",
    "~": "logic operators are not allowed", "@": "use * for multiplication",
    ";": "a formula is a single expression", ":": "a formula is a single expression",
    "\n": "a formula is a single line", "\r": "a formula is a single line",
    "\u2212": "type the ASCII minus sign -", "\u2013": "type the ASCII minus sign -",
    "\u00d7": "type * for multiplication", "\u00b7": "type * for multiplication", "\u22c5": "type * for multiplication",
    "\u00f7": "type / for division", "\u03c0": "type pi",
    "\u00b2": "type **2 for a square", "\u00b3": "type **3 for a cube",
}


def _check_characters(text: str) -> None:
    """Reject any character outside plain ASCII letters, digits, spaces and + - * / ^ ( ) , . _"""
    for index, char in enumerate(text):
        if char in _ALLOWED_CHARS:
            continue
        if char.isascii() and char.isprintable():
            shown = f"'{char}'"
        else:
            name = unicodedata.name(char, "unnamed character")
            shown = f"'{char}' (U+{ord(char):04X} {name})" if char.isprintable() else f"U+{ord(char):04X} ({name})"
        hint = _CHAR_HINTS.get(char)
        if char == "=" and text[:index].count("(") > text[:index].count(")"):
            hint = "write function arguments plainly, like sigmoid(x), without names"
        if hint is None:
            hint = "use plain ASCII letters, digits, spaces and + - * / ** ( ) ,"
            if char.isalpha():
                hint += " (it may look like a Latin letter but it is not one)"
        raise FormulaError(f"The character {shown} at position {index + 1} is not allowed: {hint}.")


def _prepare(text: object) -> tuple[str, str, int]:
    """(stripped text, text with ^ written as **, number of leading spaces), after the length and
    character checks."""
    if not isinstance(text, str):
        raise FormulaError("The formula must be text.")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"The formula is too long: {len(text)} characters (at most {MAX_LENGTH}).")
    _check_characters(text)
    stripped = text.strip()
    if not stripped:
        raise FormulaError("Type a formula in x, for example x * sigmoid(x).")
    return stripped, stripped.replace("^", "**"), len(text) - len(text.lstrip())


def _typed_position(stripped: str, column: int, lead: int) -> int:
    """1-based position in the typed text of a 1-based column in the stripped ^ -> ** text."""
    extra = 0
    for index, char in enumerate(stripped):
        if index + extra + 1 >= column:
            return lead + index + 1
        extra += char == "^"
    return lead + len(stripped)


def _syntax_message(err: SyntaxError, stripped: str, lead: int) -> str:
    """A student-readable version of Python's syntax error."""
    msg = err.msg or "invalid syntax"
    source = stripped.replace("^", "**")
    at_end = not err.offset or err.offset > len(source)
    if "decimal literal" in msg:
        msg = "a number runs straight into a letter (write 2*x, not 2x)"
    elif "never closed" in msg:
        msg = "a bracket '(' is never closed"
    elif "unmatched" in msg:
        msg = "there is a ')' without a matching '('"
    elif at_end:
        msg = "the formula ends too early (something is missing after the last operator)"
    elif "invalid syntax" in msg:
        msg = "an operator may be missing (e.g. * between two terms) or be misplaced"
    where = "at the end" if at_end else f"at position {_typed_position(stripped, err.offset, lead)}"
    return f"Cannot read the formula {where}: {msg}."


def _parse_tree(stripped: str, source: str, lead: int) -> ast.Expression:
    """ast.parse in eval mode, every failure turned into FormulaError."""
    try:
        return ast.parse(source, mode="eval")
    except SyntaxError as err:
        raise FormulaError(_syntax_message(err, stripped, lead)) from None
    except (RecursionError, MemoryError):
        raise FormulaError("The formula is nested too deeply.") from None
    except (ValueError, OverflowError) as err:
        raise FormulaError(f"Cannot read the formula: {err}.") from None


# ------------------------------------------------------------------------------- tree validation

_FORBIDDEN_NODES = {
    ast.Attribute: "Attributes (a dot after a name, like x.real)",
    ast.Subscript: "Square brackets (indexing)",
    ast.Lambda: "Lambda functions",
    ast.ListComp: "Comprehensions", ast.SetComp: "Comprehensions",
    ast.DictComp: "Comprehensions", ast.GeneratorExp: "Comprehensions",
    ast.Compare: "Comparisons (<, >, ==)", ast.BoolOp: "Logic words (and, or)",
    ast.IfExp: "Conditions (if ... else)", ast.NamedExpr: "Assignments (:=)",
    ast.Tuple: "Commas outside max(u, v) and min(u, v)",
    ast.List: "Lists", ast.Set: "Sets", ast.Dict: "Dictionaries",
    ast.Starred: "Starred arguments (*)", ast.JoinedStr: "Text (f-strings)",
    ast.Await: "Python's 'await' and 'yield'", ast.Yield: "Python's 'await' and 'yield'",
    ast.YieldFrom: "Python's 'await' and 'yield'", ast.Slice: "Slices",
}
_OPERATOR_HINTS = {
    ast.FloorDiv: "The operator // is not allowed: use / for division",
    ast.Mod: "The operator % is not allowed",
    ast.MatMult: "The operator @ is not allowed: use * for multiplication",
    ast.BitXor: "The operator ^ is not allowed here",
    ast.BitAnd: "The operator & is not allowed", ast.BitOr: "The operator | is not allowed",
    ast.LShift: "The operator << is not allowed", ast.RShift: "The operator >> is not allowed",
    ast.Not: "The word 'not' is not allowed", ast.Invert: "The operator ~ is not allowed",
}
_BINARY_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)


class _Validator:
    """Iterative whitelist walk: node count, depth, names, calls, constants and exponents."""

    def __init__(self, stripped: str, lead: int, param_name: str):
        self.stripped, self.lead, self.param_name = stripped, lead, param_name
        self.names = {"x", param_name, "pi", "e"}
        self.exponents: dict[int, Fraction] = {}  # id(Pow node) -> exponent
        self.nodes = 0

    def where(self, node: ast.AST) -> str:
        column = getattr(node, "col_offset", None)
        return "" if column is None else f" (at position {_typed_position(self.stripped, column + 1, self.lead)})"

    def fail(self, node: ast.AST, message: str) -> None:
        raise FormulaError(f"{message}{self.where(node)}.")

    def run(self, tree: ast.Expression) -> None:
        """Walk with an explicit stack (no recursion), failing at the first problem."""
        stack = [(tree.body, 1, 0)]
        while stack:
            node, depth, powers = stack.pop()
            self.count(1)
            if depth > MAX_DEPTH:
                raise FormulaError(f"The formula is nested too deeply (at most {MAX_DEPTH} levels).")
            stack.extend(self.children(node, depth, powers))

    def count(self, nodes: int) -> None:
        self.nodes += nodes
        if self.nodes > MAX_NODES:
            raise FormulaError(f"The formula has too many parts (at most {MAX_NODES} numbers, names and operations).")

    def children(self, node: ast.AST, depth: int, powers: int) -> list:
        if isinstance(node, ast.BinOp):
            return self.binop(node, depth, powers)
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                self.fail(node, _OPERATOR_HINTS.get(type(node.op), "This operator is not allowed"))
            return [(node.operand, depth + 1, powers)]
        if isinstance(node, ast.Constant):
            self.constant(node)
            return []
        if isinstance(node, ast.Name):
            self.name(node)
            return []
        if isinstance(node, ast.Call):
            return [(arg, depth + 1, powers) for arg in self.call(node)]
        self.fail(node, f"{_FORBIDDEN_NODES.get(type(node), 'This construction')} are not allowed in a formula")
        return []

    def binop(self, node: ast.BinOp, depth: int, powers: int) -> list:
        if not isinstance(node.op, _BINARY_OPS):
            self.fail(node, _OPERATOR_HINTS.get(type(node.op), "This operator is not allowed"))
        if not isinstance(node.op, ast.Pow):  # a chain like x + y - z or x*y/z counts as one level
            return [(child, depth + (not self.same_chain(node, child)), powers) for child in (node.left, node.right)]
        if powers + 1 > MAX_POWER_NESTING:
            self.fail(node, f"Too many nested powers (at most {MAX_POWER_NESTING}, like (x**2)**3)")
        self.count(sum(1 for part in ast.walk(node.right) if isinstance(part, ast.expr)))
        self.exponents[id(node)] = self.exponent(node.right)
        return [(node.left, depth + 1, powers + 1)]

    @staticmethod
    def same_chain(node: ast.BinOp, child: ast.AST) -> bool:
        """True if child continues node's chain of + - or of * /."""
        sums = (ast.Add, ast.Sub)
        return isinstance(child, ast.BinOp) and not isinstance(child.op, ast.Pow) and (
            isinstance(child.op, sums) == isinstance(node.op, sums))

    def exponent(self, node: ast.AST) -> Fraction:
        """The exact value of a constant exponent: numbers combined with + - * / only."""
        for part in ast.walk(node):
            if isinstance(part, (ast.Name, ast.Call)):
                self.fail(node, "The exponent must be a fixed number, like x**2 or x**0.5 "
                                "(for 2 to the power x write exp(x*log(2)))")
            if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Pow):
                self.fail(node, "Write the exponent as one number: x**8, not x**2**3")
            if not isinstance(part, (ast.Constant, ast.UnaryOp, ast.BinOp, ast.operator, ast.unaryop)):
                self.fail(node, "The exponent must be a fixed number, like x**2 or x**0.5")
        value = self.fraction(node)
        if abs(value) > MAX_EXPONENT:
            self.fail(node, f"Exponents must be between -{MAX_EXPONENT} and {MAX_EXPONENT}")
        return value

    def fraction(self, node: ast.AST) -> Fraction:
        if isinstance(node, ast.Constant):
            self.constant(node)
            return Fraction(repr(node.value)) if isinstance(node.value, float) else Fraction(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = self.fraction(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            left, right = self.fraction(node.left), self.fraction(node.right)
            if isinstance(node.op, ast.Div) and right == 0:
                self.fail(node, "The exponent divides by zero")
            ops = {ast.Add: Fraction.__add__, ast.Sub: Fraction.__sub__,
                   ast.Mult: Fraction.__mul__, ast.Div: Fraction.__truediv__}
            return ops[type(node.op)](left, right)
        self.fail(node, "The exponent must be a fixed number, like x**2 or x**0.5")
        return Fraction(0)

    def constant(self, node: ast.Constant) -> None:
        value = node.value
        if type(value) not in (int, float):
            kinds = {str: "Text in quotes is", bytes: "Text in quotes is", complex: "Imaginary numbers (like 1j) are",
                     bool: "True/False are"}
            self.fail(node, f"{kinds.get(type(value), 'This value is')} not allowed in a formula")
        if not np.isfinite(float(value)) or abs(value) > MAX_CONSTANT:
            self.fail(node, f"Numbers must be at most {MAX_CONSTANT:,.0f} in size")

    def name(self, node: ast.Name) -> None:
        if node.id in self.names:
            return
        if node.id in FUNCTIONS:
            self.fail(node, f"The name {node.id} is a function: write it with brackets, like {node.id}(x)")
        if node.id.startswith("_"):
            self.fail(node, "Names starting with an underscore are not allowed")
        self.fail(node, f"Unknown name '{node.id}': use x, {self.param_name}, pi, e{self.suggest(node.id)}")

    def call(self, node: ast.Call) -> list:
        if not isinstance(node.func, ast.Name):
            self.fail(node, "Only the listed functions can be called, like exp(x)")
        name = node.func.id
        spec = FUNCTIONS.get(name)
        if spec is None:
            self.fail(node, f"Unknown function '{name}'{self.suggest(name) or ''}. "
                            f"Available: {', '.join(FUNCTIONS)}")
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            self.fail(node, f"Write the arguments of {name} plainly, like {name}(x)")
        if len(node.args) != spec.arity:
            wanted = "1 argument" if spec.arity == 1 else f"{spec.arity} arguments"
            self.fail(node, f"The function {name} takes {wanted}, not {len(node.args)}")
        return node.args

    def suggest(self, name: str) -> str:
        aliases = {"ln": "log", "swish": "x*sigmoid(x)", "silu": "x*sigmoid(x)", "exponent": "exp"}
        candidates = [*FUNCTIONS, *sorted(self.names)]
        close = difflib.get_close_matches(name.lower(), candidates, n=1, cutoff=0.6)
        match = aliases.get(name.lower()) or (close[0] if close else None)
        return f" (did you mean {match}?)" if match else ""


# ------------------------------------------------------------------------------------ LaTeX (typed)

_ATOM, _POWER, _UNARY, _PRODUCT, _SUM = 5, 4, 3, 2, 1


def _number_tex(value: int | float) -> str:
    """LaTeX of a typed number: 0.5, 3, 1.5 \\cdot 10^{-8}."""
    text = repr(value)
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = rf"10^{{{int(exponent)}}}"
    return power if mantissa in ("1", "1.0") else rf"{mantissa.removesuffix('.0')} \cdot {power}"


class _LatexWriter:
    """LaTeX of the formula as typed (operand order and grouping kept)."""

    def __init__(self, param_name: str):
        self.names = {"x": "x", "pi": r"\pi", "e": "e", param_name: sp.latex(sp.Symbol(param_name))}

    def wrap(self, part: tuple[str, int], above: int) -> str:
        tex, level = part
        return tex if level > above else rf"\left({tex}\right)"

    def wrapped(self, node: ast.AST) -> str:
        """LaTeX of node, in brackets unless it is a number, name or function call."""
        tex, level = self.tex(node)
        return tex if level >= _POWER else rf"\left({tex}\right)"

    def tex(self, node: ast.AST) -> tuple[str, int]:
        if isinstance(node, ast.Constant):
            text = _number_tex(node.value)
            return text, (_PRODUCT if "cdot" in text else _ATOM)
        if isinstance(node, ast.Name):
            return self.names[node.id], _ATOM
        if isinstance(node, ast.UnaryOp):
            inner = self.tex(node.operand)
            sign = "- " if isinstance(node.op, ast.USub) else "+ "
            grouped = inner[1] in (_SUM, _UNARY)
            return sign + (rf"\left({inner[0]}\right)" if grouped else inner[0]), _UNARY
        if isinstance(node, ast.Call):
            spec = FUNCTIONS[node.func.id]
            body = spec.tex.format(*(self.tex(arg)[0] for arg in node.args))
            return body, (_POWER if node.func.id == "exp" else _ATOM)
        return self.binop(node)

    def binop(self, node: ast.BinOp) -> tuple[str, int]:
        left, right = self.tex(node.left), self.tex(node.right)
        if isinstance(node.op, ast.Div):
            return rf"\frac{{{left[0]}}}{{{right[0]}}}", _PRODUCT
        if isinstance(node.op, ast.Pow):
            return rf"{self.wrap(left, _POWER)}^{{{right[0]}}}", _POWER
        if isinstance(node.op, ast.Mult):
            right_tex = rf"\left({right[0]}\right)" if right[1] in (_SUM, _UNARY) else right[0]
            joiner = r" \cdot " if right_tex[:1].isdigit() or right_tex.startswith(r"\frac") else " "
            return self.wrap(left, _SUM) + joiner + right_tex, _PRODUCT
        right_tex = self.wrap(right, _SUM if isinstance(node.op, ast.Sub) else _SUM - 1)
        if right[1] == _UNARY:
            right_tex = rf"\left({right[0]}\right)"
        sign = " + " if isinstance(node.op, ast.Add) else " - "
        return self.wrap(left, _SUM - 1) + sign + right_tex, _SUM


# ----------------------------------------------------------------------------- numpy evaluation


def _softplus(u):
    """ln(1 + e^u) = max(u, 0) + log1p(e^-|u|): exact, no overflow."""
    return np.maximum(u, 0.0) + np.log1p(np.exp(-np.abs(u)))


def _greater(u, v):
    """[u > v] as 1.0/0.0, NaN where either side is NaN."""
    return np.where(np.isnan(u) | np.isnan(v), np.nan, np.greater(u, v).astype(float))


def _gate(bracket, value):
    """0 where an Iverson bracket is 0 (its branch is inactive), else value: max(0, x) + min(0,
    a expm1(x)) has f'(1000) = 1, not [0 > a expm1(1000)] * a e^1000 = 0 * inf = NaN."""
    return np.where(bracket == 0.0, 0.0, value)


_NUMPY = {
    _Exp: np.exp, _Sin: np.sin, _Cos: np.cos, _Tanh: np.tanh,
    _Sinh: np.sinh, _Cosh: np.cosh, _Erf: sc.erf, _Sign: np.sign,
    _Abs: np.abs, _Sigmoid: sc.expit, _Softplus: _softplus, _Relu: lambda u: np.maximum(u, 0.0),
    _Log1p: np.log1p, _Expm1: np.expm1, _Max: np.maximum, _Min: np.minimum, _Greater: _greater,
}
_NAMES = {_Exp: "exp", _Sinh: "sinh", _Cosh: "cosh", _Expm1: "expm1", sp.Pow: "a power",
          sp.Mul: "a product", sp.Add: "a sum"}
_OVERFLOW = "overflow in {} (a value above about 1.8e308)"


def _exp_argument(expr):
    """u if expr is exp(u), else None."""
    return expr.args[0] if isinstance(expr, _Exp) else None


def _exp_power(expr):
    """(u, m) if expr is exp(u)**m for a whole m >= 1 (exp(u) itself: m = 1), else (None, 0)."""
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer and expr.exp >= 1 and isinstance(expr.base, _Exp):
        return expr.base.args[0], int(expr.exp)
    return (expr.args[0], 1) if isinstance(expr, _Exp) else (None, 0)


def _without(terms, atom):
    """terms minus the first one that *is* atom (S.One or S.NegativeOne), or None if absent."""
    for index, term in enumerate(terms):
        if term is atom:
            return [*terms[:index], *terms[index + 1:]]
    return None


def _one_plus_exp(expr):
    """u if expr is 1 + exp(u) (either order), else None."""
    rest = _without(list(expr.args), sp.S.One) if isinstance(expr, sp.Add) else None
    return _exp_argument(rest[0]) if rest is not None and len(rest) == 1 else None


def _minus_tanh_squared(term):
    """u if term is -tanh(u)**2, else None."""
    if isinstance(term, sp.Mul) and len(term.args) == 2 and term.args[0] is sp.S.NegativeOne:
        power = term.args[1]
        if isinstance(power, sp.Pow) and power.exp == 2 and isinstance(power.base, _Tanh):
            return power.base.args[0]
    return None


class _Evaluator:
    """Walks a SymPy tree with numpy; optionally records the first cause of each non-finite value.

    Stable rewrites: log(1 + e^u) -> softplus(u), log(1 + v) -> log1p(v), e^u - 1 -> expm1(u),
    1 - tanh(u)^2 -> 1/cosh(u)^2, e^(m u) (1 + e^u)^-k -> sigma(u)^m sigma(-u)^(k-m) (k >= m),
    (1 + e^u)^-k -> sigma(-u)^k.
    """

    def __init__(self, env: dict, shape: tuple, track: bool):
        self.env, self.shape, self.track = env, shape, track
        self.memo: dict = {}
        self.causes: list[str] = []
        self.inherited: set[str] = set()  # causes copied from a _Constant (already say where)
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
        if isinstance(expr, _Constant):
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
        if isinstance(expr, _Log):
            return self.log(expr.args[0])
        if isinstance(expr, _Log1p):
            return self.log(1 + expr.args[0])
        function = _NUMPY.get(expr.func)
        if function is None:  # a SymPy constant from folding, e.g. e**2 = exp(2)
            return self.leaf(expr)
        inputs = [self(arg) for arg in expr.args]
        result = function(*inputs)
        name = _NAMES.get(expr.func, str(expr.func))
        self.note(result, inputs, lambda: [(True, _OVERFLOW.format(name))])
        return result

    def add(self, expr):
        terms, values = list(expr.args), []
        rest = _without(terms, sp.S.NegativeOne)
        exp_term = next((t for t in rest if isinstance(t, _Exp)), None) if rest is not None else None
        if exp_term is not None:  # e^u - 1 + ... = expm1(u) + ...
            terms = [t for t in rest if t is not exp_term]
            values.append(self.checked(np.expm1, exp_term.args[0], "expm1"))
        rest = _without(terms, sp.S.One)
        tanh_term = next((t for t in rest if _minus_tanh_squared(t) is not None), None) if rest is not None else None
        if tanh_term is not None:  # 1 - tanh(u)^2 + ... = 1/cosh(u)^2 + ...
            terms = [t for t in rest if t is not tanh_term]
            values.append(self.checked(lambda u: 1.0 / np.cosh(u) ** 2, _minus_tanh_squared(tanh_term), "cosh"))
        values.extend(self(term) for term in terms)
        return self.combine(np.add, values, "a sum")

    def mul(self, expr):
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
                head = sc.expit(s) if m == 1 else sc.expit(s) ** m
                values.append(head * sc.expit(-s) ** (int(-partner.exp) - m))
        values.extend(self(factor) for factor in factors)
        product = self.combine(np.multiply, values, "a product")
        for factor in factors:  # a product with an inactive branch's bracket [u > v] = 0 is 0,
            if isinstance(factor, _Greater):  # even where the branch's own factor is inf or NaN
                product = _gate(self(factor), product)
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
        rest = _without(list(arg.args), sp.S.One) if isinstance(arg, sp.Add) else None
        if rest:
            if len(rest) == 1 and isinstance(rest[0], _Exp):
                return _softplus(self(rest[0].args[0]))  # never overflows
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
        u = _one_plus_exp(base)
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


def _evaluate(expr, x, param: sp.Symbol, a: float, track: bool = False):
    """(values with x's shape, evaluator) of a SymPy tree at x, under np.errstate(all='ignore')."""
    x = np.asarray(x, dtype=np.float64)
    evaluator = _Evaluator({X: x, param: np.float64(a)}, x.shape, track)
    with np.errstate(all="ignore"):
        value = evaluator(expr)
        value = np.array(np.broadcast_to(np.asarray(value, dtype=np.float64), x.shape))
    return value, evaluator


def _scalar_or_array(value: np.ndarray, x) -> np.ndarray | np.float64:
    return value[()] if np.ndim(x) == 0 else value


# ------------------------------------------------------------------------------------ the builder


def _power(base, exponent):
    """base**exponent left as written (0 and 1 spelled out): SymPy would merge it with other
    powers of the same base, which can change where the function is defined."""
    if exponent == 0:
        return sp.S.One
    if exponent == 1:
        return base
    return sp.Pow(base, exponent, evaluate=False)


def _differentiate(expr):
    """d expr / dx by the sum, product, power and chain rules.

    A constant power uses n b^(n-1) b': SymPy's own rule, b^n (n b' / b), divides by the base and
    gives 0/0 = NaN wherever the base is 0, so that (2x)^2 had f'(0) = NaN. Functions use their
    fdiff (the inert classes above), one term per argument that depends on x.
    """
    if not expr.has(X):
        return sp.S.Zero
    if expr == X:
        return sp.S.One
    if isinstance(expr, sp.Add):
        return sp.Add(*(_differentiate(term) for term in expr.args))
    if isinstance(expr, sp.Mul):
        factors = expr.args
        return sp.Add(*(sp.Mul(*factors[:i], _differentiate(f), *factors[i + 1:])
                        for i, f in enumerate(factors) if f.has(X)))
    if isinstance(expr, sp.Pow) and not expr.exp.has(X):
        base, exponent = expr.args
        return sp.Mul(exponent, _power(base, exponent - 1), _differentiate(base))
    if isinstance(expr, _Inert):
        return sp.Add(*(sp.Mul(expr.fdiff(i + 1), _differentiate(arg))
                        for i, arg in enumerate(expr.args) if arg.has(X)))
    return sp.diff(expr, X)  # nothing the builder makes reaches here; SymPy's rule as a fallback


class _Builder:
    """Validated ast -> SymPy. Functions and powers stay unevaluated (SymPy would rewrite
    tanh(log(u)) as (u^2-1)/(u^2+1)); constant sub-formulas are folded only when that is exact
    arithmetic, otherwise they become _Constant."""

    def __init__(self, param: sp.Symbol, exponents: dict, writer: _LatexWriter):
        self.param, self.exponents, self.writer = param, exponents, writer
        self.variables = {"x", param.name}
        self.symbols = {"x": X, param.name: param, "pi": sp.pi, "e": sp.E}

    def depends(self, node: ast.AST) -> bool:
        return any(isinstance(n, ast.Name) and n.id in self.variables for n in ast.walk(node))

    def build(self, node: ast.AST):
        if not self.depends(node):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.symbols[node.id]
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call):
            return FUNCTIONS[node.func.id].build(*(self.build(arg) for arg in node.args))
        return self.binop(node, self.build)

    def binop(self, node: ast.BinOp, build):
        if isinstance(node.op, ast.Pow):
            exponent = self.exponents[id(node)]
            return sp.Pow(build(node.left), sp.Rational(exponent.numerator, exponent.denominator), evaluate=False)
        left, right = build(node.left), build(node.right)
        if isinstance(node.op, ast.Div) and build == self.build and right == 0:  # x/0: numeric inf, not zoo
            right = _Constant(self.writer.wrapped(node.right), 0.0, None)
        return {ast.Add: lambda: left + right, ast.Sub: lambda: left - right,
                ast.Mult: lambda: left * right, ast.Div: lambda: left / right}[type(node.op)]()

    def constant(self, node: ast.AST):
        """Exact SymPy number for literal arithmetic (with pi, e, integer powers), else _Constant."""
        if isinstance(node, ast.Constant):
            return sp.Integer(node.value) if isinstance(node.value, int) else sp.Float(node.value)
        if isinstance(node, ast.Name):
            return self.symbols[node.id]
        if isinstance(node, ast.UnaryOp):
            operand = self.constant(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and not (isinstance(node.op, ast.Pow)
                                                and self.exponents[id(node)].denominator != 1):
            try:
                value = self.binop(node, self.constant)
            except ArithmeticError:  # SymPy raises for 0.0/0.0; numpy gives NaN with a report
                value = sp.nan
            if value.is_finite and value.is_extended_real and not value.has(sp.zoo, sp.nan):
                if value.has(sp.pi, sp.E) and sp.expand(value.doit()) == 0:  # (pi + e)^2 - pi^2 - 2 pi e - e^2
                    return sp.S.Zero  # is exactly 0; unexpanded it would evaluate to a rounding residue
                return value
        return self.opaque(node)

    def opaque(self, node: ast.AST) -> _Constant:
        inner = self.unevaluated(node)
        value, evaluator = _evaluate(inner, 0.0, self.param, 0.0, track=True)
        cause = None
        if not np.isfinite(value):
            recorded = evaluator.causes[int(evaluator.cause)] if evaluator.cause >= 0 else "an undefined operation"
            cause = recorded if recorded in evaluator.inherited else f"{recorded}, while computing {ast.unparse(node)}"
        return _Constant(self.writer.wrapped(node), float(value), cause)

    def unevaluated(self, node: ast.AST):
        """The constant node's own operation, unevaluated, over folded/opaque children."""
        if isinstance(node, ast.Call):
            return FUNCTIONS[node.func.id].build(*(self.constant(arg) for arg in node.args))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exponent = self.exponents[id(node)]
            return sp.Pow(self.constant(node.left), sp.Rational(exponent.numerator, exponent.denominator),
                          evaluate=False)
        if isinstance(node, ast.BinOp):
            left, right = self.constant(node.left), self.constant(node.right)
            if isinstance(node.op, ast.Div):
                return sp.Mul(left, sp.Pow(right, -1, evaluate=False), evaluate=False)
            if isinstance(node.op, ast.Sub):
                return sp.Add(left, sp.Mul(-1, right, evaluate=False), evaluate=False)
            return (sp.Add if isinstance(node.op, ast.Add) else sp.Mul)(left, right, evaluate=False)
        raise FormulaError(f"Cannot evaluate the constant {ast.unparse(node)}.")


# ------------------------------------------------------------------------------------- public API


@dataclass(frozen=True)
class Problem:
    """Where f or f' is NaN or infinite on the evaluated grid, and why."""

    function: str  # "f" or "f'"
    kind: str  # "undefined (NaN)" or "infinite"
    cause: str
    count: int
    total: int
    x_ranges: tuple[tuple[float, float], ...]

    def message(self) -> str:
        if self.count == self.total:
            where = "everywhere"
        else:
            spans = [f"at x = {lo:.4g}" if lo == hi or np.isnan(lo) else f"for x in [{lo:.4g}, {hi:.4g}]"
                     for lo, hi in self.x_ranges[:3]]
            more = f" and {len(self.x_ranges) - 3} more ranges" if len(self.x_ranges) > 3 else ""
            where = ", ".join(spans) + more
        return f"{self.function}(x) is {self.kind} {where} ({self.count} of {self.total} points): {self.cause}."


@dataclass(frozen=True)
class EvaluationReport:
    """The problems found by evaluate_with_report (empty when every value is finite)."""

    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(problem.message() for problem in self.problems)


def _x_ranges(x: np.ndarray, mask: np.ndarray) -> tuple[tuple[float, float], ...]:
    """Runs of consecutive x (in sorted order) where mask holds, as (first, last) pairs."""
    order = np.argsort(x, kind="stable")
    xs, ms = x[order], mask[order]
    edges = np.flatnonzero(np.diff(np.concatenate(([0], ms.view(np.int8), [0]))))
    return tuple((float(xs[start]), float(xs[stop - 1])) for start, stop in zip(edges[::2], edges[1::2]))


def _problems(label: str, values: np.ndarray, x: np.ndarray, considered: np.ndarray, evaluator) -> list[Problem]:
    """Group the non-finite points of `values` (among `considered`) by kind and cause."""
    problems = []
    flat_x, total = x.ravel(), values.size
    for kind, mask in (("undefined (NaN)", np.isnan(values)), ("infinite", np.isinf(values))):
        mask = (mask & considered).ravel()
        causes = evaluator.cause.ravel()
        for index in np.unique(causes[mask]):
            where = mask & (causes == index)
            cause = evaluator.causes[index] if index >= 0 else "a NaN or infinite input"
            if kind == "undefined (NaN)" and cause.startswith("overflow"):
                cause = f"an {cause}, then inf - inf, inf/inf or 0*inf"
            problems.append(Problem(label, kind, cause, int(where.sum()), total, _x_ranges(flat_x, where)))
    return problems


@dataclass(frozen=True, eq=False)
class CustomFormula:
    """A validated formula f(x; a) with its symbolic derivative; see parse_formula."""

    text: str
    param_name: str
    uses_param: bool
    # not in the repr, which the text already identifies: the lab's run signature holds the repr of
    # the activation, and the repr of the SymPy trees of the costliest formulas took 44 ms (42 kB)
    latex: str = field(repr=False)
    derivative_latex: str = field(repr=False)
    expression: sp.Expr = field(repr=False)
    derivative: sp.Expr = field(repr=False)
    # the browser program and the limits at +-inf per parameter value, made when first asked for
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __getstate__(self):  # a pickled copy makes its own program and limits when first asked
        return {k: v for k, v in self.__dict__.items() if k != "_memo"}

    def __setstate__(self, state):
        self.__dict__.update(state, _memo={})

    def _param_value(self, params: dict) -> float:
        unknown = set(params) - {self.param_name}
        if unknown:
            raise TypeError(f"unexpected parameter(s) {sorted(unknown)}; this formula's parameter is {self.param_name}")
        return float(params.get(self.param_name, DEFAULT_PARAM))

    def program(self) -> dict:
        """f and f' as the browser's program (formula_program.py), made once; ValueError if the
        ops cannot express them (never for parse_formula's formulas). Shared: do not modify it."""
        if "program" not in self._memo:
            from activations_core.formula_program import Runner, compile_program

            try:
                program = compile_program(self)
            except ValueError as err:
                program = err
            self._memo["runner"] = None if isinstance(program, ValueError) else Runner(program)
            self._memo["program"] = program
        if isinstance(self._memo["program"], ValueError):
            raise self._memo["program"]
        return self._memo["program"]

    def _runner(self):
        """The program ready for numpy (formula_program.Runner), or None for a formula without one."""
        if "program" not in self._memo:
            try:
                self.program()
            except ValueError:
                pass
        return self._memo["runner"]

    def limits(self, a: float | None = None) -> dict | None:
        """{"f": (limit as x -> -inf, as x -> +inf), "df": (...)} (formula_program.Limit: a value,
        NaN with a reason where there is none), found numerically from the browser program by the
        rules in formula_program.py, the same in the browser; None for a formula that has no program."""
        from activations_core.formula_program import program_limits

        a = DEFAULT_PARAM if a is None else float(a)
        key = ("limits", a, math.copysign(1.0, a))  # -0.0 == 0.0 as a key, but a + a differs at -0
        found = self._memo.get(key)
        if found is None:
            if self._runner() is None:
                return None
            if len(self._memo) > MAX_MEMO:  # parameter values: keep the memo small
                for old in [old for old in self._memo if old not in ("program", "runner")]:
                    self._memo.pop(old, None)
            found = self._memo.setdefault(key, program_limits(self.program(), a))
        return found

    def _with_limits(self, values: np.ndarray, x, a: float, key: str) -> np.ndarray:
        """values with f(+-inf) (key "f") or f'(+-inf) ("df") set to their limits."""
        x = np.asarray(x, dtype=np.float64)
        infinite = np.isinf(x)
        if infinite.any():
            limits = self.limits(a)
            if limits is not None:
                minus, plus = limits[key]
                values[infinite & (x < 0)] = minus.value
                values[infinite & (x > 0)] = plus.value
        return values

    def _values(self, x, a: float, key: str) -> np.ndarray:
        """f ("f") or f' ("df", NaN wherever f is) at x, before the limits at +-inf: the program's
        steps (the same numpy operations as the evaluator, without walking the SymPy tree)."""
        runner = self._runner()
        if runner is not None:
            return runner(key, np.asarray(x, dtype=np.float64), a)
        param = sp.Symbol(self.param_name)  # a hand-made formula the ops cannot express
        y, _ = _evaluate(self.expression, x, param, a)
        if key == "f":
            return y
        dy, _ = _evaluate(self.derivative, x, param, a)
        return np.where(np.isnan(y), np.nan, dy)

    def fn(self, x, **params):
        """f(x) as float64 (np.float64 for a scalar x); NaN where undefined; at +-inf, the limit."""
        a = self._param_value(params)
        return _scalar_or_array(self._with_limits(self._values(x, a, "f"), x, a, "f"), x)

    def dfn(self, x, **params):
        """f'(x) from the symbolic derivative; NaN wherever f(x) is NaN; at +-inf, the limit."""
        a = self._param_value(params)
        return _scalar_or_array(self._with_limits(self._values(x, a, "df"), x, a, "df"), x)

    def to_activation(self, display_name: str = "Custom", a_default: float = DEFAULT_PARAM,
                      a_min: float = -5.0, a_max: float = 5.0, a_step: float = 0.05) -> Activation:
        """This formula as an Activation (the parameter becomes a slider Param if the formula uses it)."""
        params = ()
        if self.uses_param:
            params = (Param(self.param_name, float(a_default), float(a_min), float(a_max), float(a_step),
                            label=self.param_name, help=f"The parameter {self.param_name} in your formula."),)
        return Activation(
            name="custom", display_name=display_name, fn=self.fn, dfn=self.dfn,
            latex=f"f(x) = {self.latex}", derivative_latex=f"f'(x) = {self.derivative_latex}",
            description=f"Your own activation f(x) = {self.text}; its derivative comes from SymPy.",
            properties=None, params=params,
        )


def _check_param_name(param_name: object) -> None:
    if not (isinstance(param_name, str) and param_name.isascii() and param_name.isidentifier()
            and not keyword.iskeyword(param_name) and not param_name.startswith("_") and len(param_name) <= 12
            and param_name not in _RESERVED and param_name not in FUNCTIONS):
        raise FormulaError(f"'{param_name}' cannot be the parameter's name: use a short plain name like a.")


def parse_formula(text: str, param_name: str = "a") -> CustomFormula:
    """Validate `text`, build f and f' symbolically; raises FormulaError (only) on bad input."""
    _check_param_name(param_name)
    stripped, source, lead = _prepare(text)
    tree = _parse_tree(stripped, source, lead)
    validator = _Validator(stripped, lead, param_name)
    validator.run(tree)
    writer = _LatexWriter(param_name)
    param = sp.Symbol(param_name)
    uses_param = any(isinstance(node, ast.Name) and node.id == param_name for node in ast.walk(tree))
    try:
        expression = _Builder(param, validator.exponents, writer).build(tree.body)
        derivative = _differentiate(expression)
        formula = CustomFormula(stripped, param_name, uses_param, writer.tex(tree.body)[0],
                                sp.latex(derivative, ln_notation=True), expression, derivative)
        evaluate_with_report(formula, np.linspace(-2.0, 2.0, 5))  # every node must be evaluable
    except FormulaError:
        raise
    except (RecursionError, MemoryError):
        raise FormulaError("The formula is too complex to differentiate.") from None
    except Exception as err:  # never a traceback for the student; the fuzz tests check this never happens
        raise FormulaError(f"This formula cannot be differentiated symbolically ({type(err).__name__}).") from None
    return formula


def evaluate_with_report(formula: CustomFormula, x, a: float | None = None):
    """(f(x), f'(x), EvaluationReport) evaluated under np.errstate(all='ignore').

    f' is NaN wherever f is NaN; the report names, for each kind of non-finite value, the x
    ranges and the first operation that produced it (e.g. 'log of a negative number').
    """
    x = np.asarray(x, dtype=np.float64)
    param = sp.Symbol(formula.param_name)
    a = DEFAULT_PARAM if a is None else float(a)
    y, f_eval = _evaluate(formula.expression, x, param, a, track=True)
    dy, df_eval = _evaluate(formula.derivative, x, param, a, track=True)
    dy = np.where(np.isnan(y), np.nan, dy)
    y, dy = formula._with_limits(y, x, a, "f"), formula._with_limits(dy, x, a, "df")
    infinite = np.isinf(x)
    if infinite.any():  # at +-inf a NaN is a missing limit (say why), an infinite limit no problem
        limits = formula.limits(a)
        for key, evaluator in (("f", f_eval), ("df", df_eval)):
            for plus, limit in zip((False, True), limits[key] if limits else ()):
                if limit.reason:
                    side = infinite & ((x > 0) if plus else (x < 0))
                    evaluator.cause[side] = evaluator.cause_index(_limit_cause(limit.reason, plus))
    finite_or_limit = ~(infinite & np.isinf(y))
    problems = (_problems("f", y, x, finite_or_limit, f_eval)
                + _problems("f'", dy, x, ~np.isnan(y) & ~(infinite & np.isinf(dy)), df_eval))
    return _scalar_or_array(y, x), _scalar_or_array(dy, x), EvaluationReport(tuple(problems))


def _limit_cause(reason: str, plus: bool) -> str:
    """A Limit's reason as the cause in a report or a page's warning."""
    if reason == "undefined everywhere":
        return "f(x) is undefined for every |x| >= 1"
    if reason.startswith("undefined: "):
        return f"{reason.removeprefix('undefined: ')} for large {'positive' if plus else 'negative'} x"
    return (f"no limit as x → {'+∞' if plus else '−∞'} could be found (tried up to |x| = 1.5e308: it neither "
            "settles nor grows steadily, as sin(x) does, or rounding hides its trend)")


def _limit_text(value: float) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value + 0.0:.6g}".replace("-", "−")  # + 0.0: -0 reads as 0


def limit_messages(formula: CustomFormula, a: float | None = None) -> tuple[str, tuple[str, ...]]:
    """(a sentence with f and f' as x -> -inf and +inf, a warning for each that has no limit).

    f' is NaN wherever f is, so a missing limit of f is said once for both."""
    limits = formula.limits(a)
    if limits is None:
        return "", ()
    parts, warnings = [], []
    for index, (end, plus) in enumerate((("−∞", False), ("+∞", True))):
        f, df = limits["f"][index], limits["df"][index]
        shown = [f"{name} → {_limit_text(limit.value)}" for name, limit in (("f(x)", f), ("f′(x)", df))
                 if not limit.reason]
        if shown:
            parts.append(f"as x → {end}, " + " and ".join(shown))
        if f.reason == "undefined everywhere":  # the report on the plotted points says it already
            continue
        if f.reason:
            warnings.append(f"f(x) and f′(x) are undefined (NaN) at x = {end}: {_limit_cause(f.reason, plus)}.")
        elif df.reason:
            warnings.append(f"f′(x) is undefined (NaN) at x = {end}: {_limit_cause(df.reason, plus)}.")
    summary = ("Limits: " + "; ".join(parts) + ".") if parts else ""
    return summary, tuple(warnings)
