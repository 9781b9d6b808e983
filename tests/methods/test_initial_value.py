"""ODE initial value problems: initial values built in, output scales, and the check against an integration."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch

from pinnsolve import load_problem
from pinnsolve.methods import MethodNotApplicable
from pinnsolve.methods import initial_value as ivp
from pinnsolve.methods.neural import build_setup
from pinnsolve.run import RunOptions, solve

DTYPE = torch.float64


@pytest.mark.parametrize(
    "name,expected",
    [("lorenz", True), ("lotka_volterra", True), ("sir", True), ("oscillator", True), ("heat1d", False)],
)
def test_initial_value_problems_are_recognised(problems_dir, name, expected) -> None:
    assert ivp.is_initial_value_problem(load_problem(problems_dir / f"{name}.py")) is expected


def test_initial_values_hold_exactly_and_outputs_are_scaled(problems_dir) -> None:
    setup = build_setup("pinn", load_problem(problems_dir / "lorenz.py"), {"points": 64}, dtype=DTYPE)
    u0 = setup.model(torch.zeros(1, 1, dtype=DTYPE)).detach().numpy()[0]
    np.testing.assert_allclose(u0, [1.0, 1.0, 1.0], rtol=0, atol=1e-15)
    scales = setup.choices["output_scale"]["values"]
    assert 15 < scales["x"] < 25 and 20 < scales["y"] < 35 and 35 < scales["z"] < 50  # Lorenz on [0, 1]
    assert setup.choices["weights"]["pde1"] == pytest.approx(1 / scales["x"] ** 2, rel=1e-5)


def test_soft_constraints_can_still_be_asked_for(problems_dir) -> None:
    setup = build_setup("pinn", load_problem(problems_dir / "lorenz.py"), {"constraints": "soft"}, dtype=DTYPE)
    assert setup.choices["constraints"].startswith("soft") and setup.choices["causal"] == "off"


def test_hard_constraints_are_refused_where_they_cannot_be_built(problems_dir) -> None:
    with pytest.raises(MethodNotApplicable, match="--constraints soft"):
        build_setup("pinn", load_problem(problems_dir / "heat1d.py"), {"constraints": "hard"}, dtype=DTYPE)


class _Trajectory:
    def __init__(self, t: np.ndarray, fields: dict[str, np.ndarray]) -> None:
        self.axes, self.fields = {"t": t}, fields


def test_a_fixed_point_is_told_apart_from_the_trajectory(problems_dir) -> None:
    problem = load_problem(problems_dir / "sir.py")
    coarse, failure = ivp.coarse_integration(problem)
    assert coarse is not None and not failure
    check = ivp.departure_check(problem, coarse)
    t = np.linspace(0, 100, 301)
    exact = {n: np.interp(t, coarse.axes["t"], coarse.fields[n]) for n in problem.field_names}
    found, why = check(_Trajectory(t, exact))
    assert why is None and found["departure_from_integration"] < 1e-12
    disease_free = {"S": np.full_like(t, 0.999), "I": np.full_like(t, 0.001), "R": np.zeros_like(t)}
    found, why = check(_Trajectory(t, disease_free))
    assert found["departure_from_integration"] > 0.5 and "departs from a coarse integration" in why


def test_a_blow_up_leaves_the_outputs_unscaled(write_problem) -> None:
    path = write_problem(
        "from pinnsolve import *\nt = Time('t', 0, 2)\nu = Field('u', t)\n"
        "problem = Problem('blowup', equations=[Eq(D(u, t), u**2)], conditions=[Initial(u, 1)])\n"
    )
    problem = load_problem(path)
    coarse, failure = ivp.coarse_integration(problem)
    assert coarse is None and failure
    assert ivp.output_scales(problem, coarse) == {"u": 1.0}


@pytest.mark.slow
def test_lorenz_is_learned_not_collapsed(tmp_path, problems_dir) -> None:
    """The soft PINN of the Lorenz system fell onto a fixed point (L2 ≈ 1); at the defaults (5.7e-4 against the
    reference), checked here against the coarse integration."""
    problem = load_problem(problems_dir / "lorenz.py")
    options = RunOptions(method="pinn", seed=0)
    result = solve(problem, options, out=tmp_path / "run", plain=True, stream=io.StringIO())
    assert result.metrics["status"] == "ok"
    assert result.metrics["departure_from_integration"] < 2e-2, result.metrics
