"""The LaTeX of f as typed (the derivative's LaTeX comes from SymPy's printer)."""

from __future__ import annotations

import ast

import sympy as sp

from .functions import FUNCTIONS


_ATOM, _POWER, _UNARY, _PRODUCT, _SUM = 5, 4, 3, 2, 1


def _number_tex(value: int | float) -> str:
    """LaTeX of a typed number: 0.5, 3, 1.5 \\cdot 10^{-8}."""
    text = repr(value)
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = rf"10^{{{int(exponent)}}}"
    return power if mantissa in ("1", "1.0") else rf"{mantissa.removesuffix('.0')} \cdot {power}"


class LatexWriter:
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
