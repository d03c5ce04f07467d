"""Fixtures for the AppTest suite (helpers live in tests/app/helpers.py)."""

from __future__ import annotations

import functools
import importlib

import pytest


@pytest.fixture(autouse=True, scope="module")
def _scan_installed_components_once():
    """Speed only: each new AppTest rescans every installed package's metadata for Streamlit
    components (about half of opening a page here); the installed packages do not change."""
    scanner = importlib.import_module("streamlit.components.v2.manifest_scanner")
    with pytest.MonkeyPatch.context() as mp:
        if hasattr(scanner, "scan_component_manifests"):
            mp.setattr(scanner, "scan_component_manifests",
                       functools.cache(scanner.scan_component_manifests))
        yield
