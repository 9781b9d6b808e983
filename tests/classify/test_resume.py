"""`pinnsolve classify` through the one runner: the run directory rule, checkpoints, SIGTERM and --resume.

A run stopped after its dataset (or part of it) and some folds are written resumes without solving
those chunks or training those folds again, and ends with the metrics of a run that was never stopped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pinnsolve.classify import crossval, dataset
from pinnsolve.cli import main

#: Burgers at 100 amplitudes: two batched chunks of 50 samples, three folds
ARGS = ["--vary", "A=0.2:0.45:100", "--folds", "3", "--quiet", "--threads", "1"]
TIMES = {"wall_time_s", "solve_time_s", "train_time_s"}


def _classify(problems_dir: Path, out: Path, *extra: str) -> int:
    return main(["classify", str(problems_dir / "regimes" / "burgers_shock.py"), *ARGS, "--out", str(out), *extra])


def _metrics(run: Path) -> dict:
    """The run's metrics without its timings (equal to a never-stopped run's up to summation order: the
    resumed run reads chunks back from disk, whose arrays may sit differently in memory)."""
    return {k: v for k, v in json.loads((run / "metrics.json").read_text()).items() if k not in TIMES}


def _assert_same_metrics(resumed: dict, whole: dict) -> None:
    assert resumed.keys() == whole.keys()
    for key, value in whole.items():
        if isinstance(value, float):
            assert resumed[key] == pytest.approx(value, rel=1e-12, abs=1e-15), key
        else:
            assert resumed[key] == value, key


@pytest.fixture
def uninterrupted(problems_dir: Path, tmp_path: Path) -> dict:
    assert _classify(problems_dir, tmp_path / "whole") == 0
    return _metrics(tmp_path / "whole")


def test_stopped_after_a_fold_resumes_without_solving_and_ends_alike(
    problems_dir, tmp_path, monkeypatch, uninterrupted
):
    out = tmp_path / "stopped"
    real_fit = crossval.fit_model
    calls = []

    def fit_then_stop(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the second fold: as if SIGTERM or Ctrl-C came while it trained
            raise KeyboardInterrupt
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(crossval, "fit_model", fit_then_stop)
    assert _classify(problems_dir, out) == 130
    assert sorted(p.name for p in (out / "dataset").iterdir()) == ["chunk-0000.npz", "chunk-0001.npz"]
    assert sorted(p.name for p in (out / "folds").iterdir()) == ["fold-00.npz"]
    assert not (out / "metrics.json").exists()

    monkeypatch.setattr(crossval, "fit_model", lambda *a, **k: (calls.append(1), real_fit(*a, **k))[1])
    monkeypatch.setattr(dataset.BatchedReference, "solve", _must_not_solve)
    calls.clear()
    assert main(["classify", "--resume", str(out), "--quiet", "--threads", "1"]) == 0
    assert len(calls) == 2  # folds 1 and 2 only; fold 0 was read back (the final model is fitted by models.fit_model)
    _assert_same_metrics(_metrics(out), uninterrupted)
    assert json.loads((out / "config.json").read_text())["choices"]["chunks"].startswith("2 (2 read back")


def test_stopped_while_solving_keeps_the_solved_chunk(problems_dir, tmp_path, monkeypatch, uninterrupted):
    out = tmp_path / "stopped"
    real_save = dataset.DatasetStore.save

    def save_then_stop(self, index, *args):
        real_save(self, index, *args)
        raise KeyboardInterrupt

    monkeypatch.setattr(dataset.DatasetStore, "save", save_then_stop)
    assert _classify(problems_dir, out) == 130
    assert [p.name for p in (out / "dataset").iterdir()] == ["chunk-0000.npz"]
    monkeypatch.setattr(dataset.DatasetStore, "save", real_save)
    solved = []
    real_solve = dataset.BatchedReference.solve

    def counted(self, values):
        solved.append(len(values))
        return real_solve(self, values)

    monkeypatch.setattr(dataset.BatchedReference, "solve", counted)
    assert main(["classify", "--resume", str(out), "--quiet", "--threads", "1"]) == 0
    assert solved == [50]  # only the second chunk
    _assert_same_metrics(_metrics(out), uninterrupted)


def test_out_holding_a_run_is_refused_unless_overwrite(problems_dir, tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    (out / "metrics.json").write_text("{}")
    assert _classify(problems_dir, out) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert (out / "metrics.json").read_text() == "{}"


def test_resume_of_a_folder_that_is_not_a_classify_run(tmp_path, capsys):
    (tmp_path / "config.json").write_text(json.dumps({"method": "pinn", "problem": {"file": "x.py"}}))
    assert main(["classify", "--resume", str(tmp_path)]) == 2
    assert "not that of a pinnsolve classify run" in capsys.readouterr().err


def _must_not_solve(self, variants):
    raise AssertionError("a cached chunk was solved again")


@pytest.mark.slow
def test_sigterm_saves_and_resume_ends_alike(problems_dir, tmp_path):
    """A real SIGTERM (what timeout and SLURM send) once the first fold is on disk; exit 130, then --resume."""
    out = tmp_path / "killed"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(Path(crossval.__file__).parents[2])}
    command = [sys.executable, "-m", "pinnsolve", "classify", str(problems_dir / "regimes" / "burgers_shock.py")]
    # the mlp's folds (at most 40 epochs) take long enough to be caught between the first and the last
    mlp = ["--model", "mlp", "--epochs", "40"]
    proc = subprocess.Popen([*command, *ARGS, *mlp, "--out", str(out)], env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not (out / "folds" / "fold-00.npz").exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err.decode()
    assert b"pinnsolve classify --resume" in err
    assert (out / "dataset" / "chunk-0001.npz").exists() and not (out / "metrics.json").exists()
    assert main(["classify", "--resume", str(out), "--quiet", "--threads", "1"]) == 0
    whole = tmp_path / "whole-mlp"
    assert _classify(problems_dir, whole, *mlp) == 0
    assert _metrics(out) == _metrics(whole)
