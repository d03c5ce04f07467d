"""CustomFormula: a validated formula f(x; a) with its derivative, its browser program and its
limits at +-inf, as numpy functions and as an Activation."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from activations_core.functions import Activation, Param

from .evaluate import evaluate_expression, scalar_or_array
from .text import DEFAULT_PARAM, MAX_MEMO


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

    def with_limits(self, values: np.ndarray, x, a: float, key: str) -> np.ndarray:
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
        y, _ = evaluate_expression(self.expression, x, param, a)
        if key == "f":
            return y
        dy, _ = evaluate_expression(self.derivative, x, param, a)
        return np.where(np.isnan(y), np.nan, dy)

    def fn(self, x, **params):
        """f(x) as float64 (np.float64 for a scalar x); NaN where undefined; at +-inf, the limit."""
        a = self._param_value(params)
        return scalar_or_array(self.with_limits(self._values(x, a, "f"), x, a, "f"), x)

    def dfn(self, x, **params):
        """f'(x) from the symbolic derivative; NaN wherever f(x) is NaN; at +-inf, the limit."""
        a = self._param_value(params)
        return scalar_or_array(self.with_limits(self._values(x, a, "df"), x, a, "df"), x)

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
