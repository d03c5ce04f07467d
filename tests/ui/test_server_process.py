"""The server process's tuning: the GIL is handed over every 0.5 ms, freed memory is handed back to
the system at most every TRIM_EVERY seconds, and a machine without glibc is left as it is."""

from __future__ import annotations

import sys

import pytest

from ui import server_process


class FakeLibc:
    def __init__(self):
        self.trims = 0

    def malloc_trim(self, pad: int) -> int:
        self.trims += 1
        return 1


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(server_process.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(server_process, "_last_trim", [-server_process.TRIM_EVERY])
    return now


def test_the_gil_is_handed_over_every_half_millisecond(monkeypatch):
    calls = []
    monkeypatch.setattr(sys, "setswitchinterval", calls.append)
    server_process.tune()
    assert calls == [0.0005]


def test_freed_memory_is_handed_back_at_most_every_30_seconds(monkeypatch, clock):
    libc = FakeLibc()
    monkeypatch.setattr(server_process, "_glibc", lambda: libc)
    server_process.tune()
    server_process.tune()
    assert libc.trims == 1
    clock[0] += server_process.TRIM_EVERY - 0.1
    server_process.tune()
    assert libc.trims == 1
    clock[0] += 0.1
    server_process.tune()
    assert libc.trims == 2


def test_without_glibc_nothing_is_trimmed(monkeypatch, clock):
    monkeypatch.setattr(server_process, "_glibc", lambda: None)
    server_process.tune()  # no error, nothing to do


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_on_linux_glibc_is_found():
    assert server_process._glibc() is not None
