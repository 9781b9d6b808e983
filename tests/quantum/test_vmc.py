"""``--method vmc`` end to end: a short run, the Spectrum it returns, its files and its figures."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import torch

from pinnsolve.dsl import load_problem
from pinnsolve.errors import MethodNotApplicable, RunDirectoryError, SettingsError
from pinnsolve.methods.contract import METHODS, Context, settings_from
from pinnsolve.quantum.method import VMC, VMCSettings
from pinnsolve.results.base import plot_kinds
from pinnsolve.results.spectrum import Spectrum

QUANTUM = Path(__file__).resolve().parents[2] / "problems" / "quantum"


def _context(seed: int = 0) -> Context:
    return Context(
        dtype=torch.float64,
        device=torch.device("cpu"),
        rng=np.random.default_rng(seed),
        seed=seed,
        stream=io.StringIO(),
    )


def _quick(**changes) -> VMCSettings:
    values = {
        "chains": 64,
        "samples": 640,
        "iterations": 15,
        "burn_in": 100,
        "eval_samples": 64 * 64,
        "stop_variance": 0.0,
    }
    return VMCSettings(**{**values, **changes})


def test_vmc_is_registered_and_refuses_pde_problems(problems_dir):
    assert METHODS["vmc"] is VMC
    with pytest.raises(MethodNotApplicable, match="Schrödinger problems"):
        VMC().check(load_problem(problems_dir / "decay.py"), VMCSettings())
    problem = load_problem(QUANTUM / "quantum_dot_2e.py")
    with pytest.raises(MethodNotApplicable, match="--ansatz rbm"):
        VMC().check(problem, VMCSettings(sampler="gibbs"))
    with pytest.raises(SettingsError, match="--chains"):
        VMC().check(problem, VMCSettings(chains=0))
    with pytest.raises(SettingsError, match="not a setting"):
        settings_from(VMCSettings, {"width_": 3}, "vmc")


@pytest.mark.slow
def test_short_run_on_free_bosons_is_exact_with_zero_variance():
    problem = load_problem(QUANTUM / "ho_bosons.py", {"n": 3, "dim": 2})
    outcome = VMC().run(problem, _quick(), _context())
    m = outcome.result.metrics()
    assert m["energy_relative_error"] < 1e-4 and m["variance"] < 1e-3, m
    assert len(outcome.history) == 15
    assert set(outcome.history[0]) >= {"energy", "error", "variance", "acceptance"}
    assert outcome.choices["ansatz"].startswith("rbm")
    tolerance = 0.5 * outcome.history[0]["variance"]
    stopped = VMC().run(problem, _quick(stop_variance=tolerance), _context())
    assert 1 < len(stopped.history) < 15 and stopped.stop_reason.startswith("converged")
    assert stopped.history[-1]["variance"] < tolerance <= stopped.history[-2]["variance"]
    assert outcome.model.state_dict()["theta"].shape == (outcome.choices["parameters"],)


@pytest.mark.slow
def test_gibbs_run_of_the_plain_rbm_is_above_the_exact_energy(tmp_path):
    problem = load_problem(QUANTUM / "quantum_dot_2e.py")
    outcome = VMC().run(problem, _quick(ansatz="rbm", sampler="gibbs", optimizer="adam", lr=0.02, thin=2), _context())
    spectrum = outcome.result
    # variational: never below 3 beyond the error bar; the plain RBM without a Jastrow stays well above it
    assert spectrum.energy > 3 - 4 * spectrum.energy_error and spectrum.energy < 3.5
    assert spectrum.acceptance == 1.0


def _spectrum() -> Spectrum:
    g = np.random.default_rng(0)
    positions = g.normal(size=(50, 20, 2, 2))
    from pinnsolve.quantum.densities import densities

    arrays = densities(positions)
    arrays.update(iteration_energy=3 + np.exp(-np.arange(30) / 5), iteration_error=np.full(30, 0.01))
    return Spectrum(
        problem="dot",
        energy=3.001,
        energy_error=2e-4,
        variance=1e-3,
        acceptance=0.8,
        autocorrelation_time=3.5,
        rhat=1.001,
        samples=1000,
        exact_energy=3.0,
        n_particles=2,
        dim=2,
        arrays=arrays,
    )


def test_spectrum_round_trip_and_metrics(tmp_path):
    spectrum = _spectrum()
    written = spectrum.save(tmp_path)
    assert {p.name for p in written} == {"spectrum.json", "spectrum.npz"}
    back = Spectrum.load(tmp_path)
    assert back.metrics() == spectrum.metrics()
    assert back.metrics()["energy_relative_error"] == pytest.approx(0.001 / 3)
    assert set(back.arrays) == set(spectrum.arrays)
    for name, array in spectrum.arrays.items():
        np.testing.assert_array_equal(back.arrays[name], array)
    # the radial density integrates to the particle number
    edges = back.arrays["radial_edges"]
    assert np.sum(back.arrays["radial_density"] * np.diff(edges)) == pytest.approx(2.0)
    (tmp_path / "spectrum.npz").write_bytes(b"not a zip")
    with pytest.raises(RunDirectoryError, match="corrupt"):
        Spectrum.load(tmp_path)


def test_every_plot_kind_draws_a_file(tmp_path):
    spectrum = _spectrum()
    assert set(plot_kinds(Spectrum)) == {"energy", "density", "pairs", "levels"}  # levels: 1-D spectra only
    files = spectrum.plot_all(tmp_path)
    assert sorted(p.name for p in files) == ["density.png", "energy.png", "pairs.png"]
    assert all(p.stat().st_size > 5000 for p in files)
    one_d = Spectrum(**{**spectrum.__dict__, "dim": 1, "arrays": {}})
    assert one_d.plot_all(tmp_path / "empty") == []
