"""Headless, seeded, strict: shared set-up for every test."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = ROOT / "problems"

#: a solve too small to learn anything: for runs refused before training, or read back as files
QUICK_FLAGS = ["--steps", "2", "--lbfgs-steps", "0", "--width", "4", "--depth", "1", "--points", "16"]
QUICK_FLAGS += ["--quiet", "--threads", "1"]

torch.set_num_threads(2)


@pytest.fixture
def problems_dir() -> Path:
    return PROBLEMS


@pytest.fixture
def write_problem(tmp_path: Path):
    """Write a problem file from source text and return its path."""

    def write(source: str, name: str = "problem.py") -> Path:
        path = tmp_path / name
        path.write_text(dedent(source).lstrip())
        return path

    return write


# -- the CLI in-process, and what bad input must leave behind -------------------------------------------------
def _invoke(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """(exit code, stderr, stdout) of ``pinnsolve argv`` in-process; argparse's own refusals (SystemExit) count."""
    from pinnsolve.cli import main

    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out, captured.err + captured.out
    return code, captured.err, captured.out


@pytest.fixture(scope="session")
def quick_flags() -> list[str]:
    """Solve flags for a run that trains for two steps on a tiny network, one thread, quietly."""
    return list(QUICK_FLAGS)


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[[list[str]], tuple[int, str]]:
    """``run_cli(argv)`` → (exit code, stderr + stdout) of the CLI in-process, which never shows a traceback."""

    def run(argv: list[str]) -> tuple[int, str]:
        code, err, out = _invoke(argv, capsys)
        return code, err + out

    return run


@pytest.fixture
def refused(capsys: pytest.CaptureFixture[str]) -> Callable[..., str]:
    """``refused(argv, *words, code=2)``: the CLI ends with ``code`` and one clean paragraph on stderr,
    ``error: ...`` without a traceback, that names each of ``words`` (the flag or file, and the fix)."""

    def check(argv: list[str], *words: str, code: int = 2) -> str:
        got, err, _ = _invoke(argv, capsys)
        assert got == code, err
        assert err.startswith("error: "), err
        for word in words:
            assert word in err, (word, err)
        return err

    return check


@pytest.fixture
def assert_no_half_written() -> Callable[[Path], None]:
    """``assert_no_half_written(root)``: no atomic write's temporary file (``*.tmp-*``) is left under ``root``."""

    def check(root: Path) -> None:
        leftovers = [p for p in root.rglob("*") if ".tmp-" in p.name] if root.exists() else []
        assert not leftovers, leftovers

    return check


# -- problems built inline ---------------------------------------------------------------------------------------
@pytest.fixture
def inverse_decay() -> Callable[..., object]:
    """``inverse_decay(points=20, guess=0.5, noise=0.0, exact_rate=None)``: g' = −k g, g(0) = 1, on t ∈ [0, 1],
    with the rate k an `Unknown` started at ``guess`` and ``points`` measurements of e^{−2t} (times 1 + noise·N(0, 1),
    seeded) on an even grid: the data identify k = 2."""
    from pinnsolve import D, Data, Eq, Field, Initial, Problem, Time, Unknown, exp

    def make(points: int = 20, guess: float = 0.5, noise: float = 0.0, exact_rate: float | None = None) -> Problem:
        t = Time("t", 0, 1)
        g = Field("g", t)
        k = Unknown("k", guess, exact=exact_rate)
        ts = np.linspace(0, 1, points)
        values = np.exp(-2 * ts)
        if noise:
            values = values * (1 + noise * np.random.default_rng(0).standard_normal(points))
        return Problem(
            "identify", [Eq(D(g, t), -k * g)], [Initial(g, 1), Data(g, ts[:, None], values)], exact={g: exp(-2 * t)}
        )

    return make


class _StopAt:
    """A trainer callback that raises KeyboardInterrupt after step ``step`` (as Ctrl-C or SIGTERM would)."""

    def __init__(self, step: int) -> None:
        self.step = step

    def on_start(self, trainer: object) -> None: ...

    def on_end(self, trainer: object) -> None: ...

    def on_step(self, trainer: object, record: object) -> None:
        if record.step == self.step:  # type: ignore[attr-defined]
            raise KeyboardInterrupt


@pytest.fixture(scope="session")
def interrupt_at() -> Callable[[int], object]:
    """``interrupt_at(step)``: a callback that stops a Trainer there, to test checkpoints and resume."""
    return _StopAt
