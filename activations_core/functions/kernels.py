"""Activation functions, their derivatives and what the app says about them.

Every value and derivative is accurate to a few ulp times the condition number
|x f'(x) / f(x)| over the whole float64 line, raises no floating-point warning
for any input (+-inf and +-1e300 included), has the right limits at +-inf and
maps NaN to NaN. Kinks follow PyTorch: relu'(0) = 0, leaky_relu'(0) = alpha,
elu'(0) = alpha.

How: each kernel is a short chain of whole-array numpy passes (updated in
place where that saves a pass; GELU's long chain runs on cache-sized blocks),
written in a form without cancellation, e.g. sigma(x) = 1 / (1 + e^-x) with
the few x < -709 (where e^-x overflows) recomputed as e^x / (1 + e^x);
sigma(t) + s sigma(t) sigma(-t) = P (1 + s + P) / (1 + P)^2 with P = e^t;
GELU through Phi(-|x|) = e^(-x^2/2) / V, V a rational approximation of
sqrt(2 pi) times the inverse Mills ratio, so 1/2 + erf/2 never cancels.
Inputs are clipped wherever the float64 answer is already a limit (0, 1 or
x), which keeps inf * 0 out.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np
from scipy import optimize

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "Param",
    "Properties",
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

# Klambauer et al. (2017), "Self-Normalizing Neural Networks", eq. 14 (to 32 digits).
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_SELU_SCALE_ALPHA = 1.7580993408473768599402175208123  # SELU_SCALE * SELU_ALPHA
GELU_TANH_COEFF = 0.044715
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_INV_SQRT_2PI = 1.0 / _SQRT_2PI
_GELU_TANH_A = 2.0 * _SQRT_2_OVER_PI  # 2u = x (a + b x^2)
_GELU_TANH_B = 2.0 * _SQRT_2_OVER_PI * GELU_TANH_COEFF
_FLOAT_MAX = float(np.finfo(np.float64).max)

# Beyond these the float64 answer is a limit (0, 1 or x), so clipping there is
# exact and keeps inf and inf * 0 out of the arithmetic.
_EXP_OVERFLOW = -709.0  # e^-x overflows below about -709.78: recompute there
_GATE_LOW, _GATE_HIGH = -1000.0, 354.0  # e^-1000 = 0; (e^354)^2 < max float
_GELU_CLIP = 40.0  # Phi(-40) ~ 4e-350 underflows to 0; phi(40) = 0
_BLOCK = 32768  # elements per block of ``_blockwise``: 256 kB per temporary
_GELU_TANH_CLIP = 30.0  # |2u(30)| ~ 1974: sigma(2u) is exactly 0 or 1
_GELU_TANH_SLOPE_HIGH = 10.0  # gelu_tanh'(x) = 1 in float64 for x >= 10
_MISH_LOW, _MISH_HIGH = -1000.0, 30.0  # e^-1000 = 0; tanh(softplus(30)) = 1
_MISH_SWITCH = 0.625  # mish' changes formula at x = -0.625, where both are accurate


# --------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------


def _logistic_of(t):
    """sigma(t) = 1 / (1 + e^-t) in a new array; t < -709, where e^-t overflows, uses e^t / (1 + e^t)."""
    with np.errstate(over="ignore"):  # e^-t = inf gives 1/inf = 0 until fixed below
        out = np.negative(t)
        np.exp(out, out=out)
    out += 1.0
    np.divide(1.0, out, out=out)
    tail = t < _EXP_OVERFLOW
    if tail.any():
        small = np.exp(t[tail])
        out[tail] = small / (1.0 + small)
    return out


def _exp_neg_abs(t):
    """e = exp(-|t|) in a new array; 0 < e <= 1, never overflows."""
    e = np.abs(t)
    np.negative(e, out=e)
    return np.exp(e, out=e)


def _sigmoid_slope_from(e):
    """sigma(t) sigma(-t) = e / (1 + e)^2 given e = exp(-|t|), in a new array."""
    d = e + 1.0
    np.square(d, out=d)
    return np.divide(e, d, out=d)


def _gated_slope(p, one_plus_s):
    """sigma(t) + s sigma(t) sigma(-t) = P (1 + s + P) / (1 + P)^2 given P = e^t and 1 + s.

    One sum (1 + s) + P holds any sign change, so there is no cancellation
    between the two terms. Needs t <= 354 (so (1 + P)^2 is finite) and finite
    or NaN 1 + s; both arrays are overwritten, the result is ``one_plus_s``.
    """
    out = one_plus_s
    out += p
    out *= p
    p += 1.0
    np.square(p, out=p)
    out /= p
    return out


def _step(x):
    """Heaviside step with H(0) = 0 that keeps NaN: ceil(clip(x, 0, 1))."""
    s = np.clip(x, 0.0, 1.0)
    return np.ceil(s, out=s)


def _constant_like(x, value):
    """value everywhere, NaN where x is NaN:  clip(x, -1, 1) * 0 + value."""
    c = np.clip(x, -1.0, 1.0)
    c *= 0.0
    c += value
    return c


def _blockwise(kernel, x):
    """kernel(x) computed on consecutive blocks of ``_BLOCK`` elements, in a new array.

    Every pass is elementwise, so the result is the same bit for bit; a long
    chain of passes (GELU's ~50) then keeps its temporaries in a core's L2
    cache instead of streaming 8 MB arrays through the shared L3 at each pass
    (GELU on 1e6 points: 15-25% faster on this project's shared 2-core machine).
    """
    if x.size <= _BLOCK:
        return kernel(x)
    flat = x.reshape(-1)
    out = np.empty_like(flat)
    for start in range(0, flat.size, _BLOCK):
        out[start : start + _BLOCK] = kernel(flat[start : start + _BLOCK])
    return out.reshape(x.shape)


def _check_finite(name, value):
    """Return ``value`` as a float; ValueError unless it is a finite real number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return number


def _check_between(name, value, low, high):
    """Return ``value`` as a float; ValueError unless low <= value <= high."""
    number = _check_finite(name, value)
    if not low <= number <= high:
        raise ValueError(f"{name} must lie in [{low:g}, {high:g}], got {number:g}")
    return number


# --------------------------------------------------------------------------
# The activations: each takes a float64 array (ndim >= 1) and returns a new one.
# --------------------------------------------------------------------------


def sigmoid(x):
    """Logistic sigmoid.  sigma(x) = 1 / (1 + e^-x) = e^x / (1 + e^x)."""
    return _logistic_of(x)


def sigmoid_derivative(x):
    """sigma'(x) = sigma(x) sigma(-x) = e^-|x| / (1 + e^-|x|)^2."""
    return _sigmoid_slope_from(_exp_neg_abs(x))


def tanh(x):
    """Hyperbolic tangent.  tanh(x) = (e^x - e^-x) / (e^x + e^-x)."""
    return np.tanh(x)


def tanh_derivative(x):
    """tanh'(x) = sech^2(x) = 4 e^-2|x| / (1 + e^-2|x|)^2."""
    e = np.abs(x)
    np.clip(e, 0.0, 1000.0, out=e)  # keeps -2|x| finite; e^-2000 = 0 anyway
    e *= -2.0
    np.exp(e, out=e)
    d = e + 1.0
    np.square(d, out=d)
    e *= 4.0
    return np.divide(e, d, out=d)


def relu(x):
    """Rectified linear unit.  relu(x) = max(x, 0)."""
    return np.clip(x, 0.0, np.inf)


def relu_derivative(x):
    """relu'(x) = 1 if x > 0 else 0 (0 at the kink, as in PyTorch and JAX)."""
    return _step(x)


def leaky_relu(x, alpha=0.01):
    """Leaky ReLU.  f(x) = x if x > 0 else alpha x  = max(x, alpha x) for 0 <= alpha <= 1."""
    alpha = _check_between("alpha", alpha, 0.0, 1.0)
    if alpha == 0.0:
        return relu(x)  # 0 * inf would be NaN
    out = np.multiply(x, alpha)
    return np.maximum(out, x, out=out)


def leaky_relu_derivative(x, alpha=0.01):
    """f'(x) = 1 if x > 0 else alpha  = clip(H(x), alpha, 1); f'(0) = alpha as in PyTorch."""
    alpha = _check_between("alpha", alpha, 0.0, 1.0)
    out = _step(x)
    return np.clip(out, alpha, 1.0, out=out)


def _exponential_linear(x, scale, neg_scale):
    """scale x for x > 0, neg_scale (e^x - 1) for x <= 0; one of the two terms is exactly 0."""
    neg = np.clip(x, -np.inf, 0.0)
    np.expm1(neg, out=neg)
    neg *= neg_scale
    pos = np.clip(x, 0.0, np.inf)
    if scale != 1.0:
        with np.errstate(over="ignore"):  # scale x > max float: inf is the answer
            pos *= scale
    pos += neg
    return pos


def _exponential_linear_derivative(x, scale, neg_scale):
    """scale for x > 0, neg_scale e^x for x <= 0 (the x <= 0 branch at 0, as PyTorch).

    Branch-free and exact. slope = neg_scale e^min(x,0) is exactly neg_scale
    for x > 0, so f' = slope - H(x) gap with gap = neg_scale - scale wherever
    neg_scale - gap rounds to scale (SELU, and every ELU alpha up to about
    2^53), and f' = slope when gap = 0 (ELU at alpha = 1). Otherwise
    slope (1 - H(x)) + scale H(x).
    """
    slope = np.clip(x, -np.inf, 0.0)
    np.exp(slope, out=slope)
    if neg_scale != 1.0:
        slope *= neg_scale
    gap = neg_scale - scale
    if gap == 0.0:
        return slope
    step = _step(x)
    if neg_scale - gap == scale:
        step *= gap
        slope -= step
        return slope
    slope *= np.subtract(1.0, step)
    step *= scale
    slope += step
    return slope


def elu(x, alpha=1.0):
    """Exponential linear unit.  f(x) = x if x > 0 else alpha (e^x - 1)."""
    alpha = _check_between("alpha", alpha, 0.0, _FLOAT_MAX)
    return _exponential_linear(x, 1.0, alpha)


def elu_derivative(x, alpha=1.0):
    """f'(x) = 1 if x > 0 else alpha e^x; f'(0) = alpha as in PyTorch."""
    alpha = _check_between("alpha", alpha, 0.0, _FLOAT_MAX)
    return _exponential_linear_derivative(x, 1.0, alpha)


def selu(x):
    """Scaled ELU.  f(x) = lambda x if x > 0 else lambda alpha (e^x - 1)."""
    return _exponential_linear(x, SELU_SCALE, _SELU_SCALE_ALPHA)


def selu_derivative(x):
    """f'(x) = lambda if x > 0 else lambda alpha e^x; f'(0) = lambda alpha as in PyTorch."""
    return _exponential_linear_derivative(x, SELU_SCALE, _SELU_SCALE_ALPHA)


# V(t) = e^(-t^2/2) / Phi(-t) = sqrt(2 pi) lambda(t), lambda = phi / Phi(-.) the inverse Mills
# ratio, as V = sqrt(2 pi) t + P(t) / Q(t). P / Q (coefficients from t^0 up) is a type (8, 9)
# rational fit to sqrt(2 pi) (lambda(t) - t) on [0, 40] (linearised least squares with Lawson
# reweighting in 40-digit mpmath, 700 Chebyshev points) with P(0) = 2 = V(0) exactly. With the
# coefficients rounded, its relative error is below 0.2 * 2^-53 times an allowance of 1 at
# t = 0, 1.8 at 0.5, 2.9 at 1, 24 at 2 and about t^4 beyond: what GELU and GELU' absorb, as
# their condition numbers grow like t^2 and an error of P / Q reaches V scaled by
# (lambda - t) / lambda ~ 1/t^2. All coefficients are positive: Horner's rule does not cancel.
_GELU_V_NUMERATOR = (
    2.0,
    2.179740034247536,
    1.2275645428637445,
    0.4448324230578406,
    0.11150539692613198,
    0.019632110694308366,
    0.0023655050016361773,
    0.00017886279458599448,
    6.559747866017552e-06,
)
_GELU_V_DENOMINATOR = (
    1.0,
    1.5452995936364042,
    1.1809376385792103,
    0.5731056144946752,
    0.19270119672770225,
    0.04635576699907144,
    0.007974796813277889,
    0.0009489337194470781,
    7.135593378894304e-05,
    2.6169607534083736e-06,
)


def _polynomial(coefficients, t):
    """c0 + c1 t + ... + cn t^n by Horner's rule (n >= 1), in a new array."""
    out = np.multiply(t, coefficients[-1])
    out += coefficients[-2]
    for c in coefficients[-3::-1]:
        out *= t
        out += c
    return out


def _gelu_tail_parts(x):
    """(t, V, E) as new arrays: t = min(|x|, 40), V = e^(-t^2/2) / Phi(-t), E = e^(-t^2/2).

    Phi(-t) = E / V with no cancellation for any t (unlike 1/2 + erf/2), and
    GELU(-t) = -t E / V keeps its subnormal tail down to -38.5; beyond t = 40
    the float64 answers are limits (E = 0), so the clip is exact.
    """
    t = np.clip(x, -_GELU_CLIP, _GELU_CLIP)
    np.abs(t, out=t)
    v = _polynomial(_GELU_V_NUMERATOR, t)
    v /= _polynomial(_GELU_V_DENOMINATOR, t)
    e = np.multiply(t, _SQRT_2PI)
    v += e
    np.square(t, out=e)
    e *= -0.5
    np.exp(e, out=e)
    return t, v, e


def _gelu_on_block(x):
    """``gelu`` on one block of ``_blockwise``."""
    t, v, e = _gelu_tail_parts(x)
    e *= t  # t E before dividing: E may be subnormal, and t <= 40 would magnify its rounding
    e /= v
    out = np.clip(x, -0.0, np.inf)  # max(x, 0), as -0 for x < 0: f = -0 where t E / V underflows
    out -= e
    return out


def gelu(x):
    """Gaussian error linear unit.  f(x) = x Phi(x) = x/2 (1 + erf(x / sqrt 2)).

    x Phi(x) = max(x, 0) - t Phi(-t) with t = |x| (Phi(x) = 1 - Phi(-x)), and
    t Phi(-t) = (t E) / V from ``_gelu_tail_parts``: one formula for every x,
    accurate in the tails and without the 1/2 + erf/2 cancellation.
    """
    return _blockwise(_gelu_on_block, x)


def _gelu_derivative_on_block(x):
    """``gelu_derivative`` on one block of ``_blockwise``."""
    t, v, e = _gelu_tail_parts(x)
    np.divide(_SQRT_2PI, v, out=v)
    v -= t
    v *= _INV_SQRT_2PI
    v *= e
    step = np.clip(x, -0.0, 1.0)  # H(x) = ceil(clip(x, -0, 1)): -0 for x < 0 keeps f' = -0 where
    np.ceil(step, out=step)  # f'(-t) underflows (below -38.5), as x phi(x) has that sign there
    out = np.multiply(step, -2.0)
    out += 1.0
    out *= v
    out += step
    return out


def gelu_derivative(x):
    """f'(x) = Phi(x) + x phi(x),  phi(x) = e^(-x^2/2) / sqrt(2 pi).

    With t = |x|: f'(-t) = Phi(-t) - t phi(t) = (sqrt(2 pi) / V - t) E / sqrt(2 pi)
    and f'(t) = 1 - f'(-t); the two branches are selected exactly by
    H + (1 - 2 H) f'(-t) with H = step(x).
    """
    return _blockwise(_gelu_derivative_on_block, x)


def _gelu_tanh_argument(z, z_squared=None):
    """2u = 2 sqrt(2/pi) (z + 0.044715 z^3) = z (a + b z^2), in a new array."""
    two_u = np.square(z) if z_squared is None else z_squared * _GELU_TANH_B
    if z_squared is None:
        two_u *= _GELU_TANH_B
    two_u += _GELU_TANH_A
    two_u *= z
    return two_u


def gelu_tanh(x):
    """Tanh approximation of GELU.  f(x) = x/2 (1 + tanh u) = x sigma(2u),  u = sqrt(2/pi) (x + 0.044715 x^3)."""
    s = _logistic_of(_gelu_tanh_argument(np.clip(x, -_GELU_TANH_CLIP, _GELU_TANH_CLIP)))
    s *= np.clip(x, -_GELU_TANH_CLIP, np.inf)  # sigma(2u) = 0 below -30: -30 * 0 = -0, no -inf * 0
    return s


def gelu_tanh_derivative(x):
    """f'(x) = sigma(2u) + s sigma(2u) sigma(-2u),  s = x (2u)' = 2u + 4 sqrt(2/pi) 0.044715 x^3.

    1 + s = (1 + 2u) + 2 b x^3 is built from the same rounded 2u that goes
    into e^(2u), so their rounding errors cancel in f' the way the exact terms
    do (f' is well conditioned where its two terms nearly cancel).
    """
    z = np.clip(x, -_GELU_TANH_CLIP, _GELU_TANH_SLOPE_HIGH)
    cubic = np.square(z)
    two_u = _gelu_tanh_argument(z, cubic)
    p = np.exp(two_u)
    cubic *= z
    cubic *= 2.0 * _GELU_TANH_B
    two_u += 1.0
    two_u += cubic  # 1 + s
    return _gated_slope(p, two_u)


def _check_beta(beta):
    """Swish's beta must be finite and >= 0."""
    return _check_between("beta", beta, 0.0, _FLOAT_MAX)


def swish(x, beta=1.0):
    """Swish (SiLU at beta = 1).  f(x) = x sigma(beta x) = x / (1 + e^(-beta x)).

    beta = 0 gives x/2 and beta -> inf gives ReLU.
    """
    beta = _check_beta(beta)
    if beta == 0.0:
        return np.multiply(x, 0.5)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow to inf gives the limits;
        t = x if beta == 1.0 else np.multiply(x, beta)  # x = -inf (-inf / inf) is redone below
        out = np.negative(t)
        np.exp(out, out=out)
        out += 1.0
        np.divide(x, out, out=out)
    tail = t < _EXP_OVERFLOW  # e^-t overflowed (and x = -inf): x e^t / (1 + e^t)
    if tail.any():
        small = np.exp(t[tail])
        out[tail] = np.maximum(x[tail], -_FLOAT_MAX) * (small / (1.0 + small))
    return out


def swish_derivative(x, beta=1.0):
    """f'(x) = sigma(t) + t sigma(t) sigma(-t),  t = beta x."""
    beta = _check_beta(beta)
    if beta == 0.0:
        return _constant_like(x, 0.5)
    with np.errstate(over="ignore"):  # beta x beyond max float: clipped next
        t = np.multiply(x, beta) if beta != 1.0 else x
    t = np.clip(t, _GATE_LOW, _GATE_HIGH)
    p = np.exp(t)
    t += 1.0
    return _gated_slope(p, t)


def softplus(x):
    """Softplus.  f(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|)."""
    tail = _exp_neg_abs(x)
    np.log1p(tail, out=tail)
    out = np.clip(x, 0.0, np.inf)
    out += tail
    return out


def softplus_derivative(x):
    """f'(x) = sigma(x)."""
    return sigmoid(x)


def _mish_parts(z):
    """For z = clip(x, -1000, 30): E = e^z, n = E (E + 2), D = n + 2; tanh(softplus z) = n / D."""
    big_e = np.exp(z)
    n = big_e + 2.0
    n *= big_e
    d = n + 2.0
    return big_e, n, d


def mish(x):
    """Mish.  f(x) = x tanh(softplus(x)) = x ((1 + e^x)^2 - 1) / ((1 + e^x)^2 + 1)."""
    z = np.clip(x, _MISH_LOW, _MISH_HIGH)
    _, n, d = _mish_parts(z)
    np.divide(n, d, out=n)
    y = np.clip(x, _MISH_LOW, np.inf, out=z)  # f = -0 below -1000; avoids -inf * 0
    return np.multiply(n, y, out=n)


def mish_derivative(x):
    """f'(x) = tanh(sp) + x sigma(x) sech^2(sp),  sp = softplus(x).

    With E = e^x, n = E (E + 2), D = n + 2:  x > -0.625: (n + 4 x E (1 + E) / D) / D;
    below: E N / D^2 with N = 4 (1 + x) + E (E (E + 4) + 6 + 4 x), which keeps the
    sign change near x = -1.19 inside one well-conditioned sum.
    """
    z = np.clip(x, _MISH_LOW, _MISH_HIGH)
    big_e, n, d = _mish_parts(z)
    four_z = np.multiply(z, 4.0)
    positive = big_e + 1.0
    positive *= big_e
    positive *= four_z
    positive /= d
    positive += n
    positive /= d
    negative = big_e + 4.0
    negative *= big_e
    negative += 6.0
    negative += four_z
    negative *= big_e
    four_z += 4.0
    negative += four_z
    negative *= big_e
    negative /= d
    negative /= d
    # exact branch-free select: negative (1 - H) + positive H, H = step(x + 0.625)
    z += _MISH_SWITCH
    step = _step(z)
    positive *= step
    np.subtract(1.0, step, out=step)
    negative *= step
    negative += positive
    return negative


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

    def _resolve(self, params: Mapping[str, object]) -> dict[str, float]:
        """Defaults overridden by ``params``; ValueError for unknown or non-finite values."""
        known = {p.name for p in self.params}
        unknown = sorted(set(params) - known)
        if unknown:
            accepted = ", ".join(sorted(known)) or "no parameters"
            raise ValueError(
                f"{self.display_name} has no parameter {', '.join(unknown)} (it takes {accepted})"
            )
        values = self.defaults()
        values.update({k: _check_finite(k, v) for k, v in params.items()})
        return values

    def _apply(self, function, x, params):
        """Run ``function`` on x as a float64 array of ndim >= 1; restore x's shape."""
        arr = np.asarray(x, dtype=np.float64)
        work = arr.reshape(1) if arr.ndim == 0 else arr
        out = np.asarray(function(work, **self._resolve(params)), dtype=np.float64)
        if out.shape != work.shape:
            out = np.array(np.broadcast_to(out, work.shape))
        return out[0] if arr.ndim == 0 else out

    def __call__(self, x, **params):
        """f(x) elementwise."""
        return self._apply(self.fn, x, params)

    def derivative(self, x, **params):
        """f'(x) elementwise."""
        return self._apply(self.dfn, x, params)


# --------------------------------------------------------------------------
# Facts computed from the functions
# --------------------------------------------------------------------------

_SEARCH_GRID = np.concatenate([-np.logspace(5, -5, 501), [0.0], np.logspace(-5, 5, 501)])


def _lookup(activation) -> Activation:
    """An Activation from itself or its registry name."""
    if isinstance(activation, Activation):
        return activation
    try:
        return ACTIVATIONS[activation]
    except KeyError:
        raise ValueError(
            f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
        ) from None


def _minimum_of(f, df):
    """(x*, f(x*)): the least of f(-inf), f(+inf) and f at every root of f' where it turns from < 0 to > 0."""
    candidates = [(-math.inf, float(f(-math.inf))), (math.inf, float(f(math.inf)))]
    slope = df(_SEARCH_GRID)
    turns = np.flatnonzero((slope[:-1] < 0) & (slope[1:] > 0))
    for i in turns:
        root = optimize.brentq(
            lambda t: float(df(t)), _SEARCH_GRID[i], _SEARCH_GRID[i + 1], xtol=1e-300, rtol=8.9e-16
        )
        candidates.append((float(root), float(f(root))))
    return min(candidates, key=lambda c: c[1])


def minimum(activation, **params) -> tuple[float, float]:
    """Global minimum (x*, f(x*)) of f; x* = -inf (or +inf) when f only approaches it there.

    Interior minima are roots of f' found by Brent's method (GELU about -0.170
    at x = -0.752, Swish about -0.278 at x = -1.278, Mish about -0.309 at -1.192).
    """
    act = _lookup(activation)
    return _minimum_cached(act, tuple(sorted(act._resolve(params).items())))


# The searches cost milliseconds and pages ask for the same facts on every rerun: the answers of
# the last few hundred (activation, parameters) pairs are kept (bounded, shared, immutable tuples).
@functools.lru_cache(maxsize=256)
def _minimum_cached(act: Activation, items: tuple[tuple[str, float], ...]) -> tuple[float, float]:
    values = dict(items)
    return _minimum_of(lambda t: act(t, **values), lambda t: act.derivative(t, **values))


def max_abs_derivative(activation, **params) -> tuple[float, float]:
    """(x, max |f'|): where |f'| is largest; x = +-inf when the maximum is only reached towards it.

    Sigmoid: (0, 0.25); tanh: (0, 1); ReLU: (inf, 1).
    """
    act = _lookup(activation)
    return _max_abs_derivative_cached(act, tuple(sorted(act._resolve(params).items())))


@functools.lru_cache(maxsize=256)
def _max_abs_derivative_cached(act: Activation, items: tuple[tuple[str, float], ...]) -> tuple[float, float]:
    values = dict(items)

    def slope(t):
        return abs(float(act.derivative(t, **values)))

    size = np.abs(act.derivative(_SEARCH_GRID, **values))
    i = int(np.argmax(size))
    best_x, best = float(_SEARCH_GRID[i]), float(size[i])
    if 0 < i < len(_SEARCH_GRID) - 1:
        lo, hi = _SEARCH_GRID[i - 1], _SEARCH_GRID[i + 1]
        res = optimize.minimize_scalar(
            lambda t: -slope(t), bounds=(lo, hi), method="bounded",
            options={"xatol": 1e-12 * max(1.0, abs(best_x))},
        )
        if -res.fun > best * (1.0 + 1e-12):  # a real improvement, not rounding noise
            best_x, best = float(res.x), float(-res.fun)
    for end in (-math.inf, math.inf):
        if slope(end) >= best * (1.0 - 1e-15):
            return end, slope(end)
    return best_x, best


# --------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------


def _fmt(value: float) -> str:
    """A number for LaTeX with 4 decimals."""
    return f"{value:.4f}"


def _lower_range(f, df) -> float:
    """inf f for default parameters (a computed fact, not a typed number)."""
    act = Activation("_", "_", f, df)
    return _minimum_of(act, act.derivative)[1]


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
            output_range=(-_SELU_SCALE_ALPHA, math.inf),
            range_latex=rf"(-\lambda\alpha,\ \infty) \approx ({_fmt(-_SELU_SCALE_ALPHA)},\ \infty)",
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
