"""RAR-D adaptive collocation: the sampling density, where the new points go, and when they are added."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pinnsolve import load_problem
from pinnsolve.methods.neural import build_setup
from pinnsolve.residual.adaptive_points import AdaptiveRefinement, draw_points, rar_density
from pinnsolve.train import TrainConfig, Trainer

DTYPE = torch.float64


def _bump(points: np.ndarray) -> np.ndarray:
    """A residual concentrated in the strip |x − 0.3| < 0.05 (10 % of the unit square)."""
    return np.exp(-(((points[:, 0] - 0.3) / 0.015) ** 2))


def _in_bump(points: np.ndarray) -> np.ndarray:
    return np.abs(points[:, 0] - 0.3) < 0.05


def test_density_is_residual_over_its_mean_plus_c() -> None:
    r = np.array([0.0, 1.0, -2.0, 5.0])
    np.testing.assert_allclose(rar_density(r, k=1, c=1), (np.abs(r) / 2.0 + 1) / 8.0, rtol=1e-15)
    np.testing.assert_allclose(rar_density(r, k=2, c=0), r**2 / 30.0, rtol=1e-15)
    np.testing.assert_allclose(rar_density(np.zeros(5)), np.full(5, 0.2), rtol=1e-15)  # no residual: uniform
    p = rar_density(np.array([1.0, np.nan, np.inf, 3.0]), k=1, c=0)  # non-finite counts as the largest
    np.testing.assert_allclose(p, np.array([1.0, 3.0, 3.0, 3.0]) / 10.0, rtol=1e-15)


def test_new_points_concentrate_where_the_residual_is_large() -> None:
    rng = np.random.default_rng(0)
    pool = rng.random((400_000, 2))
    r = _bump(pool)
    new = draw_points(pool, r, 1000, rng)  # few against the pool: drawing without replacement barely depletes it
    inside = _in_bump(new).mean()
    # the density puts half the mass on |r| (nearly all of it in the strip) and half uniformly (10 % there)
    p = rar_density(r)
    expected = p[_in_bump(pool)].sum()
    assert 0.5 < expected < 0.6
    assert abs(inside - expected) < 0.05  # 3 standard deviations of a binomial fraction of 1000
    assert inside > 5 * _in_bump(pool).mean()  # far above the strip's share of the area
    # k = 2, c = 0: all of the mass on the residual, so nearly every new point is in the strip
    assert _in_bump(draw_points(pool, r, 500, rng, k=2, c=0)).mean() > 0.99
    assert len(np.unique(new, axis=0)) == len(new)  # drawn without replacement


def test_histogram_follows_the_density() -> None:
    rng = np.random.default_rng(1)
    pool = rng.random((100_000, 1))
    r = pool[:, 0] ** 2  # |r|/mean|r| + 1 = 3x² + 1: density (3x² + 1)/2 on [0, 1]
    new = draw_points(pool, r, 4000, rng)[:, 0]
    counts, edges = np.histogram(new, bins=5, range=(0, 1))
    expected = 4000 * np.diff(edges**3 + edges) / 2
    assert np.all(np.abs(counts - expected) < 4 * np.sqrt(expected))


class _KnownResidual:
    """An objective whose equation residual is a known function of the points."""

    def __init__(self) -> None:
        self.added = np.zeros((0, 2))

    def equation_residual(self, model: object, points: np.ndarray) -> np.ndarray:
        return _bump(points)

    def add_points(self, points: np.ndarray) -> None:
        self.added = np.concatenate([self.added, points])


def test_refinement_is_deterministic_under_the_seed() -> None:
    def candidates(n: int, rng: np.random.Generator) -> np.ndarray:
        return rng.random((n, 2))

    a, b, c = (AdaptiveRefinement(_KnownResidual(), candidates, 10, 300, 20_000, seed) for seed in (7, 7, 8))
    first, again, other = a.refine(None, 10), b.refine(None, 10), c.refine(None, 10)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert not np.array_equal(first, a.refine(None, 20))  # each round its own draw
    assert _in_bump(first).mean() > 0.4


def _setup(problems_dir, name: str, **settings):
    problem = load_problem(problems_dir / f"{name}.py")
    torch.manual_seed(0)
    values = {"points": 256, "width": 8, "depth": 2, "rar": "on", "rar_every": 2, "rar_points": 40, **settings}
    return problem, build_setup("pinn", problem, values, dtype=DTYPE)


def test_equation_residual_is_the_pde_terms_residual(problems_dir) -> None:
    _, setup = _setup(problems_dir, "burgers1d")
    objective, model = setup.objective, setup.model
    (pde,) = [t for t in objective.terms if t.kind == "pde"]
    r = objective.residuals(model, create_graph=False)[pde.name].detach().numpy()
    measured = objective.equation_residual(model, pde.points, chunk=100)  # in chunks: the same numbers
    np.testing.assert_allclose(measured, np.sqrt(pde.weight) * np.abs(r))


def test_equation_residual_is_the_same_with_either_derivative_engine(problems_dir) -> None:
    _, taylor = _setup(problems_dir, "burgers1d")
    _, nested = _setup(problems_dir, "burgers1d", derivatives="autograd")
    points = np.random.default_rng(2).uniform([-1, 0], [1, 1], size=(300, 2))
    with_taylor = taylor.objective.equation_residual(taylor.model, points)
    np.testing.assert_allclose(nested.objective.equation_residual(nested.model, points), with_taylor, rtol=1e-10)
    assert np.all(with_taylor > 0)


def test_added_points_stay_in_a_disk_and_join_the_equation_term(problems_dir) -> None:
    problem, setup = _setup(problems_dir, "poisson_disk")
    (refine,) = setup.callbacks
    objective = setup.objective
    before = len(objective.points)
    new = refine.refine(setup.model, 2)
    assert new.shape == (40, 2) and problem.domain.contains(new).all()
    assert len(objective.points) == before + 40 and len(objective.terms[0].points) == 256 + 40
    np.testing.assert_array_equal(objective.collocation_sets()["added"], new)
    assert len(objective.collocation_sets()["interior"]) == 256
    loss = sum(objective(setup.model).values())  # the stacked points still evaluate
    assert torch.isfinite(loss)


def test_points_are_added_in_first_order_stages_only(problems_dir) -> None:
    _, setup = _setup(problems_dir, "burgers1d")
    trainer = Trainer(setup.model, setup.objective, TrainConfig(optimizer="adam:4,lbfgs:4"), setup.callbacks)
    trainer.run()
    assert trainer.step == 8
    assert len(setup.objective.added) == 2 * 40  # rounds after Adam steps 2 and 4, none in L-BFGS


def test_checkpoint_carries_the_added_points(problems_dir) -> None:
    _, setup = _setup(problems_dir, "burgers1d")
    trainer = Trainer(setup.model, setup.objective, TrainConfig(optimizer="adam:6"), setup.callbacks)
    trainer.run()
    state = trainer.state_dict()
    _, fresh = _setup(problems_dir, "burgers1d")
    resumed = Trainer(fresh.model, fresh.objective, TrainConfig(optimizer="adam:6"), fresh.callbacks)
    resumed.load_state_dict(state)
    np.testing.assert_array_equal(fresh.objective.added, setup.objective.added)
    assert torch.equal(fresh.objective.points, setup.objective.points)
    loss = lambda s: float(sum(v.detach() for v in s.objective(s.model).values()))  # noqa: E731
    assert loss(fresh) == pytest.approx(loss(setup), rel=1e-12)
