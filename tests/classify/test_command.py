"""`pinnsolve classify` end to end on the damped oscillator, and `--predict` with the saved model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pinnsolve.classify.dataset import solve_point
from pinnsolve.cli import main
from pinnsolve.dsl import load_problem

KEYS = {
    "accuracy",
    "balanced_accuracy",
    "accuracy_outside_band",
    "boundary_error",
    "roc_auc",
    "expected_calibration_error",
    "confusion_matrix",
}


@pytest.mark.slow
def test_classify_the_oscillator_then_predict(problems_dir, tmp_path, capsys):
    problem_file = problems_dir / "regimes" / "damped_oscillator.py"
    out = tmp_path / "run"
    assert (
        main(
            ["classify", str(problem_file), "--vary", "gamma=0.5:1.5:300", "--folds", "3", "--out", str(out), "--quiet"]
        )
        == 0
    )
    metrics = json.loads((out / "metrics.json").read_text())
    assert KEYS <= set(metrics)
    assert metrics["accuracy_outside_band"] >= 0.97
    assert metrics["boundary_error"] < 0.02
    config = json.loads((out / "config.json").read_text())
    assert config["result"] == "labels" and config["method"] == "classify" and config["seed"] == 0
    assert config["choices"]["noise"].startswith("0.01 (the problem file's")  # what the method chose, and why
    assert "provenance" in config and config["choices"]["model_spec"]["model"] == "logistic"
    assert set(config["choices"]["regimes"]) == {"underdamped", "overdamped"}
    assert {p.name for p in (out / "plots").iterdir()} == {
        "decision_map.png",
        "confusion.png",
        "calibration.png",
        "misclassified.png",
    }
    problem = load_problem(problem_file)
    x = np.stack([solve_point(problem.with_parameters({"gamma": g}), {"t": 101}).fields["x"] for g in (0.6, 1.4)])
    np.savez(tmp_path / "data.npz", x=x)
    np.savetxt(tmp_path / "data.csv", x, delimiter=",")
    capsys.readouterr()
    for data in ("data.npz", "data.csv"):
        assert main(["classify", "--predict", str(out), str(tmp_path / data)]) == 0
        rows = capsys.readouterr().out.strip().splitlines()
        assert rows[0] == "index,label,p_underdamped,p_overdamped"
        assert [r.split(",")[1] for r in rows[1:]] == ["underdamped", "overdamped"]
        assert float(rows[1].split(",")[2]) > 0.9


@pytest.mark.slow
@pytest.mark.parametrize("model", ["mlp", "cnn", "rnn"])
def test_torch_models_learn_the_oscillator(problems_dir, tmp_path, model):
    out = tmp_path / model
    assert (
        main(
            [
                "classify",
                str(problems_dir / "regimes" / "damped_oscillator.py"),
                "--vary",
                "gamma=0.5:1.5:96",
                "--grid",
                "t=26",
                "--model",
                model,
                "--folds",
                "2",
                "--lookback",
                "4",
                "--epochs",
                "25",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["accuracy"] > 0.85
    history = (out / "history.csv").read_text().splitlines()
    assert history[0] == "epoch,train_loss,val_loss" and len(history) >= 1 + 5  # look-back 4: at least 5 epochs


def test_label_flag_replaces_the_file_regimes_and_bad_flags_are_refused(problems_dir, tmp_path, capsys):
    problem_file = str(problems_dir / "regimes" / "damped_oscillator.py")
    code = main(
        [
            "classify",
            problem_file,
            "--label",
            "slow=gamma < nu",
            "--label",
            "fast=gamma > 1",
            "--out",
            str(tmp_path / "a"),
        ]
    )
    assert code == 2 and "'nu', which is not a parameter" in capsys.readouterr().err
    code = main(
        [
            "classify",
            problem_file,
            "--label",
            "slow=gamma < 1.2",
            "--label",
            "fast=gamma > 0.8",
            "--out",
            str(tmp_path / "b"),
        ]
    )
    assert code == 2 and "overlap" in capsys.readouterr().err
    code = main(
        [
            "classify",
            problem_file,
            "--vary",
            "gamma=0.5:1.5:40",
            "--model",
            "cnn",
            "--features",
            "latent",
            "--out",
            str(tmp_path / "c"),
            "--quiet",
        ]
    )
    assert code == 2 and "latent" in capsys.readouterr().err
