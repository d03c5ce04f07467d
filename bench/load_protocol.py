"""A lecture hall without browsers: N students speaking Streamlit's websocket protocol to one server.

Run:  python3 bench/load_protocol.py [--sessions 100] [--lab-sessions 20] [--seconds 60] [--seed 1]
      [--think 2 5] [--commit SHA] [--baseline SHA]          (writes bench/results_load_protocol.md)

bench/load_class.py drives real Chromium browsers on the server's own 2 cores, so what it measures is
mostly the browsers. This script replaces each browser tab by one websocket session in a single
asyncio process (``ws://HOST:PORT/_stcore/stream``, subprotocol ``streamlit``, ``BackMsg`` protobufs up
and ``ForwardMsg`` down, as the browser's own client sends them), so the server is the bottleneck.

Each simulated student arrives within the first ``--ramp`` seconds and works until ``--seconds`` after
the first one arrived, waiting a random think time (``--think``, seeded) between actions:

- a browsing student opens a page by its URL, moves one to three sliders, select sliders, select
  boxes or radio buttons on it (chosen among the widgets the server drew), then switches page from
  the sidebar (the ``navigation`` message's page hashes), and so on;
- a lab student opens the dead-neuron lab by its URL, then each think time clicks a lesson button,
  moves a settings slider, or sends the lab's "sync" (what the browser sends on pause, step, reset
  and end of training: here a reset, the runs at step 0 as the server gave them). The lab trains in
  the browser, so its reruns are all it costs the server.

Measured, per kind of action (page open, page switch, widget change, lab action): the latency from
sending the BackMsg to the ``script_finished`` that ends that run (a "finished early, another run
follows" status is not the end), its p50, p95 and maximum, errors (an exception drawn on a page, a
closed socket, a compilation error, a page not found) and timeouts (no end within ``--timeout``
seconds). Also: the server's CPU (cores, from /proc) while the class works, this client's CPU and
the rest of the machine's (other processes), and the server's memory fresh, warm (every page opened
once), at peak, after every session closed, and after the closed sessions expired (the server keeps
a closed tab's session for ``server.disconnectedSessionTTL`` seconds; ``--session-ttl`` shortens it).

``--commit SHA`` serves that commit (``git archive`` into a temporary directory) instead of the working
tree; ``--baseline SHA`` measures that commit too, in the same run, and prints the ratios.
``measure_protocol_class(...)`` is also used by tests/e2e/test_load_protocol.py.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import websockets
from streamlit.components.v2.bidi_component.main import _make_trigger_id  # the lab's trigger widget id
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_class import LAB, _sample_memory  # noqa: E402
from tests.e2e.harness import PAGES, Server  # noqa: E402

KINDS = ("page open", "page switch", "widget change", "lab action")
FINISHED_EARLY_FOR_RERUN = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
FINISHED_WITH_COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR
CHANGEABLE = ("slider", "selectbox", "radio")  # a select_slider arrives as a slider with options
LESSON_BUTTON = "-lab_lesson_"  # the lab's lesson buttons' keys: lab_lesson_<lesson>
LAB_ACTIONS = {"lesson": 0.2, "sync": 0.2, "settings slider": 0.6}  # a lab student's choice each think time
MAIN = 0  # the first part of a delta path: 0 the page's main area, 1 the sidebar
TTL_DEFAULT = 120  # server.disconnectedSessionTTL when .streamlit/config.toml does not set it


def page_label(path: str) -> str:
    """A page's name in the tables: its URL path (the landing page has the empty path)."""
    return path or "why_nonlinearity"


@dataclass
class Sample:
    """One action: its kind, the page its run drew, what was done, and seconds to script_finished."""

    kind: str
    what: str  # the control: "page", a widget type, "lesson", "settings slider", "sync"
    page: str
    action: str
    seconds: float


@dataclass
class LoadReport:
    """What a class of protocol sessions saw, and what the server used meanwhile."""

    browsing: int
    lab: int
    seconds: float
    wall: float = float("nan")  # seconds from the first arrival until the last session closed
    server_cpu: float = float("nan")  # the server's CPU seconds meanwhile
    samples: list[Sample] = field(default_factory=list)  # actions whose run finished in time
    errors: list[str] = field(default_factory=list)
    timeouts: list[str] = field(default_factory=list)
    pages_drawn: Counter = field(default_factory=Counter)  # page -> runs that ended with no exception drawn
    # per widget change: (widget type, "page: what was set", did anything else on the page change?)
    widget_changes: list[tuple[str, str, bool]] = field(default_factory=list)
    syncs_read: list[bool] = field(default_factory=list)  # per lab sync: did the page read it back?
    alerts: Counter = field(default_factory=Counter)  # st.error / st.warning texts the pages showed
    server_cores: float = float("nan")
    client_cores: float = float("nan")
    other_cores: float = float("nan")  # the rest of the machine: other people's jobs
    memory_mib: dict[str, float] = field(default_factory=dict)
    app_tracebacks: list[str] = field(default_factory=list)  # logged by the server through the app's code
    framework_tracebacks: int = 0  # logged by Streamlit's own code alone

    @property
    def sessions(self) -> int:
        return self.browsing + self.lab

    def latencies(self, kind: str | None = None, page: str | None = None) -> list[float]:
        return [s.seconds for s in self.samples if kind in (None, s.kind) and page in (None, s.page)]

    def slowest(self, kind: str | None = None) -> Sample | None:
        return max((s for s in self.samples if kind in (None, s.kind)), key=lambda s: s.seconds, default=None)

    def count(self, problems: list[str], kind: str | None = None) -> int:
        """Problems of one kind (each problem text starts with its action's kind)."""
        return sum(1 for p in problems if kind is None or p.startswith(kind + ":"))


@dataclass
class Run:
    """What one script run drew: its elements by delta path, and the page it ran."""

    page_hash: str = ""
    elements: dict[tuple, tuple[str, object]] = field(default_factory=dict)  # path -> (type, element proto)
    problems: list[str] = field(default_factory=list)  # compilation errors, pages not found
    fragment_of: dict[str, str] = field(default_factory=dict)  # widget id -> the st.fragment it is in

    def after_fragment_run(self) -> "Run":
        """The page as a fragment's run starts: everything drawn stays, the fragment redraws its part."""
        return Run(self.page_hash, dict(self.elements), [], dict(self.fragment_of))

    def widgets(self, kinds=CHANGEABLE, area: int = MAIN) -> list[tuple[str, object]]:
        """The enabled widgets of these types in one area of the page, in page order."""
        found = []
        for path in sorted(self.elements):
            kind, element = self.elements[path]
            if kind in kinds and path[0] == area and not element.disabled:
                found.append((kind, element))
        return found

    def first(self, kind: str):
        return next((e for k, e in self.elements.values() if k == kind), None)

    def content(self, leave_out: str = "") -> str:
        """A fingerprint of everything drawn except the element whose id is ``leave_out``."""
        digest = hashlib.sha256()
        for path in sorted(self.elements):
            kind, element = self.elements[path]
            if leave_out and getattr(element, "id", None) == leave_out:
                continue
            digest.update(repr(path).encode() + kind.encode() + element.SerializeToString(deterministic=True))
        return digest.hexdigest()


class SessionEnded(Exception):
    """A tab's socket closed or its run never ended (already counted as an error or a timeout)."""


class Tab:
    """One simulated browser tab: a websocket session that keeps the pages' hashes, the URL's query
    string, the widget values it changed (sent with every rerun, as the browser's widget manager does)
    and what the last run drew."""

    def __init__(self, port: int, who: str, report: LoadReport, timeout: float, until: float):
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.who = who
        self.report = report
        self.timeout = timeout
        self.until = until  # after this, a late run is not waited for beyond `timeout`
        self.pages: dict[str, str] = {}  # URL path -> page script hash, from the navigation message
        self.query_string = ""
        self.values: dict[str, tuple[WidgetState, object]] = {}  # widget id -> (state sent, its value)
        self.last: Run | None = None  # the last finished run
        self._run = Run()
        self._pending: asyncio.Future | None = None
        self._ws = None
        self._reader: asyncio.Task | None = None

    async def __aenter__(self) -> "Tab":
        # No keep-alive pings: a browser sends none, and a busy server answering late must not look like
        # a dropped connection.
        self._ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                            ping_interval=None, open_timeout=self.timeout)
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc) -> None:
        await self._ws.close()
        await self._reader

    def page_of(self, page_hash: str) -> str:
        return page_label(next((p for p, h in self.pages.items() if h == page_hash), page_hash[:8]))

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                self._receive(ForwardMsg.FromString(raw))
        except websockets.ConnectionClosed:
            pass
        if self._pending and not self._pending.done():
            self._pending.set_exception(ConnectionError(f"socket closed ({self._ws.close_code})"))

    def _receive(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            fragment_run = bool(msg.metadata.run.fragment_ids) and self.last is not None
            self._run = self.last.after_fragment_run() if fragment_run else Run()
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element_kind = msg.delta.new_element.WhichOneof("type")
            element = getattr(msg.delta.new_element, element_kind)
            self._run.elements[tuple(msg.metadata.delta_path)] = (element_kind, element)
            if msg.delta.fragment_id and getattr(element, "id", ""):
                self._run.fragment_of[element.id] = msg.delta.fragment_id
        elif kind == "navigation":  # every full run sends it, with the hash of the page it runs
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            self._run.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            self._problem("compilation error: " + msg.session_event.script_compilation_exception.message)
        elif kind == "page_not_found":
            self._problem(f"page not found: {msg.page_not_found.page_name!r}")
        elif kind == "script_finished" and msg.script_finished != FINISHED_EARLY_FOR_RERUN:
            if msg.script_finished == FINISHED_WITH_COMPILE_ERROR:
                self._problem("script finished with a compilation error")
            if self._pending and not self._pending.done():
                self._pending.set_result(self._run)

    def _problem(self, text: str) -> None:
        self._run.problems.append(text)

    async def run(self, kind: str, what: str, action: str, state: ClientState) -> Run:
        """Send one rerun request and wait for its run to end; record the latency, errors and timeouts."""
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        state.context_info.color_scheme = "light"
        self._pending = asyncio.get_running_loop().create_future()
        start = time.monotonic()
        await self._ws.send(BackMsg(rerun_script=state).SerializeToString())
        done, _ = await asyncio.wait({self._pending}, timeout=self.timeout)
        timed_out = not done
        if timed_out:
            self.report.timeouts.append(f"{kind}: {self.who} {action}: no script_finished in {self.timeout:g} s")
            # the student waits on until the class ends, then gives up on this tab
            done, _ = await asyncio.wait({self._pending}, timeout=max(0.0, self.until - time.monotonic()) + 1)
            if not done:
                raise SessionEnded
        seconds = time.monotonic() - start
        if self._pending.exception():
            self.report.errors.append(f"{kind}: {self.who} {action}: {self._pending.exception()}")
            raise SessionEnded
        run = self._pending.result()
        page = self.page_of(run.page_hash)
        problems = [f"{kind}: {self.who} {action} on {page}: {p}" for p in run.problems]
        if state.page_script_hash and run.page_hash != state.page_script_hash:  # the generator's own check
            problems.append(f"{kind}: {self.who} {action}: ran {page}, not {self.page_of(state.page_script_hash)}")
        problems += [f"{kind}: {self.who} {action} on {page}: exception {e.type}: {e.message[:200]}"
                     for k, e in run.elements.values() if k == "exception"]
        self.report.errors += problems
        if not problems:
            self.report.pages_drawn[page] += 1
        for k, e in run.elements.values():
            if k == "alert" and e.format in (Alert.ERROR, Alert.WARNING):
                self.report.alerts[f"{page}: {e.body[:160]}"] += 1
        if not timed_out:
            self.report.samples.append(Sample(kind, what, page, action, seconds))
        # the browser forgets the values of widgets no longer drawn, and takes a value the script set
        drawn = {e.id: (k, e) for k, e in run.elements.values() if k in CHANGEABLE}
        self.values = {i: v for i, v in self.values.items() if i in drawn}
        for i, (k, e) in drawn.items():
            if e.set_value and (value := drawn_value(k, e)) is not None:
                self.values[i] = (widget_state(k, e, value), value)
        self.last = run
        return run

    def _state(self, extra: list[WidgetState] = ()) -> ClientState:
        """A rerun of the page on screen, with the URL's query string and the widget values changed."""
        state = ClientState(query_string=self.query_string, page_script_hash=self.last.page_hash)
        state.widget_states.widgets.extend([s for s, _ in self.values.values()] + list(extra))
        return state

    async def open(self, path: str) -> Run:
        """Open a page by its URL, as a new tab does."""
        self.query_string, self.values = "", {}
        return await self.run("page open", "page", f"opened /{path}", ClientState(query_string="", page_name=path))

    async def switch(self, path: str) -> Run:
        """Click a page in the sidebar: its script hash, and no query string (the browser drops it)."""
        self.query_string = ""
        state = self._state()
        state.query_string, state.page_script_hash = "", self.pages[path]
        return await self.run("page switch", "page", f"switched to /{path}", state)

    async def change(self, kind: str, widget, rng: random.Random, action_kind: str = "widget change") -> Run | None:
        """Give one slider, select slider, select box or radio another value, as a user would."""
        current = self.values[widget.id][1] if widget.id in self.values else drawn_value(kind, widget)
        value = another_value(kind, widget, current, rng)
        if value is None:
            return None
        self.values[widget.id] = (widget_state(kind, widget, value), value)
        before = self.last.content(leave_out=widget.id)
        action = f"set {widget.label[:40]!r} to {value!r}"
        widget_type = "select_slider" if kind == "slider" and widget.options else kind
        what = widget_type if action_kind == "widget change" else "settings slider"
        state = self._state()
        # a widget inside an st.fragment reruns only its fragment, as the browser asks for it
        state.fragment_id = self.last.fragment_of.get(widget.id, "")
        run = await self.run(action_kind, what, action, state)
        if action_kind == "widget change":
            self.report.widget_changes.append((widget_type, f"{self.page_of(run.page_hash)}: {action}",
                                               run.content(leave_out=widget.id) != before))
        return run

    async def click(self, button, action_kind: str, what: str = "button") -> Run:
        return await self.run(action_kind, what, f"clicked {button.label!r}",
                              self._state([WidgetState(id=button.id, trigger_value=True)]))

    async def lab_sync(self, runs: list | None = None) -> Run:
        """What the lab's browser sends on Reset: every run as it stands at step 0 (the server's own
        spec of it), as the component's "sync" trigger; ``runs`` sends those instead."""
        component = self.last.first("bidi_component")
        payload = json.loads(component.json)
        runs = [run["spec"]["state"] for run in payload["runs"]] if runs is None else runs
        trigger = json.dumps([{"event": "sync", "value": {"run_id": payload["run_id"], "reason": "reset", "runs": runs}}])
        run = await self.run("lab action", "sync", "sync (reset)",
                             self._state([WidgetState(id=_make_trigger_id(component.id, "events"),
                                                      json_trigger_value=trigger)]))
        self.report.syncs_read.append(not any("could not be read back" in e.body
                                              for k, e in run.elements.values() if k == "alert"))
        return run


def drawn_value(kind: str, widget):
    """The value the server drew a widget with: the one the script set (``set_value``), else its
    default; None for a range slider or a radio with nothing chosen."""
    if kind == "slider" and widget.options:  # a select_slider: its options are the formatted values
        if widget.set_value and widget.raw_value:
            return widget.raw_value[0]
        return widget.options[int(widget.default[0])] if len(widget.default) == 1 else None
    if kind == "slider":
        values = widget.value if widget.set_value else widget.default
        return values[0] if len(values) == 1 else None
    if widget.set_value and widget.HasField("raw_value"):
        return widget.raw_value
    return widget.options[widget.default] if widget.HasField("default") else None


def widget_state(kind: str, widget, value) -> WidgetState:
    """A widget's value as the browser sends it: a slider's as a list of numbers, a select_slider's as a
    list of formatted options, a select box's or radio's as its formatted option."""
    state = WidgetState(id=widget.id)
    if kind == "slider" and widget.options:
        state.string_array_value.data.append(value)
    elif kind == "slider":
        state.double_array_value.data.append(value)
    else:
        state.string_value = value
    return state


def another_value(kind: str, widget, current, rng: random.Random):
    """A value a short move from ``current`` (a slider's one to three steps, another option of a select
    box or radio); None when the widget has no other value or is a range slider."""
    if kind == "slider" and not widget.options:
        if current is None or widget.max <= widget.min or widget.step <= 0:
            return None
        steps = round((widget.max - widget.min) / widget.step)
        new = widget.min + _nearby(round((current - widget.min) / widget.step), 0, steps, rng) * widget.step
        return int(round(new)) if widget.data_type == Slider.INT else round(new, 10)
    options = list(widget.options)
    if len(options) < 2:
        return None
    now = options.index(current) if current in options else None
    if kind == "slider":  # a select_slider moves to a nearby option
        return None if now is None else options[_nearby(now, 0, len(options) - 1, rng)]
    return rng.choice([o for i, o in enumerate(options) if i != now])


def _nearby(now: int, low: int, high: int, rng: random.Random) -> int:
    """One to three steps from ``now`` within [low, high], never ``now`` itself."""
    return rng.choice([i for i in range(now - 3, now + 4) if low <= i <= high and i != now])


async def _think(rng: random.Random, think: tuple[float, float], until: float) -> bool:
    """Wait a think time; False when the class is over by then."""
    await asyncio.sleep(rng.uniform(*think))
    return time.monotonic() < until


async def browsing_student(tab: Tab, first_page: str, rng: random.Random, think: tuple[float, float],
                           until: float) -> None:
    """Open a page by URL, then move one to three of its controls and switch page, until the class ends."""
    path = first_page
    await tab.open(path)
    moves = rng.randint(1, 3)
    while await _think(rng, think, until):
        widgets = tab.last.widgets()
        if moves and widgets:
            await tab.change(*rng.choice(widgets), rng)
            moves -= 1
        else:
            path = rng.choice([p for p in PAGES if p != path])
            await tab.switch(path)
            moves = rng.randint(1, 3)


async def lab_student(tab: Tab, rng: random.Random, think: tuple[float, float], until: float) -> None:
    """Open the lab by URL, pick a lesson (as the page asks) and sync when its training stops, then each
    think time click a lesson, move a settings slider or sync."""
    await tab.open(LAB)
    first = ["lesson", "sync"]
    while await _think(rng, think, until):
        action = first.pop(0) if first else rng.choices(list(LAB_ACTIONS), weights=list(LAB_ACTIONS.values()))[0]
        lessons = [e for k, e in tab.last.widgets(("button",)) if LESSON_BUTTON in e.id]
        sliders = tab.last.widgets(("slider",))
        if action == "lesson" and lessons:
            await tab.click(rng.choice(lessons), "lab action", "lesson")
        elif action == "sync" and tab.last.first("bidi_component") is not None:
            await tab.lab_sync()
        elif sliders:
            await tab.change("slider", rng.choice(sliders)[1], rng, action_kind="lab action")


async def _student(port: int, who: str, report: LoadReport, timeout: float, until: float, start_at: float,
                   behaviour) -> None:
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    try:
        async with Tab(port, who, report, timeout, until) as tab:
            await behaviour(tab)
    except SessionEnded:
        pass
    except (OSError, websockets.WebSocketException, asyncio.TimeoutError) as err:  # could not connect, or lost
        report.errors.append(f"connection: {who}: {type(err).__name__} {err}")


def machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used (the `cpu` line of /proc/stat, idle and iowait left out)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = values[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


async def measure_protocol_class(server: Server, browsing: int, lab: int, seconds: float, seed: int = 1,
                                 think: tuple[float, float] = (2.0, 5.0), ramp: float = 10.0,
                                 timeout: float = 30.0) -> LoadReport:
    """Run one class against a started server: ``browsing`` + ``lab`` sessions arrive over ``ramp``
    seconds and act until ``seconds`` after the first arrived; a run in flight then is waited for."""
    report = LoadReport(browsing, lab, seconds)
    log_start = len(server.output())
    peak: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_memory(server, peak, stop))
    sessions = browsing + lab
    lab_every = sessions / lab if lab else None  # lab students spread evenly among the arrivals
    lab_slots = {int(i * lab_every) for i in range(lab)} if lab else set()
    start = time.monotonic()
    until = start + seconds
    cpu = (server.cpu_seconds(), time.process_time(), machine_busy_seconds())
    tasks, browsed = [], 0
    for i in range(sessions):
        rng = random.Random(f"{seed}-{i}")
        start_at = start + ramp * i / sessions
        if i in lab_slots:
            behaviour = (lambda tab, rng=rng: lab_student(tab, rng, think, until))
            who = f"lab student {i + 1}"
        else:
            first = PAGES[browsed % len(PAGES)]
            browsed += 1
            behaviour = (lambda tab, rng=rng, first=first: browsing_student(tab, first, rng, think, until))
            who = f"student {i + 1}"
        tasks.append(asyncio.create_task(_student(server.port, who, report, timeout, until, start_at, behaviour)))
    await asyncio.gather(*tasks)
    wall = time.monotonic() - start
    server_cpu, client_cpu, machine = (server.cpu_seconds() - cpu[0], time.process_time() - cpu[1],
                                       machine_busy_seconds() - cpu[2])
    report.wall, report.server_cpu = wall, server_cpu
    report.server_cores, report.client_cores = server_cpu / wall, client_cpu / wall
    report.other_cores = max(0.0, machine - server_cpu - client_cpu) / wall
    stop.set()
    await sampler
    report.memory_mib["peak"] = max(peak)
    report.app_tracebacks = server.tracebacks(log_start)
    report.framework_tracebacks = server.framework_tracebacks(log_start)
    return report


async def warm_up(server: Server, paths: tuple[str, ...] = PAGES, timeout: float = 60.0) -> LoadReport:
    """Open every page once in one tab (imports and caches loaded before the 'warm' memory reading)."""
    report = LoadReport(1, 0, 0)
    async with Tab(server.port, "one tab", report, timeout, time.monotonic() + timeout) as tab:
        for path in paths:
            await tab.open(path)
    return report


async def measure_with_memory(server: Server, browsing: int, lab: int, seconds: float, seed: int,
                              think: tuple[float, float], ramp: float, timeout: float, ttl: float) -> LoadReport:
    """A class on a fresh server, with the memory readings around it: fresh, warm, peak, all closed,
    and after the closed sessions expired (``ttl`` seconds later)."""
    fresh = server.rss_mib()
    warm = await warm_up(server)
    await asyncio.sleep(1)
    memory = {"fresh": fresh, "warm": server.rss_mib()}
    report = await measure_protocol_class(server, browsing, lab, seconds, seed, think, ramp, timeout)
    report.errors = [f"warm-up: {e}" for e in warm.errors] + report.errors
    await asyncio.sleep(2)
    memory["all closed"] = server.rss_mib()
    await asyncio.sleep(ttl + 1)
    # Closed sessions wait in a TTL cache that drops expired entries only when it is written to: one
    # more tab, opened and closed, stores its session and so drops them.
    after = await warm_up(server, paths=("",))
    report.errors += [f"after the class: {e}" for e in after.errors]
    await asyncio.sleep(2)
    memory["expired"] = server.rss_mib()
    report.memory_mib = {**memory, **report.memory_mib}
    return report


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _seconds(x: float) -> str:
    return "-" if x != x else f"{x:.2f}"


def _ratio(new: float, old: float) -> str:
    return f" ({new / old:.2f}x)" if old and old == old and new == new else ""


def class_label(report: LoadReport) -> str:
    return f"{report.sessions} ({report.browsing} browsing, {report.lab} lab)"


def latency_rows(report: LoadReport, base: LoadReport | None = None) -> list[str]:
    """One row per kind and one for all: runs, p50, p95, max (where), errors, timeouts; with a
    baseline, each figure's ratio to the baseline's."""
    rows = []
    for kind in KINDS + (None,):
        values = report.latencies(kind)
        old = base.latencies(kind) if base else []
        slow = report.slowest(kind)
        cells = [f"{_seconds(percentile(values, q))}{_ratio(percentile(values, q), percentile(old, q))}"
                 for q in (50, 95, 100)]
        where = f" ({slow.page})" if slow else ""
        rows.append(f"| {class_label(report)} | {kind or 'all'} | {len(values)} | {cells[0]} | {cells[1]} | "
                    f"{cells[2]}{where} | {report.count(report.errors, kind)} | {report.count(report.timeouts, kind)} |")
    return rows


def resource_rows(report: LoadReport, base: LoadReport | None = None) -> list[str]:
    m = report.memory_mib
    runs = len(report.samples)
    per_run = report.server_cpu / runs * 1000 if runs else float("nan")
    base_per_run = base.server_cpu / len(base.samples) * 1000 if base and base.samples else float("nan")
    return [
        f"| {class_label(report)} | {report.server_cores:.2f}{_ratio(report.server_cores, base.server_cores if base else 0)} "
        f"| {runs / report.wall:.1f} | {per_run:.0f}{_ratio(per_run, base_per_run)} | {report.client_cores:.2f} "
        f"| {report.other_cores:.2f} | {m['fresh']:.0f} / {m['warm']:.0f} / {m['peak']:.0f} / {m['all closed']:.0f} "
        f"/ {m['expired']:.0f} |"]


def control_rows(report: LoadReport) -> list[str]:
    """Widget changes and lab actions by the control used: runs, p50, p95, max."""
    rows = []
    for kind in ("widget change", "lab action"):
        for what in sorted({s.what for s in report.samples if s.kind == kind}):
            values = [s.seconds for s in report.samples if s.kind == kind and s.what == what]
            rows.append(f"| {class_label(report)} | {kind}: {what} | {len(values)} | {_seconds(percentile(values, 50))} "
                        f"| {_seconds(percentile(values, 95))} | {_seconds(max(values))} |")
    return rows


def page_rows(report: LoadReport) -> list[str]:
    """Where the time goes: each page's runs (every kind), p50, p95, max."""
    rows = []
    for path in PAGES:
        page = page_label(path)
        values = report.latencies(page=page)
        if values:
            rows.append(f"| {class_label(report)} | {page} | {len(values)} | {_seconds(percentile(values, 50))} | "
                        f"{_seconds(percentile(values, 95))} | {_seconds(max(values))} |")
    return rows


LATENCY_HEAD = ("| class size | kind | runs | p50 s | p95 s | max s (page) | errors | timeouts |\n"
                "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
RESOURCE_HEAD = ("| class size | server CPU, cores | runs per second | server CPU per run, ms | this client's CPU, cores "
                 "| other processes' CPU, cores | server memory MiB: fresh / warm / peak / all closed / expired |\n"
                 "| --- | ---: | ---: | ---: | ---: | ---: | --- |\n")
PAGE_HEAD = "| class size | page (every kind) | runs | p50 s | p95 s | max s |\n| --- | --- | ---: | ---: | ---: | ---: |\n"
CONTROL_HEAD = "| class size | kind: control | runs | p50 s | p95 s | max s |\n| --- | --- | ---: | ---: | ---: | ---: |\n"


def markdown(reports: list[LoadReport], title: str, baselines: list[LoadReport] | None = None) -> str:
    """The tables for one build (with ratios to the baseline's reports, if given), then the problems seen."""
    pairs = list(zip(reports, baselines or [None] * len(reports)))
    text = (f"### {title}\n\n" + LATENCY_HEAD + "\n".join(r for a, b in pairs for r in latency_rows(a, b)) + "\n\n"
            + RESOURCE_HEAD + "\n".join(r for a, b in pairs for r in resource_rows(a, b)) + "\n\n"
            + PAGE_HEAD + "\n".join(r for a, _ in pairs for r in page_rows(a)) + "\n\n"
            + CONTROL_HEAD + "\n".join(r for a, _ in pairs for r in control_rows(a)) + "\n")
    for report in reports:
        seen = report.errors + report.timeouts + [f"server log: {t}" for t in report.app_tracebacks]
        changed = [c for _, _, c in report.widget_changes]
        text += (f"\n{class_label(report)}: {sum(changed)} of {len(changed)} widget changes redrew the page with "
                 f"other content; {sum(report.syncs_read)} of {len(report.syncs_read)} lab syncs read back; "
                 f"{report.framework_tracebacks} tracebacks logged by Streamlit's own server code.\n")
        same = [f"{w} ({t})" for t, w, c in report.widget_changes if not c]
        if same:
            text += ("Widget changes that left the rest of the page as it was (e.g. a quiz answered again before "
                     "it is committed, an example picked but not loaded):\n\n" + "\n".join(f"- {w}" for w in same[:10])
                     + "\n")
        if seen:
            text += "Problems:\n\n" + "\n".join(f"- {p}" for p in seen[:20]) + "\n"
        if report.alerts:
            text += ("Errors and warnings the pages showed (st.error / st.warning; the quizzes' \"Not quite\" is one):\n\n"
                     + "\n".join(f"- {n} x {t}" for t, n in report.alerts.most_common(8)) + "\n")
    return text


def checkout(commit: str, into: Path) -> Path:
    """The files of ``commit`` (git archive) in ``into``: a build to serve next to the working tree."""
    subprocess.run(f"git -C {ROOT} archive {commit} | tar -x -C {into}", shell=True, check=True)
    return into


def config_ttl(root: Path) -> float:
    """server.disconnectedSessionTTL as the build's .streamlit/config.toml sets it (120 s if it does not)."""
    import tomllib

    config = root / ".streamlit" / "config.toml"
    settings = tomllib.loads(config.read_text()) if config.exists() else {}
    return float(settings.get("server", {}).get("disconnectedSessionTTL", TTL_DEFAULT))


def measure_build(root: Path, classes: list[tuple[int, int]], args) -> list[LoadReport]:
    """Each class on a fresh server of one build."""
    ttl = args.session_ttl if args.session_ttl is not None else config_ttl(root)
    extra = ("--server.disconnectedSessionTTL", str(args.session_ttl)) if args.session_ttl is not None else ()
    reports = []
    for browsing, lab in classes:
        server = Server(root=root, extra_args=extra).start()
        try:
            time.sleep(1)
            reports.append(asyncio.run(measure_with_memory(server, browsing, lab, args.seconds, args.seed,
                                                           tuple(args.think), args.ramp, args.timeout, ttl)))
        finally:
            server.stop()
        r = reports[-1]
        print(f"{root}: {class_label(r)}: {len(r.samples)} runs, p50 {percentile(r.latencies(), 50):.2f} s, "
              f"p95 {percentile(r.latencies(), 95):.2f} s, {len(r.errors)} errors, {len(r.timeouts)} timeouts, "
              f"server {r.server_cores:.2f} cores, client {r.client_cores:.2f}, others {r.other_cores:.2f}", flush=True)
    return reports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[100],
                        help="students in all, one class per number (e.g. --sessions 30 100)")
    parser.add_argument("--lab-sessions", type=int, nargs="+", default=[20],
                        help="of whom with the lab open, one number per class")
    parser.add_argument("--seconds", type=float, default=60, help="how long each class works")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--think", type=float, nargs=2, default=[2.0, 5.0], metavar=("MIN", "MAX"),
                        help="seconds a student waits between actions (uniform, seeded)")
    parser.add_argument("--ramp", type=float, default=10, help="seconds over which the students arrive")
    parser.add_argument("--timeout", type=float, default=30, help="seconds without script_finished that count as a timeout")
    parser.add_argument("--session-ttl", type=int, default=30,
                        help="start the server with this server.disconnectedSessionTTL (seconds) so that the "
                             "'expired' memory reading comes sooner; -1: the build's own config (120 s by default)")
    parser.add_argument("--commit", help="serve this commit (git archive) instead of the working tree")
    parser.add_argument("--baseline", help="measure this commit too, in the same run, and print the ratios")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results_load_protocol.md")
    args = parser.parse_args()
    if len(args.sessions) != len(args.lab_sessions) or any(l > s for s, l in zip(args.sessions, args.lab_sessions)):
        parser.error("give one --lab-sessions number, at most the class size, per --sessions number")
    if args.session_ttl is not None and args.session_ttl < 0:
        args.session_ttl = None
    classes = [(s - lab, lab) for s, lab in zip(args.sessions, args.lab_sessions)]
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    current_name = f"commit {args.commit}" if args.commit else f"working tree (HEAD {head}{', with changes' if dirty else ''})"
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as current_dir, tempfile.TemporaryDirectory() as base_dir:
        current_root = checkout(args.commit, Path(current_dir)) if args.commit else ROOT
        ttl_note = (f"server.disconnectedSessionTTL shortened to {args.session_ttl} s by --session-ttl (the "
                    f"production config leaves it at {config_ttl(current_root):g} s), so 'expired' is read "
                    f"{args.session_ttl} s after the last session closed" if args.session_ttl is not None else
                    f"server.disconnectedSessionTTL as configured ({config_ttl(current_root):g} s)")
        base_root = checkout(args.baseline, Path(base_dir)) if args.baseline else None
        baseline, current = [], []
        for each in classes:  # the builds take turns, so that both see the machine's load alike
            if base_root:
                baseline += measure_build(base_root, [each], args)
            current += measure_build(current_root, [each], args)
    sizes = " ".join(str(s) for s in args.sessions)
    labs = " ".join(str(n) for n in args.lab_sessions)
    text = (f"# A lecture hall without browsers (protocol load)\n\n"
            f"`python3 bench/load_protocol.py --sessions {sizes} --lab-sessions {labs} --seconds {args.seconds:g} "
            f"--seed {args.seed} --think {args.think[0]:g} {args.think[1]:g}"
            + (f" --commit {args.commit}" if args.commit else "") + (f" --baseline {args.baseline}" if args.baseline else "")
            + f"`: one `streamlit run app.py` per class with the repository's .streamlit/config.toml, a fresh server "
            f"each time, every page opened once first (warm-up); the students are websocket sessions of one asyncio "
            f"process on the same {os.cpu_count()} cores, arriving over {args.ramp:g} s and working for "
            f"{args.seconds:g} s with {args.think[0]:g}-{args.think[1]:g} s think times. Latency: BackMsg sent to "
            f"that run's script_finished; a timeout is no script_finished within {args.timeout:g} s. {ttl_note}. "
            f"Whole run: {time.monotonic() - started:.0f} s.\n\n"
            "The other processes' CPU is the rest of the machine while the class worked (other people's jobs): "
            "the server competed with them for the cores.\n\n")
    if baseline:
        text += markdown(baseline, f"Baseline: commit {args.baseline}") + "\n"
        text += markdown(current, f"{current_name}, ratios to the baseline in brackets", baseline)
    else:
        text += markdown(current, current_name)
    print(text)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
