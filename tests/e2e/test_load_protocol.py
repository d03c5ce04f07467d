"""Four students speaking Streamlit's websocket protocol at once (the full lecture hall is
bench/load_protocol.py): every kind of action happens, no page shows an exception, and what the
students change changes what they see."""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.load_class import LAB
from bench.load_protocol import KINDS, LoadReport, Tab, measure_protocol_class

pytestmark = pytest.mark.e2e


def _in_own_loop(coroutine):
    with ThreadPoolExecutor(1) as pool:  # its own event loop, away from the sync Playwright fixture's
        return pool.submit(asyncio.run, coroutine).result()


def test_four_protocol_sessions_open_switch_change_and_use_the_lab_without_errors(server):
    report = _in_own_loop(measure_protocol_class(server, browsing=2, lab=2, seconds=10, seed=3,
                                                 think=(0.5, 1.5), ramp=1))
    assert not report.errors, report.errors
    assert not report.timeouts, report.timeouts
    assert {s.kind for s in report.samples} == set(KINDS)
    # every page a student opened or switched to was drawn, none with an exception
    shown = {s.page for s in report.samples if s.kind in ("page open", "page switch")}
    assert LAB in shown and shown <= set(report.pages_drawn)
    # a slider drives the data: every move redrew the page with other content (a select box or radio
    # may only arm a button, e.g. a quiz answered again before it is committed)
    moves = [changed for widget, _, changed in report.widget_changes if widget in ("slider", "select_slider")]
    assert moves and all(moves), report.widget_changes
    # the lab read back every sync the students' "browsers" sent
    assert report.syncs_read and all(report.syncs_read)


def test_the_lab_refuses_a_sync_that_does_not_fit_its_runs_with_a_warning(server):
    async def sync_twice() -> list[list[str]]:
        report = LoadReport(0, 1, 0)
        async with Tab(server.port, "lab student", report, timeout=60, until=time.monotonic() + 60) as tab:
            await tab.open(LAB)
            shown = []
            for runs in ([], None):  # no runs at all, then the runs at step 0 as the lab's Reset sends them
                run = await tab.lab_sync(runs)
                shown.append([e.body for kind, e in run.elements.values() if kind == "alert"])
        assert not report.errors, report.errors
        return shown

    refused, accepted = _in_own_loop(sync_twice())
    assert any("could not be read back" in text for text in refused), refused
    assert not any("could not be read back" in text for text in accepted), accepted
