"""Each optimizer on small problems: first-order ones lower a PINN's loss, Gauss–Newton's Jacobian is the
residual's, Gauss–Newton drives a PINN's loss down by orders of magnitude, CMA-ES fits a 2-parameter model."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pinnsolve import load_problem
from pinnsolve.methods.neural import build_setup
from pinnsolve.train import TrainConfig, Trainer
from pinnsolve.train.optimizers.jacobian import (
    ResidualJacobian,
    _by_rows,
    residual_vector,
)

SMALL = dict(width=8, depth=2, points=24)


def setup(problems_dir, name="poisson1d.py", settings=SMALL):
    torch.manual_seed(0)
    problem = load_problem(problems_dir / name)
    return build_setup("pinn", problem, settings, rng=np.random.default_rng(0), dtype=torch.float64)


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"])
def test_each_first_order_optimizer_lowers_a_pinn_loss(problems_dir, name):
    s = setup(problems_dir)
    history = Trainer(s.model, s.objective, TrainConfig(optimizer=f"{name}:60", lr=1e-2, lr_decay=0.5)).run()
    losses = np.array([r.loss for r in history])
    assert np.isfinite(losses).all() and losses[-1] < 0.5 * losses[0]
    assert history[0].lr == pytest.approx(1e-2) and history[-1].lr == pytest.approx(1e-2 * 0.5 ** (59 / 60))


@pytest.mark.parametrize("derivatives", ["taylor", "autograd"])
def test_the_jacobian_is_that_of_the_weighted_residual_vector(problems_dir, derivatives):
    """‖R‖² is the loss; J matches reverse mode row by row and a central difference along a random direction."""
    s = setup(problems_dir, "heat1d.py", dict(width=5, depth=2, points=20, boundary_points=6, derivatives=derivatives))
    R, J = (a.detach() for a in ResidualJacobian(s.objective, s.model)())
    assert float(R @ R) == pytest.approx(float(sum(s.objective(s.model).values())), rel=1e-13)
    params = [p for p in s.model.parameters()]
    _, J2 = _by_rows(s.objective, s.model, params)
    torch.testing.assert_close(J, J2, rtol=1e-10, atol=1e-12)
    direction = torch.randn(J.shape[1], generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    theta = torch.cat([p.detach().reshape(-1) for p in params])

    def at(x):
        torch.nn.utils.vector_to_parameters(x, params)
        return residual_vector(s.objective, s.model).detach()

    h = 1e-6
    fd = (at(theta + h * direction) - at(theta - h * direction)) / (2 * h)
    torch.testing.assert_close(J @ direction, fd, rtol=1e-6, atol=1e-7)


def test_gauss_newton_takes_a_small_pinn_far_below_adam_in_the_same_steps(problems_dir):
    losses = {}
    for chain in ("adam:25", "gauss-newton:25"):
        s = setup(problems_dir)
        losses[chain] = Trainer(s.model, s.objective, TrainConfig(optimizer=chain)).run()[-1].loss
    assert losses["gauss-newton:25"] < 1e-5 < losses["adam:25"]


def test_cmaes_fits_a_two_parameter_model():
    """y = a·sin(x) + b from 40 samples: CMA-ES finds (a, b) without a gradient."""
    x = torch.linspace(-2, 2, 40, dtype=torch.float64)
    y = 1.7 * torch.sin(x) - 0.4

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.ab = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))

        def forward(self, x):
            return self.ab[0] * torch.sin(x) + self.ab[1]

    model = Model()
    torch.manual_seed(0)
    history = Trainer(
        model, lambda m: {"data": (m(x) - y).square().mean()}, TrainConfig(optimizer="cmaes:120", cmaes_sigma=0.5)
    ).run()
    torch.testing.assert_close(model.ab.detach(), torch.tensor([1.7, -0.4], dtype=torch.float64), rtol=0, atol=1e-6)
    losses = [r.loss for r in history]
    assert all(b <= a for a, b in zip(losses, losses[1:]))  # the model holds the best point seen so far


@pytest.mark.slow  # an end-to-end solve: ~5 s
def test_solve_with_gauss_newton_records_the_chain_and_reaches_a_small_error(problems_dir, tmp_path):
    import io
    import json

    from pinnsolve.run import RunOptions, solve

    options = RunOptions(settings=dict(width=10, depth=2, optimizer="adam:100,gauss-newton:60"), threads=1)
    result = solve(
        load_problem(problems_dir / "poisson1d.py"), options, out=tmp_path / "run", plain=True, stream=io.StringIO()
    )
    assert result.metrics["l2_relative_error"] < 1e-5  # 3.2e-6 measured (160 steps on 141 parameters)
    assert (
        json.loads((tmp_path / "run" / "config.json").read_text())["choices"]["train"]["optimizer"]
        == "adam:100,gauss-newton:60"
    )
    assert [r["phase"] for r in result.history] == ["adam"] * 100 + ["gauss-newton"] * 60
