"""--loss-weights through the runner: the weight columns of history.csv, the choice in config.json, resume."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from pinnsolve import load_problem
from pinnsolve.methods.adaptive_weights import auto_rule
from pinnsolve.methods.neural import build_setup
from pinnsolve.run import RunInterrupted, RunOptions, solve
from pinnsolve.train import Trainer

SMALL = {"width": 8, "depth": 2, "points": 32, "constraints": "soft"}


def _decay(problems_dir):
    return load_problem(problems_dir / "decay.py")


@pytest.mark.slow
def test_annealing_run_writes_its_weights_per_step_and_records_the_choice(problems_dir, tmp_path) -> None:
    options = RunOptions(settings={**SMALL, "steps": 210, "lbfgs_steps": 3, "loss_weights": "annealing"}, threads=1)
    solve(_decay(problems_dir), options, out=tmp_path / "run", plain=True, stream=io.StringIO())
    text = (tmp_path / "run" / "history.csv").read_text().splitlines()
    header = text[0].split(",")
    rows = [dict(zip(header, line.split(","))) for line in text[1:]]
    assert {"weight_pde", "weight_ic"} <= set(header)
    ic = np.array([float(r["weight_ic"]) for r in rows])
    # updated after steps 100 and 200: step 101 is the first trained with the new weight
    changes = np.flatnonzero(ic[1:] != ic[:-1]) + 2
    assert changes.tolist() == [101, 201] and ic[0] == 1.0
    assert all(float(r["weight_pde"]) == 1.0 for r in rows)
    assert len({r["weight_ic"] for r in rows if r["phase"] == "lbfgs"}) == 1
    chosen = json.loads((tmp_path / "run" / "config.json").read_text())["choices"]["loss_weights"]
    assert chosen == {
        "rule": "annealing",
        "every": 100,
        "alpha": 0.9,
        "mean_gradient": "of L_i (the paper's equations)",
        "why": "given by --loss-weights",
    }
    assert (tmp_path / "run" / "plots" / "loss.png").is_file()


@pytest.mark.slow
def test_relobralo_run_resumed_after_ctrl_c_equals_the_uninterrupted_one(problems_dir, tmp_path, monkeypatch) -> None:
    problem = _decay(problems_dir)
    options = RunOptions(settings={**SMALL, "steps": 30, "lbfgs_steps": 4, "loss_weights": "relobralo"}, threads=1)
    a = solve(problem, options, out=tmp_path / "a", plain=True, stream=io.StringIO())
    original = Trainer._evaluate

    def interrupted(self):  # Ctrl-C as step 16 begins
        if self.step == 15:
            raise KeyboardInterrupt
        return original(self)

    monkeypatch.setattr(Trainer, "_evaluate", interrupted)
    with pytest.raises(RunInterrupted):
        solve(problem, options, out=tmp_path / "c", plain=True, stream=io.StringIO())
    monkeypatch.setattr(Trainer, "_evaluate", original)
    c = solve(problem, options, plain=True, stream=io.StringIO(), resume_dir=tmp_path / "c")
    assert [r["step"] for r in c.history] == list(range(1, 35))
    for key in ("weight_pde", "weight_ic", "loss"):
        assert [r[key] for r in c.history] == pytest.approx([r[key] for r in a.history], rel=1e-12)
    assert len({r["weight_ic"] for r in a.history}) > 10  # the weights did move
    np.testing.assert_allclose(c.solution.fields["g"], a.solution.fields["g"], rtol=1e-12)


def test_fixed_weights_add_no_columns(problems_dir, tmp_path) -> None:
    options = RunOptions(settings={**SMALL, "steps": 5, "lbfgs_steps": 0, "loss_weights": "fixed"}, threads=1)
    solve(_decay(problems_dir), options, out=tmp_path / "run", plain=True, stream=io.StringIO())
    assert "weight_" not in (tmp_path / "run" / "history.csv").read_text().splitlines()[0]
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["choices"]["loss_weights"] == "fixed (given by --loss-weights)"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("heat1d", "annealing-scaled"),
        ("burgers1d", "annealing-scaled"),
        ("wave1d", "annealing-scaled"),
        ("poisson2d", "fixed"),
        ("lorenz", "fixed"),
        ("inverse_diffusivity", "fixed"),
    ],
)
def test_auto_picks_per_problem_class_and_records_why(problems_dir, name, expected) -> None:
    problem = load_problem(problems_dir / f"{name}.py")
    setup = build_setup("pinn", problem, {"points": 64})
    chosen = setup.choices["loss_weights"]
    rule, why = auto_rule(problem, setup.objective.terms)
    assert rule == expected and why in str(chosen)
    if expected == "fixed":
        assert chosen == f"fixed ({why})" and setup.objective.loss_weights is None
    else:
        assert chosen["rule"] == expected and setup.objective.loss_weights.scaled


def test_auto_keeps_condition_weights_the_user_gave(problems_dir) -> None:
    problem = load_problem(problems_dir / "heat1d.py")
    setup = build_setup("pinn", problem, {"points": 64, "weights": {"bc": 10.0}})
    assert setup.objective.loss_weights is None
    assert setup.choices["loss_weights"] == "fixed (the condition weights given by --weight (bc) are kept)"
    assert build_setup("pinn", problem, {"points": 64, "weights": {"pde": 2.0}}).objective.loss_weights is not None


def test_auto_keeps_fixed_weights_before_gauss_newton(problems_dir) -> None:
    problem = load_problem(problems_dir / "heat1d.py")
    chain = {"points": 64, "optimizer": "adam:20,gauss-newton:5"}
    setup = build_setup("pinn", problem, chain)
    assert setup.objective.loss_weights is None and "Gauss–Newton" in setup.choices["loss_weights"]
    given = build_setup("pinn", problem, {**chain, "loss_weights": "annealing-scaled"})
    assert given.objective.loss_weights is not None  # asked for by name: kept
