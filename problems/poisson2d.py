"""Poisson -Δu = f on the unit square, manufactured from u = sin(πx) sin(2πy) with u = 0 on the boundary."""

from pinnsolve import Dirichlet, Eq, Field, Problem, Space, laplacian, pi, sin

x = Space("x", 0, 1)
y = Space("y", 0, 1)
u = Field("u", x, y)
u_exact = sin(pi * x) * sin(2 * pi * y)

problem = Problem(
    "poisson2d",
    equations=[Eq(-laplacian(u), 0)],
    conditions=[Dirichlet(u, u_exact, on="boundary")],
    exact={u: u_exact},
    manufactured=True,
)
