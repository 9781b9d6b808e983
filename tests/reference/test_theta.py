"""Crank–Nicolson on the semi-discrete system, and the same system as a torch function."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pinnsolve import load_problem
from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.reference import solve_reference
from pinnsolve.reference.discretise import Discretisation
from pinnsolve.reference.evolution import Evolution
from pinnsolve.reference.grid import make_grid, resolve_sizes, time_axis
from pinnsolve.reference.theta import theta_states
from pinnsolve.reference.torch_system import TorchSystem

PROBLEMS = ["heat1d", "burgers1d", "wave1d", "heat_neumann", "oscillator", "lorenz", "logistic"]


def evolution_of(problems_dir, name, grid=None):
    problem = load_problem(problems_dir / f"{name}.py")
    sizes = resolve_sizes(problem, grid)
    return Evolution(Discretisation(problem, make_grid(problem, sizes))), time_axis(problem, sizes)


@pytest.mark.parametrize("name", PROBLEMS)
def test_torch_system_is_the_reference_right_hand_side(problems_dir, name):
    evolution, times = evolution_of(problems_dir, name, {"t": 21})
    rng = np.random.default_rng(0)
    states = evolution.initial_state()[None, :] * (1 + 0.1 * rng.standard_normal((3, evolution.size)))
    system = TorchSystem(evolution)
    for t in (float(times[0]), float(times[7])):
        got = system.rhs(t, torch.as_tensor(states)).numpy()
        want = np.stack([evolution.rhs(t, y) for y in states])
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10 * np.abs(want).max())


@pytest.mark.parametrize("name", PROBLEMS)
def test_discrete_residual_vanishes_on_the_crank_nicolson_reference(problems_dir, name):
    evolution, times = evolution_of(problems_dir, name, {"t": 41})
    states, stats = theta_states(evolution, times)
    y = torch.as_tensor(states.T)
    system = TorchSystem(evolution)
    dt = float(times[1] - times[0])
    residual = system.sequence_residual(y, times)
    # one batched evaluation of F per state is the pairwise residual; compared where it is not round-off
    wiggled = y * (1 + 0.01 * torch.as_tensor(np.random.default_rng(1).standard_normal(y.shape)))
    stepwise = torch.cat(
        [
            system.theta_residual(wiggled[n : n + 1], wiggled[n + 1 : n + 2], float(times[n]), dt)
            for n in range(len(times) - 1)
        ]
    )
    np.testing.assert_allclose(
        system.sequence_residual(wiggled, times).numpy(),
        stepwise.numpy(),
        rtol=1e-10,
        atol=1e-12 * float(stepwise.abs().max()),
    )
    rate = (y[1:] - y[:-1]) / dt
    assert float(residual.abs().max() / rate.abs().max()) < 1e-9
    # and it is not zero on a state sequence of another scheme: the check can fail
    perturbed = y.clone()
    perturbed[5] *= 1.001
    residual = system.theta_residual(perturbed[4:5], perturbed[5:6], float(times[4]), dt)
    assert float(residual.abs().max() / rate.abs().max()) > 1e-6


def test_crank_nicolson_is_second_order_in_time(problems_dir):
    problem = load_problem(problems_dir / "heat1d.py")
    errors = []
    for n in (21, 41, 81):
        solution, stats = solve_reference(problem, {"x": 401, "t": n}, scheme="cn")
        assert stats["scheme"] == "cn"
        errors.append(solution.errors()["l2_relative_error"])
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(np.abs(orders - 2) < 0.15), orders  # 1.87, 1.93: CN nears order 2 as dt shrinks


def test_crank_nicolson_refuses_dt(problems_dir):
    problem = load_problem(problems_dir / "heat1d.py")
    with pytest.raises(PinnsolveError, match="--grid t="):
        solve_reference(problem, scheme="cn", dt=0.01)


@pytest.mark.parametrize("name", ["heat1d", "burgers1d"])
def test_step_defect_is_the_mismatch_with_a_crank_nicolson_step(problems_dir, name):
    """Δt (I − θΔtJ)⁻¹ r: exactly y¹ − CN(y⁰) when F is linear, to first order in the mismatch otherwise."""
    from pinnsolve.reference.theta import theta_step

    evolution, times = evolution_of(problems_dir, name, {"t": 21})
    y0 = evolution.initial_state()
    dt = float(times[1] - times[0])
    stepped, _ = theta_step(evolution, y0, float(times[0]), dt)
    mismatch = 1e-4 * np.sin(np.linspace(0, 40, evolution.size))  # a wiggle at the grid scale, too
    y = torch.as_tensor(np.stack([y0, stepped + mismatch]))
    defect = TorchSystem(evolution).step_defect(y, times[:2]).numpy()[0]
    np.testing.assert_allclose(defect, mismatch, atol=1e-10 if name == "heat1d" else 1e-6)
    y.requires_grad_(True)
    TorchSystem(evolution).step_defect(y, times[:2]).square().sum().backward()
    assert torch.isfinite(y.grad).all() and float(y.grad.abs().max()) > 0
