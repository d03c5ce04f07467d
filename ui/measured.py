"""Measurements the pages show, computed once per distinct input and shared by every session.

Bounded LRU caches in this imported module (a function defined in a page script is defined anew
on every rerun): a repeat costs a dictionary lookup, not st.cache_data's argument inspection and
pickled copy. The values are results nobody changes; the arrays in them are made read-only.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict

import numpy as np
from threadpoolctl import threadpool_limits

from activations_core import depth as dp
from activations_core import measure as ms
from activations_core import nonlinearity as nl
from activations_core.datasets import Dataset
from activations_core.network import NetState, train_steps
from ui.catalog import activation_choices


def _read_only(result):
    """``result`` with every numpy array in its fields made read-only (it is shared)."""
    for value in vars(result).values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return result


@functools.lru_cache(maxsize=64)
def depth_run(name: str, formula: str, params: tuple, depth: int, width: int, init: str,
              scale: float, seed: int, batch: int) -> dp.DepthRun:
    """One measured deep network (``formula`` tells typed formulas of the same name apart)."""
    with threadpool_limits(limits=1, user_api="blas"):  # tiny matrices: one BLAS thread is fastest
        return _read_only(dp.measure(activation_choices()[name], dict(params), depth=depth, width=width,
                                     init=init, scale=scale, seed=seed, batch=batch))


@functools.lru_cache(maxsize=64)
def depth_profile(name: str, formula: str, params: tuple, seed: int, depths: tuple[int, ...], width: int,
                  x_lo: float, x_hi: float) -> nl.DepthProfile:
    """Kinks and bend of the 1-D network for every depth (``formula`` as above)."""
    return _read_only(nl.depth_profile(activation_choices()[name], dict(params), seed, depths, width,
                                       x_lo, x_hi))


@functools.lru_cache(maxsize=64)
def activation_facts(name: str, formula: str) -> ms.Measured:
    """Observed range, largest slope and N(0, 1) statistics at default parameters (``formula`` as
    above)."""
    return ms.measure(activation_choices()[name])


@functools.lru_cache(maxsize=64)
def output_histogram(name: str, formula: str) -> tuple[np.ndarray, np.ndarray]:
    """(bin edges, fraction per bin) of f(Z), Z ~ N(0, 1), at default parameters (``formula`` as
    above); read-only arrays."""
    edges, fractions = ms.output_histogram(activation_choices()[name])
    edges.flags.writeable = fractions.flags.writeable = False
    return edges, fractions


MAX_TRAINED_RUNS = 128  # each under 1 MB: the lab trains for answers only networks of MAX_ANSWER_WORK
_trained: OrderedDict[tuple, NetState] = OrderedDict()  # (run key, steps) -> state, oldest first
_trained_lock = threading.Lock()


def trained_run(key: tuple, start: NetState, data: Dataset, steps: int) -> NetState:
    """``start`` (a run at step 0) trained ``steps`` on ``data``, continuing the longest shorter
    run kept, shared by every session: a class opening the lab with the same settings trains it
    once. ``key`` must tell apart everything ``start`` and ``data`` hold (settings, seed, a typed
    formula's text). train_steps never changes the state it is given."""
    with _trained_lock:
        done = max((k for (kk, k) in _trained if kk == key and k <= steps), default=None)
        if done == steps:
            _trained.move_to_end((key, steps))
            return _trained[(key, steps)]
        begin = start if done is None else _trained[(key, done)]
    state = train_steps(begin, data, steps - (done or 0))  # outside the lock: other sessions go on
    with _trained_lock:
        _trained[(key, steps)] = state
        while len(_trained) > MAX_TRAINED_RUNS:
            _trained.popitem(last=False)
    return state
