"""Measured facts against independent references: mpmath integrals and extrema, binomial bounds."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

from activations_core import ACTIVATIONS, Activation
from activations_core import measure as ms
from tests.core.references import REFERENCES, SELU_ALPHA, SELU_LAMBDA

N = ms.NORMAL_SAMPLES


def normal_mean(f) -> float:
    """E[f(Z)], Z ~ N(0, 1), by mpmath quadrature (split at the kink)."""
    return float(mp.quad(lambda t: f(t) * mp.npdf(t), [-mp.inf, 0, mp.inf]))


def normal_std(f) -> float:
    mean = normal_mean(f)
    return math.sqrt(float(mp.quad(lambda t: (f(t) - mean) ** 2 * mp.npdf(t), [-mp.inf, 0, mp.inf])))


@pytest.mark.parametrize("name, lo, hi", [
    ("sigmoid", 0.0, 1.0), ("tanh", -1.0, 1.0), ("relu", 0.0, math.inf),
    ("leaky_relu", -math.inf, math.inf), ("elu", -1.0, math.inf), ("softplus", 0.0, math.inf),
])
def test_observed_range_of_textbook_functions(name, lo, hi):
    observed = ms.observed_range(ACTIVATIONS[name])
    assert (observed.lo, observed.hi) == (lo, hi)


def test_leaky_relu_with_zero_slope_is_bounded_below():
    observed = ms.observed_range(ACTIVATIONS["leaky_relu"], {"alpha": 0.0})
    assert (observed.lo, observed.hi) == (0.0, math.inf)


@pytest.mark.parametrize("name", ["gelu", "swish", "mish"])
def test_observed_minimum_of_dipping_functions_matches_mpmath(name):
    f, df = REFERENCES[name]
    x_star = mp.findroot(df, -1.0)
    observed = ms.observed_range(ACTIVATIONS[name])
    assert observed.lo == pytest.approx(float(f(x_star)), rel=1e-6)
    assert observed.hi == math.inf


def test_selu_lower_bound_is_minus_lambda_alpha():
    observed = ms.observed_range(ACTIVATIONS["selu"])
    assert observed.lo == pytest.approx(float(-SELU_LAMBDA * SELU_ALPHA), rel=1e-12)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_every_stated_range_agrees_with_the_measurement(name):
    act = ACTIVATIONS[name]
    assert ms.measure(act).range_agrees, (name, act.properties.output_range)


def test_a_wrong_stated_range_is_caught():
    observed = ms.observed_range(ACTIVATIONS["tanh"])
    assert not ms.range_agrees((0.0, 1.0), observed)
    assert not ms.range_agrees((-1.0, math.inf), observed)
    assert ms.range_agrees((-1.0, 1.0), observed)


@pytest.mark.parametrize("name", ["relu", "softplus", "gelu", "elu", "tanh", "sigmoid", "selu", "swish"])
def test_mean_output_for_normal_input_matches_the_integral(name):
    f = REFERENCES[name][0]
    stats = ms.normal_input_stats(ACTIVATIONS[name])
    standard_error = normal_std(f) / math.sqrt(N)
    assert abs(stats.mean - normal_mean(f)) < 5 * standard_error
    assert stats.std == pytest.approx(normal_std(f), rel=0.02)


def test_relu_mean_is_one_over_root_two_pi():
    stats = ms.normal_input_stats(ACTIVATIONS["relu"])
    assert abs(stats.mean - 1 / math.sqrt(2 * math.pi)) < 5 * math.sqrt((0.5 - 1 / (2 * math.pi)) / N)


def test_fraction_of_exact_zeros():
    relu = ms.normal_input_stats(ACTIVATIONS["relu"])
    assert abs(relu.zero_fraction - 0.5) < 5 * math.sqrt(0.25 / N)
    for name in ("leaky_relu", "elu", "gelu", "softplus", "tanh"):
        assert ms.normal_input_stats(ACTIVATIONS[name]).zero_fraction == 0.0


def test_normal_stats_are_seeded():
    relu = ACTIVATIONS["relu"]
    assert ms.normal_input_stats(relu, seed=4) == ms.normal_input_stats(relu, seed=4)
    assert ms.normal_input_stats(relu, seed=4) != ms.normal_input_stats(relu, seed=5)


def test_histogram_fractions_sum_to_one_and_relu_piles_up_at_zero():
    edges, fractions = ms.output_histogram(ACTIVATIONS["relu"])
    assert fractions.sum() == pytest.approx(1.0, abs=1e-12)
    assert edges[0] == 0.0 and fractions[0] > 0.5  # half the outputs are exactly 0, plus small ones
    constant = Activation("c", "Constant", lambda x: np.zeros_like(x), lambda x: np.zeros_like(x))
    edges, fractions = ms.output_histogram(constant)
    assert fractions.sum() == pytest.approx(1.0) and edges[-1] > edges[0]


@pytest.mark.parametrize("name", ["swish", "gelu", "mish"])
def test_max_slope_matches_mpmath(name):
    df = REFERENCES[name][1]
    x_star = mp.findroot(lambda t: mp.diff(df, t), 1.5)
    fact = ms.measure(ACTIVATIONS[name])
    assert fact.max_slope == pytest.approx(float(df(x_star)), rel=1e-9)


def test_max_slope_of_textbook_functions():
    assert ms.measure(ACTIVATIONS["sigmoid"]).max_slope == pytest.approx(0.25, rel=1e-12)
    assert ms.measure(ACTIVATIONS["tanh"]).max_slope == pytest.approx(1.0, rel=1e-12)
    assert ms.measure(ACTIVATIONS["selu"]).max_slope == pytest.approx(float(SELU_LAMBDA * SELU_ALPHA), rel=1e-12)


def test_timings_are_positive_and_relative_to_relu():
    acts = {n: ACTIVATIONS[n] for n in ("relu", "tanh")}
    seconds = ms.seconds_per_million(acts, repeats=1, size=10_000)
    assert set(seconds) == {"relu", "tanh"} and all(0 < t < math.inf for t in seconds.values())
    ratios = ms.relative_costs(seconds)
    assert ratios["relu"] == 1.0
    assert ratios["tanh"] == pytest.approx(seconds["tanh"] / seconds["relu"])
    with pytest.raises(ValueError):
        ms.relative_costs({"tanh": 1.0})


@pytest.mark.parametrize("ratio, label", [(0.8, "cheap"), (2.99, "cheap"), (3.0, "moderate"),
                                          (19.9, "moderate"), (20.0, "expensive"), (500.0, "expensive")])
def test_cost_labels(ratio, label):
    assert ms.cost_label(ratio) == label


def test_cost_check_verdicts():
    assert ms.cost_check("cheap", 1.2) == ("agrees", "cheap")
    assert ms.cost_check("moderate", 22.0) == ("borderline", "expensive")  # 22 < 20 * 1.25
    assert ms.cost_check("moderate", 60.0) == ("disagrees", "expensive")
    assert ms.cost_check("expensive", 17.0) == ("borderline", "moderate")  # 17 >= 20 / 1.25
    assert ms.cost_check("cheap", 10.0) == ("disagrees", "moderate")
    with pytest.raises(ValueError):
        ms.cost_label(float("nan"))
