"""A real `streamlit run` server and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url():
    """Start the app on a free port, wait for its health check, stop it afterwards."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"streamlit did not start:\n{out}")
        time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


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
        idle = '[data-testid="stApp"][data-test-script-state="notRunning"]'
        self.page.wait_for_selector(idle, timeout=timeout)
        self.page.wait_for_timeout(300)  # a rerun triggered by the last event may start late
        self.page.wait_for_selector(idle, timeout=timeout)

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
