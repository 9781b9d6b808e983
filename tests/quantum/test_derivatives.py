"""Analytic and exact (torch.func) derivatives of every factor against finite differences."""

from __future__ import annotations

import pytest
import torch

from pinnsolve.quantum.factor import GaussianEnvelope, Product
from pinnsolve.quantum.jastrow import PadeJastrow, PowerJastrow, cusp_coefficients
from pinnsolve.quantum.mlp import MLPAmplitude
from pinnsolve.quantum.rbm import RBM
from pinnsolve.quantum.slater import Slater

H = 1e-4  # central differences: error O(h²) ≈ 1e-8 in the gradient, round-off 1e-16/h² ≈ 1e-8 in the Laplacian


def _factors():
    g = torch.Generator().manual_seed(3)
    return {
        "rbm": RBM(4, 2, 3, sigma2=1.0, scale=0.5, generator=g),
        "sqrt-rbm": RBM(4, 2, 5, sigma2=0.5, power=0.5, scale=0.5, generator=g),
        "pade-cusp": PadeJastrow(cusp_coefficients(4, 2, (2, 2), 1.0, True), beta=0.7),
        "pade-free": PadeJastrow(None, beta=1.3),
        "power": PowerJastrow(1.5),
        "slater": Slater((3, 1), 2, 0.8),
        "mlp": MLPAmplitude(4, 2, width=8, depth=2, generator=g),
        "product": Product([GaussianEnvelope(1.0, 0.9), RBM(4, 2, 2, 1.0, scale=0.3, generator=g), PadeJastrow(None)]),
    }


def _finite_differences(factor, positions):
    flat = positions.reshape(positions.shape[0], -1)
    centre = factor.log(positions)
    gradient, laplacian = torch.zeros_like(flat), torch.zeros(positions.shape[0], dtype=torch.float64)
    for k in range(flat.shape[1]):
        step = torch.zeros_like(flat)
        step[:, k] = H
        up = factor.log((flat + step).reshape(positions.shape))
        down = factor.log((flat - step).reshape(positions.shape))
        gradient[:, k] = (up - down) / (2 * H)
        laplacian += (up - 2 * centre + down) / H**2
    return gradient.reshape(positions.shape), laplacian


@pytest.mark.parametrize("name", list(_factors()))
def test_gradient_and_laplacian_match_finite_differences(name):
    factor = _factors()[name]
    positions = torch.randn(6, 4, 2, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    d = factor.derivatives(positions)
    gradient, laplacian = _finite_differences(factor, positions)
    assert torch.allclose(d.log, factor.log(positions), atol=1e-12)
    assert torch.allclose(d.gradient, gradient, atol=1e-6)
    assert torch.allclose(d.laplacian, laplacian, atol=1e-4, rtol=1e-6)
    log, drift = factor.log_and_gradient(positions)
    assert torch.allclose(drift, d.gradient, atol=1e-12) and torch.allclose(log, d.log, atol=1e-12)


@pytest.mark.parametrize("name", [n for n in _factors() if n != "power"])
def test_parameter_gradient_matches_finite_differences(name):
    factor = _factors()[name]
    positions = torch.randn(5, 4, 2, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    analytic = factor.parameter_gradient(positions)
    theta = factor.theta.clone()
    numeric = torch.zeros_like(analytic)
    for k in range(theta.numel()):
        step = torch.zeros_like(theta)
        step[k] = 1e-6
        factor.theta = theta + step
        up = factor.log(positions)
        factor.theta = theta - step
        numeric[:, k] = (up - factor.log(positions)) / 2e-6
    factor.theta = theta
    assert analytic.shape == (5, theta.numel())
    assert torch.allclose(analytic, numeric, atol=1e-7)
