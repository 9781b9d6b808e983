"""The derivative engines against hand-derived derivatives, and against each other."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp
import torch

from pinnsolve import D, Dirichlet, Eq, Field, Initial, Problem, Space, Time, pi, sin
from pinnsolve.methods.neural import build_setup
from pinnsolve.nets import MLP
from pinnsolve.residual import AutogradEngine, DerivativeKey, TaylorEngine, compile_expression

DTYPE = torch.float64


class Known(torch.nn.Module):
    """u = sin(x)·exp(2t), v = x²t³: derivatives known in closed form."""

    def forward(self, p: torch.Tensor) -> torch.Tensor:
        x, t = p[:, 0], p[:, 1]
        return torch.stack([torch.sin(x) * torch.exp(2 * t), x**2 * t**3], dim=1)


def test_autograd_engine_matches_hand_derivatives():
    p = torch.rand(50, 2, dtype=DTYPE)
    x, t = p[:, 0], p[:, 1]
    keys = {
        DerivativeKey(0, (1, 0)): torch.cos(x) * torch.exp(2 * t),
        DerivativeKey(0, (2, 0)): -torch.sin(x) * torch.exp(2 * t),
        DerivativeKey(0, (1, 1)): 2 * torch.cos(x) * torch.exp(2 * t),
        DerivativeKey(0, (0, 2)): 4 * torch.sin(x) * torch.exp(2 * t),
        DerivativeKey(1, (2, 1)): 6 * t**2,
        DerivativeKey(1, (0, 3)): 6 * x**2,
        DerivativeKey(1, (0, 0)): x**2 * t**3,
    }
    values = AutogradEngine()(Known(), p, keys)
    for k, expected in keys.items():
        torch.testing.assert_close(values[k], expected, rtol=1e-12, atol=1e-12)


ALL_ORDER2 = [
    DerivativeKey(f, o)
    for f in range(2)
    for o in [
        (0, 0, 0),
        (1, 0, 0),
        (0, 1, 0),
        (0, 0, 1),
        (2, 0, 0),
        (0, 2, 0),
        (0, 0, 2),
        (1, 1, 0),
        (1, 0, 1),
        (0, 1, 1),
    ]
]


class OneNet(torch.nn.Module):
    """A Surrogate-shaped wrapper: one MLP over every input."""

    def __init__(self, activation: str) -> None:
        super().__init__()
        self.nets = torch.nn.ModuleList([MLP(3, 2, 16, 3, activation, lo=[-1, 0, 0], hi=[1, 2, 1])])
        self.inputs = [[0, 1, 2]]

    def forward(self, p: torch.Tensor) -> torch.Tensor:
        return self.nets[0](p)


@pytest.mark.parametrize("activation", ["tanh", "sin", "silu"])
def test_taylor_mode_agrees_with_autograd_to_round_off(activation):
    torch.manual_seed(0)
    model = OneNet(activation).to(DTYPE)
    p = torch.rand(64, 3, dtype=DTYPE)
    assert TaylorEngine.supports(model, ALL_ORDER2, 3)
    a = AutogradEngine()(model, p, ALL_ORDER2)
    b = TaylorEngine()(model, p, ALL_ORDER2)
    for k in ALL_ORDER2:
        torch.testing.assert_close(b[k], a[k], rtol=1e-11, atol=1e-12)
    # and the parameter gradients through either engine agree
    grads = []
    for engine in (AutogradEngine(), TaylorEngine()):
        model.zero_grad()
        sum(v.square().mean() for v in engine(model, p, ALL_ORDER2).values()).backward()
        grads.append(torch.cat([q.grad.ravel() for q in model.parameters()]))
    torch.testing.assert_close(grads[0], grads[1], rtol=1e-10, atol=1e-12)


def test_taylor_is_refused_beyond_second_order():
    model = OneNet("tanh").to(DTYPE)
    assert not TaylorEngine.supports(model, [DerivativeKey(0, (3, 0, 0))], 3)
    assert TaylorEngine.supports(model, [DerivativeKey(0, (1, 1, 0))], 3)


@pytest.mark.parametrize("method", ["pinn", "trial"])
def test_engines_agree_on_a_system_with_mixed_derivatives(method):
    x, y, t = Space("x", 0, 1), Space("y", 0, 2), Time("t", 0, 1)
    u, v = Field("u", x, y, t), Field("v", x, y, t)
    problem = Problem(
        "system",
        [Eq(D(u, t), D(u, x, y) + v * D(u, y, 2)), Eq(D(v, t), D(v, x, 2) - u * D(v, x, t))],
        [Dirichlet(u, 0), Dirichlet(v, sin(x)), Initial(u, sin(pi * x) * sin(pi * y / 2)), Initial(v, sin(x))],
    )
    torch.manual_seed(0)
    setup = build_setup(method, problem, {"points": 128}, rng=np.random.default_rng(0), dtype=DTYPE)
    assert setup.choices["derivatives"] == "taylor"
    obj = setup.objective
    a = AutogradEngine()(setup.model, obj.points, obj.keys)
    b = TaylorEngine()(setup.model, obj.points, obj.keys)
    for k in obj.keys:
        torch.testing.assert_close(b[k], a[k], rtol=1e-10, atol=1e-11)


def test_compiled_residual_evaluates_the_symbolic_expression():
    x, t = Space("x", 0, 1), Time("t", 0, 1)
    u = Field("u", x, t)
    problem = Problem(
        "burgers",
        [Eq(D(u, t) + u * D(u, x), 0.1 * D(u, x, 2) + sp.sin(x))],
        [Dirichlet(u, 0, on=x.boundary), Initial(u, 0)],
    )
    expr = compile_expression(problem, problem.residuals[0])
    p = torch.rand(20, 2, dtype=DTYPE)
    values = AutogradEngine()(Known(), p, expr.keys)
    xs, ts = p[:, 0], p[:, 1]
    uu = torch.sin(xs) * torch.exp(2 * ts)
    expected = 2 * uu + uu * torch.cos(xs) * torch.exp(2 * ts) + 0.1 * uu - torch.sin(xs)
    torch.testing.assert_close(expr(values, p), expected, rtol=1e-12, atol=1e-12)


def test_each_derivative_is_computed_once():
    calls = {"n": 0}
    original = torch.autograd.grad

    def counting(*args, **kwargs):
        calls["n"] += 1
        return original(*args, **kwargs)

    keys = [DerivativeKey(0, o) for o in itertools.product(range(3), range(3)) if sum(o) <= 2]
    torch.autograd.grad, saved = counting, torch.autograd.grad
    try:
        AutogradEngine()(Known(), torch.rand(10, 2, dtype=DTYPE), keys)
    finally:
        torch.autograd.grad = saved
    assert calls["n"] == 3  # ∇u, ∇u_x, ∇u_t: all first and second partials
