"""Adaptive loss weights: the annealing and ReLoBRaLo updates by hand, frozen in line-search stages, exact resume."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pinnsolve import load_problem
from pinnsolve.methods.neural import build_setup
from pinnsolve.residual.loss_weights import Annealing, ReLoBRaLo
from pinnsolve.train import TrainConfig, Trainer, load_checkpoint

DTYPE = torch.float64


def _two_terms() -> tuple[list[torch.Tensor], dict[str, torch.Tensor]]:
    """θ = (p, q) = ((1, −2), (3,)); L_r = p₀² + p₁²/2 + q₀², L_b = 4p₀ − p₁ (a condition term).

    ∇L_r = (2, −2, 6): max |∇L_r| = 6; ∇L_b = (4, −1, 0): mean |∇L_b| = 5/3; so λ̂_b = 3.6.
    """
    p = torch.tensor([1.0, -2.0], dtype=DTYPE, requires_grad=True)
    q = torch.tensor([3.0], dtype=DTYPE, requires_grad=True)
    losses = {"pde": p[0] ** 2 + 0.5 * p[1] ** 2 + q[0] ** 2, "bc": 4 * p[0] - p[1]}
    return [p, q], losses


def test_one_annealing_update_gives_the_formulas_weight() -> None:
    params, losses = _two_terms()
    rule = Annealing(["pde", "bc"], ["pde", "bc"], every=1, alpha=0.9)
    rule.update(losses, params, step=1)
    assert rule.values["pde"] == 1.0  # the residual's weight stays 1
    assert rule.values["bc"] == pytest.approx(0.1 * 1.0 + 0.9 * 6.0 / (5.0 / 3.0), rel=1e-15)  # 3.34


def test_annealing_is_a_moving_average_towards_the_ratio() -> None:
    """With λ̂ held at 3.6, λ_k = 3.6 + (1 − 3.6)(1 − α)^k: the old value decays by 1 − α per update."""
    params, losses = _two_terms()
    rule = Annealing(["pde", "bc"], ["pde", "bc"], every=1, alpha=0.9)
    for k in range(1, 5):
        rule.update(losses, params, step=k)
        assert rule.values["bc"] == pytest.approx(3.6 + (1.0 - 3.6) * 0.1**k, rel=1e-14)
    half = Annealing(["pde", "bc"], ["pde", "bc"], alpha=0.5)
    half.update(losses, params, step=100)
    half.update(losses, params, step=200)
    assert half.values["bc"] == pytest.approx(3.6 + (1.0 - 3.6) * 0.25, rel=1e-14)


def test_scaled_annealing_takes_the_weighted_terms_gradient_and_settles_at_the_root_of_the_ratio() -> None:
    """The authors' code: λ̂ = max|∇L_r| / mean|∇(λ L_b)| = 3.6/λ, λ ← 0.9 λ + 0.1 λ̂, whose fixed point is √3.6."""
    params, losses = _two_terms()
    rule = Annealing(["pde", "bc"], ["pde", "bc"], every=1, alpha=0.1, scaled=True)
    rule.values["bc"] = 2.0
    rule.update(losses, params, step=1)
    assert rule.values["bc"] == pytest.approx(0.9 * 2.0 + 0.1 * 3.6 / 2.0, rel=1e-15)  # 1.98
    for step in range(2, 200):
        rule.update(losses, params, step)
    assert rule.values["bc"] == pytest.approx(np.sqrt(3.6), rel=1e-12)


def test_annealing_is_due_every_n_steps_while_active() -> None:
    rule = Annealing(["pde", "bc"], ["pde", "bc"], every=100)
    assert [s for s in range(1, 401) if rule.due(s)] == [100, 200, 300, 400]
    rule.active = False
    assert not rule.due(100)


def _softmax_weights(now: np.ndarray, then: np.ndarray, temperature: float) -> np.ndarray:
    e = np.exp(now / (temperature * then))
    return len(now) * e / e.sum()


@pytest.mark.parametrize("lookback", [0.0, 1.0], ids=["rho-0", "rho-1"])
def test_relobralo_update_by_hand(lookback: float) -> None:
    rule = ReLoBRaLo(["pde", "bc", "ic"], ["pde", "bc", "ic"], alpha=0.9, temperature=0.5, lookback=lookback)
    first = np.array([2.0, 1.0, 0.5])
    rule.update(dict(zip(rule.names, torch.tensor(first))), [], step=1)
    assert rule.values == {"pde": 1.0, "bc": 1.0, "ic": 1.0}  # the first step only records L(0)
    now = np.array([1.0, 0.9, 0.05])
    rule.update(dict(zip(rule.names, torch.tensor(now))), [], step=2)
    rho = lookback
    bal_first = _softmax_weights(now, first, 0.5)
    expected = 0.9 * (rho * np.ones(3) + (1 - rho) * bal_first) + 0.1 * bal_first  # L(t−1) = L(0) here
    np.testing.assert_allclose([rule.values[n] for n in rule.names], expected, rtol=1e-14)
    assert rule.values["bc"] > rule.values["ic"]  # the term that fell least gains weight


def test_relobralo_weights_sum_to_the_number_of_terms_and_its_lookback_is_seeded() -> None:
    rng = np.random.default_rng(3)
    rule = ReLoBRaLo(["a", "b"], ["pde", "bc"], seed=7, lookback=0.9)
    for step in range(1, 200):
        rule.update({"a": torch.tensor(rng.uniform(0.1, 2)), "b": torch.tensor(rng.uniform(0.1, 2))}, [], step)
        assert sum(rule.values.values()) == pytest.approx(2.0, rel=1e-12)
    again = ReLoBRaLo(["a", "b"], ["pde", "bc"], seed=7, lookback=0.9)
    draws = [rule.rho(s) for s in range(1, 4001)]
    assert draws == [again.rho(s) for s in range(1, 4001)]  # a function of the seed and the step alone
    assert np.mean(draws) == pytest.approx(0.9, abs=0.02)
    assert draws != [ReLoBRaLo(["a"], ["pde"], seed=8, lookback=0.9).rho(s) for s in range(1, 4001)]


SMALL = {"width": 8, "depth": 2, "points": 32, "constraints": "soft"}


def _setup(problems_dir, rule: str = "annealing", every: int | None = None):
    torch.manual_seed(0)
    problem = load_problem(problems_dir / "decay.py")
    setup = build_setup("pinn", problem, {**SMALL, "loss_weights": rule}, rng=np.random.default_rng(0), dtype=DTYPE)
    if every is not None:
        setup.objective.loss_weights.every = every
    return setup


def test_objective_multiplies_each_term_by_its_weight(problems_dir) -> None:
    setup = _setup(problems_dir)
    objective, model = setup.objective, setup.model
    objective.load_weights_state({"values": {"pde": 1.0, "ic": 7.5}})
    plain = objective.unadapted(model)
    weighted = objective(model)
    assert float(weighted["pde"].detach()) == float(plain["pde"].detach())
    assert float(weighted["ic"].detach()) == pytest.approx(7.5 * float(plain["ic"].detach()), rel=1e-15)
    assert objective.weight_values() == {"pde": 1.0, "ic": 7.5}


def test_weights_change_in_adam_and_are_frozen_in_lbfgs(problems_dir) -> None:
    setup = _setup(problems_dir, every=1)
    trainer = Trainer(setup.model, setup.objective, TrainConfig(optimizer="adam:5,lbfgs:3"))
    history = trainer.run()
    adam = [r.weights["ic"] for r in history if r.phase == "adam"]
    lbfgs = [r.weights["ic"] for r in history if r.phase == "lbfgs"]
    assert len(set(adam)) == 5 and adam[0] == 1.0  # updated after every Adam step
    assert len(lbfgs) == 3 and set(lbfgs) == {setup.objective.weight_values()["ic"]}  # one fixed function
    assert not setup.objective.loss_weights.active
    assert all(r.weights["pde"] == 1.0 for r in history)


def _params(model) -> torch.Tensor:
    return torch.cat([p.detach().ravel() for p in model.parameters()])


@pytest.mark.parametrize(("rule", "stop"), [("annealing", 8), ("relobralo", 8), ("annealing", 14)])
def test_resume_restores_the_weights_and_continues_exactly(problems_dir, tmp_path, rule, stop, interrupt_at) -> None:
    config = TrainConfig(steps=12, lbfgs_steps=4)
    every = 3 if rule == "annealing" else None
    straight = _setup(problems_dir, rule, every)
    Trainer(straight.model, straight.objective, config).run()

    first = _setup(problems_dir, rule, every)
    trainer = Trainer(first.model, first.objective, config, [interrupt_at(stop)])
    with pytest.raises(KeyboardInterrupt):
        trainer.run()
    torch.save(trainer.state_dict(), tmp_path / "checkpoint.pt")

    second = _setup(problems_dir, rule, every)
    resumed = Trainer(second.model, second.objective, config)
    resumed.load_state_dict(load_checkpoint(tmp_path / "checkpoint.pt"))
    assert second.objective.weight_values() == first.objective.weight_values() != {"pde": 1.0, "ic": 1.0}
    resumed.run()
    assert second.objective.weight_values() == straight.objective.weight_values()
    torch.testing.assert_close(_params(second.model), _params(straight.model), rtol=0, atol=0)


def test_gauss_newton_residual_vector_carries_the_adaptive_weights(problems_dir) -> None:
    """‖R‖² is the loss the line search compares, adaptive weights included (frozen at their last values)."""
    from pinnsolve.train.optimizers.jacobian import residual_vector

    setup = _setup(problems_dir)
    setup.objective.load_weights_state({"values": {"pde": 1.0, "ic": 40.0}})
    loss = float(sum(v.detach() for v in setup.objective(setup.model).values()))
    assert float(residual_vector(setup.objective, setup.model).detach().square().sum()) == pytest.approx(
        loss, rel=1e-13
    )
