"""Activation functions: ``functions.py`` moved into a package (its modules follow)."""

from .kernels import *  # noqa: F401,F403
from .kernels import __all__  # noqa: F401
