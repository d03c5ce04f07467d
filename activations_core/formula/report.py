"""Evaluation with a report of where f or f' is NaN or infinite and why, and the sentences on
the limits at +-inf."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .custom import CustomFormula
from .evaluate import evaluate_expression, scalar_or_array
from .text import DEFAULT_PARAM


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


def evaluate_with_report(formula: CustomFormula, x, a: float | None = None):
    """(f(x), f'(x), EvaluationReport) evaluated under np.errstate(all='ignore').

    f' is NaN wherever f is NaN; the report names, for each kind of non-finite value, the x
    ranges and the first operation that produced it (e.g. 'log of a negative number').
    """
    x = np.asarray(x, dtype=np.float64)
    param = sp.Symbol(formula.param_name)
    a = DEFAULT_PARAM if a is None else float(a)
    y, f_eval = evaluate_expression(formula.expression, x, param, a, track=True)
    dy, df_eval = evaluate_expression(formula.derivative, x, param, a, track=True)
    dy = np.where(np.isnan(y), np.nan, dy)
    y, dy = formula.with_limits(y, x, a, "f"), formula.with_limits(dy, x, a, "df")
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
    return scalar_or_array(y, x), scalar_or_array(dy, x), EvaluationReport(tuple(problems))


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
