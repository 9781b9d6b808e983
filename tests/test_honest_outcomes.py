"""A run that did not solve its problem says so: status, stop reason, a warning, exit 1 where it failed;
validate grades each row; the reference solver warns on a nearly singular system."""

from __future__ import annotations

import json
from textwrap import dedent
from types import SimpleNamespace

import numpy as np
import pytest

from pinnsolve.cli import main
from pinnsolve.methods.verdict import JUDGED_STEPS, VIOLATED, verdict


def _history(first: float, last: float, n: int = 200) -> list:
    return [SimpleNamespace(loss=v) for v in np.geomspace(first, last, n)]


def test_verdict_not_finite_violated_stalled_ok():
    good = SimpleNamespace(fields={"u": np.ones(5)})
    bad = SimpleNamespace(fields={"u": np.array([1.0, np.nan])})
    assert verdict(bad, _history(1, 1e-6), {}, 10)[::2] == ("not_finite", True)
    status, reason, failed = verdict(good, _history(1, 1e-6), {"ic": 0.3}, JUDGED_STEPS)
    assert (status, failed) == ("conditions_violated", True) and "'ic'" in reason and "30 %" in reason
    assert verdict(good, _history(1, 1e-6), {"ic": 0.3}, 50)[::2] == ("conditions_violated", False)  # smoke run
    assert verdict(good, _history(1, 1e-6), {"ic": VIOLATED / 2}, JUDGED_STEPS)[0] == "ok"
    assert verdict(good, _history(1.0, 0.9), {}, JUDGED_STEPS)[::2] == ("stalled", False)


BLOW_UP = """
    from pinnsolve import D, Eq, Field, Initial, Problem, Time
    t = Time("t", 0, 2)
    u = Field("u", t)
    problem = Problem("blowup", equations=[Eq(D(u, t), u**2)], conditions=[Initial(u, 1)])
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "constraints, reason",
    [("soft", "violated"), ("auto", "no solution an integrator can follow")],  # auto: u(0) = 1 built in
)
def test_blow_up_is_reported_as_failed(write_problem, tmp_path, capsys, constraints, reason):
    path = write_problem(BLOW_UP)
    run = tmp_path / "run"
    code = main(
        [
            "solve",
            str(path),
            "--steps",
            str(JUDGED_STEPS),
            "--lbfgs-steps",
            "100",
            "--constraints",
            constraints,
            "--quiet",
            "--threads",
            "1",
            "--out",
            str(run),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and "did not solve the problem" in err and reason in err and "Traceback" not in err
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["status"] == "failed" and reason in metrics["stop_reason"]
    if constraints == "soft":
        assert metrics["condition_residuals"]["ic"] > VIOLATED


def test_validate_grades_rows_without_a_threshold():
    from pinnsolve.validate.outcome import MethodOutcome
    from pinnsolve.validate.tables import grade

    assert grade(MethodOutcome("pinn", "ok", metrics={"l2_relative_error": 0.86}), None).startswith("poor")
    assert grade(MethodOutcome("pinn", "ok", metrics={"l2_relative_error": 0.01}), None) == "ok"
    assert grade(MethodOutcome("pinn", "ok", metrics={"l2_relative_error": 0.86}), 1.0).startswith("pass")
    assert grade(MethodOutcome("pinn", "ok", metrics={"l2_relative_error": 0.86}), 0.1).startswith("FAIL")


def test_reference_warns_at_a_helmholtz_resonance(tmp_path, capsys):
    path = tmp_path / "helm.py"
    path.write_text(
        dedent("""
        from pinnsolve import *
        x = Space("x", 0, 1)
        u = Field("u", x)
        k = Parameter("k", pi)
        problem = Problem("helm", equations=[Eq(D(u, x, 2) + k**2 * u, 1)], conditions=[Dirichlet(u, 0)])
    """)
    )
    assert main(["reference", str(path), "--out", str(tmp_path / "res")]) == 0
    assert "nearly singular" in capsys.readouterr().out
    assert json.loads((tmp_path / "res" / "metrics.json").read_text())["condition_estimate"] > 1e8
    assert main(["reference", str(path), "--set", "k=2", "--out", str(tmp_path / "off")]) == 0
    assert "nearly singular" not in capsys.readouterr().out
    assert json.loads((tmp_path / "off" / "metrics.json").read_text())["condition_estimate"] < 1e6
