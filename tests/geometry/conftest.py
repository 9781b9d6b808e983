"""Strict numerics and a seeded generator for the geometry tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

# Run from a source checkout even when pinnsolve is not installed.
if importlib.util.find_spec("pinnsolve") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))


@pytest.fixture(autouse=True)
def _strict_numerics():
    old = np.seterr(all="raise")
    yield
    np.seterr(**old)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240601)


@pytest.fixture
def binomial_ok():
    """Whether ``count`` hits of ``n`` draws fit probability ``p`` (5 sigma)."""

    def check(count: int, n: int, p: float) -> bool:
        return abs(count - n * p) <= 5.0 * np.sqrt(n * p * (1 - p)) + 1

    return check
