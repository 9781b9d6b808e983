"""Observed orders under grid refinement: 2 ± 0.2 on the smooth shipped problems."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from pinnsolve import load_problem
from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.reference import convergence_study, format_table


@pytest.mark.parametrize("name", ["heat1d", "poisson2d", "wave1d", "heat_neumann"])
def test_second_order_on_smooth_problems(problems_dir, name: str) -> None:
    result = convergence_study(load_problem(problems_dir / f"{name}.py"), levels=4)
    assert result["against"] == "exact solution"
    assert [r["h"] for r in result["levels"]] == pytest.approx([result["levels"][0]["h"] / 2**k for k in range(4)])
    assert result["order"] == pytest.approx(2.0, abs=0.2)  # measured 2.00 on all four
    for row in result["levels"][1:]:
        assert row["order"] == pytest.approx(2.0, abs=0.2)


def test_burgers_converges_against_the_finest_grid(problems_dir) -> None:
    result = convergence_study(load_problem(problems_dir / "burgers1d.py"), levels=4, base=201, times=6)
    differences = [r["difference"] for r in result["levels"][:-1]]
    assert result["against"].startswith("finest grid")
    assert all(a > b for a, b in itertools.pairwise(differences))  # measured 6.5e-3, 1.4e-3, 3.4e-4
    assert result["levels"][-1]["l2_relative_error"] is None


def test_study_writes_table_plot_and_files(problems_dir, tmp_path: Path) -> None:
    result = convergence_study(load_problem(problems_dir / "poisson1d.py"), levels=3, out=tmp_path / "conv")
    run = Path(result["run_dir"])
    assert (run / "plots" / "convergence.png").stat().st_size > 1000
    rows = list(csv.DictReader((run / "convergence.csv").open()))
    assert [r["grid"] for r in rows] == ["x=11", "x=21", "x=41"]
    saved = json.loads((run / "convergence.json").read_text())
    assert saved["order"] == pytest.approx(result["order"]) and saved["plot"] == result["plot"]
    assert (run / "solution.npz").exists() and (run / "config.json").exists()
    table = format_table(result)
    assert "x=41" in table and "observed order 2.0" in table


def test_odes_have_no_grid_to_refine(problems_dir) -> None:
    with pytest.raises(PinnsolveError, match="ODE"):
        convergence_study(load_problem(problems_dir / "decay.py"))


def test_advection_dominated_problems_start_on_a_finer_grid(problems_dir) -> None:
    from pinnsolve.reference.convergence import _resolved_base

    base, note = _resolved_base(load_problem(problems_dir / "burgers1d.py"), 11)
    assert base == 321 and "Péclet" in note
    assert _resolved_base(load_problem(problems_dir / "heat1d.py"), 11) == (None, "")
    assert np.isfinite(base)
