"""The softmax temperature page through the real app: widgets, presets, URL, junk links, bad logits,
the stability comparison, the Jacobian and the questions (each before what answers it), checked
against 50-digit mpmath."""

import re

import mpmath as mp
import numpy as np
import pytest

from activations_core.logits import PRESETS
from tests.app.helpers import figures, open_page, page_text
from tests.helpers import plotly_array

mp.mp.dps = 50
PAGE = "softmax_temperature"
PARAM_KEYS = ["sm_logits", "sm_names", "sm_t"]
BOX = "sm_logits_text"
JUNK = ["", "nan", "inf", "1e309", "-1e309", "abc", "💥", "x" * 5000, "-999", "1,,2"]
BAD_LOGITS = ["abc", "1,,2", "inf", "x" * 10_000, "5", "1e309", "nan", "", "1, two, 3"]
RIGHT = {"sm_q_double": "T = 0.5", "sm_q_cold": "One-hot", "sm_q_entropy": "log n", "sm_q_shift": "No"}


def mp_softmax(z, t=1):
    z = [mp.mpf(v) for v in z]
    m = max(z)
    w = [mp.exp((v - m) / mp.mpf(t)) for v in z]
    return [v / mp.fsum(w) for v in w]


def _bars(at) -> tuple[list[str], np.ndarray]:
    bar = figures(at)[0]["data"][0]
    return list(bar["x"]), plotly_array(bar["y"])


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _text(at) -> str:
    return page_text(at)


def _answer(at, key: str, option_start: str) -> str:
    radio = at.radio(key=f"{key}_choice")
    option = next(o for o in radio.options if o.startswith(option_start))
    radio.set_value(option).run()
    at.button(key=f"{key}_reveal").click().run()
    assert not at.exception
    return option


def _answer_all(at, keys=tuple(RIGHT)) -> None:
    """Commit the right answer to each question in ``keys``: everything they hold back is drawn."""
    for key in keys:
        _answer(at, key, RIGHT[key])


def _entropy(p) -> mp.mpf:
    return -mp.fsum(q * mp.log(q) for q in p)


def test_each_answer_appears_only_after_its_question_is_answered():
    """Predict first: the numbers that answer a question are nowhere on the page before it is
    answered, then they are: the gap at the wrong candidate T = 2, the runner-up at T = 0.01, the
    entropy at a very hot T and the spread at T = 100, and the change that adding 1000 makes (the
    rounding of 0.1 + 1000 to float64, evaluated exactly)."""
    at = open_page(PAGE)
    z = ["2.0", "1.0", "0.1"]
    doubled, at_two = mp_softmax(["4.0", "2.0", "0.2"]), mp_softmax(z, 2)
    cold, hot = mp_softmax(z, "0.01"), mp_softmax(z, 100)
    very_hot = mp_softmax(z, 10_000 * (2.0 - 0.1))  # 10^4 times the logits' span
    shifted = mp_softmax([mp.mpf(float(v) + 1000.0) for v in z])  # the float64 logits, exactly
    unshifted = mp_softmax([mp.mpf(float(v)) for v in z])
    answers = {
        "sm_q_double": [f"T = 2: {float(max(abs(a - b) for a, b in zip(doubled, at_two))):.1e}"],
        "sm_q_cold": [f"within {float(cold[1]):.1e} for the runner-up"],  # e^-100: 3.7e-44
        "sm_q_entropy": [f"the entropy is **{float(_entropy(very_hot)):.6f}** nats",
                         f"differ by at most **{float(max(hot) - min(hot)):.4f}**"],
        "sm_q_shift": [f"the largest change is "
                       f"{float(max(abs(a - b) for a, b in zip(shifted, unshifted))):.1e}"],
    }
    assert len(figures(at)) == 2 and not at.dataframe  # bars and Jacobian: no sweep, no formula tables
    for key, numbers in answers.items():
        for number in numbers:
            assert number not in page_text(at), (key, number)
        _answer(at, key, RIGHT[key])
        for number in numbers:
            assert number in page_text(at), (key, number)
    assert len(figures(at)) == 3 and len(at.dataframe) == 2  # the sweep and both formulas' tables


def test_default_view_states_facts_that_match_mpmath():
    at = open_page(PAGE)
    assert not at.error and not at.warning and not at.info
    _answer_all(at)
    assert not at.error
    figs = figures(at)
    assert len(figs) == 3  # bars, probability against T, Jacobian
    names, probs = _bars(at)
    ref = mp_softmax(["2.0", "1.0", "0.1"])
    assert names == ["class 1", "class 2", "class 3"]
    np.testing.assert_allclose(probs, [float(v) for v in ref], rtol=1e-14)
    h = _entropy(ref)
    assert _metrics(at) == {"Max probability": f"{float(ref[0]):.4f}", "Argmax class": "class 1",
                            "Entropy (nats)": f"{float(h):.4f}",
                            "Entropy (bits)": f"{float(h / mp.log(2)):.4f}",
                            "Ceiling, log n (nats)": f"{float(mp.log(3)):.4f}"}
    cold, hot = mp_softmax(["2.0", "1.0", "0.1"], "0.01"), mp_softmax(["2.0", "1.0", "0.1"], 100)
    text = _text(at)
    assert f"within {float(cold[1]):.1e} for the runner-up" in text  # e^-100: 3.7e-44
    assert f"differ by at most **{float(max(hot) - min(hot)):.4f}**" in text
    assert "never gets a smaller probability" in text
    assert any(s.value.startswith("No overflow at these logits") for s in at.success)


def test_sweep_plots_every_class_on_a_log_axis_and_marks_t():
    at = open_page(PAGE, {"sm_t": "0.25"})
    _answer_all(at, ["sm_q_cold", "sm_q_entropy"])
    fig = figures(at)[1]
    assert fig["layout"]["xaxis"]["type"] == "log"
    lines = [t for t in fig["data"] if t.get("mode") == "lines" and t["name"].startswith("class")]
    assert len(lines) == 3
    t = plotly_array(lines[0]["x"])
    assert t[0] == pytest.approx(0.01) and t[-1] == pytest.approx(100) and t.size == 801
    k = 500
    ref = mp_softmax(["2.0", "1.0", "0.1"], t[k])
    for line, p in zip(lines, ref):
        assert plotly_array(line["y"])[k] == pytest.approx(float(p), rel=1e-13)
    marks = next(tr for tr in fig["data"] if tr.get("mode") == "markers")
    assert plotly_array(marks["x"]).tolist() == [0.25] * 3
    expected = [float(p) for p in mp_softmax(["2.0", "1.0", "0.1"], "0.25")]
    np.testing.assert_allclose(plotly_array(marks["y"]), expected, rtol=1e-14)
    assert fig["layout"]["shapes"][0]["x0"] == 0.25


@pytest.mark.parametrize("change", [
    lambda at: at.text_input(key=BOX).set_value("3, 0, -1, 0.5"),
    lambda at: at.select_slider(key="sm_t").set_value(0.2),
    lambda at: at.text_input(key="sm_names").set_value("cat, dog, fox"),
    lambda at: at.button(key="sm_preset_1").click(),
], ids=["logits", "temperature", "names", "preset"])
def test_each_main_widget_changes_the_plotted_data(change):
    at = open_page(PAGE)
    _answer_all(at)
    before = figures(at)
    assert len(before) == 3
    change(at).run()
    assert not at.exception and not at.error
    after = figures(at)
    assert all(a != b for a, b in zip(after, before))


def test_temperature_changes_the_bars_to_softmax_of_z_over_t():
    at = open_page(PAGE)
    at.select_slider(key="sm_t").set_value(0.5).run()
    np.testing.assert_allclose(_bars(at)[1], [float(p) for p in mp_softmax(["4", "2", "0.2"])], rtol=1e-14)


def test_preset_fills_the_text_boxes():
    at = open_page(PAGE)
    at.button(key="sm_preset_1").click().run()  # classifier output
    assert at.text_input(key=BOX).value == "4.1, 2.3, 0.6, -0.8, -2.5"
    assert at.text_input(key="sm_names").value == "cat, dog, fox, owl, car"
    names, probs = _bars(at)
    assert names == ["cat", "dog", "fox", "owl", "car"]
    np.testing.assert_allclose(probs, [float(p) for p in mp_softmax(["4.1", "2.3", "0.6", "-0.8", "-2.5"])],
                               rtol=1e-14)
    assert at.query_params["sm_logits"] == "4.1, 2.3, 0.6, -0.8, -2.5"


def test_every_preset_renders_with_probabilities_matching_mpmath():
    at = open_page(PAGE)
    _answer_all(at)
    for i, preset in enumerate(PRESETS):
        at.button(key=f"sm_preset_{i}").click().run()
        assert not at.exception and not at.error, preset.label
        assert at.text_input(key=BOX).value == preset.logits
        z = [v.strip() for v in preset.logits.split(",")]
        np.testing.assert_allclose(_bars(at)[1], [float(p) for p in mp_softmax(z)], rtol=1e-14, atol=1e-300)
        assert len(figures(at)) == 3


def test_url_round_trip():
    query = {"sm_logits": "3, 1, -2", "sm_names": "yes, maybe, no", "sm_t": "0.25"}
    at = open_page(PAGE, query)
    assert at.text_input(key=BOX).value == "3, 1, -2"
    assert at.text_input(key="sm_names").value == "yes, maybe, no"
    assert at.select_slider(key="sm_t").value == 0.25
    assert not at.info
    assert dict(at.query_params) == query
    np.testing.assert_allclose(_bars(at)[1], [float(p) for p in mp_softmax([3, 1, -2], "0.25")], rtol=1e-14)
    at.select_slider(key="sm_t").set_value(40.0).run()
    at.text_input(key=BOX).set_value("1; 2; 3; 4").run()
    assert at.query_params["sm_t"] == "40.0" and at.query_params["sm_logits"] == "1; 2; 3; 4"
    at.select_slider(key="sm_t").set_value(1.0).run()
    assert "sm_t" not in at.query_params  # the default is left out of the link


def test_a_temperature_between_steps_snaps_to_the_nearest_with_a_notice():
    at = open_page(PAGE, {"sm_t": "0.37"})
    assert at.select_slider(key="sm_t").value == 0.4
    assert "`sm_t` (0.37 is between the slider's steps" in at.info[0].value


@pytest.mark.parametrize("junk", JUNK, ids=range(len(JUNK)))
def test_junk_in_every_parameter_falls_back_with_one_notice(junk):
    at = open_page(PAGE, {key: junk for key in PARAM_KEYS})
    assert len(at.info) == 1, [i.value for i in at.info]  # one link, one notice
    notice = at.info[0].value
    expected = [k for k in PARAM_KEYS if not (k == "sm_names" and junk == "")]  # "" = no names: valid
    assert all(f"`{key}`" in notice for key in expected), notice
    assert at.text_input(key=BOX).value == "2.0, 1.0, 0.1"
    assert at.text_input(key="sm_names").value == ""
    assert at.select_slider(key="sm_t").value == 1.0
    assert len(figures(at)) == 2 and not at.error  # bars and Jacobian; the sweep waits for its questions


def test_a_link_with_logits_that_do_not_parse_and_a_t_that_is_not_a_number_gives_one_notice():
    """Two checks see this link (the URL's types, then the logits' own grammar): one notice names
    both parameters and says what is shown instead."""
    at = open_page(PAGE, {"sm_logits": "1, two, 3", "sm_t": "warm"})
    assert len(at.info) == 1
    notice = at.info[0].value.replace("\\", "")
    assert "`sm_logits` (entry 2" in notice and "the default logits are shown" in notice
    assert "`sm_t` ('warm' is not a number), so the default is shown" in notice
    assert at.select_slider(key="sm_t").value == 1.0 and at.text_input(key=BOX).value == "2.0, 1.0, 0.1"


def test_bad_logits_show_an_error_and_keep_the_last_good_state():
    at = open_page(PAGE)
    at.text_input(key=BOX).set_value("3, 0, -1").run()
    good_figs, good_metrics = figures(at), _metrics(at)
    ref = [float(p) for p in mp_softmax([3, 0, -1])]
    np.testing.assert_allclose(_bars(at)[1], ref, rtol=1e-14)
    expected = {"abc": "is not a number", "1,,2": "empty entry", "inf": "not a finite number",
                "x" * 10_000: "10,000 characters long", "5": "at least 2 logits", "1e309": "too large",
                "nan": "not a finite number", "": "enter 2 to 10 numbers", "1, two, 3": "entry 2"}
    for bad in BAD_LOGITS:
        at.text_input(key=BOX).set_value(bad).run()
        assert not at.exception
        assert len(at.error) == 1, bad[:20]
        message = at.error[0].value
        assert expected[bad] in message.replace("\\", "") and "last good logits, `3, 0, -1`" in message
        assert figures(at) == good_figs and _metrics(at) == good_metrics
        assert at.query_params["sm_logits"] == "3, 0, -1"
    at.text_input(key=BOX).set_value("1, 1").run()
    assert not at.error
    np.testing.assert_allclose(_bars(at)[1], [0.5, 0.5], rtol=0)


def test_names_that_do_not_fit_give_a_warning_and_numbered_classes():
    at = open_page(PAGE)
    at.text_input(key="sm_names").set_value("cat, dog").run()
    assert "2 name(s) for 3 logits" in at.warning[0].value.replace("\\", "")
    assert _bars(at)[0] == ["class 1", "class 2", "class 3"]
    at.text_input(key="sm_names").set_value("cat, dog, ![x](http://e.x/y)").run()
    assert "may only use" in at.warning[0].value.replace("\\", "")


def test_huge_logits_naive_overflows_while_stable_is_exact():
    at = open_page(PAGE)
    _answer(at, "sm_q_shift", "No")
    at.button(key="sm_preset_3").click().run()  # 1000, 1001, 1002
    warning = at.warning[0].value
    assert "e^(1000) = inf" in warning and "overflowed to inf" in warning and "NaN" in warning
    tables = [d.value for d in at.dataframe]
    naive = next(t for t in tables if "e^(z/T)" in t.columns)
    stable = next(t for t in tables if "e^((z - max)/T)" in t.columns)
    assert list(naive["p"]) == ["NaN"] * 3 and list(naive["e^(z/T)"]) == ["inf"] * 3
    ref = [float(p) for p in mp_softmax([1000, 1001, 1002])]
    np.testing.assert_allclose(stable["p"].astype(float), ref, rtol=1e-5)  # 6 digits shown
    np.testing.assert_allclose(_bars(at)[1], ref, rtol=1e-15)
    assert not at.error


def test_jacobian_heatmap_is_diag_p_minus_ppt_with_a_symmetric_range():
    at = open_page(PAGE, {"sm_logits": "1, 0.5, -1, 2", "sm_t": "2.0"})
    heat = figures(at)[-1]["data"][0]  # the last chart, whichever questions are answered
    z = plotly_array(heat["z"])
    p = mp_softmax([1, 0.5, -1, 2], 2)
    expected = [[float(p[i] * ((i == j) - p[j])) for j in range(4)] for i in range(4)]
    np.testing.assert_allclose(z, expected, rtol=1e-13, atol=1e-17)
    assert heat["zmin"] == -heat["zmax"] and heat["zmax"] == pytest.approx(np.max(np.abs(expected)))
    stated = re.search(r"Every row sums to 0 \(largest \|row sum\| here: ([0-9.e+-]+)", _text(at))
    assert stated and float(stated.group(1)) < 1e-15  # rounding only
    assert f"The largest entry here is {np.max(np.abs(expected)):.3g}" in _text(at)


def test_questions_reveal_answers_checked_independently():
    at = open_page(PAGE)
    z = [2, 1, "0.1"]
    # T -> 0: one-hot. mpmath at T = 1e-3: the leader's probability exceeds 0.999
    assert float(max(mp_softmax(z, "0.001"))) > 0.999
    _answer(at, "sm_q_cold", "One-hot")
    # doubling every logit = T 1/2 (exactly), not 2: check the gap of the wrong candidates
    assert max(abs(a - b) for a, b in zip(mp_softmax([4, 2, "0.2"]), mp_softmax(z, 2))) > 0.1
    _answer(at, "sm_q_double", "T = 0.5")
    # adding 1000 changes nothing
    _answer(at, "sm_q_shift", "No")
    # T -> infinity: entropy -> log 3
    _answer(at, "sm_q_entropy", "log n")
    rights = [s.value for s in at.success if s.value.startswith("Right")]
    assert len(rights) == 4, [e.value for e in at.error]
    reveal = _text(at)
    assert "T = 0.5: 0.0e+00" in reveal
    assert "The naive formula, though, fails on z + 1000" in reveal
    assert f"ceiling log 3 = {float(mp.log(3)):.6f}" in reveal


def test_a_wrong_prediction_is_marked_with_the_computed_answer():
    at = open_page(PAGE)
    _answer(at, "sm_q_double", "T = 2")
    assert any("the answer is **T = 0.5**" in e.value for e in at.error)


def test_presenter_mode_keeps_the_widgets_and_hides_the_questions():
    """With the questions hidden nothing waits for them: the sweep, its numbers and both formulas'
    tables are drawn at once."""
    at = open_page(PAGE, {"present": "1", "hide": "controls,questions", "sm_t": "2.0"})
    assert at.select_slider(key="sm_t").value == 2.0  # still created, folded in an expander
    assert not at.radio and len(figures(at)) == 3 and len(at.dataframe) == 2
    assert "for the runner-up" in _text(at) and "differ by at most" in _text(at)


def test_presenter_mode_with_questions_reveals_without_a_choice():
    """The class answers aloud: the teacher reveals, and the chart that answers appears."""
    at = open_page(PAGE, {"present": "1"})
    for key in ("sm_q_cold", "sm_q_entropy"):
        at.button(key=f"{key}_reveal").click().run()
    assert len(figures(at)) == 3
    assert any(i.value.startswith("The answer: **One-hot") for i in at.info)


def test_changing_the_logits_after_revealing_updates_the_computed_answer():
    at = open_page(PAGE)
    _answer(at, "sm_q_cold", "One-hot")
    at.text_input(key=BOX).set_value("5, 4.99").run()  # a gap of 0.01: T must drop to 5e-4
    assert not at.exception
    assert "For the logits 5, 4.99" in at.radio(key="sm_q_cold_shown").label  # the committed question shows the pick
    cold = mp_softmax([5, "4.99"], "0.0005")
    assert f"At T = 0.0005 the largest probability is **{float(cold[0]):.6f}**" in _text(at)


def test_tied_logits_ask_about_the_textbook_example_and_say_so():
    at = open_page(PAGE, {"sm_logits": "1.5, 1.5, 0.5, -1.0"})
    assert any("tie for the top place" in c.value for c in at.caption)
    _answer(at, "sm_q_cold", "One-hot")
    assert "other class gets exactly 0 in float64" in _text(at)  # e^-900 at T = 1e-3 underflows
    assert any(s.value.startswith("Right") for s in at.success)
    assert _metrics(at)["Argmax class"] == "class 1 = class 2 (tie)"
