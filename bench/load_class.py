"""A class of students on one server: N browser sessions at once, a third training the live lab.

Run:  python3 bench/load_class.py [--sessions 30] [--seconds 60] [--browsers 3] [--out bench/results_load.md]

Starts `streamlit run app.py` with the repository's production config, opens N sessions in headless
Chromium (several contexts per browser; browsers and server share this machine's 2 cores, so the
figures are pessimistic for a real class whose browsers run on their own laptops), and for a bounded
time lets a third of them train the dead-neuron lab while the others open every page in turn by the
sidebar and move a slider on each. It measures each page render (link or click to the script
finished and every chart drawn), the frames per second the lab sessions see, the server's memory
(warm, at peak, after every tab closed and the server's disconnected-session time has passed) and
counts exceptions (on the pages, in the browsers' consoles and in the server log).

``measure_class(...)`` is also used by the smaller browser test (tests/e2e/test_class_load.py).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.lab_fps import COUNT_FRAMES  # noqa: E402  (the lab's step counter, frame by frame)
from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, PAGES, Server  # noqa: E402

LAB = "dead_neurons_lab"
# Done = the script finished, the title is drawn and every Plotly chart has drawn its SVG.
DRAWN = """(before) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const title = document.querySelector('[data-testid="stMain"] h1');
  if (!app || app.dataset.testScriptState !== 'notRunning' || !title || title.innerText === before) return false;
  return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'));
}"""
@dataclass
class ClassReport:
    sessions: int
    seconds: float
    renders: list[tuple[str, float]] = field(default_factory=list)  # (page, seconds)
    reruns: list[tuple[str, float]] = field(default_factory=list)  # (page, seconds) after a slider move
    lab_fps: list[float] = field(default_factory=list)
    lab_steps: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # exceptions and console errors, any source
    memory_mib: dict[str, float] = field(default_factory=dict)
    timeouts: int = 0
    server_cores: float = float("nan")  # the server's CPU time over wall time while the class worked
    framework_tracebacks: int = 0  # logged by Streamlit's own server code, not raised by the app

    def slowest(self, kind: str = "renders") -> tuple[str, float]:
        return max(getattr(self, kind), key=lambda r: r[1], default=("-", float("nan")))


async def _drawn(page, before: str | None, timeout_ms: float) -> None:
    await page.wait_for_function(DRAWN, arg=before, timeout=timeout_ms, polling=50)


def _watch(page, report: ClassReport, who: str) -> None:
    page.on("pageerror", lambda err: report.problems.append(f"{who}: page error {err}"))
    page.on("console", lambda msg: msg.type == "error" and "404" not in msg.text
            and "Failed to load resource" not in msg.text
            and report.problems.append(f"{who}: console {msg.text[:200]}"))


async def _lab_student(browser, url: str, who: str, until: float, report: ClassReport, timeout_ms: float):
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(timeout_ms)
    page = await context.new_page()
    _watch(page, report, who)
    try:
        start = time.monotonic()
        await page.goto(f"{url}/{LAB}?lab_max_steps=50000", timeout=timeout_ms)
        await _drawn(page, None, timeout_ms)
        report.renders.append((LAB, time.monotonic() - start))
        await page.get_by_role("button", name="Start", exact=True).click()
        await page.wait_for_timeout(1500)  # the first frames, then count for the rest of the time
        seconds = max(2.0, until - time.monotonic())
        seen = await page.evaluate(COUNT_FRAMES, seconds)
        report.lab_fps.append(max(seen["frames"], 0) / seconds)
        report.lab_steps.append(int((seen["step"] or "0").replace(",", "")))
        await _count_exceptions(page, report, who)
    except Exception as err:  # noqa: BLE001 - a timeout is a finding, not a crash of the script
        report.timeouts += 1
        report.problems.append(f"{who}: {type(err).__name__} {str(err)[:200]}")
    finally:
        await context.close()


async def _browsing_student(browser, url: str, who: str, first: int, until: float, report: ClassReport,
                            timeout_ms: float):
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(timeout_ms)
    page = await context.new_page()
    _watch(page, report, who)
    try:
        path = PAGES[first % len(PAGES)]
        start = time.monotonic()
        await page.goto(f"{url}/{path}", timeout=timeout_ms)
        await _drawn(page, None, timeout_ms)
        report.renders.append((path or "why_nonlinearity", time.monotonic() - start))
        k = first
        while time.monotonic() < until:
            thumb = page.locator('[data-testid="stMain"] [data-testid="stSlider"] input[type="range"] >> visible=true').first
            if await thumb.count():
                before_url = page.url
                start = time.monotonic()
                await thumb.focus()
                await thumb.press("ArrowRight")
                await page.wait_for_function("(u) => location.href !== u", arg=before_url, timeout=timeout_ms)
                await _drawn(page, None, timeout_ms)
                report.reruns.append((path or "why_nonlinearity", time.monotonic() - start))
            await _count_exceptions(page, report, who)
            k += 1
            path = PAGES[k % len(PAGES)]
            title = await page.locator('[data-testid="stMain"] h1').first.inner_text()
            start = time.monotonic()
            await page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').first.click()
            await _drawn(page, title, timeout_ms)
            report.renders.append((path or "why_nonlinearity", time.monotonic() - start))
        await _count_exceptions(page, report, who)
    except Exception as err:  # noqa: BLE001
        report.timeouts += 1
        report.problems.append(f"{who}: {type(err).__name__} {str(err)[:200]}")
    finally:
        await context.close()


async def _count_exceptions(page, report: ClassReport, who: str) -> None:
    shown = page.locator('[data-testid="stException"]')
    if n := await shown.count():
        report.problems.append(f"{who}: {n} exception(s) on {page.url}: {(await shown.first.inner_text())[:200]}")


async def _sample_memory(server: Server, peak: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        peak.append(server.rss_mib())
        try:
            await asyncio.wait_for(stop.wait(), 0.25)
        except TimeoutError:
            pass


def niced_chromium(niceness: int) -> str:
    """A Chromium launcher at lower CPU priority than the server (students' browsers run on their own
    laptops in class; here they share the server's 2 cores, and without this they starve it)."""
    if not niceness:
        return CHROMIUM
    launcher = Path(tempfile.mkdtemp()) / "chromium"
    launcher.write_text(f'#!/bin/sh\nexec nice -n {int(niceness)} {CHROMIUM} "$@"\n')
    launcher.chmod(0o755)
    return str(launcher)


async def measure_class(server: Server, sessions: int, seconds: float, browsers: int = 3,
                        settle: float = 0.0, ramp: float = 15.0, timeout_s: float = 120.0,
                        browser_niceness: int = 0) -> ClassReport:
    """Run the class against a started server: sessions arrive over ``ramp`` seconds and work until
    ``seconds`` after the first arrived; ``settle``: seconds to wait after every tab closed before
    the "after" memory reading (the server keeps a closed tab's session for
    server.disconnectedSessionTTL, 120 s by default, in case it reconnects)."""
    from playwright.async_api import async_playwright

    report = ClassReport(sessions, seconds)
    log_start = len(server.output())
    report.memory_mib["warm"] = server.rss_mib()
    peak: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_memory(server, peak, stop))
    async with async_playwright() as pw:
        executable = niced_chromium(browser_niceness)
        opened = [await pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
                  for _ in range(browsers)]
        labs = sessions // 3
        until = time.monotonic() + seconds
        cpu_start, wall_start = server.cpu_seconds(), time.monotonic()
        tasks = []
        for i in range(sessions):
            browser = opened[i % browsers]
            who = f"student {i + 1}"
            await asyncio.sleep(ramp / sessions)  # the link arrives: everyone opens it within `ramp` seconds
            if i % 3 == 2 and labs:
                tasks.append(_lab_student(browser, server.url, who, until, report, timeout_s * 1000))
                labs -= 1
            else:
                tasks.append(_browsing_student(browser, server.url, who, i, until, report, timeout_s * 1000))
            tasks[-1] = asyncio.create_task(tasks[-1])
        await asyncio.gather(*tasks)
        report.server_cores = (server.cpu_seconds() - cpu_start) / (time.monotonic() - wall_start)
        for b in opened[1:]:
            await b.close()
        report.memory_mib["after close"] = server.rss_mib()
        if settle:
            await asyncio.sleep(settle)
            # Closed tabs' sessions wait in a TTL cache that only drops expired entries when it is
            # written to: one more tab opened and closed stores its session and so drops them.
            context = await opened[0].new_context()
            page = await context.new_page()
            await page.goto(server.url, timeout=timeout_s * 1000)
            await _drawn(page, None, timeout_s * 1000)
            await context.close()
            await asyncio.sleep(2)
            report.memory_mib[f"after {settle:g} s"] = server.rss_mib()
        await opened[0].close()
    stop.set()
    await sampler
    report.memory_mib["peak"] = max(peak)
    report.problems += [f"server log: {line}" for line in server.tracebacks(log_start)]
    report.framework_tracebacks = server.framework_tracebacks(log_start)
    return report


def warm_up(server: Server) -> None:
    """One visit to every page, so imports and caches are loaded before 'warm' memory is read."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        for path in PAGES:
            page.goto(f"{server.url}/{path}")
            page.wait_for_function(DRAWN, arg=None, timeout=90_000, polling=100)
        browser.close()


def markdown(report: ClassReport, fresh_mib: float) -> str:
    renders = [t for _, t in report.renders]
    reruns = [t for _, t in report.reruns]
    page, slowest = report.slowest("renders")
    rerun_page, slowest_rerun = report.slowest("reruns")
    fps = report.lab_fps or [float("nan")]
    m = report.memory_mib
    settle = next((k for k in m if k.startswith("after ") and k != "after close"), None)
    lines = [
        f"| sessions at once | {report.sessions} ({len(report.lab_fps)} training the lab) for {report.seconds:g} s |",
        f"| page renders (link or sidebar click to every chart drawn) | {len(renders)}: median "
        f"{statistics.median(renders):.2f} s, slowest {slowest:.2f} s ({page}) |" if renders else "| page renders | none |",
        f"| slider moves (key press to every chart redrawn) | {len(reruns)}: median {statistics.median(reruns):.2f} s, "
        f"slowest {slowest_rerun:.2f} s ({rerun_page}) |" if reruns else "| slider moves | none |",
        f"| lab frames per second per session | median {statistics.median(fps):.1f}, lowest {min(fps):.1f}, "
        f"highest {max(fps):.1f} |",
        f"| server memory (MiB) | fresh {fresh_mib:.0f}, warm {m['warm']:.0f}, peak {m['peak']:.0f}, "
        f"all tabs closed {m['after close']:.0f}" + (f", {settle} {m[settle]:.0f}" if settle else "") + " |",
        f"| server CPU while the class worked | {report.server_cores:.2f} cores (the rest went to the browsers) |",
        f"| exceptions, console errors, timeouts | {len(report.problems)} ({report.timeouts} timeouts) |",
        f"| tracebacks logged by Streamlit's server code (not the app) | {report.framework_tracebacks} |",
    ]
    return "| measured | result |\n| --- | --- |\n" + "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--browsers", type=int, default=3)
    parser.add_argument("--ramp", type=float, default=15, help="seconds over which the sessions arrive")
    parser.add_argument("--settle", type=float, default=130, help="seconds after closing before 'after'")
    parser.add_argument("--nice", type=int, default=10, help="the browsers' CPU niceness (0: same as the server)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="classes one after another: memory after each shows whether sessions leak")
    parser.add_argument("--session-ttl", type=int, default=None,
                        help="override server.disconnectedSessionTTL (default 120 s) to check memory in quicker rounds")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results_load.md")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing (Debian's chromium package)")
    ttl = ("--server.disconnectedSessionTTL", str(args.session_ttl)) if args.session_ttl is not None else ()
    server = Server(extra_args=ttl).start()
    try:
        fresh = server.rss_mib()
        warm_up(server)
        reports = []
        for i in range(args.rounds):
            reports.append(asyncio.run(measure_class(server, args.sessions, args.seconds, args.browsers, args.settle,
                                                     args.ramp, browser_niceness=args.nice)))
            print(f"round {i + 1}: memory (MiB) {reports[-1].memory_mib}", flush=True)
    finally:
        server.stop()
    text = (f"# A class on one server\n\n`python3 bench/load_class.py --sessions {args.sessions} --seconds "
            f"{args.seconds:g} --rounds {args.rounds}`: one `streamlit run` with the production config, "
            f"{args.browsers} headless Chromium browsers with several contexts each, on the same 2 cores as the "
            f"server (browsers at niceness {args.nice}); the sessions arrive over {args.ramp:g} s. Each round is a "
            "new class on the same server.\n")
    for i, report in enumerate(reports, start=1):
        text += f"\n## Round {i}\n\n" + markdown(report, fresh)
        if report.problems:
            text += "\nProblems seen:\n\n" + "\n".join(f"- {p}" for p in report.problems[:20]) + "\n"
    print(text)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
