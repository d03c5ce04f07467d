"""Which option of a predict-then-reveal question a measurement picks.

Two rules the pages use: the option whose value lies nearest the measured one (``nearest_option``,
or ``closest_option`` when the distances are already measured), and the band a measured value
falls in (``band_of``). Each returns the option's index, as ``ui.quiz.question`` takes it.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

Values = Mapping[str, float] | Sequence[float]


def _as_list(values: Values) -> list[float]:
    """The values in option order (a mapping's values, labels being its keys)."""
    return list(values.values()) if isinstance(values, Mapping) else list(values)


def closest_option(distances: Values) -> int:
    """The index of the smallest distance (the first on a tie), one distance per option."""
    distance = _as_list(distances)
    if not distance:
        raise ValueError("no options to choose from")
    return min(range(len(distance)), key=distance.__getitem__)


def nearest_option(values_by_option: Values, measured: float) -> int:
    """The index of the option whose value is nearest ``measured`` (the first on a tie),
    e.g. ``nearest_option({"about 10%": 0.1, "about 50%": 0.5}, 0.47) == 1``."""
    return closest_option([abs(value - measured) for value in _as_list(values_by_option)])


def band_of(edges: Sequence[float], measured: float) -> int:
    """The index of the band ``measured`` falls in, bands being split at increasing ``edges``
    (each edge starts the next band): with edges (0.1, 0.5), band 0 is below 0.1, band 1 from 0.1
    up to 0.5, band 2 from 0.5 on. NaN falls in the last band, as numpy sorts it."""
    if math.isnan(measured):
        return len(edges)
    return sum(edge <= measured for edge in edges)
