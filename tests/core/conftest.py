"""Fixtures for the core tests (the references live in tests/core/references.py)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import mpmath as mp
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, for plain `pytest`

from tests.core.references import (DIGITS, REFERENCES, SELU_ALPHA, SELU_LAMBDA, condition,  # noqa: E402
                                   reference_table, slope_of, ulp_error)


@pytest.fixture
def fifty_digits():
    """Run a test with mpmath at 50 significant digits, restoring the caller's precision."""
    with mp.workdps(DIGITS):
        yield


@pytest.fixture(scope="session")
def mpref():
    """The references and error measures: .formulas[name] = (f, f'), .table, .ulp_error, .condition."""
    return types.SimpleNamespace(
        formulas=REFERENCES,
        table=reference_table,
        ulp_error=ulp_error,
        condition=condition,
        slope_of=slope_of,
        selu_lambda=SELU_LAMBDA,
        selu_alpha=SELU_ALPHA,
    )
