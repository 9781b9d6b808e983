"""``--method pinn-eigen`` and the finite-difference spectrum of the shipped 1-D problems, with real numbers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pinnsolve.cli import main
from pinnsolve.dsl import load_problem
from pinnsolve.errors import MethodNotApplicable
from pinnsolve.quantum import Particles, Schrodinger, harmonic, x
from pinnsolve.quantum.eigen import box_half_width, finite_difference_spectrum
from pinnsolve.quantum.pinn_eigen import PINNEigenSettings, pinn_spectrum
from pinnsolve.residual.compile import numpy_function
from pinnsolve.results.spectrum import Spectrum
from pinnsolve.run import RunOptions, solve

QUANTUM = Path(__file__).resolve().parents[2] / "problems" / "quantum"
QUARTIC = (0.667986259155777, 2.393644016482)  # −½ψ'' + x⁴ψ = Eψ (Hioe & Montroll 1975)
TINY = dict(states=2, points=80, width=10, warmup_steps=200, steps=100, lbfgs_steps=100)


def test_the_shipped_problems_state_what_they_are():
    harmonic1d = load_problem(QUANTUM / "harmonic1d.py", {"omega": 2.0})
    assert harmonic1d.exact() == 1.0 and harmonic1d.n_particles == 1 and harmonic1d.dim == 1
    quartic = load_problem(QUANTUM / "anharmonic1d.py", {"lam": 8.0})  # E(λ) = λ^{1/3} E(1)
    assert quartic.exact() == pytest.approx(2 * QUARTIC[0])
    well = load_problem(QUANTUM / "finite_well1d.py", {"depth": 4.0, "width": 1.0})
    assert well.exact() is None and set(well.parameters) == {"depth", "width", "edge"}


def test_reference_writes_the_spectrum_of_a_schrodinger_problem(tmp_path):
    out = tmp_path / "ref"
    assert main(["reference", str(QUANTUM / "anharmonic1d.py"), "--states", "3", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    np.testing.assert_allclose(metrics["levels"][:2], QUARTIC, rtol=2e-6)
    assert metrics["levels"][2] == pytest.approx(4.696795386, rel=2e-6)
    spectrum = Spectrum.load(out)
    assert spectrum.levels == metrics["levels"] and spectrum.arrays["states"].shape == (3, 4000)
    assert (out / "plots" / "levels.png").is_file()


def test_a_well_that_levels_off_gets_a_finite_box_and_second_order_levels():
    well = load_problem(QUANTUM / "finite_well1d.py")
    length, confining = box_half_width(numpy_function(well.one_body(), (x,)), 1.0, 2)
    assert not confining and 10 < length < 30
    coarse, fine, finest = (finite_difference_spectrum(well, 2, n).energies for n in (1000, 2000, 4000))
    ratio = np.abs(coarse - finest) / np.abs(fine - finest)
    assert np.all(ratio > 3.5) and np.all(ratio < 6.5)  # (2² − 1/4)/(1 − 1/4) = 5 for O(h²)


def test_pinn_eigen_refuses_more_than_one_particle():
    problem = Schrodinger("two", particles=Particles(2, dim=1), potential=harmonic(1))
    with pytest.raises(MethodNotApplicable, match="one particle on a line"):
        solve(problem, RunOptions(method="pinn-eigen", settings=TINY))


@pytest.mark.slow
@pytest.mark.parametrize("parity", [True, False], ids=["parity", "no-parity"])
def test_the_quartic_first_excited_level_is_found_not_a_higher_one(parity):
    problem = Schrodinger("quartic", particles=Particles(1, dim=1), potential=x**4)
    found = pinn_spectrum(problem, PINNEigenSettings(**TINY, parity=parity))
    reference = finite_difference_spectrum(problem, states=2).energies
    # measured: 2.8e-4 and 3.7e-5 (parity), 8.9e-5 and 2.4e-5 (no parity); the Rayleigh quotients ~1e-6
    np.testing.assert_allclose(found.energies, reference, rtol=1e-3)
    np.testing.assert_allclose(found.rayleigh, reference, rtol=2e-5)
    h = found.grid[1] - found.grid[0]
    assert abs(np.sum(found.states[0] * found.states[1]) * h) < 1e-8
    assert np.sum(found.states[1] ** 2) * h == pytest.approx(1.0, abs=1e-10)


@pytest.mark.slow
def test_pinn_eigen_through_the_runner_writes_a_spectrum_of_levels(tmp_path):
    problem = load_problem(QUANTUM / "anharmonic1d.py", {"lam": 2.0})
    result = solve(problem, RunOptions(method="pinn-eigen", settings=TINY), out=tmp_path / "run")
    reference = finite_difference_spectrum(problem, states=2).energies
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    np.testing.assert_allclose(metrics["levels"], reference, rtol=1e-3)
    assert metrics["energy"] == metrics["levels"][0] and metrics["acceptance"] is None
    assert metrics["exact_energy"] == pytest.approx(2 ** (1 / 3) * QUARTIC[0])
    assert Spectrum.load(tmp_path / "run").levels == pytest.approx(result.result.levels)
    assert (tmp_path / "run" / "plots" / "levels.png").is_file()


def test_a_coarse_collocation_grid_is_warned_about_and_recorded(tmp_path):
    problem = load_problem(QUANTUM / "harmonic1d.py")
    untrained = {**TINY, "warmup_steps": 0, "steps": 0, "lbfgs_steps": 0}
    solve(problem, RunOptions(method="pinn-eigen", settings=untrained), out=tmp_path / "run")
    choices = json.loads((tmp_path / "run" / "config.json").read_text())["choices"]
    assert choices["collocation_spacing"] == pytest.approx(2 * 11.390625 / 79)  # the FD box [−L, L], 80 points
    assert "raise --points (to 229 or more)" in choices["warning"]
