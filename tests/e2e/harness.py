"""A real `streamlit run` server and the browser settings shared by the browser tests and the
class-load script (bench/load_class.py)."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PAGES = ("", "curves", "choosing", "softmax_temperature", "vanishing_gradients", "dead_neurons_lab",
         "your_activation")  # URL paths; "" is the landing page


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


def commit_answer(app, key: str, option: str) -> None:
    """Choose ``option`` in question ``key`` and press its "Commit and reveal", as a student does
    (``app`` is a tests.e2e.conftest.AppPage; Streamlit keeps a hidden twin of a button with help
    text, hence :visible)."""
    page = app.page
    page.locator(f".st-key-{key}_choice").get_by_text(option, exact=True).click()
    app.wait_idle()
    page.locator(f".st-key-{key}_reveal button:visible").click()
    app.wait_idle()
    app.assert_healthy()


def lab_step(page) -> int:
    """The step counter the live lab shows (its first run's, in side-by-side mode)."""
    text = page.locator('.run [data-number="step"] .big').first.inner_text()  # Playwright looks inside shadow roots
    return int(text.replace(",", ""))


def float64_text(x) -> str:
    """float64 values as base64 of their little-endian bytes: exact, NaN and infinities included."""
    return base64.b64encode(np.asarray(x, "<f8").tobytes()).decode("ascii")


def float64_array(text: str) -> np.ndarray:
    """The inverse of float64_text (the page's window.FLOAT64.encode)."""
    return np.frombuffer(base64.b64decode(text), "<f8").copy()


_FLOAT64_JS = """window.FLOAT64 = {
  decode: (b64) => {
    const bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Float64Array(bytes.buffer);
  },
  encode: (arr) => {
    const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
    let bin = "";
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(bin);
  },
}"""


def module_tab(browser, source: str):
    """A blank tab with ``source`` imported as one ES module into ``window.LAB`` and float64 arrays'
    base64 codec as ``window.FLOAT64`` (see float64_text); fails on a page error."""
    tab = browser.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda err: errors.append(str(err)))
    tab.evaluate(
        """async src => {
            const bytes = new TextEncoder().encode(src);
            let bin = "";
            for (const b of bytes) bin += String.fromCharCode(b);
            window.LAB = await import("data:text/javascript;base64," + btoa(bin));
        }""",
        source,
    )
    tab.evaluate(_FLOAT64_JS)
    assert not errors, errors
    return tab


def wait_for_lab_step(page, above: int, timeout_ms: float = 20_000) -> int:
    """Wait until the lab's step counter (its first run's) passes ``above``; return it."""
    page.wait_for_function(
        """above => [...document.querySelectorAll('*')].some(e => e.shadowRoot && Number((e.shadowRoot
             .querySelector('.run [data-number="step"] .big') || {textContent: '0'}).textContent
             .replace(/,/g, '')) > above)""", arg=above, timeout=timeout_ms)
    return lab_step(page)


def open_lab_settings(page) -> None:
    """Unfold the lab's settings panel (folded so that the lab fits one screen)."""
    page.get_by_text("Settings: data, network, training").click()
    page.locator('[data-testid="stSlider"]').filter(has_text="Neurons per layer").wait_for()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run app.py` on a port, with the production config; its output goes to a log file."""

    def __init__(self, port: int | None = None, log: Path | None = None, extra_args: tuple[str, ...] = (),
                 root: Path = ROOT):
        self.root = root  # another checkout of the app, e.g. an earlier commit as a benchmark's baseline
        self.extra_args = extra_args  # e.g. ("--server.disconnectedSessionTTL", "5") for a quicker memory check
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log or Path(os.environ.get("TMPDIR", "/tmp")) / f"streamlit-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "Server":
        """Start and wait for the health check."""
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                 "--server.port", str(self.port), "--server.address", "127.0.0.1", *self.extra_args],
                cwd=self.root, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"streamlit did not start:\n{self.output()}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def _tracebacks(self, since: int = 0) -> list[str]:
        """Each exception the server logged after character ``since`` of the log, as its traceback
        text (chained ones as one)."""
        text = self.output()[since:].replace("another exception occurred:\n\nTraceback", "another exception occurred: Traceback")
        return text.split("Traceback (most recent call last):")[1:]

    def tracebacks(self, since: int = 0) -> list[str]:
        """The last line of each traceback that passes through the app's own code (app.py,
        app_pages/, ui/, activations_core/)."""
        ours = ("app.py", "/app_pages/", "/ui/", "/activations_core/")
        return [b.strip().splitlines()[-1] for b in self._tracebacks(since) if any(o in b for o in ours)]

    def framework_tracebacks(self, since: int = 0) -> int:
        """How many tracebacks come from Streamlit's server alone, e.g. a websocket closed during its
        handshake when a tab goes away at once."""
        return len(self._tracebacks(since)) - len(self.tracebacks(since))

    def rss_mib(self) -> float:
        """The server's resident memory now, from /proc."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        return kib / 1024

    def cpu_seconds(self) -> float:
        """User + system CPU time the server has used so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
