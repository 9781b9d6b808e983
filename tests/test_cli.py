"""The `pinnsolve` command and the run-directory contract other tools rely on."""

from __future__ import annotations

import json

import meshio
import numpy as np
import pytest
import torch

from pinnsolve.cli import main
from pinnsolve.io import read_history

QUICK = ["--steps", "60", "--lbfgs-steps", "10", "--width", "8", "--depth", "2", "--points", "64", "--quiet"]


def test_show_prints_what_was_understood(problems_dir, capsys):
    assert main(["show", str(problems_dir / "poisson_disk.py")]) == 0
    out = capsys.readouterr().out
    for expected in [
        "coordinates:",
        "x  space",
        "Disk",
        "fields:",
        "u(x, y)",
        "equations:",
        "-u_xx - u_yy =",
        "manufactured source terms",
        "conditions:",
        "on boundary",
        "exact solution:",
    ]:
        assert expected in out
    assert main(["show", str(problems_dir / "lorenz.py"), "--set", "rho=14"]) == 0
    assert "rho = 14" in capsys.readouterr().out


@pytest.mark.slow
def test_solve_writes_the_run_directory_contract(problems_dir, tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["solve", str(problems_dir / "heat1d.py"), *QUICK, "--grid", "x=33,t=17", "--out", str(run)]) == 0
    assert str(run) in capsys.readouterr().out
    with np.load(run / "solution.npz", allow_pickle=False) as npz:
        assert npz["x"].shape == (33,) and npz["t"].shape == (17,) and npz["u"].shape == (33, 17)
        np.testing.assert_allclose(npz["x"][[0, -1]], [0, 1])
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["method"] == "pinn" and metrics["steps"] == 70
    for key in ("l2_relative_error", "max_abs_error", "wall_time_s"):
        assert isinstance(metrics[key], float)
    assert set(metrics["fields"]["u"]) >= {"l2_relative_error", "max_abs_error"}
    config = json.loads((run / "config.json").read_text())
    assert config["seed"] == 0 and config["choices"]["train"]["steps"] == 60 and config["provenance"]["problem_sha256"]
    assert config["choices"]["derivatives"] == "taylor" and "torch" in config["provenance"]["versions"]
    threads = config["provenance"]["threads"]  # what the numerics ran with, and how it was chosen
    assert threads["torch_threads"] == torch.get_num_threads() and threads["cores_available"] >= 1
    assert "omp_wait_policy" in threads and threads["chosen"]
    history = read_history(run / "history.csv")
    assert len(history["step"]) == 70 and {"pde", "bc", "ic", "loss", "lr"} <= set(history)
    state = torch.load(run / "model.pt", weights_only=True)
    assert all(isinstance(v, torch.Tensor) for v in state.values())
    series = meshio.xdmf.TimeSeriesReader(str(run / "solution.xdmf"))
    points, _ = series.read_points_cells()
    assert len(points) == 33 and series.num_steps == 17
    for name in ("solution.png", "error.png", "loss.png"):
        assert (run / "plots" / name).stat().st_size > 5000
    assert not list(run.glob("**/*.tmp*"))
    assert main(["plot", str(run)]) == 0


@pytest.mark.slow
def test_trial_ode_writes_vtu_and_resume_extends_the_run(problems_dir, tmp_path):
    run = tmp_path / "decay"
    assert main(["solve", str(problems_dir / "decay.py"), "--method", "trial", *QUICK, "--out", str(run)]) == 0
    mesh = meshio.read(run / "solution.vtu")
    assert "g" in mesh.point_data and "exact_g" in mesh.point_data
    assert main(["solve", "--resume", str(run), "--steps", "80", "--quiet"]) == 0
    # the chain grew from adam:60,lbfgs:10 to adam:80,lbfgs:10: Adam goes on from its 60th step to its
    # 80th, then L-BFGS runs its 10 steps again on the changed model: 60 + 10 + 20 + 10 rows
    phases = read_history(run / "history.csv")["phase"]
    assert list(phases) == ["adam"] * 60 + ["lbfgs"] * 10 + ["adam"] * 20 + ["lbfgs"] * 10


def test_bad_command_lines_exit_2_with_a_message(problems_dir, tmp_path, capsys):
    heat = str(problems_dir / "heat1d.py")
    cases = [
        (["solve", heat, "--grid", "y=10"], "not a coordinate"),
        (["solve", heat, "--grid", "x=ten"], "not a whole number"),
        (["solve", heat, "--method", "trial", "--set", "nu=1"], "names no parameter"),
        (["solve", str(problems_dir / "heat_neumann.py"), "--method", "trial"], "--method pinn"),
        (["solve", "--resume", str(tmp_path)], "nothing to continue"),
        (["solve"], "needs a problem file"),
        (["plot", str(tmp_path)], "no solution.npz"),
        (["solve", heat, "--steps", "-1"], "out of range"),
    ]
    for argv, message in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err, (argv, err)
