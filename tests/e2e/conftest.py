"""A real `streamlit run` server and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, IDLE, Server


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


class AppPage:
    """One browser tab on the app that records console errors and checks for exceptions."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda err: self.console_errors.append(f"pageerror: {err}"))

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        text = msg.text
        # Streamlit probes <page>/_stcore/... before falling back to the root: a 404 by design.
        if "404" in text or "Failed to load resource" in text:
            return
        self.console_errors.append(text)

    def goto(self, path: str = "") -> None:
        self.page.goto(f"{self.base_url}/{path}")
        self.wait_idle()

    def wait_idle(self, timeout: float = 60_000) -> None:
        """Wait until the page's title is drawn and the script has finished running."""
        self.page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout)
        self.page.wait_for_selector(IDLE, timeout=timeout)
        self.page.wait_for_timeout(300)  # a rerun triggered by the last event may start late
        self.page.wait_for_selector(IDLE, timeout=timeout)

    def assert_healthy(self) -> None:
        exceptions = self.page.locator('[data-testid="stException"]')
        assert exceptions.count() == 0, exceptions.first.inner_text()
        assert not self.console_errors, self.console_errors


@pytest.fixture
def app(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = AppPage(context.new_page(), app_url)
    yield tab
    context.close()
