"""Blocking, autocorrelation time and R̂ on AR(1) series, whose answers are known in closed form."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pinnsolve.quantum.statistics import autocorrelation_time, blocking, rhat


def _ar1(phi: float, steps: int, chains: int, seed: int = 0) -> np.ndarray:
    """x_t = φ x_{t−1} + ε_t, started in equilibrium: τ = (1 + φ)/(1 − φ), Var x = 1/(1 − φ²)."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=(steps, chains))
    x = np.empty_like(noise)
    x[0] = noise[0] / math.sqrt(1 - phi**2)
    for t in range(1, steps):
        x[t] = phi * x[t - 1] + noise[t]
    return x


@pytest.mark.parametrize("phi", [0.0, 0.5, 0.9])
def test_blocking_error_matches_the_ar1_variance_of_the_mean(phi):
    steps = 2**16
    x = _ar1(phi, steps, 1, seed=int(phi * 10))[:, 0]
    mean, error = blocking(x)
    exact = math.sqrt((1 + phi) / (1 - phi) / (1 - phi**2) / steps)
    assert error == pytest.approx(exact, rel=0.15)
    assert abs(mean) < 5 * exact
    # the naive error of correlated data is too small by √τ
    if phi == 0.9:
        assert x.std() / math.sqrt(steps) < 0.3 * error


@pytest.mark.parametrize("phi", [0.5, 0.8])
def test_integrated_autocorrelation_time_of_ar1(phi):
    x = _ar1(phi, 2**14, 8, seed=1)
    assert autocorrelation_time(x) == pytest.approx((1 + phi) / (1 - phi), rel=0.1)
    assert autocorrelation_time(x[:, 0]) == pytest.approx((1 + phi) / (1 - phi), rel=0.2)


def test_rhat_is_one_for_agreeing_chains_and_large_for_stuck_ones():
    x = _ar1(0.5, 4000, 6, seed=2)
    assert rhat(x) == pytest.approx(1.0, abs=0.01)
    shifted = x + np.arange(6) * 2.0
    assert rhat(shifted) > 1.5
    assert blocking(np.full(64, 3.0)) == (3.0, 0.0)
