"""Validated tree -> SymPy expression (unevaluated, constants folded only when exact) and its
derivative by the sum, product, power and chain rules."""

from __future__ import annotations

import ast

import numpy as np
import sympy as sp

from .evaluate import evaluate_expression
from .functions import FUNCTIONS, UnevaluatedConstant, UnevaluatedFunction, X
from .latex import LatexWriter
from .text import FormulaError


def _power(base, exponent):
    """base**exponent left as written (0 and 1 spelled out): SymPy would merge it with other
    powers of the same base, which can change where the function is defined."""
    if exponent == 0:
        return sp.S.One
    if exponent == 1:
        return base
    return sp.Pow(base, exponent, evaluate=False)


def differentiate(expr):
    """d expr / dx by the sum, product, power and chain rules.

    A constant power uses n b^(n-1) b': SymPy's own rule, b^n (n b' / b), divides by the base and
    gives 0/0 = NaN wherever the base is 0, so that (2x)^2 had f'(0) = NaN. Functions use their
    fdiff (the inert classes in functions.py), one term per argument that depends on x.
    """
    if not expr.has(X):
        return sp.S.Zero
    if expr == X:
        return sp.S.One
    if isinstance(expr, sp.Add):
        return sp.Add(*(differentiate(term) for term in expr.args))
    if isinstance(expr, sp.Mul):
        factors = expr.args
        return sp.Add(*(sp.Mul(*factors[:i], differentiate(f), *factors[i + 1:])
                        for i, f in enumerate(factors) if f.has(X)))
    if isinstance(expr, sp.Pow) and not expr.exp.has(X):
        base, exponent = expr.args
        return sp.Mul(exponent, _power(base, exponent - 1), differentiate(base))
    if isinstance(expr, UnevaluatedFunction):
        return sp.Add(*(sp.Mul(expr.fdiff(i + 1), differentiate(arg))
                        for i, arg in enumerate(expr.args) if arg.has(X)))
    return sp.diff(expr, X)  # nothing the builder makes reaches here; SymPy's rule as a fallback


class SympyBuilder:
    """Validated ast -> SymPy. Functions and powers stay unevaluated (SymPy would rewrite
    tanh(log(u)) as (u^2-1)/(u^2+1)); constant sub-formulas are folded only when that is exact
    arithmetic, otherwise they become UnevaluatedConstant."""

    def __init__(self, param: sp.Symbol, exponents: dict, writer: LatexWriter):
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
            right = UnevaluatedConstant(self.writer.wrapped(node.right), 0.0, None)
        return {ast.Add: lambda: left + right, ast.Sub: lambda: left - right,
                ast.Mult: lambda: left * right, ast.Div: lambda: left / right}[type(node.op)]()

    def constant(self, node: ast.AST):
        """Exact SymPy number for literal arithmetic (with pi, e, integer powers), else UnevaluatedConstant."""
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

    def opaque(self, node: ast.AST) -> UnevaluatedConstant:
        inner = self.unevaluated(node)
        value, evaluator = evaluate_expression(inner, 0.0, self.param, 0.0, track=True)
        cause = None
        if not np.isfinite(value):
            recorded = evaluator.causes[int(evaluator.cause)] if evaluator.cause >= 0 else "an undefined operation"
            cause = recorded if recorded in evaluator.inherited else f"{recorded}, while computing {ast.unparse(node)}"
        return UnevaluatedConstant(self.writer.wrapped(node), float(value), cause)

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
