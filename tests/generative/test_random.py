"""The random-input language: laws, Random as a Parameter, KL eigenpairs, show and --set."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from pinnsolve import (
    D,
    Dirichlet,
    Eq,
    Exponential,
    Field,
    LogNormal,
    Normal,
    Problem,
    ProblemError,
    Random,
    RandomField,
    Space,
    SquaredExponential,
    Uniform,
    describe,
    exp,
    load_problem,
)
from pinnsolve.dsl.random import KLExpansion, random_inputs
from pinnsolve.reference import solve_reference


@pytest.mark.parametrize("law", [Normal(1, 0.2), Uniform(0.05, 0.15), LogNormal(0.1, 0.3)])
def test_draws_have_the_laws_moments(law):
    draws = law.sample(np.random.default_rng(0), 400_000)
    assert abs(draws.mean() - law.mean) < 5 * law.std / math.sqrt(len(draws))
    assert abs(draws.std() / law.std - 1) < 0.01
    np.testing.assert_allclose(law.from_standard(law.to_standard(draws[:10])), draws[:10], rtol=1e-12)


def test_bad_laws_are_refused_with_a_fix():
    with pytest.raises(ProblemError, match="positive"):
        Normal(1, -0.2)
    with pytest.raises(ProblemError, match="empty"):
        Uniform(2, 1)
    with pytest.raises(ProblemError, match="not a distribution"):
        Random("k", 3.0)


def _exponential_kernel_eigenvalues(a: float, length: float, std: float, count: int) -> np.ndarray:
    """Eigenvalues of std² exp(−|x−y|/length) on [−a, a] (Ghanem & Spanos 1991, §2.3.3)."""
    c = 1 / length
    values = []
    for k in range(count):
        even = brentq(lambda w: c - w * math.tan(w * a), k * math.pi / a + 1e-12, (k + 0.5) * math.pi / a - 1e-12)
        odd = brentq(lambda w: w + c * math.tan(w * a), (k + 0.5) * math.pi / a + 1e-12, (k + 1) * math.pi / a - 1e-12)
        values += [2 * c * std**2 / (w**2 + c**2) for w in (even, odd)]
    return np.sort(values)[::-1][:count]


def test_kl_eigenvalues_match_the_exponential_kernel():
    x = Space("x", -0.5, 0.5)
    expansion = KLExpansion("G", (x,), Exponential(0.3, 1.5), terms=8)
    exact = _exponential_kernel_eigenvalues(0.5, 0.3, 1.5, 8)
    np.testing.assert_allclose(expansion.eigenvalues, exact, rtol=2e-3)


def test_kl_modes_are_orthonormal_and_the_nystrom_extension_interpolates():
    x = Space("x", 0, 1)
    expansion = KLExpansion("G", (x,), SquaredExponential(0.2, 1.0), terms=6)
    modes = np.stack([expansion.mode(k, (expansion.points[:, 0],)) for k in range(6)], axis=1)
    gram = modes.T @ (expansion.weights[:, None] * modes)
    np.testing.assert_allclose(gram, np.eye(6), atol=1e-8)
    np.testing.assert_allclose(modes, expansion.modes_at_nodes, atol=1e-8)
    h = 1e-5  # the derivative mode is the derivative of the mode
    z = np.array([0.3, 0.71])
    slope = (expansion.mode(2, (z + h,)) - expansion.mode(2, (z - h,))) / (2 * h)
    np.testing.assert_allclose(expansion.mode(2, (z,), (0,)), slope, rtol=1e-6)


def test_kl_captures_more_variance_with_more_terms():
    x = Space("x", 0, 1)
    captured = [KLExpansion("G", (x,), SquaredExponential(0.2, 1.0), terms=k).variance_captured for k in (2, 4, 8)]
    assert captured[0] < captured[1] < captured[2] <= 1 + 1e-9
    assert captured[2] > 0.999


def test_a_random_field_problem_solves_by_finite_differences():
    x = Space("x", 0, 1)
    u = Field("u", x)
    G = RandomField("G", x, kernel=SquaredExponential(0.2, 0.5), terms=4)
    problem = Problem("darcy", equations=[Eq(-D(exp(G) * D(u, x), x), 1)], conditions=[Dirichlet(u, 0, on=x.boundary)])
    assert sorted(random_inputs(problem)) == ["G_1", "G_2", "G_3", "G_4"]
    mean_field, _ = solve_reference(problem, {"x": 41})  # G = 0: a = 1, u = x(1 − x)/2
    grid = mean_field.axes["x"]
    np.testing.assert_allclose(mean_field.fields["u"], grid * (1 - grid) / 2, atol=1e-12)
    drawn, _ = solve_reference(problem.with_parameters({"G_1": 1.0}), {"x": 41})
    assert np.max(np.abs(drawn.fields["u"] - mean_field.fields["u"])) > 1e-3


def test_show_states_the_random_inputs_and_set_fixes_one(problems_dir):
    problem = load_problem(problems_dir / "stochastic_heat.py", {"A": "1.2"})
    text = describe(problem)
    assert "A ~ Normal(mean=1, std=0.1)  (fixed by --set to 1.2)" in text
    assert "kappa ~ Uniform(0.05, 0.15)" in text
    assert list(random_inputs(problem)) == ["kappa"]
    assert "Karhunen-Loeve with 6 terms" in describe(load_problem(problems_dir / "darcy1d_kl.py"))


def test_a_frozen_draw_solves_to_the_same_field_as_the_parameters_set(problems_dir):
    from pinnsolve.generative.montecarlo import drawn_problem

    problem = load_problem(problems_dir / "darcy1d_kl.py")
    values = {f"G_{k}": v for k, v in zip(range(1, 7), (0.8, -1.1, 0.3, 1.7, -0.4, 0.9))}
    frozen, _ = solve_reference(drawn_problem(problem, values), {"x": 33})
    plain, _ = solve_reference(problem.with_parameters(values), {"x": 33})
    np.testing.assert_allclose(frozen.fields["u"], plain.fields["u"], rtol=1e-12, atol=1e-15)
    assert "G_draw" in str(drawn_problem(problem, values).residuals[0])


def test_many_frozen_draws_in_a_row(problems_dir):
    from pinnsolve.generative.montecarlo import monte_carlo

    problem = load_problem(problems_dir / "darcy1d_kl.py")
    mc = monte_carlo(problem, "u", 40, np.random.default_rng(0), {"x": 17}, plain=True)
    assert mc.fields.shape == (40, 17) and np.isfinite(mc.fields).all()
    assert np.std(mc.fields[:, 8]) > 1e-3
