"""Faults a class produces: a tab closed mid-training, a page switch during a run, two tabs of one
user, a server restart. None may leave work running on the server or show an exception; the lab
trains in the browser, so none may lose a run either."""

import time

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import AppPage
from tests.e2e.harness import Server, lab_step, open_lab_settings

pytestmark = pytest.mark.e2e

LAB = "dead_neurons_lab?lab_max_steps=50000"


def _start_training(app: AppPage) -> None:
    app.goto(LAB)
    app.page.get_by_role("button", name="Start", exact=True).click()
    deadline = time.monotonic() + 20
    while lab_step(app.page) == 0 and time.monotonic() < deadline:
        app.page.wait_for_timeout(200)
    assert lab_step(app.page) > 0


def _server_cpu_over(server: Server, seconds: float) -> float:
    before = server.cpu_seconds()
    time.sleep(seconds)
    return server.cpu_seconds() - before


def test_closing_a_tab_mid_training_leaves_the_server_idle(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    app = AppPage(context.new_page(), server.url)
    _start_training(app)
    assert _server_cpu_over(server, 3) < 0.3  # the browser trains: no frame costs the server anything ...
    context.close()
    time.sleep(1)
    assert _server_cpu_over(server, 3) < 0.3  # ... and a closed tab leaves nothing behind
    assert not server.tracebacks()


def test_switching_pages_during_a_run_comes_back_to_the_same_run(app, server):
    _start_training(app)
    app.page.locator('[data-testid="stSidebarNav"] a[href$="/curves"]').click()
    expect(app.page.get_by_role("heading", name="Curves and derivatives")).to_be_visible(timeout=30_000)
    app.wait_idle()
    assert _server_cpu_over(server, 2) < 0.3
    app.page.locator('[data-testid="stSidebarNav"] a[href$="/dead_neurons_lab"]').click()
    app.wait_idle()
    assert lab_step(app.page) > 0  # the run is still there, not back at step 0
    app.assert_healthy()
    assert not server.tracebacks()


def test_two_tabs_of_one_user_train_independently(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    first, second = (AppPage(context.new_page(), server.url) for _ in range(2))
    _start_training(first)
    _start_training(second)
    first.page.get_by_role("button", name="Pause", exact=True).click()
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
        app.goto("dead_neurons_lab?lab_width=8&lab_max_steps=50000")
        app.page.get_by_role("button", name="Start", exact=True).click()
        app.page.wait_for_timeout(1000)
        server.stop()
        before = lab_step(app.page)
        app.page.wait_for_timeout(1000)
        assert lab_step(app.page) > before  # the browser keeps training while the server is away
        server.start()  # same port: the open tab reconnects by itself
        expect(app.page.get_by_role("button", name="Pause", exact=True)).to_be_visible(timeout=60_000)
        app.wait_idle()
        app.console_errors.clear()  # Streamlit's own notes while the server was away ("disconnected")
        app.page.wait_for_timeout(1000)
        open_lab_settings(app.page)
        sliders = app.page.locator('[data-testid="stSlider"]')
        assert "8" in sliders.filter(has_text="Neurons per layer").inner_text()  # the link kept the view
        app.page.get_by_role("button", name="Pause", exact=True).click()  # the new session takes the run
        app.wait_idle()
        app.page.get_by_text("Data behind the charts").click()
        expect(app.page.get_by_text(f"at step {lab_step(app.page):,}:")).to_be_visible(timeout=20_000)
        app.assert_healthy()
        assert not server.tracebacks()
    finally:
        context.close()
        server.stop()
