"""How the one server process is tuned to serve a class (call ``tune()`` at the top of every run).

Streamlit runs every session's script in a thread of its own and sends what the scripts draw from
one event-loop thread, all in one process under one GIL (../shared/PLATFORM.md). Two defaults of
that process cost a class dearly; bench/load_protocol.py measures both (README, "A lecture hall").

- The GIL switch interval. A thread that gives the GIL up (to send a message, to look at a file)
  waits for it until the holder lets go, by default up to 5 ms. The event loop gives it up for
  every element it sends, so with a class on the server each page reached the browser seconds late
  while the CPU had room to spare.
- glibc's malloc arenas. Each new thread may get an arena of its own (up to 8 per core), and an
  arena keeps the pages it freed: after a class had left, and its sessions had expired, the
  server's memory stayed about half again above its level before the class, while the Python
  objects alive were the same as before (tracemalloc, after a full collection: 136 MiB both
  times). Two arenas, a fixed threshold above which blocks are mapped on their own (glibc raises
  it as large blocks are freed, after which big arrays come from the arenas and their pages
  stay), and freed memory handed back to the system now and then: 51% above -> 17% above
  (README, "A lecture hall").
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys
import threading
import time

SWITCH_INTERVAL = 0.0005  # seconds; Python's default is 0.005
MALLOC_ARENAS = 2
TRIM_EVERY = 30.0  # seconds between two hand-backs of freed memory (each takes a few ms)
MMAP_THRESHOLD = 128 * 1024  # bytes: larger blocks (big arrays) go straight back to the system
_M_ARENA_MAX, _M_MMAP_THRESHOLD = -8, -3  # glibc's mallopt parameter numbers (malloc.h)

_last_trim = [-TRIM_EVERY]
_trim_lock = threading.Lock()


def tune() -> None:
    """Set the switch interval (every run: it costs nothing), limit malloc arenas (on the first
    run), and hand freed memory back to the system at most every TRIM_EVERY seconds."""
    sys.setswitchinterval(SWITCH_INTERVAL)
    libc = _glibc()
    if libc is None:
        return
    with _trim_lock:
        now = time.monotonic()
        due = now - _last_trim[0] >= TRIM_EVERY
        if due:
            _last_trim[0] = now
    if due:
        libc.malloc_trim(0)


@functools.cache
def _glibc():
    """glibc, with its arenas limited; None where the allocator is another (a laptop on macOS)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    if libc is None or not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None
    libc.mallopt(_M_ARENA_MAX, MALLOC_ARENAS)
    libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    return libc
