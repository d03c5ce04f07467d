"""Activation functions, their derivatives and what the app says about them.

A package by reason to change:

* ``kernels``: the numpy f and f' of the 11 activations (accuracy, speed, limits at +-inf).
* ``search``: the searches along a curve (global minimum, steepest slope).
* ``registry``: the Param, Properties and Activation types and ACTIVATIONS, with each
  function's formulas, description and properties text.
* ``facts``: ``minimum`` and ``max_abs_derivative`` of a named activation, cached.

Every name the single module ``functions.py`` offered is importable from here as before.
"""

from .facts import max_abs_derivative, minimum
from .kernels import (
    GELU_TANH_COEFF,
    SELU_ALPHA,
    SELU_SCALE,
    elu,
    elu_derivative,
    gelu,
    gelu_derivative,
    gelu_tanh,
    gelu_tanh_derivative,
    leaky_relu,
    leaky_relu_derivative,
    mish,
    mish_derivative,
    relu,
    relu_derivative,
    selu,
    selu_derivative,
    sigmoid,
    sigmoid_derivative,
    softplus,
    softplus_derivative,
    swish,
    swish_derivative,
    tanh,
    tanh_derivative,
)
from .registry import ACTIVATIONS, Activation, Param, Properties, lookup

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "Param",
    "Properties",
    "lookup",
    "SELU_ALPHA",
    "SELU_SCALE",
    "GELU_TANH_COEFF",
    "sigmoid",
    "sigmoid_derivative",
    "tanh",
    "tanh_derivative",
    "relu",
    "relu_derivative",
    "leaky_relu",
    "leaky_relu_derivative",
    "elu",
    "elu_derivative",
    "selu",
    "selu_derivative",
    "gelu",
    "gelu_derivative",
    "gelu_tanh",
    "gelu_tanh_derivative",
    "swish",
    "swish_derivative",
    "softplus",
    "softplus_derivative",
    "mish",
    "mish_derivative",
    "minimum",
    "max_abs_derivative",
]
