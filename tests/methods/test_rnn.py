"""The recurrent time-stepper: cells, losses, rollout, and its errors within and beyond the horizon."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from pinnsolve import load_problem
from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.methods import get_method
from pinnsolve.methods.neural import build_setup, make_context
from pinnsolve.methods.options import make_settings
from pinnsolve.methods.snapshots import trajectories
from pinnsolve.nets.recurrent import CELLS
from pinnsolve.run import RunOptions, solve

CPU = torch.device("cpu")


def run(problem, tmp_path, steps, lbfgs=0, grid=None, **settings):
    options = RunOptions(
        method="rnn", settings={**settings, "steps": steps, "lbfgs_steps": lbfgs}, threads=2, grid=grid
    )
    return solve(problem, options, out=tmp_path / "run", plain=True, stream=open("/dev/null", "w"))


def test_physics_loss_is_zero_on_the_reference_and_not_on_a_wrong_state(problems_dir):
    problem = load_problem(problems_dir / "burgers1d.py")
    setup = build_setup(
        "rnn",
        problem,
        dict(losses="physics"),
        rng=np.random.default_rng(0),
        dtype=torch.float64,
        grid={"x": 101, "t": 21},
    )
    objective = setup.objective
    reference = objective.data.states
    assert float(objective._physics(reference)) < 1e-20
    wrong = reference.clone()
    wrong[:, 10] *= 1.01
    assert float(objective._physics(wrong)) > 1e-6


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_each_cell_rolls_out_and_learns(problems_dir, cell):
    problem = load_problem(problems_dir / "heat1d.py")
    torch.manual_seed(0)
    setup = build_setup(
        "rnn",
        problem,
        dict(cell=cell, width=16),
        rng=np.random.default_rng(0),
        dtype=torch.float64,
        grid={"x": 21, "t": 11},
    )
    model, objective = setup.model, setup.objective
    rolled = model.rollout(objective.data.states[:, 0], objective.data.parameters, 10)
    assert rolled.shape == (1, 11, 19)  # 21 nodes, the two Dirichlet ends are not in the state
    before = sum(objective(model).values()).item()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(30):
        optimizer.zero_grad()
        loss = sum(objective(model).values())
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.5 * before


@pytest.mark.slow
def test_heat1d_rollout_beats_threshold_and_reports_the_horizon(problems_dir, tmp_path):
    problem = load_problem(problems_dir / "heat1d.py")
    result = run(problem, tmp_path, steps=100, lbfgs=50, grid={"x": 41, "t": 21}, width=16, horizon=0.5)
    m = result.metrics
    assert m["l2_training_horizon"] < 5e-2, m
    assert np.isfinite(m["l2_beyond_horizon"]) and m["training_horizon_t"] == pytest.approx(0.5)
    assert m["l2_relative_error"] < 0.5  # against the exact solution, extrapolation included
    assert (result.run_dir / "plots" / "error_growth.png").is_file()
    saved = json.loads((result.run_dir / "metrics.json").read_text())
    assert saved["l2_training_horizon"] == pytest.approx(m["l2_training_horizon"])
    # the Solution is the rollout on the reference grid, Dirichlet ends exact
    u = result.solution.fields["u"]
    assert u.shape == (41, 21)
    assert np.abs(u[[0, -1]]).max() == 0.0


@pytest.mark.slow
def test_an_ode_system_runs_as_a_sequence(problems_dir, tmp_path):
    problem = load_problem(problems_dir / "oscillator.py")
    result = run(problem, tmp_path, steps=100, lbfgs=50, grid={"t": 31}, width=16, horizon=1.0)
    assert result.metrics["l2_training_horizon"] < 0.1, result.metrics
    assert result.metrics["l2_beyond_horizon"] is None  # horizon 1: nothing beyond it
    assert result.solution.fields["x"].shape == (31,)


def test_vary_trains_on_several_parameter_values(problems_dir):
    problem = load_problem(problems_dir / "decay.py")
    # decay's time coordinate is called x
    setup = build_setup(
        "rnn", problem, dict(vary="gamma=1:3:3"), rng=np.random.default_rng(0), dtype=torch.float64, grid={"x": 21}
    )
    assert setup.objective.data.states.shape[:2] == (3, 21)
    assert setup.objective.data.parameters[:, 0].tolist() == [1.0, 2.0, 3.0]
    assert setup.choices["trajectories"] == [{"gamma": 1.0}, {"gamma": 2.0}, {"gamma": 3.0}]
    assert len(trajectories(problem, {"x": 21}, "rnn", "gamma", [0.5])) == 1
    # the problem's own gamma = 2 is not among 1 and 3: its solution is a rollout at an unseen value
    method, settings, context = (
        get_method("rnn"),
        make_settings("rnn", {"vary": "gamma=1:3:2"}),
        make_context(grid={"x": 21}),
    )
    unseen = method.build(problem, settings, context)
    assert unseen.objective.data.parameters[:, 0].tolist() == [1.0, 3.0]
    solution = method.result(problem, settings, context, unseen)
    assert solution.method == "rnn" and solution.fields["g"].shape == (21,)
    assert solution.exact["g"][-1] == pytest.approx(10 * np.exp(-2.0), rel=1e-12)  # exact at gamma = 2


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"losses": "teacher,energy"}, "teacher, rollout, physics"),
        ({"cell": "mlp"}, "elman, gru, lstm"),
        ({"horizon": 1.5}, "must lie in"),
        ({"vary": "kappa=1:2:3"}, "not a parameter"),
        ({"losses": "physics", "physics_weight": 0.0}, "positive weight"),
        ({"losses": "teacher", "physics_weight": 1.0}, "add physics to --losses"),
    ],
)
def test_bad_settings_are_refused_with_the_fix(problems_dir, tmp_path, settings, message):
    problem = load_problem(problems_dir / "decay.py")
    with pytest.raises(PinnsolveError, match=message):
        run(problem, tmp_path, steps=1, grid={"x": 11}, **settings)


def test_a_physics_weight_alone_adds_the_physics_loss(problems_dir):
    setup = build_setup(
        "rnn",
        load_problem(problems_dir / "decay.py"),
        dict(physics_weight=0.5),
        rng=np.random.default_rng(0),
        dtype=torch.float64,
        grid={"x": 11},
    )
    assert setup.objective.names == ["teacher", "rollout", "physics"] and setup.choices["physics_weight"] == 0.5


def test_a_steady_problem_is_refused(problems_dir, tmp_path):
    with pytest.raises(PinnsolveError, match="steady"):
        run(load_problem(problems_dir / "poisson1d.py"), tmp_path, steps=1)
