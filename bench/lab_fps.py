"""Frames per second of the live lab in headless Chromium, one session on an otherwise idle server.

Run:  python3 bench/lab_fps.py [--seconds 8] [--repeats 3]   (writes bench/results_lab_fps.md)

A frame is a change of the Step metric the student sees (counted in the page on every animation
frame), so it includes the server's training and figure building, the trip over the websocket and
Plotly's redraw in the browser. Chromium draws in software here (--disable-gpu) and shares the
machine's 2 cores with the server.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_class import COUNT_FRAMES, DRAWN  # noqa: E402
from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402

CASES = {
    "default network (2-16-16-1 ReLU, circles, 400 points)": "lab_max_steps=20000",
    "side by side: ReLU and Leaky ReLU at learning rate 4": "lab_max_steps=20000&lab_compare=leaky_relu&lab_lr=4",
    "presenter mode, default network": "lab_max_steps=20000&present=1",
}


def measure(url: str, query: str, seconds: float) -> tuple[float, float]:
    """(frames per second, SGD steps per second) seen by one fresh tab."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/dead_neurons_lab?{query}")
        page.wait_for_function(DRAWN, arg=None, timeout=60_000)
        page.get_by_role("button", name="Start").click()
        page.wait_for_timeout(1000)
        first = int(page.locator('[data-testid="stMetricValue"]').first.inner_text().replace(",", ""))
        seen = page.evaluate(COUNT_FRAMES, seconds)
        browser.close()
    return seen["frames"] / seconds, (int(seen["step"].replace(",", "")) - first) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results_lab_fps.md")
    args = parser.parse_args()
    server = Server().start()
    rows = []
    try:
        for label, query in CASES.items():
            runs = [measure(server.url, query, args.seconds) for _ in range(args.repeats)]
            fps = [f for f, _ in runs]
            steps = statistics.median(s for _, s in runs)
            rows.append(f"| {label} | {statistics.median(fps):.1f} ({min(fps):.1f}-{max(fps):.1f}) | {steps:,.0f} |")
    finally:
        server.stop()
    text = (f"# The live lab in the browser\n\n`python3 bench/lab_fps.py`: {args.repeats} fresh tabs per case, "
            f"{args.seconds:g} s each, headless Chromium (software drawing) and the server on the same 2 cores. "
            "The page asks for a frame every 0.15 s (at most 6.7 per second).\n\n"
            "| case | frames per second, median (range) | SGD steps per second shown |\n| --- | ---: | ---: |\n"
            + "\n".join(rows) + "\n")
    print(text)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
