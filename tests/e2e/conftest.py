"""A real `streamlit run` server and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, AppPage, Server


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app on a free port for the whole session, stopped afterwards."""
    app = Server(log=tmp_path_factory.mktemp("server") / "streamlit.log")
    try:
        app.start()
    except RuntimeError as err:
        pytest.fail(str(err))
    yield app
    app.stop()


@pytest.fixture(scope="session")
def app_url(server):
    return server.url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def app(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = AppPage(context.new_page(), app_url)
    yield tab
    context.close()
