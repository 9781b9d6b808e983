"""Shared set-up for the validation tests: tiny budgets, one thread, silent logs."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBLEMS = ROOT / "problems"

#: budgets that make a neural run take about a second: the reports are under test, not accuracy
TINY = {"steps": 30, "lbfgs_steps": 5, "threads": 1, "levels": 3}


@pytest.fixture
def write_suite(tmp_path: Path):
    """Write a suite file whose problem paths are relative to the repository root."""

    def write(body: str, name: str = "suite.toml") -> Path:
        path = tmp_path / name
        path.write_text(f'root = "{ROOT.as_posix()}"\n' + body)
        return path

    return write
