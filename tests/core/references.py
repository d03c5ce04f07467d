"""High-precision references (mpmath, 50 digits) for the tests.

Each activation has an independent reference written from its textbook
definition in forms that mpmath evaluates without cancellation, plus an error
measure in units in the last place scaled by the condition number. For typed
formulas: their limits at +-inf worked by hand (KNOWN_LIMITS) and a numpy
function for each op of their browser program (OP_KERNELS).
"""

from __future__ import annotations

import functools

import mpmath as mp
import numpy as np
import scipy.special as sc

DIGITS = 50  # working precision of every reference; set locally, never globally

with mp.workdps(DIGITS):
    SELU_LAMBDA = mp.mpf("1.0507009873554804934193349852946")
    SELU_ALPHA = mp.mpf("1.6732632423543772848170429916717")
    GELU_TANH_C = mp.mpf("0.044715")  # the real-number constant of the formula


def _sigma(t):
    return 1 / (1 + mp.exp(-t))


def _sigma_slope(t):
    """sigma(t) sigma(-t) = 1 / (2 + 2 cosh t), no cancellation."""
    return 1 / (2 + 2 * mp.cosh(t))


def _gelu_tanh_w(x):
    """w = 2u = 2 sqrt(2/pi) (x + c x^3) and its derivative."""
    k = 2 * mp.sqrt(2 / mp.pi)
    return k * (x + GELU_TANH_C * x**3), k * (1 + 3 * GELU_TANH_C * x**2)


def _softplus(x):
    return mp.log1p(mp.exp(x))


def _ncdf(x):
    """Phi(x); beyond |x| = 1e4 the tail (< 1e-20000000) is dropped: mpmath's erfc overflows there."""
    if abs(x) > 1e4:
        return mp.mpf(1) if x > 0 else mp.mpf(0)
    return mp.ncdf(x)


def _npdf(x):
    """phi(x), with the same cut-off as _ncdf."""
    return mp.mpf(0) if abs(x) > 1e4 else mp.npdf(x)


REFERENCES = {
    "sigmoid": (lambda x: _sigma(x), lambda x: _sigma_slope(x)),
    "tanh": (lambda x: mp.tanh(x), lambda x: 1 / mp.cosh(x) ** 2),
    "relu": (lambda x: x if x > 0 else mp.mpf(0), lambda x: mp.mpf(1) if x > 0 else mp.mpf(0)),
    "leaky_relu": (
        lambda x, alpha=0.01: x if x > 0 else mp.mpf(alpha) * x,
        lambda x, alpha=0.01: mp.mpf(1) if x > 0 else mp.mpf(alpha),
    ),
    "elu": (
        lambda x, alpha=1.0: x if x > 0 else mp.mpf(alpha) * mp.expm1(x),
        lambda x, alpha=1.0: mp.mpf(1) if x > 0 else mp.mpf(alpha) * mp.exp(x),
    ),
    "selu": (
        lambda x: SELU_LAMBDA * (x if x > 0 else SELU_ALPHA * mp.expm1(x)),
        lambda x: SELU_LAMBDA * (1 if x > 0 else SELU_ALPHA * mp.exp(x)),
    ),
    "gelu": (lambda x: x * _ncdf(x), lambda x: _ncdf(x) + x * _npdf(x)),
    "gelu_tanh": (
        lambda x: x * _sigma(_gelu_tanh_w(x)[0]),
        lambda x: _sigma(_gelu_tanh_w(x)[0])
        + x * _gelu_tanh_w(x)[1] * _sigma_slope(_gelu_tanh_w(x)[0]),
    ),
    "swish": (
        lambda x, beta=1.0: x * _sigma(mp.mpf(beta) * x),
        lambda x, beta=1.0: _sigma(mp.mpf(beta) * x)
        + mp.mpf(beta) * x * _sigma_slope(mp.mpf(beta) * x),
    ),
    "softplus": (_softplus, _sigma),
    "mish": (
        lambda x: x * mp.tanh(_softplus(x)),
        lambda x: mp.tanh(_softplus(x)) + x * _sigma(x) / mp.cosh(_softplus(x)) ** 2,
    ),
}

def accuracy_points(count: int = 150) -> np.ndarray:
    """Points over [-740, 740]: log-spaced magnitudes 1e-300..740 both signs, a grid, kinks, tails."""
    magnitudes = np.logspace(-300, np.log10(740.0), count)
    special = [
        5e-324, 1e-310, 1e-200, 1e-20, 1e-8, 1e-3, 0.5, 0.7517915, 1.0, 1.1924312, 1.2784645, 1.5,
        2.0, 5.0, 8.0, 10.0, 20.0, 30.0, 37.0, 38.5, 40.0, 100.0, 354.0, 355.0, 372.0, 700.0,
        709.7, 710.0, 720.0, 738.0, 740.0, 745.0, 1e300,
    ]
    grid = np.linspace(-740.0, 740.0, 75)
    positive = np.concatenate([magnitudes, special])
    return np.unique(np.concatenate([-positive, [0.0], positive, grid]))


def ulp_error(got: float, ref) -> float:
    """|got - ref| in units of float64 spacing at |ref| (subnormal spacing below 2.2e-308)."""
    spacing = np.spacing(abs(float(ref)))
    if not np.isfinite(spacing):
        return 0.0 if got == float(ref) else np.inf
    return float(abs(mp.mpf(got) - ref) / mp.mpf(spacing))


def condition(x, value, slope) -> float:
    """|x g'(x) / g(x)|: how much g magnifies a relative change of x."""
    if value == 0:
        return np.inf
    return float(abs(x * slope / value))


def slope_of(g, x):
    """g'(x) by a central difference with relative step 1e-20 (50-digit arithmetic)."""
    if x == 0:
        return mp.mpf(0)
    h = abs(x) * mp.mpf("1e-20")
    return (g(x + h) - g(x - h)) / (2 * h)


@functools.lru_cache(maxsize=None)
def reference_table(name: str, params: tuple = ()) -> dict:
    """x, f_ref, f'_ref and the condition numbers of f and f' at accuracy_points()."""
    kwargs = dict(params)
    f, df = REFERENCES[name]
    xs = accuracy_points()
    rows = {"x": xs, "f": [], "df": [], "cond_f": [], "cond_df": []}
    with mp.workdps(DIGITS):
        _fill_table(rows, xs, f, df, kwargs)
    return rows


def _fill_table(rows, xs, f, df, kwargs):
    for x in xs:
        xm = mp.mpf(float(x))
        value = f(xm, **kwargs)
        slope = df(xm, **kwargs)
        curvature = slope_of(lambda t: df(t, **kwargs), xm)
        rows["f"].append(value)
        rows["df"].append(slope)
        rows["cond_f"].append(condition(xm, value, slope) if value != 0 else 0.0)
        rows["cond_df"].append(condition(xm, slope, curvature) if slope != 0 else 0.0)


def exact_kinks(layers, activation, params=None, lo=-3.0, hi=3.0) -> int:
    """Kinks of a scalar network with a kink-at-0 piecewise-linear activation, exactly.

    Every neuron is linear between the current breakpoints; an activation adds the zero
    crossings of each pre-activation as new breakpoints. At the end, count the breakpoints
    where the output's slope really changes (relative size above 1e-9).
    """
    params = params or {}
    xs = np.array([lo, hi])
    values = xs[:, None]
    for i, layer in enumerate(layers):
        z = values @ layer.weight.T + layer.bias
        if i == len(layers) - 1:
            values = z
            break
        crossings = []
        for a in range(len(xs) - 1):
            za, zb = z[a], z[a + 1]
            sign_change = za * zb < 0
            crossings.extend(xs[a] + (xs[a + 1] - xs[a]) * za[sign_change] / (za[sign_change] - zb[sign_change]))
        new_xs = np.unique(np.concatenate([xs, crossings]))
        z = np.column_stack([np.interp(new_xs, xs, z[:, j]) for j in range(z.shape[1])])
        xs, values = new_xs, activation(z, **params)
    y = values[:, 0]
    slopes = np.diff(y) / np.diff(xs)
    scale = np.max(np.abs(slopes)) + np.max(np.abs(y)) / (hi - lo)
    return int(np.count_nonzero(np.abs(np.diff(slopes)) > 1e-9 * scale))


# --------------------------------------------------------------------- typed formulas (formula/)

# f(+-inf) and f'(+-inf) of typed formulas: limits worked by hand; NaN where there is none or
# where the numbers cannot tell it safely.
INF, NAN = np.inf, np.nan
KNOWN_LIMITS = {  # text: (f(-inf), f(+inf), f'(-inf), f'(+inf)), a = 1 unless the text says otherwise
    "x*sigmoid(x)": (0, INF, 0, 1),
    "x * tanh(log(1 + exp(x)))": (0, INF, 0, 1),
    "x/(1 + exp(-x))": (0, INF, 0, 1),
    "0.5*x*(1 + erf(x/sqrt(2)))": (0, INF, 0, 1),
    "tanh(x)": (-1, 1, 0, 0),
    "1 / (1 + exp(-x))": (0, 1, 0, 0),
    "exp(x)/(1 + exp(x))": (0, 1, 0, 0),
    "log(1 + exp(x))": (0, INF, 0, 1),
    "softplus(x) - x": (INF, 0, -1, 0),
    "max(0, x) + 0.1 * min(0, x)": (-INF, INF, 0.1, 1),
    "max(0, x) + min(0, expm1(x))": (-1, INF, 0, 1),
    "1.0507*(max(0, x) + min(0, 1.6733*expm1(x)))": (-1.0507 * 1.6733, INF, 0, 1.0507),
    "x/(1 + abs(x))": (-1, 1, 0, 0),
    "x/sqrt(1 + x**2)": (-1, 1, 0, 0),
    "exp(-x**2)": (0, 0, 0, 0),
    "x*exp(-x**2)": (0, 0, 0, 0),
    "x**2": (INF, INF, -INF, INF),
    "x**3 - x": (-INF, INF, INF, INF),
    "1/x": (0, 0, 0, 0),
    "x/(1 + x**2)": (0, 0, 0, 0),
    "sin(x)/x": (0, 0, 0, 0),
    "x*erf(x)": (INF, INF, -1, 1),
    "x - sqrt(x**2 + 1)": (-INF, 0, 2, 0),
    "x*exp(x)": (0, INF, 0, INF),
    "exp(exp(exp(x)))": (np.e, INF, 0, INF),
    "log1p(abs(x))": (INF, INF, 0, 0),
    "sigmoid(x - 1000)": (0, 1, 0, 0),
    "exp(x)*sigmoid(-x)": (0, 1, 0, 0),
    "(x + 1)/(x + 2)": (1, 1, 0, 0),
    "x + sin(x)": (-INF, INF, NAN, NAN),  # f' = 1 + cos(x) has no limit
    "sin(x)": (NAN, NAN, NAN, NAN),
    "sqrt(x)": (NAN, INF, NAN, 0),  # undefined for x < 0
    "log(x)": (NAN, INF, NAN, 0),
    "sqrt(sin(x))": (NAN, NAN, NAN, NAN),  # undefined at arbitrarily large |x|
}

# The numpy function of each op of a formula's browser program (activations_core/formula_program.py),
# written here apart from formula_program's own: the interpreter of test_formula_program.py and the
# per-op checks of ui/lab/formula.js in tests/e2e/test_formula_js.py run programs with it.
OP_KERNELS = {
    "add": np.add, "mul": np.multiply, "div": lambda u, v: u / v, "neg": lambda u: -u, "pow": np.power,
    "sqrt": np.sqrt, "exp": np.exp, "expm1": np.expm1, "log": np.log, "log1p": np.log1p, "tanh": np.tanh,
    "sinh": np.sinh, "cosh": np.cosh, "sin": np.sin, "cos": np.cos, "abs": np.abs, "sign": np.sign,
    "erf": sc.erf, "sigmoid": sc.expit, "max": np.maximum, "min": np.minimum,
    "softplus": lambda u: np.maximum(u, 0.0) + np.log1p(np.exp(-np.abs(u))),
    "greater": lambda u, v: np.where(np.isnan(u) | np.isnan(v), np.nan, np.greater(u, v).astype(float)),
    "where_nan": lambda y, d: np.where(np.isnan(y), np.nan, d),
    "gate": lambda b, v: np.where(b == 0.0, 0.0, v),
}
