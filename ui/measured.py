"""Measurements the pages show, computed once per distinct input and shared by every session.

Bounded LRU caches in this imported module (a function defined in a page script is defined anew
on every rerun): a repeat costs a dictionary lookup, not st.cache_data's argument inspection and
pickled copy. The values are results nobody changes; the arrays in them are made read-only.
"""

from __future__ import annotations

import functools

import numpy as np
from threadpoolctl import threadpool_limits

from activations_core import depth as dp
from activations_core import nonlinearity as nl
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
