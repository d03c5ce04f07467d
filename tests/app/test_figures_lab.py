"""The lab's live figures show what they claim: the probability map's colours and orientation,
the training chart's two panels, and a neuron grid that names every neuron."""

import base64
import io
import re

import numpy as np
import pytest
from PIL import Image

from activations_core.datasets import make_dataset
from activations_core.network import NetConfig, decision_grid, init_network, neuron_activity, predict_proba
from ui.figures_lab import boundary_figure, neuron_grid_html, probability_image, training_figure


def _pixels(data_url: str) -> np.ndarray:
    assert data_url.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1]))).convert("RGB"))


def test_probability_image_maps_0_half_1_to_vermillion_white_blue_with_high_y_on_top():
    P = np.array([[0.0, 0.5], [1.0, 1.0]])  # bottom row (low y): p = 0 and 0.5; top row: p = 1
    px = _pixels(probability_image(P))
    assert px.shape == (2, 2, 3)
    assert tuple(px[1, 0]) == (0xD5, 0x5E, 0x00)  # bottom-left, p = 0
    assert tuple(px[1, 1]) == (0xF7, 0xF7, 0xF7)  # p = 0.5
    assert tuple(px[0, 0]) == tuple(px[0, 1]) == (0x00, 0x72, 0xB2)  # top row, p = 1


def test_probability_image_survives_nan_and_out_of_range():
    px = _pixels(probability_image(np.array([[np.nan, -3.0, 7.0]])))
    assert [tuple(p) for p in px[0]] == [(0xF7, 0xF7, 0xF7), (0xD5, 0x5E, 0x00), (0x00, 0x72, 0xB2)]


def test_boundary_covers_the_grid_and_hovers_each_point_with_its_probability():
    data = make_dataset("moons", n=200, noise=0.1, seed=3)
    state = init_network(NetConfig(), 3)
    xs, ys, P = decision_grid(state, 40, data.bounds)
    p_points = predict_proba(state, data.X_train)
    fig = boundary_figure(xs, ys, P, data.X_train, data.y_train, p_points, dark=False)
    image = fig.layout.images[0]
    half_cell = (xs[1] - xs[0]) / 2
    assert image.x == xs[0] - half_cell and image.sizex == xs[-1] - xs[0] + 2 * half_cell
    assert list(fig.layout.xaxis.range) == [image.x, image.x + image.sizex]  # the map fills the plot
    points = [t for t in fig.data if t.name and t.name.startswith("class")]
    assert sum(len(t.x) for t in points) == len(data.y_train)
    first = points[0]
    i = int(np.flatnonzero(data.y_train == 0)[0])
    assert first.customdata[0] == pytest.approx(predict_proba(state, data.X_train[i:i + 1])[0], rel=1e-12)


def test_training_figure_puts_loss_on_top_and_fractions_in_0_1_below():
    step = np.arange(5)
    fig = training_figure(step, {"train loss": np.ones(5), "test loss": np.ones(5)},
                          {"layer 1 dead": np.zeros(5), "layer 2 dead": np.full(5, 0.5)},
                          fraction_title="fraction dead", dark=True)
    axes = {t.name: t.yaxis for t in fig.data}
    assert axes["train loss"] == axes["test loss"] == "y"
    assert axes["layer 1 dead"] == axes["layer 2 dead"] == "y2"
    assert list(fig.layout.yaxis2.range) == [-0.02, 1.02]
    dashes = {t.name: t.line.dash for t in fig.data}
    assert dashes["train loss"] != dashes["test loss"]  # told apart without colour
    assert fig.layout.template.layout.font.color == "#FAFAFA"  # dark theme text


def test_neuron_grid_names_every_neuron_and_marks_the_dead_ones():
    data = make_dataset("circles", n=200, noise=0.1, seed=1)
    state = init_network(NetConfig(hidden=(8, 4), bias_init=-3.0), 1)
    activity = neuron_activity(state, data.X_train)
    page = neuron_grid_html([a.mean_abs for a in activity], [a.inactive for a in activity], inactive_word="dead")
    labels = re.findall(r'aria-label="(layer \d+, neuron \d+: [^"]+)"', page)
    assert len(labels) == 12
    dead = sum(int(a.inactive.sum()) for a in activity)
    assert sum(label.endswith(": dead") for label in labels) == dead
    assert page.count("✕") == dead + 1  # one per dead neuron, one in the key


def test_neuron_grid_marks_undefined_activity_instead_of_failing():
    page = neuron_grid_html([np.array([0.5, np.nan, np.inf])], [np.array([False, False, True])], inactive_word="dead")
    labels = re.findall(r'aria-label="(layer \d+, neuron \d+: [^"]+)"', page)
    assert labels == ["layer 1, neuron 1: mean |a| = 0.5", "layer 1, neuron 2: undefined (not a finite number)",
                      "layer 1, neuron 3: dead"]
