"""Data-parallel training: P = 2 processes on the CPU give the single-process history."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from pinnsolve.train.distributed import shard_range, without_flag

HERE = Path(__file__).resolve().parent
SRC = str(HERE.parents[1] / "src")


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", ""), "OMP_NUM_THREADS": "1"}


def _torchrun(nproc: int) -> list[str]:
    return [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={nproc}"]


@pytest.mark.parametrize("n, world", [(301, 2), (65, 2), (7, 3), (1000, 4)])
def test_shards_cover_every_point_once(n, world):
    covered = np.concatenate([np.arange(n)[shard_range(n, r, world)] for r in range(world)])
    np.testing.assert_array_equal(covered, np.arange(n))


def test_nproc_is_taken_out_of_the_relaunched_command():
    assert without_flag(["solve", "p.py", "--nproc", "2", "--steps", "5", "--nproc=3"], "--nproc") == [
        "solve",
        "p.py",
        "--steps",
        "5",
    ]


@pytest.mark.slow
def test_two_processes_give_the_single_process_loss_history(tmp_path):
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    script = str(HERE / "ddp_losses.py")
    subprocess.run([sys.executable, script, str(one)], env=_env(), check=True, timeout=300)
    subprocess.run([*_torchrun(2), script, str(two)], env=_env(), check=True, timeout=300)
    single, double = np.array(json.loads(one.read_text())), np.array(json.loads(two.read_text()))
    assert len(single) == len(double) == 50  # 40 Adam steps and 10 L-BFGS iterations
    np.testing.assert_allclose(double, single, rtol=1e-10, atol=0)
    assert single[-1] < 0.5 * single[0]
    # one process wrote the run directory, and its model is the single process's model
    a = torch.load(tmp_path / "one" / "model.pt", weights_only=True)
    b = torch.load(tmp_path / "two" / "model.pt", weights_only=True)
    assert all(torch.allclose(a[k], b[k], rtol=1e-8, atol=1e-12) for k in a)


@pytest.mark.slow
def test_nproc_shortcut_trains_and_resumes(problems_dir, tmp_path):
    out = tmp_path / "run"
    base = [
        sys.executable,
        "-m",
        "pinnsolve",
        "solve",
        str(problems_dir / "heat1d.py"),
        "--nproc",
        "2",
        "--width",
        "8",
        "--depth",
        "2",
        "--points",
        "200",
        "--lbfgs-steps",
        "0",
        "--grid",
        "x=21,t=11",
        "--quiet",
    ]
    subprocess.run([*base, "--steps", "20", "--out", str(out)], env=_env(), check=True, timeout=300)
    assert json.loads((out / "metrics.json").read_text())["steps"] == 20
    subprocess.run([*base, "--steps", "30", "--resume", str(out)], env=_env(), check=True, timeout=300)
    history = (out / "history.csv").read_text().strip().splitlines()
    assert json.loads((out / "metrics.json").read_text())["steps"] == 30 and len(history) == 31
    assert [int(line.split(",")[0]) for line in history[1:]] == list(range(1, 31))


@pytest.mark.slow
def test_the_evaluation_grid_and_the_error_monitor_are_split_over_the_processes(tmp_path):
    script = str(HERE / "ddp_evaluate.py")
    subprocess.run([sys.executable, script, str(tmp_path / "one")], env=_env(), check=True, timeout=300)
    subprocess.run([*_torchrun(2), script, str(tmp_path / "two")], env=_env(), check=True, timeout=300)
    single = np.load(tmp_path / "one-0.npz")
    ranks = [np.load(tmp_path / f"two-{r}.npz") for r in range(2)]
    n = 31 * 17
    assert int(single["evaluated"]) == n
    assert sorted(int(r["evaluated"]) for r in ranks) == [n // 2, n - n // 2]  # each process: its half
    assert sum(int(r["monitored"]) for r in ranks) == int(single["monitored"])
    for r in ranks:  # every process holds the whole solution, equal to the single process's
        np.testing.assert_allclose(r["u"], single["u"], rtol=1e-14, atol=1e-15)
        np.testing.assert_array_equal(r["exact"], single["exact"])
        assert float(r["error"]) == pytest.approx(float(single["error"]), rel=1e-12)
    assert 0 < float(single["error"]) < 10 and np.isfinite(single["u"]).all()


@pytest.mark.skipif(
    torch.cuda.device_count() < 2,
    reason="the NCCL path needs two CUDA GPUs; this machine has "
    f"{torch.cuda.device_count()} (gloo on CPUs is tested above, with the same code)",
)
def test_two_gpus_give_the_single_process_loss_history(tmp_path):  # pragma: no cover - needs GPUs
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    script = str(HERE / "ddp_losses.py")
    subprocess.run([sys.executable, script, str(one), "cuda"], env=_env(), check=True, timeout=300)
    subprocess.run([*_torchrun(2), script, str(two), "cuda"], env=_env(), check=True, timeout=300)
    # GPU reductions are ordered differently from run to run: equal to round-off, not bit for bit
    np.testing.assert_allclose(json.loads(two.read_text()), json.loads(one.read_text()), rtol=1e-8)
