"""validate takes a generative method (graded on its samples' mean) and an ensemble (settings key ``ensemble``)."""

from __future__ import annotations

import pytest

from pinnsolve import load_problem
from pinnsolve.validate.runner import validate_problem
from pinnsolve.validate.settings import check_settings, run_options


def test_ensemble_is_a_run_setting_of_any_method():
    check_settings({"pinn": {"ensemble": 3}})
    assert run_options({"ensemble": 3, "steps": 10}, "pinn").ensemble == 3


@pytest.mark.slow
def test_a_generative_model_is_graded_on_the_mean_of_its_samples(problems_dir, tmp_path):
    problem = load_problem(problems_dir / "stochastic_decay.py")
    tiny = {"train_samples": 40, "samples": 500, "steps": 60, "width": 16, "reference_solves": 40}
    result = validate_problem(problem, ["vae"], out=tmp_path / "v", settings={"vae": tiny}, log=None)
    outcome = result["vae"]
    assert outcome.ok and outcome.l2 == outcome.metrics["mean_l2_relative_error"] < 0.1
    assert outcome.compared_with.startswith("mean of the exact law")
    assert "| vae |" in result.report_md.read_text()
