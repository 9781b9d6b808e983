"""Headless, seeded, strict: shared set-up for every test."""

from __future__ import annotations

import os
from pathlib import Path
from textwrap import dedent

os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402
import torch  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = ROOT / "problems"

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
