"""Every activation and derivative against 50-digit mpmath references, plus limits,
floating-point hygiene, the registry's stated properties and hypothesis checks."""

from __future__ import annotations

import math
import re
import warnings

import mpmath as mp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from activations_core import ACTIVATIONS, Activation, Param, Properties, max_abs_derivative, minimum

NAMES = (
    "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "gelu_tanh", "swish", "softplus", "mish", "selu",
)
KINKED = {"relu", "leaky_relu", "elu", "selu"}
NON_MONOTONIC = ("gelu", "gelu_tanh", "swish", "mish")
VARIANTS = [(name, {}) for name in NAMES] + [
    ("leaky_relu", {"alpha": 0.0}),
    ("leaky_relu", {"alpha": 0.3}),
    ("leaky_relu", {"alpha": 1.0}),
    ("elu", {"alpha": 0.1}),
    ("elu", {"alpha": 2.5}),
    ("swish", {"beta": 0.0}),
    ("swish", {"beta": 0.5}),
    ("swish", {"beta": 2.5}),
    ("swish", {"beta": 10.0}),
]
VARIANT_IDS = [name + "".join(f"-{k}={v}" for k, v in params.items()) for name, params in VARIANTS]
ULPS = 4.0
FLOAT_MAX = float(np.finfo(np.float64).max)
pytestmark = pytest.mark.usefixtures("fifty_digits")
QUICK = settings(max_examples=60, deadline=None)


def _evaluate(name, kind, x, **params):
    act = ACTIVATIONS[name]
    return act(x, **params) if kind == "f" else act.derivative(x, **params)


def _accuracy_failures(mpref, xs, got, refs, conds):
    """Points where |got - ref| > 4 ulp * max(1, condition); an exact 0 reference needs an exact 0."""
    failures = []
    for x, value, ref, cond in zip(xs, got, refs, conds):
        if ref == 0:
            if value != 0:
                failures.append((float(x), float(value), 0.0, math.inf))
            continue
        err = mpref.ulp_error(float(value), ref) / max(1.0, cond)
        if not err <= ULPS:
            failures.append((float(x), float(value), float(ref), err))
    return failures


# ---------------------------------------------------------------------------
# Accuracy
# ---------------------------------------------------------------------------


def test_registry_has_exactly_the_documented_names():
    assert tuple(ACTIVATIONS) == NAMES
    for name, act in ACTIVATIONS.items():
        assert act.name == name


@pytest.mark.parametrize("kind", ["f", "df"])
@pytest.mark.parametrize("name,params", VARIANTS, ids=VARIANT_IDS)
def test_within_4_ulp_times_condition_of_mpmath(mpref, name, params, kind):
    """A few hundred points over [-740, 740]: magnitudes 1e-300..740 of both signs, kinks, far tails."""
    table = mpref.table(name, tuple(sorted(params.items())))
    got = _evaluate(name, kind, table["x"], **params)
    failures = _accuracy_failures(mpref, table["x"], got, table[kind], table["cond_" + kind])
    assert not failures, f"{len(failures)} of {len(got)} points exceed 4 ulp x condition; (x, got, ref, err): {failures[:4]}"


def _dense_points():
    rng = np.random.default_rng(20240611)
    return np.concatenate([rng.uniform(-8.0, 8.0, 300), rng.uniform(-45.0, 45.0, 60)])


@pytest.fixture(scope="module")
def dense_references(mpref):
    xs = _dense_points()
    table = {}
    with mp.workdps(50):
        _fill_dense(mpref, xs, table)
    return xs, table


def _fill_dense(mpref, xs, table, names=NAMES):
    for name in names:
        f, df = mpref.formulas[name]
        rows = {"f": [], "df": [], "cond_f": [], "cond_df": []}
        for x in xs:
            xm = mp.mpf(float(x))
            value, slope = f(xm), df(xm)
            rows["f"].append(value)
            rows["df"].append(slope)
            rows["cond_f"].append(mpref.condition(xm, value, slope) if value != 0 else 0.0)
            curvature = mpref.slope_of(df, xm)
            rows["cond_df"].append(mpref.condition(xm, slope, curvature) if slope != 0 else 0.0)
        table[name] = rows


@pytest.mark.parametrize("kind", ["f", "df"])
@pytest.mark.parametrize("name", NAMES)
def test_dense_random_points_in_the_curved_region(mpref, dense_references, name, kind):
    """360 seeded random points where the curves bend (|x| < 45), default parameters."""
    xs, table = dense_references
    got = _evaluate(name, kind, xs)
    failures = _accuracy_failures(mpref, xs, got, table[name][kind], table[name]["cond_" + kind])
    assert not failures, f"{len(failures)} points exceed 4 ulp x condition; (x, got, ref, err): {failures[:4]}"


@pytest.mark.parametrize(
    "name,kind,x",
    [
        ("sigmoid", "df", 40.0),  # ~4.25e-18; PyTorch float64 gives 0 past |x| ~ 37
        ("sigmoid", "df", -40.0),
        ("sigmoid", "df", 700.0),
        ("tanh", "df", 30.0),  # ~3.5e-26
        ("tanh", "df", -350.0),
        ("softplus", "f", -700.0),
        ("gelu", "f", -30.0),  # ~ -1.5e-196; 0.5 x (1 + erf) cancels to garbage below -8
        ("gelu", "df", -10.0),
        ("swish", "f", -700.0),
        ("mish", "f", -700.0),
        ("elu", "df", -700.0),
    ],
)
def test_tiny_tail_values_keep_their_relative_accuracy(mpref, name, kind, x):
    """Log-axis plots need tails that are right to many digits, not 0 or noise."""
    f, df = mpref.formulas[name]
    ref = (f if kind == "f" else df)(mp.mpf(x))
    got = float(_evaluate(name, kind, x))
    assert got != 0.0
    assert abs(mp.mpf(got) - ref) <= abs(ref) * mp.mpf("1e-12")


def test_gelu_keeps_its_subnormal_tail(mpref):
    """Below -37.7 scipy's ndtr flushes Phi to 0; GELU stays within 4 subnormal steps of the truth."""
    for x in (-37.8, -38.0, -38.3):
        ref = mpref.formulas["gelu"][0](mp.mpf(x))
        got = float(ACTIVATIONS["gelu"](x))
        assert got < 0.0
        assert abs(mp.mpf(got) - ref) <= 4 * np.finfo(np.float64).smallest_subnormal


def test_gelu_over_the_whole_range_of_its_tail_formula(mpref):
    """GELU uses Phi(-|x|) = e^(-x^2/2) / V(|x|), V a rational fit on |x| <= 40: 400 seeded points
    over that range, dense where the conditioning is lowest (|x| < 3), against mpmath."""
    rng = np.random.default_rng(16)
    xs = np.concatenate(
        [-rng.uniform(0.0, 3.0, 150), -rng.uniform(3.0, 40.0, 150), rng.uniform(0.0, 3.0, 60), rng.uniform(3.0, 9.0, 40)]
    )
    table = {}
    _fill_dense(mpref, xs, table, names=("gelu",))
    for kind in ("f", "df"):
        got = _evaluate("gelu", kind, xs)
        failures = _accuracy_failures(mpref, xs, got, table["gelu"][kind], table["gelu"]["cond_" + kind])
        assert not failures, f"{kind}: {len(failures)} points exceed 4 ulp x condition; (x, got, ref, err): {failures[:4]}"


@pytest.mark.parametrize("kind", ["f", "df"])
@pytest.mark.parametrize("alpha", [1e20, 1e300])
def test_elu_with_an_alpha_beyond_2_to_the_53(mpref, alpha, kind):
    """There alpha - (alpha - 1) no longer rounds to 1, and f' selects its branches another way.

    f' = alpha e^x is checked where e^x is a normal number (x > -708): below that e^x is
    subnormal, and a huge alpha magnifies its rounding (on any path of the kernel).
    """
    table = mpref.table("elu", (("alpha", alpha),))
    keep = np.ones(len(table["x"]), bool) if kind == "f" else table["x"] > -708.0
    xs = table["x"][keep]
    refs, conds = (np.asarray(table[key], dtype=object)[keep] for key in (kind, "cond_" + kind))
    got = _evaluate("elu", kind, xs, alpha=alpha)
    failures = _accuracy_failures(mpref, xs, got, refs, conds)
    assert not failures, f"{len(failures)} of {len(got)} points exceed 4 ulp x condition; (x, got, ref, err): {failures[:4]}"
    if kind == "df":
        assert ACTIVATIONS["elu"].derivative(np.array([1e-300, 1.0, np.inf]), alpha=alpha).tolist() == [1.0] * 3


def test_reference_derivatives_match_reference_functions(mpref):
    """The mpmath f' formulas are the derivatives of the mpmath f formulas (checks the references)."""
    for name in NAMES:
        f, df = mpref.formulas[name]
        for x in (-3.7, -0.6, 0.4, 2.9):
            numeric = mp.diff(f, mp.mpf(x))
            assert abs(numeric - df(mp.mpf(x))) <= mp.mpf("1e-30") * (1 + abs(numeric)), name


# ---------------------------------------------------------------------------
# Limits, NaN, warnings, shapes, parameters
# ---------------------------------------------------------------------------

with mp.workdps(50):
    SELU_NEG = -float(mp.mpf("1.0507009873554804934193349852946") * mp.mpf("1.6732632423543772848170429916717"))
    SELU_SCALE = float(mp.mpf("1.0507009873554804934193349852946"))
LIMITS = {  # name: (f(-inf), f(+inf), f'(-inf), f'(+inf))
    "sigmoid": (0.0, 1.0, 0.0, 0.0),
    "tanh": (-1.0, 1.0, 0.0, 0.0),
    "relu": (0.0, math.inf, 0.0, 1.0),
    "leaky_relu": (-math.inf, math.inf, 0.01, 1.0),
    "elu": (-1.0, math.inf, 0.0, 1.0),
    "gelu": (0.0, math.inf, 0.0, 1.0),
    "gelu_tanh": (0.0, math.inf, 0.0, 1.0),
    "swish": (0.0, math.inf, 0.0, 1.0),
    "softplus": (0.0, math.inf, 0.0, 1.0),
    "mish": (0.0, math.inf, 0.0, 1.0),
    "selu": (SELU_NEG, math.inf, 0.0, SELU_SCALE),
}


@pytest.mark.parametrize("name", NAMES)
def test_limits_at_infinity(name):
    act = ACTIVATIONS[name]
    f_low, f_high, df_low, df_high = LIMITS[name]
    assert act(-np.inf) == f_low
    assert act(np.inf) == f_high
    assert act.derivative(-np.inf) == df_low
    assert act.derivative(np.inf) == df_high
    # huge finite inputs give the limit values (or stay finite where the limit is infinite)
    if math.isfinite(f_low):
        assert act(-1e300) == f_low
    assert act.derivative(-1e300) == df_low
    assert act.derivative(1e300) == df_high


@pytest.mark.parametrize(
    "name,params,low,high",
    [
        ("elu", {"alpha": 2.5}, -2.5, math.inf),
        ("leaky_relu", {"alpha": 0.0}, 0.0, math.inf),
        ("swish", {"beta": 0.0}, -math.inf, math.inf),
        ("swish", {"beta": 10.0}, 0.0, math.inf),
    ],
)
def test_parameterised_limits(name, params, low, high):
    act = ACTIVATIONS[name]
    assert act(-np.inf, **params) == low
    assert act(np.inf, **params) == high


SPECIAL_INPUTS = np.array(
    [
        -np.inf, -FLOAT_MAX, -1e300, -1e154, -800.0, -745.0, -740.0, -710.0, -709.5, -354.5, -40.0,
        -1.0, -1e-310, -5e-324, -0.0, 0.0, 5e-324, 1e-310, 1.0, 40.0, 354.5, 709.5, 710.0, 745.0,
        800.0, 1e154, 1e300, FLOAT_MAX, np.inf,
    ]
)


@pytest.mark.parametrize("name,params", VARIANTS, ids=VARIANT_IDS)
def test_no_floating_point_warnings_and_nan_in_nan_out(name, params):
    act = ACTIVATIONS[name]
    inputs = np.append(SPECIAL_INPUTS, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            values = act(inputs, **params)
            slopes = act.derivative(inputs, **params)
            scalars = [(act(x, **params), act.derivative(x, **params)) for x in inputs]
    assert np.isnan(values[-1]) and np.isnan(slopes[-1])
    assert not np.isnan(values[:-1]).any(), inputs[:-1][np.isnan(values[:-1])]
    assert not np.isnan(slopes[:-1]).any(), inputs[:-1][np.isnan(slopes[:-1])]
    np.testing.assert_array_equal([s[0] for s in scalars], values)
    np.testing.assert_array_equal([s[1] for s in scalars], slopes)


def test_scalars_arrays_shapes_and_dtypes():
    act = ACTIVATIONS["gelu"]
    assert type(act(1.0)) is np.float64
    assert type(act.derivative(2)) is np.float64
    assert type(act(np.float32(0.5))) is np.float64
    grid = np.linspace(-3, 3, 12).reshape(3, 4)
    before = grid.copy()
    for name in NAMES:
        out = ACTIVATIONS[name](grid)
        slope = ACTIVATIONS[name].derivative(grid)
        assert out.shape == slope.shape == (3, 4)
        assert out.dtype == slope.dtype == np.float64
        np.testing.assert_array_equal(grid, before)  # input untouched
    assert ACTIVATIONS["relu"]([-1, 0, 2]).tolist() == [0.0, 0.0, 2.0]
    assert ACTIVATIONS["sigmoid"](np.empty(0)).shape == (0,)


def test_kinks_follow_pytorch():
    assert ACTIVATIONS["relu"].derivative(0.0) == 0.0
    assert ACTIVATIONS["leaky_relu"].derivative(0.0) == 0.01
    assert ACTIVATIONS["leaky_relu"].derivative(0.0, alpha=0.2) == 0.2
    assert ACTIVATIONS["elu"].derivative(0.0) == 1.0
    assert ACTIVATIONS["elu"].derivative(0.0, alpha=2.5) == 2.5
    assert ACTIVATIONS["elu"].derivative(-0.0, alpha=2.5) == 2.5
    assert ACTIVATIONS["selu"].derivative(0.0) == pytest.approx(-SELU_NEG, rel=1e-15)
    assert ACTIVATIONS["selu"].derivative(-0.0) == pytest.approx(-SELU_NEG, rel=1e-15)


def test_swish_beta_special_cases():
    swish = ACTIVATIONS["swish"]
    x = np.linspace(-5, 5, 11)
    np.testing.assert_array_equal(swish(x, beta=0.0), x / 2)  # beta = 0: x/2
    np.testing.assert_allclose(swish(x, beta=1.0), x / (1 + np.exp(-x)), rtol=1e-15)  # SiLU
    np.testing.assert_allclose(swish(x, beta=1e4), np.maximum(x, 0), atol=1e-300)  # large beta: ReLU


@pytest.mark.parametrize(
    "name,params",
    [
        ("swish", {"gamma": 1.0}),
        ("relu", {"alpha": 0.1}),
        ("swish", {"beta": float("nan")}),
        ("swish", {"beta": -1.0}),
        ("leaky_relu", {"alpha": 1.5}),
        ("elu", {"alpha": math.inf}),
        ("elu", {"alpha": "big"}),
    ],
)
def test_bad_parameters_raise_clear_value_errors(name, params):
    with pytest.raises(ValueError, match=next(iter(params))):
        ACTIVATIONS[name](1.0, **params)
    with pytest.raises(ValueError):
        ACTIVATIONS[name].derivative(1.0, **params)


def test_params_have_consistent_slider_ranges():
    expected = {"leaky_relu": {"alpha": 0.01}, "elu": {"alpha": 1.0}, "swish": {"beta": 1.0}}
    for name in NAMES:
        act = ACTIVATIONS[name]
        assert act.defaults() == expected.get(name, {})
        for p in act.params:
            assert isinstance(p, Param)
            assert p.min <= p.default <= p.max and p.step > 0
            assert p.label and p.help
            act(np.linspace(-5, 5, 5), **{p.name: p.min})  # the whole slider range is valid
            act(np.linspace(-5, 5, 5), **{p.name: p.max})


def test_custom_activation_from_callables():
    cube = Activation("cube", "Cube", fn=lambda x: x**3, dfn=lambda x: 3 * x**2, latex="x^3")
    assert cube(2.0) == 8.0 and type(cube(2.0)) is np.float64
    np.testing.assert_array_equal(cube.derivative(np.array([[1.0, 2.0]])), [[3.0, 12.0]])
    constant = Activation("one", "One", fn=lambda x: 1.0, dfn=lambda x: 0.0)
    assert constant(np.zeros((2, 2))).shape == (2, 2)
    assert constant.defaults() == {}


# ---------------------------------------------------------------------------
# Stated properties, checked numerically
# ---------------------------------------------------------------------------


def _interior_minimum_mp(mpref, name, params=None):
    """(x*, f(x*)) from mpmath findroot of f' = 0 near the textbook location."""
    params = params or {}
    f, df = mpref.formulas[name]
    start = {"gelu": -0.75, "gelu_tanh": -0.75, "swish": -1.28, "mish": -1.19}[name]
    if name == "swish":
        start /= params.get("beta", 1.0)
    root = mp.findroot(lambda t: df(t, **params), mp.mpf(start))
    return root, f(root, **params)


@pytest.mark.parametrize("name", NAMES)
def test_output_range_is_the_true_infimum_and_supremum(mpref, name):
    low, high = ACTIVATIONS[name].properties.output_range
    f_low, f_high, _, _ = LIMITS[name]
    if name in NON_MONOTONIC:
        value = _interior_minimum_mp(mpref, name)[1]
        assert abs(mp.mpf(low) - value) <= 4 * np.spacing(abs(float(value)))
    else:
        assert low == f_low
    assert high == f_high


@pytest.mark.parametrize(
    "name,x_star,f_star",
    [("gelu", -0.75, -0.17), ("swish", -1.278, -0.278), ("mish", -1.192, -0.309), ("gelu_tanh", -0.75, -0.17)],
)
def test_minimum_matches_mpmath_and_the_textbook_numbers(mpref, name, x_star, f_star):
    x_min, f_min = minimum(name)
    root, value = _interior_minimum_mp(mpref, name)
    assert x_min == pytest.approx(float(root), rel=1e-9)
    assert abs(mp.mpf(f_min) - value) <= 4 * np.spacing(abs(float(value)))
    assert round(x_min, 2 if name.startswith("gelu") else 3) == x_star
    assert round(f_min, 2 if name.startswith("gelu") else 3) == f_star


def test_swish_minimum_scales_with_one_over_beta(mpref):
    x1, f1 = minimum("swish")
    x2, f2 = minimum("swish", beta=2.5)
    root, value = _interior_minimum_mp(mpref, "swish", {"beta": 2.5})
    assert x2 == pytest.approx(float(root), rel=1e-9) and x2 == pytest.approx(x1 / 2.5, rel=1e-9)
    assert f2 == pytest.approx(float(value), rel=1e-15) and f2 == pytest.approx(f1 / 2.5, rel=1e-14)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "selu"])
def test_minimum_of_monotonic_functions_is_the_left_limit(name):
    assert minimum(name) == (-math.inf, LIMITS[name][0])


def test_max_abs_derivative(mpref):
    assert max_abs_derivative("sigmoid") == (0.0, 0.25)
    assert max_abs_derivative("tanh") == (0.0, 1.0)
    assert max_abs_derivative("relu") == (math.inf, 1.0)
    assert max_abs_derivative("softplus") == (math.inf, 1.0)
    assert max_abs_derivative("elu", alpha=2.5) == (0.0, 2.5)
    x_selu, slope_selu = max_abs_derivative("selu")
    assert x_selu == 0.0 and slope_selu == pytest.approx(-SELU_NEG, rel=1e-15)
    for name in ("gelu", "swish", "mish"):
        _, df = mpref.formulas[name]
        peak = mp.findroot(lambda t: mp.diff(df, t), mp.mpf(1.5 if name != "swish" else 2.4))
        x_peak, slope = max_abs_derivative(name)
        assert x_peak == pytest.approx(float(peak), rel=1e-6)
        assert slope == pytest.approx(float(df(peak)), rel=1e-14)


@pytest.mark.parametrize("name", NAMES)
def test_zero_centred_means_mean_output_near_zero_for_standard_normal_input(mpref, name):
    f, _ = mpref.formulas[name]
    with mp.workdps(20):
        mean = mp.quad(lambda z: f(z) * mp.npdf(z), [-40, 0, 40])
        second = mp.quad(lambda z: f(z) ** 2 * mp.npdf(z), [-40, 0, 40])
    sd = mp.sqrt(second - mean**2)
    assert ACTIVATIONS[name].properties.zero_centred == bool(abs(mean) < 0.1 * sd)


@pytest.mark.parametrize("name", NAMES)
def test_can_die_means_zero_gradient_on_a_half_line(name):
    slopes = ACTIVATIONS[name].derivative(-np.logspace(-3, 3, 400))
    assert ACTIVATIONS[name].properties.can_die == bool(np.all(slopes == 0.0))


@pytest.mark.parametrize("name", NAMES)
def test_saturates_means_vanishing_gradient_on_both_sides(name):
    act = ACTIVATIONS[name]
    vanishing = abs(act.derivative(-40.0)) < 1e-12 and abs(act.derivative(40.0)) < 1e-12
    assert act.properties.saturates == vanishing
    low, high = act.properties.output_range
    assert act.properties.saturates == (math.isfinite(low) and math.isfinite(high))


@pytest.mark.parametrize("name", NAMES)
def test_monotonic_means_no_negative_slope(name):
    grid = np.concatenate([np.linspace(-20, 20, 40001), -np.logspace(-6, 2.8, 2000)])
    negative = bool(np.any(ACTIVATIONS[name].derivative(grid) < 0))
    assert ACTIVATIONS[name].properties.monotonic == (not negative)


@pytest.mark.parametrize("name", NAMES)
def test_smooth_means_continuous_slope_at_the_origin(name):
    act = ACTIVATIONS[name]
    jump = abs(act.derivative(1e-9) - act.derivative(-1e-9))
    assert act.properties.smooth == bool(jump < 1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_text_fields_are_present_and_short(name):
    act = ACTIVATIONS[name]
    props = act.properties
    assert isinstance(props, Properties)
    assert act.display_name and act.latex and act.derivative_latex and props.use and props.range_latex
    assert props.cost in {"cheap", "moderate", "expensive"}
    sentences = re.findall(r"[.!?](?:\s|$)", act.description)
    assert 1 <= len(sentences) <= 2, act.description
    for tex in (act.latex, act.derivative_latex, props.range_latex):
        assert tex.count("{") == tex.count("}"), tex
        assert tex.count(r"\left") == tex.count(r"\right"), tex
        assert "\\sech" not in tex.replace("\\operatorname{sech}", "")  # not a KaTeX macro


# ---------------------------------------------------------------------------
# Hypothesis
# ---------------------------------------------------------------------------


@st.composite
def activation_with_params(draw):
    name = draw(st.sampled_from(NAMES))
    params = {
        p.name: draw(st.floats(p.min, p.max, allow_nan=False)) for p in ACTIVATIONS[name].params
    }
    return name, params


@QUICK
@given(activation_with_params(), st.floats(-20.0, 20.0, allow_nan=False))
def test_derivative_matches_finite_difference(case, x):
    name, params = case
    h = 1e-3
    if name in KINKED:
        assume(abs(x) > 3 * h)
    act = ACTIVATIONS[name]
    f = lambda t: float(act(t, **params))  # noqa: E731
    stencil = (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)
    slope = float(act.derivative(x, **params))
    assert abs(stencil - slope) <= 1e-7 * (1.0 + abs(slope))


@QUICK
@given(
    st.sampled_from([n for n in NAMES if ACTIVATIONS[n].properties.monotonic]),
    st.floats(allow_nan=False),
    st.floats(allow_nan=False),
)
def test_monotonic_functions_never_decrease(name, a, b):
    low, high = min(a, b), max(a, b)
    act = ACTIVATIONS[name]
    f_low, f_high = act(low), act(high)
    assert f_low <= f_high or f_low - f_high <= 4 * np.spacing(abs(f_high))


@QUICK
@given(st.sampled_from(NAMES), st.floats(allow_nan=False))
def test_outputs_stay_inside_the_stated_range(name, x):
    low, high = ACTIVATIONS[name].properties.output_range
    y = ACTIVATIONS[name](x)
    slack_low = 4 * np.spacing(abs(low)) if math.isfinite(low) else 0.0
    slack_high = 4 * np.spacing(abs(high)) if math.isfinite(high) else 0.0
    assert low - slack_low <= y <= high + slack_high
