"""Random typed formulas from the parser's grammar (hypothesis strategies), for the formula tests."""

from __future__ import annotations

from typing import Callable, Sequence

from hypothesis import strategies as st

from activations_core.formula import FUNCTIONS


def grammar(leaves, exponents, max_leaves: int,
            extra: Sequence[Callable[[st.SearchStrategy], st.SearchStrategy]] = ()) -> st.SearchStrategy:
    """Formulas of the typed grammar: functions, max/min, + - * /, constant powers, negation, and
    the ``extra`` productions (each a function of the child strategy)."""
    unary = st.sampled_from([name for name, spec in FUNCTIONS.items() if spec.arity == 1])

    def compound(children):
        return st.one_of(
            st.builds("{}({})".format, unary, children),
            st.builds("{}({}, {})".format, st.sampled_from(["max", "min"]), children, children),
            st.builds("({}) {} ({})".format, children, st.sampled_from(["+", "-", "*", "/"]), children),
            st.builds("({})**{}".format, children, exponents),
            st.builds("-({})".format, children),
            *(form(children) for form in extra),
        )

    return st.recursive(leaves, compound, max_leaves=max_leaves)
