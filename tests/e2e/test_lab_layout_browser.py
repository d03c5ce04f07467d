"""The lab on one screen: a teacher's projector, a laptop and a phone, measured by bounding boxes.

One click on a lesson loads and starts it; then, without scrolling, the lesson buttons,
Start/Pause/Step/Reset, the decision boundary, the neuron maps and the curves of every run shown
are inside the viewport (1280x720 in presenter mode, 1366x768 normal). On a 390x844 phone the
Start button sits right above the boundary.
"""

import pytest

from tests.e2e.harness import AppPage
from tests.e2e.harness import lab_step, wait_for_lab_step

pytestmark = pytest.mark.e2e

LESSON_BUTTONS = ("Healthy", "Learning rate too high", "Negative biases · ELU", "Negative biases · batch norm",
                  "Large weights · He init")


def _open_lesson(browser, server, size, query, lesson):
    context = browser.new_context(viewport=dict(zip(("width", "height"), size)))
    app = AppPage(context.new_page(), server.url)
    app.goto(f"dead_neurons_lab{query}")
    app.page.get_by_role("button", name=lesson, exact=True).click()
    wait_for_lab_step(app.page, 0, timeout_ms=30_000)  # one click, and it trains
    app.wait_idle()
    assert app.page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollTop") == 0
    return context, app


def _boxes(app, lesson_names):
    page = app.page
    boxes = {f"lesson {name}": page.get_by_role("button", name=name, exact=True).bounding_box() for name in lesson_names}
    for name in ("Start", "Pause"):
        button = page.get_by_role("button", name=name, exact=True)
        if button.count():
            boxes[name] = button.bounding_box()
    boxes["Step"] = page.get_by_role("button", name="Step ×10").bounding_box()
    boxes["Reset"] = page.get_by_role("button", name="Reset", exact=True).bounding_box()
    runs = page.locator(".run")
    for i in range(runs.count()):
        for part in ("boundary", "neurons", "curves"):
            boxes[f"run {i + 1} {part}"] = runs.nth(i).locator(f".{part}").bounding_box()
    return boxes


@pytest.mark.parametrize("size, query, lesson", [
    ((1280, 720), "?present=1", "Learning rate too high"),  # a projector, the fix side by side
    ((1280, 720), "?present=1", "Healthy"),
    ((1366, 768), "", "Negative biases · batch norm"),
    ((1366, 768), "", "Healthy"),
])
def test_the_lab_fits_one_screen(browser, server, size, query, lesson):
    context, app = _open_lesson(browser, server, size, query, lesson)
    try:
        width, height = size
        boxes = _boxes(app, LESSON_BUTTONS)
        assert sum(k.startswith("run") for k in boxes) == (6 if lesson != "Healthy" else 3)
        outside = {k: b for k, b in boxes.items()
                   if b is None or b["y"] < 0 or b["y"] + b["height"] > height or b["x"] + b["width"] > width}
        assert not outside, outside
        app.assert_healthy()
    finally:
        context.close()


def test_on_a_phone_start_sits_right_above_the_boundary(browser, server):
    context, app = _open_lesson(browser, server, (390, 844), "", "Healthy")
    try:
        start = app.page.locator(".bar button.primary").bounding_box()
        boundary = app.page.locator(".run .boundary").first.bounding_box()
        assert start["y"] + start["height"] <= boundary["y"] <= start["y"] + start["height"] + 200
        assert boundary["width"] >= 300  # the phone's width, not a thumbnail
        assert lab_step(app.page) > 0
        app.assert_healthy()
    finally:
        context.close()
