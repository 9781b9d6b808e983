"""The local energy of exact wave functions is the exact energy at every configuration (zero variance)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from pinnsolve.dsl import load_problem
from pinnsolve.quantum.ansatz import build_ansatz
from pinnsolve.quantum.factor import Derivatives, Factor, GaussianEnvelope, Product
from pinnsolve.quantum.hamiltonian import Hamiltonian, pair_distances
from pinnsolve.quantum.jastrow import _radial

QUANTUM = Path(__file__).resolve().parents[2] / "problems" / "quantum"


def _local_energy(problem, ansatz, n_configs=50, seed=0):
    g = torch.Generator().manual_seed(seed)
    positions = torch.randn(n_configs, problem.n_particles, problem.dim, generator=g, dtype=torch.float64)
    d = ansatz.derivatives(positions)
    return Hamiltonian.of(problem).local_energy(d.gradient, d.laplacian, positions)


@pytest.mark.parametrize("n,dim,omega", [(1, 1, 1.0), (3, 2, 0.5), (10, 3, 1.0)])
def test_rbm_at_zero_weights_is_the_oscillator_ground_state(n, dim, omega):
    problem = load_problem(QUANTUM / "ho_bosons.py", {"n": n, "dim": dim, "omega": omega})
    ansatz, _ = build_ansatz(
        problem, "rbm", hidden=4, width=8, depth=1, gibbs=False, generator=torch.Generator().manual_seed(0)
    )
    ansatz.theta = torch.zeros_like(ansatz.theta)
    energies = _local_energy(problem, ansatz)
    assert torch.allclose(energies, torch.full_like(energies, n * dim * omega / 2), rtol=0, atol=1e-12)


class _Taut(Factor):
    """ln(1 + r₁₂): with the Gaussian, Taut's exact two-electron state at ω = 1."""

    def log(self, positions):
        return torch.log1p(pair_distances(positions)[2]).sum(dim=1)

    def derivatives(self, positions):
        i, j, r = pair_distances(positions)
        gradient, laplacian = _radial(positions, 1 / (1 + r), -1 / (1 + r) ** 2, r, i, j)
        return Derivatives(self.log(positions), gradient, laplacian)


def test_taut_wave_function_has_local_energy_three():
    problem = load_problem(QUANTUM / "quantum_dot_2e.py")
    energies = _local_energy(problem, Product([GaussianEnvelope(1.0), _Taut()]))
    assert torch.allclose(energies, torch.full_like(energies, 3.0), rtol=0, atol=1e-12)


def test_slater_determinant_of_six_free_electrons_has_energy_ten():
    problem = load_problem(QUANTUM / "quantum_dot_6e.py")
    problem.interaction = problem.interaction * 0  # the closed shell without repulsion: E = 1 + 2·2 per spin
    ansatz, choices = build_ansatz(
        problem, "gaussian-jastrow", hidden=1, width=1, depth=1, gibbs=False, generator=torch.Generator()
    )
    assert "slater" in choices
    energies = _local_energy(problem, ansatz)
    assert torch.allclose(energies, torch.full_like(energies, 10.0), rtol=0, atol=1e-9)


def test_calogero_ground_state_is_exact():
    problem = load_problem(QUANTUM / "calogero.py", {"n": 4, "beta": 3})
    ansatz, _ = build_ansatz(
        problem, "rbm-jastrow", hidden=2, width=1, depth=1, gibbs=False, generator=torch.Generator()
    )
    ansatz.theta = torch.zeros_like(ansatz.theta)
    energies = _local_energy(problem, ansatz)
    exact = 4 / 2 + 3 * 4 * 3 / 2
    assert problem.exact() == pytest.approx(exact)
    assert torch.allclose(energies, torch.full_like(energies, exact), rtol=1e-12)
