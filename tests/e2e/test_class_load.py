"""A small class at once (the full 30-session run is bench/load_class.py): five sessions over every
page, one training the lab, see no exception and every page drawn."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.load_class import measure_class

pytestmark = pytest.mark.e2e


def test_five_sessions_at_once_see_every_page_and_no_exception(server):
    with ThreadPoolExecutor(1) as pool:  # its own event loop, away from the sync Playwright fixture's
        report = pool.submit(asyncio.run, measure_class(server, sessions=5, seconds=15, browsers=2)).result()
    assert not report.problems, report.problems
    # every session drew its first page; the five start on five different pages, the lab among them
    assert len({page for page, _ in report.renders}) >= 5 and "dead_neurons_lab" in dict(report.renders)
    assert report.lab_steps and min(report.lab_steps) > 0  # the lab trained while the others browsed
