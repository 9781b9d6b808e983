"""Causal weights in time: bins, per-bin means, the exponential weights, and when they apply."""

from __future__ import annotations

import numpy as np
import torch

from pinnsolve import load_problem
from pinnsolve.methods.neural import build_setup
from pinnsolve.residual.causal import CausalWeights
from pinnsolve.train import TrainConfig, Trainer

DTYPE = torch.float64


def test_points_fall_into_their_time_bins() -> None:
    causal = CausalWeights(eps=1.0, time_column=1, lo=0.0, hi=2.0, bins=4)
    points = np.array([[9.0, 0.0], [9.0, 0.49], [9.0, 0.5], [9.0, 1.99], [9.0, 2.0]])
    assert causal.bin_index(points).tolist() == [0, 0, 1, 3, 3]


def test_weights_are_exp_of_minus_eps_times_the_earlier_losses() -> None:
    causal = CausalWeights(eps=0.5, time_column=0, lo=0.0, hi=1.0, bins=4)
    r2 = torch.tensor([1.0, 3.0, 2.0, 4.0, 6.0], dtype=DTYPE)
    per_bin = causal.per_bin(r2, torch.tensor([0, 0, 1, 3, 3]))
    assert per_bin.tolist() == [2.0, 2.0, 0.0, 5.0]  # an empty bin counts 0
    expected = np.exp(-0.5 * np.array([0.0, 2.0, 4.0, 4.0]))
    np.testing.assert_allclose(causal.weights(per_bin).numpy(), expected, rtol=1e-15)


def test_weights_carry_no_gradient() -> None:
    causal = CausalWeights(eps=1.0, time_column=0, lo=0.0, hi=1.0, bins=2)
    losses = torch.tensor([1.0, 2.0], dtype=DTYPE, requires_grad=True)
    assert not causal.weights(losses).requires_grad


def _lorenz_setup(problems_dir, **settings):
    problem = load_problem(problems_dir / "lorenz.py")
    torch.manual_seed(0)
    return build_setup("pinn", problem, {"points": 64, "width": 8, "depth": 2, **settings}, dtype=DTYPE)


def test_objective_weighs_late_bins_down_only_while_active(problems_dir) -> None:
    setup = _lorenz_setup(problems_dir)
    objective, model = setup.objective, setup.model
    assert objective.causal is not None and objective.causal.eps == 1.0
    causal_loss = float(sum(v.detach() for v in objective(model).values()))
    objective.first_order(False)
    residuals = objective.residuals(model).values()
    plain = {t.name: float(t.weight * r.detach().square().mean()) for t, r in zip(objective.terms, residuals)}
    assert {k: float(v.detach()) for k, v in objective(model).items()} == plain
    assert causal_loss < sum(plain.values())  # an untrained network: later bins weigh less than 1


def test_trainer_holds_causal_weights_off_in_line_search_stages(problems_dir) -> None:
    setup = _lorenz_setup(problems_dir)
    trainer = Trainer(setup.model, setup.objective, TrainConfig(optimizer="adam:2,lbfgs:2"))
    assert setup.objective.causal.active
    trainer.run()
    assert trainer.step == 4 and not setup.objective.causal.active


def test_causal_zero_turns_them_off(problems_dir) -> None:
    assert _lorenz_setup(problems_dir, causal=0).objective.causal is None
