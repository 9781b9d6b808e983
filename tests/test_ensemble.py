"""``solve --ensemble K``: which member trains where, the bootstrap of the measurements, a whole run and its resume."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest

from pinnsolve import load_problem
from pinnsolve.ensemble import member_plan, resampled, workers_and_threads
from pinnsolve.run import RunOptions, solve
from pinnsolve.solution import Solution


def test_members_are_shared_out_over_ranks_without_overlap(tmp_path):
    plans = [member_plan(tmp_path, 10, 7, rank, 3) for rank in range(3)]
    indices = sorted(m.index for plan in plans for m in plan)
    assert indices == list(range(7))
    assert [m.seed for m in plans[1]] == [11, 14]
    assert plans[2][0].path == tmp_path / "members" / "member-2"


def test_threads_are_divided_among_parallel_members():
    assert workers_and_threads(5, 1) == (1, 1)
    assert workers_and_threads(5, 2) == (2, 1)
    assert workers_and_threads(3, 8) == (3, 2)
    assert workers_and_threads(2, 16) == (2, 8)


def test_a_bootstrap_resample_draws_the_measurements_with_replacement_and_leaves_the_problem_alone(inverse_decay):
    problem = inverse_decay(exact_rate=2.0)
    data = problem.conditions[-1]
    a, b, c = resampled(problem, 3), resampled(problem, 3), resampled(problem, 4)
    new = a.conditions[-1]
    assert np.array_equal(new.values, b.conditions[-1].values) and not np.array_equal(
        new.values, c.conditions[-1].values
    )
    assert len(new.values) == len(data.values) and len(np.unique(new.values)) < len(data.values)
    index = [int(np.flatnonzero(data.values == v)[0]) for v in new.values]
    assert np.allclose(data.points[index], new.points)  # each point keeps its own value
    assert problem.conditions[-1] is data and a.conditions[0] is problem.conditions[0]


@pytest.mark.slow
def test_an_ensemble_identifies_the_rate_with_an_interval_and_resumes_without_retraining(tmp_path, inverse_decay):
    problem = inverse_decay(noise=0.02, exact_rate=2.0)
    settings = {"width": 12, "depth": 2, "points": 48, "steps": 150, "lbfgs_steps": 100}
    options = RunOptions(settings=settings, ensemble=3, threads=1)
    result = solve(problem, options, out=tmp_path / "run", plain=True, stream=io.StringIO())
    k = result.metrics["unknowns"]["k"]
    assert abs(k["mean"] - 2.0) < 0.04 and k["ci95"][0] < k["mean"] < k["ci95"][1]
    assert len(k["members"]) == 3 and k["std"] > 0
    assert result.metrics["ensemble"] == 3 and result.metrics["l2_relative_error"] < 1e-2
    with np.load(tmp_path / "run" / "samples.npz") as data:
        assert data["g"].shape == (3, len(data["t"]))
        assert np.allclose(data["mean_g"], result.result.fields["g"], atol=1e-6)
    assert (tmp_path / "run" / "plots" / "band.png").is_file()
    # resume: finished members are read back, the unfinished one continues from its checkpoint
    members = tmp_path / "run" / "members"
    kept = os.stat(members / "member-0" / "history.csv").st_mtime_ns
    (members / "member-2" / "metrics.json").unlink()
    again = solve(problem, options, resume_dir=tmp_path / "run", plain=True, stream=io.StringIO())
    assert os.stat(members / "member-0" / "history.csv").st_mtime_ns == kept
    assert (members / "member-2" / "metrics.json").is_file()
    assert again.metrics["unknowns"]["k"]["members"] == pytest.approx(k["members"], rel=1e-6)


@pytest.fixture(scope="module")
def predator_prey_ensemble(tmp_path_factory) -> tuple:
    """Two members of a tiny pinn on the Lotka–Volterra system (fields x and y): the run and its mean."""
    run = tmp_path_factory.mktemp("ensemble") / "run"
    problem = load_problem(Path(__file__).resolve().parents[1] / "problems" / "lotka_volterra.py")
    settings = {"width": 8, "depth": 1, "points": 32, "steps": 30, "lbfgs_steps": 0}
    result = solve(problem, RunOptions(settings=settings, ensemble=2, threads=1), out=run, stream=io.StringIO())
    return run, result


@pytest.mark.slow
def test_an_ensemble_of_a_system_writes_every_field_into_samples(predator_prey_ensemble):
    run, result = predator_prey_ensemble
    members = [Solution.load(run / "members" / f"member-{k}") for k in range(2)]
    with np.load(run / "samples.npz") as data:
        for name in ("x", "y"):
            stack = np.stack([m.fields[name] for m in members])
            assert data[name].shape == (2, len(data["t"])) == stack.shape
            assert np.allclose(data[f"mean_{name}"], result.result.fields[name], atol=1e-6)
            assert np.allclose(data[f"std_{name}"], stack.std(axis=0), atol=1e-6)
            assert np.max(data[f"std_{name}"]) > 0  # two seeds, two different networks


@pytest.mark.slow
def test_pinnsolve_plot_redraws_the_band_of_an_ensemble(predator_prey_ensemble, run_cli):
    from matplotlib.image import imread

    run, _ = predator_prey_ensemble
    band = run / "plots" / "band.png"
    assert band.is_file()
    band.unlink()
    code, out = run_cli(["plot", str(run)])
    assert code == 0 and str(band) in out and (run / "plots" / "solution.png").is_file()
    image = imread(band)
    assert image.ndim == 3 and image.shape[0] > 400  # two rows of panels: x and y
    band.unlink()
    code, out = run_cli(["plot", str(run), "--kind", "band"])
    assert code == 0 and out.strip() == str(band) and imread(band).shape == image.shape
