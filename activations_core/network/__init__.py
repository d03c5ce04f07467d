"""A toy multilayer perceptron for 2-D binary classification, trained by SGD, with dead-neuron statistics.

Network: 2 inputs -> 1-4 hidden layers of 2-64 neurons -> 1 output. Hidden layer:
    u = a W + b;  z = u, or with batch norm z = gamma (u - mu) / sqrt(var + eps) + beta;  a' = f(z)
(mu, var: the batch's mean and biased variance in training, running averages in evaluation, as
PyTorch's Linear + BatchNorm1d; subtracting mu cancels the bias b). Output: logit s = a W + b,
p = sigma(s). Loss: mean cross-entropy from the logit, l = logaddexp(0, (1 - 2y) s), never log(0).
Hand-written backpropagation; SGD with optional momentum (v = m v + g, w -= lr v, as PyTorch).

What ``dead_fraction`` in the history counts (see ``dead_criterion``):

* "dead" (every activation except the saturating ones): f'(z) = 0 exactly for every training
  input, so no gradient reaches the neuron's incoming weights again. For ReLU this is the lesson's
  "output exactly zero for every training input", since relu'(z) = 0 <=> z <= 0 <=> relu(z) = 0.
  Leaky ReLU with alpha > 0 is never dead by this rule (f' >= alpha), though it can recover only
  slowly; ELU, GELU, Swish... only below z of about -700.
* "saturated" (sigmoid, tanh: bounded range (lo, hi) and saturating): for every training input
  the output is within 3% of the range's width of either end (depth.SATURATION_MARGIN, the rule
  the vanishing-gradient page uses too), i.e. |a| > 0.94 for tanh and a < 0.03 or a > 0.97 for
  sigmoid.

Statistics use evaluation mode (batch norm with running statistics) on the whole training set;
history row ``step = s`` describes the network after s updates.

Determinism: weights come from ``np.random.default_rng(seed)``, epoch e's minibatch order from
``epoch_order(seed, e, n)`` (a 32-bit hash the browser's trainer computes too); the same config,
seed and data give the same run bit for bit however its steps are split between calls to
``train_steps``.

A page keeps one NetState per session (plain numpy arrays in dataclasses, picklable, a few tens
of kB; nothing here is global) and per frame calls
    state = train_steps(state, data, 500, time_budget=0.05)
then draws decision_grid(state, 60, data.bounds), state.history and
neuron_activity(state, data.X_train); train_steps(state, data, 0) records step 0 of a fresh network.
``train_steps`` pins BLAS to one thread while it runs: thread pools only add overhead and
contention to matrix products this small on a shared server.

Modules, by reason to change: ``config`` (NetConfig, its limits, the dead or saturated rule),
``model`` (History, NetState, init_network, the forward and backward passes), ``train``
(train_steps, epoch_order, the history rows), ``inference`` (predict_proba, decision_grid,
neuron_activity, loss_and_gradients) and ``export`` (to_json_dict, from_json_dict, browser_spec).
Every name the single module ``network.py`` offered is importable from here as before.
"""

from .config import (
    MAX_ABS_BIAS_INIT,
    MAX_BATCH_SIZE,
    MAX_INIT_SCALE,
    MAX_LAYERS,
    MAX_LEARNING_RATE,
    MAX_MOMENTUM,
    MAX_TOTAL_STEPS,
    MAX_WIDTH,
    MIN_LAYERS,
    MIN_LEARNING_RATE,
    MIN_WIDTH,
    NetConfig,
    dead_criterion,
)
from .export import browser_spec, from_json_dict, to_json_dict
from .inference import (
    MAX_GRID,
    MIN_GRID,
    LayerActivity,
    decision_grid,
    loss_and_gradients,
    neuron_activity,
    predict_proba,
)
from .model import BN_EPS, BN_MOMENTUM, HISTORY_CAP, N_INPUTS, History, NetState, init_network, parameter_arrays
from .train import MAX_STEPS_PER_CALL, epoch_order, train_steps

__all__ = [
    "HISTORY_CAP",
    "MAX_STEPS_PER_CALL",
    "MAX_TOTAL_STEPS",
    "History",
    "LayerActivity",
    "NetConfig",
    "NetState",
    "browser_spec",
    "dead_criterion",
    "decision_grid",
    "epoch_order",
    "from_json_dict",
    "init_network",
    "loss_and_gradients",
    "neuron_activity",
    "parameter_arrays",
    "predict_proba",
    "to_json_dict",
    "train_steps",
    # limits and constants, public in network.py too
    "BN_EPS",
    "BN_MOMENTUM",
    "MAX_ABS_BIAS_INIT",
    "MAX_BATCH_SIZE",
    "MAX_GRID",
    "MAX_INIT_SCALE",
    "MAX_LAYERS",
    "MAX_LEARNING_RATE",
    "MAX_MOMENTUM",
    "MAX_WIDTH",
    "MIN_GRID",
    "MIN_LAYERS",
    "MIN_LEARNING_RATE",
    "MIN_WIDTH",
    "N_INPUTS",
]
