"""The 2-D toy data sets: geometry of the noise-free shapes, standardisation, balance, split,
determinism and argument checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from activations_core.datasets import DATASETS, dataset_info, make_dataset

NAMES = [info.name for info in DATASETS]


def all_points(data):
    return np.concatenate([data.X_train, data.X_test]), np.concatenate([data.y_train, data.y_test])


def axis_aligned_ellipse(points):
    """Fit A x^2 + C y^2 + D x + E y + F = 0; return centre, semi-axes and the relative fit residual."""
    x, y = points[:, 0], points[:, 1]
    design = np.column_stack([x * x, y * y, x, y, np.ones_like(x)])
    _, singular, vt = np.linalg.svd(design, full_matrices=False)
    A, C, D, E, F = vt[-1]
    cx, cy = -D / (2 * A), -E / (2 * C)
    level = A * cx * cx + C * cy * cy - F
    return np.array([cx, cy]), np.array([math.sqrt(level / A), math.sqrt(level / C)]), singular[-1] / singular[0]


def leave_one_out_nearest_neighbour_accuracy(X, y):
    distances = ((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(distances, np.inf)
    return float(np.mean(y[np.argmin(distances, axis=1)] == y))


@pytest.mark.parametrize("name", NAMES)
def test_shapes_types_balance_and_split(name):
    data = make_dataset(name, n=401, noise=0.2, seed=3, test_fraction=0.25)
    assert data.X_train.shape == (301, 2) and data.X_test.shape == (100, 2)
    assert data.y_train.shape == (301,) and data.y_test.shape == (100,)
    for part in (data.X_train, data.y_train, data.X_test, data.y_test):
        assert part.dtype == np.float64 and not part.flags.writeable
    X, y = all_points(data)
    assert set(np.unique(y)) == {0.0, 1.0}
    assert np.count_nonzero(y == 1.0) == 200 and np.count_nonzero(y == 0.0) == 201
    assert set(np.unique(data.y_test)) == {0.0, 1.0}  # a shuffled split, not the first class only


@pytest.mark.parametrize("name", NAMES)
def test_inputs_are_standardised(name):
    X, _ = all_points(make_dataset(name, noise=0.3, seed=5))
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-14)
    np.testing.assert_allclose(X.std(axis=0), 1.0, rtol=1e-13)
    assert np.abs(X).max() < 3.5


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_data_other_seed_other_data(name):
    a, b, c = (make_dataset(name, seed=s) for s in (7, 7, 8))
    for part in ("X_train", "y_train", "X_test", "y_test"):
        assert np.array_equal(getattr(a, part), getattr(b, part))
    assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize("name", NAMES)
def test_bounds_are_a_square_around_every_point(name):
    data = make_dataset(name, noise=0.5, seed=2)
    (x_lo, x_hi), (y_lo, y_hi) = data.bounds
    assert x_lo == y_lo == -x_hi == -y_hi
    X, _ = all_points(data)
    assert np.abs(X).max() * 1.05 < x_hi


def test_circles_without_noise_are_two_concentric_circles_radius_ratio_half():
    X, y = all_points(make_dataset("circles", noise=0.0, seed=0))
    outer_centre, outer_axes, residual0 = axis_aligned_ellipse(X[y == 0])
    inner_centre, inner_axes, residual1 = axis_aligned_ellipse(X[y == 1])
    assert residual0 < 1e-12 and residual1 < 1e-12
    np.testing.assert_allclose(inner_centre, outer_centre, atol=1e-10)
    np.testing.assert_allclose(inner_axes / outer_axes, [0.5, 0.5], rtol=1e-10)


def test_moons_without_noise_are_unit_half_circles_with_centres_one_and_a_half_apart():
    """Class 0 on the unit circle's upper half; class 1 on the circle centred at (1, 0.5), lower half."""
    X, y = all_points(make_dataset("moons", noise=0.0, seed=0))
    c0, axes0, r0 = axis_aligned_ellipse(X[y == 0])
    c1, axes1, r1 = axis_aligned_ellipse(X[y == 1])
    assert r0 < 1e-12 and r1 < 1e-12
    np.testing.assert_allclose(axes1, axes0, rtol=1e-10)  # both radius 1 in raw units
    np.testing.assert_allclose((c1 - c0) / axes0, [1.0, 0.5], rtol=1e-10)  # offset (1, 0.5) in raw units
    assert np.all(X[y == 0][:, 1] >= c0[1] - 1e-12)  # upper half
    assert np.all(X[y == 1][:, 1] <= c1[1] + 1e-12)  # lower half


@pytest.mark.parametrize("seed", range(5))
def test_xor_without_noise_labels_are_the_sign_of_x_times_y(seed):
    X, y = all_points(make_dataset("xor", noise=0.0, seed=seed))
    assert np.array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(float))


def test_blobs_are_two_clouds_along_the_diagonal():
    X, y = all_points(make_dataset("blobs", n=2000, noise=0.0, seed=0))
    difference = X[y == 1].mean(axis=0) - X[y == 0].mean(axis=0)
    assert difference[0] == pytest.approx(difference[1], rel=0.1)
    assert difference[0] > 1.5  # 1.4 raw units apart with sd 0.4 per class


@pytest.mark.parametrize("name", ["moons", "circles", "xor", "spiral"])
def test_noise_free_shapes_are_separable_and_noise_blurs_them(name):
    clean_X, clean_y = all_points(make_dataset(name, noise=0.0, seed=1))
    assert leave_one_out_nearest_neighbour_accuracy(clean_X, clean_y) >= 0.97
    noisy_X, noisy_y = all_points(make_dataset(name, noise=1.0, seed=1))
    assert leave_one_out_nearest_neighbour_accuracy(noisy_X, noisy_y) < 0.85


def test_dataset_names_and_info():
    assert NAMES == ["moons", "circles", "xor", "spiral", "blobs"]
    assert all(info.display_name and info.description for info in DATASETS)
    assert dataset_info("xor").display_name == "XOR"
    with pytest.raises(ValueError, match="unknown data set"):
        dataset_info("swiss roll")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"name": "spirals"}, "unknown data set"),
        ({"n": 19}, "number of points"),
        ({"n": 5001}, "number of points"),
        ({"n": 100.0}, "whole number"),
        ({"n": True}, "whole number"),
        ({"noise": -0.1}, "noise"),
        ({"noise": 1.5}, "noise"),
        ({"noise": math.nan}, "noise"),
        ({"noise": "0.1"}, "noise"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**32}, "seed"),
        ({"test_fraction": 0.05}, "test_fraction"),
        ({"test_fraction": 0.6}, "test_fraction"),
    ],
)
def test_bad_arguments_raise_clear_value_error(kwargs, message):
    arguments = {"name": "moons", **kwargs}
    with pytest.raises(ValueError, match=message):
        make_dataset(**arguments)
