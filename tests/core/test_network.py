"""The toy MLP: gradients against finite differences, forward pass against a plain-Python
reference, SGD and batch-norm arithmetic worked by hand, the dead/saturated definitions on
the lessons' networks, determinism, bounded history, validation and JSON export."""

from __future__ import annotations

import dataclasses
import json
import math
import pickle

import numpy as np
import pytest

from activations_core import ACTIVATIONS, Activation
from activations_core.datasets import make_dataset
from activations_core.network import (
    BN_EPS,
    HISTORY_CAP,
    MAX_STEPS_PER_CALL,
    NetConfig,
    dead_criterion,
    decision_grid,
    from_json_dict,
    init_network,
    loss_and_gradients,
    neuron_activity,
    parameter_arrays,
    predict_proba,
    to_json_dict,
    train_steps,
)
from activations_core.network.model import ARRAY_FIELDS, net_state, working_net



@pytest.fixture(scope="module")
def moons():
    return make_dataset("moons", n=200, noise=0.1, seed=1)


@pytest.fixture(scope="module")
def preset_runs():
    """The lab's lessons' networks after their steps (seed 11, the lab's default), by lesson key."""
    from activations_core.lessons import LESSONS

    return {key: LESSONS[key].run(11).end for key in ("healthy", "lr_too_high", "negative_bias")}


def lesson_data(key: str):
    from activations_core.lessons import LESSONS

    lesson = LESSONS[key]
    return make_dataset(lesson.dataset, n=lesson.n_points, noise=lesson.noise, seed=11)


# --------------------------------------------------------------------------
# An independent reference: one point at a time in plain Python floats
# --------------------------------------------------------------------------

SCALAR = {
    "relu": lambda z: max(z, 0.0),
    "leaky_relu": lambda z, alpha=0.01: z if z > 0 else alpha * z,
    "elu": lambda z, alpha=1.0: z if z > 0 else alpha * math.expm1(z),
    "tanh": math.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
    "softplus": lambda z: math.log1p(math.exp(z)),
    "swish": lambda z, beta=1.0: z / (1.0 + math.exp(-beta * z)),
}


def reference_hidden_and_logit(state, point):
    """Hidden outputs per layer and the logit for one input point, evaluation mode."""
    f = SCALAR[state.config.activation]
    params = dict(state.config.activation_params)
    a = [float(v) for v in point]
    hidden = []
    for l, width in enumerate(state.config.hidden):
        W, b = state.weights[l], state.biases[l]
        out = []
        for j in range(width):
            u = sum(a[i] * float(W[i, j]) for i in range(len(a))) + float(b[j])
            if state.gammas:
                mean, var = float(state.running_means[l][j]), float(state.running_vars[l][j])
                u = (u - mean) / math.sqrt(var + BN_EPS) * float(state.gammas[l][j]) + float(state.betas[l][j])
            out.append(f(u, **params))
        hidden.append(out)
        a = out
    W, b = state.weights[-1], state.biases[-1]
    logit = sum(a[i] * float(W[i, 0]) for i in range(len(a))) + float(b[0])
    return hidden, logit


def reference_dead_fraction(state, X):
    """Per layer: fraction of neurons whose output is exactly 0 for every row of X (the lesson's words)."""
    outputs = [reference_hidden_and_logit(state, x)[0] for x in X]
    fractions = []
    for l, width in enumerate(state.config.hidden):
        dead = sum(all(out[l][j] == 0.0 for out in outputs) for j in range(width))
        fractions.append(dead / width)
    return fractions


def with_arrays(state, **arrays):
    """A copy of ``state`` with some arrays replaced."""
    return dataclasses.replace(state, **arrays)


# --------------------------------------------------------------------------
# Gradients
# --------------------------------------------------------------------------


def finite_difference(state, X, y, h=1e-6):
    """Central differences of the training-mode loss for every parameter entry."""
    grads = []
    for p in parameter_arrays(state):
        fd = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            up, _ = loss_and_gradients(state, X, y)
            p[idx] = old - h
            down, _ = loss_and_gradients(state, X, y)
            p[idx] = old
            fd[idx] = (up - down) / (2 * h)
        grads.append(fd)
    return grads


@pytest.mark.parametrize(
    "activation, batch_norm",
    [
        ("relu", False),
        ("relu", True),
        ("tanh", False),
        ("tanh", True),
        ("sigmoid", False),
        ("leaky_relu", False),
        ("elu", True),
        ("gelu", False),
        ("swish", True),
        ("mish", False),
    ],
)
def test_backprop_matches_central_differences(activation, batch_norm, moons):
    state = init_network(
        NetConfig(hidden=(5, 4, 3), activation=activation, batch_norm=batch_norm, bias_init=0.1), seed=3
    )
    state = with_arrays(
        state, gammas=tuple(g * 1.3 for g in state.gammas), betas=tuple(b + 0.2 for b in state.betas)
    )
    X, y = moons.X_train[:9], moons.y_train[:9]
    _, grads = loss_and_gradients(state, X, y)
    reference = finite_difference(state, X, y)
    error = max(np.max(np.abs(g - r)) for g, r in zip(grads, reference))
    scale = max(np.max(np.abs(r)) for r in reference)
    assert error / scale < 1e-6


def test_custom_activation_plugs_in(moons):
    softsign = Activation(
        name="softsign",
        display_name="Softsign",
        fn=lambda x: x / (1.0 + np.abs(x)),
        dfn=lambda x: 1.0 / (1.0 + np.abs(x)) ** 2,
    )
    state = init_network(NetConfig(hidden=(4,), activation=softsign), seed=0)
    X, y = moons.X_train[:6], moons.y_train[:6]
    _, grads = loss_and_gradients(state, X, y)
    reference = finite_difference(state, X, y)
    assert max(np.max(np.abs(g - r)) for g, r in zip(grads, reference)) < 1e-8
    assert state.dead_criterion == "dead"
    trained = train_steps(state, moons, 200)
    assert trained.history.train_loss[-1] < trained.history.train_loss[0]


def test_batch_norm_cancels_the_bias_before_it(moons):
    state = init_network(NetConfig(hidden=(6,), batch_norm=True), seed=2)
    X, y = moons.X_train, moons.y_train
    loss, grads = loss_and_gradients(state, X, y)
    shifted = with_arrays(state, biases=(state.biases[0] - 3.0, state.biases[1]))
    assert loss_and_gradients(shifted, X, y)[0] == pytest.approx(loss, rel=1e-12)
    bias_grad = grads[len(state.weights)]
    assert np.max(np.abs(bias_grad)) < 1e-15


# --------------------------------------------------------------------------
# Forward pass, loss, SGD and batch-norm arithmetic against worked references
# --------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "tanh", "elu", "swish"])
@pytest.mark.parametrize("batch_norm", [False, True])
def test_predict_proba_matches_plain_python(activation, batch_norm, moons):
    state = train_steps(
        init_network(NetConfig(hidden=(5, 3), activation=activation, batch_norm=batch_norm), seed=4), moons, 20
    )
    X = moons.X_test[:12]
    expected = [1.0 / (1.0 + math.exp(-reference_hidden_and_logit(state, x)[1])) for x in X]
    np.testing.assert_allclose(predict_proba(state, X), expected, rtol=1e-12, atol=1e-15)


def test_loss_is_exact_for_huge_logits(moons):
    """Output bias 800: log(1 + e^800) = 800 for class 0 and log(1 + e^-800) ~ 0 for class 1, no inf/NaN."""
    state = init_network(NetConfig(hidden=(3,)), seed=0)
    state = with_arrays(
        state, weights=(state.weights[0], np.zeros((3, 1))), biases=(state.biases[0], np.array([800.0]))
    )
    y = np.array([0.0, 0.0, 1.0, 1.0])
    loss, grads = loss_and_gradients(state, moons.X_train[:4], y)
    assert loss == 400.0  # mean of 800, 800, e^-800, e^-800
    assert all(np.all(np.isfinite(g)) for g in grads)
    assert grads[len(state.weights) + 1][0] == pytest.approx(0.5)  # mean(sigma(800) - y)


def test_loss_matches_cross_entropy_formula(moons):
    state = init_network(NetConfig(hidden=(4, 4)), seed=5)
    X, y = moons.X_train, moons.y_train
    p = [1.0 / (1.0 + math.exp(-reference_hidden_and_logit(state, x)[1])) for x in X]
    expected = -sum(t * math.log(q) + (1 - t) * math.log(1 - q) for t, q in zip(y, p)) / len(y)
    assert loss_and_gradients(state, X, y)[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_steps_follow_the_update_rule(momentum, moons):
    lr = 0.05
    state = init_network(NetConfig(hidden=(4, 3), learning_rate=lr, momentum=momentum), seed=6)
    X, y = moons.X_train, moons.y_train
    params = [p.copy() for p in parameter_arrays(state)]
    velocity = [np.zeros_like(p) for p in params]
    current = state
    for _ in range(2):
        _, grads = loss_and_gradients(current, X, y)
        velocity = [momentum * v + g for v, g in zip(velocity, grads)]
        params = [p - lr * v for p, v in zip(params, velocity)]
        current = train_steps(current, moons, 1)
    for got, expected in zip(parameter_arrays(current), params):
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)


def test_batch_norm_running_statistics_after_one_step(moons):
    state = init_network(NetConfig(hidden=(5,), batch_norm=True), seed=7)
    u = moons.X_train @ state.weights[0] + state.biases[0]
    after = train_steps(state, moons, 1)
    np.testing.assert_allclose(after.running_means[0], 0.1 * u.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(after.running_vars[0], 0.9 + 0.1 * u.var(axis=0, ddof=1), rtol=1e-12)


def test_batch_norm_training_pass_normalises_each_neuron(moons):
    """In training mode z = (u - mean) / sqrt(var + eps) with gamma = 1, beta = 0: mean 0, variance ~1."""
    state = init_network(NetConfig(hidden=(5,), activation="tanh", batch_norm=True), seed=8)
    big = with_arrays(state, running_means=(np.full(5, 100.0),), running_vars=(np.full(5, 1e4),))
    X, y = moons.X_train, moons.y_train
    # loss_and_gradients uses the batch statistics, so the bogus running statistics do not matter
    assert loss_and_gradients(big, X, y)[0] == pytest.approx(loss_and_gradients(state, X, y)[0], rel=1e-12)


# --------------------------------------------------------------------------
# Dead and saturated neurons
# --------------------------------------------------------------------------


def one_layer_with_biases(activation, biases, **params):
    """A 2-b-1 network whose hidden neurons ignore the input (zero weights) and have the given biases."""
    config = NetConfig(hidden=(len(biases),), activation=activation, activation_params=params)
    state = init_network(config, seed=0)
    return with_arrays(
        state,
        weights=(np.zeros((2, len(biases))), state.weights[1]),
        biases=(np.array(biases, dtype=float), state.biases[1]),
    )


@pytest.mark.parametrize(
    "activation, biases, dead",
    [
        ("relu", [-1.0, 0.0, 1e-300, 1.0], [True, True, False, False]),
        ("leaky_relu", [-100.0, -1.0], [False, False]),
        ("elu", [-800.0, -30.0], [True, False]),  # elu'(-800) = e^-800 = 0 exactly; e^-30 > 0
    ],
)
def test_dead_means_zero_slope_for_every_training_input(activation, biases, dead, moons):
    state = train_steps(one_layer_with_biases(activation, biases), moons, 0)
    layer = neuron_activity(state, moons.X_train)[0]
    assert layer.dead.tolist() == dead
    assert state.history.dead_fraction[-1, 0] == sum(dead) / len(dead)


@pytest.mark.parametrize(
    "activation, biases, saturated",
    [
        # within 3% of the width 2 of either end, |a| > 0.94: tanh(1.8) = 0.9468, tanh(1.7) = 0.9354
        ("tanh", [1.8, -1.8, 1.7, -1.7, 0.0], [True, True, False, False, False]),
        # a < 0.03 or a > 0.97: sigmoid(-3.6) = 0.0266, sigmoid(-3.4) = 0.0323, sigmoid(3.6) = 0.9734,
        # sigmoid(3.4) = 0.9677
        ("sigmoid", [-3.6, -3.4, 3.6, 3.4], [True, False, True, False]),
    ],
)
def test_saturated_means_within_three_percent_of_either_end(activation, biases, saturated, moons):
    state = train_steps(one_layer_with_biases(activation, biases), moons, 0)
    assert state.dead_criterion == "saturated"
    layer = neuron_activity(state, moons.X_train)[0]
    assert layer.saturated.tolist() == saturated
    assert not layer.dead.any()
    assert state.history.dead_fraction[-1, 0] == sum(saturated) / len(saturated)


def test_saturation_needs_every_input(moons):
    """A tanh neuron driven hard by x but crossing zero is not saturated."""
    state = one_layer_with_biases("tanh", [0.0, 3.0])
    state = with_arrays(state, weights=(np.array([[50.0, 0.0], [0.0, 0.0]]), state.weights[1]))
    assert neuron_activity(state, moons.X_train)[0].saturated.tolist() == [False, True]


def test_dead_criterion_per_activation():
    assert {name for name in ACTIVATIONS if dead_criterion(name) == "saturated"} == {"sigmoid", "tanh"}


def test_history_dead_fraction_matches_the_lessons_definition(preset_runs, moons):
    """Count ReLU neurons whose output is exactly 0 on every training point, independently."""
    for key in ("lr_too_high", "negative_bias", "healthy"):
        state = preset_runs[key]
        data = lesson_data(key)
        expected = reference_dead_fraction(state, data.X_train)
        np.testing.assert_array_equal(state.history.dead_fraction[-1], expected)
        counts = [round(f * w) for f, w in zip(expected, state.config.hidden)]
        assert state.history.dead_overall[-1] == sum(counts) / sum(state.config.hidden)
        activity = neuron_activity(state, data.X_train)
        assert [int(layer.dead.sum()) for layer in activity] == counts


def test_neuron_activity_mean_abs_matches_reference(preset_runs):
    state = preset_runs["healthy"]
    X = lesson_data("healthy").X_train[:40]
    outputs = [reference_hidden_and_logit(state, x)[0] for x in X]
    for l, layer in enumerate(neuron_activity(state, X)):
        expected = [sum(abs(out[l][j]) for out in outputs) / len(X) for j in range(len(layer.mean_abs))]
        np.testing.assert_allclose(layer.mean_abs, expected, rtol=1e-12, atol=1e-300)


# --------------------------------------------------------------------------
# Determinism, chunking, bounds
# --------------------------------------------------------------------------


def assert_same_run(a, b):
    for name in ARRAY_FIELDS:
        for x, y in zip(getattr(a, name), getattr(b, name), strict=True):
            assert np.array_equal(x, y), name
    for name in ("step", "train_loss", "train_acc", "test_loss", "test_acc", "dead_fraction", "dead_overall"):
        assert np.array_equal(getattr(a.history, name), getattr(b.history, name)), name
    assert (a.step, a.history.every, a.diverged) == (b.step, b.history.every, b.diverged)


def test_array_fields_are_the_array_fields_of_net_state_and_working_net():
    """working_net, net_state and the JSON export go through ARRAY_FIELDS: every array field is in it, in order."""
    state = init_network(NetConfig(batch_norm=True, momentum=0.5), seed=2)
    net = working_net(state, copy=False)
    for record, kind in ((state, tuple), (net, list)):
        names = [f.name for f in dataclasses.fields(record) if isinstance(getattr(record, f.name), kind)]
        assert tuple(names) == ARRAY_FIELDS, type(record).__name__
    back = net_state(net, state.seed, state.step, state.history, state.diverged)
    assert back.config is state.config and back.history is state.history
    assert_same_run(back, state)


CONFIGS = [
    NetConfig(),
    NetConfig(
        hidden=(8, 6, 4), activation="tanh", batch_norm=True, batch_size=24, momentum=0.9, learning_rate=0.05
    ),
    NetConfig(
        activation="leaky_relu", activation_params={"alpha": 0.1}, init="normal", init_scale=0.5, batch_size=50
    ),
]


@pytest.mark.parametrize("config", CONFIGS)
def test_same_seed_same_run_bit_for_bit(config, moons):
    a = train_steps(init_network(config, seed=9), moons, 300)
    b = train_steps(init_network(config, seed=9), moons, 300)
    assert_same_run(a, b)
    c = train_steps(init_network(config, seed=10), moons, 300)
    assert not np.array_equal(a.weights[0], c.weights[0])


@pytest.mark.parametrize("config", CONFIGS)
def test_splitting_steps_between_calls_changes_nothing(config, moons):
    whole = train_steps(init_network(config, seed=9), moons, 300)
    state = init_network(config, seed=9)
    for chunk in (0, 1, 37, 0, 100, 162):
        state = train_steps(state, moons, chunk)
    assert_same_run(whole, state)


def test_train_steps_leaves_its_input_alone(moons):
    state = train_steps(init_network(NetConfig(momentum=0.5, batch_norm=True), seed=1), moons, 5)
    before = pickle.dumps(state)
    train_steps(state, moons, 20)
    assert pickle.dumps(state) == before


def test_minibatches_cover_each_point_once_per_epoch(moons):
    """With momentum 0 and a batch of 40 out of 160 points, epoch 1's four steps use every point once."""
    from activations_core.network.train import minibatch_rows

    cache = {}
    batches = [minibatch_rows(3, step, 160, 40, cache) for step in range(4, 8)]
    assert sorted(np.concatenate(batches).tolist()) == list(range(160))
    assert not np.array_equal(batches[0], minibatch_rows(3, 0, 160, 40, {}))


def test_history_stays_bounded_on_long_runs(moons):
    config = NetConfig(hidden=(2,), learning_rate=0.01, max_steps=5000)
    whole = train_steps(init_network(config, seed=0), moons, 5000)
    h = whole.history
    assert len(h) <= HISTORY_CAP + 1
    assert h.step[0] == 0 and h.step[-1] == 5000
    assert np.all(np.diff(h.step) > 0) and np.all(h.step % h.every == 0)
    assert (5000 // h.every + 1) <= HISTORY_CAP < (5000 // (h.every // 2) + 1)
    state = init_network(config, seed=0)
    while not state.finished:
        state = train_steps(state, moons, 777)
    assert_same_run(whole, state)


def test_time_budget_only_decides_where_a_call_stops(moons):
    """A budget of 1 microsecond still runs one step per call; the run is the same as one long call."""
    whole = train_steps(init_network(NetConfig(), seed=2), moons, 30)
    state = init_network(NetConfig(), seed=2)
    calls = 0
    while state.step < 30:
        before = state.step
        state = train_steps(state, moons, 30 - state.step, time_budget=1e-6)
        assert state.step > before
        calls += 1
    assert calls > 1
    assert_same_run(whole, state)


def test_history_last_row(moons):
    assert init_network(NetConfig(), seed=0).history.last() is None
    state = train_steps(init_network(NetConfig(hidden=(4, 3)), seed=0), moons, 12)
    last = state.history.last()
    assert last["step"] == 12 and last["dead_fraction"].shape == (2,)
    assert last["train_loss"] == state.history.train_loss[-1]
    assert set(last) == {
        "step", "train_loss", "train_acc", "test_loss", "test_acc", "dead_fraction", "dead_overall"
    }


def test_training_stops_at_max_steps(moons):
    state = train_steps(init_network(NetConfig(max_steps=10), seed=0), moons, 25)
    assert state.step == 10 and state.finished
    again = train_steps(state, moons, 25)
    assert again.step == 10 and len(again.history) == len(state.history)


def test_divergence_is_detected_and_stops_training():
    data = make_dataset("circles", seed=0)
    config = NetConfig(activation="leaky_relu", learning_rate=10.0)
    state = train_steps(init_network(config, seed=0), data, 500)
    assert state.diverged and state.finished and state.step < 500
    assert not math.isfinite(state.history.train_loss[-1])
    assert train_steps(state, data, 10).step == state.step


def test_same_seed_gives_same_start_for_different_activations():
    a = init_network(NetConfig(activation="relu"), seed=4)
    b = init_network(NetConfig(activation="elu", batch_norm=True), seed=4)
    for x, y in zip(a.weights, b.weights):
        assert np.array_equal(x, y)


# --------------------------------------------------------------------------
# Decision grid
# --------------------------------------------------------------------------


def test_decision_grid_orientation_and_values(preset_runs):
    state = preset_runs["healthy"]
    xs, ys, P = decision_grid(state, resolution=41, bounds=((-2.0, 2.0), (-3.0, 3.0)))
    assert P.shape == (41, 41) and xs[0] == -2.0 and ys[-1] == 3.0
    assert np.all((P >= 0) & (P <= 1))
    i, j = 7, 30
    assert P[i, j] == pytest.approx(predict_proba(state, [[xs[j], ys[i]]])[0], rel=1e-12)
    # circles: class 1 is the inner disc, class 0 the ring around it
    assert P[20, 20] > 0.9 and P[0, 0] < 0.1 and P[-1, -1] < 0.1


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"hidden": ()}, "1 to 4 hidden layers"),
        ({"hidden": (8,) * 5}, "1 to 4 hidden layers"),
        ({"hidden": (1,)}, "width"),
        ({"hidden": (65,)}, "width"),
        ({"hidden": (8.5,)}, "whole number"),
        ({"hidden": 16}, "list of layer widths"),
        ({"activation": "relux"}, "unknown activation"),
        ({"activation": "relu", "activation_params": {"alpha": 0.1}}, "no parameter alpha"),
        ({"activation": "leaky_relu", "activation_params": {"alpha": 2.0}}, "alpha"),
        ({"activation": "leaky_relu", "activation_params": {"alpha": math.nan}}, "alpha"),
        ({"init": "lecun"}, "unknown init"),
        ({"init_scale": -1.0}, "init_scale"),
        ({"bias_init": 11.0}, "bias_init"),
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"learning_rate": 11.0}, "learning_rate"),
        ({"learning_rate": math.inf}, "learning_rate"),
        ({"learning_rate": "0.1"}, "learning_rate"),
        ({"momentum": 1.0}, "momentum"),
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": 1, "batch_norm": True}, "batch_size"),
        ({"batch_norm": "yes"}, "batch_norm"),
        ({"max_steps": 0}, "max_steps"),
        ({"max_steps": 10**6}, "max_steps"),
    ],
)
def test_bad_config_raises_clear_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NetConfig(**kwargs)


def test_bad_calls_raise_value_error(moons):
    state = init_network(NetConfig(), seed=0)
    for bad in (-1, MAX_STEPS_PER_CALL + 1, 2.5, True):
        with pytest.raises(ValueError, match="n_steps"):
            train_steps(state, moons, bad)
    with pytest.raises(ValueError, match="Dataset"):
        train_steps(state, (moons.X_train, moons.y_train), 1)
    with pytest.raises(ValueError, match="seed"):
        init_network(NetConfig(), seed=-1)
    with pytest.raises(ValueError, match="NetConfig"):
        init_network({"hidden": (4,)}, seed=0)
    with pytest.raises(ValueError, match="shape"):
        predict_proba(state, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="resolution"):
        decision_grid(state, resolution=1000)
    with pytest.raises(ValueError, match="bounds"):
        decision_grid(state, bounds=((1.0, -1.0), (0.0, 1.0)))
    with pytest.raises(ValueError, match="bounds"):
        decision_grid(state, bounds=(0.0, 1.0))
    with pytest.raises(ValueError, match="at least one"):
        neuron_activity(state, np.zeros((0, 2)))
    with pytest.raises(ValueError, match="y must have shape"):
        loss_and_gradients(state, moons.X_train[:5], moons.y_train[:4])
    with pytest.raises(ValueError, match="time_budget"):
        train_steps(state, moons, 5, time_budget=0.0)
    with pytest.raises(ValueError, match="NetState"):
        train_steps("state", moons, 5)
    with pytest.raises(ValueError, match="activation_params"):
        NetConfig(activation="elu", activation_params=3)


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------


def test_json_export_round_trips_and_training_continues_identically(moons):
    config = NetConfig(
        hidden=(6, 5), activation="elu", activation_params={"alpha": 0.5}, batch_norm=True,
        momentum=0.9, learning_rate=0.05, batch_size=32,
    )
    state = train_steps(init_network(config, seed=12), moons, 60)
    text = json.dumps(to_json_dict(state), allow_nan=False)
    restored = from_json_dict(json.loads(text))
    assert restored.config == state.config
    assert_same_run(restored, state)
    assert_same_run(train_steps(restored, moons, 40), train_steps(state, moons, 40))


def test_json_of_a_diverged_run_has_no_nan():
    data = make_dataset("circles", seed=0)
    config = NetConfig(activation="leaky_relu", learning_rate=10.0)
    state = train_steps(init_network(config, seed=0), data, 500)
    exported = to_json_dict(state)
    text = json.dumps(exported, allow_nan=False)
    assert exported["diverged"] is True
    assert exported["history"]["train_loss"][-1] is None
    assert "NaN" not in text and "Infinity" not in text


def test_json_import_rejects_garbage():
    with pytest.raises(ValueError, match="not an exported network"):
        from_json_dict({"config": {"hidden": [4]}})


def test_state_pickles_small(preset_runs):
    state = preset_runs["healthy"]
    blob = pickle.dumps(state)
    assert len(blob) < 100_000
    assert_same_run(pickle.loads(blob), state)
