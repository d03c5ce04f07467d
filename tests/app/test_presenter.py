"""Presenter mode from a link: enlarged style, chosen parts hidden, controls folded but alive."""

import pytest

from tests.app.helpers import open_page

PAGES = ["why_nonlinearity", "curves", "choosing", "softmax_temperature", "vanishing_gradients",
         "dead_neurons_lab", "your_activation"]
FORMULA = {"fx": "x * sigmoid(x)"}  # the formula page asks its questions once a formula is in use


@pytest.mark.parametrize("page", PAGES)
def test_presenter_link_hides_questions_and_folds_controls(page):
    normal = open_page(page, FORMULA)
    assert any(r.key and r.key.endswith("_choice") for r in normal.radio), "the page asks questions"
    at = open_page(page, {**FORMULA, "present": "1", "hide": "controls,questions"})
    assert at.toggle(key="present").value is True
    assert not any(r.key and r.key.endswith("_choice") for r in at.radio)
    assert any("hidden for presenting" in e.label for e in at.expander)
    assert at.query_params["present"] == "1"


def test_junk_presenter_parameters_fall_back_with_a_notice():
    at = open_page("curves", {"present": "maybe", "hide": "everything"})
    assert at.toggle(key="present").value is False
    assert at.info



def test_presenter_mode_offers_the_students_link_without_presenter_mode():
    at = open_page("softmax_temperature", {"present": "1", "hide": "controls,questions", "sm_t": "2.0"})
    (link,) = [c.value for c in at.sidebar.code]
    assert "present" not in link and "hide" not in link
    assert "sm_t=2.0" in link
