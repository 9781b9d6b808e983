"""The statistics code on laws with known moments, before any network."""

from __future__ import annotations

import numpy as np
import pytest

from pinnsolve import load_problem
from pinnsolve.errors import MethodNotApplicable
from pinnsolve.generative.law import RandomInputs, exact_draws, exact_moments
from pinnsolve.results.marginals import compare_laws, marginal_statistics, probe_indices


def test_quadrature_gives_the_closed_form_moments_of_stochastic_decay(problems_dir):
    problem = load_problem(problems_dir / "stochastic_decay.py")
    t = np.linspace(0, 2, 41)
    mean, std, nodes = exact_moments(problem, "u", {"t": t})
    mu, sigma = 1.0, 0.2
    closed_mean = np.exp(-mu * t + sigma**2 * t**2 / 2)
    closed_std = np.sqrt(np.exp(-2 * mu * t + 2 * sigma**2 * t**2) - closed_mean**2)
    np.testing.assert_allclose(mean, closed_mean, rtol=1e-12)
    np.testing.assert_allclose(std, closed_std, rtol=1e-9, atol=1e-14)
    assert nodes == 24


def test_quadrature_over_a_normal_and_a_uniform_input(problems_dir):
    problem = load_problem(problems_dir / "stochastic_heat.py")
    x, t = np.array([0.5]), np.array([0.0, 1.0])
    mean, std, _ = exact_moments(problem, "u", {"x": x, "t": t})
    # E[A e^{-κπ²t}] = E[A] E[e^{-κπ²t}], κ ~ U(a, b): (e^{-aπ²t} − e^{-bπ²t}) / ((b − a)π²t)
    a, b, p2 = 0.05, 0.15, np.pi**2
    decay = (np.exp(-a * p2) - np.exp(-b * p2)) / ((b - a) * p2)
    decay2 = (np.exp(-2 * a * p2) - np.exp(-2 * b * p2)) / (2 * (b - a) * p2)
    np.testing.assert_allclose(mean[0], [1.0, decay], rtol=1e-12)
    np.testing.assert_allclose(std[0], [0.1, np.sqrt((1 + 0.01) * decay2 - decay**2)], rtol=1e-10)


def test_exact_draws_have_the_quadrature_moments(problems_dir):
    problem = load_problem(problems_dir / "stochastic_decay.py")
    t = np.array([0.5, 1.0, 2.0])
    draws = exact_draws(problem, "u", {"t": t}, 200_000, np.random.default_rng(1))
    mean, std, _ = exact_moments(problem, "u", {"t": t})
    np.testing.assert_allclose(draws.mean(axis=0), mean, rtol=2e-3)
    np.testing.assert_allclose(draws.std(axis=0), std, rtol=1e-2)


def test_a_problem_with_every_input_fixed_has_no_law(problems_dir):
    problem = load_problem(problems_dir / "stochastic_decay.py", {"k": "1.1"})
    with pytest.raises(MethodNotApplicable, match="no random input"):
        RandomInputs.of(problem)


def test_samples_of_the_true_law_score_near_zero():
    rng = np.random.default_rng(0)
    reference = rng.lognormal(0.0, 0.5, (200_000, 3))
    samples = rng.lognormal(0.0, 0.5, (10_000, 3))
    stats = marginal_statistics(samples, reference)
    assert stats["w1_over_std"] < 0.03
    # the smallest of 3 p-values of the true law is below 0.01 with probability 3 %
    assert stats["ks_pvalue"] > 0.01


def test_a_shifted_law_and_a_collapsed_one_are_caught():
    rng = np.random.default_rng(0)
    reference = rng.normal(1.0, 0.2, (200_000, 2))
    shifted = marginal_statistics(rng.normal(1.02, 0.2, (10_000, 2)), reference)
    assert 0.07 < shifted["w1_over_std"] < 0.13 and shifted["ks_pvalue"] < 1e-6
    # mode collapse: every sample near one of two fields; the spread is a third of the law's
    fields = rng.normal(1.0, 0.2, (200_000, 2))
    collapsed = 1.0 + 0.07 * np.sign(rng.standard_normal((10_000, 1))) * np.ones((1, 2))
    law = compare_laws(collapsed.mean(0), collapsed.std(0), fields.mean(0), fields.std(0), collapsed, reference)
    assert law["mode_collapse"] and law["std_ratio"] == pytest.approx(0.35, abs=0.02)
    assert law["ks_pvalue"] < 1e-10
    true = rng.normal(1.0, 0.2, (10_000, 2))
    assert not compare_laws(true.mean(0), true.std(0), fields.mean(0), fields.std(0), true, reference)["mode_collapse"]


def test_probe_points_are_interior():
    assert probe_indices((41,)) == [(10,), (20,), (30,)]
    assert probe_indices((33, 17)) == [(8, 4), (16, 8), (24, 12)]
