"""Poisson 1D -g'' = (3x + x²)eˣ, g(0) = g(1) = 0, exact x(1 - x)eˣ (the lecture notes' boundary-value problem)."""

from pinnsolve import D, Dirichlet, Eq, Field, Problem, Space, exp

x = Space("x", 0, 1)
g = Field("g", x)

problem = Problem(
    "poisson1d",
    equations=[Eq(-D(g, x, 2), (3 * x + x**2) * exp(x))],
    conditions=[Dirichlet(g, 0, on=x.boundary)],
    exact={g: x * (1 - x) * exp(x)},
)
