"""parse_formula: text -> checks -> tree -> SymPy expression, derivative and LaTeX."""

from __future__ import annotations

import ast
import keyword

import numpy as np
import sympy as sp

from .custom import CustomFormula
from .functions import FUNCTIONS
from .latex import _LatexWriter
from .report import evaluate_with_report
from .symbolic import _Builder, _differentiate
from .text import FormulaError, _parse_tree, _prepare, _RESERVED
from .validate import _Validator


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
