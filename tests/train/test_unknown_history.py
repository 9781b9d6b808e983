"""An identified constant is followed step by step: the progress line, history.csv and its read-back."""

from __future__ import annotations

import io

import pytest

from pinnsolve.io.rundir import RunDirectory
from pinnsolve.methods.neural import history_rows
from pinnsolve.run import RunOptions, solve
from pinnsolve.train.progress import summary
from pinnsolve.train.records import StepRecord, records_from_history


def test_the_progress_line_and_the_history_rows_carry_each_unknown(tmp_path):
    record = StepRecord(7, "adam", 0.5, 1e-3, {"pde": 1e-3}, 1e-3, None, {}, {"kappa": 0.1234567})
    assert "kappa=0.123457" in summary(record, 10)
    rows = history_rows([record], ["pde"])
    assert rows[0]["unknown_kappa"] == 0.1234567 and list(rows[0])[-1] == "unknown_kappa"
    run = RunDirectory(tmp_path)
    run.write_history(rows)
    back = records_from_history(run.read_history())
    assert back[0].unknowns == {"kappa": pytest.approx(0.1234567)} and set(back[0].terms) == {"pde"}


@pytest.mark.slow
def test_a_solve_records_the_unknown_at_every_step_ending_at_the_identified_value(tmp_path, inverse_decay):
    problem = inverse_decay()
    options = RunOptions(settings={"width": 12, "depth": 2, "points": 48, "steps": 150, "lbfgs_steps": 100})
    stream = io.StringIO()
    result = solve(problem, options, out=tmp_path / "run", plain=True, stream=stream)
    history = RunDirectory(tmp_path / "run").read_history()
    assert len(history["unknown_k"]) == result.metrics["steps"]
    assert history["unknown_k"][0] == pytest.approx(0.5, abs=0.01)
    assert history["unknown_k"][-1] == pytest.approx(result.metrics["unknowns"]["k"], rel=1e-9)
    assert abs(result.metrics["unknowns"]["k"] - 2) < 1e-2 and " k=" in stream.getvalue()
