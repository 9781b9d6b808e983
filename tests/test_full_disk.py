"""A full disk is a clean error: refused before training when the run's files would not fit (a pre-flight
check of the free space against the run's estimated output), and reported with what was saved when a write
fails part-way (ENOSPC from a checkpoint, a file-size limit in a real process). No traceback, no
half-written file, no run directory left behind by a refused run (issue 16)."""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
from collections import namedtuple
from pathlib import Path

import pytest
import torch

from pinnsolve.cli import main
from pinnsolve.evaluate import RUN_FILES_BYTES, output_bytes

ROOT = Path(__file__).resolve().parents[1]
DECAY = str(ROOT / "problems" / "decay.py")
HEAT = str(ROOT / "problems" / "heat1d.py")
QUICK = ["--lbfgs-steps", "0", "--width", "4", "--depth", "1", "--points", "16", "--quiet", "--threads", "1"]
Usage = namedtuple("Usage", "total used free")


def _cli(argv: list[str], capsys) -> tuple[int, str]:
    code = main(argv)
    captured = capsys.readouterr()
    err = captured.err + captured.out
    assert "Traceback" not in err, err
    return code, err


def _full(free: int):
    return lambda path: Usage(10 * 2**30, 10 * 2**30 - free, free)


def test_the_estimate_grows_with_the_grid(problems_dir):
    from pinnsolve.dsl import load_problem

    heat = load_problem(problems_dir / "heat1d.py")
    small, large = output_bytes(heat, {"x": 11, "t": 11}), output_bytes(heat, {"x": 1001, "t": 1001})
    # coordinates, the field, its exact value and error, twice (npz and ParaView): > 2 * 1e6 * 8 * 4 bytes
    assert small < RUN_FILES_BYTES + 10**5 and large - RUN_FILES_BYTES > 2 * 1001**2 * 8 * 4


@pytest.mark.parametrize("command", ["solve", "reference"])
def test_too_little_free_space_is_refused_before_the_run(tmp_path, capsys, monkeypatch, command):
    monkeypatch.setattr("pinnsolve.io.rundir.shutil.disk_usage", _full(2**20))
    out = tmp_path / "run"
    flags = ["--steps", "5", *QUICK] if command == "solve" else ["--threads", "1"]
    code, err = _cli([command, HEAT, *flags, "--out", str(out)], capsys)
    assert code == 2, err
    assert f"{out}: the run's files need about" in err and "1.0 MiB is free" in err and "--out on another disk" in err
    assert not out.exists()  # no half-made run directory


def test_too_little_space_under_the_default_root(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("pinnsolve.io.rundir.shutil.disk_usage", _full(0))
    code, err = _cli(["solve", DECAY, "--steps", "5", *QUICK], capsys)
    assert code == 2 and "0 B is free" in err, err
    assert not any((tmp_path / "runs").iterdir())


def test_validate_stops_on_a_full_disk_instead_of_skipping_every_method(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("pinnsolve.io.rundir.shutil.disk_usage", _full(2**20))
    code, err = _cli(["validate", DECAY, "--methods", "fd", "--threads", "1", "--out", str(tmp_path / "v")], capsys)
    assert code == 2 and "is free on that file system" in err, err


def test_enospc_mid_run_is_reported_with_what_was_saved(tmp_path, capsys, monkeypatch):
    """The second checkpoint hits a full disk: exit 1, the message names the file, the whole files kept
    and the resume command; the first checkpoint is intact and the run continues from it."""
    real_save, calls = torch.save, []

    def save(obj, f, *args, **kwargs):
        calls.append(f)
        if len(calls) == 2:
            Path(f).write_bytes(b"\0" * 100)  # part of the file written, then the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(f))
        return real_save(obj, f, *args, **kwargs)

    monkeypatch.setattr(torch, "save", save)
    out = tmp_path / "run"
    code, err = _cli(["solve", DECAY, "--steps", "12", "--checkpoint-every", "4", *QUICK, "--out", str(out)], capsys)
    assert code == 1, err
    assert "No space left on device" in err and "checkpoint.pt" in err and "config.json" in err, err
    assert f"pinnsolve solve --resume {out}" in err
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]
    assert torch.load(out / "checkpoint.pt", weights_only=True)["step"] == 4
    monkeypatch.setattr(torch, "save", real_save)
    code, err = _cli(["solve", "--resume", str(out), "--quiet", "--threads", "1"], capsys)
    assert code == 0, err
    assert torch.load(out / "checkpoint.pt", weights_only=True)["step"] == 12


def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs POSIX file-size limits")
def test_a_real_write_failure_in_a_process_is_clean(tmp_path):
    """A real process whose files may not grow past 64 KiB (RLIMIT_FSIZE; writes fail with EFBIG as on a
    full disk): one paragraph, exit 1, no traceback, no temporary file left."""
    out = tmp_path / "run"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [sys.executable, "-m", "pinnsolve", "solve", HEAT, "--steps", "5", *QUICK, "--out", str(out)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, preexec_fn=_limit_file_size(2**16))
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "File too large" in proc.stderr and str(out) in proc.stderr, proc.stderr
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]
