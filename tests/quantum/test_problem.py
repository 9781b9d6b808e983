"""Schrödinger problem files: they load, take --set, print their Hamiltonian, and are told apart from PDEs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pinnsolve.dsl import describe, load_problem
from pinnsolve.dsl.kinds import problem_kind
from pinnsolve.errors import ProblemError, ProblemFileError
from pinnsolve.quantum import Particles, Schrodinger, harmonic, r, x

QUANTUM = Path(__file__).resolve().parents[2] / "problems" / "quantum"
EXACT = {
    "ho_bosons": 2.0,
    "quantum_dot_2e": 3.0,
    "quantum_dot_6e": 20.1593,
    "calogero": 7.5,
    "harmonic1d": 0.5,
    "anharmonic1d": 0.6679862592,
}


@pytest.mark.parametrize("path", sorted(QUANTUM.glob("*.py")), ids=lambda p: p.stem)
def test_every_quantum_problem_loads_shows_its_hamiltonian_and_exact_energy(path):
    problem = load_problem(path)
    assert problem_kind(problem) == "schrodinger" and problem.doc.splitlines()[0]
    text = describe(problem)
    assert "Hamiltonian:" in text and "W(r)" in text
    if path.stem not in EXACT:  # the finite well: its levels come from the finite-difference reference
        assert problem.exact() is None and "exact ground-state energy: not known" in text
        return
    assert problem.exact() == pytest.approx(EXACT[path.stem])
    assert f"{EXACT[path.stem]:.10g}" in text


def test_pinnsolve_show_prints_the_hamiltonian():
    shown = subprocess.run(
        [sys.executable, "-m", "pinnsolve.cli", "show", str(QUANTUM / "quantum_dot_2e.py"), "--set", "omega=0.5"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    assert "W(r) = 1/r" in shown.stdout and "omega = 0.5" in shown.stdout and "not known" in shown.stdout


def test_set_changes_particles_and_the_exact_energy():
    problem = load_problem(QUANTUM / "ho_bosons.py", {"n": "10", "dim": "3", "omega": "0.5"})
    assert (problem.n_particles, problem.dim) == (10, 3)
    assert problem.exact() == pytest.approx(10 * 3 * 0.5 / 2)
    assert problem.trap_frequency() == pytest.approx(0.5)
    dot = load_problem(QUANTUM / "quantum_dot_2e.py", {"omega": str(1 / 6)})
    assert dot.exact() == pytest.approx(2 / 3)
    assert load_problem(QUANTUM / "quantum_dot_2e.py", {"omega": "0.5"}).exact() is None
    with pytest.raises(ProblemFileError, match="names no parameter"):
        load_problem(QUANTUM / "ho_bosons.py", {"mass": "2"})
    with pytest.raises(ProblemFileError, match="positive whole number"):
        load_problem(QUANTUM / "ho_bosons.py", {"n": "2.5"})


def test_describe_prints_the_hamiltonian_of_an_inline_problem():
    problem = Schrodinger("anharmonic", particles=Particles(1, dim=1), potential=x**4 + harmonic(1))
    text = describe(problem)
    assert "V(x) = x**4 + x**2/2" in text and "not known" in text


def test_stray_symbols_and_bad_particles_are_refused():
    with pytest.raises(ProblemError, match="uses r"):
        Schrodinger("bad", particles=Particles(2, dim=2), potential=r**2)
    with pytest.raises(ProblemError, match="statistics"):
        Particles(2, statistics="anyon")


def test_a_pde_problem_is_still_loaded_and_of_kind_pde(problems_dir):
    assert problem_kind(load_problem(problems_dir / "decay.py")) == "pde"
