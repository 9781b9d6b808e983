"""Every PINN loss term vanishes on the exact solution: signs, normals and data are right."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch

from pinnsolve import (
    D,
    Dirichlet,
    Eq,
    Field,
    Neumann,
    Periodic,
    Problem,
    Robin,
    Space,
    cos,
    exp,
    load_problem,
    pi,
)
from pinnsolve.methods.neural import build_setup
from pinnsolve.residual import AutogradEngine, torch_function
from pinnsolve.run import RunOptions, solve

DTYPE = torch.float64


class ExactModel(torch.nn.Module):
    """The exact solution standing in for the network."""

    def __init__(self, problem):
        super().__init__()
        self.functions = [
            torch_function(problem.numeric(problem.exact[n]), list(problem.coords)) for n in problem.field_names
        ]
        self.unknowns = {}

    def forward(self, points):
        return torch.stack([f(points) for f in self.functions], dim=1)


def residuals_on_exact(problem):
    setup = build_setup("pinn", problem, {"points": 200}, rng=np.random.default_rng(0), dtype=DTYPE)
    setup.objective.engine = AutogradEngine()
    return setup.objective.residuals(ExactModel(problem).to(DTYPE))


@pytest.mark.parametrize(
    "name",
    ["decay", "logistic", "poisson1d", "heat1d", "wave1d", "oscillator", "poisson2d", "poisson_disk", "heat_neumann"],
)
def test_shipped_problems(problems_dir, name):
    for term, r in residuals_on_exact(load_problem(problems_dir / f"{name}.py")).items():
        assert float(r.detach().abs().max()) < 1e-9, term


def test_neumann_robin_and_periodic_on_a_box():
    x, y = Space("x", 0, 1), Space("y", 0, 2)
    u = Field("u", x, y)
    ue = exp(x) * cos(pi * y)  # 2-periodic in y
    problem = Problem(
        "mixed",
        [Eq(-D(u, x, 2) - D(u, y, 2), (pi**2 - 1) * ue)],
        [
            Dirichlet(u, ue, on=x.min),
            Neumann(u, exp(1) * cos(pi * y), on=x.max),  # outward normal +x: ∂u/∂n = u_x
            Periodic(y),
        ],
        exact={u: ue},
    )
    robin = Problem(
        "robin",
        [Eq(-D(u, x, 2) - D(u, y, 2), (pi**2 - 1) * ue)],
        [
            Robin(u, 2, 3, 2 * ue - 3 * exp(x) * cos(pi * y), on=x.min),  # outward normal −x: ∂u/∂n = −u_x
            Dirichlet(u, ue, on=[x.max, y.min, y.max]),
        ],
        exact={u: ue},
    )
    for p in (problem, robin):
        terms = residuals_on_exact(p)
        assert {"pde", "bc1", "bc2"} <= set(terms) or {"pde", "bc"} <= set(terms)
        for term, r in terms.items():
            assert float(r.detach().abs().max()) < 1e-9, (p.name, term)
    wrong = Problem(
        "wrong",
        problem.equations,
        [Neumann(u, -exp(1) * cos(pi * y), on=x.max), Periodic(y), Dirichlet(u, ue, on=x.min)],
        exact={u: ue},
    )
    assert float(residuals_on_exact(wrong)["bc1"].detach().abs().max()) > 1  # the sign of the normal matters


@pytest.mark.slow
def test_an_unknown_coefficient_is_identified_from_data(tmp_path, inverse_decay):
    problem = inverse_decay()
    options = RunOptions(settings={"width": 16, "depth": 2, "points": 64, "steps": 400, "lbfgs_steps": 200})
    result = solve(problem, options, out=tmp_path / "run", plain=True, stream=io.StringIO())
    assert abs(result.metrics["unknowns"]["k"] - 2.0) < 1e-3


def test_a_large_source_is_balanced_against_the_boundary_terms(problems_dir) -> None:
    """-Δu = 5π² sin πx sin 2πy: the residual is measured in units of its source (RMS 5π²/2)."""
    problem = load_problem(problems_dir / "poisson2d.py")
    build = lambda weights: build_setup(
        "pinn",
        problem,
        {"points": 1024, "weights": weights},  # noqa: E731
        rng=np.random.default_rng(0),
        dtype=DTYPE,
    )
    weights = build({}).choices["weights"]
    assert weights["pde"] == pytest.approx(1 / (5 * np.pi**2 / 2) ** 2, rel=0.05)
    assert weights["bc"] == 1.0
    assert build({"pde": 2.0}).choices["weights"]["pde"] == 2.0  # the user's weight is kept
    heat = build_setup(
        "pinn", load_problem(problems_dir / "heat1d.py"), {"points": 256}, rng=np.random.default_rng(0), dtype=DTYPE
    )
    assert heat.choices["weights"]["pde"] == 1.0  # no source: nothing to balance
