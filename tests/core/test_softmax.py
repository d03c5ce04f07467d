"""Softmax with temperature against 50-digit mpmath, plus its helpers and hypothesis properties."""

from __future__ import annotations

import math
import warnings

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activations_core import (
    entropy,
    entropy_bits,
    naive_softmax,
    naive_softmax_report,
    probabilities_vs_temperature,
    softmax,
    softmax_jacobian,
)

pytestmark = pytest.mark.usefixtures("fifty_digits")
QUICK = settings(max_examples=80, deadline=None)
TEMPERATURES = sorted(set(np.logspace(-3, 3, 13).tolist() + [0.3, 0.7, 7.0, 123.456, 1e-3 * 3]))
LOGIT_SETS = [
    [1000.0, 1001.0, 1002.0],
    [-1000.0, 0.0, 1000.0],
    [0.1, -3.7, 12.25, 700.5, 12.2500001],
    [1e-20, 1000.3, -0.3, 5.5],
    [-745.5, -2.0, 3.0],
]


def mp_softmax(logits, temperature):
    """Exact (50-digit) softmax of the float64 inputs as given."""
    z = [mp.mpf(float(v)) / mp.mpf(float(temperature)) for v in logits]
    top = max(z)
    weights = [mp.exp(v - top) for v in z]
    total = mp.fsum(weights)
    return [w / total for w in weights]


def ulps(got, ref):
    return float(abs(mp.mpf(float(got)) - ref) / mp.mpf(np.spacing(abs(float(ref)))))


@pytest.mark.parametrize("logits", LOGIT_SETS, ids=lambda z: str(z[:3]))
def test_every_probability_within_a_few_ulp_for_temperatures_1e_minus_3_to_1e3(logits):
    worst = (0.0, None)
    with np.errstate(all="raise", under="ignore"):
        for temperature in TEMPERATURES:
            got = softmax(logits, temperature=temperature)
            for g, ref in zip(got, mp_softmax(logits, temperature)):
                err = ulps(g, ref)
                if err > worst[0]:
                    worst = (err, (temperature, float(g), float(ref)))
    assert worst[0] <= 4.0, worst


def test_issue_examples_at_unit_temperature():
    p = softmax([1000.0, 1001.0, 1002.0])
    ref = mp_softmax([1000, 1001, 1002], 1.0)
    assert all(ulps(g, r) <= 2 for g, r in zip(p, ref))
    # e^-1000 and e^-2000 are far below the smallest float64
    np.testing.assert_array_equal(softmax([-1000.0, 0.0, 1000.0]), [0.0, 0.0, 1.0])


def test_batches_are_softmaxed_row_by_row_and_along_any_axis():
    rng = np.random.default_rng(7)
    batch = rng.normal(scale=30.0, size=(5, 4))
    rows = softmax(batch, temperature=2.5)
    for i in range(5):
        np.testing.assert_array_equal(rows[i], softmax(batch[i], temperature=2.5))
    np.testing.assert_array_equal(softmax(batch.T, axis=0), softmax(batch).T)
    cube = rng.normal(size=(2, 3, 4))
    np.testing.assert_allclose(softmax(cube, axis=1).sum(axis=1), 1.0, rtol=4e-16)


def test_infinite_and_nan_logits():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            assert softmax([-np.inf, 0.0, 1.0])[0] == 0.0
            np.testing.assert_array_equal(softmax([-np.inf, -np.inf, -np.inf]), [1 / 3] * 3)
            np.testing.assert_array_equal(softmax([np.inf, 5.0, np.inf]), [0.5, 0.0, 0.5])
            np.testing.assert_array_equal(softmax([1e308, -1e308], temperature=1e-3), [1.0, 0.0])
            rows = softmax([[1.0, np.nan], [1.0, 2.0]])
    assert np.isnan(rows[0]).all()
    assert np.isfinite(rows[1]).all()


@pytest.mark.parametrize("temperature", [0.0, -1.0, -0.0, math.inf, -math.inf, math.nan, "hot", None, [1.0, 0.0]])
def test_bad_temperature_is_a_clear_value_error(temperature):
    with pytest.raises(ValueError, match="temperature must be a finite number greater than 0"):
        softmax([1.0, 2.0], temperature=temperature)
    with pytest.raises(ValueError, match="temperature"):
        naive_softmax([1.0, 2.0], temperature=temperature)


@pytest.mark.parametrize("logits", [5.0, [], [[]]])
def test_bad_logits_are_value_errors(logits):
    with pytest.raises(ValueError):
        softmax(logits)


def test_temperature_limits():
    logits = [1.0, 3.0, 2.0]
    np.testing.assert_array_equal(softmax(logits, temperature=1e-3), [0.0, 1.0, 0.0])
    hot = softmax(logits, temperature=1e3)
    assert np.all(np.abs(hot - 1 / 3) < 2 / 3 * 2.0 / 1e3)  # |p - 1/n| <= spread / T


def test_probabilities_vs_temperature_rows_are_softmaxes():
    logits = np.array([2.0, -1.0, 0.5, 4.0])
    temps = np.logspace(-2, 2, 9)
    table = probabilities_vs_temperature(logits, temps)
    assert table.shape == (9, 4)
    for row, t in zip(table, temps):
        for g, ref in zip(row, mp_softmax(logits, t)):
            assert ulps(g, ref) <= 4
    with pytest.raises(ValueError):
        probabilities_vs_temperature([[1.0, 2.0]], temps)
    with pytest.raises(ValueError):
        probabilities_vs_temperature(logits, [1.0, 0.0])


def test_entropy_in_nats_and_bits():
    assert entropy([0.25] * 4) == pytest.approx(math.log(4), rel=1e-15)
    assert entropy_bits([0.125] * 8) == pytest.approx(3.0, rel=1e-15)
    assert entropy([1.0, 0.0, 0.0]) == 0.0
    assert entropy([0.5, 0.5], base=2) == pytest.approx(1.0, rel=1e-15)
    p = np.array([0.7, 0.2, 0.1])
    expected = -float(mp.fsum(mp.mpf(v) * mp.log(mp.mpf(v)) for v in p))
    assert entropy(p) == pytest.approx(expected, rel=1e-15)
    np.testing.assert_allclose(entropy(np.array([[0.5, 0.5], [1.0, 0.0]])), [math.log(2), 0.0], rtol=1e-15)


def test_entropy_grows_with_temperature():
    logits = np.array([3.0, 1.0, 0.2, -2.0])
    temps = np.logspace(-2, 2, 30)
    h = entropy(probabilities_vs_temperature(logits, temps))
    assert np.all(np.diff(h) > 0)
    assert h[0] == pytest.approx(0.0, abs=1e-12) and h[-1] == pytest.approx(math.log(4), rel=1e-3)


def test_jacobian_matches_finite_differences_and_its_identities():
    z = np.array([0.3, -1.2, 2.0, 0.7])
    p = softmax(z)
    jac = softmax_jacobian(p)
    h = 1e-6
    numeric = np.column_stack([(softmax(z + h * e) - softmax(z - h * e)) / (2 * h) for e in np.eye(4)])
    np.testing.assert_allclose(jac, numeric, atol=1e-9)
    np.testing.assert_allclose(jac, jac.T, atol=0)
    np.testing.assert_allclose(jac.sum(axis=1), 0.0, atol=1e-16)
    batch = softmax_jacobian(np.stack([p, softmax(2 * z)]))
    assert batch.shape == (2, 4, 4)
    np.testing.assert_array_equal(batch[0], jac)


def test_naive_softmax_overflows_where_the_stable_one_does_not():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        probs, message = naive_softmax_report([1000.0, 1001.0, 1002.0])
    assert np.isnan(probs).all()
    assert "overflow" in message and "709.78" in message
    probs, message = naive_softmax_report([-1000.0, -1001.0])
    assert np.isnan(probs).all() and "underflow" in message
    probs, message = naive_softmax_report([1.0, 2.0, 3.0], temperature=2.0)
    assert message is None
    np.testing.assert_allclose(probs, softmax([1.0, 2.0, 3.0], temperature=2.0), rtol=1e-15)
    probs, message = naive_softmax_report([[1.0, 2.0], [800.0, 1.0]])
    assert message is not None and np.isfinite(probs[0]).all() and np.isnan(probs[1, 0])


@QUICK
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=8),
    st.floats(1e-3, 1e3),
)
def test_sums_to_one_and_keeps_the_order(logits, temperature):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            p = softmax(logits, temperature=temperature)
    assert np.all((p >= 0) & (p <= 1))
    assert abs(p.sum() - 1.0) <= 4 * len(logits) * np.finfo(float).eps
    z = np.asarray(logits)
    for i in range(len(z)):
        for j in range(len(z)):
            if z[i] < z[j]:
                assert p[i] <= p[j]
            elif z[i] == z[j]:
                assert p[i] == p[j]


@QUICK
@given(st.lists(st.floats(-700, 700), min_size=2, max_size=6), st.floats(0.05, 20.0))
def test_matches_mpmath_on_random_logits(logits, temperature):
    for g, ref in zip(softmax(logits, temperature=temperature), mp_softmax(logits, temperature)):
        assert ulps(g, ref) <= 4.0
