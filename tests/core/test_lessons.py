"""Every sentence of every lesson's caption, checked over the 20 seeds it claims (seeds 0-19)."""

import pytest

from activations_core.lessons import CHECKED_SEEDS, LESSONS
from activations_core.network import neuron_activity


@pytest.fixture(scope="module")
def runs():
    return {key: [lesson.run(seed) for seed in CHECKED_SEEDS] for key, lesson in LESSONS.items()}


@pytest.mark.parametrize("key", list(LESSONS))
def test_each_claim_holds_in_as_many_seeds_as_the_caption_says(runs, key):
    lesson = LESSONS[key]
    for claim in lesson.claims:
        held = sum(lesson.holds(claim, run) for run in runs[key])
        assert held == claim.holds_in, (key, claim.sentence, held)
        assert claim.holds_in >= 18 or "of 20 seeds" in claim.text()  # "usually" is said with the count
    assert all(c.text() + "." in lesson.claims_text() for c in lesson.claims)


@pytest.mark.parametrize("key", [k for k, lesson in LESSONS.items() if lesson.fix])
def test_a_fix_runs_side_by_side_from_the_same_weights_and_data(runs, key):
    run = runs[key][0]
    assert run.fix_end is not None and run.fix_end.step == run.end.step == LESSONS[key].steps
    if LESSONS[key].fix_config(LESSONS[key].config).init == LESSONS[key].config.init:
        for a, b in zip(run.start.weights, run.fix_start.weights):
            assert (a == b).all()  # only the one thing the lesson names differs


def test_the_dead_counts_in_the_captions_are_the_definitions(runs):
    """'dead' in a caption is f'(z) = 0 for every training point: recount one run independently."""
    run = runs["lr_too_high"][3]
    counted = [int(layer.dead.sum()) for layer in neuron_activity(run.end, run.data.X_train)]
    assert sum(counted) / 32 == run.end.history.dead_overall[-1]


def test_each_story_names_the_settings_its_runs_use():
    named = {"lr_too_high": ["learning_rate"], "negative_bias": ["bias_init"], "negative_bias_bn": ["bias_init"],
             "weights_too_large": ["init_scale", "learning_rate"], "healthy": ["learning_rate"]}
    for key, fields in named.items():
        lesson = LESSONS[key]
        for name in fields:
            assert f"{getattr(lesson.config, name):g}" in lesson.story, (key, name)
        fixed = dict(lesson.fix)
        if isinstance(fixed.get("learning_rate"), float):
            assert f"{fixed['learning_rate']:g}" in lesson.story and f"{fixed['learning_rate']:g}" in lesson.fix_title
