"""The mathematics of the second-order optimizers, on problems with known answers (float64)."""

from __future__ import annotations

import pytest
import torch

from pinnsolve.train.optimizers.gauss_newton import adapt_damping, gauss_newton_step
from pinnsolve.train.optimizers.quasi_newton import DenseQuasiNewton

F64 = torch.float64


def _gn_closures(residual):
    """(R, J) and ‖R‖² of a flat residual function, J by torch.func."""

    def rj(theta):
        return residual(theta), torch.func.jacrev(residual)(theta)

    return rj, lambda theta: float(residual(theta).square().sum())


def test_gauss_newton_solves_a_linear_least_squares_problem_in_one_undamped_step():
    gen = torch.Generator().manual_seed(1)
    A = torch.randn(40, 7, generator=gen, dtype=F64)
    b = torch.randn(40, generator=gen, dtype=F64)
    rj, loss = _gn_closures(lambda theta: A @ theta - b)
    theta, info = gauss_newton_step(torch.randn(7, generator=gen, dtype=F64), rj, loss, damping=0.0)
    exact = torch.linalg.lstsq(A, b[:, None]).solution[:, 0]
    assert info.alpha == 1.0
    torch.testing.assert_close(theta, exact, rtol=1e-12, atol=1e-12)
    assert info.gain == pytest.approx(1.0, abs=1e-9)  # the linear model is the problem itself


def _exponential_fit():
    """Zero-residual nonlinear least squares: y = a e^{b t} + c sampled at 30 points."""
    t = torch.linspace(0, 2, 30, dtype=F64)
    truth = torch.tensor([1.5, -0.8, 0.3], dtype=F64)

    def residual(theta):
        return theta[0] * torch.exp(theta[1] * t) + theta[2] - (truth[0] * torch.exp(truth[1] * t) + truth[2])

    return residual, truth


def test_gauss_newton_converges_quadratically_on_a_zero_residual_problem():
    residual, truth = _exponential_fit()
    rj, loss = _gn_closures(residual)
    theta = truth + torch.tensor([0.2, 0.15, -0.1], dtype=F64)
    errors = [float((theta - truth).norm())]
    for _ in range(6):
        theta, _ = gauss_newton_step(theta, rj, loss, damping=0.0)
        errors.append(float((theta - truth).norm()))
        if errors[-1] < 1e-13:
            break
    assert errors[-1] < 1e-13
    # e_{k+1} ≤ C e_k²: the ratios stay bounded while the error falls by orders of magnitude
    ratios = [e1 / e0**2 for e0, e1 in zip(errors, errors[1:]) if e0 > 1e-7]
    assert len(ratios) >= 3 and max(ratios) < 5.0
    assert errors[2] < errors[1] ** 1.8


def test_adaptive_damping_reaches_the_minimum_from_far_away():
    residual, truth = _exponential_fit()
    rj, loss = _gn_closures(residual)
    theta, damping, growth = torch.tensor([3.0, -2.0, 1.0], dtype=F64), 1e-3, 2.0
    for _ in range(15):
        theta, info = gauss_newton_step(theta, rj, loss, damping)
        damping, growth = adapt_damping(info.damping, growth, info)
        if info.loss < 1e-28:
            break
    assert info.loss < 1e-28 and damping < 1e-5  # the damping fell away: the last steps were pure Gauss–Newton
    torch.testing.assert_close(theta, truth, rtol=0, atol=1e-13)


def _fg(f):
    def fg(x):
        x = x.detach().requires_grad_(True)
        value = f(x)
        (g,) = torch.autograd.grad(value, x)
        return float(value.detach()), g

    return fg


def rosenbrock(x):
    return 100 * (x[1:] - x[:-1] ** 2).square().sum() + (1 - x[:-1]).square().sum()


@pytest.mark.parametrize("rule", ["bfgs", "ssbroyden"])
def test_quasi_newton_minimises_rosenbrock(rule):
    method = DenseQuasiNewton(rule=rule)
    x = torch.tensor([-1.2, 1.0, -0.5, 0.8], dtype=F64)
    for _ in range(300):
        x, t = method.iterate(x, _fg(rosenbrock))
        if t == 0 or method.f < 1e-30:
            break
    assert method.f < 1e-20
    torch.testing.assert_close(x, torch.ones(4, dtype=F64), rtol=0, atol=1e-10)


def _quadratic(n=6, seed=3):
    gen = torch.Generator().manual_seed(seed)
    Q, _ = torch.linalg.qr(torch.randn(n, n, generator=gen, dtype=F64))
    A = Q @ torch.diag(torch.logspace(0, 2, n, dtype=F64)) @ Q.T  # condition number 100
    b = torch.randn(n, generator=gen, dtype=F64)
    return A, b, (lambda x: 0.5 * x @ A @ x - b @ x)


@pytest.mark.parametrize("rule", ["bfgs", "ssbroyden"])
def test_quasi_newton_minimises_a_quadratic(rule):
    A, b, f = _quadratic()
    method = DenseQuasiNewton(rule=rule)
    x = torch.zeros(len(b), dtype=F64)
    for _ in range(200):
        x, t = method.iterate(x, _fg(f))
        if t == 0 or float(method.g.norm()) < 1e-14:
            break
    torch.testing.assert_close(x, torch.linalg.solve(A, b), rtol=0, atol=1e-10)


def test_bfgs_with_exact_line_searches_recovers_the_inverse_hessian_in_n_steps():
    """On a quadratic with exact line searches BFGS makes conjugate steps and H_n = A⁻¹ (Nocedal & Wright, Thm 6.4)."""
    A, b, f = _quadratic()
    n = len(b)
    method = DenseQuasiNewton(rule="bfgs", c2=1e-12, max_ls=60)  # c₂ → 0: the line search finds the exact minimiser
    x = torch.zeros(n, dtype=F64)
    for _ in range(n):
        x, _ = method.iterate(x, _fg(f))
    torch.testing.assert_close(method.H, torch.linalg.inv(A), rtol=1e-6, atol=1e-8)
    torch.testing.assert_close(x, torch.linalg.solve(A, b), rtol=0, atol=1e-9)


def test_ssbroyden_keeps_the_secant_equation_and_approaches_the_inverse_hessian():
    """H₊y = s holds after every update; on a quadratic H approaches A⁻¹ in the directions explored."""
    A, b, f = _quadratic()
    method = DenseQuasiNewton(rule="ssbroyden", c2=1e-12, max_ls=60)
    x = torch.zeros(len(b), dtype=F64)
    for _ in range(3 * len(b)):
        g_before = method.g
        x_new, t = method.iterate(x, _fg(f))
        if t == 0 or float(method.g.norm()) < 1e-13:
            break
        if g_before is not None:
            s, y = x_new - x, method.g - g_before
            torch.testing.assert_close(method.H @ y, s, rtol=1e-8, atol=1e-12)
        x = x_new
    inv = torch.linalg.inv(A)
    assert float((method.H - inv).norm() / inv.norm()) < 0.3
