"""The POD baseline: exact on fields of known rank, and an accurate Galerkin model of the heat equation."""

from __future__ import annotations

import numpy as np
import pytest

from pinnsolve import load_problem
from pinnsolve.methods import pod
from pinnsolve.methods.snapshots import trajectories


def rank_k_field(rng: np.random.Generator, k: int, n: int = 60, snapshots: int = 40) -> np.ndarray:
    """Σ_i a_i(t) φ_i(x), i < k: smooth space modes times random time coefficients, rank k exactly."""
    x = np.linspace(0, 1, n)
    modes = np.stack([np.sin((i + 1) * np.pi * x) for i in range(k)], axis=1)
    return rng.normal(size=(snapshots, k)) @ modes.T


@pytest.mark.parametrize("center", [True, False])
@pytest.mark.parametrize("k", [1, 3, 5])
def test_reproduces_a_rank_k_field(k: int, center: bool) -> None:
    field = rank_k_field(np.random.default_rng(k), k)
    basis = pod.fit(field, center=center)
    assert basis.rank <= k
    assert pod.relative_error(basis.reconstruct(field, k), field) < 1e-12
    assert pod.relative_error(basis.decode(basis.encode(field, k)), field) < 1e-12
    assert basis.energy(k) == pytest.approx(1.0)
    if k > 1:
        assert pod.relative_error(basis.reconstruct(field, k - 1), field) > 1e-3


def test_mean_costs_no_mode() -> None:
    """A rank-k field plus a constant offset: k modes about the mean, k + 1 through the origin."""
    field = rank_k_field(np.random.default_rng(0), 2) + 3.0
    assert pod.relative_error(pod.fit(field).reconstruct(field, 2), field) < 1e-12
    linear = pod.fit(field, center=False)
    assert pod.relative_error(linear.reconstruct(field, 2), field) > 1e-3
    assert pod.relative_error(linear.reconstruct(field, 3), field) < 1e-12


def test_modes_are_orthonormal_and_ordered() -> None:
    field = np.random.default_rng(1).normal(size=(30, 12))
    basis = pod.fit(field)
    np.testing.assert_allclose(basis.modes.T @ basis.modes, np.eye(basis.rank), atol=1e-12)
    assert np.all(np.diff(basis.singular_values) <= 0)


TWO_MODES = """
    from pinnsolve import D, Dirichlet, Eq, Field, Initial, Problem, Space, Time, pi, sin

    x = Space("x", 0, 1)
    t = Time("t", 0, 0.1)
    u = Field("u", x, t)
    problem = Problem("heat2modes", equations=[Eq(D(u, t), D(u, x, 2))],
                      conditions=[Dirichlet(u, 0, on=x.boundary), Initial(u, sin(pi * x) + 0.5 * sin(3 * pi * x))])
"""


def test_galerkin_rollout_of_heat(write_problem) -> None:
    """Two sine modes decaying at their own rates: the reference has rank 2, and so does its Galerkin model.

    The discrete sines are eigenvectors of the finite-difference Laplacian, so two POD modes
    span the reference exactly and the Galerkin model reproduces it to the integration
    tolerance; one mode cannot follow the two decay rates.
    """
    problem = load_problem(write_problem(TWO_MODES))
    (trajectory,) = trajectories(problem, {"x": 51, "t": 21}, "autoencoder")
    basis = pod.fit(trajectory.states)
    assert basis.energy(2) == pytest.approx(1.0, abs=1e-12)
    errors = {}
    for k in (1, 2):
        rolled = pod.galerkin_rollout(basis, k, trajectory.evolution, trajectory.times, trajectory.states[0])
        assert rolled.shape == trajectory.states.shape
        errors[k] = pod.relative_error(rolled, trajectory.states)
    assert errors[2] < 1e-6
    assert errors[1] > 1e-3


def test_blown_up_rollout_is_infinite() -> None:
    assert pod.relative_error(np.array([[1.0, np.nan]]), np.array([[1.0, 2.0]])) == float("inf")
