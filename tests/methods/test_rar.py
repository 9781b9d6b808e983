"""--rar for the pinn method: what auto picks, what config.json records, collocation.npz, and --resume."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import torch

from pinnsolve import load_problem
from pinnsolve.errors import RunInterrupted, SettingsError
from pinnsolve.io.collocation import COLLOCATION_FILE, load_collocation
from pinnsolve.methods.neural import build_setup
from pinnsolve.methods.options import make_settings
from pinnsolve.methods.rar import is_nonlinear_evolution, plan_refinement
from pinnsolve.run import RunOptions, solve

SMALL = {"points": 128, "width": 8, "depth": 2, "steps": 40, "lbfgs_steps": 5, "rar_every": 10, "rar_points": 16}


@pytest.mark.parametrize(
    ("name", "nonlinear"),
    [("burgers1d", True), ("heat1d", False), ("poisson2d", False), ("wave1d", False), ("lorenz", False)],
)
def test_auto_picks_nonlinear_evolution_equations(problems_dir, name, nonlinear) -> None:
    assert is_nonlinear_evolution(load_problem(problems_dir / f"{name}.py")) is nonlinear


def test_choice_and_its_reason_are_recorded(problems_dir) -> None:
    burgers = load_problem(problems_dir / "burgers1d.py")
    on = build_setup("pinn", burgers, {"points": 64, "width": 8})
    record = on.choices["adaptive_points"]
    assert record["mode"].startswith("RAR-D (auto: a nonlinear evolution equation")
    assert (record["every"], record["points_per_round"], record["pool"]) == (200, 3, 512)
    assert len(on.callbacks) == 1
    heat = build_setup("pinn", load_problem(problems_dir / "heat1d.py"), {"points": 64, "width": 8})
    assert heat.choices["adaptive_points"].startswith("off (auto:") and heat.callbacks == []
    assert build_setup("pinn", burgers, {"points": 64, "rar": "off"}).choices["adaptive_points"] == "off"
    compiled = build_setup("pinn", burgers, {"points": 64, "compile": True}).choices["adaptive_points"]
    assert compiled.startswith("off (auto: --compile")
    forced = build_setup("pinn", load_problem(problems_dir / "heat1d.py"), {"points": 64, "rar": "on"})
    assert forced.choices["adaptive_points"]["mode"] == "RAR-D (on)"


def test_distributed_runs_keep_their_points(problems_dir) -> None:
    burgers = load_problem(problems_dir / "burgers1d.py")
    auto = make_settings("pinn", {"points": 64}, source="key")
    assert plan_refinement(burgers, auto, None, 64, 0, distributed=True) == (
        None,
        "off (auto: not available in distributed training)",
    )
    with pytest.raises(SettingsError, match="--rar on adds collocation points .* shards"):
        plan_refinement(burgers, make_settings("pinn", {"rar": "on"}, source="key"), None, 64, 0, distributed=True)


def test_bad_period_is_refused_by_flag(problems_dir) -> None:
    with pytest.raises(SettingsError, match="rar_every 0 is out of range"):
        build_setup("pinn", load_problem(problems_dir / "burgers1d.py"), {"points": 64, "rar_every": 0})


def _solve(problem, out, callbacks=(), resume=None):
    options = RunOptions(method="pinn", settings=make_settings("pinn", SMALL, source="key"), threads=1)
    return solve(
        problem, options, out=out if resume is None else None, resume_dir=resume, plain=True,
        stream=io.StringIO(), callbacks=callbacks, plots=False,
    )  # fmt: skip


@pytest.mark.slow
def test_run_writes_added_points_and_records_the_choice(problems_dir, tmp_path) -> None:
    problem = load_problem(problems_dir / "burgers1d.py")
    result = _solve(problem, tmp_path / "run")
    sets, coords = load_collocation(tmp_path / "run" / COLLOCATION_FILE)
    assert coords == ("x", "t")
    assert sets["added"].shape == (4 * 16, 2)  # rounds after Adam steps 10, 20, 30, 40
    assert sets["interior"].shape == (128, 2) and {"boundary_bc", "initial_ic"} <= set(sets)
    assert np.all(np.abs(sets["added"][:, 0]) <= 1) and np.all((sets["added"][:, 1] >= 0) & (sets["added"][:, 1] <= 1))
    assert result.metrics["added_points"] == 64
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["choices"]["adaptive_points"]["points_per_round"] == 16
    assert config["settings"]["rar"] == "auto"


class _StopAt:
    """Ctrl-C at a given step (the run saves its checkpoint and raises RunInterrupted)."""

    def __init__(self, step: int) -> None:
        self.step = step

    def on_start(self, trainer) -> None:
        pass

    def on_step(self, trainer, record) -> None:
        if trainer.step == self.step:
            raise KeyboardInterrupt

    def on_end(self, trainer) -> None:
        pass


@pytest.mark.slow
def test_resume_continues_with_the_points_added_before(problems_dir, tmp_path) -> None:
    problem = load_problem(problems_dir / "burgers1d.py")
    whole = _solve(problem, tmp_path / "whole")
    with pytest.raises(RunInterrupted):
        _solve(problem, tmp_path / "cut", callbacks=[_StopAt(25)])
    resumed = _solve(problem, None, resume=tmp_path / "cut")
    a, _ = load_collocation(tmp_path / "whole" / COLLOCATION_FILE)
    b, _ = load_collocation(tmp_path / "cut" / COLLOCATION_FILE)
    np.testing.assert_array_equal(a["added"], b["added"])
    assert resumed.metrics["final_loss"] == pytest.approx(whole.metrics["final_loss"], rel=1e-9)
    for p, q in zip(whole.model.state_dict().values(), resumed.model.state_dict().values()):
        assert torch.allclose(p, q, rtol=1e-9, atol=1e-12)
