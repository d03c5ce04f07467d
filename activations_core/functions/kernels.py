"""The activation functions f and their derivatives f': numpy kernels on float64 arrays.

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

import math

import numpy as np

__all__ = [
    "SELU_ALPHA",
    "SELU_SCALE",
    "SELU_SCALE_ALPHA",
    "GELU_TANH_COEFF",
    "check_finite",
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
]

# Klambauer et al. (2017), "Self-Normalizing Neural Networks", eq. 14 (to 32 digits).
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
SELU_SCALE_ALPHA = 1.7580993408473768599402175208123  # SELU_SCALE * SELU_ALPHA
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


def check_finite(name, value):
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
    number = check_finite(name, value)
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
    return _exponential_linear(x, SELU_SCALE, SELU_SCALE_ALPHA)


def selu_derivative(x):
    """f'(x) = lambda if x > 0 else lambda alpha e^x; f'(0) = lambda alpha as in PyTorch."""
    return _exponential_linear_derivative(x, SELU_SCALE, SELU_SCALE_ALPHA)


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
