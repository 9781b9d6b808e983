"""Checkpoints that survive anything: atomic saves with the previous kept, fallback from a corrupt one,
periodic saves, SIGTERM saving like Ctrl-C, and --resume after kill -9 reaching the final step."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from pinnsolve.cli import main
from pinnsolve.train import CheckpointEvery, load_checkpoint, previous_checkpoint, save_checkpoint

QUICK = ["--width", "4", "--depth", "1", "--points", "16", "--quiet", "--threads", "1"]
SRC = str(Path(__file__).resolve().parents[1] / "src")


def _state(step: int) -> dict:
    return {"model": {"w": torch.full((2,), float(step))}, "step": step}


def test_save_keeps_the_previous_and_a_corrupt_one_falls_back(tmp_path):
    path = tmp_path / "checkpoint.pt"
    save_checkpoint(_state(1), path)
    save_checkpoint(_state(2), path)
    assert load_checkpoint(path)["step"] == 2 and load_checkpoint(previous_checkpoint(path))["step"] == 1
    path.write_bytes(path.read_bytes()[:40])  # truncated, as by a full disk or a copy cut short
    notes: list[str] = []
    assert load_checkpoint(path, notify=notes.append)["step"] == 1
    assert "corrupt" in notes[0] and "checkpoint.prev.pt" in notes[0] and "step 1" in notes[0]


def test_no_whole_checkpoint_is_a_clean_error(tmp_path):
    from pinnsolve.errors import RunDirectoryError

    path = tmp_path / "checkpoint.pt"
    path.write_bytes(b"garbage")
    with pytest.raises(RunDirectoryError, match="no whole checkpoint.*unreadable.*checkpoint.prev.pt is missing"):
        load_checkpoint(path)


class _Clock:
    step = 0


def test_checkpoint_every_steps_or_seconds(monkeypatch):
    saved: list[int] = []
    trainer = _Clock()
    callback = CheckpointEvery(lambda t: saved.append(t.step), steps=5, seconds=None)
    callback.on_start(trainer)
    for trainer.step in range(1, 13):
        callback.on_step(trainer, None)
    assert saved == [5, 10]
    now = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    timed = CheckpointEvery(lambda t: saved.append(-t.step), steps=None, seconds=30)
    timed.on_start(trainer)
    now[0] += 29
    timed.on_step(trainer, None)
    now[0] += 2
    timed.on_step(trainer, None)
    assert saved[-1] == -trainer.step and timed.saves == 1


@pytest.mark.parametrize("value", ["0", "-3", "xs", "0s", ","])
def test_bad_checkpoint_every(problems_dir, tmp_path, capsys, value):
    assert (
        main(
            [
                "solve",
                str(problems_dir / "decay.py"),
                *QUICK,
                "--checkpoint-every",
                value,
                "--out",
                str(tmp_path / "run"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "--checkpoint-every" in err and "30s,500" in err and "Traceback" not in err
    assert not (tmp_path / "run").exists()


def test_resume_after_a_truncated_checkpoint_and_garbage_history(problems_dir, tmp_path, capsys):
    run = tmp_path / "run"
    args = [
        "solve",
        str(problems_dir / "decay.py"),
        *QUICK,
        "--steps",
        "30",
        "--lbfgs-steps",
        "0",
        "--checkpoint-every",
        "10",
        "--out",
        str(run),
    ]
    assert main(args) == 0
    assert (run / "checkpoint.prev.pt").is_file()
    (run / "checkpoint.pt").write_bytes((run / "checkpoint.pt").read_bytes()[:100])
    (run / "history.csv").write_text("garbage,\x01\nno step here\n")
    assert main(["solve", "--resume", str(run), "--steps", "40", "--quiet", "--threads", "1"]) == 0
    err = capsys.readouterr().err
    assert "previous checkpoint" in err and "history.csv is unreadable" in err and "Traceback" not in err
    assert json.loads((run / "metrics.json").read_text())["steps"] == 40


def _solve(args: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": SRC, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    return subprocess.Popen(
        [sys.executable, "-m", "pinnsolve.cli", "solve", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)


@pytest.mark.slow
def test_kill_9_then_resume_reaches_the_final_step(problems_dir, tmp_path):
    run = tmp_path / "run"
    steps = 3000
    proc = _solve(
        [
            str(problems_dir / "decay.py"),
            *QUICK,
            "--steps",
            str(steps),
            "--lbfgs-steps",
            "0",
            "--checkpoint-every",
            "50",
            "--out",
            str(run),
        ]
    )
    _wait_for(run / "checkpoint.pt", proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    saved = load_checkpoint(run / "checkpoint.pt")["step"]
    assert 0 < saved < steps and not (run / "metrics.json").exists()
    resumed = _solve(["--resume", str(run), "--quiet", "--threads", "1"])
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    assert json.loads((run / "metrics.json").read_text())["steps"] == steps


@pytest.mark.slow
def test_sigterm_saves_and_prints_the_resume_command(problems_dir, tmp_path):
    run = tmp_path / "run"
    proc = _solve(
        [
            str(problems_dir / "decay.py"),
            *QUICK,
            "--steps",
            "100000",
            "--lbfgs-steps",
            "0",
            "--checkpoint-every",
            "1000000",
            "--out",
            str(run),
        ]
    )
    _wait_for(run / "config.json", proc)
    time.sleep(3)  # into training
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert f"pinnsolve solve --resume {run}" in err and "Traceback" not in err
    assert load_checkpoint(run / "checkpoint.pt")["step"] > 0
