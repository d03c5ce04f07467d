"""Frames per second of the live lab in headless Chromium: the browser-side lab against the server-side one it replaced.

Run:  python3 bench/lab_fps.py [--seconds 8] [--repeats 3]   (writes bench/results_lab_fps.md)

A frame is a change of the step counter the student sees, counted in the page on every animation
frame. The baseline is the same measurement of the previous lab (trained on the server, one
rerun per frame), run from commit BASELINE_COMMIT in a temporary checkout in the same run, so
the ratios hold on another machine. Chromium draws in software here (--disable-gpu) and shares
the machine's 2 cores with the server. The lab's speed menu stays at its default (30 steps per
frame); the server's CPU time during the counting is reported too.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, IDLE, Server  # noqa: E402

BASELINE_COMMIT = "0ea2637"  # the last commit whose lab trained on the server
CASES = {
    "default network (2-16-16-1 ReLU, circles, 400 points)": "",
    "side by side: ReLU and Leaky ReLU at learning rate 4": "&lab_compare=leaky_relu&lab_lr=4",
    "presenter mode, default network": "&present=1",
}
# The step counter: the new lab's (inside its component's shadow root) or the old lab's metric.
COUNT_FRAMES = """(seconds) => new Promise(done => {
  const find = () => {
    const old = document.querySelector('[data-testid="stMetricValue"]');
    if (old) return old;
    for (const host of document.querySelectorAll('*')) {
      const el = host.shadowRoot && host.shadowRoot.querySelector('.run [data-number="step"] .big');
      if (el) return el;
    }
    return null;
  };
  let el = find(), last = null, changes = -1, first = null;
  const start = performance.now();
  const tick = () => {
    if (!el || !el.isConnected) el = find();
    const value = el ? el.innerText : null;
    if (first === null) first = value;
    if (value !== last) { changes += 1; last = value; }
    if (performance.now() - start < seconds * 1000) requestAnimationFrame(tick);
    else done({frames: changes, first, step: value});
  };
  tick();
})"""


def measure(server: Server, query: str, seconds: float) -> tuple[float, float, float]:
    """(frames per second, SGD steps per second shown, server CPU seconds per second) for one fresh tab."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{server.url}/dead_neurons_lab?{query}")
        page.wait_for_selector(IDLE, timeout=60_000)
        page.wait_for_timeout(1500)
        page.get_by_role("button", name="Start", exact=True).click()
        page.wait_for_timeout(1000)
        cpu = server.cpu_seconds()
        seen = page.evaluate(COUNT_FRAMES, seconds)
        cpu = (server.cpu_seconds() - cpu) / seconds
        browser.close()
    steps = (int(seen["step"].replace(",", "")) - int(seen["first"].replace(",", ""))) / seconds
    return seen["frames"] / seconds, steps, cpu


def table(server: Server, max_steps: str, seconds: float, repeats: int) -> dict[str, tuple]:
    rows = {}
    for label, query in CASES.items():
        runs = [measure(server, f"lab_max_steps={max_steps}{query}", seconds) for _ in range(repeats)]
        fps = [f for f, _, _ in runs]
        rows[label] = (statistics.median(fps), min(fps), max(fps), statistics.median(s for _, s, _ in runs),
                       statistics.median(c for _, _, c in runs))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results_lab_fps.md")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as old:
        subprocess.run(f"git -C {ROOT} archive {BASELINE_COMMIT} | tar -x -C {old}", shell=True, check=True)
        for name, root, max_steps in (("server-side lab (baseline)", Path(old), "20000"), ("browser-side lab", ROOT, "50000")):
            server = Server(root=root).start()  # (the old lab's "stop after" went up to 20,000)
            try:
                results[name] = table(server, max_steps, args.seconds, args.repeats)
            finally:
                server.stop()
    base = results["server-side lab (baseline)"]
    lines = []
    for name, rows in results.items():
        for label, (fps, low, high, steps, cpu) in rows.items():
            lines.append(f"| {name} | {label} | {fps:.1f} ({low:.1f}-{high:.1f}) | {fps / base[label][0]:.1f} | "
                         f"{steps:,.0f} | {cpu:.2f} |")
    text = (f"# The live lab in the browser\n\n`python3 bench/lab_fps.py`: {args.repeats} fresh tabs per case, "
            f"{args.seconds:g} s each, headless Chromium (software drawing) and the server on the same 2 cores; "
            f"the baseline is the server-side lab of commit {BASELINE_COMMIT}, measured in the same run.\n\n"
            "| lab | case | frames per second, median (range) | ratio to baseline | SGD steps per second shown "
            "| server CPU, cores |\n| --- | --- | ---: | ---: | ---: | ---: |\n" + "\n".join(lines) + "\n")
    print(text)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
