"""Activation Lab's numeric core: pure numpy/scipy, no UI imports.

Other modules (depth, network, datasets, formula) are imported directly by
their users, so importing this package stays light.
"""

from .functions import (
    ACTIVATIONS,
    Activation,
    Param,
    Properties,
    max_abs_derivative,
    minimum,
)
from .softmax import (
    entropy,
    entropy_bits,
    naive_softmax,
    naive_softmax_report,
    probabilities_vs_temperature,
    softmax,
    softmax_jacobian,
)

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "Param",
    "Properties",
    "entropy",
    "entropy_bits",
    "max_abs_derivative",
    "minimum",
    "naive_softmax",
    "naive_softmax_report",
    "probabilities_vs_temperature",
    "softmax",
    "softmax_jacobian",
]
