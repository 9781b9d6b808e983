"""Stencils are exact on polynomials of their order, on every row (the one-sided ends included)."""

from __future__ import annotations

import numpy as np
import pytest

from pinnsolve.reference.stencils import (
    along_axis,
    derivative_1d,
    first_derivative,
    grid_derivative,
    second_derivative,
)


@pytest.mark.parametrize("n", [3, 4, 7, 12])
def test_first_derivative_exact_on_quadratics(n: int) -> None:
    x = np.linspace(-0.3, 1.7, n)
    h = x[1] - x[0]
    u = 2.0 - 3.0 * x + 1.5 * x**2
    np.testing.assert_allclose(first_derivative(n, h) @ u, -3.0 + 3.0 * x, atol=1e-11)


@pytest.mark.parametrize("n", [4, 5, 9])
def test_second_derivative_exact_on_cubics(n: int) -> None:
    x = np.linspace(0.0, 2.0, n)
    h = x[1] - x[0]
    u = 1.0 + x - 2.0 * x**2 + 0.5 * x**3
    np.testing.assert_allclose(second_derivative(n, h) @ u, -4.0 + 3.0 * x, atol=1e-10)


def test_second_derivative_with_three_nodes_is_exact_on_quadratics() -> None:
    x = np.linspace(0.0, 1.0, 3)
    np.testing.assert_allclose(second_derivative(3, 0.5) @ (x**2), 2.0, atol=1e-12)


def test_first_derivative_is_second_order_on_a_smooth_function() -> None:
    errors = []
    for n in (21, 41, 81):
        x = np.linspace(0, 1, n)
        errors.append(np.max(np.abs(first_derivative(n, x[1] - x[0]) @ np.sin(3 * x) - 3 * np.cos(3 * x))))
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    np.testing.assert_allclose(orders, 2.0, atol=0.1)


def test_periodic_stencils_act_on_a_fourier_mode_with_their_symbols() -> None:
    n, k = 16, 3
    h = 1.0 / n
    x = np.arange(n) * h
    u = np.exp(2j * np.pi * k * x)
    theta = 2 * np.pi * k * h
    np.testing.assert_allclose(first_derivative(n, h, periodic=True) @ u, 1j * np.sin(theta) / h * u, atol=1e-10)
    np.testing.assert_allclose(
        second_derivative(n, h, periodic=True) @ u, -4 * np.sin(theta / 2) ** 2 / h**2 * u, atol=1e-8
    )


def test_composed_fourth_derivative_is_the_five_point_stencil() -> None:
    d4 = derivative_1d(4, 8, 1.0, periodic=True).toarray()
    np.testing.assert_allclose(d4[3, 1:6], [1, -4, 6, -4, 1])


def test_too_few_nodes_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        first_derivative(2, 0.1)


def test_tensor_operators_and_mixed_derivative_on_a_2d_polynomial() -> None:
    nx, ny = 6, 5
    x, y = np.linspace(0, 1, nx), np.linspace(-1, 2, ny)
    hx, hy = x[1] - x[0], y[1] - y[0]
    X, Y = np.meshgrid(x, y, indexing="ij")
    u = (X**2 * Y + 3 * X * Y**2 - Y**3).ravel()
    shape, spacing, periodic = (nx, ny), (hx, hy), (False, False)
    np.testing.assert_allclose(
        grid_derivative((1, 0), shape, spacing, periodic) @ u, (2 * X * Y + 3 * Y**2).ravel(), atol=1e-10
    )
    np.testing.assert_allclose(
        grid_derivative((0, 2), shape, spacing, periodic) @ u, (6 * X - 6 * Y).ravel(), atol=1e-9
    )
    np.testing.assert_allclose(
        grid_derivative((1, 1), shape, spacing, periodic) @ u, (2 * X + 6 * Y).ravel(), atol=1e-9
    )
    assert along_axis(first_derivative(ny, hy), 1, shape).shape == (nx * ny, nx * ny)
