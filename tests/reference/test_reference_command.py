"""The command-line glue: options, the run directory, the summary, and refusals."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import numpy as np
import pytest

from pinnsolve.commands import reference as command
from pinnsolve.dsl.errors import PinnsolveError


def _run(*argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    out = io.StringIO()
    code = command.run(parser.parse_args(list(argv)), stream=out)
    return code, out.getvalue()


def test_reference_writes_the_run_directory(problems_dir, tmp_path: Path) -> None:
    out = tmp_path / "run"
    code, text = _run(str(problems_dir / "poisson1d.py"), "--grid", "x=51", "--out", str(out))
    assert code == 0 and "L2 relative error vs exact" in text and str(out) in text
    for name in ("config.json", "metrics.json", "solution.npz", "solution.vtu"):
        assert (out / name).exists(), name
    assert any((out / "plots").glob("*.png"))
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["method"] == "fd" and metrics["steps"] == 1 and metrics["l2_relative_error"] < 1e-3
    assert metrics["wall_time_s"] > 0
    config = json.loads((out / "config.json").read_text())
    assert config["settings"]["grid"] == {"x": 51} and config["choices"]["x"] == "51 (given)"
    with np.load(out / "solution.npz") as data:
        assert data["g"].shape == (51,)


def test_set_and_scheme_options(problems_dir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pinnsolve.viz

    monkeypatch.setattr(pinnsolve.viz, "plot_all", lambda *args, **kwargs: [])  # plots of 1-D + t take seconds
    out = tmp_path / "ftcs"
    code, text = _run(
        str(problems_dir / "heat_neumann.py"),
        "--set",
        "kappa=0.25",
        "--grid",
        "x=21,t=5",
        "--scheme",
        "ftcs",
        "--out",
        str(out),
    )
    assert code == 0 and "dt = " in text and "stability limit" in text
    config = json.loads((out / "config.json").read_text())
    assert config["problem"]["parameters"]["kappa"] == 0.25


def test_convergence_option(problems_dir, tmp_path: Path) -> None:
    out = tmp_path / "conv"
    code, text = _run(str(problems_dir / "heat1d.py"), "--convergence", "--levels", "3", "--out", str(out))
    assert code == 0 and "observed order 2.0" in text
    assert (out / "convergence.csv").exists() and (out / "plots" / "convergence.png").exists()


def test_bad_input_leaves_nothing_written(problems_dir, tmp_path: Path) -> None:
    out = tmp_path / "never"
    with pytest.raises(PinnsolveError, match="--grid names 'z'"):
        _run(str(problems_dir / "heat1d.py"), "--grid", "z=11", "--out", str(out))
    with pytest.raises(PinnsolveError, match="not a whole number"):
        _run(str(problems_dir / "heat1d.py"), "--grid", "x=1.5", "--out", str(out))
    with pytest.raises(PinnsolveError, match="stability limit"):
        _run(str(problems_dir / "heat1d.py"), "--scheme", "ftcs", "--dt", "0.1", "--out", str(out))
    with pytest.raises(PinnsolveError, match="not a box"):
        _run(str(problems_dir / "poisson_disk.py"), "--out", str(out))
    assert not out.exists()
