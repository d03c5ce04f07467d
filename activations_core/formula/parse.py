"""parse_formula: text -> checks -> tree -> SymPy expression, derivative and LaTeX."""

from __future__ import annotations

import ast
import keyword

import numpy as np
import sympy as sp

from .custom import CustomFormula
from .functions import FUNCTIONS
from .latex import LatexWriter
from .report import evaluate_with_report
from .symbolic import differentiate, SympyBuilder
from .text import FormulaError, parse_tree, prepare_text, RESERVED_NAMES
from .validate import TreeValidator


def _check_param_name(param_name: object) -> None:
    if not (isinstance(param_name, str) and param_name.isascii() and param_name.isidentifier()
            and not keyword.iskeyword(param_name) and not param_name.startswith("_") and len(param_name) <= 12
            and param_name not in RESERVED_NAMES and param_name not in FUNCTIONS):
        raise FormulaError(f"'{param_name}' cannot be the parameter's name: use a short plain name like a.")


def parse_formula(text: str, param_name: str = "a") -> CustomFormula:
    """Validate `text`, build f and f' symbolically; raises FormulaError (only) on bad input."""
    _check_param_name(param_name)
    stripped, source, lead = prepare_text(text)
    tree = parse_tree(stripped, source, lead)
    validator = TreeValidator(stripped, lead, param_name)
    validator.run(tree)
    writer = LatexWriter(param_name)
    param = sp.Symbol(param_name)
    uses_param = any(isinstance(node, ast.Name) and node.id == param_name for node in ast.walk(tree))
    try:
        expression = SympyBuilder(param, validator.exponents, writer).build(tree.body)
        derivative = differentiate(expression)
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
