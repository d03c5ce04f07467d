"""The whitelist check of the parsed tree: allowed nodes, names and calls, and the caps on
nodes, depth, nested powers and exponents."""

from __future__ import annotations

import ast
import difflib
from fractions import Fraction

import numpy as np

from .functions import FUNCTIONS
from .text import (
    FormulaError,
    MAX_CONSTANT,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_NODES,
    MAX_POWER_NESTING,
    typed_position,
)


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


class TreeValidator:
    """Iterative whitelist walk: node count, depth, names, calls, constants and exponents."""

    def __init__(self, stripped: str, lead: int, param_name: str):
        self.stripped, self.lead, self.param_name = stripped, lead, param_name
        self.names = {"x", param_name, "pi", "e"}
        self.exponents: dict[int, Fraction] = {}  # id(Pow node) -> exponent
        self.nodes = 0

    def where(self, node: ast.AST) -> str:
        column = getattr(node, "col_offset", None)
        return "" if column is None else f" (at position {typed_position(self.stripped, column + 1, self.lead)})"

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
