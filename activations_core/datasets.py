"""Seeded 2-D toy data sets for binary classification: moons, circles, XOR, spiral, blobs.

Each generator draws a clean shape, adds Gaussian noise of standard deviation
``noise`` (in the shape's own units, where the shape spans about 2), then
standardises both features over the whole set (zero mean, unit variance), so
whichever shape is chosen the inputs lie within about [-3, 3], most of them in [-2, 2]. The split into train
and test parts is a seeded shuffle. Everything comes from
``np.random.default_rng(seed)``: the same arguments give the same arrays, bit
for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .checks import MAX_SEED, check_float, check_int

__all__ = [
    "DATASETS",
    "Dataset",
    "DatasetInfo",
    "MAX_POINTS",
    "MAX_NOISE",
    "MIN_POINTS",
    "dataset_info",
    "make_dataset",
]

MIN_POINTS = 20
MAX_POINTS = 5000
MAX_NOISE = 1.0
MIN_TEST_FRACTION = 0.1
MAX_TEST_FRACTION = 0.5


@dataclass(frozen=True)
class DatasetInfo:
    """A data set's key, the name a page shows, and one line on what makes it hard."""

    name: str
    display_name: str
    description: str


DATASETS: tuple[DatasetInfo, ...] = (
    DatasetInfo("moons", "Two moons", "Two interleaved half circles: needs a curved boundary."),
    DatasetInfo("circles", "Circles", "A ring around a disc: needs a closed boundary."),
    DatasetInfo("xor", "XOR", "Opposite quadrants share a class: no single line separates them."),
    DatasetInfo("spiral", "Spiral", "Two interleaved spiral arms: the hardest shape here."),
    DatasetInfo("blobs", "Gaussian blobs", "Two Gaussian clouds: a straight line almost separates them."),
)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train and test parts: X float64 of shape (n, 2), y float64 of shape (n,) with values 0 or 1."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    @property
    def bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """A square ((x_lo, x_hi), (y_lo, y_hi)) around every point with a 10% margin, for plots."""
        half = 1.1 * float(max(np.abs(self.X_train).max(), np.abs(self.X_test).max()))
        return (-half, half), (-half, half)


def dataset_info(name: str) -> DatasetInfo:
    """The DatasetInfo for ``name``; ValueError for an unknown name."""
    for info in DATASETS:
        if info.name == name:
            return info
    names = ", ".join(info.name for info in DATASETS)
    raise ValueError(f"unknown data set {name!r}; choose one of {names}")


def _moons(rng, n0, n1):
    """Two half circles: (cos t, sin t) and (1 - cos t, 0.5 - sin t), t uniform in [0, pi]."""
    t0 = rng.uniform(0.0, math.pi, n0)
    t1 = rng.uniform(0.0, math.pi, n1)
    outer = np.column_stack([np.cos(t0), np.sin(t0)])
    inner = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    return outer, inner


def _circles(rng, n0, n1):
    """Ring of radius 1 (class 0) around a circle of radius 0.5 (class 1)."""
    t0 = rng.uniform(0.0, 2.0 * math.pi, n0)
    t1 = rng.uniform(0.0, 2.0 * math.pi, n1)
    outer = np.column_stack([np.cos(t0), np.sin(t0)])
    inner = 0.5 * np.column_stack([np.cos(t1), np.sin(t1)])
    return outer, inner


def _xor(rng, n0, n1):
    """Uniform in [-1, 1]^2 kept 0.1 away from the axes; class 1 where x y > 0."""

    def quadrant_points(count, same_sign):
        magnitude = rng.uniform(0.1, 1.0, (count, 2))
        sx = rng.choice([-1.0, 1.0], count)
        sy = sx if same_sign else -sx
        return magnitude * np.column_stack([sx, sy])

    return quadrant_points(n0, False), quadrant_points(n1, True)


def _spiral(rng, n0, n1):
    """Two arms r = t, angle = 3 pi t (+ pi for class 1), t uniform in [0.1, 1]."""

    def arm(count, phase):
        t = rng.uniform(0.1, 1.0, count)
        angle = 3.0 * math.pi * t + phase
        return np.column_stack([t * np.cos(angle), t * np.sin(angle)])

    return arm(n0, 0.0), arm(n1, math.pi)


def _blobs(rng, n0, n1):
    """Gaussian clouds of standard deviation 0.4 centred at (-0.7, -0.7) and (0.7, 0.7)."""
    return (
        rng.normal(-0.7, 0.4, (n0, 2)),
        rng.normal(0.7, 0.4, (n1, 2)),
    )


_GENERATORS = {"moons": _moons, "circles": _circles, "xor": _xor, "spiral": _spiral, "blobs": _blobs}


def make_dataset(
    name: str, n: int = 400, noise: float = 0.1, seed: int = 0, test_fraction: float = 0.2
) -> Dataset:
    """``n`` points of data set ``name`` (half of each class), noisy, standardised, split.

    x = standardise(clean + noise * N(0, I)); round(n * test_fraction) points go
    to the test part. ValueError for an unknown name or an argument out of range:
    n in [20, 5000], noise in [0, 1], seed in [0, 2^32 - 1], test_fraction in [0.1, 0.5].
    """
    dataset_info(name)
    n = check_int("n (number of points)", n, MIN_POINTS, MAX_POINTS)
    noise = check_float("noise", noise, 0.0, MAX_NOISE)
    seed = check_int("seed", seed, 0, MAX_SEED)
    test_fraction = check_float("test_fraction", test_fraction, MIN_TEST_FRACTION, MAX_TEST_FRACTION)

    rng = np.random.default_rng(seed)
    n1 = n // 2
    n0 = n - n1
    class0, class1 = _GENERATORS[name](rng, n0, n1)
    X = np.concatenate([class0, class1])
    X += noise * rng.standard_normal(X.shape)
    X -= X.mean(axis=0)
    X /= X.std(axis=0)
    y = np.concatenate([np.zeros(n0), np.ones(n1)])

    order = rng.permutation(n)
    n_test = round(n * test_fraction)
    test, train = order[:n_test], order[n_test:]
    parts = [X[train], y[train], X[test], y[test]]
    for part in parts:
        part.setflags(write=False)  # shared by reference (e.g. two side-by-side runs)
    return Dataset(name, *parts)
