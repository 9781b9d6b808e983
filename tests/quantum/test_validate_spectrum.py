"""``pinnsolve validate`` on a 1-D one-particle Schrödinger problem: VMC and pinn-eigen against the FD spectrum."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pinnsolve.dsl import load_problem
from pinnsolve.validate import load_suite, validate_problem

ROOT = Path(__file__).resolve().parents[2]
QUANTUM = ROOT / "problems" / "quantum"


def test_the_suite_has_the_three_spectrum_cases():
    cases = {c.name: c for c in load_suite(ROOT / "validation" / "suite.toml").cases}
    for name in ("harmonic1d", "anharmonic1d", "finite_well1d"):
        assert cases[name].methods == ["vmc", "pinn-eigen", "fd"]
        assert set(cases[name].thresholds) == {"vmc", "pinn-eigen", "fd"} - (
            {"fd"} if name == "finite_well1d" else set()
        )


@pytest.mark.slow
def test_validate_reports_fd_pinn_and_vmc_levels_with_verdicts(tmp_path):
    problem = load_problem(QUANTUM / "harmonic1d.py")
    settings = {
        "vmc": {"iterations": 10, "chains": 20, "samples": 200, "burn_in": 40, "eval_samples": 2000},
        "pinn-eigen": {"points": 200, "width": 10, "warmup_steps": 150, "steps": 100, "lbfgs_steps": 100},
    }
    thresholds = {"pinn-eigen": 1e-3, "vmc": 1e-3, "fd": 1e-5}
    result = validate_problem(problem, None, out=tmp_path / "v", settings=settings, log=None, thresholds=thresholds)
    assert list(result.outcomes) == ["fd", "vmc", "pinn-eigen"] and result.reference == "finite-difference spectrum"
    pinn, vmc, fd = result["pinn-eigen"], result["vmc"], result["fd"]
    assert len(pinn.metrics["level_relative_errors"]) == 2 and pinn.l2 < 1e-3  # E0 and E1 against FD
    assert len(vmc.metrics["level_relative_errors"]) == 1 and vmc.l2 < 1e-3  # the exact ansatz: E0 only
    assert fd.l2 == pytest.approx(2.03e-6, rel=0.05)  # FD against the exact ground level ½ (O(h²))
    report = (tmp_path / "v" / "report.md").read_text()
    assert "| state | exact | FD | PINN | PINN relative error | VMC | VMC relative error | verdict |" in report
    e0 = next(line for line in report.splitlines() if line.startswith("| E0 |"))
    assert "0.50000000" in e0 and e0.rstrip(" |").endswith("pass")
    saved = json.loads((tmp_path / "v" / "pinn-eigen" / "metrics.json").read_text())
    assert saved["level_relative_error"] == pytest.approx(pinn.l2)
    assert "Levels" in (tmp_path / "v" / "report.html").read_text()
