"""Boundary extraction: the learned crossing of probabilities, and the analytic boundary of relations."""

from __future__ import annotations

import numpy as np
import pytest

from pinnsolve import D, Eq, Field, Initial, Parameter, Problem, Time
from pinnsolve.classify.boundary import boundary_lines, nearest_boundary
from pinnsolve.dsl.regimes import regime_function
from pinnsolve.results.classification import boundary_error, learned_crossing


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_learned_crossing_finds_a_known_boundary_between_samples():
    rng = np.random.default_rng(1)
    theta = rng.uniform(0, 2, 300)
    p1 = _sigmoid((theta - 1.2345) / 0.01)
    assert learned_crossing(theta, 2 * p1 - 1, near=1.2) == pytest.approx(1.2345, abs=2e-3)
    assert np.isnan(learned_crossing(theta, np.ones_like(theta), near=1.0))


def test_boundary_error_in_one_and_two_dimensions():
    rng = np.random.default_rng(2)
    pts = rng.uniform([0.5, 0.5], [1.5, 2.0], size=(3000, 2))
    learned = 1.01 * pts[:, 1]  # a classifier whose boundary is 1 % off γ = ω₀
    p1 = _sigmoid((pts[:, 0] - learned) / 0.03)
    p = np.stack([1 - p1, p1], axis=1)
    box = np.array([[0.5, 1.5], [0.5, 2.0]])
    lines = np.array([[w, w] for w in (0.7, 1.0, 1.3)])
    error, found = boundary_error(pts, p, box, lines, np.array([[0, 1]] * 3))
    assert error == pytest.approx(0.01, abs=5e-4)
    assert found == pytest.approx(1.01 * lines[:, 1], rel=2e-3)
    one = pts[:, :1]
    p1 = _sigmoid((one[:, 0] - 0.8) / 0.002)
    error, _ = boundary_error(one, np.stack([1 - p1, p1], axis=1), box[:1], np.array([[0.8]]), np.array([[0, 1]]))
    assert error < 1e-3


def test_analytic_boundary_of_relations_along_the_first_parameter():
    t = Time("t", 0, 1)
    x = Field("x", t)
    gamma, omega0 = Parameter("gamma", 0.5), Parameter("omega0", 1.0)
    problem = Problem(
        "osc",
        [Eq(D(x, t, 2) + 2 * gamma * D(x, t) + omega0**2 * x, 0)],
        [Initial(x, 1), Initial(D(x, t), 0)],
        regimes={"under": gamma < omega0, "over": gamma >= omega0},
    )
    holds = regime_function(problem.regimes, ["gamma", "omega0"], problem.parameter_values, problem.parameters)
    box = np.array([[0.0, 2.0], [0.5, 1.5]])
    lines, sides = boundary_lines(holds, box)
    assert len(lines) == 9
    assert lines[:, 0] == pytest.approx(lines[:, 1], abs=1e-12)
    assert sides.tolist() == [[0, 1]] * 9
    at = nearest_boundary(holds, box, np.array([[0.3, 0.7], [1.9, 1.2]]))
    assert at == pytest.approx([0.7, 1.2], abs=1e-12)
