"""A tune run killed (SIGKILL) and stopped (SIGTERM) mid-trial resumes with --resume, redoing nothing finished."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import optuna
import pytest

from pinnsolve.cli import main

SRC = str(Path(__file__).resolve().parents[2] / "src")
# trials long enough (several seconds even on an idle machine) that the signals land inside one
SPACE = "width=4:12,depth=1:2,lr=1e-3:3e-2:log,activation=tanh|sin,steps=4000,lbfgs_steps=0,points=32"


def _states(db: Path) -> dict[int, str]:
    if not db.exists():
        return {}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as con:
        try:
            return dict(con.execute("SELECT number, state FROM trials").fetchall())
        except sqlite3.OperationalError:  # the tables are not made yet
            return {}


def _start(args: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": SRC, "OMP_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, "-m", "pinnsolve", "tune", *args], env=env, stdout=subprocess.DEVNULL)


def _wait(db: Path, ready, what: str, timeout: float = 120) -> dict[int, str]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        states = _states(db)
        if ready(states):
            return states
        time.sleep(0.3)
    raise AssertionError(f"the study never reached: {what} ({_states(db)})")


@pytest.mark.slow
def test_a_killed_and_a_stopped_study_resume_to_the_wanted_trials(problems_dir, tmp_path):
    out, db = tmp_path / "study", tmp_path / "study" / "tune.db"
    first = [str(problems_dir / "decay.py"), "--trials", "2", "--space", SPACE, "--threads", "1"]
    first += ["--out", str(out), "--sampler", "random", "--pruner", "none"]
    # 1. kill -9 in the middle of the first trial: it is left RUNNING in the storage
    proc = _start(first)
    _wait(db, lambda s: "RUNNING" in s.values(), "a running trial")
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert _states(db) == {0: "RUNNING"}
    assert json.loads((out / "tune.json").read_text())["trials"] == 2
    # 2. resume; SIGTERM in the middle of the second trial stops it cleanly, with its checkpoint
    proc = _start(["--resume", str(out)])
    states = _wait(db, lambda s: "COMPLETE" in s.values() and "RUNNING" in s.values(), "one complete, one running")
    assert states[0] == "FAIL"  # the killed worker's trial is failed at once (its process is gone), not left RUNNING
    time.sleep(1.5)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 130
    states = _states(db)
    assert "RUNNING" not in states.values() and list(states.values()).count("COMPLETE") == 1
    stopped = max(n for n, s in states.items() if s == "FAIL")
    study = optuna.load_study(study_name="decay-pinn", storage=f"sqlite:///{db}")
    done = next(t for t in study.trials if t.state.name == "COMPLETE")
    stopped_dir = Path(study.trials[stopped].user_attrs["run_dir"])
    assert (stopped_dir / "checkpoint.pt").is_file()
    # 3. resume again: the stopped trial continues from its checkpoint; the finished one is not redone
    assert main(["tune", "--resume", str(out), "--threads", "1"]) == 0
    study = optuna.load_study(study_name="decay-pinn", storage=f"sqlite:///{db}")
    complete = [t for t in study.trials if t.state.name == "COMPLETE"]
    assert len(complete) == 2 and not [t for t in study.trials if t.state.name == "RUNNING"]
    assert complete[0].number == done.number and complete[0].value == done.value
    resumed = complete[1]
    assert resumed.user_attrs["resume_from"] == stopped and resumed.user_attrs["run_dir"] == str(stopped_dir)
    assert resumed.user_attrs["steps"] == 4000
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_complete"] == 2


def test_resume_needs_a_tune_directory(tmp_path, capsys):
    assert main(["tune", "--resume", str(tmp_path)]) == 2
    assert "tune.json" in capsys.readouterr().err
    assert main(["tune", str(tmp_path / "p.py")]) == 2
    assert "--trials" in capsys.readouterr().err
