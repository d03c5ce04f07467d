"""The softmax page's core: parsing logits and names, presets, temperature steps, and the facts it
states, checked against worked examples and 50-digit mpmath softmax."""

import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activations_core.logits import (
    MAX_LOGITS_CHARS, PRESETS, TEMPERATURE_STEPS, cold_temperature, compare_formulas,
    default_names, equivalent_temperature_gaps, limit_kind, nearest_step, parse_class_names,
    parse_logits, question_logits, shift_gap, softmax_view, temperature_sweep,
)

mp.mp.dps = 50


def mp_softmax(z, t=1):
    """softmax(z / T) in 50-digit arithmetic, shifted by the maximum so mpmath never overflows."""
    z = [v if isinstance(v, mp.mpf) else mp.mpf(float(v)) for v in z]
    m = max(z)
    w = [mp.exp((v - m) / mp.mpf(t)) for v in z]
    s = mp.fsum(w)
    return [v / s for v in w]


def mp_entropy(p):
    return -mp.fsum(v * mp.log(v) for v in p if v > 0)


# ---- parse_logits -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2.0, 1.0, 0.1", [2.0, 1.0, 0.1]),
    ("2 1 0.1", [2.0, 1.0, 0.1]),
    ("2;1 ; 0.1", [2.0, 1.0, 0.1]),
    ("  -1e3 , +2.5\t", [-1000.0, 2.5]),
    (".5, 5., -0", [0.5, 5.0, 0.0]),
    ("1000, 1001, 1002", [1000.0, 1001.0, 1002.0]),
    ("1,2,3,4,5,6,7,8,9,10", [float(i) for i in range(1, 11)]),
])
def test_accepted_formats(text, expected):
    z = parse_logits(text)
    assert z.dtype == np.float64 and z.tolist() == expected


@pytest.mark.parametrize("text, phrase", [
    ("abc", "'abc', is not a number"),
    ("1,,2", "empty entry"),
    ("1, ,2", "empty entry"),
    ("1,2,", "empty entry"),
    (",1,2", "empty entry"),
    ("inf", "not a finite number"),
    ("1, -inf", "entry 2, '-inf', is not a finite number"),
    ("nan, 1", "not a finite number"),
    ("1e309, 1", "too large"),
    ("2e6, 1", "too large"),
    ("5", "at least 2 logits"),
    ("", "enter 2 to 10 numbers"),
    ("   ", "enter 2 to 10 numbers"),
    ("1,1,1,1,1,1,1,1,1,1,1", "at most 10 classes"),
    ("0x10, 1", "is not a number"),
    ("1_0, 2", "is not a number"),
    ("١, 2", "is not a number"),  # an Arabic-Indic digit, which float() would accept
    ("1e, 2", "is not a number"),
    ("💥, 1", "is not a number"),
])
def test_rejected_with_a_message_naming_the_problem(text, phrase):
    with pytest.raises(ValueError, match=phrase):
        parse_logits(text)


def test_long_text_is_refused_by_length_before_parsing():
    """10,000 characters of valid-looking numbers: the length message, not a count or a slow parse."""
    with pytest.raises(ValueError, match=r"10,000 characters long; at most 300"):
        parse_logits("1," * 5000)
    with pytest.raises(ValueError, match="characters long"):
        parse_logits("x" * 10_000)
    parse_logits(" " * (MAX_LOGITS_CHARS - 4) + "1, 2")  # exactly at the cap is fine


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=10),
       st.sampled_from([",", ", ", ";", " ", " ; "]))
def test_printed_floats_round_trip_exactly(values, separator):
    assert parse_logits(separator.join(repr(v) for v in values)).tolist() == values


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_or_raises_value_error(text):
    try:
        z = parse_logits(text)
    except ValueError as err:
        assert str(err)
    else:
        assert 2 <= z.size <= 10 and np.all(np.abs(z) <= 1e6)


# ---- parse_class_names --------------------------------------------------------------------------

def test_names_default_and_given():
    assert parse_class_names("", 3) == ["class 1", "class 2", "class 3"] == default_names(3)
    assert parse_class_names("  ", 2) == ["class 1", "class 2"]
    assert parse_class_names("cat, dog; Éclair (x)", 3) == ["cat", "dog", "Éclair (x)"]


@pytest.mark.parametrize("text, n, phrase", [
    ("cat, dog", 3, "2 name"),
    ("a, b, c, d", 3, "4 name"),
    ("a,,c", 3, "name 2 is empty"),
    ("a, a, b", 3, "same name"),
    ("![x](http://e.x/y), b", 2, "may only use"),
    ("<b>bold</b>, b", 2, "may only use"),
    ("under_score, b", 2, "may only use"),
    ("x" * 21 + ", b", 2, "longer than 20"),
    ("a," * 100, 3, "at most 150"),
])
def test_bad_names_are_refused(text, n, phrase):
    with pytest.raises(ValueError, match=phrase.replace("(", r"\(")):
        parse_class_names(text, n)


# ---- presets and temperature steps --------------------------------------------------------------

def test_presets_parse_and_show_what_they_promise():
    by_label = {p.label: p for p in PRESETS}
    for preset in PRESETS:
        z = parse_logits(preset.logits)
        assert len(parse_class_names(preset.names, z.size)) == z.size
    assert parse_logits(by_label["Huge logits"].logits).tolist() == [1000, 1001, 1002]
    assert parse_logits(by_label["Mixed signs"].logits).tolist() == [-1000, 0, 1000]
    ties = parse_logits(by_label["Ties"].logits)
    assert np.count_nonzero(ties == ties.max()) == 2
    for label in ("Huge logits", "Mixed signs", "Very negative"):
        comparison = compare_formulas(parse_logits(by_label[label].logits), 1.0)
        assert comparison.naive_problem and np.isnan(comparison.naive_probabilities).any()
    assert compare_formulas(parse_logits(by_label["Textbook"].logits), 1.0).naive_problem is None


def test_temperature_steps_span_0_01_to_100_evenly_on_a_log_scale():
    steps = np.array(TEMPERATURE_STEPS)
    assert steps[0] == 0.01 and steps[-1] == 100 and np.all(np.diff(steps) > 0)
    assert {0.5, 1.0, 2.0, 10.0} <= set(TEMPERATURE_STEPS)
    ratios = steps[1:] / steps[:-1]
    assert ratios.max() < 1.4 and ratios.min() > 1.1  # no step larger than 40 %, none tiny
    assert [repr(s) for s in TEMPERATURE_STEPS[:3]] == ["0.01", "0.012", "0.015"]  # clean URL text


@pytest.mark.parametrize("t, step", [(0.37, 0.4), (0.34, 0.3), (1.0, 1.0), (1e-9, 0.01), (55.0, 60.0),
                                     (1e9, 100.0), (0.011, 0.012)])
def test_nearest_step_on_a_log_scale(t, step):
    assert nearest_step(t) == step


# ---- softmax_view: the readouts and the Jacobian ------------------------------------------------

@pytest.mark.parametrize("z, t", [([2.0, 1.0, 0.1], 1.0), ([2.0, 1.0, 0.1], 0.25), ([1000, 1001, 1002], 1.0),
                                  ([-1000, 0, 1000], 100.0), ([1.5, 1.5, 0.5, -1.0], 2.0)])
def test_view_matches_mpmath(z, t):
    view = softmax_view(np.array(z), t)
    ref = mp_softmax(z, t)
    np.testing.assert_allclose(view.probabilities, [float(v) for v in ref], rtol=1e-14, atol=1e-300)
    h = mp_entropy(ref)
    assert view.entropy_nats == pytest.approx(float(h), rel=1e-12, abs=1e-15)
    assert view.entropy_bits == pytest.approx(float(h / mp.log(2)), rel=1e-12, abs=1e-15)
    assert view.max_entropy_nats == pytest.approx(math.log(len(z)), rel=1e-15)
    assert view.max_probability == pytest.approx(float(max(ref)), rel=1e-14)


def test_textbook_worked_example():
    """softmax(2, 1, 0.1) = (0.659, 0.242, 0.099), the textbook figures; argmax class 0."""
    view = softmax_view(np.array([2.0, 1.0, 0.1]), 1.0)
    assert np.round(view.probabilities, 3).tolist() == [0.659, 0.242, 0.099]
    assert view.winners == (0,)


def test_ties_are_reported_as_several_winners():
    assert softmax_view(np.array([1.5, 1.5, 0.5]), 0.01).winners == (0, 1)


def test_jacobian_matches_finite_differences_of_mpmath_softmax():
    """dp_i/du_j with u = z/T, by central differences in 50-digit arithmetic; rows sum to 0."""
    z, t = [2.0, 1.0, 0.1, -0.7], 0.8
    view = softmax_view(np.array(z), t)
    u = [mp.mpf(v) / mp.mpf(t) for v in z]
    h = mp.mpf("1e-20")
    for j in range(len(z)):
        up = [v + (h if k == j else 0) for k, v in enumerate(u)]
        down = [v - (h if k == j else 0) for k, v in enumerate(u)]
        column = [(a - b) / (2 * h) for a, b in zip(mp_softmax(up), mp_softmax(down))]
        np.testing.assert_allclose(view.jacobian[:, j], [float(c) for c in column], rtol=1e-13, atol=1e-16)
    assert view.jacobian_row_sum < 1e-16
    assert view.jacobian_largest == pytest.approx(float(np.max(np.abs(view.jacobian))))


# ---- the temperature sweep ----------------------------------------------------------------------

def test_sweep_facts_against_mpmath():
    z = [2.0, 1.0, 0.1]
    sweep = temperature_sweep(np.array(z))
    assert sweep.temperatures.size == 801
    assert sweep.temperatures[0] == pytest.approx(0.01) and sweep.temperatures[-1] == pytest.approx(100)
    cold, hot = mp_softmax(z, mp.mpf("0.01")), mp_softmax(z, 100)
    assert sweep.coldest_max == pytest.approx(float(max(cold)), rel=1e-15)
    assert sweep.coldest_second == pytest.approx(float(sorted(cold)[-2]), rel=1e-12)  # e^-100 ~ 3.7e-44
    assert sweep.hottest_spread == pytest.approx(float(max(hot) - min(hot)), rel=1e-12)
    assert sweep.uniform == pytest.approx(1 / 3)
    assert sweep.order_kept and sweep.leaders == 1 and sweep.logit_range == pytest.approx(1.9)


def test_sweep_approaches_one_hot_cold_and_uniform_hot():
    sweep = temperature_sweep(np.array([0.3, -0.2, 0.1, 0.0]))
    assert limit_kind(sweep.probabilities[0]) == "one-hot"
    assert limit_kind(sweep.probabilities[-1]) == "uniform"


def test_sweep_with_ties_splits_the_cold_limit():
    sweep = temperature_sweep(np.array([1.5, 1.5, 0.5, -1.0]))
    assert sweep.leaders == 2 and sweep.coldest_max == pytest.approx(0.5, rel=1e-15)
    assert sweep.order_kept


def test_order_check_detects_a_swapped_probability():
    """The order check is not vacuous: feed it a sweep with two classes swapped."""
    from activations_core.logits import _order_kept

    z = np.array([2.0, 1.0, 0.1])
    probs = temperature_sweep(z).probabilities.copy()
    assert _order_kept(z, probs)
    probs[400, [0, 1]] = probs[400, [1, 0]]
    assert not _order_kept(z, probs)


# ---- naive versus stable ------------------------------------------------------------------------

def test_huge_logits_naive_is_nan_stable_is_exact():
    comp = compare_formulas(np.array([1000.0, 1001.0, 1002.0]), 1.0)
    assert np.all(np.isinf(comp.naive_exponentials)) and np.all(np.isnan(comp.naive_probabilities))
    assert "overflowed to inf" in comp.naive_problem and "NaN" in comp.naive_problem
    assert comp.culprit == 0 and math.isnan(comp.max_difference)
    ref = [float(v) for v in mp_softmax([1000, 1001, 1002])]  # = softmax(0, 1, 2)
    np.testing.assert_allclose(comp.stable_probabilities, ref, rtol=1e-15)
    assert comp.shift == 1002 and comp.shifted.tolist() == [-2, -1, 0]
    assert comp.stable_sum == pytest.approx(1.0, abs=2e-16)


def test_mixed_signs_culprit_is_the_overflowing_logit():
    comp = compare_formulas(np.array([-1000.0, 0.0, 1000.0]), 1.0)
    assert comp.culprit == 2 and comp.naive_exponentials[2] == math.inf
    assert comp.naive_probabilities[:2].tolist() == [0.0, 0.0] and math.isnan(comp.naive_probabilities[2])


def test_very_negative_logits_underflow_to_zero_over_zero():
    comp = compare_formulas(np.array([-1000.0, -1001.0, -1002.0]), 1.0)
    assert "underflowed to 0" in comp.naive_problem and comp.culprit == 0
    np.testing.assert_allclose(comp.stable_probabilities,
                               [float(v) for v in mp_softmax([-1000, -1001, -1002])], rtol=1e-15)


def test_small_logits_naive_and_stable_agree():
    comp = compare_formulas(np.array([2.0, 1.0, 0.1]), 1.0)
    assert comp.naive_problem is None and comp.culprit is None and comp.max_difference < 1e-15


def test_cold_temperature_alone_can_overflow_the_naive_formula():
    """z = 10 at T = 0.01 is e^1000: the temperature, not the logit, overflows."""
    assert compare_formulas(np.array([10.0, 0.0]), 0.01).naive_problem


# ---- the questions ------------------------------------------------------------------------------

def test_question_logits_fall_back_when_the_top_is_tied():
    assert question_logits(np.array([3.0, 1.0])).tolist() == [3.0, 1.0]
    assert question_logits(np.array([2.0, 2.0, 0.0])).tolist() == [2.0, 1.0, 0.1]
    assert question_logits(np.array([1.0, 1.0])).tolist() == [2.0, 1.0, 0.1]


@pytest.mark.parametrize("z", [[2.0, 1.0, 0.1], [1.0, 1.000001], [1000, 1001, 1002], [-1000, 0, 1000]])
def test_cold_temperature_makes_softmax_one_hot(z):
    t = cold_temperature(np.array(z))
    ref = mp_softmax(z, t)
    assert t <= 1e-3 and float(max(ref)) > 0.999
    assert limit_kind(softmax_view(np.array(z), t).probabilities) == "one-hot"


def test_limit_kind():
    assert limit_kind([0.9995, 0.0005]) == "one-hot"
    assert limit_kind([0.3334, 0.3333, 0.3333]) == "uniform"
    assert limit_kind([0.6, 0.4]) == "neither"


def test_doubling_the_logits_is_temperature_one_half():
    """2z at T = 1 equals z at T = 0.5 to the last bit (both are 2z exactly); other T are far off."""
    gaps = equivalent_temperature_gaps(np.array([2.0, 1.0, 0.1]), 2.0, (2.0, 0.5, 1.0, 4.0))
    assert gaps[0.5] == 0.0
    ref_gap_t1 = max(abs(a - b) for a, b in zip(mp_softmax([4, 2, 0.2]), mp_softmax([2, 1, 0.1])))
    assert gaps[1.0] == pytest.approx(float(ref_gap_t1), rel=1e-12)
    assert min(gaps[2.0], gaps[1.0], gaps[4.0]) > 0.1


def test_adding_a_constant_changes_nothing_but_rounding():
    assert shift_gap(np.array([2.0, 1.0, 0.1]), 1000.0) < 1e-13
    assert shift_gap(np.array([1000.0, 1001.0, 1002.0]), 1000.0) == 0.0  # every sum exact
