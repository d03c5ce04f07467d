"""Which option a measurement picks (issue 17): the nearest value, the smallest distance, the band."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ui.answer_options import band_of, closest_option, nearest_option


def test_nearest_option_by_label_or_position():
    zeros = {"about 10%": 0.1, "about 50%": 0.5, "about 90%": 0.9}
    assert nearest_option(zeros, 0.47) == 1
    assert nearest_option(zeros, 0.0) == 0 and nearest_option(zeros, 5.0) == 2
    assert nearest_option([-2, -6, -12], math.log10(0.25**10)) == 1


def test_nearest_option_takes_the_first_on_a_tie():
    assert nearest_option([0.0, 1.0], 0.5) == 0
    assert nearest_option({"a": 1.0, "b": 1.0}, 1.0) == 0


def test_closest_option_is_the_smallest_distance():
    assert closest_option({"ReLU": 0.3, "x/2": 12.0, "Sigmoid": 0.3}) == 0
    assert closest_option([math.inf, 2.0, 0.5]) == 2
    with pytest.raises(ValueError):
        closest_option([])


@pytest.mark.parametrize("measured", [0.0, 0.05, 0.1, 0.3, 0.5, 0.99, 1.0, -1.0, math.inf, math.nan])
def test_band_of_agrees_with_numpy(measured):
    edges = (0.1, 0.5)
    assert band_of(edges, measured) == int(np.searchsorted(edges, measured, side="right"))


def test_each_edge_starts_its_band():
    edges = (1e-6, 1e-3, 1e-1)
    assert [band_of(edges, v) for v in (0.0, 1e-6, 5e-4, 1e-3, 0.1, 3.0)] == [0, 1, 1, 2, 3, 3]
