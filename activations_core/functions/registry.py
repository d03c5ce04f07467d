"""The registry: the Param, Properties and Activation types and ACTIVATIONS, the 11 activations
with what the app says about each (formula and derivative in LaTeX, description, properties, use).

Numbers in that text (GELU's dip, the sigmoid's steepest slope, the ranges) are computed from the
kernels, not typed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

from .kernels import (
    GELU_TANH_COEFF,
    SELU_ALPHA,
    SELU_SCALE,
    SELU_SCALE_ALPHA,
    check_finite,
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
from .search import minimum_of

__all__ = ["ACTIVATIONS", "Activation", "Param", "Properties", "lookup"]


# --------------------------------------------------------------------------
# Registry types
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A tunable parameter: its default and the slider range a page offers."""

    name: str
    default: float
    min: float
    max: float
    step: float
    label: str
    help: str


@dataclass(frozen=True)
class Properties:
    """What the app states about an activation (for default parameters).

    output_range: (inf f, sup f) as floats, possibly +-inf.
    zero_centred: E[f(Z)] ~ 0 for Z ~ N(0, 1) (|mean| < 0.1 sd).
    can_die: f' is exactly 0 on a half-line, so a unit stuck there stops learning.
    saturates: f' -> 0 for large inputs of both signs (bounded output).
    monotonic: f is non-decreasing.
    smooth: f' is continuous (no kink).
    cost: "cheap" | "moderate" | "expensive" relative compute per element.
    """

    output_range: tuple[float, float]
    range_latex: str
    zero_centred: bool
    can_die: bool
    saturates: bool
    monotonic: bool
    smooth: bool
    cost: str
    use: str


@dataclass(frozen=True)
class Activation:
    """An activation f with its derivative f' and the text pages show about it.

    ``fn`` and ``dfn`` take (x, **params) with x a float64 array of ndim >= 1.
    Calling the activation accepts scalars and arrays of any shape and returns
    float64 of x's shape (np.float64 for a scalar x).
    """

    name: str
    display_name: str
    fn: Callable
    dfn: Callable
    latex: str = ""
    derivative_latex: str = ""
    description: str = ""
    properties: Properties | None = None
    params: tuple[Param, ...] = field(default_factory=tuple)

    def defaults(self) -> dict[str, float]:
        """{parameter name: default value}."""
        return {p.name: p.default for p in self.params}

    def resolve(self, params: Mapping[str, object]) -> dict[str, float]:
        """Defaults overridden by ``params``; ValueError for unknown or non-finite values."""
        known = {p.name for p in self.params}
        unknown = sorted(set(params) - known)
        if unknown:
            accepted = ", ".join(sorted(known)) or "no parameters"
            raise ValueError(
                f"{self.display_name} has no parameter {', '.join(unknown)} (it takes {accepted})"
            )
        values = self.defaults()
        values.update({k: check_finite(k, v) for k, v in params.items()})
        return values

    def _apply(self, function, x, params):
        """Run ``function`` on x as a float64 array of ndim >= 1; restore x's shape."""
        arr = np.asarray(x, dtype=np.float64)
        work = arr.reshape(1) if arr.ndim == 0 else arr
        out = np.asarray(function(work, **self.resolve(params)), dtype=np.float64)
        if out.shape != work.shape:
            out = np.array(np.broadcast_to(out, work.shape))
        return out[0] if arr.ndim == 0 else out

    def __call__(self, x, **params):
        """f(x) elementwise."""
        return self._apply(self.fn, x, params)

    def derivative(self, x, **params):
        """f'(x) elementwise."""
        return self._apply(self.dfn, x, params)


def lookup(activation) -> Activation:
    """An Activation from itself or its registry name."""
    if isinstance(activation, Activation):
        return activation
    try:
        return ACTIVATIONS[activation]
    except (KeyError, TypeError):  # an unknown name, or not a name at all
        raise ValueError(
            f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
        ) from None


# --------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------


def _fmt(value: float) -> str:
    """A number for LaTeX with 4 decimals."""
    return f"{value:.4f}"


def _lower_range(f, df) -> float:
    """inf f for default parameters (a computed fact, not a typed number)."""
    act = Activation("_", "_", f, df)
    return minimum_of(act, act.derivative)[1]


_GELU_LOW = _lower_range(gelu, gelu_derivative)
_GELU_TANH_LOW = _lower_range(gelu_tanh, gelu_tanh_derivative)
_SWISH_LOW = _lower_range(swish, swish_derivative)
_MISH_LOW_VALUE = _lower_range(mish, mish_derivative)
_SIGMOID_MAX_SLOPE = float(sigmoid_derivative(np.zeros(1))[0])
_TANH_MAX_SLOPE = float(tanh_derivative(np.zeros(1))[0])

_CASES = r"\begin{{cases}} {pos} & x > 0 \\ {neg} & x \le 0 \end{{cases}}"

_ALL = (
    Activation(
        name="sigmoid",
        display_name="Sigmoid",
        fn=sigmoid,
        dfn=sigmoid_derivative,
        latex=r"\sigma(x) = \frac{1}{1 + e^{-x}}",
        derivative_latex=r"\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)",
        description="Squashes any input into (0, 1), so its output reads as a probability. "
        f"Its slope is at most {_SIGMOID_MAX_SLOPE:g} and vanishes for large |x|, "
        "which starves deep networks of gradient.",
        properties=Properties(
            output_range=(0.0, 1.0),
            range_latex=r"(0,\ 1)",
            zero_centred=False,
            can_die=False,
            saturates=True,
            monotonic=True,
            smooth=True,
            cost="moderate",
            use="Output layer for binary classification and gates (LSTM, GRU); avoid in deep hidden layers.",
        ),
    ),
    Activation(
        name="tanh",
        display_name="Tanh",
        fn=tanh,
        dfn=tanh_derivative,
        latex=r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
        derivative_latex=r"\tanh'(x) = 1 - \tanh^2(x)",
        description="A rescaled sigmoid, tanh(x) = 2 sigma(2x) - 1, with outputs in (-1, 1) centred on zero. "
        f"It still saturates: the slope is {_TANH_MAX_SLOPE:g} at the origin and vanishes for large |x|.",
        properties=Properties(
            output_range=(-1.0, 1.0),
            range_latex=r"(-1,\ 1)",
            zero_centred=True,
            can_die=False,
            saturates=True,
            monotonic=True,
            smooth=True,
            cost="moderate",
            use="Recurrent networks and small shallow networks where zero-centred outputs help.",
        ),
    ),
    Activation(
        name="relu",
        display_name="ReLU",
        fn=relu,
        dfn=relu_derivative,
        latex=r"\operatorname{ReLU}(x) = \max(0,\ x)",
        derivative_latex=r"\operatorname{ReLU}'(x) = " + _CASES.format(pos="1", neg="0"),
        description="Passes positive inputs unchanged and zeroes the rest: cheap, and its gradient "
        "does not vanish for x > 0. A unit whose input stays negative gets zero gradient and can die.",
        properties=Properties(
            output_range=(0.0, math.inf),
            range_latex=r"[0,\ \infty)",
            zero_centred=False,
            can_die=True,
            saturates=False,
            monotonic=True,
            smooth=False,
            cost="cheap",
            use="The default for hidden layers of feed-forward and convolutional networks.",
        ),
    ),
    Activation(
        name="leaky_relu",
        display_name="Leaky ReLU",
        fn=leaky_relu,
        dfn=leaky_relu_derivative,
        latex=r"f(x) = " + _CASES.format(pos="x", neg=r"\alpha x"),
        derivative_latex=r"f'(x) = " + _CASES.format(pos="1", neg=r"\alpha"),
        description="ReLU with a small slope alpha for negative inputs, so a unit never gets exactly "
        "zero gradient and can recover, slowly (alpha = 0 is ReLU).",
        properties=Properties(
            output_range=(-math.inf, math.inf),
            range_latex=r"(-\infty,\ \infty)",
            zero_centred=False,
            can_die=False,
            saturates=False,
            monotonic=True,
            smooth=False,
            cost="cheap",
            use="A drop-in replacement for ReLU when many units die.",
        ),
        params=(
            Param("alpha", 0.01, 0.0, 0.5, 0.01, "alpha (negative slope)",
                  "Slope for x <= 0. alpha = 0 gives ReLU."),
        ),
    ),
    Activation(
        name="elu",
        display_name="ELU",
        fn=elu,
        dfn=elu_derivative,
        latex=r"f(x) = " + _CASES.format(pos="x", neg=r"\alpha\,(e^{x} - 1)"),
        derivative_latex=r"f'(x) = " + _CASES.format(pos="1", neg=r"\alpha\,e^{x}"),
        description="Identity for positive inputs and a smooth exponential curve that levels off "
        "at -alpha for negative ones, which pulls mean activations towards zero.",
        properties=Properties(
            output_range=(-1.0, math.inf),
            range_latex=r"(-\alpha,\ \infty)",
            zero_centred=False,
            can_die=False,
            saturates=False,
            monotonic=True,
            smooth=True,
            cost="moderate",
            use="Hidden layers when ReLU's dead units or non-zero mean slow training.",
        ),
        params=(
            Param("alpha", 1.0, 0.1, 3.0, 0.1, "alpha (negative saturation)",
                  "ELU tends to -alpha as x -> -inf. Only alpha = 1 has a continuous slope at 0."),
        ),
    ),
    Activation(
        name="gelu",
        display_name="GELU",
        fn=gelu,
        dfn=gelu_derivative,
        latex=r"\operatorname{GELU}(x) = x\,\Phi(x) = \frac{x}{2}\left[1 + \operatorname{erf}\!\left(\frac{x}{\sqrt{2}}\right)\right]",
        derivative_latex=r"\operatorname{GELU}'(x) = \Phi(x) + x\,\varphi(x), \quad \varphi(x) = \frac{e^{-x^2/2}}{\sqrt{2\pi}}",
        description="Weights each input by the probability Phi(x) that a standard normal variable is "
        f"below it: a smooth ReLU that dips to about {_GELU_LOW:.2f} for small negative inputs.",
        properties=Properties(
            output_range=(_GELU_LOW, math.inf),
            range_latex=rf"[{_fmt(_GELU_LOW)}\ldots,\ \infty)",
            zero_centred=False,
            can_die=False,
            saturates=False,
            monotonic=False,
            smooth=True,
            cost="expensive",
            use="Transformers (BERT, GPT) and other large modern networks.",
        ),
    ),
    Activation(
        name="gelu_tanh",
        display_name="GELU (tanh approx.)",
        fn=gelu_tanh,
        dfn=gelu_tanh_derivative,
        latex=r"f(x) = \frac{x}{2}\left[1 + \tanh\!\left(\sqrt{2/\pi}\,\left(x + "
        + f"{GELU_TANH_COEFF}"
        + r"\,x^{3}\right)\right)\right]",
        derivative_latex=r"f'(x) = \frac{1}{2}\left[1 + \tanh u\right] + \frac{x}{2}\,\operatorname{sech}^2(u)\,u'(x), "
        r"\quad u = \sqrt{2/\pi}\,\left(x + " + f"{GELU_TANH_COEFF}" + r"\,x^{3}\right)",
        description="The tanh formula GPT-2 uses to approximate GELU cheaply (Google's BERT code used "
        "the error function first, the tanh form later); its curve is almost indistinguishable from "
        "exact GELU.",
        properties=Properties(
            output_range=(_GELU_TANH_LOW, math.inf),
            range_latex=rf"[{_fmt(_GELU_TANH_LOW)}\ldots,\ \infty)",
            zero_centred=False,
            can_die=False,
            saturates=False,
            monotonic=False,
            smooth=True,
            cost="moderate",
            use="Reproducing models trained with the approximation (GPT-2, later BERT code).",
        ),
    ),
    Activation(
        name="swish",
        display_name="Swish / SiLU",
        fn=swish,
        dfn=swish_derivative,
        latex=r"f(x) = x\,\sigma(\beta x) = \frac{x}{1 + e^{-\beta x}}",
        derivative_latex=r"f'(x) = \sigma(\beta x) + \beta x\,\sigma(\beta x)\bigl(1 - \sigma(\beta x)\bigr)",
        description="The input times its own sigmoid gate. beta = 1 is SiLU, beta = 0 gives x/2 and "
        "a large beta approaches ReLU; like GELU it dips below zero for small negative inputs.",
        properties=Properties(
            output_range=(_SWISH_LOW, math.inf),
            range_latex=rf"[{_fmt(_SWISH_LOW)}\ldots,\ \infty) \text{{ at }} \beta = 1",
            zero_centred=False,
            can_die=False,
            saturates=False,
            monotonic=False,
            smooth=True,
            cost="moderate",
            use="Deep convolutional networks (EfficientNet) and LLM feed-forward blocks (SwiGLU).",
        ),
        params=(
            Param("beta", 1.0, 0.0, 10.0, 0.1, "beta (gate sharpness)",
                  "beta = 1 is SiLU, beta = 0 gives x/2, large beta approaches ReLU."),
        ),
    ),
    Activation(
        name="softplus",
        display_name="Softplus",
        fn=softplus,
        dfn=softplus_derivative,
        latex=r"\operatorname{softplus}(x) = \ln\left(1 + e^{x}\right)",
        derivative_latex=r"\operatorname{softplus}'(x) = \sigma(x) = \frac{1}{1 + e^{-x}}",
        description="A smooth ReLU whose slope is the sigmoid; always positive, it is used where an "
        "output must stay above zero.",
        properties=Properties(
            output_range=(0.0, math.inf),
            range_latex=r"(0,\ \infty)",
            zero_centred=False,
            can_die=False,
            saturates=False,
            monotonic=True,
            smooth=True,
            cost="moderate",
            use="Outputs that must be positive, such as a standard deviation or a rate.",
        ),
    ),
    Activation(
        name="mish",
        display_name="Mish",
        fn=mish,
        dfn=mish_derivative,
        latex=r"\operatorname{Mish}(x) = x\,\tanh\bigl(\operatorname{softplus}(x)\bigr)",
        derivative_latex=r"\operatorname{Mish}'(x) = \tanh\bigl(\operatorname{sp}(x)\bigr) + x\,\sigma(x)\,"
        r"\operatorname{sech}^2\bigl(\operatorname{sp}(x)\bigr), \quad \operatorname{sp}(x) = \ln(1 + e^{x})",
        description="A smooth, non-monotonic self-gated function close to Swish, dipping to about "
        f"{_MISH_LOW_VALUE:.2f} for negative inputs.",
        properties=Properties(
            output_range=(_MISH_LOW_VALUE, math.inf),
            range_latex=rf"[{_fmt(_MISH_LOW_VALUE)}\ldots,\ \infty)",
            zero_centred=False,
            can_die=False,
            saturates=False,
            monotonic=False,
            smooth=True,
            cost="expensive",
            use="Object detectors (YOLOv4) and vision models where Swish-like gating helps.",
        ),
    ),
    Activation(
        name="selu",
        display_name="SELU",
        fn=selu,
        dfn=selu_derivative,
        latex=r"f(x) = \lambda " + _CASES.format(pos="x", neg=r"\alpha\,(e^{x} - 1)")
        + rf", \quad \lambda \approx {_fmt(SELU_SCALE)},\ \alpha \approx {_fmt(SELU_ALPHA)}",
        derivative_latex=r"f'(x) = \lambda " + _CASES.format(pos="1", neg=r"\alpha\,e^{x}"),
        description="ELU scaled by fixed constants chosen so that, with LeCun-normal initialisation and "
        "standardised inputs, the activations of a deep fully connected network are drawn towards zero "
        "mean and unit variance (an attracting fixed point: self-normalising).",
        properties=Properties(
            output_range=(-SELU_SCALE_ALPHA, math.inf),
            range_latex=rf"(-\lambda\alpha,\ \infty) \approx ({_fmt(-SELU_SCALE_ALPHA)},\ \infty)",
            zero_centred=True,
            can_die=False,
            saturates=False,
            monotonic=True,
            smooth=False,
            cost="moderate",
            use="Deep fully connected networks with LeCun-normal initialisation and no batch norm.",
        ),
    ),
)

ACTIVATIONS: dict[str, Activation] = {act.name: act for act in _ALL}
