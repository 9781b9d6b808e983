"""Poisson -Δu = f on the unit disk, manufactured from u = (1 - x² - y²) eˣ, u = 0 on the circle."""

from pinnsolve import Dirichlet, Disk, Eq, Field, Problem, Space, exp, laplacian

x = Space("x")
y = Space("y")
u = Field("u", x, y)
u_exact = (1 - x**2 - y**2) * exp(x)

problem = Problem(
    "poisson_disk",
    equations=[Eq(-laplacian(u), 0)],
    domain=Disk((0, 0), 1, coords=(x, y)),
    conditions=[Dirichlet(u, u_exact, on="boundary")],
    exact={u: u_exact},
    manufactured=True,
)
