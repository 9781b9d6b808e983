"""Fixtures for the io tests: the shared hand-made solutions."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest


def load_cases() -> ModuleType:
    """tests/io/solution_cases.py, imported by path under a name no other test uses."""
    name = "pinnsolve_test_solution_cases"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("solution_cases.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def cases() -> ModuleType:
    return load_cases()
