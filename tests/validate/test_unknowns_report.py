"""The validation report states what each method identified, beside the initial guess and the truth."""

from __future__ import annotations

from pathlib import Path

from pinnsolve import D, Data, Eq, Field, Initial, Problem, Time, Unknown
from pinnsolve.validate.outcome import MethodOutcome, ValidationResult
from pinnsolve.validate.report_md import render_markdown
from pinnsolve.validate.statement import statement
from pinnsolve.validate.tables import unknown_rows


def _problem() -> Problem:
    t = Time("t", 0, 1)
    g = Field("g", t)
    k = Unknown("k", 0.5, exact=2.0)
    return Problem("identify", [Eq(D(g, t), -k * g)], [Initial(g, 1), Data(g, [[0.5]], [0.37])])


def test_single_and_ensemble_values_are_tabulated_with_their_error():
    outcomes = {
        "pinn": MethodOutcome("pinn", "ok", metrics={"unknowns": {"k": 2.02}}),
        "trial": MethodOutcome(
            "trial", "ok", metrics={"unknowns": {"k": {"mean": 1.99, "std": 0.01, "ci95": [1.96, 2.02]}}}
        ),
    }
    result = ValidationResult("identify", Path("."), outcomes, "exact solution", {})
    rows = unknown_rows(result, _problem())
    assert rows[0] == ["pinn", "k", "0.5", "2.02", "", "2", "1.00%"]
    assert rows[1] == ["trial", "k", "0.5", "1.99 ± 0.01", "[1.96, 2.02]", "2", "0.50%"]
    text = render_markdown(_problem(), result, Path("."))
    assert "Identified unknowns" in text and "| trial | k | 0.5 | 1.99 ± 0.01 |" in text
    assert "true value 2" in statement(_problem()).parameters[0].note
