"""Datasets: Sobol points in the box, the vectorised ODE solve equal to the reference, labels from relations."""

from __future__ import annotations

import numpy as np
import pytest

from pinnsolve.classify.dataset import build_dataset, draw_points, solve_point
from pinnsolve.classify.vectorised import solve_ode_batch
from pinnsolve.dsl import load_problem


def test_sobol_points_fill_the_box(problems_dir):
    box = np.array([[0.5, 1.5], [2.0, 4.0]])
    p = draw_points(box, 100, np.random.default_rng(0))
    assert p.shape == (100, 2)
    assert np.all(p >= box[:, 0]) and np.all(p <= box[:, 1])
    # low discrepancy: every tenth of the first axis holds about a tenth of the points
    assert np.histogram(p[:, 0], bins=10, range=(0.5, 1.5))[0].min() >= 6


def test_vectorised_ode_equals_the_reference_per_sample(problems_dir):
    problem = load_problem(problems_dir / "regimes" / "damped_oscillator.py")
    points = np.array([[0.6], [1.0], [1.4]])
    fields, _ = solve_ode_batch(problem, ["gamma"], points, {"t": 51})
    for row, (g,) in zip(fields, points):
        reference = solve_point(problem.with_parameters({"gamma": g}), {"t": 51}).fields["x"]
        assert np.abs(row[0] - reference).max() < 1e-8


def test_dataset_is_labelled_by_the_relations(problems_dir):
    problem = load_problem(problems_dir / "regimes" / "damped_oscillator.py")
    data = build_dataset(problem, ["gamma"], np.array([[0.5, 1.5]]), 64, np.random.default_rng(0), grid={"t": 21})
    assert data.fields.shape == (64, 1, 21)
    assert np.array_equal(data.labels, (data.points[:, 0] > 1.0).astype(int))
    assert data.classes == ["underdamped", "overdamped"]


def test_ftcs_above_the_limit_blows_up_and_below_it_decays(problems_dir):
    problem = load_problem(problems_dir / "regimes" / "heat_ftcs_stability.py")
    c = problem.classify
    stable = solve_point(problem.with_parameters({"alpha": 0.95}), c["grid"], "ftcs", c["dt"]).fields["u"]
    unstable = solve_point(problem.with_parameters({"alpha": 1.05}), c["grid"], "ftcs", c["dt"]).fields["u"]
    assert np.abs(stable[:, -1]).max() < np.abs(stable[:, 0]).max()
    assert np.abs(unstable[:, -1]).max() > 1e6


@pytest.mark.parametrize(
    "name", ["damped_oscillator", "burgers_shock", "heat_ftcs_stability", "brusselator_hopf", "lorenz_chaos"]
)
def test_every_regime_problem_loads_with_its_defaults(problems_dir, name):
    problem = load_problem(problems_dir / "regimes" / f"{name}.py")
    assert len(problem.regimes) == 2 and "vary" in problem.classify


def test_a_label_function_labels_the_solutions(write_problem):
    path = write_problem("""
        from pinnsolve import D, Eq, Field, Initial, Parameter, Problem, Time
        t = Time("t", 0, 10)
        x = Field("x", t)
        gamma = Parameter("gamma", 0.5)
        problem = Problem("osc", [Eq(D(x, t, 2) + 2 * gamma * D(x, t) + x, 0)], [Initial(x, 1), Initial(D(x, t), 0)],
                          label=lambda s: "rings" if s.fields["x"].min() < -1e-3 else "creeps")
    """)
    problem = load_problem(path)
    data = build_dataset(problem, ["gamma"], np.array([[0.2, 1.5]]), 32, np.random.default_rng(0), grid={"t": 201})
    assert data.classes == ["creeps", "rings"]
    rings = data.fields[:, 0].min(axis=1) < -1e-3
    assert np.array_equal(data.labels, rings.astype(int))
    # overshoot below -1e-3 within t ≤ 10 happens only clearly below critical damping
    assert data.points[rings, 0].max() < 1.0 <= data.points[~rings, 0].min() + 0.3


def test_noise_is_relative_to_the_initial_size():
    from pinnsolve.classify.features import add_noise, channel_scale

    fields = np.zeros((2000, 2, 50))
    fields[:, 0, 0], fields[:, 1, 0] = 1.0, 10.0
    scale = channel_scale(fields)
    assert scale.tolist() == [1.0, 10.0]
    noisy = add_noise(fields, 0.01, scale, np.random.default_rng(0))
    assert np.std(noisy[:, 0, 1:]) == pytest.approx(0.01, rel=0.02)
    assert np.std(noisy[:, 1, 1:]) == pytest.approx(0.1, rel=0.02)


def test_ftcs_batch_march_equals_one_march_per_sample(problems_dir):
    from pinnsolve.classify.dataset import _ftcs_any_step, _ftcs_batch

    problem = load_problem(problems_dir / "regimes" / "heat_ftcs_stability.py")
    c = problem.classify
    variants = [problem.with_parameters({"alpha": a}) for a in (0.7, 1.0, 1.2)]
    for variant, solution in zip(variants, _ftcs_batch(variants, c["grid"], c["dt"], None)):
        alone = _ftcs_any_step(variant, c["grid"], c["dt"]).fields["u"]
        assert np.array_equal(solution.fields["u"], alone)
