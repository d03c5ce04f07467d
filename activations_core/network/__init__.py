"""The lab's toy network: ``network.py`` moved into a package (its modules follow)."""

from .model import *  # noqa: F401,F403
from .model import (  # noqa: F401
    BN_EPS,
    BN_MOMENTUM,
    MAX_ABS_BIAS_INIT,
    MAX_BATCH_SIZE,
    MAX_GRID,
    MAX_INIT_SCALE,
    MAX_LAYERS,
    MAX_LEARNING_RATE,
    MAX_MOMENTUM,
    MAX_WIDTH,
    MIN_GRID,
    MIN_LAYERS,
    MIN_LEARNING_RATE,
    MIN_WIDTH,
    N_INPUTS,
    __all__,
    _minibatch,
)
