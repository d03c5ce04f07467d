"""Softmax with temperature, its entropy and Jacobian, and the naive formula it replaces.

softmax(z / T)_i = exp((z_i - max z) / T) / sum_j exp((z_j - max z) / T).

Shifting by the maximum keeps every exponent <= 0, so nothing overflows. The
shifted, scaled exponent (z_i - m) / T is carried as an unevaluated sum hi + lo
(error-free subtraction and division residual, Knuth and Dekker), so each
probability is accurate to a few ulp even where z_i - m or the division by T
rounds: e.g. at z = [-1000, 0, 1000] for any T in [1e-3, 1e3].
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

__all__ = [
    "entropy",
    "entropy_bits",
    "naive_softmax",
    "naive_softmax_report",
    "probabilities_vs_temperature",
    "softmax",
    "softmax_jacobian",
]

_FLOAT_MAX = float(np.finfo(np.float64).max)
_FLOAT_TINY = float(np.finfo(np.float64).smallest_subnormal)
_LOG_MAX = math.log(_FLOAT_MAX)  # e^t overflows for t above this (~709.78)
_LOG_TINY = math.log(_FLOAT_TINY)  # e^t underflows to 0 below about this (~-744.4)
_SPLITTER = 134217729.0  # 2^27 + 1, Veltkamp's constant for float64
_NEGLIGIBLE_EXPONENT = -800.0  # exp(-800) = 0: no correction needed below


def _check_temperature(temperature):
    """Temperature as a float64 array; ValueError unless every value is finite and > 0."""
    message = f"temperature must be a finite number greater than 0, got {temperature!r}"
    try:
        t = np.asarray(temperature, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if t.size == 0 or not np.all(np.isfinite(t)) or not np.all(t > 0):
        raise ValueError(message)
    return t


def _check_logits(logits, axis):
    """Logits as a float64 array with a non-empty ``axis``; ValueError otherwise."""
    z = np.asarray(logits, dtype=np.float64)
    if z.ndim == 0:
        raise ValueError("logits must be a list or array of numbers, not a single number")
    try:
        length = z.shape[axis]
    except IndexError:
        raise ValueError(f"axis {axis} is out of range for logits of shape {z.shape}") from None
    if length == 0:
        raise ValueError("logits must contain at least one value along the softmax axis")
    return z


def _split(a):
    """Veltkamp split a = hi + lo exactly, each half with at most 26 significant bits."""
    c = _SPLITTER * a
    hi = c - (c - a)
    return hi, a - hi


def _split_any(a):
    """Exact split a = hi + lo for any finite a (no overflow): hi keeps 27 bits of the mantissa."""
    mantissa, exponent = np.frexp(a)
    hi = np.ldexp(np.round(mantissa * 2.0**26) / 2.0**26, exponent)
    return hi, a - hi


def _shifted_exponents(z, m, t):
    """(z - m) / t as hi + lo: hi = fl((z - m) / t), lo the rounding error to ~2^-100 relative.

    Ties z == m (the maximum, +-inf ties, an all -inf row) get exponent 0;
    z = -inf gets -inf. NaN propagates through hi.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        s = z - m
        s_error = (z - (s - (s - z))) + (-m - (s - z))  # Knuth TwoSum: z - m = s + s_error
        tie = z == m
        s = np.where(tie, 0.0, s)
        hi = s / t
        q = np.maximum(hi, _NEGLIGIBLE_EXPONENT)  # keeps q * t finite
        q_hi, q_lo = _split(q)
        t_hi, t_lo = _split_any(t)
        product = q * t
        product_error = ((q_hi * t_hi - product) + q_hi * t_lo + q_lo * t_hi) + q_lo * t_lo
        lo = ((s - product) - product_error + s_error) / t
        usable = np.isfinite(lo) & (hi > _NEGLIGIBLE_EXPONENT) & ~tie
    return hi, np.where(usable, lo, 0.0)


def softmax(logits, temperature=1.0, axis=-1):
    """Softmax with temperature along ``axis``.  p_i = e^(z_i / T) / sum_j e^(z_j / T).

    Works row by row on batches; ``temperature`` is a scalar or an array that
    broadcasts against the logits. A logit of -inf gets probability 0, ties at
    +inf share the mass, and a row that is all -inf is uniform (the limit of
    equal logits). NaN in a row gives NaN for that row.

    Raises ValueError for a temperature that is not finite and > 0.
    """
    t = _check_temperature(temperature)
    z = _check_logits(logits, axis)
    m = np.max(z, axis=axis, keepdims=True)
    hi, lo = _shifted_exponents(z, m, t)
    weights = np.exp(hi)
    weights += weights * lo  # e^(hi + lo) = e^hi (1 + lo) to first order; |lo| < 1e-12
    return weights / np.sum(weights, axis=axis, keepdims=True)


def naive_softmax(logits, temperature=1.0, axis=-1):
    """Textbook softmax e^(z / T) / sum e^(z / T) without the shift: overflows to inf/NaN, on purpose."""
    return _naive(logits, temperature, axis)[0]


def _naive(logits, temperature, axis):
    """(probabilities, exponentials) of the naive formula with all FP warnings silenced."""
    t = _check_temperature(temperature)
    z = _check_logits(logits, axis)
    with np.errstate(all="ignore"):
        weights = np.exp(z / t)
        return weights / np.sum(weights, axis=axis, keepdims=True), weights


def naive_softmax_report(logits, temperature=1.0, axis=-1):
    """(naive probabilities, message or None): the message says why the naive formula failed."""
    probs, weights = _naive(logits, temperature, axis)
    problems = []
    overflowed = int(np.count_nonzero(np.isinf(weights)))
    if overflowed:
        problems.append(
            f"e^(z/T) overflowed to inf for {overflowed} logit(s): it exceeds the largest float64 "
            f"({_FLOAT_MAX:.4g}) once z/T > {_LOG_MAX:.2f}, and inf / inf is NaN."
        )
    with np.errstate(all="ignore"):
        totals = np.sum(weights, axis=axis)
    empty_rows = int(np.count_nonzero(totals == 0))
    if empty_rows:
        problems.append(
            f"every e^(z/T) underflowed to 0 in {empty_rows} row(s): below the smallest float64 "
            f"({_FLOAT_TINY:.4g}) once z/T < {_LOG_TINY:.1f}, and 0 / 0 is NaN."
        )
    return probs, (" ".join(problems) or None)


def entropy(p, axis=-1, base=math.e):
    """Shannon entropy H(p) = -sum_i p_i log(p_i) along ``axis`` (0 log 0 = 0), in nats by default."""
    probs = np.asarray(p, dtype=np.float64)
    nats = np.sum(special.entr(probs), axis=axis)
    return nats if base == math.e else nats / math.log(base)


def entropy_bits(p, axis=-1):
    """Entropy in bits: H(p) / ln 2."""
    return entropy(p, axis=axis, base=2.0)


def softmax_jacobian(p):
    """Jacobian of softmax from its output:  dp_i / dz_j = p_i (delta_ij - p_j) = diag(p) - p p^T.

    For a batch of shape (..., n) returns (..., n, n). Divide by T for
    softmax(z / T).
    """
    probs = np.asarray(p, dtype=np.float64)
    jac = -probs[..., :, None] * probs[..., None, :]
    diagonal = np.einsum("...ii->...i", jac)  # writable view of the diagonal
    diagonal += probs
    return jac


def probabilities_vs_temperature(logits, temperatures):
    """softmax(z / T) for each T: a (len(temperatures), len(logits)) array, one row per T."""
    z = np.asarray(logits, dtype=np.float64)
    t = np.asarray(temperatures, dtype=np.float64)
    if z.ndim != 1 or t.ndim != 1:
        raise ValueError("logits and temperatures must both be 1-D sequences of numbers")
    return softmax(z[None, :], temperature=t[:, None], axis=-1)
