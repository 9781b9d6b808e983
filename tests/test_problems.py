"""Every shipped problem loads, and every one with an exact solution solves to a recorded accuracy.

Budgets are small (seconds each); the thresholds hold ~4× headroom over what these budgets
reach on a 2-core machine (measured values in the comments). validation/README.md has the
numbers at the default settings.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from pinnsolve import load_problem
from pinnsolve.run import RunOptions, solve

PROBLEMS = Path(__file__).resolve().parents[1] / "problems"

#: problem, method, settings, Adam steps, L-BFGS steps, max L2 relative error (measured)
CASES = [
    ("decay", "trial", dict(width=16, depth=2, points=64), 200, 100, 2.5e-4),  # 4.9e-5
    ("decay", "pinn", dict(width=16, depth=2, points=64), 300, 200, 5e-5),  # 6.3e-6
    ("logistic", "trial", dict(width=16, depth=2, points=64), 200, 100, 4e-4),  # 7.2e-5
    ("poisson1d", "trial", dict(width=16, depth=2, points=64), 200, 100, 1e-4),  # 1.7e-5
    ("oscillator", "trial", dict(width=32, depth=3, points=256), 500, 300, 2e-4),  # 4.0e-5
    ("heat1d", "trial", dict(width=16, depth=2, points=256), 300, 200, 8e-3),  # 1.7e-3
    ("heat1d", "pinn", dict(width=16, depth=3, points=512), 500, 300, 5e-2),  # 1.6e-2
    ("wave1d", "trial", dict(width=16, depth=3, points=256), 300, 200, 3e-3),  # 6.3e-4
    ("poisson2d", "trial", dict(width=16, depth=3, points=256), 300, 200, 1e-3),  # 2.0e-4
    ("poisson_disk", "pinn", dict(width=16, depth=3, points=256), 300, 200, 2.5e-2),  # 5.6e-3
    ("heat_neumann", "pinn", dict(width=16, depth=3, points=512), 500, 300, 2.5e-3),  # 4.9e-4
    ("inverse_diffusivity", "pinn", dict(width=16, depth=3, points=256), 300, 200, 3e-3),  # 7.7e-4
]


@pytest.mark.parametrize("path", sorted(PROBLEMS.glob("*.py")), ids=lambda p: p.stem)
def test_every_problem_file_loads_and_says_what_it_is(path):
    problem = load_problem(path)
    summary = problem.doc.splitlines()[0] if problem.doc else ""
    assert summary.strip() and len(summary) <= 120, "each problem opens with a one-line docstring"
    result = subprocess.run(
        [sys.executable, "-m", "pinnsolve.cli", "show", str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and "equations:" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name,method,settings,steps,lbfgs,threshold", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_solves_to_recorded_accuracy(tmp_path, name, method, settings, steps, lbfgs, threshold):
    problem = load_problem(PROBLEMS / f"{name}.py")
    options = RunOptions(method=method, settings={**settings, "steps": steps, "lbfgs_steps": lbfgs})
    result = solve(problem, options, out=tmp_path / "run", plain=True, stream=io.StringIO())
    assert result.metrics["l2_relative_error"] <= threshold, result.metrics
