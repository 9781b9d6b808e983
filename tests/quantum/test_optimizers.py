"""The energy gradient and stochastic reconfiguration on a one-parameter oscillator."""

from __future__ import annotations

import math

import pytest
import torch

from pinnsolve.quantum.factor import GaussianEnvelope, Product
from pinnsolve.quantum.hamiltonian import Hamiltonian
from pinnsolve.quantum.method import local_energies
from pinnsolve.quantum.optimizers import (
    OPTIMIZERS,
    StochasticReconfiguration,
    energy_gradient,
)


def _oscillator() -> Hamiltonian:
    return Hamiltonian(1, 1, lambda p: 0.5 * p[:, 0] ** 2, None)


def _exact_samples(alpha: float, n: int, seed: int) -> torch.Tensor:
    """Independent draws of |ψ|² = exp(−α x²)."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 1, 1, generator=g, dtype=torch.float64) * math.sqrt(1 / (2 * alpha))


def test_energy_gradient_matches_the_analytic_derivative():
    # E(α) = α/4 + 1/(4α) for ψ = exp(−α x²/2), so dE/dα = 1/4 − 1/(4α²)
    alpha = 0.6
    ansatz = Product([GaussianEnvelope(1.0, alpha)])
    x = _exact_samples(alpha, 400_000, 0)
    g = energy_gradient(local_energies(ansatz, _oscillator(), x), ansatz.parameter_gradient(x))
    assert g.item() == pytest.approx(0.25 - 0.25 / alpha**2, rel=0.03)


@pytest.mark.parametrize("name,lr,steps", [("sr", 0.5, 15), ("adam", 0.05, 120), ("sgd", 0.5, 150)])
def test_optimizers_reach_the_ground_state(name, lr, steps):
    ansatz = Product([GaussianEnvelope(1.0, 0.4)])
    optimizer = OPTIMIZERS[name](lr)
    for k in range(steps):
        x = _exact_samples(float(ansatz.theta[0]), 4000, k)
        ansatz.theta = ansatz.theta + optimizer.update(
            local_energies(ansatz, _oscillator(), x), ansatz.parameter_gradient(x)
        )
    assert ansatz.theta[0].item() == pytest.approx(1.0, abs=0.02)


def test_sr_solves_the_shifted_covariance_system():
    g = torch.Generator().manual_seed(0)
    derivatives = torch.randn(500, 3, generator=g, dtype=torch.float64) @ torch.tensor(
        [[1.0, 0.5, 0.0], [0.0, 1.0, 0.2], [0.0, 0.0, 0.1]], dtype=torch.float64
    )
    energies = derivatives @ torch.tensor([0.3, -0.2, 1.0], dtype=torch.float64) + 0.01 * torch.randn(
        500, generator=g, dtype=torch.float64
    )
    delta = StochasticReconfiguration(lr=1.0, shift=0.0).update(energies, derivatives)
    # E_L linear in O: the natural gradient recovers the coefficients exactly (δθ = −S⁻¹ cov(E, O))
    assert torch.allclose(delta, -torch.tensor([0.3, -0.2, 1.0], dtype=torch.float64), atol=0.02)
    shifted = StochasticReconfiguration(lr=1.0, shift=10.0).update(energies, derivatives)
    assert shifted.norm() < delta.norm()
