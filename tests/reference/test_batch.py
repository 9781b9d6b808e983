"""A batch of draws solved on one discretisation equals the draws solved one by one."""

from __future__ import annotations

import io

import numpy as np
import pytest

from pinnsolve import D, Dirichlet, Eq, Field, Initial, Normal, Problem, Random, Space, Time, Uniform, pi, sin
from pinnsolve.dsl.loader import load_problem
from pinnsolve.generative.law import RandomInputs
from pinnsolve.generative.montecarlo import drawn_problem, monte_carlo
from pinnsolve.reference import solve_reference
from pinnsolve.reference.batch import BatchedReference, batch_obstacle


def _one_by_one(problem: Problem, names: list[str], draws: np.ndarray, grid: dict | None) -> np.ndarray:
    return np.stack(
        [
            solve_reference(drawn_problem(problem, dict(zip(names, map(float, row)))), grid)[0].fields["u"]
            for row in draws
        ]
    )


def _agreement(problem: Problem, n: int, grid: dict | None = None) -> float:
    """Largest deviation of the batch from single solves, relative to max|u|."""
    names = RandomInputs.of(problem).names
    draws = RandomInputs.of(problem).draw(np.random.default_rng(3), n)
    batched = BatchedReference(problem, names, grid).solve(draws)["u"]
    single = _one_by_one(problem, names, draws, grid)
    assert batched.shape == single.shape
    return float(np.max(np.abs(batched - single)) / np.max(np.abs(single)))


def test_ode_batch_matches_single_solves_and_the_exact_law(problems_dir):
    problem = load_problem(problems_dir / "stochastic_decay.py")
    assert _agreement(problem, 12) < 1e-8
    draws = np.array([[0.6], [1.0], [1.7]])
    u = BatchedReference(problem, ["k"]).solve(draws)["u"]
    t = np.linspace(0, 2, u.shape[1])
    assert np.max(np.abs(u - np.exp(-draws * t))) < 1e-8


def test_heat_batch_with_random_amplitude_and_diffusivity(problems_dir):
    problem = load_problem(problems_dir / "stochastic_heat.py")
    assert _agreement(problem, 6, {"x": 41, "t": 11}) < 1e-6


def test_random_field_steady_batch(problems_dir):
    problem = load_problem(problems_dir / "darcy1d_kl.py")
    assert _agreement(problem, 8, {"x": 81}) < 1e-10


def test_nonlinear_equations_with_a_squared_term():
    """Burgers with a random viscosity: the skew-symmetric (u²)_x term differs per draw, Newton inside BDF."""
    x, t = Space("x", -1, 1), Time("t", 0, 0.5)
    u = Field("u", x, t)
    nu = Random("nu", Uniform(0.05, 0.1))
    problem = Problem(
        "random_burgers",
        equations=[Eq(D(u, t) + u * D(u, x), nu * D(u, x, 2))],
        conditions=[Dirichlet(u, 0, on=x.boundary), Initial(u, -sin(pi * x))],
    )
    assert _agreement(problem, 4, {"x": 41, "t": 6}) < 1e-6


def test_nonlinear_steady_batch_runs_newton():
    x = Space("x", 0, 1)
    u = Field("u", x)
    c = Random("c", Normal(1, 0.3))
    problem = Problem(
        "random_reaction", equations=[Eq(-D(u, x, 2) + c * u**3, 10)], conditions=[Dirichlet(u, 0, on=x.boundary)]
    )
    assert _agreement(problem, 5, {"x": 51}) < 1e-9


def test_random_boundary_data_is_solved_one_by_one():
    x = Space("x", 0, 1)
    u = Field("u", x)
    g = Random("g", Normal(1, 0.1))
    problem = Problem(
        "random_wall",
        equations=[Eq(D(u, x, 2), 0)],
        conditions=[Dirichlet(u, 0, on=x.min), Dirichlet(u, g, on=x.max)],
    )
    assert "Dirichlet" in batch_obstacle(problem, ["g"])
    mc = monte_carlo(problem, "u", 4, np.random.default_rng(0), {"x": 11}, stream=io.StringIO(), plain=True)
    assert mc.stats["batched"].startswith("no:")
    np.testing.assert_allclose(mc.fields[:, -1], mc.inputs[:, 0], rtol=1e-12)
    np.testing.assert_allclose(mc.fields[:, 5], mc.inputs[:, 0] / 2, rtol=1e-10)


def test_monte_carlo_batches_and_reports_progress(problems_dir):
    problem = load_problem(problems_dir / "stochastic_decay.py")
    stream = io.StringIO()
    mc = monte_carlo(problem, "u", 1500, np.random.default_rng(0), stream=stream, plain=True)
    assert mc.fields.shape == (1500, 501)
    assert "draws per stacked solve" in mc.stats["batched"]
    t = mc.axes["t"]
    np.testing.assert_allclose(mc.fields, np.exp(-mc.inputs[:, :1] * t), atol=1e-8)
    lines = stream.getvalue().splitlines()
    assert lines and lines[-1].startswith("Monte Carlo solves: 1500/1500")


def test_batch_needs_the_parameter_values(problems_dir):
    problem = load_problem(problems_dir / "stochastic_decay.py")
    batched = BatchedReference(problem, ["k"])
    with pytest.raises(ValueError, match="pass their values"):
        batched.evolution.rhs(0.0, np.ones(1))
