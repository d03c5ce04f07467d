"""Linear layers collapse; activations bend the line; kinks are counted right.

References: hand-worked matrices, the explicit sum formula for b, and an exact kink count that
propagates breakpoints through the network layer by layer (no grid).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from activations_core import ACTIVATIONS
from activations_core import nonlinearity as nl
from tests.core.references import exact_kinks

RELU, LEAKY = ACTIVATIONS["relu"], ACTIVATIONS["leaky_relu"]


def hand_layer(weight, bias) -> nl.Layer:
    return nl.Layer(np.array(weight, dtype=float), np.array(bias, dtype=float))


def test_collapse_of_a_worked_example():
    # W2 W1 = [[0,1],[1,0]] [[1,2],[3,4]] = [[3,4],[1,2]];  b = W2 b1 + b2 = [0,1] + [0,1]
    layers = [hand_layer([[1, 2], [3, 4]], [1, 0]), hand_layer([[0, 1], [1, 0]], [0, 1])]
    single = nl.collapse(layers)
    np.testing.assert_array_equal(single.weight, [[3, 4], [1, 2]])
    np.testing.assert_array_equal(single.bias, [0, 2])


def test_collapse_matches_the_sum_formula():
    layers = nl.random_layers([3] * 6, seed=11)
    single = nl.collapse(layers)
    k = len(layers)
    product = lambda i, j: np.linalg.multi_dot([layers[m].weight for m in range(j, i - 1, -1)]  # noqa: E731
                                               + [np.eye(3)])
    expected_w = product(0, k - 1)
    expected_b = sum(product(i + 1, k - 1) @ layers[i].bias if i + 1 < k else layers[i].bias
                     for i in range(k))
    np.testing.assert_allclose(single.weight, expected_w, rtol=1e-12)
    np.testing.assert_allclose(single.bias, expected_b, rtol=1e-12, atol=1e-14)


def test_a_single_layer_collapses_to_itself_exactly():
    layers = nl.random_layers([2, 2], seed=3)
    assert nl.collapse_error(layers) == 0.0


@settings(max_examples=40, deadline=None)
@given(k=st.integers(1, 10), size=st.integers(2, 3), seed=st.integers(0, 999_999))
def test_layers_one_by_one_equal_the_collapsed_layer_up_to_rounding(k, size, seed):
    layers = nl.random_layers([size] * (k + 1), seed)
    scale = np.prod([np.linalg.norm(layer.weight, 2) for layer in layers]) + 1.0
    assert nl.collapse_error(layers) <= 1e-12 * scale


def test_random_layers_are_seeded_and_he_scaled():
    a, b = nl.random_layers([4, 400, 2], 5), nl.random_layers([4, 400, 2], 5)
    assert [layer.weight.shape for layer in a] == [(400, 4), (2, 400)]
    assert all(np.array_equal(x.weight, y.weight) for x, y in zip(a, b))
    wide = nl.random_layers([500, 500], 1)[0].weight
    assert wide.std() == pytest.approx(np.sqrt(2 / 500), rel=0.01)
    with pytest.raises(ValueError):
        nl.random_layers([3], 0)


def test_without_activation_the_output_is_a_straight_line_whatever_the_depth():
    x = np.linspace(-3, 3, 1001)
    for depth in (1, 5, 10):
        net = nl.scalar_network(depth, 8, seed=depth)
        y = nl.curve(net, x)
        single = nl.collapse(net)
        np.testing.assert_allclose(y, single.weight[0, 0] * x + single.bias[0], atol=1e-12)
        assert nl.is_straight(x, y)
        assert not nl.is_straight(x, nl.curve(net, x, RELU))


def test_kinks_of_a_worked_one_layer_network():
    # relu(x - 1) + relu(x) + relu(x + 2) - relu(-x + 5): kinks at 1, 0 and -2; 5 is outside [-3, 3]
    net = [hand_layer([[1], [1], [1], [-1]], [-1, 0, 2, 5]), hand_layer([[1, 1, 1, -1]], [0])]
    assert nl.count_kinks(lambda t: nl.curve(net, t, RELU)) == 3
    # a zero output weight hides its neuron's kink
    hidden = [net[0], hand_layer([[1, 0, 1, -1]], [0])]
    assert nl.count_kinks(lambda t: nl.curve(hidden, t, RELU)) == 2


def test_kinks_closer_than_a_grid_step_are_told_apart():
    gap = 2e-5  # the coarse grid step is 1e-3
    net = [hand_layer([[1], [1]], [-0.3, -0.3 - gap]), hand_layer([[1, 1]], [0])]
    assert nl.count_kinks(lambda t: nl.curve(net, t, RELU)) == 2


def test_straight_line_and_absolute_value():
    assert nl.count_kinks(lambda t: 2 * t + 1) == 0
    assert nl.count_kinks(np.abs) == 1
    assert nl.count_kinks(lambda t: np.abs(t - 0.12345)) == 1


@pytest.mark.parametrize("depth", [1, 3, 6, 10])
def test_relu_kink_count_matches_exact_breakpoints(depth):
    for seed in range(25):
        net = nl.scalar_network(depth, 8, seed)
        assert nl.count_kinks(lambda t: nl.curve(net, t, RELU)) == exact_kinks(net, RELU), seed


def test_leaky_relu_kink_count_matches_exact_breakpoints():
    params = {"alpha": 0.1}
    for seed in range(15):
        net = nl.scalar_network(4, 8, seed)
        got = nl.count_kinks(lambda t: nl.curve(net, t, LEAKY, params))
        assert got == exact_kinks(net, LEAKY, params), seed


@pytest.mark.parametrize("name, expected", [("relu", True), ("leaky_relu", True), ("tanh", False),
                                            ("elu", False), ("gelu", False), ("swish", False),
                                            ("sigmoid", False), ("softplus", False)])
def test_piecewise_linear_activations_are_recognised(name, expected):
    assert nl.is_piecewise_linear(ACTIVATIONS[name]) is expected


def test_depth_profile_counts_kinks_for_relu_and_bend_for_tanh():
    relu = nl.depth_profile(RELU, None, seed=6, depths=(1, 2, 3))
    assert relu.kinks == tuple(exact_kinks(nl.scalar_network(d, 8, 6), RELU) for d in (1, 2, 3))
    assert relu.kinks[0] <= 8  # one kink per neuron at most in a single layer
    tanh = nl.depth_profile(ACTIVATIONS["tanh"], None, seed=6, depths=(1, 2, 3))
    assert tanh.kinks is None
    x = np.linspace(-3, 3, 1001)
    for d, deviation in zip((1, 2, 3), tanh.deviations):
        y = nl.curve(nl.scalar_network(d, 8, 6), x, ACTIVATIONS["tanh"])
        fit = np.polyval(np.polyfit(x, y, 1), x)
        assert deviation == pytest.approx(np.max(np.abs(y - fit)), rel=1e-9)


def test_a_pole_or_a_gap_is_not_a_kink():
    """1/x and sqrt(x) (NaN below 0) are not piecewise linear: their non-finite values must not
    pass for straight pieces (the kink counter would refine thousands of them)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        assert not nl.is_piecewise_linear(lambda x: 1.0 / x)
        assert not nl.is_piecewise_linear(lambda x: np.sqrt(x))
    assert nl.is_piecewise_linear(lambda x: np.abs(x - 1.0) + np.maximum(x, 0.0))  # 2 kinks, finite
