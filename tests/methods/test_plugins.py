"""Methods are registered plugins: settings with help, flags and suite keys from them, fd among them."""

from __future__ import annotations

import json
import shutil

import pytest

from pinnsolve import load_problem
from pinnsolve.cli import build_parser, main
from pinnsolve.errors import SettingsError
from pinnsolve.methods import METHODS, NeuralMethod, get_method, settings_fields
from pinnsolve.methods.options import make_settings
from pinnsolve.reference import run_reference
from pinnsolve.run import RunOptions, solve

#: the flags users rely on: each must still parse
FLAGS = [
    "--width",
    "--depth",
    "--activation",
    "--init",
    "--points",
    "--boundary-points",
    "--sampler",
    "--weight",
    "--derivatives",
    "--compile",
    "--physics-weight",
    "--horizon",
    "--cell",
    "--losses",
    "--latent",
    "--encoder",
    "--vary",
    "--steps",
    "--lbfgs-steps",
    "--lr",
    "--seed",
    "--threads",
    "--dtype",
    "--device",
    "--grid",
    "--set",
    "--out",
    "--quiet",
    "--resume",
]


def test_every_method_is_registered_with_documented_settings():
    assert {"pinn", "trial", "ffnn", "rnn", "autoencoder", "fd"} <= set(METHODS)
    for name, method in METHODS.items():
        assert get_method(name).name == name and method.summary
        for f in settings_fields(method.settings_type):
            assert f.metadata.get("help"), (name, f.name)
    assert all(issubclass(METHODS[m], NeuralMethod) for m in ("pinn", "trial", "ffnn", "rnn", "autoencoder"))


def test_help_has_one_group_per_method_and_every_old_flag():
    solve = build_parser()._subparsers._group_actions[0].choices["solve"]
    titles = {g.title for g in solve._action_groups}
    assert {f"--method {m}" for m in METHODS} <= titles
    text = solve.format_help()
    for flag in FLAGS:
        assert flag in text, flag


def test_a_flag_the_method_lacks_is_refused_naming_its_settings(problems_dir, tmp_path, capsys):
    assert (
        main(
            ["solve", str(problems_dir / "decay.py"), "--method", "fd", "--width", "8", "--out", str(tmp_path / "run")]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "--width" in err and "not a setting of --method fd" in err and "--scheme" in err
    assert not (tmp_path / "run").exists()
    with pytest.raises(SettingsError, match=r"latent \(a setting of autoencoder\): not a setting of --method pinn"):
        make_settings("pinn", {"latent": 2}, source="key")
    with pytest.raises(SettingsError, match="whole number"):
        make_settings("pinn", {"width": 2.5}, source="key")
    assert make_settings("pinn", {"weights": ["bc=10", "pde=2"]}).weights == {"bc": 10.0, "pde": 2.0}


def test_fd_through_the_runner_matches_the_reference_command(problems_dir, tmp_path):
    problem = load_problem(problems_dir / "heat1d.py")
    run = solve(problem, RunOptions(method="fd", grid={"x": 41, "t": 21}), out=tmp_path / "fd")
    ref = json.loads(
        (run_reference(problem, out=tmp_path / "ref", grid={"x": 41, "t": 21}) / "metrics.json").read_text()
    )
    assert run.metrics["l2_relative_error"] == ref["l2_relative_error"] < 1e-3
    config = json.loads((run.run_dir / "config.json").read_text())
    assert config["result"] == "solution" and config["settings"] == {"scheme": "auto", "dt": None}
    assert config["provenance"]["problem_sha256"] and "versions" not in config


def test_an_existing_out_is_refused_unless_overwrite(problems_dir, tmp_path, capsys):
    argv = ["solve", str(problems_dir / "decay.py"), "--method", "fd", "--grid", "x=51", "--out", str(tmp_path)]
    (tmp_path / "old.txt").write_text("an earlier run")
    assert main(argv) == 2 and "--overwrite" in capsys.readouterr().err
    assert main([*argv, "--overwrite"]) == 0 and not (tmp_path / "old.txt").exists()


@pytest.mark.parametrize(
    "method, extra", [("pinn", ["--width", "8", "--depth", "2", "--points", "32"]), ("rnn", ["--grid", "x=11"])]
)
def test_plot_redraws_every_figure_of_a_run(problems_dir, tmp_path, method, extra):
    run = tmp_path / method
    assert (
        main(
            [
                "solve",
                str(problems_dir / "decay.py"),
                "--method",
                method,
                "--steps",
                "20",
                "--lbfgs-steps",
                "5",
                "--threads",
                "1",
                "--quiet",
                "--out",
                str(run),
                *extra,
            ]
        )
        == 0
    )
    drawn = sorted(p.name for p in (run / "plots").iterdir())
    assert "loss.png" in drawn and "solution.png" in drawn
    if method == "rnn":
        assert "error_growth.png" in drawn  # the surrogate's own figure, from the curve in solution.npz
    shutil.rmtree(run / "plots")
    assert main(["plot", str(run)]) == 0
    assert sorted(p.name for p in (run / "plots").iterdir()) == drawn


def test_a_run_leaves_threads_and_random_state_alone(problems_dir, tmp_path):
    import torch

    torch.set_num_threads(1)
    state = torch.random.get_rng_state()
    run = solve(
        load_problem(problems_dir / "decay.py"),
        RunOptions(settings={"steps": 5, "lbfgs_steps": 0, "width": 4, "depth": 1, "points": 16}, seed=3),
        out=tmp_path / "run",
        plain=True,
    )
    assert torch.get_num_threads() == 1 and torch.equal(torch.random.get_rng_state(), state)
    again = solve(
        load_problem(problems_dir / "decay.py"),
        RunOptions(settings={"steps": 5, "lbfgs_steps": 0, "width": 4, "depth": 1, "points": 16}, seed=3),
        out=tmp_path / "again",
        plain=True,
    )
    assert run.metrics["final_loss"] == again.metrics["final_loss"]  # the seed alone decides the run
