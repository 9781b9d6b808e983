"""The finite-difference spectrum of one particle on a line, and VMC measured against it."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch

from pinnsolve.errors import MethodNotApplicable
from pinnsolve.methods.contract import Context
from pinnsolve.quantum import Particles, Schrodinger, harmonic, x
from pinnsolve.quantum.eigen import finite_difference_spectrum
from pinnsolve.quantum.method import VMC, VMCSettings

ANHARMONIC_E0 = 0.667986259155777  # −½ψ'' + x⁴ψ = Eψ (Hioe & Montroll 1975; Bender & Orszag)


def test_oscillator_levels_converge_at_second_order():
    problem = Schrodinger("ho", particles=Particles(1, dim=1), potential=harmonic(2.0))
    errors = []
    for points in (500, 1000):
        levels = finite_difference_spectrum(problem, states=3, points=points).energies
        errors.append(np.abs(levels - 2.0 * np.array([0.5, 1.5, 2.5])).max())
    assert errors[1] < 5e-4 and errors[0] / errors[1] == pytest.approx(4, rel=0.1)


def test_ground_state_is_normalised_and_even_and_the_quartic_level_is_known():
    spectrum = finite_difference_spectrum(
        Schrodinger("quartic", particles=Particles(1, dim=1), potential=x**4), states=2, points=3000
    )
    h = spectrum.grid[1] - spectrum.grid[0]
    assert np.sum(spectrum.states[0] ** 2) * h == pytest.approx(1.0)
    np.testing.assert_allclose(spectrum.states[0], spectrum.states[0][::-1], atol=1e-8)
    assert spectrum.energies[0] == pytest.approx(ANHARMONIC_E0, abs=1e-5)


def test_more_than_one_particle_is_refused():
    with pytest.raises(MethodNotApplicable, match="one particle on a line"):
        finite_difference_spectrum(Schrodinger("two", particles=Particles(2, dim=1), potential=harmonic(1)))


@pytest.mark.slow
def test_vmc_on_the_quartic_well_is_close_above_the_reference():
    problem = Schrodinger("quartic", particles=Particles(1, dim=1), potential=x**4)
    reference = finite_difference_spectrum(problem, states=1).energies[0]
    settings = VMCSettings(chains=100, samples=2000, iterations=60, burn_in=200, eval_samples=50_000, hidden=4)
    context = Context(
        dtype=torch.float64, device=torch.device("cpu"), rng=np.random.default_rng(0), seed=0, stream=io.StringIO()
    )
    spectrum = VMC().run(problem, settings, context).result
    assert spectrum.energy > reference - 4 * spectrum.energy_error
    assert spectrum.energy - reference < 0.02


@pytest.mark.slow
def test_pinn_eigen_solver_finds_the_two_lowest_oscillator_levels():
    from pinnsolve.quantum.pinn_eigen import PINNEigenSettings, pinn_spectrum

    problem = Schrodinger("ho", particles=Particles(1, dim=1), potential=harmonic(1))
    spectrum = pinn_spectrum(problem, PINNEigenSettings(states=2, points=200, width=24, steps=500, lbfgs_steps=300))
    np.testing.assert_allclose(spectrum.energies, [0.5, 1.5], atol=5e-3)
    h = spectrum.grid[1] - spectrum.grid[0]
    assert abs(np.sum(spectrum.states[0] * spectrum.states[1]) * h) < 1e-6
