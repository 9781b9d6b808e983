"""``--method vmc`` checkpoints: interrupted, then resumed, it reaches the same final iteration and numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pinnsolve.dsl import load_problem
from pinnsolve.errors import RunInterrupted
from pinnsolve.quantum import checkpoint as vmc_checkpoint
from pinnsolve.run import RunOptions, solve
from pinnsolve.train import load_checkpoint

QUANTUM = Path(__file__).resolve().parents[2] / "problems" / "quantum"
SMALL = dict(iterations=12, chains=20, samples=200, burn_in=40, eval_samples=800, stop_variance=1e-30)


@pytest.mark.parametrize("optimizer", ["sr", "adam"])
def test_an_interrupted_vmc_run_resumes_to_the_same_final_iteration(tmp_path, monkeypatch, optimizer):
    problem = load_problem(QUANTUM / "anharmonic1d.py")
    options = RunOptions(method="vmc", settings={**SMALL, "optimizer": optimizer, "lr": 0.05})
    whole = solve(problem, options, out=tmp_path / "whole")

    snapshot = vmc_checkpoint.VMCCheckpoints.snapshot

    def interrupt_at_seven(self, theta, sampler, optimizer, history):
        snapshot(self, theta, sampler, optimizer, history)
        if len(history) == 7:
            raise KeyboardInterrupt  # what Ctrl-C, or SIGTERM through the runner, raises

    monkeypatch.setattr(vmc_checkpoint.VMCCheckpoints, "snapshot", interrupt_at_seven)
    cut = tmp_path / "cut"
    with pytest.raises(RunInterrupted, match=r"after iteration 7.*--resume"):
        solve(problem, options, out=cut, checkpoint_every="3")
    assert load_checkpoint(cut / "checkpoint.pt")["step"] == 7  # the interrupt saved the last whole iteration
    assert load_checkpoint(cut / "checkpoint.prev.pt")["step"] == 6  # the periodic save before it is kept
    monkeypatch.setattr(vmc_checkpoint.VMCCheckpoints, "snapshot", snapshot)

    resumed = solve(problem, options, resume_dir=cut)
    assert resumed.metrics["iterations"] == whole.metrics["iterations"] == 12
    assert resumed.metrics["energy"] == whole.metrics["energy"]  # same seed, same stream: bit for bit
    saved = json.loads((cut / "metrics.json").read_text())
    assert saved["iterations"] == 12 and len((cut / "history.csv").read_text().splitlines()) == 13


def test_periodic_checkpoints_follow_the_interval(tmp_path):
    problem = load_problem(QUANTUM / "harmonic1d.py")
    options = RunOptions(method="vmc", settings={**SMALL, "iterations": 5})
    solve(problem, options, out=tmp_path / "run", checkpoint_every="2")
    assert load_checkpoint(tmp_path / "run" / "checkpoint.pt")["step"] == 5  # the final save
    assert load_checkpoint(tmp_path / "run" / "checkpoint.prev.pt")["step"] == 4  # the save at 4 iterations
