"""Faults a class produces: a tab closed mid-training, a page switch during a run, two tabs of one
user, a server restart. None may leave a training loop running or show an exception."""

import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import AppPage
from tests.e2e.harness import Server, lab_step

pytestmark = pytest.mark.e2e

LAB = "dead_neurons_lab?lab_max_steps=20000"


def _start_training(app: AppPage) -> None:
    app.goto(LAB)
    app.page.get_by_role("button", name="Start").click()
    deadline = time.monotonic() + 20
    while lab_step(app.page) == 0 and time.monotonic() < deadline:
        app.page.wait_for_timeout(200)
    assert lab_step(app.page) > 0


def _server_cpu_over(server: Server, seconds: float) -> float:
    before = server.cpu_seconds()
    time.sleep(seconds)
    return server.cpu_seconds() - before


def test_closing_a_tab_mid_training_stops_its_training(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    app = AppPage(context.new_page(), server.url)
    _start_training(app)
    training = _server_cpu_over(server, 3)
    assert training > 0.1  # training frames keep the server busy ...
    context.close()
    time.sleep(1)
    assert _server_cpu_over(server, 3) < 0.5 * training  # ... and stop with the tab: no loop left running
    assert not server.tracebacks()


def test_switching_pages_during_a_run_pauses_cleanly_and_comes_back(app, server):
    _start_training(app)
    app.page.locator('[data-testid="stSidebarNav"] a[href$="/curves"]').click()
    expect(app.page.get_by_role("heading", name="Curves and derivatives")).to_be_visible(timeout=30_000)
    app.wait_idle()
    time.sleep(1)
    assert _server_cpu_over(server, 3) < 0.3  # the lab's timer went with its page (a frame loop uses > 1 s)
    app.page.locator('[data-testid="stSidebarNav"] a[href$="/dead_neurons_lab"]').click()
    app.wait_idle()
    assert lab_step(app.page) > 0  # the run is still there
    app.assert_healthy()
    assert not server.tracebacks()


def test_two_tabs_of_one_user_train_independently(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    first, second = (AppPage(context.new_page(), server.url) for _ in range(2))
    _start_training(first)
    _start_training(second)
    first.page.get_by_role("button", name="Pause").click()
    first.wait_idle()
    paused = lab_step(first.page)
    before = lab_step(second.page)
    second.page.wait_for_timeout(2000)
    assert lab_step(first.page) == paused  # pausing one tab ...
    assert lab_step(second.page) > before  # ... leaves the other training
    for tab in (first, second):
        tab.assert_healthy()
    context.close()


def test_a_server_restart_reconnects_to_the_same_view(browser, tmp_path):
    server = Server(log=tmp_path / "streamlit.log").start()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    app = AppPage(context.new_page(), server.url)
    try:
        app.goto("dead_neurons_lab?lab_width=8&lab_max_steps=20000")
        app.page.get_by_role("button", name="Start").click()
        app.page.wait_for_timeout(1000)
        server.stop()
        app.page.wait_for_timeout(1000)
        server.start()  # same port: the open tab reconnects by itself
        expect(app.page.get_by_role("button", name="Start")).to_be_visible(timeout=60_000)
        app.wait_idle()
        app.console_errors.clear()  # Streamlit's own notes while the server was away ("disconnected")
        app.page.wait_for_timeout(1000)
        sliders = app.page.locator('[data-testid="stSlider"]')
        assert "8" in sliders.filter(has_text="Neurons per layer").inner_text()  # the link kept the view
        assert lab_step(app.page) == 0  # a new server starts a new run, paused
        app.assert_healthy()
        assert not server.tracebacks()
    finally:
        context.close()
        server.stop()
