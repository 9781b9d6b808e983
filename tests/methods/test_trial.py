"""Trial functions u = A + B·N meet their conditions exactly, whatever the network."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pinnsolve import D, Dirichlet, Eq, Field, Initial, Problem, Space, Time, exp, load_problem
from pinnsolve.methods import MethodNotApplicable
from pinnsolve.methods.neural import build_setup
from pinnsolve.residual import numpy_function

DTYPE = torch.float64


def build(problem):
    torch.manual_seed(1)
    return build_setup("trial", problem, {"points": 64}, rng=np.random.default_rng(0), dtype=DTYPE)


def values_and_rate(model, points):
    x = torch.as_tensor(points, dtype=DTYPE).requires_grad_(True)
    u = model(x)
    rate = torch.stack(
        [torch.autograd.grad(u[:, j].sum(), x, retain_graph=True)[0][:, -1] for j in range(u.shape[1])], dim=1
    )
    return u.detach().numpy(), rate.detach().numpy()


@pytest.mark.parametrize("name", ["heat1d", "wave1d", "poisson2d", "poisson1d", "decay", "oscillator", "logistic"])
def test_conditions_hold_to_round_off(problems_dir, name):
    problem = load_problem(problems_dir / f"{name}.py")
    model = build(problem).model
    rng = np.random.default_rng(3)
    coords = list(problem.coords)
    for c in problem.conditions:
        if isinstance(c, Initial):
            if problem.domain is None:
                points = np.array([[problem.time.lo]])
            else:
                space = problem.domain.sample_interior(50, "random", rng)
                points = np.column_stack([space, np.full(len(space), problem.time.lo)])
        else:
            extra = [(problem.time.lo, problem.time.hi)] if problem.time is not None else []
            points, _ = problem.domain.sample_boundary(50, "random", rng, extra_bounds=extra, part=c.on)
        u, rate = values_and_rate(model, points)
        j = problem.field_names.index(c.field_name)
        got = rate[:, j] if isinstance(c, Initial) and c.order == 1 else u[:, j]
        g = numpy_function(problem.numeric(c.g), coords)(*points.T)
        np.testing.assert_allclose(got, g, atol=1e-12)


def test_interior_is_not_pinned():
    """B·N carries the solution inside the domain: different networks give different u."""
    problem = load_problem("problems/heat1d.py")
    a, b = (
        build(problem).model,
        build_setup("trial", problem, {"points": 64}, rng=np.random.default_rng(0), dtype=DTYPE).model,
    )
    p = torch.tensor([[0.3, 0.2]], dtype=DTYPE)  # off-centre: zero biases make N odd about the centre
    assert abs(float((a(p) - b(p)).detach())) > 1e-6


def test_neumann_and_mesh_problems_are_refused_with_advice(problems_dir):
    for name in ("heat_neumann", "plate_hole"):
        with pytest.raises(MethodNotApplicable, match="--method pinn"):
            build(load_problem(problems_dir / f"{name}.py"))


def test_incompatible_corner_data_is_refused():
    x, t = Space("x", 0, 1), Time("t", 0, 1)
    u = Field("u", x, t)
    problem = Problem("bad", [Eq(D(u, t), D(u, x, 2))], [Dirichlet(u, 0, on=x.boundary), Initial(u, 1 + x)])
    with pytest.raises(MethodNotApplicable, match="do not agree"):
        build(problem)


def test_one_sided_and_time_dependent_dirichlet():
    x, t = Space("x", 0, 2), Time("t", 0, 1)
    u = Field("u", x, t)
    problem = Problem(
        "one", [Eq(D(u, t), D(u, x, 2))], [Dirichlet(u, exp(-t), on=x.min), Initial(u, exp(-x))], exact={u: exp(-x - t)}
    )
    model = build(problem).model
    pts = np.array([[0.0, 0.3], [0.0, 0.9], [1.3, 0.0]])
    u, _ = values_and_rate(model, pts)
    np.testing.assert_allclose(u[:, 0], [np.exp(-0.3), np.exp(-0.9), np.exp(-1.3)], atol=1e-12)
