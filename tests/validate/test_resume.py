"""``pinnsolve validate --suite FILE --resume DIR``: finished cases are not rerun, a stopped case continues
(its trained methods from their checkpoints), and the report has the same rows as an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pinnsolve.cli import main

ROOT = Path(__file__).resolve().parents[2]

SUITE = """
[settings]
threads = 1
levels = 2
[[case]]
problem = "problems/heat1d.py"
methods = ["fd"]
[[case]]
problem = "problems/poisson1d.py"
methods = ["fd"]
[[case]]
problem = "problems/decay.py"
methods = ["pinn", "fd"]
settings = {{ steps = {steps}, lbfgs_steps = 0, width = 8, depth = 1, points = 32 }}
"""


def _table(report: Path) -> list[list[str]]:
    """The summary table's rows without the wall-time column (the only one that may differ)."""
    lines = report.read_text().splitlines()
    start = lines.index(next(line for line in lines if line.startswith("| problem |")))
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    rows = [line.split("|")[1:-1] for line in lines[start:end] if not line.startswith("|--")]
    return [[c.strip() for i, c in enumerate(r) if i != 6] for r in rows]


def _validate(argv: list[str], capsys) -> tuple[int, str]:
    code = main(["validate", *argv, "--threads", "1"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out + captured.err


@pytest.mark.slow
def test_resume_reruns_only_the_unfinished_case(write_suite, tmp_path, capsys):
    suite = write_suite(SUITE.format(steps=40))
    out, report = tmp_path / "out", tmp_path / "REPORT.md"
    code, log = _validate(["--suite", str(suite), "--out", str(out), "--report", str(report)], capsys)
    assert code == 0, log
    first = _table(report)
    assert [r[0] for r in first] == ["problem", "heat1d", "poisson1d", "decay", "decay"]
    kept = {c: (out / c / "validation.json").stat().st_mtime_ns for c in ("heat1d", "poisson1d")}

    # the same --out again is refused, naming both ways on
    code, log = _validate(["--suite", str(suite), "--out", str(out)], capsys)
    assert code == 2 and "--resume" in log and "--overwrite" in log and str(out) in log

    # one case's outputs removed: only it runs again, its pinn continuing from its checkpoint
    (out / "decay" / "validation.json").unlink()
    (out / "decay" / "pinn" / "metrics.json").unlink()
    code, log = _validate(["--suite", str(suite), "--resume", str(out), "--report", str(report)], capsys)
    assert code == 0, log
    assert "heat1d: finished in the earlier run" in log and "poisson1d: finished in the earlier run" in log
    assert "heat1d: fd ..." not in log and "poisson1d: fd ..." not in log
    assert "decay: pinn continues from its checkpoint" in log and "decay: fd ..." in log
    assert {c: (out / c / "validation.json").stat().st_mtime_ns for c in kept} == kept
    assert _table(report) == first  # the same rows, errors and step counts as the uninterrupted run
    assert json.loads((out / "decay" / "pinn" / "metrics.json").read_text())["steps"] == 40

    # nothing left to do: a second resume runs no case and writes the same report
    code, log = _validate(["--resume", str(out), "--report", str(report)], capsys)  # the suite read from suite.json
    assert code == 0 and " ..." not in log and _table(report) == first


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--resume"], ["--resume needs the run directory"]),
        (["--resume", "{tmp}/none"], ["--resume", "none", "no such folder"]),
        (["--resume", "{tmp}", "--overwrite"], ["--resume", "--overwrite", "not both"]),
        (["--resume", "{tmp}", "--out", "{tmp}/other"], ["--resume", "--out", "different folders"]),
        (["--resume", "{tmp}"], ["--resume", "no suite.json", "--overwrite"]),
    ],
)
def test_bad_resume_requests(write_suite, tmp_path, capsys, argv, words):
    suite = write_suite(SUITE.format(steps=5))
    code, log = _validate(["--suite", str(suite), *[a.format(tmp=tmp_path) for a in argv]], capsys)
    assert code == 2, log
    for word in words:
        assert word in log, (word, log)


def test_resume_refuses_another_suite_or_mode(write_suite, tmp_path, capsys):
    from pinnsolve.validate.resume import SuiteState

    suite = write_suite(SUITE.format(steps=5))
    SuiteState(tmp_path / "run", tmp_path / "other.toml", quick=False).save()
    code, log = _validate(["--suite", str(suite), "--resume", str(tmp_path / "run")], capsys)
    assert code == 2 and "other.toml" in log and f"--suite {tmp_path / 'other.toml'}" in log
    SuiteState(tmp_path / "run", suite, quick=True).save()
    code, log = _validate(["--suite", str(suite), "--resume", str(tmp_path / "run")], capsys)
    assert code == 2 and "--quick" in log
    (tmp_path / "run" / "suite.json").write_text("{not json")
    code, log = _validate(["--suite", str(suite), "--resume", str(tmp_path / "run")], capsys)
    assert code == 2 and "suite.json is corrupt" in log and "--overwrite" in log


@pytest.mark.slow
def test_sigterm_mid_case_then_resume_continues_from_the_checkpoint(write_suite, tmp_path):
    """A suite stopped by SIGTERM while a PINN trains: exit 130 with the resume command; --resume skips the
    finished cases and the PINN reaches its full step count from its checkpoint."""
    suite = write_suite(SUITE.format(steps=4000))
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "pinnsolve", "validate", "--threads", "1", "--suite", str(suite)]
    proc = subprocess.Popen([*cmd, "--out", str(out), "--report", str(tmp_path / "R.md")], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    history = out / "decay" / "pinn" / "config.json"
    deadline = time.monotonic() + 60
    while not history.is_file() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(1.5)  # into the training
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and f"--suite {suite}" in stderr and f"--resume {out}" in stderr, stderr
    assert not (out / "decay" / "validation.json").exists()
    resumed = subprocess.run([*cmd, "--resume", str(out), "--report", str(tmp_path / "R.md")], env=env, text=True,
                             capture_output=True, timeout=120)  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert "heat1d: finished in the earlier run" in resumed.stdout
    assert "decay: pinn continues from its checkpoint" in resumed.stdout
    assert json.loads((out / "decay" / "pinn" / "metrics.json").read_text())["steps"] == 4000


def test_suite_rows_without_threshold_grade_a_large_error_poor():
    from pinnsolve.validate.suite_report import SuiteRow

    row = dict(reason="", max_abs=None, threshold=None, wall_time=1.0, steps=40, size="", compared_with="")
    assert SuiteRow("decay", "pinn", "ok", l2=0.7, **row).verdict == "poor"
    assert SuiteRow("decay", "pinn", "ok", l2=0.05, **row).verdict == "—"
    assert SuiteRow("decay", "pinn", "ok", l2=0.7, **row).passed  # no threshold: graded, not failed


@pytest.mark.slow
def test_single_problem_validate_resumes_in_its_folder(tmp_path, capsys):
    out = tmp_path / "v"
    argv = ["validate", str(ROOT / "problems" / "decay.py"), "--methods", "pinn,fd", "--steps", "30"]
    code, log = _validate([*argv[1:], "--lbfgs-steps", "0", "--out", str(out)], capsys)
    assert code == 0, log
    first = json.loads((out / "validation.json").read_text())["outcomes"]["pinn"]["metrics"]
    (out / "validation.json").unlink()
    code, log = _validate([*argv[1:], "--lbfgs-steps", "0", "--resume", str(out)], capsys)
    assert code == 0, log
    assert "decay: pinn continues from its checkpoint" in log
    again = json.loads((out / "validation.json").read_text())["outcomes"]["pinn"]["metrics"]
    assert again["steps"] == first["steps"] == 30
    assert again["l2_relative_error"] == pytest.approx(first["l2_relative_error"], rel=1e-12)
