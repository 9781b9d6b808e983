"""pinnsolve tune end to end on a tiny problem: the study, its files, resuming, rerunning the best."""

from __future__ import annotations

import csv
import json
import math
import shlex
from types import SimpleNamespace

import optuna
import pytest

from pinnsolve import load_problem
from pinnsolve.cli import main
from pinnsolve.train.records import StepRecord
from pinnsolve.tune.objective import PruningReporter, choose_validation
from pinnsolve.tune.space import parse_space, sample

SPACE = "width=4:16,depth=1:2,lr=1e-3:3e-2:log,activation=tanh|sin,steps=60,lbfgs_steps=0,points=32"


def tune(problem, out, *extra):
    return main(["tune", str(problem), "--trials", "3", "--space", SPACE, "--threads", "1", "--out", str(out), *extra])


@pytest.mark.slow
def test_a_study_writes_its_results_and_the_best_reruns_to_its_score(problems_dir, tmp_path, capsys):
    out = tmp_path / "study"
    assert tune(problems_dir / "decay.py", out, "--pruner", "none") == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_trials"] == 3 and metrics["n_pruned"] == 0 and metrics["n_complete"] == 3
    assert "exact solution" in metrics["objective_source"] and "exact solution" in capsys.readouterr().out
    with open(out / "trials.csv") as f:
        table = list(csv.DictReader(f))
    values = [float(r["value"]) for r in table]
    assert metrics["best_value"] == min(values) and 0 < metrics["best_value"] < 1
    assert set(metrics["best_params"]) == {"width", "depth", "lr", "activation"}
    for name in ("optimisation_history.png", "importances.png", "best_solution.png"):
        assert (out / "plots" / name).stat().st_size > 1000
    best = json.loads((out / "best_config.json").read_text())
    assert best["settings"]["steps"] == 60 and best["settings"]["width"] == metrics["best_params"]["width"]
    # the printed command, run as is, trains the same network to the same error
    words = shlex.split(metrics["best_command"])
    assert words[:2] == ["pinnsolve", "solve"] and main(words[1:]) == 0
    rerun = json.loads((out / "best-rerun" / "metrics.json").read_text())
    assert math.isclose(rerun["l2_relative_error"], metrics["best_value"], rel_tol=1e-9)


@pytest.mark.slow
def test_the_same_command_continues_the_study(problems_dir, tmp_path):
    out = tmp_path / "study"
    assert tune(problems_dir / "decay.py", out, "--sampler", "random") == 0
    assert (
        main(
            [
                "tune",
                str(problems_dir / "decay.py"),
                "--trials",
                "4",
                "--space",
                SPACE,
                "--threads",
                "1",
                "--out",
                str(out),
                "--sampler",
                "random",
            ]
        )
        == 0
    )
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_trials"] == 4
    assert sorted(p.name for p in (out / "trials").glob("trial-*[0-9]")) == [f"trial-{k:04d}" for k in range(4)]


@pytest.mark.slow
def test_two_workers_share_one_sqlite_study(problems_dir, tmp_path):
    out = tmp_path / "study"
    assert (
        main(
            [
                "tune",
                str(problems_dir / "decay.py"),
                "--trials",
                "2",
                "--space",
                SPACE,
                "--threads",
                "2",
                "--out",
                str(out),
                "--workers",
                "2",
                "--sampler",
                "cmaes",
            ]
        )
        == 0
    )
    study = optuna.load_study(study_name="decay-pinn", storage=f"sqlite:///{out / 'tune.db'}")
    assert len(study.trials) == 2 and all(t.state.name == "COMPLETE" for t in study.trials)


def test_the_pruner_stops_a_trial_from_its_measured_error():
    study = optuna.create_study(pruner=optuna.pruners.ThresholdPruner(upper=0.1))
    reporter = PruningReporter(study.ask(), use_error=True)
    reporter.on_step(None, StepRecord(99, "adam", 1.0, 5.0, {}, 1e-3, None))  # no error measured: no report
    reporter.on_step(None, StepRecord(100, "adam", 1.0, 5.0, {}, 1e-3, 0.05))
    trainer = SimpleNamespace(config=SimpleNamespace(total_steps=300))
    with pytest.raises(optuna.TrialPruned, match="step 200"):
        reporter.on_step(trainer, StepRecord(200, "adam", 1.0, 5.0, {}, 1e-3, 0.5))
    reporter.on_step(trainer, StepRecord(300, "lbfgs", 1.0, 5.0, {}, 1.0, 0.5))  # the end: scored, not pruned


def test_without_an_exact_solution_trials_are_scored_against_the_fd_reference(write_problem):
    import numpy as np

    path = write_problem("""
        from pinnsolve import D, Dirichlet, Eq, Field, Initial, Problem, Space, Time, pi, sin
        x = Space("x", 0, 1)
        t = Time("t", 0, 0.2)
        u = Field("u", x, t)
        problem = Problem("heat", equations=[Eq(D(u, t), D(u, x, 2))],
                          conditions=[Dirichlet(u, 0, on=x.boundary), Initial(u, sin(pi * x))])
    """)
    validation = choose_validation(load_problem(path), "l2", {"x": 41, "t": 11})
    assert validation.source == "reference" and "finite-difference" in validation.description
    ref = validation.reference
    x, t = np.meshgrid(ref.axes["x"], ref.axes["t"], indexing="ij")
    exact = np.sin(np.pi * x) * np.exp(-(np.pi**2) * t)
    assert np.linalg.norm(ref.fields["u"] - exact) / np.linalg.norm(exact) < 2e-3
    assert choose_validation(load_problem(path), "loss").source == "loss"


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Heartbeat of storage:UserWarning")  # the test asks for a trial by hand
def test_a_trial_cut_short_is_run_again_from_its_checkpoint(problems_dir, tmp_path):
    from pinnsolve.tune.adapter import run_trial
    from pinnsolve.tune.study import open_study, storage_url

    out = tmp_path / "study"
    (out / "trials").mkdir(parents=True)
    study = open_study(storage_url(None, out), "decay-pinn", "random")
    trial = study.ask()
    values = sample(trial, parse_space(SPACE))
    # what Ctrl-C leaves: a run directory with its checkpoint, and the trial marked failed
    first = run_trial(load_problem(problems_dir / "decay.py"), {**values, "steps": 30}, out / "trials" / "trial-0000")
    study.tell(trial, state=optuna.trial.TrialState.FAIL)
    assert tune(problems_dir / "decay.py", out, "--trials", "1", "--sampler", "random") == 0
    again = [t for t in study.trials if t.number > 0]
    assert len(again) == 1 and again[0].user_attrs["resume_from"] == 0 and again[0].state.name == "COMPLETE"
    assert again[0].user_attrs["run_dir"].endswith("trial-0000") and again[0].user_attrs["steps"] == 60
    assert first.metrics["steps"] == 30


@pytest.mark.slow
def test_without_exact_or_reference_trials_are_scored_by_the_held_out_residual(write_problem, tmp_path):
    from pinnsolve.tune.adapter import run_trial

    path = write_problem("""
        from pinnsolve import Dirichlet, Disk, Eq, Field, Problem, Space, laplacian
        x, y = Space("x"), Space("y")
        u = Field("u", x, y)
        problem = Problem("disk", equations=[Eq(-laplacian(u), 1)], domain=Disk((0, 0), 1, coords=(x, y)),
                          conditions=[Dirichlet(u, 0, on="boundary")])
    """)
    problem = load_problem(path)
    validation = choose_validation(problem, "l2")
    assert validation.source == "residual" and "not a box" in validation.notes[0]
    settings = {"width": 16, "depth": 2, "points": 256, "lbfgs_steps": 0, "lr": 0.01}
    untrained = run_trial(problem, {**settings, "steps": 1}, tmp_path / "a")
    trained = run_trial(problem, {**settings, "steps": 300}, tmp_path / "b")
    before, after = (validation.score(problem, r, "pinn", 0) for r in (untrained, trained))
    assert 0 < after < 0.2 * before
